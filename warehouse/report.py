"""The release report: what the release holds (the coverage chart), the paper's Figures 1 and 2 redrawn
from it, the paper's claims checked against it (`warehouse.claims`), a data dictionary, and an index page
linking them with the validation report.

A chart never shows empty axes: where a panel has nothing to draw it says, inside the axes, what is
missing (which value, of which unit, for which year). Labels are English unless a CJK font is installed
(then bilingual); a font installed after matplotlib built its font cache is found too (`cjk_font`).
Everything is a pure function of the release tables and the fonts on the machine.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from catalog import Catalog
from warehouse.citations import sources_html
from warehouse.claims import ABS_TOL, REL_TOL, STATUSES, summary
from warehouse.claims import check_claims as _check_claims
from warehouse.ids import IDENTIFIERS
from warehouse.indicators import SECTORS, Series, load_series
from warehouse.release import NOT_CONTENT, inert_frame
from warehouse.schemas import RELATIONS, TABLES, records
from warehouse.scopes import Scope, Scopes, basis_units

FIG_YEAR = 2020
# preferred first; any font fontconfig lists for Chinese is taken after these
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Sans CJK TC", "Noto Sans CJK JP",
             "Noto Serif CJK SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback")
REPRODUCED_TOL = ABS_TOL  # kept for callers of the old name
NO_DATA = "no data"
MISSING_GID = "missing"  # the gid of the texts that say what a chart lacks


def check_claims(ind: pd.DataFrame, nc: pd.DataFrame, cat: Catalog, panel: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """The paper's claims against a release (see `warehouse.claims`)."""
    return _check_claims(ind, nc, cat, panel)


# ------------------------------------------------------------------------------------------------
# Fonts

_discovered: dict[int, str | None] = {}  # id(font manager) -> the font discovery found (once a process)


def _fontconfig_zh_files() -> list[str]:
    """The font files fontconfig lists for Chinese (`fc-list :lang=zh`), [] without fontconfig."""
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "--format=%{file}\n"], capture_output=True, text=True, timeout=30,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def add_font_files(paths: Iterable[str | os.PathLike], fm) -> list[str]:
    """Add to matplotlib's font manager `fm` the font files it does not know yet (matplotlib's supported
    `FontManager.addfont`); returns the family names added."""
    known = {os.path.realpath(f.fname) for f in fm.ttflist}
    names: list[str] = []
    for p in paths:
        path = os.path.realpath(os.fspath(p))
        if path in known or Path(path).suffix.lower() not in (".ttf", ".ttc", ".otf"):
            continue
        before = len(fm.ttflist)
        try:
            fm.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue  # a broken or unsupported file: not a font we can use
        known.add(path)
        names += [f.name for f in fm.ttflist[before:]]
    return names


def _wanted(fm) -> str | None:
    names = {f.name for f in fm.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def cjk_font(search: Iterable[str | os.PathLike] | None = None, fm=None) -> str | None:
    """A CJK font matplotlib can use, or None.

    matplotlib lists the system's fonts once and caches the list (`~/.cache/matplotlib/fontlist-*.json`), so a
    font installed later is unknown to it. When none of CJK_FONTS is known, the font files fontconfig lists for
    Chinese (or, without fontconfig, the system's font files; or the files and folders in `search`) that
    matplotlib does not know are added with `FontManager.addfont`. Done once a process for the default search.
    """
    from matplotlib import font_manager

    fm = fm if fm is not None else font_manager.fontManager
    found = _wanted(fm)
    if found:
        return found
    if search is None:
        if id(fm) in _discovered:
            return _discovered[id(fm)]
        files = _fontconfig_zh_files()
        zh_only = bool(files)
        if not files:
            files = font_manager.findSystemFonts()
    else:
        files, zh_only = [], False
        for item in search:
            p = Path(item)
            files += font_manager.findSystemFonts(fontpaths=[str(p)]) if p.is_dir() else [str(p)]
    added = add_font_files(files, fm)
    found = _wanted(fm) or (added[0] if zh_only and added else None)
    if search is None:
        _discovered[id(fm)] = found
    return found


# ------------------------------------------------------------------------------------------------
# Drawing helpers

@contextmanager
def _style(font: str | None):
    import matplotlib

    rc = {"font.sans-serif": [font, "DejaVu Sans"], "font.family": "sans-serif"} if font else {}
    with matplotlib.rc_context(rc):
        yield


def _figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def _paper_zones(cat: Catalog) -> list[str]:
    return [z for z, zone in cat.zones.items() if zone.paper_units]


def _zone_label(cat: Catalog, zone_id: str, cjk: bool) -> str:
    if zone_id == "ALL":
        return "All 7\n合计" if cjk else "All 7"
    z = cat.zones[zone_id]
    return f"{z.name_en}\n{z.name_zh}" if cjk else z.name_en


def _unit_name(cat: Catalog, code: str, cjk: bool) -> str:
    u = cat.units.get(code)
    if u is None:
        return code
    return u.name_zh if cjk else u.name_en


def _units_text(cat: Catalog, units: Iterable[str], cjk: bool) -> str:
    return " + ".join(_unit_name(cat, u, cjk) for u in units)


def _ind(ind: pd.DataFrame, zone: str, year: int, code: str, basis: str = "paper2022") -> float | None:
    sub = ind[(ind.zone_id == zone) & (ind.basis == basis) & (ind.year == year) & (ind.indicator == code)]
    return float(sub["value"].iloc[0]) if len(sub) and pd.notna(sub["value"].iloc[0]) else None


def _say(ax, text: str, *, where: str = "centre", width: int = 78) -> None:
    """Write `text` inside the axes (wrapped): what is missing. An axes with nothing else loses its ticks."""
    wrapped = "\n".join(textwrap.fill(p, width, subsequent_indent="  " if p.startswith("·") else "")
                        for p in text.split("\n"))
    if where == "centre":
        ax.text(0.5, 0.5, wrapped, transform=ax.transAxes, ha="center", va="center", fontsize=8, color="#444",
                multialignment="left", bbox={"boxstyle": "round,pad=0.6", "fc": "#f7f7f7", "ec": "#bbb"},
                gid=MISSING_GID)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    else:
        ax.text(0.015, 0.985, wrapped, transform=ax.transAxes, ha="left", va="top", fontsize=7, color="#444",
                bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#bbb", "alpha": 0.9}, gid=MISSING_GID)


def _bars(ax, labels: list[str], series: dict[str, list[float | None]], ylabel: str, title: str,
          missing: list[str], colours: dict[str, str] | None = None) -> None:
    """Grouped bars. A series with no value at all is left out (and named in `missing`); a single missing value
    is marked 'no data' vertically at its place; `missing` is written inside the axes, the legend sits above
    them (under the title), so neither covers the other."""
    ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=30, ha="right")
    colours = colours or {name: f"C{i}" for i, name in enumerate(series)}
    drawn = {name: vals for name, vals in series.items() if any(v is not None for v in vals)}
    if not drawn:
        ax.set_title(title, fontsize=10)
        _say(ax, "\n".join(missing))
        return
    ax.set_title(title, fontsize=10, pad=20)
    n = len(drawn)
    width = 0.8 / n
    values = [v for vals in drawn.values() for v in vals if v is not None]
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = (top - bottom) or 1.0
    for i, (name, vals) in enumerate(drawn.items()):
        xs = [k + (i - (n - 1) / 2) * width for k in range(len(labels))]
        ax.bar(xs, [0 if v is None else v for v in vals], width, label=name, color=colours[name])
        for x, v in zip(xs, vals, strict=True):
            if v is None:
                ax.text(x, bottom + 0.02 * span, NO_DATA, rotation=90, ha="center", va="bottom", fontsize=6.5,
                        color="grey")
            else:
                ax.text(x, v, f"{v:,.0f}", ha="center", va="bottom" if v >= 0 else "top", fontsize=7,
                        rotation=90 if n >= 3 else 0)
    # headroom above the bars for the value labels, the legend and the note of what is missing
    lines = sum(len(textwrap.wrap(m, 95)) for m in missing)
    ax.set_ylim(bottom - (0.08 * span if bottom < 0 else 0), top + span * (0.12 + 0.07 * lines))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(ylabel)
    _legend_above(ax)
    if missing:
        _say(ax, "\n".join(missing), where="top", width=95)


def _items(items: list[str], *, listed: bool) -> str:
    """' a; b.' inline, or one item a line (for a panel that has room: nothing else is drawn in it)."""
    return "".join(f"\n· {i}" for i in items) if listed else " " + "; ".join(items) + "."


def _legend_above(ax) -> None:
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, borderaxespad=0.2,
              handlelength=1.2)


