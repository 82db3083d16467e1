"""The grammar that turns bulletin sentences and table rows into observations.

A sentence is scanned for indicator names (the catalog's aliases, longest match first). Every name,
whether of a target indicator or of a look-alike (工业增加值, 关区进出口, 财政收入 …), ends the stretch of
text that belongs to the name before it, and so does 其中. Within its stretch a target takes:

- its level: the first number with a unit of a compatible family (亿元/万元 for money, 万人/人 for
  people …), in the name's own clause or in a later clause that opens with a level word (达到, 为,
  总量 …); increments (增加0.36万人) and starting points (由X亿元) are not levels;
- its growth rate: the first 增长/下降/… x%, in the name's clause or a later clause that opens with a
  growth word (比上年, 同比, 按可比价格计算 …). Two-year averages (两年平均), annual averages (年均),
  contribution rates and 个百分点 changes are never growth rates; 增长x倍 is kept as printed and
  flagged, never converted.

A name inside a gloss right after another name (地区生产总值（GDP）) is skipped; a name that is the
denominator of a share (占地区生产总值的比重) is not a mention. Anything the grammar is unsure of
becomes a problem, never a guess.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from catalog import Catalog
from extractors.document import Problem, Table
from extractors.identify import part_year_period
from extractors.numbers import normalize, parse_number, scale

_HAN = r"\u3400-\u9fff"
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_SEP = re.compile(r"[，,]")
# Filler that may stand between a clause start and a start-only name (全年全市实现外贸进出口 …).
_FILLER = re.compile(
    r"(?:全年|年内|当年|本年|今年|去年|上年|全市|全县|全区|全州|全盟|全地区|本市|本县|我市|我县|市|县|实现|完成|累计|"
    r"其中|货物|外贸|全口径|共|总计|合计|据海关统计|海关统计|按海关口径|预计|初步核算|据初步核算|"
    r"(?:19|20)\d{2}年(?:全年|末)?|\d{1,2}[-—至~]\d{1,2}月(?:份)?|上半年|前三季度|一季度|\s)+$"
)
_REFERENCE_BEFORE = re.compile(
    r"(?:占|相当于|对|与|同|高于|低于|快于|慢于|超过全省|带动|拉动|拉动了)(?:全市|全县|全年)?$"
)
_REFERENCE_AFTER = re.compile(r"^(?:的比重|比重|的比例|比例|的份额|的\d|中的|增长的贡献|的贡献)")
_GENERIC_STOP = re.compile(
    rf"[{_HAN}]{{1,6}}?(?:增加值|总产值|产值|收入|支出|投资|总额|零售额|销售额|营业额|交易额|贸易额|产量|利润|余额|"
    rf"人数|货运量|运输量|吞吐量|客运量|用电量|总量|总值|税收)"
)
_QUALIFIER_PRE = {"突破": "lower_bound", "超过": "lower_bound", "超": "lower_bound", "逾": "lower_bound",
                  "近": "approximate", "约": "approximate", "将近": "approximate", "接近": "approximate"}
_VALUE_CLAUSE = re.compile(
    r"^(?:总量|总额|规模|实现|完成|突破|超过|超|共|累计|总计|合计|折合|折|约合|约|近|预计|全年|年末|达到|达|为|"
    r"增加到|增长到|提高到|是)"
)
_GROWTH_CLAUSE = re.compile(
    r"^(?:比上年|比上年末|比去年|比(?:19|20)\d{2}年|同比|较上年|较去年|与上年|增长|下降|减少|回落|降低|上涨|提高|持平|"
    r"按|扣除|剔除|增速|增幅|降幅|年增长|可比|以人民币计|以美元计|名义|实际|预计|下同|负增长|为上年|是上年)"
)
_GROWTH = re.compile(
    r"(?P<verb>增长率为|增长率|增长|增速为|增速|增幅为|增幅|上涨|提高|增加|下降|降幅为|降幅|下滑|回落|减少|降低|负增长)"
    r"了?(?:为|达|达到)?(?:约|近|超过|超)?\s?(?P<neg>负)?(?P<num>-?\d+(?:\.\d+)?)\s?(?P<unit>%|倍|个百分点)"
)
_DOWN_VERBS = {"下降", "降幅为", "降幅", "下滑", "回落", "减少", "降低", "负增长"}
_MULTIPLE = re.compile(r"(?:是|为|相当于)(?:上年|去年|上年同期|上年的|去年同期)的?(?P<num>\d+(?:\.\d+)?)倍")
_FLAT = re.compile(r"持平")
_AVERAGE_BEFORE = re.compile(r"(?:两年平均|三年平均|年均|年平均|平均每年|平均)$")
_INCREMENT_BEFORE = re.compile(r"(?:增加|减少|增长|下降|净增|新增|净减|增|减|多|少)了?$")
_FROM_BEFORE = re.compile(r"(?:由|从)(?:[^，,]{0,10}的)?$")
_COMPARABLE = re.compile(r"可比价|不变价|可比口径")
_CURRENT_PRICES = re.compile(r"当年价|现价")
_STRUCTURE = re.compile(r"(?:三次产业|三产|一二三产业|产业)(?:结构|比例|比重|增加值比例)")
_RATIO = re.compile(r"(\d+(?:\.\d+)?)%?\s?:\s?(\d+(?:\.\d+)?)%?\s?:\s?(\d+(?:\.\d+)?)%?")
_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d{2}年)")
_SECTOR_LIST = re.compile(r"第一(?:产业)?[、,和与及]第?二(?:产业)?[、,和与及]第?三产业(?:增加值)?")
_TRADE_LIST = re.compile(r"(?<![\u3400-\u9fff])(出口|进口)(?:额|总额)?[、和与及](出口|进口)(?:额|总额)?")
_INCOME_LIST = re.compile(r"城乡居民人均可支配收入|城镇(?:常住)?(?:居民)?和农村(?:常住)?居民人均可支配收入")
_RESPECTIVELY = re.compile(r"分别")
_LIST_GROWTH = re.compile(
    r"分别(?:比上年|同比)?(?P<verb>增长|下降|增加|减少)\s?(?P<nums>(?:-?\d+(?:\.\d+)?%\s?(?:、|和|与|及|,|，)?\s?)+)"
)
_TARGET = re.compile(r"预期目标|主要目标|目标是|目标为|力争|争取|计划|规划目标|奋斗目标|预期增长")
_BARE_NUMBER = re.compile(r"^[^，,]{0,12}?(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]|\s?(?:年|月|日|%|倍|个|元|亿|万))")


@dataclass(frozen=True)
class Observation:
    indicator: str
    period: str
    value: float | None
    unit: str
    growth_pct: float | None
    qualifier: str | None
    price_basis: str | None
    value_raw: str | None
    unit_raw: str | None
    growth_raw: str | None
    locator: str
    context: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class DocContext:
    """What the grammar knows of the document around a sentence."""

    data_year: int | None
    default_period: str | None = None
    kind: str | None = None
    comparable_carry: bool = False  # "按可比价格计算，下同" holds for later sentences
    problems: list[Problem] = field(default_factory=list)

    @property
    def period(self) -> str | None:
        return self.default_period or (str(self.data_year) if self.data_year else None)


@dataclass(frozen=True)
class Lexicon:
    alias_re: re.Pattern[str]
    alias_info: dict[str, tuple[str, str]]  # alias -> (indicator, "any" | "start")
    table_names: dict[str, str]  # whole-cell name -> indicator
    unit_re: re.Pattern[str]
    quantity_re: re.Pattern[str]
    extract: frozenset[str]


@functools.cache
def lexicon(cat: Catalog) -> Lexicon:
    info: dict[str, tuple[str, str]] = {}
    table: dict[str, str] = {}
    for ind in cat.indicators.values():
        for a in ind.aliases:
            info[normalize(a)] = (ind.code, "any")
        for a in ind.start_aliases:
            info[normalize(a)] = (ind.code, "start")
        for a in (*ind.aliases, *ind.start_aliases, *ind.table_aliases):
            table[_cell_key(a)] = ind.code
    alias_re = re.compile("|".join(re.escape(a) for a in sorted(info, key=len, reverse=True)))
    # prose units: 个 and bare 亿 are too ambiguous in running text ("两个百分点", "1.2亿千瓦时")
    raws = [r for r in cat.raw_units if r not in {"个", "亿"}]
    unit_alt = "|".join(re.escape(u) for u in sorted(raws, key=len, reverse=True))
    quantity = re.compile(
        r"(?P<pre>突破|超过|将近|接近|超|逾|近|约)?(?<![\d.])(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千点]+)"
        rf"(?P<suffix>余|多)?\s?(?P<unit>{unit_alt})(?P<post>左右|以上)?"
    )
    extract = frozenset(c for c, i in cat.indicators.items() if i.extract)
    return Lexicon(alias_re, info, table, re.compile(unit_alt), quantity, extract)


def _cell_key(text: str) -> str:
    """A table cell's name, stripped of outline marks, 其中, footnotes and a unit in brackets.

    >>> _cell_key("  其中：出口（亿元）"), _cell_key("#工业增加值"), _cell_key("一、地区生产总值")
    ('出口', '工业增加值', '地区生产总值')
    """
    t = normalize(text).replace(" ", "")
    t = re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[.、]|[(（][一二三四五六七八九十\d]+[)）])", "", t)
    t = re.sub(r"^(?:其中[:：]?|#|＃|\*)+", "", t)
    t = re.sub(r"[(（](?:亿元|万元|元|亿美元|万美元|美元|万人|人|万吨|吨|%|个|列)[)）]$", "", t)
    return t


# --------------------------------------------------------------------------------------------------
# sentences


@dataclass
class _Hit:
    start: int
    end: int
    text: str
    indicator: str | None  # None for generic stoppers and 其中
    mention: bool


def _clause_start_ok(sentence: str, start: int) -> bool:
    before = sentence[:start]
    m = _FILLER.search(before)
    if m:
        before = before[: m.start()]
    return not before or not re.search(rf"[{_HAN}A-Za-z0-9%)）]$", before)


def _paren_spans(s: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i, ch in enumerate(s):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            spans.append((stack.pop(), i + 1))
    return spans


def _hits(sentence: str, lex: Lexicon) -> list[_Hit]:
    hits: list[_Hit] = []
    masked = list(sentence)
    for m in lex.alias_re.finditer(sentence):
        code, mode = lex.alias_info[m.group(0)]
        s, e = m.span()
        mention = code in lex.extract
        if mention and mode == "start" and not _clause_start_ok(sentence, s):
            mention = False
        if mention and (_REFERENCE_BEFORE.search(sentence[:s]) or _REFERENCE_AFTER.search(sentence[e:])):
            mention = False
        hits.append(_Hit(s, e, m.group(0), code, mention))
        for i in range(s, e):
            masked[i] = "\x00"
    masked_s = "".join(masked)
    for m in _GENERIC_STOP.finditer(masked_s):
        hits.append(_Hit(m.start(), m.end(), m.group(0), None, False))
    for m in re.finditer(r"其中", sentence):
        hits.append(_Hit(m.start(), m.end(), "其中", None, False))
    hits.sort(key=lambda h: h.start)
    # a gloss right after a name (地区生产总值（GDP）, 进出口总额（含边民互市）) belongs to that name
    glosses = _paren_spans(sentence)
    out: list[_Hit] = []
    for h in hits:
        gloss = next(((a, b) for a, b in glosses if a < h.start < b), None)
        if gloss and out and out[-1].mention and sentence[out[-1].end:gloss[0]].strip() == "":
            continue
        out.append(h)
    return out


@dataclass
class _Quantity:
    start: int
    end: int
    value: Decimal
    raw: str
    unit_raw: str
    family: str
    multiple: int
    qualifier: str | None


def _quantities(text: str, lex: Lexicon, cat: Catalog) -> list[_Quantity]:
    out = []
    for m in lex.quantity_re.finditer(text):
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            continue
        if re.fullmatch(r"[零〇一二两三四五六七八九十百千点]+", m.group("num")) and len(m.group("num")) == 1 \
                and m.group("unit") in {"人", "家", "列"}:
            continue  # 一人, 三家: words, not figures
        raw_unit = cat.raw_units[m.group("unit")]
        qual = _QUALIFIER_PRE.get(m.group("pre") or "")
        if m.group("suffix") or m.group("post") == "左右":
            qual = qual or "approximate"
        if m.group("post") == "以上":
            qual = "lower_bound"
        num_start = m.start("num")
        out.append(_Quantity(num_start, m.end(), value, m.group(0), m.group("unit"), raw_unit.family,
                             raw_unit.base_multiple, qual))
    return out


@dataclass
class _Growth:
    start: int
    end: int
    pct: float | None
    raw: str
    problem: str | None


def _growths(text: str) -> list[_Growth]:
    out = []
    for m in _GROWTH.finditer(text):
        if _AVERAGE_BEFORE.search(text[: m.start()]) or m.group("unit") == "个百分点":
            continue
        if re.search(r"(?:贡献率|拉动)", text[max(0, m.start() - 6): m.start()]):
            continue
        num = float(m.group("num"))
        if m.group("neg"):  # 增长负3.2%
            num = -abs(num)
        if m.group("unit") == "倍":
            out.append(_Growth(m.start(), m.end(), None, m.group(0),
                               f"growth stated as a multiple ({m.group(0)}); kept as printed, not converted"))
            continue
        if m.group("verb") in _DOWN_VERBS:
            if num < 0:
                out.append(_Growth(m.start(), m.end(), None, m.group(0),
                                   f"double negative growth ({m.group(0)}); not read"))
                continue
            num = -num
        elif m.group("verb") == "增加" and m.group("unit") != "%":
            continue
        out.append(_Growth(m.start(), m.end(), num, m.group(0), None))
    for m in _MULTIPLE.finditer(text):
        out.append(_Growth(m.start(), m.end(), None, m.group(0),
                           f"growth stated as a multiple ({m.group(0)}); kept as printed, not converted"))
    for m in _FLAT.finditer(text):
        out.append(_Growth(m.start(), m.end(), 0.0, m.group(0), None))
    return sorted(out, key=lambda g: g.start)


def _clauses(seg: str) -> list[tuple[int, int]]:
    """Clause spans of a stretch of text, split at commas outside brackets."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(seg):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "，,":
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(seg)))
    return spans


