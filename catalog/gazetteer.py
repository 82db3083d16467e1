"""China's administrative divisions by name (data/gazetteer.csv; see data/gazetteer.NOTICE.md).

Used to recognise place names in documents: the unit a bulletin of a place outside the catalog
describes, and the sub-unit or other place a sentence is about. Not a source of unit codes for data.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

GAZETTEER = Path(__file__).parent / "data" / "gazetteer.csv"
_HAN = re.compile(r"[\u3400-\u9fff]")
# Autonomous prefectures and counties are usually written short: 黔南布依族苗族自治州 → 黔南州, 黔南.
_ETHNIC = (
    "傣族",
    "景颇族",
    "哈尼族",
    "彝族",
    "藏族",
    "蒙古族",
    "回族",
    "维吾尔族",
    "壮族",
    "苗族",
    "布依族",
    "侗族",
    "土家族",
    "白族",
    "傈僳族",
    "拉祜族",
    "佤族",
    "纳西族",
    "羌族",
    "朝鲜族",
    "满族",
    "瑶族",
    "黎族",
    "畲族",
    "仫佬族",
    "毛南族",
    "仡佬族",
    "水族",
    "哈萨克族",
    "柯尔克孜族",
    "塔吉克族",
    "锡伯族",
    "达斡尔族",
    "鄂温克族",
    "鄂伦春族",
    "土族",
    "撒拉族",
    "东乡族",
    "保安族",
    "裕固族",
    "独龙族",
    "怒族",
    "普米族",
    "阿昌族",
    "德昂族",
    "基诺族",
    "布朗族",
    "各族",
)
_AUTONOMOUS = re.compile(rf"^(?P<stem>[\u3400-\u9fff]{{2,}}?)(?:{'|'.join(_ETHNIC)})+自治(?P<kind>州|县|旗)$")
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True)
class Place:
    adcode: str
    name: str  # the official name
    level: str  # province | prefecture | county

    @property
    def parent_prefix(self) -> str:
        return self.adcode[:4] if self.level == "county" else self.adcode[:2]


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str  # as printed
    places: tuple[Place, ...]  # every division with that name (通州区 is in two provinces)

    @property
    def level(self) -> str:
        return max((p.level for p in self.places), key=LEVEL_RANK.__getitem__)


@functools.cache
def _index() -> tuple[dict[str, tuple[Place, ...]], dict[str, list[int]]]:
    by_name: dict[str, list[Place]] = {}
    stems: dict[str, list[Place]] = {}
    with GAZETTEER.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            p = Place(row["adcode"], row["name"], row["level"])
            by_name.setdefault(p.name, []).append(p)
            m = _AUTONOMOUS.match(p.name)
            if m:
                by_name.setdefault(m.group("stem") + m.group("kind"), []).append(p)
            stem = _stem(p)
            if stem:
                stems.setdefault(stem, []).append(p)
    for stem, places in stems.items():
        if stem not in by_name:
            by_name[stem] = places
            _STEMS.add(stem)
    # first character -> the lengths of the names that begin with it, longest first: a text is looked up a
    # few times per position instead of tried against every name that shares its first character
    lengths: dict[str, set[int]] = {}
    for name in by_name:
        lengths.setdefault(name[0], set()).add(len(name))
    first = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}
    return {k: tuple(v) for k, v in by_name.items()}, first


_STEMS: set[str] = set()
_STEM_NEXT = re.compile(
    r"$|[^\u3400-\u9fff]|海关|关区|口岸|实现|完成|全年|今年|去年|上半年|前三季度|外贸|"
    r"进出口|出口|进口|经济|"
    r"地区生产总值|生产总值|市委|市政府|统计|全市|全州|全盟|全区|全省|首次|连续|GDP|的|是|在|作为|已|已经|与|和"
)
# Province and prefecture names are often written without their suffix (四川, 成都, 内蒙古); county names
# are not shortened here (a two-character stem of a county is too often an ordinary word).
_PROVINCE_STEM = re.compile(r"^(?P<stem>[\u3400-\u9fff]{2,3}?)(?:[\u3400-\u9fff]{1,3}族)*(?:自治区|特别行政区|省|市)$")
_PREFECTURE_STEM = re.compile(rf"^(?P<stem>[\u3400-\u9fff]{{2,}}?)(?:{'|'.join(_ETHNIC)})*(?:自治州|地区|市|盟|州)$")
_COMMON_WORDS = {"中山", "白山", "黄山", "红河", "普洱", "大同", "阿里", "和田", "吉安", "永州", "东方", "海东", "通化"}


def _stem(p: Place) -> str | None:
    pattern = _PROVINCE_STEM if p.level == "province" else _PREFECTURE_STEM if p.level == "prefecture" else None
    m = pattern.match(p.name) if pattern else None
    if not m or m.group("stem") in _COMMON_WORDS:
        return None
    return m.group("stem")


def is_stem(name: str) -> bool:
    """A suffix-less province or prefecture name (成都 for 成都市)."""
    _index()
    return name in _STEMS


def places_named(name: str) -> tuple[Place, ...]:
    """>>> [p.adcode for p in places_named("满洲里市")]
    ['150781']
    """
    return _index()[0].get(name, ())


def find_places(text: str) -> tuple[PlaceMention, ...]:
    """Division names in a text, longest first at each position, left to right. A two-character
    name (泾县, 南县) counts only where it cannot be the tail of a longer word (湖南县域 is not 南县).

    >>> [(m.text, m.level) for m in find_places("2019年贵州省黔南州长顺县国民经济和社会发展统计公报")]
    [('贵州省', 'province'), ('黔南州', 'prefecture'), ('长顺县', 'county')]
    >>> [m.text for m in find_places("湖南县域经济")]   # the province, not 南县
    ['湖南']
    """
    return _find_places(text)


@functools.lru_cache(maxsize=16384)  # sentences recur: each is asked about once per clause and per line
def _find_places(text: str) -> tuple[PlaceMention, ...]:
    by_name, first = _index()
    out: list[PlaceMention] = []
    i = 0
    for start in _first_chars().finditer(text):  # only where a name can begin
        j = start.start()
        if j < i:
            continue
        hit = None
        for length in first[text[j]]:
            name = text[j : j + length]
            if name in by_name:
                if (
                    len(name) <= 2
                    and j > 0
                    and _HAN.match(text[j - 1])
                    and not _after_place(text, j)
                    and not (name in _STEMS and text[j - 1] in "据在对与和及年月日是为从到于中由经向")
                ):
                    continue
                if (
                    name in _STEMS
                    and not _STEM_NEXT.match(text[j + len(name) :])
                    and by_name[name][0].level != "province"
                ):
                    continue  # a stem counts before a non-Han character or a word that goes with a place name
                hit = name
                break
        if hit:
            out.append(PlaceMention(j, j + len(hit), hit, by_name[hit]))
            i = j + len(hit)
    return tuple(out)


@functools.cache
def _first_chars() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_index()[1])) + "]")


def _after_place(text: str, i: int) -> bool:
    """A short name right after a province or prefecture name (安徽省泾县) is a name."""
    return bool(re.search(r"(?:省|自治区|市|州|盟|地区)$", text[max(0, i - 8) : i]))


def deepest(mentions: list[PlaceMention]) -> PlaceMention | None:
    """The most specific division of a chain printed in a title (省 → 州 → 县), or None when the
    names are not one chain (two counties).

    >>> deepest(find_places("贵州省黔南州长顺县")).text
    '长顺县'
    >>> deepest(find_places("交城县与文水县")) is None
    True
    """
    if not mentions:
        return None
    ranked = sorted(mentions, key=lambda m: LEVEL_RANK[m.level])
    last = ranked[-1]
    if sum(1 for m in mentions if m.level == last.level and m.text != last.text) > 0:
        return None
    return last
