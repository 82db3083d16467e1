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
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3}|元)"
_PART_YEAR = re.compile(
    rf"(?:(?P<y>(?:19|20)\d{{2}})\s*年)?\s*(?:(?P<m1>{_MONTH})\s*(?:月份?)?\s*[-—–~至到]\s*(?P<m2>{_MONTH})\s*月(?:份|底|末)?|"
    rf"前(?P<first>{_MONTH})个?月|截至(?P<upto>{_MONTH})月(?:底|末)|(?P<single>{_MONTH})月(?:份)?当月|"
    r"(?P<h1>上半年)|(?P<q1>一季度|第一季度|首季度|首季)|(?P<q3>前三季度)|(?P<m1only>1月份?|一月份?)(?!\s*[-—–~至到]|\s*\d{1,2}\s*日))"
)


def _month(text: str) -> int | None:
    """>>> _month("7"), _month("七"), _month("元"), _month("十二")
    (7, 7, 1, 12)
    """
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    digits = "一二三四五六七八九"
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.index(text[1]) + 1 if len(text) == 2 and text[1] in digits else None
    if len(text) == 1 and text in digits:
        return digits.index(text) + 1
    return None
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
    body_start: int = 0  # index of the first line of the document's own text (after the title)
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
        m1, m2 = _month(m.group("m1")), _month(m.group("m2"))
        if m1 is None or m2 is None or not (1 <= m1 <= m2 <= 12):
            return None
    elif m.group("single"):
        m1 = m2 = _month(m.group("single"))
        if m1 is None or not 1 <= m1 <= 12:
            return None
    elif m.group("first") or m.group("upto"):
        m1, m2 = 1, _month(m.group("first") or m.group("upto"))
        if m2 is None or not 1 <= m2 <= 12:
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


_KIND_BULLETIN = re.compile(r"统计公报|国民经济和社会发展统计|国民经济和社会发展公报|国民经济统计公报|统计年报")
_KIND_CENSUS = re.compile(r"人口普查.{0,12}公报|普查主要数据公报")
_KIND_WORK_REPORT = re.compile(r"政府工作报告|人民政府工作报告")
_WORK_REPORT_BODY = re.compile(r"各位代表|向大会报告|向大会作|请予审议|工作回顾|人民代表大会第")
_BULLETIN_BODY = re.compile(r"初步核算|初步测算|统一核算|^[一二]、综合|国民经济和社会发展")
_REVIEW_HEADING = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年|过去一年|过去的一年|一年来|上年)[^。，,]{0,16}?(?:工作|政府工作)?(?:回顾|总结)")
_DELIVERY = re.compile(r"((?:19|"
    r"20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*在[^。]{0,40}?(?:人民代表大会|人大|会议)")
_LEADING_YEAR_LINE = re.compile(r"^(?:[(（【\[]?)((?:19|20)\d{2})\s*年(?![底末]?\d)")
_ISSUER = re.compile(r"([\u3400-\u9fff]{2,12}?)(?:统计局|人民政府|调查队|发展和改革)")
_REFERENCE_PLACE = re.compile(r"(?:高于|低于|快于|慢于|占|居|位居|排|全省|全国|比|较|与|同)$")


def _years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|[^\d]|$)", text)]


def _title_kind(text: str) -> str | None:
    if _KIND_CENSUS.search(text):
        return "census_bulletin"
    if _KIND_BULLETIN.search(text):
        return "bulletin"
    if _KIND_WORK_REPORT.search(text):
        return "work_report"
    return None


def _places(text: str, cat: Catalog) -> list[tuple[int, int, str, str | None, str]]:
    """Place names in a text as (start, end, printed name, catalog code or None, level), catalog names
    first (they know former names and short forms), then the national gazetteer."""
    from catalog.gazetteer import LEVEL_RANK, find_places

    out = []
    taken = [False] * len(text)
    for s, code, name in find_units(text, cat):
        out.append((s, s + len(name), name, code, _catalog_level(cat, code)))
        for i in range(s, s + len(name)):
            taken[i] = True
    for m in find_places(text):
        if any(taken[m.start:m.end]):
            continue
        level = m.level if m.level in LEVEL_RANK else "county"
        out.append((m.start, m.end, m.text, None, level))
    return sorted(out)


def _catalog_level(cat: Catalog, code: str) -> str:
    level = cat.units[code].level
    return {"prefecture": "prefecture", "zone_scope": "zone"}.get(level, "county")


_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2, "zone": 3}


