"""Table rows into observations: a header row tells which column holds the value, the growth rate
and the unit; a caption's 单位 applies to every row unless the row names its own. A table whose
caption or first row names another subject (a port, a customs district, a zone, another place) or
another year holds no figure of the document's unit."""

from __future__ import annotations

import re
from decimal import Decimal

from catalog import Catalog
from extractors.document import Problem, Table
from extractors.grammar import DocContext, SentenceParser, _cell_key, _Growth, _Quantity, lexicon
from extractors.numbers import normalize
from extractors.scope import SubjectFinder, other_year_in_head

_VALUE_HEADER = re.compile(
    r"绝对[数值额]|总量|数值|数量|金额|本年|全年|本期|完成|实绩|累计|(?:19|20)\d{2}年?$|总额|指标值|年末数|期末数|实际数|"
    r"本年数|现价|当年价"
)
_GROWTH_HEADER = re.compile(r"增长|增速|增幅|比上年|同比|±|[+]-|%$|％")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_NAME_HEADER = re.compile(r"指标|项目|名称")
_CAPTION_UNIT = re.compile(r"单位\s*[:：]\s*([^\s,，、;；)）]+)")
_NUM_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_CONSTANT_PRICES = re.compile(r"可比价|不变价")


_RATE_ROW = re.compile(r"^(.{2,24}?)(?:增速|增长速度|增幅|比上年增长|增长)(?:\(%\)|（%）|%)?$")
_PORT_ROWS = {"port_trade_value", "customs_district_trade", "port_cargo"}


def _cell_number(cell: str) -> Decimal | None:
    t = normalize(cell).replace(" ", "").rstrip("%")
    if _NUM_CELL.match(t):
        return Decimal(t)
    return None


def table_subject(table: Table, cat: Catalog, ctx: DocContext) -> str | None:
    """Why a table is not about the document's unit and year, or None when it is."""
    finder = SubjectFinder(cat, ctx.unit_name)
    first = " ".join(table.rows[0]) if table.rows else ""
    for text, is_caption in ((normalize(table.caption), True), (normalize(first), False)):
        if not text:
            continue
        lex = lexicon(cat)
        masked = [m.span() for m in lex.alias_re.finditer(text)]
        for sub in finder.subjects(text, masked):
            if sub.kind not in ("unit",):
                return f"the table is about {sub.text} ({sub.kind})"
        # a caption naming another year; a header's year columns (2021年 2020年) are columns, not the subject
        other = other_year_in_head(text, ctx.data_year) if is_caption else None
        if other and not re.search(r"(?:19|20)\d{2}\s*年?\s*[-—~至到]", text):
            return f"the table is about {other}"
    return None


