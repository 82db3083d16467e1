"""Whose figure, for when, and of what kind: the scope of each line and clause of a document.

A figure is an observation of the document's unit only when its scope is (the unit, the data year or
the stated part of it, an outcome). This module finds the scope from the document's structure:

- sections of work reports: the review of the past year (outcomes), a five-year review (cumulative
  totals and yearly averages; only a figure the text ties to the data year is an outcome), the coming
  year's plan and targets (never outcomes);
- breakdowns by sub-unit (分县(市、区)看 …) inside a parent's bulletin;
- the subject of a clause, which carries over the clauses after it in the same sentence: a port, a
  customs district, a zone or park, another place (a sub-unit, the province), a partner country;
- clauses about another year (上年, 2019年 in a 2020 bulletin) and targets (预期目标, 力争).

The grammar asks here and says why it skipped what it skipped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from catalog import Catalog

_HAN = r"\u3400-\u9fff"

# ---- sections --------------------------------------------------------------------------------------

_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|"
    r"第[一二三四五六七八九十]+部分)"
)
_REVIEW_YEAR = re.compile(
    r"(?:(?:19|20)\d{2}\s*年|过去一年|过去的一年|一年来|上年|去年)[^。，,]{0,14}?(?:工作)?(?:回顾|总结|成绩|成效|进展|成果)"
)
_REVIEW_FIVE = re.compile(
    r"(?:过去[二三四五六七八九十]年|[二三四五六七八九十]年来|"
    r"[一二三四五六七八九十]+届(?:人民)?政府|过去五年|五年来|本届政府|十[一二三四五]五|“十[一二三四五]五”|[一二三四五六七八九十]五时期|"
    r"上届政府|过去的五年)[^。]{0,16}?(?:回顾|总结|成就|成绩)"
)
_PLAN = re.compile(
    r"(?:工作安排|工作任务|主要目标|预期目标|总体要求|目标任务|重点工作|工作打算|工作思路|"
    r"主要任务|奋斗目标|"
    r"工作部署|发展目标|总体思路|指导思想|主要预期|今后五年|未来五年|“十[四五六]五”时期|十[四五六]五时期|"
    r"加强政府自身建设|政府自身建设)"
)


@dataclass(frozen=True)
class Section:
    mode: str  # outcome | five_year | target
    heading: str | None = None


def section_of(line: str, current: Section, kind: str | None) -> Section:
    """The section a line opens, or the current one. Only work reports have sections that change the
    mode; a short line that reads as a heading is a heading.

    >>> s = Section("outcome")
    >>> section_of("二、2021年工作安排", s, "work_report").mode
    'target'
    >>> section_of("一、“十三五”时期及2020年工作回顾", s, "work_report").mode
    'outcome'
    >>> section_of("一、过去五年工作回顾", s, "work_report").mode
    'five_year'
    """
    if kind != "work_report":
        return current
    text = line.strip()
    if len(text) > 45 or "。" in text:
        # a long first sentence can still announce the targets: "今年经济社会发展的主要预期目标是：…"
        return current
    heading = bool(_HEADING_START.match(text)) or len(text) <= 30
    if not heading:
        return current
    if _REVIEW_YEAR.search(text) and re.search(r"(?:19|20)\d{2}\s*年|一年", text):
        return Section("outcome", text)
    if _REVIEW_FIVE.search(text):
        return Section("five_year", text)
    if _PLAN.search(text) and _HEADING_START.match(text):
        return Section("target", text)
    return current


_SUBUNIT_BREAKDOWN = re.compile(
    r"分(?:县|区|旗|市|地区|区域|片区|乡镇|县区|区县|旗县|县市|县市区|旗县市区|县\(市、区\)|县（市、区）|"
    r"县\(市\)|县\(区\)|县\(市区\)|区\(县\)|区\(县、市\)|县\(区、市\)|旗\(县、市、区\)|旗县\(市、区\))看|"
    r"各(?:县|区|旗|乡镇)(?:\(市、区\)|（市、区）|市区|区|市)?(?:中|情况|来看)|从各(?:县|区|旗)|"
    r"从具体口岸(?:情况)?看|分口岸看|分口岸(?:情况)?来看|从各口岸(?:情况)?看"
)


def subunit_breakdown_at(text: str) -> int | None:
    """Where a breakdown by sub-unit starts in a line (分县(市、区)看，…), or None.

    >>> subunit_breakdown_at("分县(市、区)看，甲区地区生产总值12亿元。") == 0
    True
    """
    m = _SUBUNIT_BREAKDOWN.search(text)
    return m.start() if m else None


# ---- sentences and clauses -------------------------------------------------------------------------

TARGET = re.compile(
    r"将(?:突破|达到|超过|实现|完成|增长)|有望(?:突破|超过)|预期目标|主要目标|目标是|目标为|"
    r"力争|奋斗目标|预期增长|计划(?:实现|完成|投资|新增)|争取实现|"
    r"确保(?:实现|完成|全年)|目标任务是|发展目标|规划目标|要实现|将实现|有望实现|有望达到|预计到20\d\d年"
)
FIVE_YEAR = re.compile(
    r"五年来|过去五年|这五年|过去的五年|十[一二三四]五(?:以来|期间|时期|末)|"
    r"“十[一二三四]五”(?:以来|期间|时期|末)|"
    r"本届政府以来|[二三四五六七八九十]年来|(?<!\d)(?:[2-9]|\d{2})年来|(?:19|20)\d{2}年以来"
)
CUMULATIVE = re.compile(r"累计")
AVERAGE = re.compile(r"(?:年均|年平均|平均每年|每年平均)(?!常住|人口|户籍|汇率|价格)")

# What a clause can be about, other than the document's unit.
_ZONES = (
    "综合保税区",
    "综保区",
    "保税区",
    "保税物流中心",
    "互市贸易区",
    "互市贸易点",
    "互市点",
    "边民互市区",
    "边境经济合作区",
    "跨境经济合作区",
    "经济合作区",
    "开发区",
    "试验区",
    "合作区",
    "工业园区",
    "产业园区",
    "物流园区",
    "园区",
    "工业园",
    "产业园",
    "物流园",
    "片区",
    "新区",
    "自贸区",
    "自由贸易试验区",
    "示范区",
    "高新区",
    "经开区",
    "功能区",
    "组团",
)
_PARTNERS = (
    "东盟",
    "俄罗斯",
    "俄",
    "越南",
    "缅甸",
    "老挝",
    "蒙古国",
    "蒙古",
    "哈萨克斯坦",
    "中亚",
    "欧盟",
    "美国",
    "日本",
    "韩国",
    "“一带一路”沿线国家",
    "一带一路沿线国家",
    "RCEP成员国",
    "RCEP国家",
    "沿线国家",
    "周边国家",
    "朝鲜",
    "巴基斯坦",
    "吉尔吉斯斯坦",
    "塔吉克斯坦",
    "乌兹别克斯坦",
    "印度",
    "尼泊尔",
    "非洲",
    "拉美",
    "拉丁美洲",
    "中东",
    "德国",
    "英国",
    "法国",
    "澳大利亚",
    "巴西",
    "香港",
    "台湾",
    "东南亚",
    "南亚",
    "西亚",
    "欧洲",
    "北美",
    "东欧",
    "独联体",
)
_GOODS = (
    "货物品类",
    "商品类别",
    "品类上",
    "主要商品",
    "重点商品",
    "机电产品",
    "农产品",
    "高新技术产品",
    "劳动密集型产品",
    "原油",
    "天然气",
    "煤炭",
    "木材",
    "粮食",
    "水果",
    "服装",
    "纺织",
)
_OWNERSHIP = (
    "民营企业",
    "国有企业",
    "外商投资企业",
    "外资企业",
    "私营企业",
    "民营经济",
    "非公有制经济",
    "非公经济",
    "县域经济",
)
_PLACE_FORM_NEXT = (
    "实现",
    "完成",
    "全年",
    "全市",
    "全县",
    "全旗",
    "累计",
    "地区生产总值",
    "外贸",
    "进出口",
    "生产总值",
    "一般公共预算",
    "社会消费品",
    "固定资产",
)
_SUBJECTS = (
    ("customs", re.compile(rf"[{_HAN}]{{0,8}}?(?:海关关区|海关|关区)")),
    ("port", re.compile(rf"[{_HAN}]{{0,10}}?(?:口岸站|口岸)")),
    ("zone", re.compile(rf"[{_HAN}]{{0,12}}?(?:{'|'.join(_ZONES)})")),
    (
        "station",
        re.compile(
            rf"[{_HAN}]{{1,6}}?(?:火车站|铁路站|车站|站)(?=[{_HAN}]{{0,2}}(?:进出口|进口|出口|运量|货运|发送|到达))"
        ),
    ),
    ("partner", re.compile(rf"(?:对|与)(?:[^，,。；]{{0,8}}?(?:贸易伙伴|伙伴))?(?:{'|'.join(_PARTNERS)})")),
    (
        "other_place",
        re.compile(r"全省|全国|全自治区|全区域|全盟市|全地区(?=.{0,3}(?:平均|水平))|自治区|省内|[东中西]部地区"),
    ),
    ("goods", re.compile("|".join(_GOODS))),
    (
        "mode",
        re.compile(
            r"以(?:边境小额贸易|一般贸易|加工贸易)方式|(?:边境小额贸易|一般贸易|加工贸易|跨境电商|市场采购)方式"
        ),
    ),
    ("ownership", re.compile("|".join(_OWNERSHIP))),
    ("level_part", re.compile(r"(?:市|县|区|旗|州|盟)本级|本级")),
    (
        "place_form",
        re.compile(rf"(?:(?<=[，,。；\s的])|(?<=同期)|^)[{_HAN}]{{2,3}}(?:县|市|旗)(?={'|'.join(_PLACE_FORM_NEXT)})"),
    ),
    ("place", re.compile(rf"(?<=相邻的|邻近的|毗邻的|周边的)[{_HAN}]{{1,5}}(?:县|市|旗|区)")),
    (
        "town",
        re.compile(rf"[{_HAN}]{{2,4}}?(?:镇|乡|街道|苏木|社区)(?![{_HAN}]{{0,1}}(?:村|居民|人口|常住|城镇化|企业))"),
    ),
)
# Words that put the subject back on the document's unit.
# A pattern of _SUBJECTS can match only where one of these words is in the sentence.
_SUBJECT_WORDS = {
    "customs": ("海关", "关区"),
    "port": ("口岸",),
    "zone": tuple(_ZONES),
    "station": ("站",),
    "level_part": ("本级",),
}

_TOPIC_WORDS = ("口岸", "海关", "关区", *_ZONES, *_PARTNERS)


def may_name_topic(text: str) -> bool:
    """Whether a text can name a zone, a partner or another place's port (the subjects a paragraph can be
    about); most cannot, and finding subjects is the costly part of reading a sentence.

    >>> may_name_topic("瑞丽重点开发开放试验区建设稳步推进"), may_name_topic("全市粮食总产量12万吨")
    (True, False)
    """
    return any(w in text for w in _TOPIC_WORDS)


_UNIT_WORDS = re.compile(
    r"全(?:市|县|区|旗|州|盟|地区|自治州|自治县)|我(?:市|县|区|旗|州|盟)|本(?:市|县|区|旗|州|盟)|"
    r"全年全(?:市|县|区|旗|州|盟)"
)


@dataclass(frozen=True)
class Subject:
    """What a clause is about. `named` is False when only an indicator's own name says it (口岸 in
    口岸进出口货运量): such a subject holds for its figure, not for the ；-parts after it."""

    # unit | customs | port | other_port | zone | station | partner | other_place | goods | mode | ownership |
    # level_part | town | place
    kind: str
    text: str
    start: int
    named: bool = True


UNIT = Subject("unit", "", 0)


def unit_words(unit_name: str | None) -> set[str]:
    """How a document names its own unit: 全市/全县 … of its own level, and its name with and without
    the suffix.

    >>> sorted(unit_words("交城县"))
    ['交城', '交城县', '全县', '我县', '本县']
    """
    if not unit_name:
        return set()
    words = {unit_name}
    m = re.match(rf"^([{_HAN}]{{2,}}?)(?:自治县|自治旗|自治州|市|县|区|旗|盟|州|地区|林区|特区)$", unit_name)
    if m:
        words.add(m.group(1))
    for suffix in ("地区", "市", "县", "区", "旗", "盟", "州"):
        if unit_name.endswith(suffix):
            words |= {f"全{suffix}", f"我{suffix}", f"本{suffix}"}
            break
    return words


def parent_words(unit_name: str | None) -> set[str]:
    """全X words that name the parent of the document's unit (全市 in a county's bulletin)."""
    if not unit_name:
        return set()
    if unit_name.endswith(("县", "旗", "区")) and not unit_name.endswith("地区"):
        return {"全市", "全州", "全盟", "全地区"}
    if unit_name.endswith("市") and len(unit_name) >= 3:
        return {"全州", "全盟", "全地区"}
    return set()


class SubjectFinder:
    """Finds the subject of each clause of a sentence (places through the catalog and the gazetteer)."""

    def __init__(self, cat: Catalog, unit_name: str | None):
        self.cat = cat
        self.unit_name = unit_name
        self.own = unit_words(unit_name)
        self.parents = parent_words(unit_name)
        self.own_codes = {n.unit_code for n in cat.unit_names if n.name in self.own}
        self._memo: dict[tuple[str, tuple[tuple[int, int], ...]], list[Subject]] = {}

    def subjects(self, sentence: str, masked: list[tuple[int, int]]) -> list[Subject]:
        """Subjects named in a sentence, left to right, outside the spans of indicator names (口岸 in
        口岸进出口货值 is part of a name, not a subject)."""
        key = (sentence, tuple(masked))
        if key not in self._memo:  # a sentence is asked about for its figures and for its topic
            self._memo[key] = self._subjects(sentence, masked)
        return list(self._memo[key])

    def _subjects(self, sentence: str, masked: list[tuple[int, int]]) -> list[Subject]:

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in masked)

        found: list[Subject] = []
        for a, b in masked:
            # 口岸进出口货值, 关区进出口: the name itself says whose figure it is
            name = sentence[a:b]
            if name.startswith("口岸"):
                found.append(Subject("port", name[:2], a, named=False))
            elif name.startswith(("关区", "海关")):
                found.append(Subject("customs", name[:2], a, named=False))
            elif name.startswith(("民营经济", "非公有制经济", "非公经济")):
                found.append(Subject("ownership", name[:4], a))
        for kind, pattern in _SUBJECTS:
            needs = _SUBJECT_WORDS.get(kind)
            if needs and not any(w in sentence for w in needs):
                continue  # the lazy name prefixes are costly to try at every character
            for m in pattern.finditer(sentence):
                if free(m.start(), m.end()):
                    found.append(Subject(kind, m.group(0), m.start()))
        for m in _UNIT_WORDS.finditer(sentence):
            if free(m.start(), m.end()):
                word = m.group(0).removeprefix("全年")
                kind = "other_place" if word in self.parents else "unit"
                found.append(Subject(kind, word, m.start()))
        found = [
            Subject("unit", x.text, x.start)
            if x.kind == "place_form" and x.text in self.own
            else Subject("place", x.text, x.start)
            if x.kind == "place_form"
            else x
            for x in found
        ]
        for s, e, name, code in self._places(sentence, provinces=True):
            if not free(s, e):
                continue
            if name in self.own or (code and code in self.own_codes):
                found.append(Subject("unit", name, s))
            else:
                found.append(Subject("place", name, s))
        # a port or customs house named after another place is that place's (绥芬河铁路口岸 in 牡丹江's news)
        for i, sub in enumerate(found):
            if sub.kind in ("port", "customs") and len(sub.text) > 2:
                for _, _, name, code in self._places(sub.text):
                    if name not in self.own and not (code and code in self.own_codes) and self.unit_name:
                        found[i] = Subject("other_port", sub.text, sub.start)
                        break
        # a place in brackets is a note on the subject, not a subject (全市（含辛集市）生产总值)
        brackets = bracket_spans(sentence)
        found = [x for x in found if not any(a < x.start < b for a, b in brackets)]
        # 牡丹江市全市…: a 全市 right after a place name is that place's whole, not the document's unit
        places_end = {x.start + len(x.text) for x in found if x.kind in ("place", "place_form")}
        found = [x for x in found if not (x.kind == "unit" and x.text.startswith("全") and x.start in places_end)]
        # a longer subject wins over one inside it (满洲里口岸 over 满洲里)
        found.sort(key=lambda x: (x.start, -len(x.text)))
        out: list[Subject] = []
        for sub in found:
            if out and sub.start < out[-1].start + len(out[-1].text):
                if sub.kind == "unit" and out[-1].kind == "place":
                    out[-1] = sub
                continue
            out.append(sub)
        return out

    def _places(self, text: str, provinces: bool = False) -> list[tuple[int, int, str, str | None]]:
        from catalog.gazetteer import find_places
        from extractors.identify import find_units

        out = [(s, s + len(n), n, c) for s, c, n in find_units(text, self.cat)]
        taken = {i for s, e, _, _ in out for i in range(s, e)}
        for m in find_places(text):
            if (m.level == "province" and not provinces) or any(i in taken for i in range(m.start, m.end)):
                continue
            if self.unit_name and any(p.name == self.unit_name for p in m.places):
                self.own.add(m.text)  # 成都 for 成都市
            out.append((m.start, m.end, m.text, None))
        return out


@functools.lru_cache(maxsize=8192)  # asked for each subject and each figure of a sentence
def bracket_spans(s: str) -> tuple[tuple[int, int], ...]:
    """Spans of the bracketed parts of a text (nested ones too; an unclosed bracket spans nothing)."""
    spans, stack = [], []
    for i, ch in enumerate(s):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            spans.append((stack.pop(), i + 1))
    return tuple(spans)


@functools.lru_cache(maxsize=8192)
def clause_bounds(sentence: str, separators: str = "，,:：") -> tuple[tuple[int, int], ...]:
    """Clause spans split at commas (and colons) outside brackets.

    >>> clause_bounds("全年地区生产总值12亿元（含转口，下同），增长5%")
    ((0, 20), (21, 25))
    """
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(sentence)))
    return tuple(spans)


_NUMBER = re.compile(r"\d")
_FIGURE = re.compile(r"\d(?![\d.]*\s*(?:年|月|日))")


def subject_at(sentence: str, position: int, subjects: list[Subject]) -> Subject:
    """The subject in effect at a position: the last subject named before it in the head of a clause
    (before the clause's first number), carried over the following clauses of the sentence; the
    document's unit when none was named. A subject named in a clause that states nothing (试验区建设
    稳步推进，…) does not carry over."""
    current = UNIT
    clauses = clause_bounds(sentence)
    for sub in subjects:
        if sub.start >= position:
            break
        a, b = next(((a, b) for a, b in clauses if a <= sub.start < b), (0, len(sentence)))
        head_end = next((m.start() + a for m in _FIGURE.finditer(sentence[a:b])), b)
        if sub.start > head_end:
            continue  # after the clause's figure: 占全省的比重, 居全市第一
        before = sentence[max(0, sub.start - 3) : sub.start]
        if re.search(r"(?:据|由|根据|按照|按)$", before) or (
            before.endswith("经") and sub.kind not in ("port", "station")
        ):
            continue  # 经自治区审定, 据海关统计: who says so, not whom the figure is of (经某口岸: through it)
        if re.search(r"(?:次于|高于|低于|超过|领先|快于|慢于|不及|落后于|占|相当于|比|较)$", before):
            continue  # 仅次于青岛, 占全市的: a comparison or a share, not the subject
        same_clause = a <= position < b
        if not same_clause and not _NUMBER.search(sentence[a:b]) and sub.kind in ("zone", "place", "town"):
            continue  # 试验区建设稳步推进，…: named, but nothing stated of it
        if sub.kind == "place" and re.match(
            r"(?:委|政府|人民政府|人大|党委|统计局|海关|调查队|市委|县委)",
            sentence[sub.start + len(sub.text) : sub.start + len(sub.text) + 4],
        ):
            continue  # 某某县委、县政府 …: an institution, the text's actor, not a subject of figures
        current = sub
    return current


_OTHER_YEAR = re.compile(
    r"(?<![比较与同于自从由])(?:上年|去年|前年|上一年|(?P<y>(?:19|"
    r"20)\d{2})\s*年(?![\d一二三四五六七八九十]{1,2}月))(?!同期|同比|以来|末至|[-—~至到])"
)


def other_year_in_head(head: str, data_year: int | None) -> str | None:
    """A clause head that puts its figure in another year than the data year (上年全县…, 2019年…).

    >>> other_year_in_head("上年全县", 2020), other_year_in_head("2020年全县", 2020), other_year_in_head("比上年", 2020)
    ('上年', None, None)
    """
    for m in _OTHER_YEAR.finditer(head):
        y = m.group("y")
        if y is None or (data_year is not None and int(y) != data_year):
            return m.group(0)
    return None