def _scope_hint(scopes: Scopes, cat: Catalog, zone_id: str, basis: str, indicators: tuple[str, ...],
                years: tuple[int, ...], cjk: bool) -> str:
    """' (Ruili's own zone scope has them: see the claims page)' when another scope of the zone holds the
    inputs."""
    own = basis_units(cat, zone_id, basis)
    for scope in scopes.of(zone_id):
        if scope.units == own:
            continue
        s = scopes.series(scope)
        if all(_level(s, i, y) for i in indicators for y in years):
            return f" ({_scope_name(cat, scope, cjk)} has them: see the claims page)"
    return ""


def _scope_name(cat: Catalog, scope: Scope, cjk: bool) -> str:
    if scope.kind == "zone_scope":
        return f"{cat.zones[scope.zone_id].name_zh if cjk else cat.zones[scope.zone_id].name_en}'s own zone scope"
    return _units_text(cat, sorted(scope.units), cjk)


def _level(s: Series, indicator: str, year: int) -> bool:
    return any(s.get(indicator, year, u) for u in ("CNY_100M", "USD_100M"))


def _gaps(series: dict[str, Series], zones: list[str], indicators: tuple[str, ...], year: int, cat: Catalog,
          cjk: bool, scopes: Scopes, *, since_est: bool) -> list[str]:
    """Per zone, the (indicator) years its basis series lacks: 'Dongxing (Fangchenggang) 2012, 2020'."""
    out = []
    for z in zones:
        s = series[z]
        name = cat.zones[z].name_zh if cjk else cat.zones[z].name_en
        if s.series_id is None:
            out.append(f"{name}: {s.why_not}")
            continue
        years = (s.established, year) if since_est else (year,)
        lacking = {i: [y for y in years if not _level(s, i, y)] for i in indicators}
        lacking = {i: ys for i, ys in lacking.items() if ys}
        if not lacking:
            continue
        unit = _units_text(cat, sorted(basis_units(cat, z, "paper2022"), key=list(cat.units).index), cjk)
        where = name if unit == name else f"{name} [{unit}]"
        all_years = sorted({y for ys in lacking.values() for y in ys})
        if len(indicators) > 1 and len(lacking) == len(indicators) and all(
                ys == all_years for ys in lacking.values()):
            what = ", ".join(map(str, all_years))
        elif len(indicators) > 1:
            what = "; ".join(f"{i.removeprefix('va_')} {', '.join(map(str, ys))}" for i, ys in lacking.items())
        else:
            what = ", ".join(map(str, all_years))
        out.append(where + " " + what + _scope_hint(scopes, cat, z, "paper2022", indicators, years, cjk))
    return out


# ------------------------------------------------------------------------------------------------
# Figure 1 and Figure 2 (the paper's units)

