"""The release report: the paper's Figures 1 and 2 redrawn from this release, the paper's claims checked
against it, a data dictionary, and an index page linking them with the validation report.

Charts use English zone names unless a CJK font is installed (then the labels are bilingual), so they
are readable on any machine. Everything is a pure function of the release tables.
"""

from __future__ import annotations

import html
import io
import math

import pandas as pd

from catalog import Catalog, load_paper_claims
from warehouse.ids import IDENTIFIERS
from warehouse.indicators import SECTORS, load_series
from warehouse.release import inert_frame
from warehouse.schemas import TABLES

FIG_YEAR = 2020
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC")
REPRODUCED_TOL = 0.05  # percentage points: the paper prints two decimals


def cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def _label(cat: Catalog, zone_id: str, cjk: bool) -> str:
    if zone_id == "ALL":
        return "All 7\n合计" if cjk else "All 7"
    z = cat.zones[zone_id]
    return f"{z.name_en}\n{z.name_zh}" if cjk else z.name_en


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _paper_zones(cat: Catalog) -> list[str]:
    return [z for z, zone in cat.zones.items() if zone.paper_units]


def _ind(ind: pd.DataFrame, zone: str, year: int, code: str, basis: str = "paper2022") -> float | None:
    sub = ind[(ind.zone_id == zone) & (ind.basis == basis) & (ind.year == year) & (ind.indicator == code)]
    return float(sub["value"].iloc[0]) if len(sub) and pd.notna(sub["value"].iloc[0]) else None


def _bars(ax, labels, series: dict[str, list[float | None]], ylabel: str, title: str) -> None:
    n = len(series)
    width = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [k + (i - (n - 1) / 2) * width for k in range(len(labels))]
        ax.bar(xs, [0 if v is None else v for v in values], width, label=name)
        for x, v in zip(xs, values, strict=True):
            ax.annotate("n/a" if v is None else f"{v:,.0f}", (x, 0 if v is None else v), ha="center",
                        va="bottom" if (v or 0) >= 0 else "top", fontsize=7,
                        color="grey" if v is None else "black")
    ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(fontsize=8)