_TITLE_NAME = re.compile(
    r"^(?:[(（][^)）]{1,8}[)）])?(?:(?:19|20)\d{2}\s*年(?:度)?)?(?:[\u3400-\u9fff]{2,8}?(?:省|自治区))?"
    r"(?P<name>[\u3400-\u9fff]{2,8}?(?:自治县|自治旗|自治州|地区|县|市|旗|区|盟|州))(?:人民政府)?"
    r"(?:(?:19|20)\d{2}\s*年(?:度)?)?(?:国民经济|统计公报|政府工作报告|人口普查)")
_OPENING_NAME = re.compile(
    r"(?:(?:(?:19|20)\d{2}\s*年|去年|今年|上半年|前三季度|一季度)[，,]?\s*)(?P<name>[\u3400-\u9fff]{2,4}?(?:县|市|旗|区|盟|州))"
    r"(?=坚持|实现|全县|全市|全区|全旗|经济|县委|市委|区委|旗委|人民|上下|在|以|紧紧|围绕|认真|各族|深入|面对)")
_NOT_A_NAME = re.compile(r"^(?:全|我|本|各|该|城|新|开发|示范|试验|园|片|市|县|区)")


def _name_by_form(text: str, pattern: re.Pattern[str]) -> str | None:
    """A place name that is in no list, read from where it stands (the head of a title, the subject of
    an opening sentence): 白榆县 in "2020年白榆县国民经济和社会发展统计公报".

    >>> _name_by_form("2020年白榆县国民经济和社会发展统计公报", _TITLE_NAME)
    '白榆县'
    >>> _name_by_form("2020年，白榆县坚持稳中求进", _OPENING_NAME)
    '白榆县'
    """
    m = pattern.search(text)
    if not m or _NOT_A_NAME.match(m.group("name")) or re.search(r"全|年|我|本|上半|季度|月", m.group("name")):
        return None
    return m.group("name")


def _title_unit(title: str, cat: Catalog) -> tuple[str | None, str | None, list[str]]:
    """(catalog code, printed name, other names) of the unit a title names: the deepest place of one
    chain (广西崇左市凭祥市 → 凭祥市); None when it names two places of the same level."""
    places = [p for p in _places(title, cat) if p[4] != "province"]
    if not places:
        return None, _name_by_form(title, _TITLE_NAME), []
    deepest = max(_LEVEL_ORDER[p[4]] for p in places)
    lowest = list(dict.fromkeys((p[2], p[3]) for p in places if _LEVEL_ORDER[p[4]] == deepest))
    if len({code or name for name, code in lowest}) > 1:
        catalog = {c for _, c in lowest if c}
        if len(catalog) == 1 and all(c for _, c in lowest):
            pass
        else:
            return None, None, [n for n, _ in lowest]
    name, code = lowest[0]
    code, name = _official(name, code, cat)
    return code, name, []


def _is_title_line(text: str) -> bool:
    if len(text) > 90 or "。" in text:
        return False
    # more than one year: a year index or a list of bulletins (a span 2018-2022年 is one caption)
    return len(set(_years_in(text))) <= 1 or bool(re.search(r"(?:19|20)\d{2}年?[-—至~](?:19|20)\d{2}", text))


def _opening_unit(lines: list[str], cat: Catalog) -> tuple[str | None, str | None]:
    """The unit an untitled document is about: the place its opening names most (outside comparisons
    such as 高于全省), or what its issuer or speaker line names."""
    from extractors.clean import is_navigation
    from extractors.scope import subunit_breakdown_at

    counts: dict[tuple[str, str | None], list[int]] = {}
    kept = [ln for ln in lines if not is_navigation(ln)]
    text = "\n".join(kept)[:900]
    cut = subunit_breakdown_at(text)
    if cut is not None:
        text = text[:cut]  # 分县（市、区）看，甲区…: the sub-units, not the document's unit
    for s, e, name, code, level in _places(text, cat):
        if level == "province" or _REFERENCE_PLACE.search(text[max(0, s - 3):s]):
            continue
        if text[e:e + 1] == "、" or text[max(0, s - 1):s] in ("、", "于"):
            continue  # 仅次于上海、深圳、北京: places listed for comparison
        if re.search(r"(?:据|经|由)$", text[max(0, s - 1):s]):
            continue  # 据西双版纳州统计局反馈: who says so
        if re.match(r"\s?\d{1,2}月\d{1,2}日电", text[e:e + 8]) or re.search(r"(?:新华社|中新社|中新网|电讯)\s?$",
                                                                           text[max(0, s - 4):s]):
            continue  # 新华社哈尔滨2月23日电: where the wire was filed
        weight = 3 if re.match(r"(?:统计局|人民政府|调查队)", text[e:e + 5]) and (s == 0 or text[s - 1] == "\n") else 1
        counts.setdefault((name, code), []).extend([s] * weight)
    if not counts:
        by_form = _name_by_form(text[:300], _OPENING_NAME)
        return (None, by_form) if by_form else _county_stem_unit(text)
    ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    (name, code), where = ranked[0]
    if len(ranked) > 1 and len(ranked[1][1]) == len(where) and ranked[1][0][0] not in name and \
            name not in ranked[1][0][0]:
        # two places named as often: a parent and its county are a chain; anything else is unclear
        other_code = ranked[1][0][1]
        chain = code and other_code and (other_code in _ancestors(cat, code) or code in _ancestors(cat, other_code))
        if not chain:
            return None, None
    return _official(name, code, cat)