def draw_figure1(panel: pd.DataFrame, ind: pd.DataFrame, cat: Catalog, font: str | None = None,
                 scopes: Scopes | None = None):
    """GDP and trade in 2020, and their growth since each zone's establishment (the paper's units). `scopes`:
    the panel's, when the caller has them (`draw_charts`)."""
    cjk = bool(font)
    zones = _paper_zones(cat)
    series = load_series(panel, cat, "paper2022")
    scopes = scopes or Scopes(panel, cat)
    gdp, trade = [], []
    for z in zones:
        g = series[z].get("gdp", FIG_YEAR, "CNY_100M")
        gdp.append(g.value if g else None)
        t = series[z].get("trade_total", FIG_YEAR, "CNY_100M")
        u = series[z].get("trade_total", FIG_YEAR, "USD_100M")
        trade.append(t.value if t else (u.value * cat.fx_rates[FIG_YEAR].cny_per_unit if u else None))
    labels = [_zone_label(cat, z, cjk) for z in zones]
    fig = _figure((13, 6.2))
    a1, a2 = fig.subplots(1, 2)
    gaps = {i: _gaps(series, zones, (i,), FIG_YEAR, cat, cjk, scopes, since_est=False)
            for i in ("gdp", "trade_total")}
    missing = []
    if all(v is None for v in gdp):
        missing.append(f"No {FIG_YEAR} GDP for any of the seven units.")
    elif gaps["gdp"]:
        missing.append(f"No {FIG_YEAR} GDP: " + "; ".join(gaps["gdp"]) + ".")
    if all(v is None for v in trade):
        missing.append(f"No {FIG_YEAR} foreign trade for any of the seven units.")
    elif gaps["trade_total"]:
        missing.append(f"No {FIG_YEAR} foreign trade: " + "; ".join(gaps["trade_total"]) + ".")
    _bars(a1, labels, {"GDP": gdp, "Foreign trade (dollar figures at the 2020 average rate)": trade},
          "100 million yuan (亿元)" if cjk else "100 million yuan", f"GDP and foreign trade, {FIG_YEAR}", missing)
    g_gdp = [_ind(ind, z, FIG_YEAR, "gdp_growth_since_establishment_pct") for z in zones]
    g_trade = [_ind(ind, z, FIG_YEAR, "trade_growth_since_establishment_pct") for z in zones]
    missing = []
    empty = all(v is None for v in g_gdp + g_trade)
    for name, vals, code in (("GDP", g_gdp, "gdp"), ("foreign trade", g_trade, "trade_total")):
        lack = _gaps(series, zones, (code,), FIG_YEAR, cat, cjk, scopes, since_est=True)
        if lack and any(v is None for v in vals):
            none = " for any zone" if all(v is None for v in vals) else ""
            missing.append(f"No {name} growth since establishment{none}: needs {name} in the establishment year and "
                           f"in {FIG_YEAR}, lacking:" + _items(lack, listed=empty))
    _bars(a2, labels, {"GDP": g_gdp, "Foreign trade": g_trade}, "%",
          f"Nominal growth, establishment year to {FIG_YEAR}", missing)
    fig.suptitle("Figure 1 (after Li & Cheng 2022): economic size and foreign trade of the zones' host units"
                 + ("\n图1 2020年各试验区所在市县经济规模及对外贸易情况" if cjk else ""), fontsize=11)
    units = ("防城港市 for Dongxing, 绥芬河市 + 东宁市 summed" if cjk
             else "Fangchenggang for Dongxing, Suifenhe + Dongning summed")
    fig.supxlabel(f"Units as in the paper: {units}. Growth: nominal levels, each zone from its own establishment year.",
                  fontsize=7, color="#444")
    return fig


def draw_figure2(panel: pd.DataFrame, ind: pd.DataFrame, cat: Catalog, font: str | None = None,
                 scopes: Scopes | None = None):
    """The 2020 three-sector structure and sector growth since establishment (the paper's units). `scopes`: as
    for `draw_figure1`."""
    cjk = bool(font)
    zones = _paper_zones(cat)
    with_all = [*zones, "ALL"]
    series = load_series(panel, cat, "paper2022")
    scopes = scopes or Scopes(panel, cat)
    labels = [_zone_label(cat, z, cjk) for z in with_all]
    fig = _figure((13, 6.2))
    a1, a2 = fig.subplots(1, 2)
    shares = {s: [_ind(ind, z, FIG_YEAR, f"{s}_share_pct") for z in with_all] for s in SECTORS}
    sector_colours = dict(zip((s.removeprefix("va_") for s in SECTORS), ("#7fb069", "#e6aa68", "#5d76a9"),
                              strict=True))
    a1.set_xticks(range(len(with_all)), labels, fontsize=8, rotation=30, ha="right")
    lack = _gaps(series, zones, SECTORS, FIG_YEAR, cat, cjk, scopes, since_est=False)
    empty = all(v is None for vals in shares.values() for v in vals)
    need = (f"needs the value added of all three sectors in {FIG_YEAR} (All 7: of every unit), lacking:"
            + _items(lack, listed=empty))
    if empty:
        a1.set_title(f"Three-sector structure, {FIG_YEAR}", fontsize=10)
        _say(a1, f"No {FIG_YEAR} three-sector structure: {need}")
    else:
        a1.set_title(f"Three-sector structure, {FIG_YEAR}", fontsize=10, pad=20)
        bottom = [0.0] * len(with_all)
        for sector in SECTORS:
            vals = shares[sector]
            a1.bar(range(len(with_all)), [v or 0 for v in vals], 0.6, bottom=bottom,
                   color=sector_colours[sector.removeprefix("va_")], label=sector.removeprefix("va_"))
            for k, v in enumerate(vals):
                if v:
                    a1.text(k, bottom[k] + v / 2, f"{v:.1f}", ha="center", va="center", fontsize=7)
                bottom[k] += v or 0
        for k, total in enumerate(bottom):
            if total == 0:
                a1.text(k, 2, NO_DATA, rotation=90, ha="center", va="bottom", fontsize=6.5, color="grey")
        a1.set_ylim(0, 100 * (1.25 + (0.07 * len(textwrap.wrap(need, 95)) if lack else 0)))
        a1.set_ylabel("% of value added")
        _legend_above(a1)
        if lack:
            _say(a1, f"Missing: {need}", where="top", width=95)
    growth = {s.removeprefix("va_"): [_ind(ind, z, FIG_YEAR, f"{s}_growth_since_establishment_pct") for z in zones]
              for s in SECTORS}
    lack = _gaps(series, zones, SECTORS, FIG_YEAR, cat, cjk, scopes, since_est=True)
    missing = []
    if lack:
        none = all(v is None for vals in growth.values() for v in vals)
        missing.append(f"No value-added growth since establishment{' for any zone' if none else ''}: needs each "
                       f"sector's value added in the establishment year and in {FIG_YEAR}, lacking:"
                       + _items(lack, listed=none))
    _bars(a2, labels[:-1], growth, "%", f"Value added, nominal growth from establishment to {FIG_YEAR}", missing,
          sector_colours)
    fig.suptitle("Figure 2 (after Li & Cheng 2022): the three sectors of the zones' host units"
                 + ("\n图2 2020年各试验区所在市县三次产业发展情况" if cjk else ""), fontsize=11)
    fig.supxlabel("Shares from levels: each sector over the sum of the three, as the paper does. All 7: summed levels.",
                  fontsize=7, color="#444")
    return fig


def figure1(panel: pd.DataFrame, ind: pd.DataFrame, cat: Catalog) -> bytes:
    font = cjk_font()
    with _style(font):
        return _png(draw_figure1(panel, ind, cat, font))