def figure1(panel: pd.DataFrame, ind: pd.DataFrame, cat: Catalog) -> bytes:
    """GDP and trade in 2020, and their growth since each zone's establishment (the paper's units)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    zones = _paper_zones(cat)
    series = load_series(panel, cat, "paper2022")
    gdp, trade = [], []
    for z in zones:
        g = series[z].get("gdp", FIG_YEAR, "CNY_100M")
        gdp.append(g.value if g else None)
        t = series[z].get("trade_total", FIG_YEAR, "CNY_100M")
        u = series[z].get("trade_total", FIG_YEAR, "USD_100M")
        trade.append(t.value if t else (u.value * cat.fx_rates[FIG_YEAR].cny_per_unit if u else None))
    labels = [_label(cat, z, bool(font)) for z in zones]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 4.8))
    _bars(a1, labels, {"GDP": gdp, "Foreign trade (USD converted at the 2020 average rate)": trade},
          "100 million yuan (亿元)" if font else "100 million yuan", f"GDP and foreign trade, {FIG_YEAR}")
    _bars(a2, labels, {"GDP": [_ind(ind, z, FIG_YEAR, "gdp_growth_since_establishment_pct") for z in zones],
                       "Foreign trade": [_ind(ind, z, FIG_YEAR, "trade_growth_since_establishment_pct")
                                         for z in zones]},
          "%", f"Nominal growth, establishment year to {FIG_YEAR}")
    fig.suptitle("Figure 1 (after Li & Cheng 2022): economic size and foreign trade of the zones' host units"
                 + ("\n图1 2020年各试验区所在市县经济规模及对外贸易情况" if font else ""), fontsize=11)
    fig.text(0.01, -0.02, "Units as in the paper: 防城港市 for Dongxing, 绥芬河市 + 东宁市 summed. n/a: not in this "
             "release (see not_computable)." if font else "Units as in the paper: Fangchenggang for Dongxing, "
             "Suifenhe + Dongning summed. n/a: not in this release (see not_computable).", fontsize=7)
    out = _png(fig)
    plt.close(fig)
    return out


def figure2(ind: pd.DataFrame, cat: Catalog) -> bytes:
    """The 2020 three-sector structure and sector growth since establishment (the paper's units)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    zones = _paper_zones(cat)
    with_all = [*zones, "ALL"]
    labels = [_label(cat, z, bool(font)) for z in with_all]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 4.8))
    bottom = [0.0] * len(with_all)
    for sector, colour in zip(SECTORS, ("#7fb069", "#e6aa68", "#5d76a9"), strict=True):
        vals = [_ind(ind, z, FIG_YEAR, f"{sector}_share_pct") for z in with_all]
        a1.bar(range(len(with_all)), [v or 0 for v in vals], 0.6, bottom=bottom, color=colour,
               label=sector.removeprefix("va_"))
        for k, v in enumerate(vals):
            if v:
                a1.annotate(f"{v:.1f}", (k, bottom[k] + v / 2), ha="center", va="center", fontsize=7)
            bottom[k] += v or 0
    for k, total in enumerate(bottom):
        if total == 0:
            a1.annotate("n/a", (k, 2), ha="center", fontsize=7, color="grey")
    a1.set_xticks(range(len(with_all)), labels, fontsize=8, rotation=30, ha="right")
    a1.set_ylabel("% of value added")
    a1.set_title(f"Three-sector structure, {FIG_YEAR}", fontsize=10)
    a1.legend(fontsize=8)
    _bars(a2, labels[:-1], {s.removeprefix("va_"): [_ind(ind, z, FIG_YEAR, f"{s}_growth_since_establishment_pct")
                                                    for z in zones] for s in SECTORS},
          "%", f"Value added, nominal growth from establishment to {FIG_YEAR}")
    fig.suptitle("Figure 2 (after Li & Cheng 2022): the three sectors of the zones' host units"
                 + ("\n图2 2020年各试验区所在市县三次产业发展情况" if font else ""), fontsize=11)
    out = _png(fig)
    plt.close(fig)
    return out


# ------------------------------------------------------------------------------------------------
# The paper's claims against this release

_REASONS = {
    "trade": "the paper does not say in which currency it computed trade growth; this release uses the published "
             "currency of both years (and a yuan variant); a different currency or a revised base year explains it",
    "gdp_share": "a different vintage of one of the seven units' GDP (bulletins are revised by later censuses and "
                 "yearbooks)",
    "growth": "a different vintage or scope of the base-year level (the paper used levels as first published)",
    "share": "sector levels from a different vintage; the paper divides by the sum of the three sectors too",
    "fiscal": "revenue and expenditure from a different publication",
}


def _reason(indicator: str) -> str:
    for key, text in _REASONS.items():
        if key in indicator:
            return text
    return "inputs from a different vintage or scope"


