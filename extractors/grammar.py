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
from extractors.document import Problem
from extractors.identify import part_year_period
from extractors.numbers import normalize, parse_number, scale
from extractors.scope import (
    AVERAGE,
    CUMULATIVE,
    FIVE_YEAR,
    TARGET,
    UNIT,
    Section,
    Subject,
    SubjectFinder,
    bracket_spans,
    clause_bounds,
    may_name_topic,
    other_year_in_head,
    section_of,
    subject_at,
    subunit_breakdown_at,
)

_HAN = r"\u3400-\u9fff"
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_SEP = re.compile(r"[，,]")
# Filler that may stand between a clause start and a start-only name (全年全市实现外贸进出口 …).
_FILLER = re.compile(
    r"(?:全年|年内|当年|本年|今年|去年|上年|全市|全县|全区|全州|全盟|全地区|本市|本县|我市|我县|市|县|实现|完成|累计|"
    r"其中|货物|外贸|全口径|共|总计|合计|据海关统计|海关统计|按海关口径|预计|初步核算|据初步核算|"
    r"(?:19|20)\d{2}年(?:全年|末)?|\d{1,2}[-—至~]\d{1,2}月(?:份)?|\d{1,2}月(?:份)?至\d{1,2}月(?:份)?|前\d{1,2}个?月|"
    r"上半年|前三季度|一季度|今年|\s)+$"
)
_REFERENCE_BEFORE = re.compile(
    r"(?:占|相当于|对|与|同|高于|低于|快于|慢于|超过全省|带动|拉动|拉动了)(?:全市|全县|全年)?$|人均$|万元$|单位$|亿元$"
)
_REFERENCE_AFTER = re.compile(
    r"^(?:的比重|比重|的比例|比例|的份额|的\d|中的|中[，,、:：]|增长的贡献|的贡献|能耗|电耗|水耗|排名|位次|"
    r"增速(?:居|排|位)|总量(?:居|排|位))")
_GENERIC_STOP = re.compile(
    rf"[{_HAN}]{{1,6}}?(?:增加值|总产值|产值|收入|支出|投资|总额|零售额|销售额|营业额|交易额|贸易额|产量|利润|余额|"
    rf"人数|货运量|运输量|吞吐量|客运量|用电量|总量|总值|税收)"
)
_QUALIFIER_PRE = {"突破": "lower_bound", "超过": "lower_bound", "超": "lower_bound", "逾": "lower_bound",
                  "迈上": "lower_bound", "跨越": "lower_bound", "跃上": "lower_bound", "站上": "lower_bound",
                  "跨上": "lower_bound", "迈入": "lower_bound", "突破了": "lower_bound", "首破": "lower_bound",
                  "首次突破": "lower_bound", "首超": "lower_bound",
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
    r"(?P<verb>增长率为|增长率|增长|增速为|增速|增幅为|增幅|上涨|提高|增加|下降|降幅为|降幅|下滑|回落|减少|降低|负增长|"
    r"(?<![新净纯])增(?=\s?-?\d)|(?<![新净])降(?=\s?-?\d))"
    r"了?(?:为|达|达到)?(?:约|近|超过|超)?\s?(?P<neg>负)?(?P<num>-?\s?\d+(?:\.\d+)?)\s?(?P<unit>%|倍|个百分点)"
)
_DOWN_VERBS = {"下降", "降幅为", "降幅", "下滑", "回落", "减少", "降低", "负增长", "降"}
_MULTIPLE = re.compile(r"(?:是|为|相当于)(?:上年|去年|上年同期|上年的|去年同期)的?(?P<num>\d+(?:\.\d+)?)倍")
_FLAT = re.compile(r"持平")
_AVERAGE_BEFORE = re.compile(r"(?:两年平均|三年平均|年均|年平均|平均每年|平均)(?:分别)?$")
_INCREMENT_BEFORE = re.compile(r"(?:增加|减少|增长|下降|净增|新增|净减|增|减|多|少)了?$")
_FROM_BEFORE = re.compile(r"(?:由|从)\s*(?:[^，,]{0,10}的)?\s*$")
_COMPARABLE = re.compile(r"可比价|不变价|可比口径")
_CURRENT_PRICES = re.compile(r"当年价|现价")
_STRUCTURE = re.compile(
    r"(?:三次产业|三产|一二三产业|产业|经济)(?:增加值)?(?:结构|比例|比重|占比|构成|之比|比)|产业[^。；，,]{0,14}?(?:结构比|结构|比例)(?:为|是)")
# 第一产业增加值占地区生产总值的比重为a%，第二产业…比重为b%，第三产业…比重为c%
_SHARES = re.compile(
    r"第一产业(?:增加值)?(?:占[^，,。；]{0,12}?)?(?:的)?(?:比重|比例|占比)(?:为|是|达)?(?P<a>\d+(?:\.\d+)?)%[^。；]{0,10}?"
    r"第二产业(?:增加值)?(?:占[^，,。；]{0,12}?)?(?:的)?(?:比重|比例|占比)?(?:为|是|达)?(?P<b>\d+(?:\.\d+)?)%[^。；]{0,10}?"
    r"第三产业(?:增加值)?(?:占[^，,。；]{0,12}?)?(?:的)?(?:比重|比例|占比)?(?:为|是|达)?(?P<c>\d+(?:\.\d+)?)%"
    r"|(?:(?:一|第一)(?:产业)?[、,，和](?:二|第二)(?:产业)?[、,，和](?:三|第三)(?:次)?产业|三次产业)(?:增加值)?"
    r"(?:占[^，,。；]{0,12}?)?(?:的)?(?:比重|比例|占比)"
    r"分别(?:为|是|达)?(?P<a2>\d+(?:\.\d+)?)%[、,，](?P<b2>\d+(?:\.\d+)?)%(?:和|、|,|，)(?P<c2>\d+(?:\.\d+)?)%")
_RATIO = re.compile(r"(\d+(?:\.\d+)?)%?\s?:\s?(\d+(?:\.\d+)?)%?\s?:\s?(\d+(?:\.\d+)?)%?")
_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d{2}年)")
_SECTOR_LIST = re.compile(r"第一(?:产业)?[、,和与及]第?二(?:产业)?[、,和与及]第?三产业(?:增加值)?")
_TRADE_LIST = re.compile(r"(?<![\u3400-\u9fff])(出口|进口)(?:额|总额)?[、和与及](出口|进口)(?:额|总额)?")
_INCOME_LIST = re.compile(
    r"城乡(?:常住)?居民(?:人均)?可支配收入|城乡居民人均收入|"
    r"城镇(?:常住)?(?:居民)?(?:和|、|与|及)(?:农村|农村牧区|牧区|农牧区)(?:常住)?(?:居民)?(?:人均)?可支配收入")