def _is_level(seg: str, q: _Quantity) -> bool:
    before = seg[: q.start]
    if _INCREMENT_BEFORE.search(before) and not re.search(r"(?:到|至)$", before):
        return False
    return not _FROM_BEFORE.search(before)


def _sentence_period(sentence: str, mention_start: int, ctx: DocContext) -> str | None:
    head = sentence[:mention_start]
    part = part_year_period(head, ctx.data_year)
    if part:
        return part
    m = _LEADING_YEAR.match(sentence)
    if m and ctx.default_period is None:
        return m.group(0)[:4]
    if re.search(r"(?:全年|年末|年底)", head) and ctx.data_year:
        return str(ctx.data_year)
    return ctx.period


class SentenceParser:
    def __init__(self, cat: Catalog, ctx: DocContext):
        self.cat = cat
        self.lex = lexicon(cat)
        self.ctx = ctx

    def _problem(self, severity: str, message: str, locator: str) -> None:
        self.ctx.problems.append(Problem(severity, f"{locator}: {message}"))

    def _obs(self, indicator: str, period: str, q: _Quantity | None, g: _Growth | None, qualifier: str | None,
             comparable: bool, locator: str, context: str) -> Observation | None:
        value, unit = None, self.cat.indicators[indicator].unit
        if q is not None:
            unit_code = self.cat.canonical_unit(indicator, q.family)
            if unit_code is None:
                return None
            unit = unit_code
            value = scale(q.value, q.multiple, self.cat.measure_units[unit_code].base_multiple)
        money = self.cat.measure_units[unit].family in {"cny", "usd"}
        if value is not None:
            price_basis = "current" if money else None
        else:
            price_basis = "comparable" if comparable and g is not None and g.pct is not None else None
        return Observation(
            indicator=indicator,
            period=period,
            value=value,
            unit=unit,
            growth_pct=g.pct if g else None,
            qualifier=(q.qualifier if q else None) or qualifier,
            price_basis=price_basis,
            value_raw=q.raw if q else None,
            unit_raw=q.unit_raw if q else None,
            growth_raw=g.raw if g else None,
            locator=locator,
            context=context,
        )

    def parse(self, text: str, locator: str) -> list[Observation]:
        text = normalize(text)
        out: list[Observation] = []
        pos = 0
        for m in [*_SENTENCE_END.finditer(text), None]:
            end = m.end() if m else len(text)
            sentence = text[pos:end]
            if sentence.strip():
                out.extend(self._sentence(sentence, pos, locator))
            pos = end
        return out

    def _sentence(self, sentence: str, offset: int, locator: str) -> list[Observation]:
        if re.match(r"^\s*图\s*\d", sentence):
            return []  # figure captions carry year ranges, not data
        if _TARGET.search(sentence):
            return []  # targets and plans (主要预期目标：地区生产总值增长7%左右) are not outcomes
        if re.search(r"下同", sentence) and _COMPARABLE.search(sentence):
            self.ctx.comparable_carry = True
        comparable = bool(_COMPARABLE.search(sentence)) or (
            self.ctx.comparable_carry and not _CURRENT_PRICES.search(sentence))
        qualifier = "estimate" if "预计" in sentence else (
            "preliminary" if re.search(r"初步核算|初步测算|初步统计", sentence) else None)
        out: list[Observation] = []
        out.extend(self._structure(sentence, offset, locator))
        lists, list_spans = self._lists(sentence, offset, locator, comparable, qualifier)
        out.extend(lists)
        hits = _hits(sentence, self.lex)
        for i, h in enumerate(hits):
            if not h.mention or h.indicator is None:
                continue
            if any(a <= h.start < b for a, b in list_spans):
                continue
            nxt = next((x.start for x in hits[i + 1:] if x.start >= h.end), len(sentence))
            seg = sentence[h.end:nxt]
            period = _sentence_period(sentence, h.start, self.ctx)
            if period is None:
                continue
            span = f"chars={offset + h.start}-{offset + nxt}"
            loc = f"{locator};{span}" if locator else span
            out.extend(self._mention(h.indicator, seg, period, qualifier, comparable, loc, sentence.strip()))
        return out

    def _mention(self, indicator: str, seg: str, period: str, qualifier: str | None, comparable: bool,
                 loc: str, context: str) -> list[Observation]:
        families = {self.cat.measure_units[u].family for u in
                    (self.cat.indicators[indicator].unit, *self.cat.indicators[indicator].alt_units)}
        growths = _growths(seg)
        gspans = [(g.start, g.end) for g in growths]
        quantities = [q for q in _quantities(seg, self.lex, self.cat)
                      if not any(a <= q.start < b for a, b in gspans)]
        primary: _Quantity | None = None
        growth: _Growth | None = None
        for c_no, (a, b) in enumerate(_clauses(seg)):
            clause = seg[a:b].strip()
            value_ok = c_no == 0 or bool(_VALUE_CLAUSE.match(clause))
            growth_ok = c_no == 0 or bool(_GROWTH_CLAUSE.match(clause)) or (primary is not None and c_no == 1)
            if primary is None and value_ok:
                for q in quantities:
                    if a <= q.start < b and q.family in families and _is_level(seg, q):
                        primary = q
                        break
            if growth is None and growth_ok:
                growth = next((g for g in growths if a <= g.start < b), None)
            if c_no == 0 and primary is None:
                bare = _BARE_NUMBER.match(clause)
                if bare and not any(a <= q.start < b for q in quantities):
                    self._problem("error", f"{indicator}: number {bare.group(1)} without a unit in "
                                           f"{context[:60]!r}; not read", loc)
        if primary is None and growth is None:
            return []
        if growth is not None and growth.problem:
            self._problem("warning", f"{indicator}: {growth.problem}", loc)
        out = []
        twin = self._currency_twin(seg, primary, quantities) if primary else None
        growth_for_twin = None
        if twin and growth is not None:
            # a growth rate explicitly in the twin's currency belongs to the twin
            cur = "人民币" if twin.family == "cny" else "美元"
            if re.search(rf"(?:以|按){cur}计", seg):
                growth_for_twin, growth = growth, None
        obs = self._obs(indicator, period, primary, growth, qualifier, comparable, loc, context)
        if obs:
            out.append(obs)
        if twin:
            t = self._obs(indicator, period, twin, growth_for_twin, qualifier, comparable, loc, context)
            if t:
                out.append(t)
        return out

    def _currency_twin(self, seg: str, primary: _Quantity, quantities: list[_Quantity]) -> _Quantity | None:
        """223.6亿美元（折合人民币1475.69亿元）: both currencies are kept."""
        other = {"usd": "cny", "cny": "usd"}.get(primary.family)
        if other is None:
            return None
        for q in quantities:
            if q.start > primary.start and q.family == other:
                between = seg[primary.end:q.start]
                short = len(between) <= 14 and "，" not in between.strip("，")
                if short and re.search(r"折合|折|约合|合|人民币|美元", between):
                    return q
                break
        return None

    def _structure(self, sentence: str, offset: int, locator: str) -> list[Observation]:
        if not _STRUCTURE.search(sentence):
            return []
        triples = list(_RATIO.finditer(sentence))
        if not triples:
            return []
        m = triples[-1]  # 由4.6:45.7:49.7调整为5.1:42.5:52.4: the second is this year's
        parts = [Decimal(x) for x in m.groups()]
        loc = f"{locator};chars={offset + m.start()}-{offset + m.end()}"
        total = sum(parts)
        if abs(total - 100) > Decimal("1.5"):
            self._problem("warning", f"three-sector structure {m.group(0)} sums to {total}, not 100; not read", loc)
            return []
        period = _sentence_period(sentence, m.start(), self.ctx)
        if period is None:
            return []
        codes = ("structure_primary", "structure_secondary", "structure_tertiary")
        return [Observation(c, period, float(p), "PCT", None, None, None, m.group(0), ":", None, loc,
                            sentence.strip()) for c, p in zip(codes, parts, strict=True)]

    def _lists(self, sentence: str, offset: int, locator: str, comparable: bool,
               qualifier: str | None) -> tuple[list[Observation], list[tuple[int, int]]]:
        """第一、二、三产业增加值分别为a亿元、b亿元和c亿元，分别增长x%、y%和z%."""
        out: list[Observation] = []
        spans: list[tuple[int, int]] = []
        for pattern, codes_for in (
            (_SECTOR_LIST, lambda m: ["va_primary", "va_secondary", "va_tertiary"]),
            (_TRADE_LIST, lambda m: ["exports" if g == "出口" else "imports" for g in m.groups()]),
            (_INCOME_LIST, lambda m: ["urban_income", "rural_income"]),
        ):
            for m in pattern.finditer(sentence):
                rest = sentence[m.end():]
                if not _RESPECTIVELY.search(rest[:12]):
                    continue
                codes = codes_for(m)
                if len(set(codes)) != len(codes):
                    continue
                stop = next((h.start for h in _hits(rest, self.lex)
                             if h.start > 0 and h.indicator not in (None,) and h.indicator not in codes), len(rest))
                seg = rest[:stop]
                growths = [g for g in _growths(seg) if g.pct is not None]
                lg = _LIST_GROWTH.search(seg)
                if lg and len(growths) < len(codes):
                    # 分别增长3.2%、7.8%和6.1%: one verb for the whole list
                    sign = -1 if lg.group("verb") in ("下降", "减少") else 1
                    nums = re.findall(r"-?\d+(?:\.\d+)?(?=%)", lg.group("nums"))
                    growths = [_Growth(lg.start(), lg.end(), sign * float(n), f"{lg.group('verb')}{n}%", None)
                               for n in nums]
                gspans = [(g.start, g.end) for g in growths]
                qs = [q for q in _quantities(seg, self.lex, self.cat)
                      if not any(a <= q.start < b for a, b in gspans) and _is_level(seg, q)]
                qs = [q for q in qs if self.cat.canonical_unit(codes[0], q.family)][: len(codes)]
                gs = growths[: len(codes)]
                loc = f"{locator};chars={offset + m.start()}-{offset + m.end() + stop}"
                if (qs and len(qs) != len(codes)) or (gs and len(gs) != len(codes)):
                    self._problem("warning", f"list of {len(codes)} names with {len(qs)} values and {len(gs)} "
                                             "growth rates; not read", loc)
                    spans.append((m.start(), m.end() + stop))
                    continue
                period = _sentence_period(sentence, m.start(), self.ctx)
                if period is None or not (qs or gs):
                    continue
                for k, code in enumerate(codes):
                    o = self._obs(code, period, qs[k] if qs else None, gs[k] if gs else None, qualifier,
                                  comparable, loc, sentence.strip())
                    if o:
                        out.append(o)
                spans.append((m.start(), m.end() + stop))
        return out, spans