def check_claims(ind: pd.DataFrame, nc: pd.DataFrame, cat: Catalog) -> pd.DataFrame:
    """One row per claim: reproduced | differs | not_computable, with the values and why."""
    rows = []
    for c in load_paper_claims():
        zones = c.zone_id.split("+")
        if any(z != "ALL" and z not in cat.zones for z in zones):
            continue  # a catalog without the paper's zones (e.g. the benchmarks' synthetic one)
        basis = "paper2022" if all(z == "ALL" or cat.zones[z].paper_units for z in zones) else "host"
        found = [_ind(ind, z, c.year, c.indicator, basis) for z in zones]
        status, ours, note = "not_computable", None, ""
        if c.value is None and "largest of the three sector shares" in c.formula:
            sub = ind[(ind.zone_id == zones[0]) & (ind.basis == basis) & (ind.year == c.year)
                      & (ind.indicator == "dominant_sector")]
            if len(sub):
                claimed = c.indicator.removeprefix("va_").removesuffix("_share_pct")
                got = sub["value_text"].iloc[0]
                status = "reproduced" if got == claimed else "differs"
                note = f"dominant sector here: {got}; the paper: {claimed}"
            else:
                found = [None]
        elif all(v is not None for v in found):
            ours = sum(found)
            if c.value is None:  # a sign-only claim
                positive = "> 0" in c.formula
                ok = ours > 0 if positive else ours <= 0
                status = "reproduced" if ok else "differs"
                note = f"sign claimed {'positive' if positive else 'not positive'}; here {ours:+.2f} %"
            elif abs(ours - c.value) <= REPRODUCED_TOL:
                status = "reproduced"
            else:
                status = "differs"
                note = f"by {ours - c.value:+.2f} points; likely reason: {_reason(c.indicator)}"
        if status == "not_computable":
            miss = nc[(nc.year == c.year) & (nc.indicator == ("dominant_sector" if c.value is None and "largest"
                                                              in c.formula else c.indicator))
                      & (nc.basis == basis) & nc.zone_id.isin(zones)]
            parts = [m for m in miss["missing_inputs"].tolist() + miss["reason"].dropna().tolist() if m]
            note = "missing: " + ("; ".join(dict.fromkeys(parts)) if parts else f"no {c.indicator} inputs for "
                                  f"{', '.join(zones)} in {c.year}")
        rows.append({"claim_id": c.claim_id, "zone_id": c.zone_id, "basis": basis, "indicator": c.indicator,
                     "base_year": c.base_year, "year": c.year, "paper_value": c.value, "this_release": ours,
                     "status": status, "note": note, "formula": c.formula, "where_in_paper": c.text_location})
    return pd.DataFrame(rows, columns=["claim_id", "zone_id", "basis", "indicator", "base_year", "year",
                                       "paper_value", "this_release", "status", "note", "formula",
                                       "where_in_paper"])


# ------------------------------------------------------------------------------------------------
# Pages

_CSS = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}"
        "table{border-collapse:collapse;font-size:0.85em}th,td{border:1px solid #ccc;padding:3px 6px;"
        "vertical-align:top}th{background:#f0f0f0}.reproduced{background:#e5f5e0}.differs{background:#fff4cc}"
        ".not_computable{background:#eee}img{max-width:100%;border:1px solid #ddd}")


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n").encode()


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:,.2f}" if isinstance(v, float) else html.escape(str(v))


def claims_html(claims: pd.DataFrame) -> bytes:
    counts = claims["status"].value_counts().to_dict()
    head = "".join(f"<th>{c}</th>" for c in ("claim", "zone", "indicator", "year", "paper", "this release", "status",
                                              "note", "formula", "where"))
    rows = "".join(
        f"<tr class='{r['status']}'><td>{html.escape(r['claim_id'])}</td><td>{html.escape(r['zone_id'])}</td>"
        f"<td>{html.escape(r['indicator'])}</td><td>{r['year']}</td><td>{_fmt(r['paper_value'])}</td>"
        f"<td>{_fmt(r['this_release'])}</td><td>{r['status']}</td><td>{html.escape(r['note'])}</td>"
        f"<td>{html.escape(r['formula'])}</td><td>{html.escape(r['where_in_paper'])}</td></tr>"
        for r in claims.to_dict("records"))
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    return _page("The paper's claims against this release",
                 f"<p>{summary}. Reproduced: within {REPRODUCED_TOL} points of the paper's figure (or the sign or "
                 f"ranking it states). Not computable: the inputs this release lacks are named.</p>"
                 f"<table><tr>{head}</tr>{rows}</table>")


_IDS_EN = ("Identifiers are text that never looks like a number, and two kinds never differ only in letter case "
           "(BI tools guess types from the first rows and may compare case-insensitively):")
_IDS_ZH = "标识均为不像数字的文本，不同类型的标识不只在大小写上不同："