_RESPECTIVELY = re.compile(r"分别")
_LIST_GROWTH = re.compile(
    r"(?:(?P<resp>分别)(?:比上年|同比|较上年)?|(?:比上年|同比|较上年)(?P<resp2>分别)|(?:比上年|同比|较上年))?"
    r"(?P<verb>增长|下降|增加|减少|比增|比降)\s?(?:约)?"
    r"(?P<nums>-?\d+(?:\.\d+)?%?\s?(?:、|和|与|及|,|，)\s?(?:-?\d+(?:\.\d+)?%?\s?(?:、|和|与|及|,|，)\s?)*-?\d+(?:\.\d+)?%)"
)
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
    unit_name: str | None = None  # the document's unit as printed (its name tells sub-units apart)
    comparable_carry: bool = False  # "按可比价格计算，下同" holds for later sentences
    section: Section = field(default_factory=lambda: Section("outcome"))
    carried_period: str | None = None  # a part of the year named at the head of an earlier sentence of the line
    problems: list[Problem] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # figures seen and not taken, with the reason

    @property
    def period(self) -> str | None:
        return self.default_period or (str(self.data_year) if self.data_year else None)

    def skip(self, indicator: str | None, raw: str | None, reason: str, locator: str) -> None:
        self.skipped.append({"indicator": indicator, "as_printed": raw, "reason": reason, "locator": locator})


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
        r"(?P<pre>突破了|首次突破|突破|超过|将近|接近|首破|首超|超|逾|近|约|迈上|跨越|跃上|站上|跨上|迈入)?(?<![\d.])"
        r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千点]+)"
        rf"(?P<suffix>余|多)?\s?(?P<unit>{unit_alt}|亿(?=[，,。；;、)）]))(?!\s?[/每])(?P<post>左右|以上|大关|台阶)?"
        r"(?!(?:的|级|以上的|以下的|以上|以下)?(?:项目|企业|单位|规模|工程|级))"
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


# A start-only name right after a subject (某某海关实现进出口, 满洲里市进出口, 巴克图口岸累计进出口) starts its
# clause all the same: the subject decides whose figure it is.
_SUBJECT_END = re.compile(r"(?:海关|关区|口岸|口岸站|市|县|区|旗|州|盟|地区|综合保税区|综保区|园区|开发区|"
    r"试验区|合作区)$")


_OWN_NAMES: tuple[str, ...] = ()  # the document unit's names, set by the parser (义乌 of 义乌市)


def _clause_start_ok(sentence: str, start: int) -> bool:
    before = re.sub(r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．]|[一二三四五六七八九十]{1,3}、)", "",
                    sentence[:start])
    verbs = re.sub(r"(?:实现|完成|累计|共|全年|年内|预计|\s)+$", "", before)
    if _OWN_NAMES and verbs.endswith(_OWN_NAMES):
        return True  # 义乌外贸进出口总值: the document's own unit, named short
    if _SUBJECT_END.search(verbs) and not re.search(r"(?:对|与|向|从|自|经)[\u3400-\u9fff]{0,8}$", verbs):
        return True
    m = _FILLER.search(before)
    if m:
        before = before[: m.start()]
    before = re.sub(r"(?:首次|再次|连续|共计|合计|年内|全年)+$", "", before)
    if before and _ends_with_place(before):
        return True  # 2021年厦门进出口总额: a place's own total
    return not before or not re.search(rf"[{_HAN}A-Za-z0-9%)）]$", before)


def _ends_with_place(text: str) -> bool:
    from catalog.gazetteer import find_places

    tail = text[-10:]
    return any(m.end == len(tail) and m.level != "province" for m in find_places(tail))


def _hits(sentence: str, lex: Lexicon) -> list[_Hit]:
    hits: list[_Hit] = []
    masked = list(sentence)
    for m in lex.alias_re.finditer(sentence):
        code, mode = lex.alias_info[m.group(0)]
        s, e = m.span()
        mention = code in lex.extract or code in _MAPPED_ONLY
        if mention and mode == "start" and not _clause_start_ok(sentence, s):
            mention = False
        if mention and (_REFERENCE_BEFORE.search(sentence[:s]) or _REFERENCE_AFTER.search(sentence[e:])):
            mention = False
        hits.append(_Hit(s, e, m.group(0), code, mention))
        for i in range(s, e):
            masked[i] = "\x00"
    masked_s = "".join(masked)
    for m in _GENERIC_STOP.finditer(masked_s):
        if re.fullmatch(r"(?:实现|完成|共|全年|共实现)?(?:增加值|产值)", m.group(0)):
            continue  # 第一产业增长3.1%，实现增加值…: the sector's own value, not another item
        hits.append(_Hit(m.start(), m.end(), m.group(0), None, False))
    for m in re.finditer(r"其中", sentence):
        hits.append(_Hit(m.start(), m.end(), "其中", None, False))
    hits.sort(key=lambda h: h.start)
    # a gloss right after a name (地区生产总值（GDP）, 进出口总额（含边民互市）) belongs to that name
    glosses = bracket_spans(sentence)
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
        num = float(m.group("num").replace(" ", ""))
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


def _clauses(seg: str) -> tuple[tuple[int, int], ...]:
    """Clause spans of a stretch of text, split at commas outside brackets."""
    return clause_bounds(seg, "，,")


# Names that are an observation only of a subject that says what they are (货值 of a port).
_MAPPED_ONLY = {"goods_value"}
_COMPARED_BEFORE = re.compile(r"(?:高于|低于|多于|少于|超出|高出|低出|差距|相差|缩小|扩大|平均水平)[^，,]{0,12}$")


def _is_level(seg: str, q: _Quantity) -> bool:
    before = seg[: q.start]
    if _INCREMENT_BEFORE.search(before) and not re.search(r"(?:到|至)$", before):
        return False
    if _COMPARED_BEFORE.search(before):
        return False  # 高于全市平均水平6559元: a difference, not a level
    return not _FROM_BEFORE.search(before)


_QUARTER_ALONE = re.compile(r"(?<![前上下一])(?:第?[二三四]季度)")


def _sentence_period(sentence: str, mention_start: int, ctx: DocContext) -> str | None:
    head = sentence[:mention_start]
    part = part_year_period(head, ctx.data_year)
    if part:
        return part
    if _QUARTER_ALONE.search(head):
        return None  # 三季度: the quarter alone, or the year to its end? Not said: not read
    m = _LEADING_YEAR.match(sentence)
    if m and ctx.default_period is None:
        return m.group(0)[:4]
    if re.search(r"(?:全年|年末|年底)", head) and ctx.data_year:
        return str(ctx.data_year)
    if ctx.carried_period == "?":
        return None
    return ctx.carried_period or ctx.period