_PORTAL = re.compile(r"([\u3400-\u9fff]{2,12}?)(?:人民政府(?:门户)?网站?|人民政府|统计局|政府网)|走进([\u3400-"
                     r"\u9fff]{2,8})")


def _portal_unit(chrome: list[str], cat: Catalog) -> tuple[str | None, str | None]:
    """The unit whose site carries the page, when the document itself never names it: the portal's
    name (某某市人民政府门户网站, <title> … - 某某盟人民政府) or its menu (走进某某)."""
    found: list[tuple[str | None, str]] = []
    for line in chrome:
        for m in _PORTAL.finditer(line):
            text = m.group(1) or m.group(2)
            if m.group(2):
                # 走进西双版纳数据发布: the longest place name the menu item starts with
                from catalog.gazetteer import places_named

                for k in range(min(len(text), 9), 1, -1):
                    head = text[:k]
                    catalog = next((n.unit_code for n in cat.unit_names if n.name == head), None)
                    if catalog or places_named(head):
                        text = head
                        break
                else:
                    continue
            places = [p for p in _places(text, cat) if p[4] != "province"] or [
                (0, len(text), text, None, "county")] if m.group(2) else [p for p in _places(text, cat)
                                                                          if p[4] != "province"]
            if places:
                _, _, name, code, _ = places[-1]
                found.append((code or next((n.unit_code for n in cat.unit_names if n.name == name), None), name))
    names = {n for _, n in found}
    if len(names) != 1:
        return None, None
    code, name = _official(*reversed(found[0]), cat)
    if code:
        name = cat.units[code].name_zh
    return code, name


def _county_stem_unit(text: str) -> tuple[None, str | None]:
    """A news feature that names its county or city only by its stem (延吉 for 延吉市, 缙云全县 for 缙云县):
    the stem must be printed three times, or once right before 全县/全市/县委/市委, and no other stem
    of a county-level name as often."""
    from catalog.gazetteer import places_named

    found: dict[str, int] = {}
    for m in re.finditer(r"(?<![\u3400-\u9fff])?([\u3400-\u9fff]{2,3}?)(?=全县|全市|全旗|县委|市委|旗委|县政府|"
        r"市政府)", text):
        for suffix in ("县", "市", "旗"):
            if places_named(m.group(1) + suffix):
                found[m.group(1) + suffix] = found.get(m.group(1) + suffix, 0) + 3
    for stem in set(re.findall(r"[\u3400-\u9fff]{2}", text)):
        if stem[0] in "全我本该各州市县区旗盟省" or stem in ("上下", "经济", "人民"):
            continue
        for suffix in ("市", "县"):
            name = stem + suffix
            if name in found or not places_named(name):
                continue
            n = len(re.findall(rf"{stem}(?=[县市全委]|[^\u3400-\u9fff]|$|经济|人民|上下|发展|实现)", text))
            if n >= 3:
                found[name] = n
    if not found:
        return None, None
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None, None
    return None, ranked[0][0]


def _official(name: str, code: str | None, cat: Catalog) -> tuple[str | None, str]:
    """(catalog code, name) of a place as printed: the catalog's code for any of its names, and a
    province's or prefecture's stem written out (辽源 → 辽源市).

    >>> from catalog import load_catalog
    >>> _official("东宁县", None, load_catalog()), _official("辽源", None, load_catalog())
    (('231086', '东宁县'), (None, '辽源市'))
    """
    from catalog.gazetteer import is_stem, places_named

    if code is None:
        code = next((n.unit_code for n in cat.unit_names if n.name == name), None)
    if code is None and is_stem(name) and len(places_named(name)) == 1:
        name = places_named(name)[0].name
        code = next((n.unit_code for n in cat.unit_names if n.name == name), None)
    return code, name