def parse_table(table: Table, cat: Catalog, ctx: DocContext) -> list:
    lex = lexicon(cat)
    rows = [tuple(normalize(c).strip() for c in r) for r in table.rows]
    if not rows:
        return []
    why = table_subject(table, cat, ctx)
    caption_unit = None
    m = _CAPTION_UNIT.search(normalize(table.caption))
    if m:
        caption_unit = m.group(1)
    # header: leading rows without any number in them
    header_rows = []
    for r in rows:
        if any(_cell_number(c) is not None for c in r[1:]):
            break
        header_rows.append(r)
        for c in r:
            um = _CAPTION_UNIT.search(c)
            if um:
                caption_unit = um.group(1)
    body = rows[len(header_rows):]
    width = max(len(r) for r in rows)
    roles: dict[int, str] = {}
    for r in header_rows:
        for i, c in enumerate(r):
            key = c.replace(" ", "")
            if not key or (i == 0 and _NAME_HEADER.search(key)):
                continue
            if _UNIT_HEADER.match(key):
                roles[i] = "unit"
            elif _GROWTH_HEADER.search(key) and not re.search(r"比重|占", key):
                roles[i] = "growth"
            elif _CONSTANT_PRICES.search(key):
                roles[i] = "other"  # a level at constant prices is not the published level
            elif _VALUE_HEADER.search(key) and not re.search(r"比重|占", key):
                other = other_year_in_head(key, ctx.data_year)
                roles.setdefault(i, "other" if other else "value")
            elif re.search(r"比重|占", key):
                roles[i] = "other"
    period = ctx.period
    if period is None:
        return []
    assumed = False
    if not any(v in ("value", "growth") for v in roles.values()):
        numeric_cols = [i for i in range(1, width) if i not in roles and
                        any(len(r) > i and _cell_number(r[i]) is not None for r in body)]
        if not numeric_cols:
            return []
        # no header we can read: the usual layout is name, value, growth (a column the header calls
        # something else, a share or a unit, keeps that role)
        roles[numeric_cols[0]] = "value"
        if len(numeric_cols) > 1:
            roles[numeric_cols[1]] = "growth"
        assumed = True
    value_col = next((i for i, v in sorted(roles.items()) if v == "value"), None)
    for r in header_rows:
        # 现价（万元）: a unit in the value column's own header
        if value_col is not None and value_col < len(r):
            um = re.search(r"[(（]\s*([^()（）\s]+)\s*[)）]", r[value_col])
            if um and um.group(1) in cat.raw_units:
                caption_unit = um.group(1)
    growth_col = next((i for i, v in sorted(roles.items()) if v == "growth"), None)
    unit_col = next((i for i, v in roles.items() if v == "unit"), None)
    out = []
    last: dict[str, int] = {}  # indicator -> where its latest figure is in out (a 增速 row's figure)
    parser = SentenceParser(cat, ctx)
    for r_no, r in enumerate(rows, start=1):
        if r in header_rows or not r:
            continue
        name = _cell_key(r[0])
        unit_in_name = re.search(r"[(（]([^)）]+)[)）]$", normalize(r[0]).replace(" ", ""))
        code = lex.table_names.get(name)
        rate_row = _RATE_ROW.match(name)
        if code is None and rate_row and lex.table_names.get(_cell_key(rate_row.group(1))) in lex.extract:
            # 地区生产总值(GDP)增速 (%): the growth of the row above it, in a table of years as columns
            target = lex.table_names[_cell_key(rate_row.group(1))]
            cell = r[value_col] if value_col is not None and value_col < len(r) else None
            rate = _cell_number(cell) if cell else None
            if rate is not None and not why:
                at = last.get(target)  # by position: a search of out per row was quadratic in the rows
                prev = out[at] if at is not None else None
                loc = f"{table.locator};row={r_no}"
                if prev is not None and prev.growth_pct is None:
                    out[at] = type(prev)(**{**prev.as_dict(), "growth_pct": float(rate), "growth_raw": cell})
                elif prev is None:
                    g = _Growth(0, 0, float(rate), cell, None)
                    o = parser._obs(target, period, None, g, None, False, loc, " | ".join(r))
                    if o:
                        last[o.indicator] = len(out)
                        out.append(o)
            continue
        if code is None or code not in lex.extract:
            continue
        loc = f"{table.locator};row={r_no}"
        value = _cell_number(r[value_col]) if value_col is not None and value_col < len(r) else None
        growth = _cell_number(r[growth_col]) if growth_col is not None and growth_col < len(r) else None
        if value is None and growth is None:
            continue
        if why and not (code in _PORT_ROWS and re.search(r"\((?:port|customs)\)$", why)):
            # a table about a port or customs district: its own rows (口岸进出口货值, 关区进出口总额) are read;
            # its 出口/进口 and a bare 进出口总额 are the port's, not the unit's
            ctx.skip(code, r[value_col] if value is not None and value_col is not None else r[growth_col or 0],
                     why, loc)
            continue
        unit_raw = (r[unit_col] if unit_col is not None and unit_col < len(r) and r[unit_col] else None) or (
            unit_in_name.group(1) if unit_in_name else None) or caption_unit
        q = None
        if value is not None:
            raw_unit = cat.raw_units.get((unit_raw or "").replace(" ", ""))
            if raw_unit is None and unit_raw is None and cat.indicators[code].unit == "CNY" and \
                    Decimal(1000) <= value <= Decimal(1000000):
                # per-capita figures are printed in 元 when a table gives no unit (收入 31790, not 3.2万元)
                unit_raw, raw_unit = "元", cat.raw_units["元"]
            if raw_unit is None:
                ctx.problems.append(Problem("error", f"{loc}: {code} value {r[value_col]} has no unit we know "
                                                     f"(unit {unit_raw!r}); not read"))
                value = None
            else:
                q = _Quantity(0, 0, value, r[value_col], unit_raw or "", raw_unit.family, raw_unit.base_multiple, None)
        g = _Growth(0, 0, float(growth), r[growth_col], None) if growth is not None else None
        if q is None and g is None:
            continue
        col = value_col if q is not None else growth_col
        o = parser._obs(code, period, q, g, None, False, f"{loc};col={(col or 0) + 1}", " | ".join(r))
        if o is None:
            ctx.problems.append(Problem("error", f"{loc}: unit {unit_raw!r} does not fit {code}; not read"))
            continue
        last[o.indicator] = len(out)
        out.append(o)
    if assumed and out:
        ctx.problems.append(Problem("warning", f"{table.locator}: no column headers; read as name, value, growth"))
    return out