_FULL_STOP = re.compile(r"[。！？!?]")
_SHARE_OF = r"[^。]{0,40}?(?:占[^。，,；]{0,12}?)?(?:的)?(?:比重|占比)(?:为|是|达)?"
_SPREAD_SHARES = re.compile(
    rf"第一产业{_SHARE_OF}(?P<a>\d+(?:\.\d+)?)%[^。]{{0,80}}?第二产业{_SHARE_OF}(?P<b>\d+(?:\.\d+)?)%[^。]{{0,80}}?"
    rf"第三产业{_SHARE_OF}(?P<c>\d+(?:\.\d+)?)%")
_CONVERSION = re.compile(r"^\s*(?:按[^。；，,]{0,40}?(?:汇率|美元)[^。；]{0,30}?)?(?:计算|"
    r"折算)?[，,]?\s*(?:约合|折合|合|折算为|计算为|折)"
                         r"(?:美元|人民币)?\s*约?")
# Words that may stand between a trade name and its figure; anything else there is the goods traded.
_TRADE_FILLER = re.compile(
    r"^(?:\s|[，,、（(]|额|总额|总值|值|贸易额|贸易总额|贸易总值|贸易|规模|金额|总量|货物总值|商品总值|货物总额|合计|共计|"
    r"累计|达到|达|为|是|实现|完成|约|近|突破|超过|逾|预计|将|比上年|同比|较上年|均|分别|总计|首次|再创|创|继续|持续|"
    r"保持|呈现|货物|货值|货运量|人民币|美元|折合|依次|全年|年内|全市|全县|增长|下降|增速|增幅|降幅|回落|减少|提高|"
    r"上涨|比增|增|降|跨越|迈上|跃上|站上|跨上|迈入|突破了|将近|接近|超)+")


def _goods_object(seg: str) -> bool:
    """出口机电产品6.25亿元, 出口汽车2.8亿元: the trade of one kind of goods.

    >>> _goods_object("机电产品6.25亿元"), _goods_object("总额预计达到650亿元"), _goods_object("额12亿元")
    (True, False, False)
    """
    rest = _TRADE_FILLER.sub("", seg, count=1)
    return bool(re.match(r"^[\u3400-\u9fff]{2,8}?(?=\d|约|近|超过|突破|达)", rest))


_HEADING_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])")
_OWNERSHIP_HEADING = re.compile(r"民营经济|非公有制经济|非公经济|个体私营经济|县域经济")
_FIGURE = re.compile(r"\d(?![\d.]*\s*(?:年|月|日))")
_SUB_STOP = re.compile(r"[；;]")
# A ；-part that opens like this states something new, not another part of the whole before it.
_PART_CARRY = {"ownership", "partner", "goods", "mode", "zone", "port", "customs", "other_port", "station"}
_FRESH = re.compile(r"^\s*(?:全年|年末|年底|全市|全县|全区|全旗|全盟|全州|我市|我县|全地区)")
_CONTINUES = re.compile(r"^\s*(?:其中|同比|分别|该|比上年|较上年|增长|下降|货值|进出口货值)")
_NOMINAL = re.compile(r"名义|按现价|按当年价|现价|当年价格")
_REAL = re.compile(r"实际|扣除价格因素|剔除价格因素|按可比价|可比价格")
_GLUED_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])[^"
                            r"\s，,。；：:\d]{1,14}\s+(?=\S)")
_CAPTION_RUN = re.compile(
    r"^\s*(?:图|表)\s*\d+[^，,。；]*?(?=全年|年末|年底|全县|全市|全区|全旗|全盟|全州|初步核算|据初步|根据|经|按常住|$)"
    r"|^\s*(?:图|表)\s*\d+[^，,。；]*?单位\s*[:：]\s*\S{1,4}\s*")
# What a subject does to an indicator: the unit's own trade total said of a customs district or a port
# is that district's or port's figure; everything else said of another subject is not the unit's.
_SUBJECT_INDICATORS = {
    "customs": {"trade_total": "customs_district_trade", "customs_district_trade": "customs_district_trade"},
    "port": {"trade_total": "port_trade_value", "port_trade_value": "port_trade_value", "port_cargo": "port_cargo",
             "goods_value": "port_trade_value"},
    "station": {"port_cargo": "port_cargo"},
}
# Figures of ports and customs districts are named after a place (满洲里口岸, 二连海关): a place or port
# subject does not take them from the unit's document.
_PORTLIKE = {"customs_district_trade", "port_trade_value", "port_cargo"}
# After "X…，其中…", exports and imports are parts of X: the unit's own only when X is its trade total.
# What a 其中 may break a whole down into. After "X…，其中…" a target is read only when it is a part of X
# (其中出口… after the trade total); anything else named there is a part of X that the catalog does not keep
# (其中税收收入…，财政收入… after 一般公共预算收入; 其中进口… after a port's tonnage).
_PARTS = {
    "gdp": {"va_primary", "va_secondary", "va_tertiary", "va_industry"},
    "va_secondary": {"va_industry"},
    "trade_total": {"exports", "imports", "border_mutual_trade"},
    "exports": {"exports", "imports", "border_mutual_trade"},
    "imports": {"exports", "imports", "border_mutual_trade"},
    "fiscal_revenue_total": {"fiscal_revenue"},
}


_STATED_YEAR = re.compile(r"(?:到|至|为|是)?((?:19|20)\d{2})\s*年(?:的|末|底)?\s*$")


def _explicit_year(before: str) -> int | None:
    """The year printed right before a figure (增长到2018年的1016.49亿元 → 2018)."""
    m = _STATED_YEAR.search(before)
    return int(m.group(1)) if m else None


_PLAN_END = re.compile(r"(十[一二三四五])五(?:期)?末|“(十[一二三四五])五”(?:期)?末")


def _plan_end(text: str) -> int | None:
    """The last year of a five-year plan named as its end (十三五末 → 2020).

    >>> _plan_end("预计十三五末，全县"), _plan_end("“十二五”末")
    (2020, 2015)
    """
    m = _PLAN_END.search(text)
    if not m:
        return None
    n = "一二三四五".index((m.group(1) or m.group(2))[1]) + 1
    return 2005 + 5 * n


@dataclass
class _NameRun:
    """A list of names (外贸进出口、出口、进口分别完成…), with the span the names take."""

    span: tuple[int, int]
    codes: list[str]
    text: str

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]

    def group(self, _: int = 0) -> str:
        return self.text


def _name_runs(sentence: str, hits: list[_Hit]) -> list[_NameRun]:
    """Runs of two or more target names joined only by 、/和/及/与 and followed by 分别."""
    names = [h for h in hits if h.indicator is not None]
    runs: list[_NameRun] = []
    i = 0
    while i < len(names):
        j = i
        while j + 1 < len(names) and names[j + 1].mention and names[j].mention and \
                re.fullmatch(r"\s*[、和及与]\s*", sentence[names[j].end:names[j + 1].start]):
            j += 1
        if j > i and names[i].mention:
            codes = [h.indicator for h in names[i:j + 1]]
            end = names[j].end
            if len(set(codes)) == len(codes) and _RESPECTIVELY.search(sentence[end:end + 8]):
                runs.append(_NameRun((names[i].start, end), codes, sentence[names[i].start:end]))
        i = j + 1
    return runs