def _ancestors(cat: Catalog, code: str) -> set[str]:
    out = set()
    while code in cat.units and cat.units[code].parent_code:
        code = cat.units[code].parent_code  # type: ignore[assignment]
        out.add(code)
    return out


def identify(lines: list[str], title_candidates: list[str], cat: Catalog, chrome: list[str] | None = None) -> Identity:
    """Identify a document from its normalised lines (in order) and the title candidates its reader
    found (<title>, headings). A title names one unit, one year and a document kind; a line listing
    many years or units is navigation. Without a title, the opening sentences name unit and year."""
    ident = Identity()
    cands = [normalize(t) for t in title_candidates if t and t.strip()]
    head = lines[:60]
    sample = "\n".join(head)[:3000]
    if _BLOCKED.search(" ".join(cands[:3])) or (_BLOCKED.search(sample) and len(sample) < 1500):
        ident.blocked = True
        return ident

    from extractors.clean import is_navigation

    # 1. the title: the first line (then <title>/headings) that names a kind and no more than one year
    title_idx, title = None, None
    prose_at = _first_prose(head)
    for i, line in enumerate(head[:40]):
        if i > prose_at + 1 and "。" in "".join(head[prose_at:i]):
            break  # a title line after the body has started is a 相关公报 link or a prev/next line
        if (is_navigation(line) and not _title_kind(line)) or re.search(r"[>»›]|当前位置|您的位置|索引", line):
            continue
        if _title_kind(line) and _is_title_line(line):
            title_idx, title = i, line
            break
    if title is not None and title_idx and not _places(title, cat) and not _name_by_form(title, _TITLE_NAME):
        prev = head[title_idx - 1]
        if len(prev) <= 20 and not is_navigation(prev) and not re.search(r"[，,。：:]", prev):
            title = prev + title  # 红柳园市2020年 / 国民经济和社会发展统计公报: a title wrapped onto two lines
    if title is None:
        title = next((t for t in cands if _title_kind(t) and _is_title_line(t)), None)
    ident.body_start = title_idx + 1 if title_idx is not None else prose_at
    kind = _title_kind(title) if title else None
    if kind == "work_report" and re.search(r"解读|一图读懂|数说|看点|要点|亮点|\d(?:\.\d+)?\s?(?:亿|万)", title):
        kind = "news"  # 政府工作报告解读|2020年郑州GDP12003亿元: a news item about the report, dated by its figures
    body = head[ident.body_start:ident.body_start + 30]
    body_text = "\n".join(body)
    if kind is None:
        if len(re.findall(_WORK_REPORT_BODY, body_text)) >= 2 or re.search(r"各位代表", body_text):
            kind = "work_report"
        elif re.search(r"人口普查", body_text[:400]) and re.search(r"公报", body_text[:400]):
            kind = "census_bulletin"
        elif re.search(r"记者|本报讯|日电|讯\s|获悉|据了解", "\n".join(body[:3])[:300]):
            kind = "news"
        elif any(_BULLETIN_BODY.search(b) for b in body[:12]):
            kind = "bulletin"
        else:
            kind = "news"
        from extractors.clean import _DATELINE

        cands = [c for c in cands if not _DATELINE.search(c) and not (len(c) <= 40 and _DATE_CN.search(c))]
        title = title or next((c for c in cands if not is_navigation(c)), None) or \
            next((ln for ln in head[:ident.body_start + 3] if not is_navigation(ln) and len(ln) <= 60
                  and not re.match(r"^[一二三四五六七八九十]+、", ln) and not _DATELINE.search(ln)
                  and not (len(ln) <= 40 and _DATE_CN.search(ln))), None)
    ident.kind = kind
    ident.title = title

    # 2. the data year
    year, how = None, None
    title_y = title_year(title) if title and (_title_kind(title) or kind == "news") else None
    if kind == "census_bulletin":
        year = next((y for k, y in _CENSUS_ROUNDS.items() if k in (title or "") or k in sample[:500]), title_y)
    elif kind == "work_report":
        year, how = _work_report_year(head, title_y)
        if how:
            ident.notes.append(("info", how))
    elif kind == "bulletin":
        year = title_y or _leading_year(body) or _caption_year(head[ident.body_start:])
        if year is None and not (title and _title_kind(title)):
            year = _news_year(body)
        if year is None:
            issued = _issue_year(head[:ident.body_start + 4])
            if issued:
                year = issued - 1
                ident.notes.append(("warning", f"no data year printed; the bulletin is dated {issued}, so its "
                                               f"figures are read as {year} (pass --year if that is wrong)"))
    else:
        year = title_y or _leading_year(body[:3]) or _news_year(body)
    if year is None and kind == "news":
        year = _dateline_year(head)
        month = _dateline_month(head)
        if year and month and month <= 3 and re.search(r"全年|去年", body_text[:600]):
            year -= 1  # a January item on the year just ended: its 全年 is that year
    ident.data_year = year
    if kind == "news" or (kind == "bulletin" and not (title and _title_kind(title))):
        # a part-year item: the period its headline or first sentence names holds for the whole text
        first = re.sub(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月\s*\d{1,2}\s*日", "",
                       body[0][:60]) if body else ""
        if part_year_period(first, 2000) and year is None:
            year = ident.data_year = _news_year(body) or _dateline_year(head)
        opening_period = part_year_period(first, year)
        ident.default_period = (part_year_period(title, year) if title else None) or opening_period
        if ident.default_period and kind == "bulletin":
            ident.kind = kind = "news"
            year = ident.data_year = title_y or _news_year(body) or year
            ident.default_period = part_year_period(first, year)
    if year is None:
        ident.notes.append(("error", "data year not found in the title or opening lines; pass --year"))

    # 3. the unit: the title, then the issuer/speaker lines and the opening sentences
    code, name, clash = _title_unit(title, cat) if title else (None, None, [])
    if clash:
        ident.notes.append(("error", f"the title names several units ({', '.join(clash)}); pass --unit"))
    elif name is None:
        code, name = _opening_unit(head[max(0, (title_idx or 0) - 1):ident.body_start + 12], cat)
    if name is None and not clash:
        code, name = _portal_unit([*head[:ident.body_start], *cands, *(chrome or [])], cat)
    if name is None and not clash:
        if title and re.search(r"塔城(?![市地])", title):
            ident.notes.append(("error", "塔城 alone may mean 塔城市 (654201) or 塔城地区 (654200); pass --unit"))
        else:
            ident.notes.append(("error", "the document does not name its unit (only 全县/全市 …); pass --unit"))
    if code:
        ident.unit_code, ident.unit_name = code, cat.units[code].name_zh
        for n in cat.names_for(code):
            if title and n.name in title and n.valid_to and year and year > n.valid_to + 1:
                ident.notes.append(("warning", f"{n.name} was renamed after {n.valid_to}; the title's year is {year}"))
    elif name:
        ident.unit_name = name
        ident.notes.append(("error", f"{name} is not a unit of the catalog: its figures are read but have no unit "
                                     "code (pass --unit CODE to assign one)"))
    return ident


