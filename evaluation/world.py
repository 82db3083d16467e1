"""The invented truth of one document: the unit's figures for the data year and the look-alikes.

Observation figures are made up front (build_world); look-alike figures (must_not) are made on demand
by make_trap when a template asks for them. Everything is a Decimal in the raw unit it is printed in.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .engine import Fig, GenError
from .numbers import ceil_round, dec, floor_round, places_of

FX = {
    2010: 6.77,
    2011: 6.46,
    2012: 6.31,
    2013: 6.19,
    2014: 6.14,
    2015: 6.23,
    2016: 6.64,
    2017: 6.75,
    2018: 6.62,
    2019: 6.90,
    2020: 6.90,
    2021: 6.45,
    2022: 6.73,
    2023: 7.05,
    2024: 7.12,
}


def _g(rng, lo: float, hi: float) -> Decimal:
    g = dec(rng.uniform(lo, hi), 1)
    return Decimal("0.3") if g == 0 else g


def gdp_growth(rng, year: int) -> Decimal:
    if year == 2020:
        return _g(rng, -4.5, 4.0)
    if year == 2022:
        return _g(rng, -2.5, 6.5)
    if year == 2021:
        return _g(rng, 4.0, 11.0)
    return _g(rng, -1.5, 9.5) if rng.random() < 0.15 else _g(rng, 3.0, 9.5)


def build_world(
    doc, money: str = "亿元", trade_cur: str = "亿元", pop_unit: str = "万人", months: int | None = None
) -> None:
    """Create the observation figures of doc.unit for doc.year (or the first `months` months)."""
    rng, u, y = doc.rng, doc.unit, doc.year
    pref = u.size == "prefecture"
    sc = 1.075 ** (y - 2017)
    frac = (months / 12 * rng.uniform(0.9, 1.05)) if months else 1.0
    doc.meta.update(money=money, trade_cur=trade_cur, pop_unit=pop_unit)
    places = 2 if money == "亿元" else 0
    if money == "亿元" and rng.random() < 0.2:
        places = rng.choice([1, 4]) if doc.kind == "bulletin" else 1
    mult = Decimal(1) if money == "亿元" else Decimal(10000)
    st = doc.style

    def money_num(yi: float) -> Decimal:
        return dec(yi * float(mult), places)

    def add(key, ind, num, raw, growth=None, thousands_ok=True):
        f = Fig(key, ind, num, raw, growth)
        if st.thousands and thousands_ok and raw in ("元", "人", "万元", "万美元") and num >= 10000:
            f.thousands = True
        if st.stray and raw == "亿元" and "." in str(num) and rng.random() < st.stray:
            f.stray = True
        doc.figs[key] = f
        return f

    gdp_yi = (rng.uniform(450, 1600) if pref else rng.uniform(35, 320)) * sc * frac
    gg = gdp_growth(rng, y)
    gdp = add("gdp", "gdp", money_num(gdp_yi), money, gg)
    s1 = rng.uniform(0.05, 0.2) if pref else rng.uniform(0.04, 0.3)
    s2 = rng.uniform(0.2, 0.48)
    va1 = money_num(gdp_yi * s1)
    va2 = money_num(gdp_yi * s2)
    va3 = gdp.num - va1 - va2
    add("va1", "va_primary", va1, money, _g(rng, 1.5, 6.5))
    add("va2", "va_secondary", va2, money, _g(rng, -6, 12))
    add("va3", "va_tertiary", va3, money, _g(rng, 0.5, 9.5))
    add("vai", "va_industry", money_num(float(va2) / float(mult) * rng.uniform(0.45, 0.85)), money, _g(rng, -6, 12))
    st1 = dec(float(va1 / gdp.num) * 100, 1)
    st2 = dec(float(va2 / gdp.num) * 100, 1)
    add("st1", "structure_primary", st1, "%")
    add("st2", "structure_secondary", st2, "%")
    add("st3", "structure_tertiary", Decimal(100) - st1 - st2, "%")
    pop_wan = rng.uniform(80, 380) if pref else rng.uniform(5, 60)
    if pop_unit == "人":
        add("pop", "population_resident", dec(pop_wan * 10000, 0), "人")
        add("popr", "population_registered", dec(pop_wan * rng.uniform(0.85, 1.15) * 10000, 0), "人")
    else:
        add("pop", "population_resident", dec(pop_wan, 2), "万人")
        add("popr", "population_registered", dec(pop_wan * rng.uniform(0.85, 1.15), 2), "万人")
    gdppc = dec(gdp_yi / frac * 10000 / pop_wan, 0)
    add("gdppc", "gdp_per_capita", gdppc, "元", gg - dec(rng.uniform(-0.6, 0.8), 1))
    add("gdppc_usd", "gdp_per_capita", dec(float(gdppc) / FX[y], 0), "美元", thousands_ok=False)

    trade_yi = gdp_yi * (rng.uniform(0.1, 1.2) if not pref else rng.uniform(0.05, 0.5))
    if not u.port:
        trade_yi *= 0.1
    fx = FX[y]
    if trade_cur in ("亿美元", "万美元"):
        tv = trade_yi / fx
        tnum = dec(tv * (10000 if trade_cur == "万美元" else 1), 0 if trade_cur == "万美元" else 2)
    else:
        tnum = dec(trade_yi * (10000 if trade_cur == "万元" else 1), 0 if trade_cur == "万元" else 2)
    tg = _g(rng, -25, 40)
    add("trade", "trade_total", tnum, trade_cur, tg)
    share = rng.uniform(0.15, 0.85)
    ex = dec(float(tnum) * share, places_of(tnum))
    add("exp", "exports", ex, trade_cur, _g(rng, -30, 45))
    add("imp", "imports", tnum - ex, trade_cur, _g(rng, -30, 45))
    if trade_cur in ("亿美元", "万美元"):
        usd = tnum / (10000 if trade_cur == "万美元" else 1)
        add("trade_cny", "trade_total", dec(float(usd) * fx, 2), "亿元", tg)
    big_cur = "亿美元" if trade_cur in ("亿美元", "万美元") else "亿元"
    big = trade_yi / fx if big_cur == "亿美元" else trade_yi
    if u.port:
        add("bmt", "border_mutual_trade", dec(big * rng.uniform(0.08, 0.7), 2), big_cur, _g(rng, -30, 40))
        add("cdt", "customs_district_trade", dec(big * rng.uniform(1.6, 5.0), 2), big_cur, _g(rng, -20, 35))
        add("ptv", "port_trade_value", dec(big * rng.uniform(1.2, 4.0), 2), big_cur, _g(rng, -20, 35))
        add(
            "cargo",
            "port_cargo",
            dec(
                rng.uniform(60, 3200) * (0.35 if not pref else 1) * frac * min(2.0, 0.6 + big / 100), rng.choice([1, 2])
            ),
            "万吨",
            _g(rng, -20, 30),
        )
    fr_yi = gdp_yi * rng.uniform(0.035, 0.1)
    add("fr", "fiscal_revenue", money_num(fr_yi), money, _g(rng, -9, 15))
    add("frt", "fiscal_revenue_total", money_num(fr_yi * rng.uniform(1.3, 1.9)), money, _g(rng, -9, 15))
    add("fe", "fiscal_expenditure", money_num(fr_yi * rng.uniform(1.6, 4.5)), money, _g(rng, -6, 15))
    rg = _g(rng, -12, 2) if y in (2020, 2022) else _g(rng, 2, 12)
    add("retail", "retail_sales", money_num(gdp_yi * rng.uniform(0.2, 0.5)), money, rg)
    add("fai", "fai", money_num(gdp_yi * rng.uniform(0.3, 1.1)), money, _g(rng, -15, 20))
    add("ui", "urban_income", dec(rng.uniform(25000, 36000) * 1.065 ** (y - 2017), 0), "元", _g(rng, 3.5, 8.5))
    add("ri", "rural_income", dec(rng.uniform(9500, 16000) * 1.08 ** (y - 2017), 0), "元", _g(rng, 5, 10.5))
    if months:  # part-year items: no structure, population or per-capita figures
        for k in ("st1", "st2", "st3", "pop", "popr", "gdppc", "gdppc_usd", "ui", "ri", "vai"):
            doc.figs.pop(k, None)
        for f in doc.figs.values():
            f.period = doc.period


# ----- look-alikes ---------------------------------------------------------------------------------
# key -> (base key, low, high, indicator, why).  num = base * U(low, high) in the base's raw unit
PARTS = {
    "gdp_inc": ("gdp", 0.03, 0.09, "gdp", "an increment over the previous year, not the level"),
    "gdp0": ("gdp", 0.6, 0.78, "gdp", "the base year of a five-year comparison"),
    "gdp_prev": ("gdp", 0.9, 0.97, "gdp", "the previous year's level"),
    "gdp_tgt": ("gdp", 1.05, 1.15, "gdp", "next year's target"),
    "subin_gdp": ("gdp", 0.15, 0.45, "gdp", "a sub-unit inside the GDP sentence"),
    "gdppc_inc": ("gdppc", 0.03, 0.09, "gdp_per_capita", "an increment over the previous year, not the level"),
    "vai0": ("vai", 0.55, 0.8, "va_industry", "the base year of a five-year comparison"),
    "prov_trade": ("trade", 8.0, 30.0, "trade_total", "the province's trade (the city follows in 其中)"),
    "mech": ("exp", 0.2, 0.6, "exports", "a product group (机电产品), a subset"),
    "private": ("trade", 0.3, 0.8, "trade_total", "an ownership group (民营企业), a subset"),
    "month_trade": ("trade", 0.08, 0.2, "trade_total", "a single month (当月), not the year-to-date total"),
    "cargo_cut": ("cargo", 0.85, 1.1, "port_cargo", "a mid-month cut-off (截至M月D日): no clean period"),
    "zs_gdp": ("gdp", 1.1, 1.6, "gdp", "the pilot zone's own scope (试验区口径)"),
    "pe1": ("va1", 0.3, 0.8, "va_primary", "a sub-aggregate's primary sector (民营/非公有制经济)"),
    "pe2": ("va2", 0.3, 0.8, "va_secondary", "a sub-aggregate's secondary sector (民营/非公有制经济)"),
    "pe3": ("va3", 0.3, 0.8, "va_tertiary", "a sub-aggregate's tertiary sector (民营/非公有制经济)"),
    "constr": ("va2", 0.15, 0.4, "va_secondary", "建筑业增加值, a sub-item"),
    "agri": ("va1", 1.02, 1.08, "va_primary", "农林牧渔业增加值 is not 第一产业增加值"),
    "fin": ("va3", 0.05, 0.15, "va_tertiary", "金融业增加值, a sub-item"),
    "vai_gs": ("vai", 0.6, 0.9, "va_industry", "规模以上工业增加值, not 全部工业增加值"),
    "gdppc_h": ("gdppc", 1.05, 1.3, "gdp_per_capita", "per capita by registered population"),
    "fai_ind": ("fai", 0.2, 0.5, "fai", "工业投资, a sub-item"),
    "fai_re": ("fai", 0.1, 0.4, "fai", "房地产开发投资, a sub-item"),
    "fai_cum": ("fai", 4.0, 5.5, "fai", "a five-year cumulative total"),
    "proj": ("fai", 0.3, 0.7, "fai", "investment of key projects"),
    "ret_u": ("retail", 0.7, 0.9, "retail_sales", "城镇消费品零售额, a sub-item"),
    "ret_r": ("retail", 0.1, 0.3, "retail_sales", "乡村消费品零售额, a sub-item"),
    "ret_lim": ("retail", 0.3, 0.6, "retail_sales", "限额以上消费品零售额, a sub-item"),
    "trade_cum": ("trade", 3.5, 5.0, "trade_total", "a five-year cumulative total"),
    "trade_tgt": ("trade", 1.05, 1.2, "trade_total", "next year's target"),
    "trade_prev": ("trade", 0.7, 0.95, "trade_total", "the previous year's level"),
    "transit": ("trade", 0.1, 0.5, "trade_total", "转口贸易 inside the total"),
    "asean": ("trade", 0.3, 0.8, "trade_total", "trade with one partner, a subset"),
    "bst": ("trade", 0.2, 0.6, "border_mutual_trade", "边境小额贸易 is not 边民互市"),
    "zb_tr": ("trade", 0.2, 0.8, "trade_total", "综合保税区 subject"),
    "zk_tr": ("trade", 0.2, 0.7, "trade_total", "边境经济合作区 subject"),
    "zs_tr": ("trade", 1.1, 1.5, "trade_total", "试验区 subject"),
    "ptrade": ("trade", 1.5, 4.0, "trade_total", "the parent unit's trade"),
    "sib_trade": ("trade", 0.3, 1.5, "trade_total", "a sibling unit's trade"),
    "tax": ("fr", 0.55, 0.85, "fiscal_revenue", "税收收入, a sub-item"),
    "frt_c": ("frt", 0.2, 0.4, "fiscal_revenue", "上划中央收入, a component of 财政总收入"),
    "fr_cum": ("fr", 4.0, 5.5, "fiscal_revenue", "a five-year cumulative total"),
    "fr_tgt": ("fr", 1.04, 1.12, "fiscal_revenue", "next year's target"),
    "edu": ("fe", 0.12, 0.2, "fiscal_expenditure", "教育支出, a sub-item"),
    "soc": ("fe", 0.1, 0.18, "fiscal_expenditure", "社会保障和就业支出, a sub-item"),
    "fe_ms": ("fe", 0.7, 0.85, "fiscal_expenditure", "民生支出, a sub-item"),
    "uc": ("ui", 0.55, 0.8, "urban_income", "人均消费支出, not income"),
    "ui_diff": ("ui", 0.02, 0.1, "urban_income", "a difference from the parent's average"),
    "ui0": ("ui", 0.68, 0.8, "urban_income", "the base year of a five-year comparison"),
    "ri0": ("ri", 0.62, 0.76, "rural_income", "the base year of a five-year comparison"),
    "rni": ("ri", 0.8, 0.95, "rural_income", "农民人均纯收入, the older series"),
    "pop_u": ("pop", 0.4, 0.8, "population_resident", "城镇常住人口, a sub-item"),
    "popr_u": ("popr", 0.3, 0.6, "population_registered", "城镇人口 of the registered population"),
    "popr_r": ("popr", 0.4, 0.7, "population_registered", "乡村人口 of the registered population"),
    "cargo_rail": ("cargo", 0.3, 0.7, "port_cargo", "one port of several (铁路口岸)"),
    "cargo_road": ("cargo", 0.1, 0.3, "port_cargo", "one port of several (公路口岸)"),
    "cargo_imp": ("cargo", 0.55, 0.9, "port_cargo", "imports only"),
}
SPLITS = {  # key -> (total key, indicator, why); the pair adds up to a share of the total
    "cdt_exp": ("cdt", "exports", "关区 subject carries over to 其中出口"),
    "cdt_imp": ("cdt", "imports", "关区 subject carries over to 其中进口"),
    "ptv_exp": ("ptv", "exports", "口岸 subject carries over to 其中出口"),
    "ptv_imp": ("ptv", "imports", "口岸 subject carries over to 其中进口"),
    "hs_exp": ("bmt", "exports", "互市贸易区 subject carries over to 其中出口"),
    "hs_imp": ("bmt", "imports", "互市贸易区 subject carries over to 其中进口"),
    "zb_exp": ("zb_tr", "exports", "综合保税区 subject carries over"),
    "zb_imp": ("zb_tr", "imports", "综合保税区 subject carries over"),
    "zk_imp": ("zk_tr", "imports", "边境经济合作区 subject carries over"),
    "zk_exp": ("zk_tr", "exports", "边境经济合作区 subject carries over"),
    "zs_exp": ("zs_tr", "exports", "试验区 subject carries over"),
}
RATES = {  # key -> (indicator, raw, low, high, places, why)
    "br": ("population_resident", "‰", 6, 13, 2, "a birth rate in ‰, not a level"),
    "dr": ("population_resident", "‰", 4, 8, 2, "a death rate in ‰, not a level"),
    "nr": ("population_resident", "‰", -2, 6, 2, "a natural growth rate in ‰, not a level"),
    "density": ("population_resident", "人/平方公里", 8, 260, 0, "a density in 人/平方公里, not a level"),
    "life": ("population_resident", "岁", 72, 80, 2, "life expectancy in 岁, not a level"),
    "urb_pp": ("structure_tertiary", "个百分点", 0.3, 1.8, 1, "a change in 个百分点, not a share"),
}
DEPS_RE = re.compile(r"^(sub|sib)(\d+)_(gdp|fr|trade)$")


def trap_deps(key: str) -> list[str]:
    if key in PARTS:
        return [PARTS[key][0]]
    if key in SPLITS:
        base = SPLITS[key][0]
        return trap_deps(base) if base not in ("cdt", "ptv", "bmt") else [base]
    m = DEPS_RE.match(key)
    if m:
        return [{"gdp": "gdp", "fr": "fr", "trade": "trade"}[m.group(3)]]
    if key in ("st1p", "st2p", "st3p", "st1b", "st2b", "st3b", "pp_st3"):
        return ["st1", "st2", "st3"]
    if key in ("ct1", "ct2", "ct3", "pl1", "pl2", "pl3"):
        return ["gdp"]
    if key in ("births", "deaths", "pop_inc"):
        return ["pop"]
    if key == "popr_inc":
        return ["popr"]
    if key == "inc_all":
        return ["ui", "ri"]
    if key in ("gdp_thr", "frt_thr"):
        return [key[:-4]]
    if key == "pe":
        return ["va1", "va2", "va3"]
    if key.startswith("prev_") or key.startswith("zone_"):
        return [key[5:]]
    return []


def _part(doc, base: Fig, lo: float, hi: float) -> Decimal:
    p = places_of(base.num)
    v = dec(float(base.num) * doc.rng.uniform(lo, hi), p)
    if v == base.num:
        v += Decimal(1).scaleb(-p)
    return v


def make_trap(doc, key: str) -> Fig:
    rng = doc.rng
    if key in PARTS:
        bk, lo, hi, ind, why = PARTS[key]
        base = doc.fig(bk)
        f = Fig(key, ind, _part(doc, base, lo, hi), base.raw, role="not", why=why, thousands=base.thousands)
        if key in ("gdp_tgt", "trade_tgt", "fr_tgt"):  # targets are round numbers above the level
            f.num = ceil_round(f.num) if f.num >= 20 else f.num
        return f
    if key in SPLITS:
        bk, ind, why = SPLITS[key]
        base = doc.fig(bk)
        share = doc.meta.setdefault("split_" + bk, rng.uniform(0.2, 0.8))
        p = places_of(base.num)
        ex = dec(float(base.num) * share, p)
        num = ex if key.endswith("_exp") else base.num - ex
        return Fig(key, ind, num, base.raw, role="not", why=why)
    m = DEPS_RE.match(key)
    if m:
        kind, i, what = m.group(1), int(m.group(2)), m.group(3)
        base = doc.fig({"gdp": "gdp", "fr": "fr", "trade": "trade"}[what])
        names = doc.unit.children if kind == "sub" else doc.unit.siblings
        name = names[i % len(names)] if names else f"子单位{i}"
        ind = {"gdp": "gdp", "fr": "fiscal_revenue", "trade": "trade_total"}[what]
        if kind == "sub":  # sub-units share at most 90 % of the parent's total
            shares = doc.meta.get("sub_shares")
            if shares is None:
                w = [rng.uniform(0.5, 1.5) for _ in range(max(1, len(names)))]
                tot = sum(w) / rng.uniform(0.6, 0.9)
                shares = doc.meta["sub_shares"] = [x / tot for x in w]
            share = shares[i % len(shares)] * rng.uniform(0.9, 1.1)
            num = dec(float(base.num) * share, places_of(base.num))
        else:
            num = _part(doc, base, 0.3, 1.5)
        return Fig(key, ind, num, base.raw, role="not", why=f"{'sub-unit' if kind == 'sub' else 'sibling unit'} {name}")
    if key in ("st1p", "st2p", "st3p", "st1b", "st2b", "st3b"):
        tag = key[-1]
        shift = doc.meta.setdefault(
            "shift_" + tag,
            (
                dec(rng.uniform(0.3, 2.5), 1) * (2 if tag == "b" else 1),
                dec(rng.choice([-1, 1]) * rng.uniform(0.2, 1.5), 1),
            ),
        )
        if shift[0] + shift[1] == 0:
            shift = (shift[0], shift[1] + Decimal("0.3"))
        s1, s2 = doc.fig("st1").num + shift[0], doc.fig("st2").num + shift[1]
        vals = {"1": s1, "2": s2, "3": Decimal(100) - s1 - s2}
        ind = {"1": "structure_primary", "2": "structure_secondary", "3": "structure_tertiary"}[key[2]]
        why = "the previous year's structure" if tag == "p" else "the base year's structure"
        return Fig(key, ind, vals[key[2]], "%", role="not", why=why)
    if key == "pp_st3":
        d = doc.fig("st3").num - doc.fig("st3p").num
        return Fig(
            key,
            "structure_tertiary",
            abs(d) if d else Decimal("0.1"),
            "个百分点",
            growth=d,
            role="not",
            why="a change in 个百分点, not a share",
        )
    if key in ("ct1", "ct2", "ct3"):
        cts = doc.meta.get("cts")
        if cts is None:
            a = dec(rng.uniform(-8, 15), 1)
            b = dec(rng.uniform(20, 55), 1)
            cts = (a, b, Decimal(100) - a - b)
            doc.meta["cts"] = cts
        ind = {"ct1": "structure_primary", "ct2": "structure_secondary", "ct3": "structure_tertiary"}[key]
        return Fig(key, ind, cts[int(key[2]) - 1], "%", role="not", why="a contribution rate (贡献率), not a share")
    if key in ("pl1", "pl2", "pl3"):
        ct = doc.fig("ct" + key[2]).num
        g = doc.fig("gdp").growth or Decimal(5)
        v = dec(float(ct) * float(g) / 100, 1)
        return Fig(
            key,
            "gdp",
            v if v != 0 else Decimal("0.1"),
            "个百分点",
            role="not",
            why="拉动经济增长…个百分点, not a level",
        )
    if key in RATES:
        ind, raw, lo, hi, p, why = RATES[key]
        v = dec(rng.uniform(lo, hi), p)
        return Fig(key, ind, v if v != 0 else Decimal("0.5"), raw, role="not", why=why)
    if key in ("births", "deaths"):
        pop = doc.fig("pop")
        persons = float(pop.num) * (10000 if pop.raw == "万人" else 1)
        rate = rng.uniform(6, 12) if key == "births" else rng.uniform(4, 8)
        return Fig(
            key,
            "population_resident",
            dec(persons * rate / 1000, 0),
            "人",
            role="not",
            why=f"{'出生' if key == 'births' else '死亡'}人口, a flow, not the population",
        )
    if key in ("pop_inc", "popr_inc"):
        base = doc.fig("pop" if key == "pop_inc" else "popr")
        v = _part(doc, base, 0.002, 0.02)
        sign = Decimal(-1) if rng.random() < 0.4 else Decimal(1)
        return Fig(
            key,
            base.indicator,
            v,
            base.raw,
            growth=sign,
            role="not",
            why="an increment over the previous year end, not the level",
        )
    if key == "inc_all":
        ui, ri = doc.fig("ui").num, doc.fig("ri").num
        return Fig(
            key,
            "urban_income",
            dec(float(ri) + float(ui - ri) * rng.uniform(0.4, 0.7), 0),
            "元",
            role="not",
            why="全体居民人均可支配收入 is not urban or rural income",
        )
    if key == "pe":  # the sub-aggregate is the sum of its three sectors
        parts = [doc.fig(k).num for k in ("pe1", "pe2", "pe3")]
        return Fig(
            key, "gdp", sum(parts), doc.fig("gdp").raw, role="not", why="民营/非公有制经济增加值, a sub-aggregate"
        )
    if key in ("gdp_thr", "frt_thr"):
        g = doc.fig(key[:-4])
        t = floor_round(g.num)
        if t >= g.num:
            t = floor_round(g.num * Decimal("0.95"))
        return Fig(key, g.indicator, t, g.raw, role="not", why="a threshold; the level is stated")
    if key.startswith("prev_"):
        base = doc.fig(key[5:])
        return Fig(
            key,
            base.indicator,
            _part(doc, base, 0.82, 0.97),
            base.raw,
            role="not",
            why="the previous year's column",
            thousands=base.thousands,
        )
    if key.startswith("zone_"):
        what = key[5:]
        base = doc.fig(what)
        return Fig(
            key,
            base.indicator,
            _part(doc, base, 0.05, 0.35),
            base.raw,
            role="not",
            why="a zone's figure (table subject)",
        )
    if key.startswith("census_"):
        raise GenError("census figures are made by the census composer")
    raise GenError(f"no trap factory for {key}")
