"""Document skeletons: bulletin, work report, news, census bulletin, listing page, captcha page, notice,
image-only PDF. Each composer fills a Doc with blocks and planted figures (see engine.Doc)."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from . import banks as B
from . import chrome as C
from .engine import Doc, Fig, GenError, Tpl, tpl
from .numbers import dec
from .world import build_world, make_trap, trap_deps

ORD = "一二三四五六七八九十"
PARTNERS = {
    "广西": ["东盟", "越南"],
    "云南": ["缅甸", "老挝", "东盟"],
    "内蒙古": ["俄罗斯", "蒙古国"],
    "黑龙江": ["俄罗斯"],
    "新疆": ["哈萨克斯坦", "中亚五国"],
    "吉林": ["朝鲜", "俄罗斯"],
    "辽宁": ["朝鲜", "韩国"],
    "西藏": ["尼泊尔"],
    "甘肃": ["蒙古国"],
    "湖南": ["东盟", "非洲"],
}
CAPITALS = {
    "广西": "南宁",
    "云南": "昆明",
    "内蒙古": "呼和浩特",
    "黑龙江": "哈尔滨",
    "新疆": "乌鲁木齐",
    "吉林": "长春",
    "辽宁": "沈阳",
    "西藏": "拉萨",
    "甘肃": "兰州",
    "湖南": "长沙",
}
PAPERS = {
    "广西": "广西日报",
    "云南": "云南日报",
    "内蒙古": "内蒙古日报",
    "黑龙江": "黑龙江日报",
    "新疆": "新疆日报",
    "吉林": "吉林日报",
    "辽宁": "辽宁日报",
    "西藏": "西藏日报",
    "甘肃": "甘肃日报",
    "湖南": "湖南日报",
}
PARTY = {
    "county": "县委、县政府",
    "banner": "旗委、旗政府",
    "district": "区委、区政府",
    "county_city": "市委、市政府",
    "prefecture_city": "市委、市政府",
    "autonomous_prefecture": "州委、州政府",
    "league": "盟委、行政公署",
    "prefecture_area": "地委、行署",
}
LEADER = {
    "county": "县长",
    "banner": "旗长",
    "district": "区长",
    "county_city": "市长",
    "prefecture_city": "市长",
    "autonomous_prefecture": "州长",
    "league": "盟长",
    "prefecture_area": "行署专员",
}
ZONE_YEAR = {
    "dongxing": 2012,
    "ruili": 2012,
    "manzhouli": 2012,
    "erenhot": 2014,
    "mengla": 2015,
    "pingxiang": 2016,
    "suifenhe": 2016,
    "baise": 2020,
    "tacheng": 2020,
}


# ----- setup ------------------------------------------------------------------------------------------
def parent_whole(u) -> tuple[str, str]:
    p = u.parent
    if p:
        for suf, w in (("市", "全市"), ("州", "全州"), ("盟", "全盟"), ("地区", "全地区")):
            if p.endswith(suf):
                return w, w[1:]
        return "全市", "市"
    return ("全区", "区") if "自治区" in u.province else ("全省", "省")


def init_doc(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    doc.trap_factory = make_trap
    doc.trap_deps = trap_deps
    st = doc.style
    st.neg = rng.choices(["下降", "增长-", "减少"], [6, 2, 1])[0]
    if doc.format == "txt":
        st.ascii_punct = rng.random() < 0.6
    elif doc.format == "html":
        st.ascii_punct = rng.random() < 0.12
    st.fullwidth = not st.ascii_punct and doc.format != "pdf" and rng.random() < 0.08
    st.trad = doc.format != "pdf" and rng.random() < (0.45 if "A3" in doc.enabled else 0.07)
    if "A3" in doc.enabled:
        keys = sorted(B.PINYIN)
        st.pinyin = frozenset(rng.sample(keys, rng.randint(len(keys) // 4, len(keys) // 2)))
        st.toneless = rng.random() < 0.3
        st.pinyin_units = rng.choice(["first", "first", "all", ""])
    st.thousands = rng.random() < 0.1
    st.stray = 0.35 if rng.random() < 0.06 else 0.0
    st.unit_space = rng.random() < 0.06
    for flag, tag in (
        (st.fullwidth, "f:fullwidth"),
        (st.trad, "f:traditional"),
        (st.ascii_punct, "f:ascii_punct"),
        (st.thousands, "f:thousands"),
        (bool(st.stray), "f:stray_space"),
        (st.unit_space, "f:unit_space"),
    ):
        if flag:
            doc.tags.add(tag)
    if st.pinyin or st.pinyin_units:
        doc.tags.add("A3")
    pw, pl = parent_whole(u)
    whole, lvl, party = u.whole, u.level_char, PARTY[u.kind]
    if u.name_in(Y) != u.name and u.name_in(Y).endswith("县"):  # a former county (东宁县 until 2015)
        whole, lvl, party = "全县", "县", PARTY["county"]
    sibs = list(u.siblings or u.children or ("邻县",))
    kids = list(u.children or ("城关镇",))
    zone_year = min(next((y for k, y in ZONE_YEAR.items() if k in (u.slug or "")), 2015), Y - 3)
    doc.names = {
        "Y": str(Y),
        "Yp": str(Y - 1),
        "Yp2": str(Y - 2),
        "Y1": str(Y + 1),
        "Y0": str(Y - 5),
        "YZ": str(zone_year),
        "U": u.name_in(Y),
        "S": u.short,
        "P": u.parent or u.prov_short,
        "PW": pw,
        "PL": pl,
        "全": whole,
        "级": lvl,
        "PARTY": party,
        "PROV": u.province,
        "CU": u.customs or (u.short + "海关"),
        "PORT": u.port or (u.short + "口岸"),
        "ZS": u.zone or (u.short + "重点开发开放试验区"),
        "ZB": u.short + "综合保税区",
        "ZK": u.short + "边境经济合作区",
        "HS": u.short + "边民互市贸易区",
        "PARTNER": rng.choice(PARTNERS.get(u.prov_short, ["东盟"])),
        "SEP": rng.choices([":", "∶", "︰", "："], [5, 3, 2, 2])[0],
        "CH0": kids[0],
        "SIB0": sibs[0],
        "RANK": str(rng.randint(1, 6)),
        "RANK2": str(rng.randint(1, 9)),
        "REPORTER": C.person(rng),
        "PROVCITY": CAPITALS.get(u.prov_short, "南宁"),
        "M": str(rng.randint(1, 12)),
        "D": str(rng.randint(1, 28)),
        "PROVS": u.prov_short,
    }
    frl = doc.pick(B.FRL, need=want(doc, "C14"))
    fel = doc.pick(B.FEL, need=want(doc, "C14") if rng.random() < 0.4 else None)
    doc.names["FRL"], doc.names["FEL"] = frl.text, fel.text
    doc.name_tags["FRL"], doc.name_tags["FEL"] = set(frl.tags), set(fel.tags)


def want(doc: Doc, *classes: str) -> str | None:
    """The first enabled class not yet exercised (asked of the next pick)."""
    for c in classes:
        if c in doc.enabled and c not in doc.tags:
            return c
    return None


def say(doc: Doc, tpls: list[Tpl], *need_from: str, qual_bank=None, **names) -> str:
    try:
        return doc.say(tpls, qual_bank=qual_bank, need=want(doc, *need_from), **names)
    except GenError as e:
        if str(e) != "no eligible template":
            raise
        return ""


def heading(doc: Doc, n: int, name: str) -> None:
    rng = doc.rng
    if len(name) == 2 and rng.random() < 0.35:
        name = name[0] + rng.choice(["    ", "　　", " ", "  "]) + name[1]
    if doc.meta.get("footnote_heading") is None and "f:footnote" in doc.tags and rng.random() < 0.3:
        doc.meta["footnote_heading"] = True
        name += "[1]"
    doc.add("h", f"{ORD[n]}、{name}")


def para(doc: Doc, *parts: str) -> None:
    text = "".join(p for p in parts if p)
    if text:
        doc.add("p", text)


def table(
    doc: Doc,
    caption: str | None,
    unit_line: str | None,
    header: list[str],
    rows: list[list[str]],
    subject: str | None = None,
) -> None:
    """Rows are [label, cell templates…]; cells are filled (recording what they plant)."""
    filled = [[r[0]] + [doc.fill(tpl(c)) if "{" in c else c for c in r[1:]] for r in rows]
    doc.add("table", caption=caption, unit=unit_line, header=header, rows=filled, subject=subject)


def tno(doc: Doc) -> int:
    doc.meta["tables"] = doc.meta.get("tables", 0) + 1
    return doc.meta["tables"]


def caption(doc: Doc, text: str) -> None:
    doc.meta["captions"] = doc.meta.get("captions", 0) + 1
    doc.add("caption", f"图{doc.meta['captions']} {text}")
    doc.tags.add("f:caption")


def pub_for(doc: Doc, months=(2, 9)) -> tuple[int, int, int]:
    return C.pub_date(doc.rng, doc.year + 1, months)


# ----- web chrome around documents ---------------------------------------------------------------------
def web_chrome_top(doc: Doc, pub, section="统计公报", style: str | None = None) -> None:
    if doc.format == "pdf":
        return
    rng = doc.rng
    if "A2" not in doc.enabled and rng.random() < 0.5:
        return
    style = style or rng.choice(["portal", "portal", "tjcn"])
    doc.meta["chrome_style"] = style
    lines = (
        C.tjcn_top(rng, doc.unit, doc.year) if style == "tjcn" else C.portal_top(rng, doc.unit, pub, doc.year, section)
    )
    doc.blocks.extend(lines)
    doc.tags.add("A2")


def web_chrome_bottom(doc: Doc, kind="bulletin") -> None:
    if doc.format == "pdf" or "A2" not in doc.tags:
        return
    rng = doc.rng
    if rng.random() < 0.7:
        doc.blocks.extend(C.related_list(rng, doc.unit, doc.year, kind))
    if rng.random() < 0.6:
        doc.blocks.extend(C.prev_next(rng, doc.unit, doc.year))
    doc.blocks.extend(C.footer(rng, doc.unit))


# ----- bulletin ---------------------------------------------------------------------------------------------
TITLES = [
    "{U}{Y}年国民经济和社会发展统计公报",
    "{Y}年{U}国民经济和社会发展统计公报",
    "{Y}年{U}统计公报",
    "{U}{Y}年国民经济和社会发展统计公报 {Y}",
    "[par=1] {Y}年{P}{U}国民经济和社会发展统计公报",
    "{U}{Y}年国民经济和社会发展统计公报[1]",
]


def world_units(doc: Doc, kind: str) -> tuple[str, str, str]:
    rng, u, Y = doc.rng, doc.unit, doc.year
    county = u.size == "county"
    money = "万元" if county and kind == "bulletin" and rng.random() < 0.35 else "亿元"
    if Y < 2016:
        cur = rng.choices(["亿美元", "万美元", "亿元"], [5, 2, 3])[0]
    else:
        cur = rng.choices(["亿元", "亿美元", "万元"], [7, 2, 1 if county and money == "万元" else 0])[0]
    pop_unit = "人" if county and rng.random() < 0.2 else "万人"
    return money, cur, pop_unit


def compose_bulletin(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    money, cur, pop_unit = world_units(doc, "bulletin")
    build_world(doc, money, cur, pop_unit)
    pub = pub_for(doc)
    web_chrome_top(doc, pub)
    a1 = "A1" in doc.enabled and rng.random() < 0.85
    a1_style = rng.choice(["preamble", "agency"]) if a1 else None
    if a1:
        doc.tags.add("A1")
        un = u.name_in(Y)
        doc.html_title = rng.choice([f"{un}统计局", f"统计信息 - {un}人民政府", f"{un}人民政府门户网站", ""])
        if a1_style == "agency":
            doc.add("meta", rng.choice([f"{u.name_in(Y)}统计局", u.name_in(Y)]))
        else:
            para(doc, say(doc, B.PREAMBLE[:3]))
    else:
        t = doc.pick([tpl(x) for x in TITLES])
        title = doc.fill(t)
        unitless = rng.random() < 0.08
        if unitless:  # 2019年国民经济和社会发展统计公报[1] / <U>统计局: only the issuer names the unit
            title = f"{Y}年国民经济和社会发展统计公报" + rng.choice(["", "[1]"])
            doc.tags.add("f:title_without_unit")
        elif rng.random() < 0.06:  # title fused with the issuing agency on one line
            title = f"{doc.names['U']}{Y}年国民经济和社会发展统计公报{doc.names['U']}统计局"
            doc.tags.add("f:title_fused")
        if rng.random() < 0.12:  # title broken over two lines
            cut = title.index("国民经济") if "国民经济" in title else len(title) // 2
            doc.add("title", title[:cut])
            doc.add("title", title[cut:].replace("统计公报", "统 计 公 报"))
        else:
            doc.add("title", title)
        doc.html_title = title.replace("[1]", "") + rng.choice(["", f" - {u.name_in(Y)}人民政府", "_统计公报"])
        if doc.meta.get("chrome_style") == "portal" and rng.random() < 0.3:
            doc.blocks.extend(C.region_select(rng, u))
        issuer = rng.choice(
            [
                f"{u.name_in(Y)}统计局",
                f"{u.name_in(Y)}统计局  国家统计局{u.name_in(Y)}调查队",
                f"（{u.name_in(Y)}统计局 {pub[0]}年{pub[1]}月{pub[2]}日）",
                f"{pub[0]}年{pub[1]}月{pub[2]}日",
            ][: 3 if unitless else 4]
        )
        doc.add("meta", issuer)
        if "A2" in doc.tags and rng.random() < 0.5:
            doc.blocks.append(C.meta_line(rng, u, pub))
        para(doc, say(doc, B.PREAMBLE if rng.random() < 0.7 else B.PREAMBLE_NOYEAR))
    # tables decided up front
    own_table = rng.random() < 0.3
    b8 = "B8" in doc.enabled
    sections = ["综合", "农业", "工业和建筑业", "固定资产投资", "国内贸易", "对外经济", "财政", "人民生活", "人口"]
    keep = ["综合"] + [s for s in sections[1:] if rng.random() < 0.85 or s in ("对外经济",)]
    if not u.port and "对外经济" in keep and rng.random() < 0.5:
        keep.remove("对外经济")
    pop_in_general = a1_style == "agency" or rng.random() < 0.3
    if pop_in_general and "人口" in keep:
        keep.remove("人口")
    no_headings = rng.random() < 0.08
    if no_headings:
        doc.tags.add("f:no_headings")
    own_kind = rng.choice(["gdp", "fiscal", "pop", "income"]) if own_table else None
    b8_kind = None
    if b8:
        opts = ["zone", "subunits"] + (["port", "customs"] if u.port else [])
        b8_kind = rng.choice(opts)
    for n, name in enumerate(keep):
        if not no_headings:
            heading(
                doc,
                n,
                {
                    "综合": rng.choice(["综合", "综合", "综合经济"]),
                    "对外经济": rng.choice(["对外经济", "开放型经济", "对外贸易和口岸"]),
                    "财政": rng.choice(["财政", "财政和金融", "财政金融"]),
                    "人民生活": rng.choice(["人民生活", "人民生活和社会保障", "居民收入"]),
                }.get(name, name),
            )
        SECTION_FUN[name](doc, own_kind=own_kind, b8_kind=b8_kind, a1_style=a1_style, pop_in_general=pop_in_general)
    if rng.random() < 0.6:
        doc.add("note", doc.fill(B.NOTES[0]))
        doc.add("note", doc.fill(B.NOTES[rng.choice([1, 2])]))
        if rng.random() < 0.5:
            doc.add("note", doc.fill(B.NOTES[3]))
    web_chrome_bottom(doc)


def sec_general(doc: Doc, own_kind=None, b8_kind=None, a1_style=None, pop_in_general=False, **_) -> None:
    rng = doc.rng
    if own_kind == "gdp":
        gdp_table(doc)
    else:
        must_year = a1_style == "agency"
        tpls = [t for t in B.GDP if "{Q}" in t.text] if must_year else B.GDP
        qb = B.QUAL_PRELIM if a1_style == "agency" else B.QUAL
        s1 = say(doc, tpls, "B11", "B13", "C15", "C16", "B10", qual_bank=qb)
        if rng.random() < 0.15:
            s1 += say(doc, B.GDP_PREV)
        s2 = say(doc, B.SECTORS, "C14", "C15", "C16")
        runin = rng.choices(["", "经济总量：", "经济总量。", "地区生产总值 ", "经济总量攀升。"], [24, 2, 1, 2, 1])[0]
        if runin:  # a run-in paragraph label before the sentence
            doc.tags.add("f:runin_label")
        para(doc, runin, s1, s2)
    if rng.random() < 0.75:
        s = say(doc, B.STRUCTURE, "B12")
        if ("B12" in doc.enabled and rng.random() < 0.5) or rng.random() < 0.15:
            s += say(doc, B.CONTRIB, "B12")
        para(doc, s)
    if rng.random() < 0.65:
        para(doc, say(doc, B.PERCAP, "C16"), say(doc, B.PERCAP_TRAP) if rng.random() < 0.15 else "")
    if ("B9" in doc.enabled and rng.random() < 0.4) or rng.random() < 0.08:
        para(doc, say(doc, B.SUBAGG))
    if "B10" in doc.enabled and (rng.random() < 0.7 or "B10" not in doc.tags):
        subunit_breakdown(doc)
    if b8_kind == "subunits":
        subunit_table(doc)
    if rng.random() < 0.45:
        caption(doc, f"{doc.year - 4}-{doc.year}年{doc.names['全']}地区生产总值及其增长速度")
    if pop_in_general:
        tp = [t for t in B.POP if "{Y}" in t.text] if a1_style == "agency" else B.POP
        para(doc, say(doc, tp, "C14"))


def subunit_breakdown(doc: Doc) -> None:
    rng, u = doc.rng, doc.unit
    kids = list(u.children)
    if len(kids) < 2:
        return
    head = doc.pick(B.SUBUNIT_HEAD)
    items = []
    for i in range(min(len(kids), rng.randint(2, 4))):
        t = rng.choice(B.SUBUNIT_ITEM)
        items.append(doc.fill(tpl(t.text.replace("KEY", f"sub{i}_gdp")), NAME=kids[i]))
    para(doc, doc.fill(head) + "；".join(items) + "。")


def gdp_table(doc: Doc) -> None:
    rng, Y = doc.rng, doc.year
    money = doc.meta["money"]
    per_row = rng.random() < 0.35
    prev_col = rng.random() < 0.3
    unit_line = None if per_row else f"单位：{money}"
    rows = []
    spec = [
        ("地区生产总值", "gdp"),
        ("第一产业", "va1"),
        ("第二产业", "va2"),
        (rng.choice(["#工业", "其中：工业", "  工业"]), "vai"),
        ("第三产业", "va3"),
    ]
    for label, k in spec:
        r = [label]
        if per_row:
            r.append(money)
        r.append(f"{{n:{k}}}")
        if prev_col:
            r.append(f"{{n:prev_{k}}}")
        r.append(f"{{rp:{k}}}")
        rows.append(r)
    header = (
        ["指标"]
        + (["单位"] if per_row else [])
        + ([f"{Y}年", f"{Y - 1}年"] if prev_col else ["绝对数"])
        + ["比上年增长（%）"]
    )
    table(doc, f"表{tno(doc)} {Y}年地区生产总值及构成", unit_line, header, rows)
    doc.tags.add("f:own_table")
    if prev_col:
        doc.tags.add("f:prev_year_column")
    if unit_line == "单位：万元":
        doc.tags.add("f:table_wanyuan")


def subunit_table(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    kids = list(u.children)[:5]
    if len(kids) < 2:
        return
    money = doc.meta["money"]
    level = "各县（市、区）" if u.size == "prefecture" else "各乡镇"
    rows = [[k, f"{{n:sub{i}_gdp}}", str(dec(rng.uniform(1, 9), 1)), f"{{n:sub{i}_fr}}"] for i, k in enumerate(kids)]
    table(
        doc,
        f"表{tno(doc)} {Y}年{level}主要经济指标",
        f"单位：{money}",
        ["地区", "地区生产总值", "增长（%）", "一般公共预算收入"],
        rows,
    )
    doc.tags |= {"B8", "B10"}


def sec_agri(doc: Doc, **_) -> None:
    rng = doc.rng
    s = say(doc, B.AGRI_TRAP) if rng.random() < 0.35 else ""
    para(doc, s, *(doc.fill(t) for t in rng.sample(B.FILL_AGRI, 2)))


def sec_industry(doc: Doc, **_) -> None:
    rng = doc.rng
    para(
        doc,
        say(doc, B.INDUSTRY) if rng.random() < 0.75 else "",
        say(doc, B.INDUSTRY_TRAP) if rng.random() < 0.5 else "",
        doc.fill(rng.choice(B.FILL_IND)),
    )


def sec_fai(doc: Doc, **_) -> None:
    rng = doc.rng
    para(
        doc,
        say(doc, B.FAI, "C15", "B13") if rng.random() < 0.9 else "",
        say(doc, B.FAI_TRAP) if rng.random() < 0.3 else "",
        doc.fill(rng.choice(B.FILL_FAI)),
    )


def sec_retail(doc: Doc, **_) -> None:
    rng = doc.rng
    para(
        doc,
        say(doc, B.RETAIL, "C16", "C15", "B13") if rng.random() < 0.9 else "",
        say(doc, B.RETAIL_TRAP) if rng.random() < 0.3 else "",
        doc.fill(B.FILL_PRICES[0]),
    )


def sec_trade(doc: Doc, b8_kind=None, **_) -> None:
    rng, u = doc.rng, doc.unit
    para(
        doc,
        say(doc, B.TRADE, "C14", "C15") if rng.random() < 0.85 else "",
        say(doc, B.TRADE_PARTNER) if rng.random() < 0.2 else "",
        doc.fill(rng.choice(B.FILL_TRADE)),
    )
    if u.port:
        b9 = "B9" in doc.enabled
        parts = []
        if rng.random() < (0.6 if b9 else 0.3):
            parts.append(say(doc, B.CUSTOMS, "B9"))
        if rng.random() < 0.4:
            parts.append(say(doc, B.BMT, "B9", "C15"))
            if rng.random() < 0.3:
                parts.append(say(doc, B.BMT_TRAP))
        if rng.random() < (0.5 if b9 else 0.25):
            parts.append(say(doc, B.PORT, "B9"))
        if rng.random() < 0.6:
            parts.append(say(doc, B.CARGO, "B9"))
        if rng.random() < 0.3:
            parts.append(doc.fill(rng.choice(B.TRAINS)))
        rng.shuffle(parts)
        para(doc, *parts)
    if "B9" in doc.enabled and (rng.random() < 0.6 or "B9" not in doc.tags):
        para(doc, say(doc, B.ZONES))
    if b8_kind in ("zone", "port", "customs"):
        subject_table(doc, b8_kind)


def subject_table(doc: Doc, kind: str) -> None:
    rng, Y = doc.rng, doc.year
    key = {"port": "ptv", "customs": "cdt"}.get(kind)
    if key and (not doc.has(key) or key in doc.value_done or key in doc.growth_done):
        kind = "zone"  # the port / customs figure was already stated in the text
    cur = doc.fig("trade").raw if kind == "zone" else (doc.fig("cdt").raw if doc.has("cdt") else "亿元")
    first_row = rng.random() < 0.4
    if kind == "zone":
        which = rng.choice(["ZB", "ZK"])
        name = doc.names[which]
        pre = "zb" if which == "ZB" else "zk"
        rows = [
            ["进出口总额", f"{{n:{pre}_tr}}", str(dec(rng.uniform(-10, 30), 1))],
            ["出口", f"{{n:{pre}_exp}}", str(dec(rng.uniform(-10, 30), 1))],
            ["进口", f"{{n:{pre}_imp}}", str(dec(rng.uniform(-10, 30), 1))],
        ]
        money = doc.meta["money"]
        rows2 = [
            ["固定资产投资", "{n:zone_fai}", str(dec(rng.uniform(-10, 30), 1))],
            ["一般公共预算收入", "{n:zone_fr}", str(dec(rng.uniform(-10, 30), 1))],
        ]
        cap = None if first_row else f"表{tno(doc)} {Y}年{name}主要经济指标"
        table(doc, cap, f"单位：{cur}", ["指标", "绝对数", "增长（%）"], rows, subject=name if first_row else None)
        table(
            doc,
            None if first_row else f"表{tno(doc)} {Y}年{name}投资和财政收入",
            f"单位：{money}",
            ["指标", "绝对数", "增长（%）"],
            rows2,
            subject=name if first_row else None,
        )
    elif kind == "port" and doc.has("ptv"):
        cap = f"表{tno(doc)} {Y}年{doc.names['PORT']}进出口情况"
        rows = [["口岸进出口货值", "{n:ptv}", "{rp:ptv}"], ["出口", "{n:ptv_exp}", "—"], ["进口", "{n:ptv_imp}", "—"]]
        table(doc, cap, f"单位：{doc.fig('ptv').raw}", ["指标", "绝对数", "比上年增长（%）"], rows)
    elif kind == "customs" and doc.has("cdt"):
        cap = f"表{tno(doc)} {Y}年{doc.names['CU']}关区进出口情况"
        rows = [["关区进出口总额", "{n:cdt}", "{rp:cdt}"], ["出口", "{n:cdt_exp}", "—"], ["进口", "{n:cdt_imp}", "—"]]
        table(doc, cap, f"单位：{doc.fig('cdt').raw}", ["指标", "绝对数", "比上年增长（%）"], rows)
    else:
        return
    doc.tags.add("B8")


def sec_fiscal(doc: Doc, own_kind=None, **_) -> None:
    rng, Y = doc.rng, doc.year
    if own_kind == "fiscal":
        money = doc.meta["money"]
        rows = [
            [doc.names["FRL"], "{n:fr}", "{rp:fr}"],
            ["其中：税收收入", "{n:tax}", str(dec(rng.uniform(-5, 15), 1))],
            [doc.names["FEL"], "{n:fe}", "{rp:fe}"],
            ["其中：教育支出", "{n:edu}", str(dec(rng.uniform(-5, 15), 1))],
        ]
        doc.tags |= doc.name_tags["FRL"] | doc.name_tags["FEL"]
        table(
            doc,
            f"表{tno(doc)} {Y}年{doc.names['全']}一般公共预算收支情况",
            f"单位：{money}",
            ["项目", "绝对数", "比上年增长（%）"],
            rows,
        )
        doc.tags.add("f:own_table")
        if money == "万元":
            doc.tags.add("f:table_wanyuan")
        para(doc, say(doc, B.FISCAL_TOTAL) if rng.random() < 0.5 else "")
    else:
        para(
            doc,
            say(doc, B.FISCAL, "B11", "B13") if rng.random() < 0.9 else "",
            say(doc, B.FISCAL_TOTAL) if rng.random() < 0.2 else "",
            say(doc, B.EXPEND, "C14") if rng.random() < 0.7 else "",
        )
    para(
        doc,
        doc.fill(B.FILL_SERV[2]) if rng.random() < 0.6 else "",
        say(doc, B.SERVICE_TRAP) if rng.random() < 0.3 else "",
    )


def sec_income(doc: Doc, own_kind=None, **_) -> None:
    rng, Y = doc.rng, doc.year
    if own_kind == "income":
        rows = [
            ["全体居民人均可支配收入", "{n:inc_all}", str(dec(rng.uniform(3, 9), 1))],
            ["城镇常住居民人均可支配收入", "{n:ui}", "{rp:ui}"],
            ["农村常住居民人均可支配收入", "{n:ri}", "{rp:ri}"],
        ]
        table(doc, f"表{tno(doc)} {Y}年居民人均可支配收入", "单位：元", ["指标", "绝对数", "比上年增长（%）"], rows)
        doc.tags.add("f:own_table")
    elif rng.random() < 0.5:
        para(doc, say(doc, B.INCOME_PAIR, "C15"))
    else:
        para(doc, say(doc, B.INCOME_UI, "B11"), say(doc, B.INCOME_RI, "B11"))
    para(doc, say(doc, B.INCOME_TRAP) if rng.random() < 0.35 else "", doc.fill(rng.choice(B.FILL_SOCIAL)))
    if rng.random() < 0.3:
        caption(doc, f"{Y - 4}-{Y}年全体居民人均可支配收入及其增长速度")


def sec_pop(doc: Doc, own_kind=None, **_) -> None:
    rng, Y = doc.rng, doc.year
    parts = [say(doc, B.POP, "C14")]
    if own_kind == "pop":
        para(doc, *parts)
        raw = doc.fig("popr").raw
        rows = [
            ["户籍总人口", "{n:popr}", "100.0"],
            ["其中：城镇人口", "{n:popr_u}", "—"],
            ["乡村人口", "{n:popr_r}", "—"],
        ]
        table(doc, f"表{tno(doc)} {Y}年末户籍人口及其构成", f"单位：{raw}", ["指标", "年末数", "比重（%）"], rows)
        doc.tags.add("f:own_table")
        return
    if rng.random() < 0.45:
        parts.append(say(doc, B.POPR))
    if "B12" in doc.enabled or rng.random() < 0.3:
        parts.append(say(doc, B.POP_RATES, "B12"))
    para(doc, *parts)


SECTION_FUN = {
    "综合": sec_general,
    "农业": sec_agri,
    "工业和建筑业": sec_industry,
    "固定资产投资": sec_fai,
    "国内贸易": sec_retail,
    "对外经济": sec_trade,
    "财政": sec_fiscal,
    "人民生活": sec_income,
    "人口": sec_pop,
}


# ----- work report -------------------------------------------------------------------------------------------
def compose_work_report(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    money, cur, pop_unit = world_units(doc, "work_report")
    if rng.random() < 0.85:
        money = "亿元"
    build_world(doc, money, cur, pop_unit)
    m, d = rng.randint(1, 3), rng.randint(5, 28)
    if rng.random() < 0.1:
        dy, m = Y, 12  # delivered in December of the data year itself
    else:
        dy = Y + 1
    pub = (dy, m, d)
    U = u.name_in(Y)
    style = rng.choice(["plain", "plain", "summary", "delivery_year", "reprint", "news_summary", "session"])
    five = rng.random() < (0.5 if "B7" in doc.enabled else 0.2)
    if doc.format != "pdf":
        if style == "reprint":
            doc.blocks.extend(C.reprint_top(rng, pub))
            doc.tags.add("A2")
        else:
            web_chrome_top(doc, pub, section="政府工作报告", style="portal")
    review_year_in_heading = rng.random() < 0.5 or dy == Y  # a December report must name the year it reviews
    if style == "plain":
        title = rng.choice(["政府工作报告", "政 府 工 作 报 告"])
    elif style == "summary":
        title = rng.choice(["政府工作报告（摘要）", f"{U}政府工作报告（摘要）"])
    elif style == "delivery_year":
        title = rng.choice([f"{dy}年{U}政府工作报告", f"{U}{dy}年政府工作报告", f"政府工作报告（{dy}年）"])
    elif style == "reprint":
        title = f"（{u.prov_short}）{dy}年{U}人民政府工作报告（全文）"
    elif style == "news_summary":
        title = rng.choice(
            [
                f"回眸{Y}：{U}政府工作报告中的发展答卷",
                f"{U}{Y}年经济社会发展主要成就（政府工作报告摘要）",
                f"数说{Y}｜{U}政府工作报告摘要",
            ]
        )
        review_year_in_heading = True
    session = f"{U}第{rng.choice(['十五', '十六', '十七', '十八'])}届人民代表大会第{rng.choice(['一', '二', '三', '四', '五'])}次会议"
    if style == "session":
        title = f"{session}政府工作报告"
    doc.add("title", title)
    doc.html_title = title
    doc.tags.add("A4")
    sp = rng.randrange(5)
    date_s = f"{dy}年{m}月{d}日"
    speaker = [
        f"——{date_s}在{session}上",
        f"—— {date_s}在{session}上",
        f"{date_s}在{session}上",
        f"（{date_s}在{session}上）",
        f"──{date_s}在{session}上",
    ][sp]
    if style != "news_summary":
        if rng.random() < 0.15:  # the speaker line wrapped mid-phrase
            cut = speaker.index("人民代表大会")
            doc.add("meta", speaker[:cut])
            doc.add("meta", speaker[cut:])
            doc.tags.add("f:speaker_wrapped")
        else:
            doc.add("meta", speaker)
        leader = LEADER[u.kind]
        doc.add(
            "meta",
            rng.choice(
                [f"{U}人民政府{leader} {C.person(rng)}", f"{leader} {C.person(rng)}", f"代{leader} {C.person(rng)}"]
            ),
        )
        para(doc, "各位代表：")
        para(
            doc,
            f"现在，我代表{U}人民政府，向大会报告工作，请予审议，并请{doc.names['级']}政协委员和其他列席人员提出意见。",
        )
    else:
        doc.blocks.append(C.meta_line(rng, u, pub, source=f"{U}人民政府办公室"))
        para(
            doc,
            f"{dy}年{m}月{d}日，{session}开幕。{LEADER[u.kind]}{C.person(rng)}代表{U}人民政府作政府工作报告。"
            f"报告回顾了{Y}年工作，部署了{Y + 1}年重点任务。以下为报告摘要。",
        )
    # review heading
    if five and Y in (2015, 2020):
        plan = "十二五" if Y == 2015 else "十三五"
        h = rng.choice([f"一、“{plan}”时期及{Y}年工作回顾", f"一、{Y}年和“{plan}”时期工作回顾"])
    elif five:
        h = rng.choice([f"一、过去五年及{Y}年工作回顾", "一、过去五年工作回顾"])
    else:
        h = (
            rng.choice([f"一、{Y}年工作回顾", f"{Y}年工作回顾", f"一、{Y}年政府工作回顾"])
            if review_year_in_heading
            else rng.choice(
                ["一、过去一年工作回顾", "一、过去一年工作回顾", "一、攻坚克难，砥砺前行，过去一年政府工作成效显著"]
            )
        )
    doc.add("h", h)
    para(
        doc,
        rng.choice(
            [
                "过去的一年，是极不平凡的一年。",
                "过去一年，面对复杂多变的外部环境，",
                f"{Y}年是{U}发展进程中极不平凡的一年。" if review_year_in_heading else "刚刚过去的一年，",
            ]
        )
        + f"在{doc.names['PARTY']}的坚强领导下，我们团结带领全{doc.names['级']}各族人民，攻坚克难、砥砺奋进，"
        f"较好地完成了{doc.names['级']}人大会议确定的目标任务。",
    )
    if five:
        para(
            doc,
            "五年来，我们坚持发展第一要务，综合实力实现新跨越。"
            + say(doc, B.WR_FIVE, "B7")
            + (say(doc, B.WR_FIVE) if rng.random() < 0.6 else ""),
        )
        doc.tags.add("B7")
    wr_review(doc)
    if rng.random() < 0.7:
        para(doc, say(doc, B.WR_DETAIL[:1]), doc.fill(rng.choice(B.WR_DETAIL[1:])))
    if u.port and rng.random() < 0.5:
        extra = [
            g for g in ("cargo", "bmt") if doc.has(g) and not (set(GROUP_KEYS[g]) & (doc.value_done | doc.growth_done))
        ]
        if extra:
            s = say(doc, B.WR_ITEMS[rng.choice(extra)])
            if s:
                para(doc, "口岸经济加快发展。全年" + s + "。")
    para(
        doc,
        "同时我们也清醒地看到，经济发展中还存在一些困难和问题：产业结构不够优化，创新能力不强，"
        "民生领域还有不少短板。我们将采取有力措施，切实加以解决。",
    )
    if rng.random() < 0.85:
        doc.add(
            "h", rng.choice([f"二、{Y + 1}年工作安排", "二、今年工作总体要求和主要目标", f"二、{Y + 1}年主要目标任务"])
        )
        para(doc, "今年是全面贯彻落实党的二十大精神的关键之年。" if Y >= 2022 else "做好今年工作，意义重大。")
        para(doc, say(doc, B.WR_TARGET, "B7"))
        doc.tags.add("B7")
    para(
        doc,
        "各位代表！新征程催人奋进，新使命重任在肩。让我们更加紧密地团结在以习近平同志为核心的党中央周围，"
        "为全面建设社会主义现代化国家作出新的更大贡献！",
    )
    if "A2" in doc.tags and style != "reprint":
        web_chrome_bottom(doc, kind="work_report")


def wr_review(doc: Doc) -> None:
    rng = doc.rng
    groups = [
        g
        for g in ("gdp", "fr", "fai", "retail", "trade", "income", "cargo", "bmt")
        if all(doc.has(k) for k in GROUP_KEYS[g])
        and not any(k in doc.value_done or k in doc.growth_done for k in GROUP_KEYS[g])
    ]
    rng.shuffle(groups)
    for g in ("trade", "gdp"):  # keep the order natural: GDP first
        if g in groups:
            groups.remove(g)
            groups.insert(0, g)
    groups = groups[: rng.randint(3, min(6, len(groups)))] if len(groups) > 3 else groups
    heading_list = "B13" in doc.enabled and rng.random() < 0.5
    pref, qual = rng.choices(B.WR_PREFIX, weights=[4, 2, 2, 1, 1, 1])[0]
    if heading_list:
        qual = "estimate"
    clauses = []
    for g in groups:
        need = want(doc, "B13", "B11", "C15")
        items = B.WR_ITEMS[g]
        if qual == "estimate":  # 预计 + 突破/约 would need two qualifiers: keep them apart
            items = [t for t in items if "{lb:" not in t.text and "{ap" not in t.text]
        try:
            t = doc.pick(items, need=need)
        except GenError:
            continue
        clauses.append(t)
    if heading_list:
        para(doc, rng.choice(["预计全年主要经济指标完成情况如下：", "预计全年：", "据预计，全年主要指标完成情况是："]))
        for i, t in enumerate(clauses):
            para(doc, f"（{ORD[i]}）" + doc.fill(t, qual=qual) + "。")
        doc.tags |= {"B13", "f:estimate_list"}
        return
    text = doc.fill(pref) + "；".join(doc.fill(t, qual=qual) for t in clauses) + "。"
    if qual == "estimate":
        doc.tags.add("f:estimate")
        if len(clauses) > 2:
            doc.tags.add("B13")
    para(doc, text)
    if "C15" in doc.enabled and rng.random() < 0.5:
        with contextlib.suppress(GenError):
            para(doc, "全年" + doc.fill(doc.pick(B.WR_PAIR)) + "。")


GROUP_KEYS = {
    "gdp": ["gdp"],
    "fr": ["fr"],
    "fai": ["fai"],
    "retail": ["retail"],
    "trade": ["trade"],
    "income": ["ui", "ri"],
    "cargo": ["cargo"],
    "bmt": ["bmt"],
}


# ----- news --------------------------------------------------------------------------------------------------
def compose_news(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    months = doc.meta.get("months")
    money, cur, _pop_unit = world_units(doc, "news")
    money = "亿元"
    if months:
        doc.period = f"{Y}-01/{Y}-{months:02d}"
    build_world(doc, money, cur if rng.random() < 0.4 else "亿元", "万人", months=months)
    paper = (
        PAPERS.get(u.prov_short, "人民日报") if rng.random() < 0.7 else rng.choice(["中国新闻网", "新华网", "人民网"])
    )
    if months:
        pub = (Y, min(12, months + 1), rng.randint(5, 28))
        period_word = rng.choice(B.PERIOD_WORDS[months])
        year_in_body = rng.random() < 0.5
        doc.names["PERIOD"] = (f"{Y}年" if year_in_body else "") + period_word
        doc.names["MONTH"] = f"{months}月"
        doc.names["M2"], doc.names["D2"] = str(months), str(rng.randint(10, 25))
        doc.tags.add("f:part_year")
    else:
        pub = (Y + 1, rng.randint(1, 4), rng.randint(1, 28)) if rng.random() < 0.8 else (Y, 12, rng.randint(20, 31))
    doc.names["M"], doc.names["D"] = str(pub[1]), str(pub[2])  # datelines agree with the publication date
    dated = False
    if doc.format != "pdf" and (rng.random() < 0.75 or "A2" in doc.enabled):
        doc.blocks.extend(C.news_top(rng, u, pub, paper))
        doc.tags.add("A2")
        dated = True
    if doc.format != "pdf" and rng.random() < 0.12 and (not months or year_in_body):
        # a mirror's own publication date, years away from the article (the body names the year)
        doc.blocks.insert(
            0,
            {
                "t": "chrome",
                "role": "meta",
                "text": f"发布时间：{Y + rng.randint(2, 4)}-"
                f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
                f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} 来源： sp{Y + 3}{rng.randint(1000, 9999)}",
            },
        )
        doc.tags.add("f:mirror_date")
    has_title = rng.random() < 0.65
    if months and has_title:
        if doc.has("trade"):  # a headline may state the trade growth the body repeats
            doc.figs["trade_h"] = replace(doc.figs["trade"], key="trade_h")
        head = doc.fill(doc.pick(B.NEWS_PART_HEADLINES), PERIOD=doc.names["PERIOD"].replace(f"{Y}年", ""))
    else:  # headlines without figures (also the <title> of a page whose body has no headline)
        head = doc.fill(rng.choice(B.NEWS_HEADLINES))
    if has_title:
        doc.add("title", head)
        if rng.random() < 0.1:
            doc.add("title", head)
        if rng.random() < 0.1:
            doc.add("meta", "原标题：" + doc.fill(rng.choice(B.NEWS_HEADLINES)))
    else:
        doc.tags.add("f:no_headline")
    doc.html_title = head + rng.choice(["", f"_{paper}", " - 新闻中心"])
    if not dated or rng.random() < 0.3:  # the dateline fixes the year of 去年 / 今年 items
        doc.add("meta", f"{paper}  {pub[0]}年{pub[1]}月{pub[2]}日  第{rng.randint(1, 8)}版")
    if months:
        lead = rng.choice(
            [f"本报讯（记者 {doc.names['REPORTER']}）", f"记者{pub[1]}月{pub[2]}日从{doc.names['U']}统计局获悉，", ""]
        )
        sentences = []
        for t in rng.sample(B.NEWS_PART, len(B.NEWS_PART)):
            if len(sentences) >= rng.randint(2, 4):
                break
            try:
                s = doc.say([t], need=None)
            except GenError:
                continue
            sentences.append(s)
        if not sentences:
            raise GenError("part-year news without figures")
        para(doc, lead + sentences[0])
        for s in sentences[1:]:
            para(doc, s)
        if rng.random() < 0.6:
            para(doc, say(doc, B.NEWS_PART_TRAP))
        para(doc, doc.fill(rng.choice(B.NEWS_QUOTE)))
    else:
        lead_t = rng.choice(B.NEWS_LEAD if pub[0] == Y + 1 else [t for t in B.NEWS_LEAD if "去年" not in t.text])
        para(doc, doc.fill(lead_t))
        if "去年" in lead_t.text:
            doc.tags.add("f:last_year_only")
        banks = [
            ("gdp", B.GDP),
            ("trade", B.TRADE),
            ("cargo", B.CARGO),
            ("bmt", B.BMT),
            ("cdt", B.CUSTOMS),
            ("retail", B.RETAIL),
            ("fr", B.FISCAL),
            ("ui", B.INCOME_PAIR),
            ("fai", B.FAI),
        ]
        rng.shuffle(banks)
        banks.sort(key=lambda kb: kb[0] not in ("gdp", "trade"))
        n_sent = rng.randint(3, 6)
        for key, bk in banks:
            if n_sent == 0:
                break
            if not doc.has(key):
                continue
            s = say(doc, [t for t in bk if "{Q}" not in t.text or key == "gdp"], "B9", "C15", "B11", qual_bank=B.QUAL)
            if s:
                para(doc, s)
                n_sent -= 1
        if rng.random() < 0.5:
            para(doc, say(doc, B.NEWS_TRAP))
        if rng.random() < 0.4:
            para(doc, say(doc, B.NEWS_ANNUAL_EXTRA))
        if "B9" in doc.enabled and rng.random() < 0.5:
            para(doc, say(doc, B.ZONES))
        para(doc, doc.fill(rng.choice(B.NEWS_QUOTE)))
        doc.tags.add("A5")
    if doc.format != "pdf" and "A2" in doc.tags:
        doc.blocks.extend(C.news_bottom(rng))
    if not doc.obs:
        raise GenError("news without observations")


# ----- census bulletin ------------------------------------------------------------------------------------------
def compose_census(doc: Doc) -> None:
    rng, u, Y = doc.rng, doc.unit, doc.year
    pub = (Y + 1, rng.randint(5, 7), rng.randint(1, 28))
    web_chrome_top(doc, pub)
    title = doc.fill(doc.pick(B.CENSUS_TITLES))
    doc.add("title", title)
    doc.html_title = title
    n = "七" if Y == 2020 else "六"
    doc.add("meta", rng.choice([f"{u.name}统计局  {u.name}第{n}次全国人口普查领导小组办公室", f"{u.name}统计局"]))
    doc.add("meta", f"{pub[0]}年{pub[1]}月{pub[2]}日")
    pref = u.size == "prefecture"
    persons = dec(rng.uniform(800000, 3800000) if pref else rng.uniform(50000, 600000), 0)
    prev = dec(float(persons) * rng.uniform(0.88, 1.08), 0)

    def mk(key, num, why, ind="population_resident"):
        f = Fig(key, ind, num, "人", role="not", why=why, thousands=doc.style.thousands)
        doc.figs[key] = f
        return f

    mk("census_pop", persons, "a census count (1 November), not the year-end resident population")
    mk("census_prev", prev, "the previous census")
    inc = persons - prev
    mk("census_inc", abs(inc), "the change between two censuses")
    hh = dec(float(persons) * rng.uniform(0.3, 0.38), 0)
    hp = dec(float(persons) * rng.uniform(0.88, 0.95), 0)
    mk("census_hp", hp, "family-household population of the census")
    urban = dec(float(persons) * rng.uniform(0.4, 0.8), 0)
    mk("census_urban", urban, "census urban population")
    male = dec(float(persons) * rng.uniform(0.49, 0.53), 0)
    para(doc, f"根据{u.name}第{n}次全国人口普查结果，现将{Y}年11月1日零时{u.name}常住人口的基本情况公布如下：")
    doc.add("h", "一、常住人口")
    verb = "增加" if inc >= 0 else "减少"
    para(
        doc,
        doc.fill(
            f"全{u.level_char}常住人口为{{v:census_pop}}，与{Y - 10}年第{'六' if n == '七' else '五'}次全国人口普查的"
            f"{{v:census_prev}}相比，十年共{verb}{{v:census_inc}}，{'增长' if inc >= 0 else '下降'}"
            f"{dec(abs(float(inc)) / float(prev) * 100, 2)}%，年平均增长率为"
            f"{dec(float(inc) / float(prev) * 10, 2)}%。"
        ),
    )
    doc.add("h", "二、户别人口")
    para(
        doc,
        doc.fill(
            f"全{u.level_char}共有家庭户{hh}户，集体户{dec(float(hh) * 0.04, 0)}户，家庭户人口为{{v:census_hp}}，"
            f"集体户人口为{persons - hp}人。平均每个家庭户的人口为{dec(float(hp) / float(hh), 2)}人。"
        ),
    )
    doc.add("h", "三、性别构成")
    para(
        doc,
        f"常住人口中，男性人口为{male}人，占{dec(float(male) / float(persons) * 100, 2)}%；女性人口为{persons - male}人，"
        f"占{dec(100 - float(male) / float(persons) * 100, 2)}%。总人口性别比（以女性为100，男性对女性的比例）为"
        f"{dec(float(male) / float(persons - male) * 100, 2)}。",
    )
    doc.add("h", "四、年龄构成")
    a = rng.uniform(0.12, 0.22)
    c = rng.uniform(0.12, 0.24)
    para(
        doc,
        f"常住人口中，0—14岁人口为{dec(float(persons) * a, 0)}人，占{dec(a * 100, 2)}%；15—59岁人口为"
        f"{dec(float(persons) * (1 - a - c), 0)}人，占{dec((1 - a - c) * 100, 2)}%；60岁及以上人口为"
        f"{dec(float(persons) * c, 0)}人，占{dec(c * 100, 2)}%。",
    )
    doc.add("h", "五、城乡人口")
    para(
        doc,
        doc.fill(
            f"常住人口中，居住在城镇的人口为{{v:census_urban}}，占{dec(float(urban) / float(persons) * 100, 2)}%；"
            f"居住在乡村的人口为{persons - urban}人。"
        ),
    )
    doc.add("note", "注：本公报数据均为初步汇总数据。常住人口包括居住在本乡镇街道且户口在本乡镇街道或户口待定的人……")
    doc.tags.add("f:census")
    web_chrome_bottom(doc)


# ----- pages that must not yield observations -----------------------------------------------------------------
def compose_listing(doc: Doc) -> None:
    rng, u = doc.rng, doc.unit
    top = rng.randint(2021, 2024)
    pub = (top, rng.randint(1, 12), rng.randint(1, 28))
    doc.blocks.extend(C.portal_top(rng, u, pub, None, section=rng.choice(["统计公报", "统计数据", "统计信息"])))
    doc.html_title = rng.choice(["统计公报", "统计数据", f"统计公报 - {u.name}人民政府"])
    doc.add("h", rng.choice(["统计公报", "统计数据", "统计信息"]))
    items = []
    for y in range(top - 1, top - rng.randint(8, 13), -1):
        items.append(
            (f"{y}年{u.name}国民经济和社会发展统计公报", f"{y + 1}-0{rng.randint(3, 6)}-{rng.randint(10, 28)}")
        )
        if rng.random() < 0.3:
            items.append(
                (
                    f"{u.name}{y}年{rng.choice(['1-3月', '上半年', '前三季度'])}主要经济指标",
                    f"{y}-{rng.randint(4, 10):02d}-{rng.randint(10, 28)}",
                )
            )
    for t, d in items:
        doc.add("list", t, date=d)
    doc.add("p", f"共{rng.randint(3, 9)}页  首页  上一页  1  2  3  下一页  尾页")
    doc.blocks.extend(C.footer(rng, u))
    doc.expect = "not_a_bulletin"
    doc.tags |= {"A2", "f:listing"}


CAPTCHA = [
    [
        "访问验证",
        "请输入验证码",
        "为了您的正常访问，请输入下方图片中的字符：",
        "验证码：______  看不清？换一张",
        "提交",
    ],
    [
        "访问过于频繁，请稍后再试",
        "您的访问频率过高，系统已暂时限制访问。",
        "如有疑问，请联系网站管理员。错误代码：{CODE}",
    ],
    [
        "安全验证",
        "当前访问疑似黑客攻击，已被网站管理员设置为拦截",
        "如果您是网站管理员，请登录云防护平台查看拦截日志。",
    ],
    ["Please enable JavaScript and Cookies to continue", "正在进行安全检查……", "请稍候，页面将在 5 秒后自动跳转。"],
]


def compose_captcha(doc: Doc) -> None:
    rng = doc.rng
    lines = rng.choice(CAPTCHA)
    doc.html_title = lines[0]
    for i, ln in enumerate(lines):
        doc.add("title" if i == 0 else "p", ln.replace("{CODE}", str(rng.randint(400, 599))))
    doc.meta["captcha_script"] = rng.random() < 0.5
    doc.expect = "blocked"
    doc.tags.add("f:captcha")


NOTICES = [
    (
        "关于开展{Y}年度统计执法检查工作的通知",
        [
            "各乡镇人民政府、各有关部门：",
            "为进一步加强统计法治建设，切实防范和惩治统计造假、弄虚作假，根据有关规定，决定开展{Y}年度统计执法检查工作。现将有关事项通知如下：",
            "一、检查对象。全{级}范围内的各类调查对象。",
            "二、检查内容。统计基础工作、原始记录和统计台账建立情况。",
            "三、工作要求。各单位要高度重视，认真做好自查自纠工作。",
        ],
    ),
    (
        "关于做好{Y}年统计年报和{Y1}年定期统计报表工作的通知",
        [
            "各有关单位：",
            "为做好{Y}年统计年报和{Y1}年定期统计报表工作，确保统计数据真实准确、完整及时，现就有关事项通知如下：",
            "一、提高思想认识。统计年报是全面反映年度经济社会发展情况的重要基础。",
            "二、严格执行统计制度。各单位要按照统计制度规定的内容和时间报送数据。",
        ],
    ),
    (
        "{U}统计局召开党风廉政建设专题会议",
        [
            "近日，{U}统计局召开党风廉政建设专题会议，传达学习上级有关会议精神，研究部署下一阶段工作。",
            "会议强调，要进一步提高政治站位，压实主体责任，持续推进统计领域防范和惩治统计造假、弄虚作假。",
            "局领导班子成员、各股室负责人参加会议。",
        ],
    ),
    (
        "{U}第五次全国经济普查工作动员部署会召开",
        [
            "为扎实做好第五次全国经济普查工作，{U}召开第五次全国经济普查工作动员部署会。",
            "会议要求，各乡镇、各部门要加强组织领导，落实普查经费，做好宣传动员。",
        ],
    ),
]


def compose_notice(doc: Doc) -> None:
    rng, u = doc.rng, doc.unit
    Y = rng.randint(2016, 2023)
    pub = (Y, rng.randint(1, 12), rng.randint(1, 28))
    names = {"Y": str(Y), "Y1": str(Y + 1), "U": u.name, "级": u.level_char}
    title, body = rng.choice(NOTICES)

    def f(s):
        for k, v in names.items():
            s = s.replace("{" + k + "}", v)
        return s

    if doc.format != "pdf":
        doc.blocks.extend(C.portal_top(rng, u, pub, None, section=rng.choice(["通知公告", "工作动态"])))
        doc.tags.add("A2")
    doc.add("title", f(title))
    doc.html_title = f(title)
    if doc.format != "pdf":
        doc.blocks.append(C.meta_line(rng, u, pub))
    for p in body:
        doc.add("p", f(p))
    doc.add("meta", f"{u.name}统计局")
    doc.add("meta", f"{pub[0]}年{pub[1]}月{pub[2]}日")
    if doc.format != "pdf":
        doc.blocks.extend(C.footer(rng, u))
    doc.expect = "not_a_bulletin"
    doc.tags.add("f:notice")


def compose_image_pdf(doc: Doc) -> None:
    doc.expect = "no_text"
    doc.meta["image_only"] = True
    doc.meta["pages"] = doc.rng.randint(1, 3)
    doc.tags.add("f:image_only")


COMPOSERS = {
    "bulletin": compose_bulletin,
    "work_report": compose_work_report,
    "news": compose_news,
    "census_bulletin": compose_census,
    "listing": compose_listing,
    "captcha": compose_captcha,
    "notice": compose_notice,
    "image_pdf": compose_image_pdf,
}


def compose(doc: Doc) -> None:
    if doc.unit is not None and doc.year is not None:
        init_doc(doc)
    else:
        doc.trap_factory = make_trap
        doc.trap_deps = trap_deps
    COMPOSERS[doc.meta["composer"]](doc)