def _first_prose(lines: list[str]) -> int:
    """Where an untitled document's own text starts: the first line that reads as prose."""
    from extractors.clean import _DATELINE, is_navigation

    for i, line in enumerate(lines):
        if is_navigation(line) or _DATELINE.search(line):
            continue
        if "。" in line or (len(line) >= 40 and re.search(r"[，,；]", line)) or \
                (re.search(r"[，,；]", line) and i + 1 < len(lines) and not _DATELINE.search(lines[i + 1])
                 and len(line) >= 20):
            return i
    return 0


def _leading_year(lines: list[str]) -> int | None:
    """The year an untitled bulletin opens with ("2020年，全县…", "2022年是…")."""
    for line in lines[:6]:
        m = _LEADING_YEAR_LINE.match(line)
        if m and len(line) > 12:
            return int(m.group(1))
    return None


def _caption_year(lines: list[str]) -> int | None:
    """The year a bulletin's captions and year-end statements point at: "2022年全区生产总值及其增长速度",
    "图1 2016-2020年全市地区生产总值…" (the last year of the span), "2020年末全市常住人口…"."""
    for line in lines[:40]:
        m = re.match(r"^(?:图\s*\d+\s*|表\s*\d+\s*)?(?:(?:19|20)\d{2}\s*[-—~至到]\s*)?((?:19|20)\d{2})\s*年"
                     r"[^\d,，。]{2,30}$", line)
        if m:
            return int(m.group(1))
    for line in lines[:40]:
        m = re.search(r"((?:19|20)\d{2})\s*年(?:末|底)全(?:市|县|区|旗|盟|州)", line)
        if m:
            return int(m.group(1))
    return None