def dictionary_markdown() -> str:
    out = ["# Data dictionary / 数据字典", "", "## Identifiers / 标识", "", _IDS_EN + "  ", _IDS_ZH, "",
           "| format | example | meaning | 说明 |", "|---|---|---|---|"]
    out += [f"| `{f}` | `{e}` | {en} | {zh} |" for f, e, en, zh in IDENTIFIERS]
    out.append("")
    for spec in TABLES.values():
        out += [f"## {spec.name}", "", f"{spec.en}  ", f"{spec.zh}", "", f"Key: {', '.join(spec.key)}", "",
                "| column | type | description | 说明 |", "|---|---|---|---|"]
        out += [f"| {c.name} | {c.type} | {c.en} | {c.zh} |" for c in spec.columns]
        out.append("")
    return "\n".join(out)


def dictionary_html() -> bytes:
    ids = "".join(f"<tr><td><code>{html.escape(f)}</code></td><td><code>{html.escape(e)}</code></td>"
                  f"<td>{html.escape(en)}</td><td>{html.escape(zh)}</td></tr>" for f, e, en, zh in IDENTIFIERS)
    parts = [f"<h2 id='identifiers'>Identifiers / 标识</h2><p>{html.escape(_IDS_EN)}<br>{html.escape(_IDS_ZH)}</p>"
             f"<table><tr><th>format</th><th>example</th><th>meaning</th><th>说明</th></tr>{ids}</table>"]
    for spec in TABLES.values():
        rows = "".join(f"<tr><td>{c.name}</td><td>{c.type}</td><td>{html.escape(c.en)}</td><td>{html.escape(c.zh)}"
                       f"</td></tr>" for c in spec.columns)
        parts.append(f"<h2 id='{spec.name}'>{spec.name}</h2><p>{html.escape(spec.en)}<br>{html.escape(spec.zh)}</p>"
                     f"<p>Key: {', '.join(spec.key)}</p><table><tr><th>column</th><th>type</th><th>description</th>"
                     f"<th>说明</th></tr>{rows}</table>")
    return _page("Data dictionary / 数据字典", "".join(parts))


def build_report(tables: dict[str, pd.DataFrame], cat: Catalog, title: str) -> dict[str, bytes]:
    """The report files, as paths relative to the release folder."""
    ind, nc, panel = tables["indicators"], tables["not_computable"], tables["panel"]
    claims = check_claims(ind, nc, cat)
    counts = claims["status"].value_counts().to_dict()
    files = {
        "report/figure1.png": figure1(panel, ind, cat),
        "report/figure2.png": figure2(ind, cat),
        "report/claims.html": claims_html(claims),
        "report/claims.csv": inert_frame(claims).to_csv(index=False).encode("utf-8-sig"),
        "report/dictionary.md": dictionary_markdown().encode("utf-8"),
        "report/dictionary.html": dictionary_html(),
    }
    rows = "".join(f"<li>{name}: {len(df):,} rows</li>" for name, df in tables.items())
    font = cjk_font()
    body = (
        f"<p>Tables: <ul>{rows}</ul></p>"
        f"<p><a href='validation.html'>Validation report</a> · <a href='claims.html'>The paper's claims</a> "
        f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}; <a href='claims.csv'>CSV</a>) · "
        f"<a href='dictionary.html'>Data dictionary</a> (<a href='dictionary.md'>markdown</a>)</p>"
        f"<h2>Figure 1</h2><img src='figure1.png' alt='Figure 1'>"
        f"<h2>Figure 2</h2><img src='figure2.png' alt='Figure 2'>"
        f"<p>Chart labels: {'bilingual (CJK font ' + font + ')' if font else 'English (no CJK font on this machine)'}."
        f" Growth since establishment follows the paper: nominal levels, each zone from its own establishment year "
        f"(东兴, 瑞丽, 满洲里 2012; 二连浩特 2014; 勐腊 2015; 凭祥, 绥芬河—东宁 2016). The real-terms series chained "
        f"from the official rates is in the indicators table (gdp_real_growth_since_establishment_pct).</p>")
    files["report/index.html"] = _page(title, body)
    return files
