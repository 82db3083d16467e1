"""Statistical units for the corpus: the catalog's units (read from catalog/data/*.csv) and invented ones.

Only the catalog's data files are read (never the catalog's Python code), so the corpus stays an
independent test. Invented units have no code; their expected files carry status "partial".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

CATALOG_DATA = Path(__file__).resolve().parent.parent / "catalog" / "data"

LEVEL_WORD = {  # the "全X" word and the bare level character used in prose
    "prefecture_city": ("全市", "市"),
    "county_city": ("全市", "市"),
    "county": ("全县", "县"),
    "banner": ("全旗", "旗"),
    "district": ("全区", "区"),
    "autonomous_prefecture": ("全州", "州"),
    "league": ("全盟", "盟"),
    "prefecture_area": ("全地区", "地区"),
}

PROVINCE_ABBR = {
    "广西壮族自治区": "桂",
    "云南省": "滇",
    "内蒙古自治区": "蒙",
    "黑龙江省": "黑",
    "新疆维吾尔自治区": "新",
    "吉林省": "吉",
    "辽宁省": "辽",
    "西藏自治区": "藏",
    "甘肃省": "甘",
    "四川省": "川",
    "湖南省": "湘",
}
PROVINCE_SHORT = {
    "广西壮族自治区": "广西",
    "云南省": "云南",
    "内蒙古自治区": "内蒙古",
    "黑龙江省": "黑龙江",
    "新疆维吾尔自治区": "新疆",
    "吉林省": "吉林",
    "辽宁省": "辽宁",
    "西藏自治区": "西藏",
    "甘肃省": "甘肃",
    "四川省": "四川",
    "湖南省": "湖南",
}

# Sub-units of the catalog's prefectures (used for sub-unit breakdowns and region-select widgets).
REAL_CHILDREN = {
    "450600": ["港口区", "防城区", "上思县", "东兴市"],
    "451400": ["江州区", "扶绥县", "宁明县", "龙州县", "大新县", "天等县", "凭祥市"],
    "451000": [
        "右江区",
        "田阳区",
        "田东县",
        "德保县",
        "那坡县",
        "凌云县",
        "乐业县",
        "田林县",
        "西林县",
        "靖西市",
        "平果市",
    ],
    "533100": ["芒市", "瑞丽市", "梁河县", "盈江县", "陇川县"],
    "532800": ["景洪市", "勐海县", "勐腊县"],
    "150700": [
        "海拉尔区",
        "扎赉诺尔区",
        "阿荣旗",
        "陈巴尔虎旗",
        "新巴尔虎左旗",
        "新巴尔虎右旗",
        "满洲里市",
        "牙克石市",
        "扎兰屯市",
        "额尔古纳市",
        "根河市",
    ],
    "152500": [
        "锡林浩特市",
        "二连浩特市",
        "阿巴嘎旗",
        "苏尼特左旗",
        "苏尼特右旗",
        "东乌珠穆沁旗",
        "西乌珠穆沁旗",
        "太仆寺旗",
        "镶黄旗",
        "正镶白旗",
        "正蓝旗",
        "多伦县",
    ],
    "231000": ["东安区", "阳明区", "爱民区", "西安区", "林口县", "绥芬河市", "海林市", "宁安市", "穆棱市", "东宁市"],
    "654200": ["塔城市", "乌苏市", "额敏县", "托里县", "裕民县", "和布克赛尔蒙古自治县"],
}
# Ports and customs houses used as clause subjects (B9); invented units get "<short>口岸" / "<short>海关".
PORTS = {
    "450681": ("东兴口岸", "东兴海关"),
    "450600": ("防城港口岸", "防城海关"),
    "451481": ("友谊关口岸", "凭祥海关"),
    "451400": ("友谊关口岸", "凭祥海关"),
    "451000": ("龙邦口岸", "百色海关"),
    "533102": ("瑞丽口岸", "瑞丽海关"),
    "533100": ("瑞丽口岸", "瑞丽海关"),
    "532823": ("磨憨口岸", "磨憨海关"),
    "532800": ("磨憨口岸", "西双版纳海关"),
    "150781": ("满洲里口岸", "满洲里海关"),
    "150700": ("满洲里口岸", "满洲里海关"),
    "152501": ("二连浩特口岸", "二连海关"),
    "152500": ("二连浩特口岸", "二连海关"),
    "231081": ("绥芬河口岸", "绥芬河海关"),
    "231086": ("东宁口岸", "东宁海关"),
    "231000": ("绥芬河口岸", "牡丹江海关"),
    "654201": ("巴克图口岸", "塔城海关"),
    "654200": ("巴克图口岸", "塔城海关"),
}
ZONE_OF = {  # pilot zone hosted (clause subject for 试验区 traps)
    "450681": "东兴重点开发开放试验区",
    "450600": "东兴重点开发开放试验区",
    "451481": "凭祥重点开发开放试验区",
    "451400": "凭祥重点开发开放试验区",
    "451000": "百色重点开发开放试验区",
    "533102": "瑞丽国家重点开发开放试验区",
    "533100": "瑞丽国家重点开发开放试验区",
    "532823": "勐腊(磨憨)重点开发开放试验区",
    "150781": "满洲里国家重点开发开放试验区",
    "152501": "二连浩特国家重点开发开放试验区",
    "231081": "绥芬河—东宁重点开发开放试验区",
    "231086": "绥芬河—东宁重点开发开放试验区",
    "654201": "塔城重点开发开放试验区",
    "654200": "塔城重点开发开放试验区",
}

TOWN_SYLLABLES = [
    "清水",
    "石门",
    "白石",
    "新兴",
    "团结",
    "东风",
    "红旗",
    "金山",
    "河口",
    "永安",
    "平安",
    "太平",
    "和平",
    "长乐",
    "南山",
    "北岭",
    "西岗",
    "东岗",
    "三合",
    "五星",
    "青松",
    "柳河",
    "马鞍",
    "龙泉",
]


@dataclass(frozen=True)
class Unit:
    name: str  # official name, simplified, as printed
    short: str  # short form (满洲里)
    code: str | None  # catalog code; None for invented units
    kind: str  # key of LEVEL_WORD
    province: str
    parent: str | None  # parent unit name (prefecture) or None
    children: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    port: str = ""
    customs: str = ""
    zone: str | None = None
    former: tuple[tuple[str, int], ...] = field(default=())  # (name, last year it was used)
    slug: str = ""

    @property
    def invented(self) -> bool:
        return self.code is None

    @property
    def size(self) -> str:
        return (
            "prefecture"
            if self.kind in ("prefecture_city", "autonomous_prefecture", "league", "prefecture_area")
            else "county"
        )

    @property
    def whole(self) -> str:
        return LEVEL_WORD[self.kind][0]

    @property
    def level_char(self) -> str:
        return LEVEL_WORD[self.kind][1]

    @property
    def prov_abbr(self) -> str:
        return PROVINCE_ABBR.get(self.province, "桂")

    @property
    def prov_short(self) -> str:
        return PROVINCE_SHORT.get(self.province, self.province)

    def name_in(self, year: int) -> str:
        for name, last in self.former:
            if year <= last:
                return name
        return self.name


def _kind_for(name: str, level: str) -> str:
    if level == "prefecture":
        if name.endswith("盟"):
            return "league"
        if name.endswith("州"):
            return "autonomous_prefecture"
        if name.endswith("地区"):
            return "prefecture_area"
        return "prefecture_city"
    if level == "district":
        return "district"
    if level == "county":
        return "banner" if name.endswith("旗") else "county"
    return "county_city"


def _short(name: str) -> str:
    for suffix in ("傣族景颇族自治州", "傣族自治州", "市", "县", "地区", "盟", "区", "旗"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _towns(seed_name: str) -> tuple[str, ...]:
    # deterministic invented towns per unit (no randomness: same list whatever the seed)
    h = sum(ord(c) for c in seed_name)
    picks = [TOWN_SYLLABLES[(h + 7 * i) % len(TOWN_SYLLABLES)] for i in range(5)]
    out: list[str] = []
    for i, p in enumerate(picks):
        t = p + ("镇" if i % 3 else "乡")
        if t not in out:
            out.append(t)
    return tuple(out)


def _slugify(s: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in s)
    return "-".join(p for p in out.split("-") if p)


PROVINCE_SLUG = {
    "广西壮族自治区": "guangxi",
    "云南省": "yunnan",
    "内蒙古自治区": "neimenggu",
    "黑龙江省": "heilongjiang",
    "新疆维吾尔自治区": "xinjiang",
    "吉林省": "jilin",
    "辽宁省": "liaoning",
    "西藏自治区": "xizang",
    "甘肃省": "gansu",
    "湖南省": "hunan",
}


def load_catalog_units() -> list[Unit]:
    rows = list(csv.DictReader((CATALOG_DATA / "units.csv").open(encoding="utf-8")))
    names = list(csv.DictReader((CATALOG_DATA / "unit_names.csv").open(encoding="utf-8")))
    former: dict[str, list[tuple[str, int]]] = {}
    for r in names:
        if r["kind"] == "former" and r["valid_to"]:
            former.setdefault(r["unit_code"], []).append((r["name"], int(r["valid_to"]) - 1))
    by_code = {r["unit_code"]: r for r in rows}
    units: list[Unit] = []
    for r in rows:
        code = r["unit_code"]
        if code.startswith("ZONE:"):
            continue
        name = r["name_zh"]
        kind = _kind_for(name, r["level"])
        parent_code = r["parent_code"] or None
        parent = by_code[parent_code]["name_zh"] if parent_code in by_code else None
        if code in REAL_CHILDREN:
            children = tuple(REAL_CHILDREN[code])
            siblings: tuple[str, ...] = ()
        else:
            children = _towns(name)
            siblings = tuple(c for c in REAL_CHILDREN.get(parent_code or "", []) if c != name)
        port, customs = PORTS.get(code, (_short(name) + "口岸", _short(name) + "海关"))
        short = {"德宏傣族景颇族自治州": "德宏", "西双版纳傣族自治州": "西双版纳"}.get(name, _short(name))
        if kind == "district":  # districts have no port of their own and keep their full name
            port, customs, short = "", "", name
        units.append(
            Unit(
                name=name,
                short=short,
                code=code,
                kind=kind,
                province=r["province"],
                parent=parent,
                children=children,
                siblings=siblings,
                port=port,
                customs=customs,
                zone=ZONE_OF.get(code),
                former=tuple(former.get(code, [])),
                slug=_slugify(r["name_en"]),
            )
        )
    return units


# Invented units in ten provinces: (province, parent name, parent kind, [(child, kind), ...]).
INVENTED = [
    (
        "广西壮族自治区",
        "岚江市",
        "prefecture_city",
        [("峒口县", "county"), ("弄岩县", "county"), ("板么市", "county_city"), ("岚江区", "district")],
    ),
    (
        "云南省",
        "孟珂傣族自治州",
        "autonomous_prefecture",
        [("孟珂市", "county_city"), ("南腊县", "county"), ("勐岗县", "county"), ("户撒县", "county")],
    ),
    (
        "内蒙古自治区",
        "额仁盟",
        "league",
        [("额仁浩特市", "county_city"), ("查干敖包旗", "banner"), ("巴音乌拉旗", "banner"), ("乌兰陶勒盖旗", "banner")],
    ),
    (
        "黑龙江省",
        "鹤岭市",
        "prefecture_city",
        [("青岭县", "county"), ("松阿察市", "county_city"), ("鹤北区", "district"), ("兴湖县", "county")],
    ),
    (
        "新疆维吾尔自治区",
        "阿拉套地区",
        "prefecture_area",
        [("塔勒克市", "county_city"), ("库尔特县", "county"), ("阿克铁热克县", "county"), ("别迭里县", "county")],
    ),
    (
        "吉林省",
        "珲岭市",
        "prefecture_city",
        [("老松岭县", "county"), ("图河市", "county_city"), ("珲东区", "district"), ("白桦县", "county")],
    ),
    (
        "辽宁省",
        "鸭江市",
        "prefecture_city",
        [("虎山县", "county"), ("丹北区", "district"), ("江口市", "county_city"), ("宽岭县", "county")],
    ),
    (
        "西藏自治区",
        "岗仁地区",
        "prefecture_area",
        [("帕里县", "county"), ("曲登县", "county"), ("亚拉县", "county"), ("岗仁市", "county_city")],
    ),
    (
        "甘肃省",
        "红柳市",
        "prefecture_city",
        [("黑山湖县", "county"), ("红柳园市", "county_city"), ("明水区", "district"), ("马鬃县", "county")],
    ),
    (
        "湖南省",
        "澄溪市",
        "prefecture_city",
        [("澄溪区", "district"), ("岚桥县", "county"), ("松朔市", "county_city"), ("白榆县", "county")],
    ),
]


def load_invented_units() -> list[Unit]:
    out: list[Unit] = []
    for province, pname, pkind, kids in INVENTED:
        kid_names = tuple(k for k, _ in kids)
        pshort = _short(pname) if pkind != "autonomous_prefecture" else pname[:2]
        ps = PROVINCE_SLUG[province]
        out.append(
            Unit(
                name=pname,
                short=pshort,
                code=None,
                kind=pkind,
                province=province,
                parent=None,
                children=kid_names,
                port=pshort + "口岸",
                customs=pshort + "海关",
                zone=pshort + "重点开发开放试验区",
                slug=f"invented-{ps}-0",
            )
        )
        for i, (kname, kkind) in enumerate(kids, 1):
            ks = _short(kname) if kkind != "district" else kname
            port, customs = (ks + "口岸", ks + "海关") if kkind != "district" else ("", "")
            out.append(
                Unit(
                    name=kname,
                    short=ks,
                    code=None,
                    kind=kkind,
                    province=province,
                    parent=pname,
                    children=_towns(kname),
                    siblings=tuple(k for k in kid_names if k != kname),
                    port=port,
                    customs=customs,
                    zone=ks + "重点开发开放试验区",
                    slug=f"invented-{ps}-{i}",
                )
            )
    return out