def figure2(panel: pd.DataFrame, ind: pd.DataFrame, cat: Catalog) -> bytes:
    font = cjk_font()
    with _style(font):
        return _png(draw_figure2(panel, ind, cat, font))


# ------------------------------------------------------------------------------------------------
# Coverage: which core values the release holds, per zone and scope, year and indicator group

COVERAGE_GROUPS = (("GDP", ("gdp",)), ("Value added by sector (primary, secondary, tertiary)", SECTORS),
                   ("Foreign trade", ("trade_total",)),
                   ("Fiscal revenue and expenditure", ("fiscal_revenue", "fiscal_expenditure")))
SOURCE_CLASSES = (  # source_kind -> (legend, colour); listed strongest first
    (("bulletin", "census_bulletin"), "statistical bulletin", "#1b7837"),
    (("yearbook",), "yearbook", "#5aae61"),
    (("government_site", "work_report"), "government site / work report", "#3f6fb5"),
    (("official_media", "news"), "official media / news", "#e6a400"),
    (("reference_work",), "reference work", "#9c6b30"),
    (("paper", "secondary"), "paper / secondary source", "#c2408f"),
)
_CLASS_OF = {k: i for i, (kinds, _, _) in enumerate(SOURCE_CLASSES) for k in kinds}


def coverage_frame(panel: pd.DataFrame, observations: pd.DataFrame | None, cat: Catalog,
                   scopes: Scopes | None = None) -> pd.DataFrame:
    """One row per (zone, scope, indicator group, year) with a value: how many of the group's indicators have a
    level (`n` of `need`), whether only growth rates were published (`rate_only`), the weakest kind of source
    (`source_class`, an index into SOURCE_CLASSES) and whether any value was extracted from an archived
    document (`extracted`) rather than entered from a curated citation. Annual values only."""
    cols = ["zone_id", "series_id", "group", "year", "n", "need", "rate_only", "source_class", "extracted"]
    if not len(panel):
        return pd.DataFrame(columns=cols)
    scopes = scopes or Scopes(panel, cat)
    origin = {}
    if observations is not None and len(observations) and "origin" in observations:
        origin = dict(zip(observations["obs_id"], observations["origin"], strict=True))
    group_of = {i: group for group, inds in COVERAGE_GROUPS for i in inds}
    need = {group: len(inds) for group, inds in COVERAGE_GROUPS}
    p = panel[(panel["period_type"] == "year") & panel["indicator"].isin(list(group_of)) & (panel["status"] == "ok")
              & (panel["value"].notna() | panel["growth_pct"].notna())]
    cells: dict[tuple[str, str, int], list[dict]] = {}
    for r in records(p[["series_id", "indicator", "year", "value", "source_kind", "obs_ids"]]):
        cells.setdefault((r["series_id"], group_of[r["indicator"]], int(r["year"])), []).append(r)
    by_sid: dict[str, list[tuple[str, int, list[dict]]]] = {}  # in the cells' order, as the scan over them was
    for (sid, group, year), cell in cells.items():
        by_sid.setdefault(sid, []).append((group, year, cell))
    rows = []
    for z in cat.zones:
        for scope in scopes.of(z):
            for group, year, cell in by_sid.get(scope.series_id, ()):
                sid = scope.series_id
                levels = {r["indicator"] for r in cell if r["value"] is not None and not pd.isna(r["value"])}
                kinds = [k for r in cell for k in str(r["source_kind"] or "").split(";") if k]
                ids = [i for r in cell for i in str(r["obs_ids"] or "").split(";") if i]
                rows.append({"zone_id": z, "series_id": sid, "group": group, "year": year, "n": len(levels),
                             "need": need[group], "rate_only": not levels,
                             "source_class": max((_CLASS_OF.get(k, len(SOURCE_CLASSES)) for k in kinds),
                                                 default=len(SOURCE_CLASSES)),
                             "extracted": any(origin.get(i) == "extracted" for i in ids)})
    return pd.DataFrame(rows, columns=cols)


def _row_label(cat: Catalog, scope: Scope | None, zone_id: str, cjk: bool) -> str:
    z = cat.zones[zone_id]
    zone = z.name_zh if cjk else z.name_en
    if scope is None:
        return f"{zone} · {_units_text(cat, z.host_units, cjk)}"
    if scope.kind == "zone_scope":
        return f"{zone} · {_units_text(cat, scope.units, True)} (zone scope)" if cjk else f"{zone} · zone's own scope"
    tag = {"host": "", "host_unit": "", "paper_unit": " (paper's unit)"}[scope.kind]
    return f"{zone} · {_units_text(cat, sorted(scope.units, key=list(cat.units).index), cjk)}{tag}"


def coverage_layout(panel: pd.DataFrame, observations: pd.DataFrame | None, cat: Catalog, cjk: bool,
                    scopes: Scopes | None = None) -> tuple[pd.DataFrame, list[tuple[str, str | None, str]], list[int]]:
    """What the coverage chart draws: its cells (`coverage_frame`), its rows (zone, series id, label) and years.
    `scopes`: the panel's, when the caller has them."""
    scopes = scopes or Scopes(panel, cat)
    cov = coverage_frame(panel, observations, cat, scopes)
    rows: list[tuple[str, str | None, str]] = []  # zone, series id (None: no series at all), label
    kinds: list[str] = []
    series_of = cov.groupby("zone_id")["series_id"].agg(set).to_dict() if len(cov) else {}
    for z in cat.zones:
        mine = scopes.of(z)
        have = series_of.get(z, set())
        with_data = [s for s in mine if s.series_id in have]
        if not with_data:  # the zone still gets a row: its host units, empty
            rows.append((z, mine[0].series_id if mine else None, _row_label(cat, None, z, cjk)))
            kinds.append("host")
        rows += [(z, s.series_id, _row_label(cat, s, z, cjk)) for s in with_data]
        kinds += [s.kind for s in with_data]
    rows = _fit_rows(rows, kinds)
    years = sorted(set(cov["year"].tolist()) | {zone.established for zone in cat.zones.values()} | {FIG_YEAR})
    return cov, rows, list(range(min(years), max(years) + 1))


MAX_COVERAGE_ROWS = 48  # beyond this the chart is taller than a page and takes minutes to draw (300 zone scopes)


