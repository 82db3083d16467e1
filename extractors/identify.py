"""Which unit and data year a document describes, what kind of document it is, and whether it is an
anti-bot page instead of a document at all."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from catalog import Catalog
from extractors.numbers import chinese_year, normalize

# Captcha and JavaScript-challenge pages answer 200 with a page that is not the document.
_BLOCKED = re.compile(
    r"验证码|访问过于频繁|请求过于频繁|访问频率|安全验证|人机验证|滑动验证|拖动滑块|请完成验证|安全检查中|"
    r"访问被拒绝|拒绝访问|您的访问被|防火墙|安全狗|云盾|创宇盾|WAF|__jsl_clearance|acw_sc__|"
    r"enable javascript|requires javascript|javascript is disabled|请开启JavaScript|请启用JavaScript|"
    r"checking your browser|just a moment|ddos protection|access denied|403 forbidden",
    re.I,
)
_BULLETIN = re.compile(r"统计公报|国民经济和社会发展|经济和社会发展统计|统计年报|国民经济统计公报")
_CENSUS = re.compile(r"人口普查.*公报|普查主要数据")
_WORK_REPORT = re.compile(r"政府工作报告")
_STAT_NEWS = re.compile(r"经济运行|主要经济指标|经济数据|统计数据|外贸进出口|进出口|生产总值|GDP|经济发展|统计")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_PART_YEAR = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年)?\s*(?:(?P<m1>\d{1,2})\s*[-—–~至到]\s*(?P<m2>\d{1,2})\s*月(?:份)?|"
    r"(?P<h1>上半年)|(?P<q1>一季度|第一季度)|(?P<q3>前三季度)|(?P<m1only>1月份?)(?!\s*[-—–~至到]))"
)
_CENSUS_ROUNDS = {"第七次": 2020, "第六次": 2010, "第五次": 2000}
_PROVINCES = ("广西", "云南", "内蒙古", "黑龙江", "新疆", "广西壮族自治区", "云南省", "内蒙古自治区", "黑龙江省",
              "新疆维吾尔自治区")


@dataclass
class Identity:
    unit_code: str | None = None
    unit_name: str | None = None
    data_year: int | None = None
    title: str | None = None
    kind: str | None = None  # bulletin | census_bulletin | work_report | news
    blocked: bool = False
    default_period: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)


@functools.cache
def _name_index(cat: Catalog) -> dict[str, list[tuple[int, str, str, str]]]:
    """First character -> (rank, name, unit_code, kind), ranked longest name first (塔城地区 before 塔城).

    Indexed by first character so a text is checked against the names that can start in it, not against
    every name of a catalog of thousands of units.
    """
    names = sorted(((n.name, n.unit_code, n.kind) for n in cat.unit_names), key=lambda x: -len(x[0]))
    index: dict[str, list[tuple[int, str, str, str]]] = {}
    for rank, (name, code, kind) in enumerate(names):
        if name:
            index.setdefault(name[0], []).append((rank, name, code, kind))
    return index


def find_units(text: str, cat: Catalog) -> list[tuple[int, str, str]]:
    """Unit names in a text as (position, unit_code, name), longest match first at each place.
    Short names (东兴, 东宁) count only where they cannot be the tail of another place name
    (广东兴宁市): at the start, after a non-Han character or after a province name.

    >>> from catalog import load_catalog
    >>> [c for _, c, _ in find_units("满洲里市2022年国民经济和社会发展统计公报", load_catalog())]
    ['150781']
    >>> [c for _, c, _ in find_units("广东兴宁市2020年统计公报", load_catalog())]
    []
    """
    index = _name_index(cat)
    candidates = sorted(e for ch in set(text) for e in index.get(ch, ()) if e[1] in text)
    taken = [False] * len(text)
    found = []
    for _, name, code, kind in candidates:
        s = text.find(name)
        while s >= 0:
            e = s + len(name)
            if not any(taken[s:e]) and (kind != "short" or _short_name_ok(text, s, e)):
                for i in range(s, e):
                    taken[i] = True
                found.append((s, code, name))
            s = text.find(name, e)
    return sorted(found)


def _short_name_ok(text: str, s: int, e: int) -> bool:
    before = text[:s]
    ok = not before or not re.match(r"[\u3400-\u9fff]", before[-1]) or before.endswith(_PROVINCES)
    # 东兴区, 东宁路 …: a short name followed by another place suffix is another place
    return ok and not re.match(r"[区县镇乡村路街]", text[e:e + 1])


def _pick_unit(matches: list[tuple[int, str, str]], cat: Catalog) -> tuple[str | None, list[str]]:
    codes = list(dict.fromkeys(c for _, c, _ in matches))
    if not codes:
        return None, []
    if len(codes) == 1:
        return codes[0], codes

    def ancestors(code: str) -> set[str]:
        out = set()
        while code in cat.units and cat.units[code].parent_code:
            code = cat.units[code].parent_code  # type: ignore[assignment]
            out.add(code)
        return out

    # "防城港市东兴市…": the most specific unit of one chain of parents
    deepest = [c for c in codes if not any(c in ancestors(o) for o in codes if o != c)]
    if len(deepest) == 1:
        return deepest[0], codes
    return None, codes


def title_year(title: str) -> int | None:
    """>>> title_year("二〇二〇年东宁市国民经济和社会发展统计公报"), title_year("满洲里市2022年统计公报")
    (2020, 2022)
    """
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(title)
    return chinese_year(m.group(1)) if m else None


def part_year_period(text: str, year: int | None) -> str | None:
    """A part-year period stated in a title or sentence.

    >>> part_year_period("2023年1-7月满洲里市外贸进出口", None), part_year_period("上半年，全市", 2022)
    ('2023-01/2023-07', '2022-01/2022-06')
    >>> part_year_period("全年全市地区生产总值", 2022) is None
    True
    """
    m = _PART_YEAR.search(text)
    if not m:
        return None
    y = int(m.group("y")) if m.group("y") else year
    if y is None:
        return None
    if m.group("m1"):
        m1, m2 = int(m.group("m1")), int(m.group("m2"))
        if not (1 <= m1 <= m2 <= 12):
            return None
    elif m.group("h1"):
        m1, m2 = 1, 6
    elif m.group("q1"):
        m1, m2 = 1, 3
    elif m.group("q3"):
        m1, m2 = 1, 9
    else:
        m1, m2 = 1, 1
    if (m1, m2) == (1, 12):
        return str(y)
    return f"{y}-{m1:02d}/{y}-{m2:02d}"


def identify(title_candidates: list[str], opening: list[str], body_sample: str, cat: Catalog) -> Identity:
    """Identify a document from its title candidates (title, <title>, first heading), its opening
    lines and a sample of its body text."""
    ident = Identity()
    cands = [normalize(t) for t in title_candidates if t and t.strip()]
    opening_n = [normalize(t) for t in opening if t and t.strip()]
    sample = normalize(body_sample[:3000])

    if _BLOCKED.search(" ".join(cands[:3])) or (_BLOCKED.search(sample) and len(sample) < 1500):
        ident.blocked = True
        return ident

    kind_title = None
    for t in [*cands, *opening_n[:5]]:
        if _CENSUS.search(t):
            ident.kind, kind_title = "census_bulletin", t
        elif _BULLETIN.search(t):
            ident.kind, kind_title = "bulletin", t
        elif _WORK_REPORT.search(t):
            ident.kind, kind_title = "work_report", t
        if kind_title:
            break
    if kind_title is None:
        for t in cands:
            if _STAT_NEWS.search(t) and (find_units(t, cat) or title_year(t)):
                ident.kind, kind_title = "news", t
                break
    ident.title = kind_title or (cands[0] if cands else None)
    if kind_title is None:
        return ident

    # data year
    year = title_year(kind_title)
    if ident.kind == "census_bulletin":
        rnd = next((y for k, y in _CENSUS_ROUNDS.items() if k in kind_title or k in sample[:500]), None)
        year = rnd or year
    elif ident.kind == "work_report" and year is not None:
        # a report delivered early in year N reviews year N-1 (its 预计 figures are for N-1)
        ident.notes.append(("info", f"work report of {year}: figures read as data year {year - 1}"))
        year -= 1
    if year is None:
        for t in [*cands, *opening_n[:3]]:
            year = title_year(t)
            if year:
                break
    ident.data_year = year
    if ident.kind == "news":
        ident.default_period = part_year_period(kind_title, year)
    if year is None:
        ident.notes.append(("error", "data year not found in the title or opening lines; pass --year"))

    # unit: the title first, then the other candidates and the issuer line
    for source in ([kind_title], cands, opening_n[:6]):
        matches = [m for t in source for m in find_units(t, cat)]
        code, codes = _pick_unit(matches, cat)
        if code:
            ident.unit_code, ident.unit_name = code, cat.units[code].name_zh
            break
        if len(codes) > 1:
            names = ", ".join(f"{cat.units[c].name_zh} ({c})" for c in codes)
            ident.notes.append(("error", f"title names several units ({names}); pass --unit"))
            break
    else:
        if re.search(r"塔城(?![市地])", kind_title):
            ident.notes.append(("error", "塔城 alone may mean 塔城市 (654201) or 塔城地区 (654200); pass --unit"))
        else:
            ident.notes.append(("error", f"no catalogued unit named in the title {kind_title!r}; pass --unit"))
    if ident.unit_code and year:
        for n in cat.names_for(ident.unit_code):
            if n.name in kind_title and n.valid_to and year > n.valid_to + 1:
                ident.notes.append(("warning", f"{n.name} was renamed after {n.valid_to}; the title's year is {year}"))
    return ident


def is_blocked_text(text: str) -> bool:
    return bool(_BLOCKED.search(normalize(text[:5000])))


# A date line: the issuer's date under the title or at the end (2023年4月15日), a web page's
# 发布时间/发布日期 field, or a <meta name="PubDate"> tag. Publication lags the data year by two months
# to about two years; a date outside that window is a repost or a quoted date, not this document's.
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_FIELD = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[:：]?\s*")
_ISSUER = re.compile(r"统计局|调查队|来源|发布|日报|政府|^——")
_META_DATE = re.compile(
    r"<meta[^>]+name=[\"'](?:PubDate|pubdate|publishdate|firstpublishedtime|ArticleDate)[\"'][^>]*content=[\"']"
    r"([^\"']+)[\"']", re.I)


def _as_date(m: re.Match) -> str | None:
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def publication_date(lines: list[str], raw_sample: str, data_year: int | None) -> str | None:
    """The document's own publication date, or None when it does not state one clearly.

    >>> publication_date(["瑞丽市统计局", "2021年4月20日"], "", 2020)
    '2021-04-20'
    >>> publication_date(["发布时间：2021-04-20 09:30"], "", 2020)
    '2021-04-20'
    >>> publication_date(["满洲里市统计局　国家统计局满洲里调查队　2023年4月20日"], "", 2022)
    '2023-04-20'
    >>> publication_date(["2018年12月31日"], "", 2020) is None   # before the data year: not this document
    True
    >>> publication_date(["截至2021年3月1日，全市常住人口10万人"], "", 2020) is None   # a sentence, not a date line
    True
    """
    found: list[str] = []
    for m in _META_DATE.finditer(raw_sample[:5000]):
        iso = _DATE_ISO.search(m.group(1))
        if iso and (d := _as_date(iso)):
            found.append(d)
    for line in lines:
        text = line.strip()
        if len(text) > 60:  # a date line is short; a sentence with a date in it is not one
            continue
        field_m = _DATE_FIELD.search(text)
        if field_m:
            m = _DATE_CN.match(text, field_m.end()) or _DATE_ISO.match(text, field_m.end())
        elif _ISSUER.search(text) or len(text) <= 16:
            # the issuer line ends with the date; a speech opens with "——2021年1月18日在…会议上"
            m = _DATE_CN.search(text) or _DATE_ISO.search(text)
            if m and m.end() < len(text) and not text[m.end():].lstrip().startswith("在"):
                m = None
        else:
            m = None
        if m and (d := _as_date(m)):
            found.append(d)
    if data_year is not None:
        found = [d for d in found if data_year <= int(d[:4]) <= data_year + 2]
    distinct = sorted(set(found))
    return distinct[0] if len(distinct) == 1 else None