def _work_report_year(lines: list[str], title_y: int | None) -> tuple[int | None, str | None]:
    """The year a work report's review covers: its review heading (一、2021年工作回顾), else the
    delivery date (a report delivered in December reviews that year, one delivered in January–
    September the year before), else the title's year minus one."""
    for line in lines[:60]:
        if len(line) > 40:
            continue
        m = _REVIEW_HEADING.search(line)
        if m and m.group("y"):
            return int(m.group("y")), None
    opening = "\n".join(lines[:60])[:3000]
    m = re.search(r"(?:[一二三四五六七八九十]、|\n|XLC|\s)\s*((?:19|20)\d{2})\s*年(?:和今年以来|及今年以来|"
        r"和[^。，]{0,12}|及[^。，]{0,12})?"
                  r"(?:政府)?工作回顾", opening)
    if m:
        return int(m.group(1)), None
    m = re.search(r"会议上[^。]{0,24}?[(（]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月", opening)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            data = y if mo >= 10 else y - 1
            return data, f"work report delivered {y}-{mo:02d}: figures read as data year {data}"
    for i, line in enumerate(lines[:40]):
        if len(line) <= 45 and re.search(r"过去一年|一年来|工作回顾|成效显著", line):
            nxt = " ".join(lines[i + 1:i + 3])
            m = re.match(r"^((?:19|20)\d{2})\s*年\s*[，,]?\s*(?:是|全县|全市|全区|全旗|在|面对|我们)", nxt)
            if m and (title_y is None or int(m.group(1)) in (title_y, title_y - 1)):
                return int(m.group(1)), None
    for line in ["".join(lines[:25])]:
        m = _DELIVERY.search(line)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12:
                data = y if mo >= 10 else y - 1
                return data, f"work report delivered {y}-{mo:02d}: figures read as data year {data}"
    if title_y is not None:
        return title_y - 1, f"work report of {title_y}: figures read as data year {title_y - 1}"
    m = re.search(r"回顾(?:了)?((?:19|20)\d{2})\s*年", opening)
    if m:
        return int(m.group(1)), None  # 报告首先回顾了2017年工作: a news item on the report
    return None, None


def _issue_year(lines: list[str]) -> int | None:
    """The year of a bulletin's issuer date line (某某县统计局 / (2018年3月20日))."""
    for i, line in enumerate(lines):
        m = re.fullmatch(r"[(（]?\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]?", line.strip())
        near_issuer = any(re.search(r"统计局|调查队", x) for x in lines[max(0, i - 2):i + 2])
        if m and near_issuer:
            return int(m.group(1))
    return None


def _news_year(lines: list[str]) -> int | None:
    """The year a news item's first sentences give its figures for (2019年一季度, 2021年，全市 …): the
    first year that is not a point of comparison (比2020年, 自2016年以来)."""
    text = "".join(lines[:6])[:900]
    for m in re.finditer(r"(?<![比较与同自从至于到])((?:19|20)\d{2})\s*年(?!以来|以前|前|[-—~至到]|\d{1,2}月"
                         r"\d{1,2}日)", text):
        if int(m.group(1)) >= 1990:  # a bulletin's figures; 1903年 is history
            return int(m.group(1))
    # "2020年以来，…。全年…": the year the item reviews
    m = re.search(r"((?:19|20)\d{2})\s*年以来", text)
    if m and re.search(r"全年", text):
        return int(m.group(1))
    return None


def _dateline_month(lines: list[str]) -> int | None:
    dates = []
    for line in lines[:12]:
        line = line[:40]
        if True:
            m = _DATE_CN.search(line) or _DATE_ISO.search(line)
            if m:
                dates.append((int(m.group(1)), int(m.group(2))))
    return min(dates)[1] if dates else None


def _dateline_year(lines: list[str]) -> int | None:
    """The year of the item's dateline: the earliest date line (a mirror's 发布时间 is later than the
    paper's own date)."""
    years = []
    for line in lines[:12]:
        line = line[:40]  # a date line, or the head of a paragraph a page glued it to
        if True:
            m = _DATE_CN.search(line) or _DATE_ISO.search(line)
            if m:
                years.append(int(m.group(1)))
                continue
            m = re.search(r"(?<!\d)\d{1,2}[./]\d{1,2}[./]((?:19|20)\d{2})(?!\d)", line)  # 26.07.2016
            if m:
                years.append(int(m.group(1)))
    return min(years) if years else None


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