def _fit_rows(rows: list[tuple[str, str | None, str]], kinds: list[str], limit: int = MAX_COVERAGE_ROWS
              ) -> list[tuple[str, str | None, str]]:
    """The coverage chart's rows within `limit`: first the single host units of zones that also have their host
    units summed are left out, then the last zones; a last row (zone "", series None) says what was left out.

    >>> rows = [("a", "zone:a", "A"), ("a", "unit:1", "A 1"), ("a", "unit:2", "A 2"), ("b", "zone:b", "B")]
    >>> _fit_rows(rows, ["host", "host_unit", "host_unit", "host"], limit=3)[-1][2]
    '… 2 more rows (single host units) not shown: see zone_year and panel'
    >>> _fit_rows(rows, ["host", "host_unit", "host_unit", "host"], limit=2)[-1][2]
    '… 3 more rows (single host units, 1 zone) not shown: see zone_year and panel'
    """
    if len(rows) <= limit:
        return rows
    kept = [r for r, k in zip(rows, kinds, strict=True) if k != "host_unit"]
    dropped_units = len(rows) - len(kept)
    zones_cut = 0
    if len(kept) > limit - 1:  # one row is the note
        cut = kept[limit - 1:]
        zones_cut = len({z for z, _, _ in cut} - {z for z, _, _ in kept[:limit - 1]})
        kept = kept[:limit - 1]
    what = ", ".join(p for p in ("single host units" if dropped_units else "",
                                 f"{zones_cut} zone{'s' if zones_cut != 1 else ''}" if zones_cut else "") if p)
    return [*kept, ("", None, f"… {len(rows) - len(kept)} more rows ({what}) not shown: see zone_year and panel")]