# --------------------------------------------------------------------------------------------------
# tables

_VALUE_HEADER = re.compile(
    r"绝对[数值额]|总量|数值|数量|金额|本年|全年|本期|完成|实绩|累计|(?:19|20)\d{2}年?$|总额|指标值"
)
_GROWTH_HEADER = re.compile(r"增长|增速|增幅|比上年|同比|±|[+]-|%$|％")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_NAME_HEADER = re.compile(r"指标|项目|名称")
_CAPTION_UNIT = re.compile(r"单位\s*[:：]\s*([^\s,，、;；)）]+)")
_NUM_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def _cell_number(cell: str) -> Decimal | None:
    t = normalize(cell).replace(" ", "").rstrip("%")
    if _NUM_CELL.match(t):
        return Decimal(t)
    return None


def parse_table(table: Table, cat: Catalog, ctx: DocContext) -> list[Observation]:
    lex = lexicon(cat)
    rows = [tuple(normalize(c).strip() for c in r) for r in table.rows]
    if not rows:
        return []
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
            elif _VALUE_HEADER.search(key) and not re.search(r"比重|占", key):
                roles.setdefault(i, "value")
            elif re.search(r"比重|占", key):
                roles[i] = "other"
    period = ctx.period
    if period is None:
        return []
    assumed = False
    if not any(v in ("value", "growth") for v in roles.values()):
        numeric_cols = [i for i in range(1, width) if any(len(r) > i and _cell_number(r[i]) is not None for r in body)]
        if not numeric_cols:
            return []
        # no header we can read: the usual layout is name, value, growth
        roles = {numeric_cols[0]: "value"}
        if len(numeric_cols) > 1:
            roles[numeric_cols[1]] = "growth"
        assumed = True
    value_col = next((i for i, v in sorted(roles.items()) if v == "value"), None)
    growth_col = next((i for i, v in sorted(roles.items()) if v == "growth"), None)
    unit_col = next((i for i, v in roles.items() if v == "unit"), None)
    out: list[Observation] = []
    parser = SentenceParser(cat, ctx)
    for r_no, r in enumerate(rows, start=1):
        if r in header_rows or not r:
            continue
        name = _cell_key(r[0])
        unit_in_name = re.search(r"[(（]([^)）]+)[)）]$", normalize(r[0]).replace(" ", ""))
        code = lex.table_names.get(name)
        if code is None or code not in lex.extract:
            continue
        loc = f"{table.locator};row={r_no}"
        value = _cell_number(r[value_col]) if value_col is not None and value_col < len(r) else None
        growth = _cell_number(r[growth_col]) if growth_col is not None and growth_col < len(r) else None
        if value is None and growth is None:
            continue
        unit_raw = (r[unit_col] if unit_col is not None and unit_col < len(r) and r[unit_col] else None) or (
            unit_in_name.group(1) if unit_in_name else None) or caption_unit
        q = None
        if value is not None:
            raw_unit = cat.raw_units.get((unit_raw or "").replace(" ", ""))
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
        out.append(o)
    if assumed and out:
        ctx.problems.append(Problem("warning", f"{table.locator}: no column headers; read as name, value, growth"))
    return out