class SentenceParser:
    def __init__(self, cat: Catalog, ctx: DocContext):
        self.cat = cat
        self.lex = lexicon(cat)
        self.ctx = ctx
        self.subjects = SubjectFinder(cat, ctx.unit_name)
        global _OWN_NAMES
        _OWN_NAMES = tuple(w for w in self.subjects.own if len(w) >= 2 and not w.startswith(("全", "我", "本")))
        self._carry: Subject = UNIT
        self._named_before: set[str] = set()  # what the sentence before named (the whole a 其中 breaks down)
        self._parent_full: set[str] | None = None  # the whole a 其中 opening an earlier ；-part breaks down
        self._topic: Subject = UNIT  # what the paragraph is about, when it opens on a zone or a port
        self._section_subject: Subject = UNIT  # what the section is about (二、民营经济)
        self._line = ""
        self._five = False  # inside a five-year passage of a work report
        self._in_part = False
        self._last_money: Observation | None = None  # the last money figure, for a conversion that follows it
        self._hits_memo: dict[str, list[_Hit]] = {}

    def _hits(self, sentence: str) -> list[_Hit]:
        """The names in a sentence (memoised: a sentence is read for its figures, its topic and its lists)."""
        if sentence not in self._hits_memo:
            self._hits_memo[sentence] = _hits(sentence, self.lex)
        return list(self._hits_memo[sentence])

    def _spread_structure(self, full: str, m: re.Match, offset: int, locator: str) -> list[Observation]:
        """第一产业增加值…，占生产总值的比重为8.7%；第二产业…比重46.3%；第三产业…比重45.0%: the structure, stated
        sector by sector in one sentence."""
        parts = [Decimal(m.group(k)) for k in ("a", "b", "c")]
        loc = f"{locator};chars={offset + m.start()}-{offset + m.end()}"
        hits = self._hits(full)
        subject = subject_at(full, m.start(), self.subjects.subjects(full, [(h.start, h.end) for h in hits
                                                                           if h.indicator]))
        if subject is UNIT and self._carry.kind != "unit" and _CONTINUES.match(full):
            subject = self._carry
        if subject.kind != "unit" or abs(sum(parts) - 100) > Decimal("1.5"):
            return []
        period = _sentence_period(full, m.start(), self.ctx)
        if period is None or other_year_in_head(full[:m.start()], self.ctx.data_year):
            return []
        raw = ":".join(str(p) for p in parts)
        codes = ("structure_primary", "structure_secondary", "structure_tertiary")
        return [Observation(c, period, float(p), "PCT", None, None, None, raw, "%", None, loc, full.strip())
                for c, p in zip(codes, parts, strict=True)]

    def _conversion(self, full: str, offset: int, locator: str) -> list[Observation]:
        """"人均地区生产总值200647元。按当年平均汇率折合30206美元": the figure before, in the other currency."""
        prev = self._last_money
        m = _CONVERSION.match(full)
        if prev is None or not m:
            return []
        qs = [q for q in _quantities(full[m.end():], self.lex, self.cat)]
        if not qs or qs[0].start > 4:
            return []
        q = qs[0]
        prev_family = self.cat.measure_units[prev.unit].family
        if q.family == prev_family or q.family not in ("cny", "usd"):
            return []
        loc = f"{locator};chars={offset + m.end() + q.start}-{offset + m.end() + q.end}"
        o = self._obs(prev.indicator, prev.period, q, None, prev.qualifier, False, loc, full.strip())
        return [o] if o else []

    def _line_topic(self, text: str) -> Subject:
        """A paragraph that opens on a zone, port or partner (…综合保税区发展质量进一步提高。) is about it:
        its later sentences that name no subject of their own are too."""
        first = _FULL_STOP.split(text, maxsplit=1)[0]
        if not may_name_topic(first):
            return self._section_subject
        hits = self._hits(first)
        at = next((h.start for h in hits if h.indicator), len(first))
        subject = subject_at(first, at, self.subjects.subjects(first, [(h.start, h.end) for h in hits
                                                                       if h.indicator]))
        if subject.kind in ("zone", "partner", "other_port"):
            return subject
        return self._section_subject

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
        """Observations of one line (a paragraph, a PDF line group, a table-less text line)."""
        text = normalize(text)
        before = self.ctx.section
        self.ctx.section = section_of(text, self.ctx.section, self.ctx.kind)
        if self.ctx.section is not before:
            self._five = False
        if self.ctx.section.mode == "five_year" and self.ctx.data_year and re.match(
                rf"^(?:据预计[，,：:]?|预计[，,：:]?)?(?:全年|今年|去年|过去一年|过去的一年|一年来|{self.ctx.data_year}\s*年)",
                text):
            # a five-year review that turns to the past year (2017年是…的一年。/ 据预计，全年…)
            self.ctx.section = Section("outcome", self.ctx.section.heading)
        if _HEADING_LINE.match(text) and len(text) <= 30:
            # 二、民营经济: a section about a part of the economy; its figures are that part's
            own = _OWNERSHIP_HEADING.search(text)
            self._section_subject = Subject("ownership", own.group(0), 0) if own else UNIT
        if self.ctx.section.mode == "target":
            if re.search(r"\d", text):
                self.ctx.skip(None, text[:40], f"plans and targets ({self.ctx.section.heading})", locator)
            return []
        cut = subunit_breakdown_at(text)
        if cut is not None:
            if re.search(r"\d", text[cut:]):
                self.ctx.skip(None, text[cut:cut + 40], "a breakdown by sub-unit (分县/分区 …看)", locator)
            text = text[:cut]
        out: list[Observation] = []
        pos = 0
        if not _CONTINUES.match(text):
            self._carry, self._named_before = UNIT, set()
        self.ctx.carried_period = None
        self._topic = self._line_topic(text)
        self._line = text
        for m in [*_FULL_STOP.finditer(text), None]:
            end = m.end() if m else len(text)
            full = text[pos:end]
            if full.strip():
                found = self._full_sentence(full, pos, locator)
                if not found:
                    found = self._conversion(full, pos, locator)
                out.extend(found)
                money = [o for o in found if o.value is not None and o.unit in ("CNY", "CNY_100M", "USD", "USD_100M")]
                self._last_money = money[-1] if money else (None if found else self._last_money)
            pos = end
        return out

    def _full_sentence(self, full: str, offset: int, locator: str) -> list[Observation]:
        """A sentence up to 。: 预计 at its head holds for every part of it (；-separated items)."""
        if self.ctx.kind == "work_report" and not _HEADING_LINE.match(full):
            # "五年来，…。地区生产总值从A提升到B…": a five-year passage runs on until the text turns back to
            # the past year (全年/去年/2021年…) or a heading
            if FIVE_YEAR.search(full[:12]):
                self._five = True
            elif self._five and self.ctx.data_year and re.match(
                    rf"^\s*(?:(?:据预计|预计|初步统计|初步核算|据初步核算|据统计)[，,：:]?|(?:据预计|预计)?[，,：:]?\s*"
                    rf"(?:全年|今年|去年|过去一年|一年来|{self.ctx.data_year}\s*年))", full):
                self._five = False  # the text turns back to the past year
        out: list[Observation] = []
        pos = 0
        first_name = next((h.start for h in self._hits(full) if h.indicator), len(full))
        part = part_year_period(full[:min(first_name, 40)], self.ctx.data_year)
        if part:
            # "1-7月，全市…；…。进口…": the part of the year named at a sentence's head holds for the rest of the line
            self.ctx.carried_period = part
        elif _QUARTER_ALONE.search(full[:min(first_name, 40)]):
            self.ctx.carried_period = "?"  # an unclear quarter holds for the rest of the line too
        self._parent_full = None
        estimate_at = full.find("预计")
        if "预计" in full and re.search(r"预计(?:到|至)(?:19|20)\d{2}年", full):
            estimate_at = -1  # 预计到2025年: a projection, handled as a target
        spread = _SPREAD_SHARES.search(full) if not _SHARES.search(full) else None
        if spread:
            out.extend(self._spread_structure(full, spread, offset, locator))
        for m in [*_SUB_STOP.finditer(full), None]:
            end = m.end() if m else len(full)
            part = full[pos:end]
            if part.strip():
                estimate = 0 <= estimate_at < end  # 预计 at the head of a list holds for every item after it
                self._in_part = pos > 0  # a later ；-part: the subject of the one before carries over
                out.extend(self._sentence(part, offset + pos, locator, estimate, full))
            pos = end
        return out

    def _sentence(self, sentence: str, offset: int, locator: str, estimate: bool = False,
                  full: str | None = None) -> list[Observation]:
        heading = _GLUED_HEADING.match(sentence)
        if heading:
            # "五、对外贸易和口岸 全年外贸进出口…": a heading the page ran into its first sentence
            offset += heading.end()
            sentence = sentence[heading.end():]
            if full is not None:
                full = full[full.find(sentence):] if sentence in full else full
        cap = _CAPTION_RUN.match(sentence)
        if cap:
            # figure and table captions carry year ranges, not data; one without a sentence end runs into
            # the next sentence ("表2 2019年…涨幅 单位:% 全年全县财政总收入…"), which is read on its own
            if cap.end() >= len(sentence.rstrip("。；;！？!? ")):
                return []
            offset += cap.end()
            sentence = sentence[cap.end():]
        if re.search(r"下同", sentence) and _COMPARABLE.search(sentence):
            self.ctx.comparable_carry = True
        comparable = bool(_COMPARABLE.search(sentence)) or (
            self.ctx.comparable_carry and not _CURRENT_PRICES.search(sentence))
        if estimate or "预计" in sentence:
            qualifier = "estimate"
        elif re.search(r"初步核算|初步测算|初步统计", sentence):
            qualifier = "preliminary"
        else:
            qualifier = None
        target = TARGET.search(sentence)
        target_at = target.start() if target else len(sentence)
        five_year = self.ctx.section.mode == "five_year" or bool(FIVE_YEAR.search(full or sentence)) or self._five
        out: list[Observation] = []
        out.extend(self._structure(sentence, offset, locator, five_year))
        hits = self._hits(sentence)
        subjects = self.subjects.subjects(sentence, [(h.start, h.end) for h in hits if h.indicator])
        if _CONTINUES.match(sentence) or (self._in_part and not _FRESH.match(sentence) and
                                          self._carry.kind in _PART_CARRY and self._carry.named):
            start_carry = self._carry
        else:
            start_carry = self._topic if offset > 0 or self._topic.kind == "ownership" else UNIT
        lists, list_spans = self._lists(sentence, offset, locator, comparable, qualifier, hits, subjects,
                                        start_carry, target_at, five_year, full or sentence)
        out.extend(lists)
        mentions: list[tuple[_Hit, list[Observation]]] = []
        first_name = next((h.start for h in hits if h.indicator), len(sentence))
        fresh = bool(_FRESH.match(sentence)) or bool(re.match(r"^\s*(?:19|20)\d{2}\s*年", sentence)) or any(
            sub.kind == "unit" and sub.start < first_name for sub in subjects)
        if fresh:
            self._parent_full = None
        opening = re.match(r"^\s*其中", sentence)
        parent = set(self._named_before) if opening else self._parent_full
        named_here: set[str] = set()
        for i, h in enumerate(hits):
            if h.text == "其中":
                # 其中 breaks down what was named before it: in this part, or (at the part's start) in the sentence
                # before; one that opens a part holds for the ；-parts after it, one inside a part for that part
                parent = set(named_here) or (set(self._named_before) if h.start < 2 else set())
                if h.start < 2:
                    self._parent_full = parent
                continue
            if h.indicator is None:
                continue
            if not h.mention:
                if not any(a <= h.start < b for a, b in list_spans):
                    mentions.append((h, []))
                    named_here.add(h.indicator)
                continue
            if any(a <= h.start < b for a, b in list_spans):
                continue
            brackets = bracket_spans(sentence)
            nxt = next((x.start for x in hits[i + 1:] if x.start >= h.end and not any(
                a < x.start < b and a > h.end for a, b in brackets)), len(sentence))
            seg = sentence[h.end:nxt]
            span = f"chars={offset + h.start}-{offset + nxt}"
            loc = f"{locator};{span}" if locator else span
            subject = subject_at(sentence, h.start, subjects)
            if subject is UNIT:
                subject = start_carry
            previous = next((x.indicator for x in reversed(hits[:i]) if x.indicator), None)
            if h.indicator == "gdp_per_capita" and re.search(r"户籍人口|户籍", sentence[max(0, h.start - 12):h.start]):
                self.ctx.skip(h.indicator, seg[:30], "per registered resident (按户籍人口计算), another basis", locator)
                continue
            indicator, why = self._scope(h, sentence, seg, subject, target_at, five_year, full or sentence)
            if why is None and parent and not any(indicator in _PARTS.get(p, ()) for p in parent):
                why = f"a component of {'/'.join(sorted(parent))} (其中 …)"
            if why is None and re.match(r"^\s*(?:约合|折合|合)", seg) and previous and previous != h.indicator:
                why = f"a conversion of the {previous} figure before it"
            named_here.add(indicator if why is None else h.indicator)
            if why:
                if re.search(r"\d", seg):
                    self.ctx.skip(h.indicator, (h.text + seg)[:40], why, loc)
                continue
            period = _sentence_period(sentence, h.start, self.ctx)
            if period is None:
                continue
            # in a five-year passage, a figure tied to the data year keeps its own growth rate
            tied = bool(self.ctx.data_year and re.search(rf"{self.ctx.data_year}\s*年", sentence[:h.start]))
            if indicator == "population_resident" and re.search(r"人口普查|普查", full or sentence):
                indicator = "population_census"  # 第七次人口普查…常住人口: the census count, not the year-end figure
            found = self._mention(indicator, seg, period, qualifier, comparable, loc, sentence.strip(),
                                  five_year and not tied, subject.kind)
            mentions.append((h, found))
            out.extend(found)
        self._named_before = named_here or self._named_before
        # what a following 其中/同比 sentence continues: the subject the sentence opened on (its first
        # name's), or the one it named last when it opened on none
        first = next((h.end for h in hits if h.indicator), None)
        head_subject = subject_at(sentence, first, subjects) if first is not None else UNIT
        end_subject = subject_at(sentence, len(sentence), subjects)
        chosen = head_subject if head_subject is not UNIT or first is not None else end_subject
        self._carry = start_carry if chosen is UNIT else chosen
        out = self._respectively(sentence, mentions, out, list_spans)
        return out

    def _scope(self, h: _Hit, sentence: str, seg: str, subject: Subject, target_at: int,
               five_year: bool, full: str = "") -> tuple[str, str | None]:
        """The indicator a mention is an observation of, or why it is not one."""
        indicator = h.indicator or ""
        if h.start >= target_at or TARGET.search(seg[:16]):
            return indicator, "a target or plan"
        if indicator in _MAPPED_ONLY and subject.kind == "unit":
            return indicator, "a goods value without a port or customs subject"
        mutual_zone = indicator == "border_mutual_trade" and subject.kind == "zone" and "互市" in subject.text
        if subject.kind != "unit" and not mutual_zone and not (
                indicator in _PORTLIKE and subject.kind in ("place", "port", "customs", "station", "town")):
            mapped = _SUBJECT_INDICATORS.get(subject.kind, {}).get(indicator)
            if mapped is None:
                return indicator, f"said of {subject.text} ({subject.kind}), not of the unit"
            indicator = mapped
        clauses = clause_bounds(sentence)
        a = next((a for a, b in clauses if a <= h.start < b), 0)
        first_a, first_b = clauses[0]
        head = sentence[a:h.start]
        if a > 0 and not _FIGURE.search(sentence[first_a:first_b]):
            head = sentence[first_a:first_b] + "，" + head
        other = other_year_in_head(head, self.ctx.data_year)
        if other in ("去年", "上年", "上一年") and self.ctx.kind == "work_report":
            other = None  # a work report is delivered the year after the one it reviews: 去年 is that year
        if other:
            return indicator, f"a figure of another year ({other})"
        if AVERAGE.search(head) or re.match(r"^\s*(?:年均|平均每年)", seg):
            return indicator, "a yearly average"
        if self.ctx.kind == "work_report" and CUMULATIVE.search(head + seg[:6]) and not re.search(
                rf"全年|今年|{self.ctx.data_year or 'none'}\s*年", head):
            return indicator, "a cumulative total of several years (累计)"
        if five_year:
            before = full[:full.find(sentence)] if sentence in full else ""
            explicit = self.ctx.data_year and (
                re.search(rf"{self.ctx.data_year}\s*年", head + seg[:24])
                or _plan_end(before + head + seg[:8]) == self.ctx.data_year
                # 从2011年的A增加到2016年的B；人均GDP从C增加到D：end points of the data year, in parallel
                or (re.search(rf"到{self.ctx.data_year}\s*年", full) and
                    re.search(r"(?:增加|增长|提高|上升|扩大)(?:到|至)", seg[:40])))
            if CUMULATIVE.search(head + seg[:8]) or not explicit:
                return indicator, "a five-year review (cumulative totals, averages)"
        return indicator, None

    def _respectively(self, sentence: str, mentions: list[tuple[_Hit, list[Observation]]],
                      out: list[Observation], list_spans: list[tuple[int, int]]) -> list[Observation]:
        """"A亿元，B亿元，C亿元，分别增长a%、b%和c%": the rates of a 分别 list after several names belong to
        those names in order, not all to the last one."""
        for m in _LIST_GROWTH.finditer(sentence):
            if not (m.group("resp") or m.group("resp2")) or any(a <= m.start() < b for a, b in list_spans):
                continue
            if _AVERAGE_BEFORE.search(sentence[:m.start()]):
                continue  # 年均分别增长…: averages over several years
            nums = re.findall(r"-?\d+(?:\.\d+)?(?=%|\s?(?:、|和|与|及|,|，))|-?\d+(?:\.\d+)?%", m.group("nums"))
            nums = [n.rstrip("%") for n in nums]
            before = [(h, obs) for h, obs in mentions if h.start < m.start()]
            if before and len(before[-1][1]) == len(nums) >= 2 and \
                    len({o.indicator for o in before[-1][1]}) == len(nums):
                # one name, several figures (a port's tonnage and its value): the rates go to them in order
                sign = -1 if m.group("verb") in ("下降", "减少", "比降") else 1
                for o, n in zip(before[-1][1], nums, strict=True):
                    new = Observation(**{**o.as_dict(), "growth_pct": sign * float(n),
                                         "growth_raw": f"{m.group('verb')}{n}%"})
                    out = [new if x is o else x for x in out]
                continue
            if len(nums) < 2 or len(before) < len(nums):
                continue
            sign = -1 if m.group("verb") in ("下降", "减少", "比降") else 1
            chosen = before[-len(nums):]
            if len({h.indicator for h, _ in chosen}) != len(chosen):
                continue
            for (_, obs), n in zip(chosen, nums, strict=True):
                for o in obs:
                    if o.growth_pct is not None and o.growth_raw and o.growth_raw not in m.group(0):
                        continue
                    new = Observation(**{**o.as_dict(), "growth_pct": sign * float(n),
                                         "growth_raw": f"{m.group('verb')}{n}%"})
                    out = [new if x is o else x for x in out]
        return out

    def _mention(self, indicator: str, seg: str, period: str, qualifier: str | None, comparable: bool,
                 loc: str, context: str, five_year: bool = False, subject: str = "unit") -> list[Observation]:
        if re.match(r"^\s*[、和及与]", seg):
            return []  # 社会消费品零售总额、固定资产投资…分别…: one name of a list, its figure comes with the list
        if re.match(r"^\s*(?:分别|依次)", seg):
            self.ctx.skip(indicator, seg[:30], "a list of sub-groups of the indicator (分别 …)", loc)
            return []
        if indicator in ("exports", "imports", "trade_total") and _goods_object(seg):
            # 出口机电产品6.25亿元, 出口汽车2.8亿元: a product's trade, not the unit's
            self.ctx.skip(indicator, seg[:30], "trade in one kind of goods", loc)
            return []
        families = {self.cat.measure_units[u].family for u in
                    (self.cat.indicators[indicator].unit, *self.cat.indicators[indicator].alt_units)}
        growths = _growths(seg)
        gspans = [(g.start, g.end) for g in growths]
        quantities = [q for q in _quantities(seg, self.lex, self.cat)
                      if not any(a <= q.start < b for a, b in gspans)]
        primary: _Quantity | None = None
        growth: _Growth | None = None
        clauses = _clauses(seg)
        first_a, first_b = clauses[0]
        first_q = next((q for q in quantities if first_a <= q.start < first_b and _is_level(seg, q)), None)
        if first_q is not None and first_q.family not in families:
            if first_q.family == "tonnes" and subject in ("port", "station") and \
                    indicator in ("trade_total", "port_trade_value"):
                # 巴克图口岸进出口货物7.64万吨、货值2.5亿美元: the port's tonnage and its goods value
                return self._port_pair(seg, period, quantities, growths, qualifier, loc, context)
            # 进口1350万吨，下降7.4%: the name is of a tonnage here, and its rate is the tonnage's
            self.ctx.skip(indicator, seg[:30], f"a figure in {first_q.unit_raw}, not a measure of {indicator}", loc)
            return []
        for c_no, (a, b) in enumerate(clauses):
            clause = seg[a:b].strip()
            value_ok = c_no == 0 or bool(_VALUE_CLAUSE.match(clause))
            growth_ok = c_no == 0 or bool(_GROWTH_CLAUSE.match(clause)) or (primary is not None and c_no == 1)
            if primary is None and value_ok:
                for q in quantities:
                    if a <= q.start < b and q.family in families and _is_level(seg, q):
                        primary = q
                        break
            elif primary is not None and primary.qualifier == "lower_bound" and c_no == 1 and \
                    re.match(r"^(?:达到|达|为|实现|完成|累计完成|累计实现|全年完成)", clause):
                # 突破600亿元，达到617.88亿元: the threshold, then the figure
                exact = next((q for q in quantities if a <= q.start < b and q.family == primary.family
                              and _is_level(seg, q)), None)
                primary = exact or primary
            if growth is None and growth_ok:
                growth = next((g for g in growths if a <= g.start < b), None)
                if growth is None and primary is not None and (c_no == 1 or (c_no > 1 and growth_ok)):
                    # 进出口总额1745.5亿元，21.4%。/ …，比上年6.2%。: a rate with its verb left out
                    bare = re.fullmatch(r"(?:同比|比上年|较上年)?\s?(-?\d+(?:\.\d+)?)%[。；;！!]?", clause)
                    if bare and (c_no == 1 or re.match(r"(?:同比|比上年|较上年)", clause)):
                        growth = _Growth(a, b, float(bare.group(1)), clause, None)
            if c_no == 0 and primary is None:
                bare = _BARE_NUMBER.match(clause)
                if bare and not any(a <= q.start < b for q in quantities):
                    self._problem("error", f"{indicator}: number {bare.group(1)} without a unit in "
                                           f"{context[:60]!r}; not read", loc)
        if growth is not None and _NOMINAL.search(seg[max(0, growth.start - 8):growth.start]):
            # 名义增长a%，扣除价格因素实际增长b%: the real rate, the nominal one kept as printed
            real = next((g for g in growths if g.start > growth.start and g.pct is not None and
                         _REAL.search(seg[max(0, g.start - 10):g.start])), None)
            if real is not None:
                growth = _Growth(real.start, real.end, real.pct, f"{growth.raw}；{real.raw}", None)
        if five_year and growth is not None and growth.pct is not None:
            growth = None  # a five-year review's rates are over the five years
        if growth is not None and growth.pct is not None:
            base = re.search(r"(?:比|较|与)((?:19|20)\d{2})\s*年(?:(?!比上年|同比|较上年).)*$", seg[:growth.start])
            if base and self.ctx.data_year and int(base.group(1)) != self.ctx.data_year - 1:
                growth = None  # 比2010年增长…, 与第六次人口普查相比增长…: not a year-on-year rate
        if primary is not None:
            stated = _explicit_year(seg[:primary.start])
            if stated is not None and stated != self.ctx.data_year:
                if self.ctx.kind == "news" and not re.search(r"-", period):
                    period = str(stated)  # 增长到2018年的1016.49亿元: the figure's own year
                else:
                    self.ctx.skip(indicator, primary.raw, f"a figure of another year ({stated})", loc)
                    return []
        if primary is None and growth is None:
            return []
        if growth is not None and growth.problem:
            self._problem("warning", f"{indicator}: {growth.problem}", loc)
        out = []
        twin = self._currency_twin(seg, primary, quantities) if primary else None
        growth_for_twin = None
        if twin and growth is not None:
            # a growth rate explicitly in the twin's currency belongs to the twin; otherwise to the figure as
            # printed (its growth in the other currency's terms may differ)
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

    def _shared_unit(self, seg: str, last: _Quantity, n: int) -> list[_Quantity] | None:
        """分别完成137.11、98.63、38.48亿元: bare numbers that share the unit printed after the last one."""
        m = re.search(rf"((?:\d+(?:\.\d+)?\s?[、和与及,，]\s?){{{n - 1}}})$", seg[:last.start])
        if not m:
            return None
        nums = re.findall(r"\d+(?:\.\d+)?", m.group(1))
        out = []
        for k, raw in enumerate(nums):
            pos = m.start(1) + m.group(1).find(raw)
            out.append(_Quantity(pos, pos + len(raw), Decimal(raw), f"{raw}{last.unit_raw}", last.unit_raw, last.family,
                                 last.multiple, last.qualifier if k == 0 else None))
        return [*out, last]

    def _port_pair(self, seg: str, period: str, quantities: list[_Quantity], growths: list[_Growth],
                   qualifier: str | None, loc: str, context: str) -> list[Observation]:
        """A port's tonnage and, in the same clause, its goods value (货值/贸易额)."""
        out = []
        b = _clauses(seg)[0][1]
        tonnes = next(q for q in quantities if q.family == "tonnes")
        value = next((q for q in quantities if q.family in ("cny", "usd") and q.start > tonnes.start and
                      re.search(r"货值|贸易额|货物总值|进出口额", seg[tonnes.end:q.start])), None)
        own_growth = next((g for g in growths if tonnes.end <= g.start < (value.start if value else b)), None)
        clauses = _clauses(seg)
        if own_growth is None and value is None and len(clauses) > 1 and \
                _GROWTH_CLAUSE.match(seg[clauses[1][0]:clauses[1][1]].strip()):
            own_growth = next((g for g in growths if clauses[1][0] <= g.start < clauses[1][1]), None)
        o = self._obs("port_cargo", period, tonnes, own_growth, qualifier, False, loc, context)
        if o:
            out.append(o)
        if value is not None:
            v = self._obs("port_trade_value", period, value, None, qualifier, False, loc, context)
            if v:
                out.append(v)
        return out

    def _currency_twin(self, seg: str, primary: _Quantity, quantities: list[_Quantity]) -> _Quantity | None:
        """223.6亿美元（折合人民币1475.69亿元）: both currencies are kept."""
        other = {"usd": "cny", "cny": "usd"}.get(primary.family)
        if other is None:
            return None
        for q in quantities:
            if q.start > primary.start and q.family == other:
                between = seg[primary.end:q.start]
                short = len(between) <= 16 and "，" not in between.strip("，")
                if short and re.search(r"折合|折|约合|合|人民币|美元|汇率", between):
                    return q
                break
        return None

    def _structure(self, sentence: str, offset: int, locator: str, five_year: bool = False) -> list[Observation]:
        shares = _SHARES.search(sentence)
        if shares:
            m = shares
            parts = [Decimal(x) for x in m.groups() if x is not None]
        else:
            if not _STRUCTURE.search(sentence):
                return []
            triples = list(_RATIO.finditer(sentence))
            if not triples:
                return []
            m = triples[-1]  # 由4.6:45.7:49.7调整为5.1:42.5:52.4: the second is this year's
            parts = [Decimal(x) for x in m.groups()]
        loc = f"{locator};chars={offset + m.start()}-{offset + m.end()}"
        head = sentence[:m.start()]
        other = other_year_in_head(re.sub(r"由[^:]*?(?:调整|优化|变为|转变)", "", head), self.ctx.data_year)
        if other and not re.search(r"(?:调整|优化|变化|变|转变|演变)为\s*$", head):
            self.ctx.skip("structure_primary", m.group(0), f"a figure of another year ({other})", loc)
            return []
        if five_year and not (self.ctx.data_year and (str(self.ctx.data_year) in head or (
                re.search(r"(?:调整|优化|变化|转变)为\s*$", head) and
                re.search(rf"到{self.ctx.data_year}\s*年", self._line)))):
            self.ctx.skip("structure_primary", m.group(0), "a five-year review", loc)
            return []
        hits = self._hits(sentence)
        subject = subject_at(sentence, m.start(), self.subjects.subjects(sentence, [(h.start, h.end) for h in hits
                                                                                 if h.indicator]))
        if subject is UNIT and self._topic.kind != "unit" and not _CONTINUES.match(sentence):
            subject = self._topic
        if subject.kind != "unit":
            self.ctx.skip("structure_primary", m.group(0), f"said of {subject.text} ({subject.kind})", loc)
            return []
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

    def _lists(self, sentence: str, offset: int, locator: str, comparable: bool, qualifier: str | None,
               hits: list[_Hit], subjects: list[Subject], start_carry: Subject, target_at: int,
               five_year: bool, full: str = "") -> tuple[list[Observation], list[tuple[int, int]]]:
        """第一、二、三产业增加值分别为a亿元、b亿元和c亿元，分别增长x%、y%和z%."""
        out: list[Observation] = []
        spans: list[tuple[int, int]] = []
        for pattern, codes_for in (
            (None, lambda m: m.codes),
            (_SECTOR_LIST, lambda m: ["va_primary", "va_secondary", "va_tertiary"]),
            (_TRADE_LIST, lambda m: ["exports" if g == "出口" else "imports" for g in m.groups()]),
            (_INCOME_LIST, lambda m: ["urban_income", "rural_income"]),
        ):
            found = pattern.finditer(sentence) if pattern is not None else _name_runs(sentence, hits)
            for m in found:
                if any(a <= m.start() < b for a, b in spans):
                    continue  # inside a list already read
                rest = sentence[m.end():]
                respectively = _RESPECTIVELY.search(rest[:16])
                paired = _LIST_GROWTH.search(rest[:40])
                if not respectively and not (paired and codes_for(m)[0] == "urban_income"):
                    continue
                codes = codes_for(m)
                if len(set(codes)) != len(codes):
                    continue
                stop = next((h.start - m.end() for h in hits
                             if h.start >= m.end() and h.indicator is not None and h.indicator not in codes),
                            len(rest))
                seg = rest[:stop]
                loc = f"{locator};chars={offset + m.start()}-{offset + m.end() + stop}"
                subject = subject_at(sentence, m.start(), subjects)
                if subject.kind == "unit" and subject is UNIT:
                    subject = start_carry
                fake = _Hit(m.start(), m.end(), m.group(0), codes[0], True)
                _, why = self._scope(fake, sentence, seg, subject, target_at, five_year, full)
                if why:
                    spans.append((m.start(), m.end() + stop))
                    if re.search(r"\d", seg):
                        self.ctx.skip(codes[0], (m.group(0) + seg)[:40], why, loc)
                    continue
                growths = [g for g in _growths(seg) if g.pct is not None]
                lg = _LIST_GROWTH.search(seg)
                if lg and _AVERAGE_BEFORE.search(seg[:lg.start()]):
                    lg, growths = None, []  # 年均分别增长a%和b%: averages over several years
                if lg and len(growths) < len(codes):
                    # 分别增长3.2%、7.8%和6.1%: one verb for the whole list
                    sign = -1 if lg.group("verb") in ("下降", "减少", "比降") else 1
                    nums = [n.rstrip("%") for n in re.findall(r"-?\d+(?:\.\d+)?%?", lg.group("nums"))]
                    growths = [_Growth(lg.start(), lg.end(), sign * float(n), f"{lg.group('verb')}{n}%", None)
                               for n in nums]
                gspans = [(g.start, g.end) for g in growths]
                qs = [q for q in _quantities(seg, self.lex, self.cat)
                      if not any(a <= q.start < b for a, b in gspans) and _is_level(seg, q)]
                to = re.search(r"(?:由|从)[^。；]*?(?:增加|增长|提高|上升|扩大|下降|减少|调整)?(?:到|至)", seg)
                if to:
                    qs = [q for q in qs if q.start >= to.end()]  # 分别由A、B增加到C、D: the end points
                qs = [q for q in qs if self.cat.canonical_unit(codes[0], q.family)][: len(codes)]
                if len(qs) == 1 and len(codes) > 1:
                    shared = self._shared_unit(seg, qs[0], len(codes))
                    qs = shared or qs
                gs = growths[: len(codes)]
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