def draw_coverage(panel: pd.DataFrame, observations: pd.DataFrame | None, cat: Catalog, font: str | None = None,
                  layout: tuple | None = None):
    """A grid per indicator group: rows are each zone's scopes, columns years; a cell's colour is the kind of
    source, hatching marks a curated citation (solid: extracted from an archived document), a pale cell a
    published growth rate without the level, 'k/n' a group with only some indicators; a framed cell is the
    zone's establishment year, the shaded column the paper's year."""
    from matplotlib.patches import Patch, Rectangle

    cjk = bool(font)
    cov, rows, years = layout if layout is not None else coverage_layout(panel, observations, cat, cjk)
    fig = _figure((14, 3.2 + 0.42 * len(rows)))
    axes = fig.subplots(2, 2, sharey=True).ravel()
    pos = {(z, sid): k for k, (z, sid, _) in enumerate(rows)}
    for ax, (group, _) in zip(axes, COVERAGE_GROUPS, strict=True):
        ax.set_title(group, fontsize=9)
        ax.set_xlim(-0.5, len(years) - 0.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.axvspan(years.index(FIG_YEAR) - 0.5, years.index(FIG_YEAR) + 0.5, color="#eeeeee", zorder=0)
        for k in range(1, len(rows)):
            if rows[k][0] != rows[k - 1][0]:
                ax.axhline(k - 0.5, color="#999", linewidth=0.6)
        for k, (z, _, label) in enumerate(rows):
            if z not in cat.zones:  # the last row says which rows were left out (_fit_rows)
                if ax is axes[0]:
                    ax.text(-0.4, k, label, ha="left", va="center", fontsize=7, color="#444", gid=MISSING_GID,
                            zorder=5)
                continue
            est = cat.zones[z].established
            if est in years:
                ax.add_artist(Rectangle((years.index(est) - 0.46, k - 0.46), 0.92, 0.92, fill=False, ec="black",
                                       lw=1.0, zorder=3))
        sub = cov[cov["group"] == group]
        for r in sub.to_dict("records"):
            k = pos.get((r["zone_id"], r["series_id"]))
            if k is None:
                continue
            colour = SOURCE_CLASSES[r["source_class"]][2] if r["source_class"] < len(SOURCE_CLASSES) else "#999"
            ax.add_artist(Rectangle((years.index(r["year"]) - 0.4, k - 0.4), 0.8, 0.8, fc=colour,
                                   alpha=0.35 if r["rate_only"] else 1.0, ec="white",
                                   hatch=None if r["extracted"] else "///", lw=0, zorder=2))
            if 0 < r["n"] < r["need"]:
                ax.text(years.index(r["year"]), k, f"{r['n']}/{r['need']}", ha="center", va="center", fontsize=6,
                        color="black", zorder=4, bbox={"fc": "white", "ec": "none", "pad": 0.6, "alpha": 0.85})
        ax.set_xticks(range(len(years)), [str(y) if (y % 2 == 0) else "" for y in years], fontsize=7)
        ax.set_yticks(range(len(rows)), [label if z in cat.zones else "" for z, _, label in rows], fontsize=7)
        ax.tick_params(length=0)
        if sub.empty:
            ax.text(0.5, 0.5, f"no {group.split(' (')[0].lower()} in this release", transform=ax.transAxes,
                    ha="center", va="center", fontsize=8, color="#444", gid=MISSING_GID,
                    bbox={"boxstyle": "round,pad=0.5", "fc": "#f7f7f7", "ec": "#bbb"})
    present = sorted(set(cov["source_class"].tolist()))
    handles = [Patch(fc=SOURCE_CLASSES[i][2], label=SOURCE_CLASSES[i][1]) for i in present if i < len(SOURCE_CLASSES)]
    handles += [Patch(fc="#777", hatch="////", ec="white", lw=0, label="curated citation (hatched)"),
                Patch(fc="#777", label="extracted from an archived document (solid)"),
                Patch(fc="#777", alpha=0.35, label="growth rate only, no level (pale)"),
                Patch(fill=False, ec="black", label="establishment year (framed)"),
                Patch(fc="#eeeeee", label=f"{FIG_YEAR}, the paper's year (shaded)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=7, frameon=False)
    fig.suptitle("What this release holds: annual values per zone, statistical scope and year"
                 + ("\n本版本收录的年度数据：各试验区、统计口径与年份" if cjk else ""), fontsize=11)
    return fig


def coverage(panel: pd.DataFrame, observations: pd.DataFrame | None, cat: Catalog) -> bytes:
    font = cjk_font()
    with _style(font):
        return _png(draw_coverage(panel, observations, cat, font))


def figure_notes(fig) -> list[str]:
    """The messages a figure writes inside its axes (what is missing), for the page's captions."""
    return [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts if t.get_gid() == MISSING_GID]


# ------------------------------------------------------------------------------------------------
# Pages

_CSS = ("body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
        "margin:2em auto;padding:0 1em;max-width:1300px;color:#222;line-height:1.4}"
        "table{border-collapse:collapse;font-size:0.85em;width:100%;table-layout:fixed}"
        "th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left;"
        "overflow-wrap:anywhere;word-break:break-word}th{background:#f0f0f0}"
        ".reproduced{background:#e5f5e0}.differs{background:#fff4cc}.reproduced_on_other_scope{background:#eef7e9}"
        ".differs_on_other_scope{background:#fdf1dc}.not_computable{background:#eee}"
        "td.num{text-align:right;white-space:nowrap}details summary{cursor:pointer;color:#555}"
        "img{max-width:100%;height:auto;border:1px solid #ddd}figure{margin:0 0 1.5em}"
        "figcaption{font-size:0.85em;color:#444;max-width:100%}code{overflow-wrap:anywhere}.muted{color:#666}"
        "ol.sources li{margin-bottom:0.6em}")


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n").encode()


def _fmt(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:,.2f}" if isinstance(v, float) else html.escape(str(v))


_CLAIM_COLS = (("claim", "13%"), ("zone", "7%"), ("indicator", "12%"), ("year", "4.5%"), ("paper", "5.5%"),
               ("this release", "6%"), ("result", "14%"), ("note", "26%"), ("formula, where in the paper", "12%"))


def _breakable(code: str) -> str:
    """An identifier that may wrap after its underscores and plus signs."""
    return html.escape(code).replace("_", "_<wbr>").replace("+", "+<wbr>")


def claims_html(claims: pd.DataFrame) -> bytes:
    head = "".join(f"<th>{c}</th>" for c, _ in _CLAIM_COLS)
    cols = "".join(f"<col style='width:{w}'>" for _, w in _CLAIM_COLS)
    rows = "".join(
        f"<tr class='{r['status']}'><td>{_breakable(r['claim_id'])}</td><td>{_breakable(r['zone_id'])}</td>"
        f"<td>{_breakable(r['indicator'])}</td><td class='num'>{_fmt(r['year'])}</td>"
        f"<td class='num'>{_fmt(r['paper_value'])}</td><td class='num'>{_fmt(r['this_release'])}</td>"
        f"<td><b>{html.escape(r['result'])}</b></td><td>{html.escape(r['note'])}"
        + (f"<details><summary>inputs</summary><code>{html.escape(r['inputs'])}</code></details>"
           if r["inputs"] else "")
        + f"</td><td><details><summary>{html.escape(r['where_in_paper'])}</summary>{html.escape(r['formula'])}"
        f"</details></td></tr>"
        for r in claims.to_dict("records"))
    return _page("The paper's claims against this release",
                 f"<p><b>{html.escape(summary(claims))}.</b></p><p>Each claim is computed first on the paper's own "
                 f"units (its basis); when those lack an input, on every other scope of the zone that has the inputs "
                 f"(its host units, the paper's units, the zone's own statistical scope), and the result names the "
                 f"scope. Reproduced: within the claim's tolerance (by default {ABS_TOL} points or {REL_TOL:.1%} of "
                 f"the paper's value, whichever is larger), or the sign or ranking it states. Not computable: the "
                 f"missing inputs are named.</p><table><colgroup>{cols}</colgroup><tr>{head}</tr>{rows}</table>")


def claims_csv(claims: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM for Excel; years as integers (nullable), never `2012.0`."""
    out = claims.copy()
    for col in ("base_year", "year"):
        out[col] = pd.array(out[col], dtype="Int64")
    return inert_frame(out).to_csv(index=False).encode("utf-8-sig")


_MD_SPECIAL = re.compile(r"([\\|`*<>])")


def md_cell(text: str) -> str:
    r"""A table cell's text in Markdown: `|` (which ends a cell), `\`, `` ` ``, `*`, `<` and `>` escaped; line
    breaks become spaces.

    >>> md_cell("a | b <zone_id>")
    'a \\| b \\<zone_id\\>'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


_IDS_EN = ("Identifiers are text that never looks like a number, and two kinds never differ only in letter case "
           "(BI tools guess types from the first rows and may compare case-insensitively):")
_IDS_ZH = "标识均为不像数字的文本，不同类型的标识不只在大小写上不同："


def dictionary_markdown() -> str:
    out = ["# Data dictionary / 数据字典", "", "## Identifiers / 标识", "", _IDS_EN + "  ", _IDS_ZH, "",
           "| format | example | meaning | 说明 |", "|---|---|---|---|"]
    out += [f"| `{f}` | `{e}` | {en} | {zh} |" for f, e, en, zh in IDENTIFIERS]
    out.append("")
    for spec in TABLES.values():
        out += [f"## {spec.name}", "", f"{md_cell(spec.en)}  ", f"{md_cell(spec.zh)}", "",
                f"Key: {', '.join(spec.key)}", "", "| column | type | description | 说明 |", "|---|---|---|---|"]
        out += [f"| `{c.name}` | {md_cell(c.type)} | {md_cell(c.en)} | {md_cell(c.zh)} |" for c in spec.columns]
        out.append("")
    out += ["## Relations / 表间关系", "", "| table | columns | → table | columns | note |", "|---|---|---|---|---|"]
    out += [f"| {r.table} | {', '.join(r.columns)} | {r.to_table} | {', '.join(r.to_columns)} | {r.note} |"
            for r in RELATIONS]
    out.append("")
    return "\n".join(out)


def dictionary_html() -> bytes:
    ids = "".join(f"<tr><td><code>{html.escape(f)}</code></td><td><code>{html.escape(e)}</code></td>"
                  f"<td>{html.escape(en)}</td><td>{html.escape(zh)}</td></tr>" for f, e, en, zh in IDENTIFIERS)
    parts = [f"<h2 id='identifiers'>Identifiers / 标识</h2><p>{html.escape(_IDS_EN)}<br>{html.escape(_IDS_ZH)}</p>"
             f"<table><tr><th>format</th><th>example</th><th>meaning</th><th>说明</th></tr>{ids}</table>"]
    for spec in TABLES.values():
        rows = "".join(f"<tr><td><code>{c.name}</code></td><td>{c.type}</td><td>{html.escape(c.en)}</td>"
                       f"<td>{html.escape(c.zh)}</td></tr>" for c in spec.columns)
        parts.append(f"<h2 id='{spec.name}'>{spec.name}</h2><p>{html.escape(spec.en)}<br>{html.escape(spec.zh)}</p>"
                     f"<p>Key: {', '.join(spec.key)}</p><table><colgroup><col style='width:18%'><col style='width:9%'>"
                     f"<col style='width:45%'><col style='width:28%'></colgroup><tr><th>column</th><th>type</th>"
                     f"<th>description</th><th>说明</th></tr>{rows}</table>")
    rows = "".join(f"<tr><td><a href='#{r.table}'>{r.table}</a></td><td>{', '.join(r.columns)}</td><td><a href='#"
                   f"{r.to_table}'>{r.to_table}</a></td><td>{', '.join(r.to_columns)}</td><td>{html.escape(r.note)}"
                   f"</td></tr>" for r in RELATIONS)
    parts.append(f"<h2 id='relations'>Relations / 表间关系</h2><table><tr><th>table</th><th>columns</th><th>→ table"
                 f"</th><th>columns</th><th>note</th></tr>{rows}</table>")
    return _page("Data dictionary / 数据字典", "".join(parts))


def _figure_block(name: str, title: str, png: bytes, notes: list[str], caption: str) -> str:
    missing = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    alt = title + (": " + " ".join(notes) if notes else "")
    return (f"<figure><h2>{html.escape(title)}</h2><img src='{name}' alt='{html.escape(alt)}'>"
            f"<figcaption>{caption}" + (f"<details><summary>What the chart says is missing</summary><ul>{missing}</ul>"
                                        f"</details>" if notes else "")
            + "</figcaption></figure>")


# ------------------------------------------------------------------------------------------------
# Chart reuse: a chart is drawn again only when what it draws changed

# the code a chart's pixels depend on (with matplotlib's version and the font): a change to any redraws
_CHART_CODE = ("report.py", "indicators.py", "scopes.py", "schemas.py")
_code_digest: str | None = None


def _chart_code() -> str:
    global _code_digest
    if _code_digest is None:
        import matplotlib

        h = hashlib.sha256(f"matplotlib {matplotlib.__version__}\n".encode())
        for name in _CHART_CODE:
            h.update((Path(__file__).parent / name).read_bytes())
        _code_digest = h.hexdigest()
    return _code_digest


def _canon(v):
    """A value as the chart sees it, whatever the column's dtype (a frame built in this run and one read back from
    Parquet hold the same values in different dtypes): missing is None, 2020.0 is 2020, NumPy scalars are Python's."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer():
            return int(v)
    return v


def _frame_digest(h, df: pd.DataFrame) -> None:
    """The frame's columns and rows into the hash `h`: values, not dtypes, and rows in a canonical order (the
    release writer sorts rows by key; the charts look values up by key, so order does not change a pixel)."""
    h.update(repr([str(c) for c in df.columns]).encode() + f" {len(df)}\n".encode())
    columns = [[_canon(v) for v in df[c].tolist()] for c in df.columns]
    for row in sorted(repr(r) for r in zip(*columns, strict=True)):
        h.update(row.encode() + b"\n")


def _font_id(font: str | None) -> str:
    if not font:
        return "no CJK font"
    from matplotlib import font_manager

    path = font_manager.findfont(font, fallback_to_default=False)
    return f"{font} {path} {os.path.getsize(path)}"


def chart_keys(tables: dict[str, pd.DataFrame], cat: Catalog, font: str | None,
               coverage: tuple | None = None) -> dict[str, str]:
    """A key per chart: a hash of exactly the data it draws (the coverage chart's cells, rows and years; for
    Figures 1 and 2 the panel rows of the paper zones' series, their indicators and their catalog entries), the
    drawing code, matplotlib's version and the font. Equal keys, equal PNG bytes (`_png` fixes the metadata)."""
    panel, ind = tables["panel"], tables["indicators"]
    base = f"{_chart_code()}\n{_font_id(font)}\n"
    cov, rows, years = coverage if coverage is not None else coverage_layout(panel, tables.get("observations"), cat,
                                                                             bool(font))
    h = hashlib.sha256(("coverage\n" + base).encode())
    _frame_digest(h, cov)
    h.update(repr((rows, years, [(z, cat.zones[z].established) for z in cat.zones])).encode())
    keys = {"coverage": h.hexdigest()}
    from warehouse.indicators import series_for
    from warehouse.scopes import series_index, zone_scopes

    zones = _paper_zones(cat)
    index = series_index(panel) if len(panel) else []
    scopes = [s for z in zones for s in zone_scopes(index, cat, z)]
    sids = {s.series_id for s in scopes} | {series_for(cat, z, "paper2022")[0] for z in zones} - {None}
    units = {u for s in scopes for u in s.units} | {u for z in zones for u in (*cat.zones[z].paper_units,
                                                                               *cat.zones[z].host_units)}
    h = hashlib.sha256(base.encode())
    _frame_digest(h, panel[panel["series_id"].isin(sorted(sids))] if len(panel) else panel)
    _frame_digest(h, ind[ind["zone_id"].isin([*zones, "ALL"])] if len(ind) else ind)
    h.update(repr(([(z, cat.zones[z]) for z in zones], [(u, cat.units[u]) for u in cat.units if u in units],
                   cat.fx_rates.get(FIG_YEAR))).encode())
    figures = h.hexdigest()
    keys |= {name: hashlib.sha256(f"{name}\n{figures}".encode()).hexdigest() for name in ("figure1", "figure2")}
    return keys


def parent_charts(warehouse: Path, release_id: str | None) -> dict[str, dict]:
    """The charts of a release that `build_report` may reuse: name -> {key, keys, notes, png} (from its manifest's
    `report_charts` and its report/ folder; `keys` adds the keys of later runs that drew the same bytes,
    warehouse/build.py `rebuilt_as`); {} when it has none."""
    if release_id is None:
        return {}
    from warehouse.build import rebuilt_as
    from warehouse.release import read_manifest, releases_dir

    try:
        recorded = read_manifest(warehouse, release_id).get("report_charts") or {}
    except (OSError, ValueError):
        return {}
    also = rebuilt_as(warehouse, release_id)["charts"]
    out = {}
    for name, c in recorded.items():
        path = releases_dir(warehouse) / release_id / "report" / f"{name}.png"
        if isinstance(c, dict) and c.get("key") and path.is_file():
            out[name] = {"key": c["key"], "keys": [c["key"], *also.get(name, [])],
                         "notes": list(c.get("notes") or []), "png": path.read_bytes()}
    return out


def draw_charts(tables: dict[str, pd.DataFrame], cat: Catalog, previous: dict[str, dict] | None = None
                ) -> tuple[dict[str, bytes], dict[str, list[str]], dict[str, dict]]:
    """The report's charts: (PNG bytes, notes, {name: {key, notes}}) by chart name. `previous` (`parent_charts`):
    charts of the parent release; one whose key (`chart_keys`) is unchanged is reused as it is (the same bytes a
    redraw gives) instead of drawn. Reads only the panel, indicators and observations (the validation table may
    still be in the making: the pipeline draws while the checks run)."""
    ind, panel = tables["indicators"], tables["panel"]
    obs = tables.get("observations")
    font = cjk_font()
    # the panel's scopes, worked out once for the three charts (~0.25 s each time at 300 × 5)
    scopes = Scopes(panel, cat)
    layout = coverage_layout(panel, obs, cat, bool(font), scopes)
    keys = chart_keys(tables, cat, font, layout)
    pngs, notes, charts = {}, {}, {}
    with _style(font):
        for name, draw in (("coverage", lambda: draw_coverage(panel, obs, cat, font, layout)),
                           ("figure1", lambda: draw_figure1(panel, ind, cat, font, scopes)),
                           ("figure2", lambda: draw_figure2(panel, ind, cat, font, scopes))):
            prev = (previous or {}).get(name)
            if prev is not None and keys[name] in (prev.get("keys") or [prev.get("key")]) and prev.get("png"):
                pngs[name], notes[name] = prev["png"], list(prev["notes"])
            else:
                fig = draw()
                pngs[name], notes[name] = _png(fig), figure_notes(fig)
            charts[name] = {"key": keys[name], "notes": notes[name]}
    return pngs, notes, charts


def build_report(tables: dict[str, pd.DataFrame], cat: Catalog, title: str, *,
                 previous: dict[str, dict] | None = None, charts: dict[str, dict] | None = None,
                 drawn: tuple | None = None) -> dict[str, bytes]:
    """The report files, as paths relative to the release folder.

    `previous`: see `draw_charts`; `drawn`: its result when the charts were drawn already. `charts`, when given,
    receives each chart's key and notes (for the new release's manifest)."""
    ind, nc, panel = tables["indicators"], tables["not_computable"], tables["panel"]
    claims = _check_claims(ind, nc, cat, panel)
    font = cjk_font()
    pngs, notes, keyed = drawn if drawn is not None else draw_charts(tables, cat, previous)
    if charts is not None:
        charts.update(keyed)
    files = {f"report/{name}.png": data for name, data in pngs.items()}
    files |= {
        "report/claims.html": claims_html(claims),
        "report/claims.csv": claims_csv(claims),
        "report/dictionary.md": dictionary_markdown().encode("utf-8"),
        "report/dictionary.html": dictionary_html(),
        "report/sources.html": sources_html(tables["sources"], _page),
    }
    # `changes` is about the parent, not this release's content: listing its size would make an identical
    # release differ (the report counts in the content hash)
    rows = "".join(f"<li>{name}: {len(df):,} rows</li>" for name, df in tables.items() if name not in NOT_CONTENT)
    on_other = claims[claims["status"].str.endswith("other_scope")]
    labels = f"bilingual (CJK font {html.escape(font)})" if font else "English (no CJK font on this machine)"
    body = (
        f"<p><b>The paper's claims:</b> {html.escape(summary(claims))} "
        f"(<a href='claims.html'>details</a>, <a href='claims.csv'>CSV</a>)."
        + (" Computed on another scope than the paper's: "
           + "; ".join(html.escape(f"{r['claim_id']} {r['result']}") for r in on_other.to_dict('records')) + "."
           if len(on_other) else "")
        + "</p><p><a href='validation.html'>Validation report</a> · <a href='dictionary.html'>Data dictionary</a> "
        "(<a href='dictionary.md'>markdown</a>) · <a href='sources.html'>Sources and citations</a> (the document "
        "cited, then the address it was seen at)</p>"
        + _figure_block("coverage.png", "What this release holds", pngs["coverage"], notes["coverage"],
                        "Annual values of the core indicators per zone and statistical scope (the host units, the "
                        "paper's unit where it differs, the zone's own scope 试验区口径) and year. Colour: the kind of "
                        "source; hatched: entered from a curated citation; solid: extracted from an archived document; "
                        "pale: only a growth rate was published; k/n: only k of the group's n indicators. Framed: "
                        "the zone's establishment year, the base of the paper's growth rates. Part-year and "
                        "multi-year figures are in the panel but not shown.")
        + _figure_block("figure1.png", "Figure 1", pngs["figure1"], notes["figure1"],
                        "GDP and foreign trade in 2020 and their nominal growth since each zone's establishment, on "
                        "the paper's units.")
        + _figure_block("figure2.png", "Figure 2", pngs["figure2"], notes["figure2"],
                        "The 2020 three-sector structure and each sector's nominal growth since establishment.")
        + f"<p>Chart labels: {labels}."
        f" Growth since establishment follows the paper: nominal levels, each zone from its own establishment year "
        f"(东兴, 瑞丽, 满洲里 2012; 二连浩特 2014; 勐腊 2015; 凭祥, 绥芬河—东宁 2016). The real-terms series chained "
        f"from the official rates is in the indicators table (gdp_real_growth_since_establishment_pct).</p>"
        f"<h2>Tables</h2><ul>{rows}</ul>")
    files["report/index.html"] = _page(title, body)
    return files


__all__ = ["CJK_FONTS", "FIG_YEAR", "REPRODUCED_TOL", "STATUSES", "add_font_files", "build_report", "chart_keys",
           "check_claims", "cjk_font", "claims_csv", "claims_html", "coverage", "coverage_frame", "coverage_layout",
           "dictionary_html", "dictionary_markdown", "draw_charts", "draw_coverage", "draw_figure1", "draw_figure2",
           "figure1", "figure2", "figure_notes", "md_cell", "parent_charts"]
