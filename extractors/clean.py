"""From a reader's paragraphs to the document's own lines: normalised text, with site chrome,
navigation, watermark tokens and the lists that follow the body taken out, and wrapped lines rejoined.

What a page carries around a document, and what is cut here (each seen on real pages):
- menus, login and font widgets, breadcrumbs (首页 > 统计公报 > 省), ICP and copyright lines, counters;
- year-index lines that list many years beside 统计公报, region-select widgets listing sibling counties;
- after the body: 相关公报 / 推荐阅读 lists and previous/next links naming other years or units;
- watermark tokens a document site inserts at every original line break (一段文字XLC 下一段);
- hard line breaks inside a sentence (forum copies, e-papers, text taken from PDFs).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractors.document import CHROME_LINE, Paragraph
from extractors.numbers import normalize

_YEAR_TOKEN = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# Lines that are navigation whatever else they hold.
_NAV_LINE = re.compile(
    r"^(?:搜索|导航|首页|登录|注册|会员登录|加入收藏|设为首页|收藏本站|网站首页|English|无障碍|站内搜索|高级搜索|"
    r"选择区域|地区选择|切换地区|热门搜索|热门标签|标签|关键词|关键字|栏目|频道|分享|分享到|返回|返回列表|打印|关闭|"
    r"小字号|大字号|中字号|字号|字体|推荐|推荐阅读|热点推荐|相关推荐|资料图|图片|来源|责任编辑|编辑|作者)[:：\s>]*$"
    r"|[>»›]{1,3}\s*\S+\s*[>»›]|当前位置|您的位置|您现在的位置|所在位置|年度索引|分省总索引|公报索引|"
    r"新用户注册|会员中心|退出登录|点击排行|阅读排行|Powered by|Discuz"
)
# Where the body ends: lists of other documents and prev/next links.
_TAIL_START = re.compile(
    r"^[【\[]?\s*(?:相关公报|相关链接|相关阅读|相关文章|相关新闻|相关文档|相关资料|相关统计公报|推荐阅读|延伸阅读|猜你喜欢|"
    r"热门文章|热点文章|最新文章|上一篇|下一篇|上一条|下一条|上一页|下一页|上篇|下篇|附件[:：]|附件下载|"
    r"责任编辑|【纠错】|分享到|扫一扫)"
)
_WATERMARK = re.compile(r"(?<=[\u3400-\u9fff，。；：、！？,.;:!?）)”\s])([A-Za-z][A-Za-z0-9]{1,4})(?=\s|$|"
    r"[\u3400-\u9fff])")
_MIXED_MARK = re.compile(
    r"(?<=[\u3400-\u9fff，。；：、）)%\d])((?=[A-Za-z]*[a-z])(?=[A-Za-z]*[A-Z])[A-Za-z]{3,4})(?=\s|$|[\u3400-\u9fff（(。，；\d])"
    # an upper-case one where no word can be: glued inside a Chinese word, or at a line end after Chinese text
    r"|(?<=[\u3400-\u9fff])([A-Z]{3})(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff。；：，%])([A-Z]{3})(?=\s*$)")
_SPACED_MARK = re.compile(r"(?:(?<=[\s，；。,;])|^)((?:[\u3400-\u9fff]{2,6}\s?){1,2}|[A-Za-z][A-Za-z0-9.]{2,14})(?=\s)")
_KNOWN_LATIN = {"GDP", "CPI", "PPI", "PMI", "TEU", "GNP", "AAA", "AAAA", "AAAAA", "PM", "IT", "VR", "AR", "APP",
                "ICP", "CEO", "WTO", "RCEP", "ASEAN", "EMS", "ETC", "LED", "LNG", "SUV", "GPS", "KTV", "CBD", "FDI",
                "GB", "ISO", "USB", "TV", "VIP", "OK", "NO", "No", "km", "kg", "kW", "kWh", "MW", "GW", "mu",
                "Ltd", "Co", "QQ", "pH", "PPP", "EPC", "MRO", "PCT", "DNA", "AI", "IP", "ID", "IPO", "WiFi", "Wifi"}
_SENTENCE_END = re.compile(r"[。！？!?；;：:）)」”\]】]$")
# Lines that open a sentence of their own: a missing full stop before them is the writer's, not a wrap.
_SENTENCE_START = re.compile(r"^(?:全年|年末|年底|初步核算|据初步|根据|按常住|全县|全市|全区|全旗|全盟|全州|"
    r"分产业|(?:19|20)\d{2}年[，,])")
_DATELINE = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|发布时间|发布日期|来源[:：]|作者[:：]|浏览次数|点击")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[章部分节]|"
    r"图\s*\d|表\s*\d|注[:：]|附注|附表)"
)


@dataclass(frozen=True)
class Line:
    text: str  # normalised
    locator: str
    nav: bool = False  # navigation that the raw text shows and normalising hides (spaced menu items)


def watermark_tokens(texts: list[str]) -> set[str]:
    """Short Latin tokens that a document site sprinkles at line breaks: the same 2–5 letter token,
    glued to Chinese text, three times or more, and not a word of the text (GDP, TEU …).

    >>> sorted(watermark_tokens(["各位代表:XLC", "现在,我代表XLC 市人民政府", "一、工作回顾XLC", "GDP增长5%"]))
    ['XLC']
    """
    counts: Counter[str] = Counter()
    spaced: Counter[str] = Counter()
    for t in texts:
        counts.update(m.group(1) for m in _WATERMARK.finditer(t))
        spaced.update(m.group(1).strip() for m in _SPACED_MARK.finditer(t))
    out = {tok for tok, n in counts.items() if n >= 3 and tok not in _KNOWN_LATIN and tok.upper() not in _KNOWN_LATIN}
    # a word that stands between spaces after a sentence mark again and again (，仅供参考 第三产业…): a watermark
    out |= {tok for tok, n in spaced.items() if n >= 3 and tok not in _KNOWN_LATIN and not _HEADING.match(tok)}
    # a reprint site's line-end marks are sometimes all different (…完成51.7亿元。FlY （二）…): a mixed-case
    # three-letter token glued to Chinese text is one whatever its count
    for t in texts:
        out |= {tok for m in _MIXED_MARK.finditer(t) if (tok := m.group(1) or m.group(2) or m.group(3))
                and tok not in _KNOWN_LATIN}
    return out


def strip_tokens(text: str, tokens: set[str]) -> str:
    """Remove watermark tokens and the spaces around them.

    >>> strip_tokens("增长5%。 仅供参考 第三产业12亿元，内部资料 注意保存第一产业", {"仅供参考", "内部资料 注意保存"})
    '增长5%。第三产业12亿元，第一产业'
    """
    if not tokens:
        return text
    alt = "|".join(re.escape(t).replace("\\ ", "\\s?") for t in sorted(tokens, key=len, reverse=True))
    return re.sub(rf"\s*(?<![A-Za-z0-9])(?:{alt})(?![A-Za-z0-9])\s*", "", text)


def is_navigation(text: str) -> bool:
    """A line of navigation rather than document text.

    >>> is_navigation("统计公报年度索引: 2023 2022 2021 2020 2019 2018")
    True
    >>> is_navigation("首页 > 统计公报 > 广西")
    True
    >>> is_navigation("2020年,全县上下坚持稳中求进工作总基调。")
    False
    """
    t = text.strip()
    if not t:
        return True
    if _NAV_LINE.search(t) and not re.search(r"[。；]", t):
        return True
    # a region-select widget: several place names and nothing else (岚桥县 松朔市 澄溪区 白榆县)
    tokens = t.split()
    if len(tokens) >= 3 and all(re.fullmatch(r"[\u3400-\u9fff]{2,8}(?:县|市|区|旗|盟|州|地区|镇|"
        r"乡)", x) for x in tokens):
        return True
    years = set(_YEAR_TOKEN.findall(t))
    # a year index: many years and little else (2023 2022 2021 … or 2019年 2018年 2017年)
    if len(years) >= 3 and len(re.sub(r"[\d\s年|/、,，.\[\]【】()（）:：>-]", "", t)) <= 4 + 3 * len(years) \
            and "。" not in t:
        return True
    return bool(CHROME_LINE.search(t)) and len(t) <= 80


def rejoin(lines: list[Line]) -> list[Line]:
    """Join lines that a hard break split inside a sentence (a line that ends without sentence
    punctuation and is long, or ends inside a number, continues on the next line).

    >>> [x.text for x in rejoin([Line("全年地区生产总值12", "para=1"), Line("3.5亿元，增长5%。", "para=2"),
    ...                          Line("一、综合", "para=3"), Line("初步核算，全年", "para=4")])]
    ['全年地区生产总值123.5亿元，增长5%。', '一、综合', '初步核算，全年']
    """
    out: list[Line] = []
    for line in lines:
        if out:
            prev = out[-1].text
            prose = bool(re.search(r"[，,、。；]", prev)) or bool(re.search(r"[，,、。；]", line.text[:30]))
            wrapped = (not _SENTENCE_END.search(prev) and not _HEADING.match(line.text)
                       and ((len(prev) >= 24 and prose) or re.search(r"[，,、]$", prev) or re.search(r"[\d.]$", prev))
                       and not _HEADING.match(prev) and not re.match(r"^[—-]{1,2}", line.text)
                       and not _DATELINE.search(prev) and not _DATELINE.search(line.text[:40])
                       and not _SENTENCE_START.match(line.text))
            if wrapped:
                sep = " " if re.search(r"[A-Za-z]$", prev) and re.match(r"^[A-Za-z]", line.text) else ""
                out[-1] = Line(normalize(prev + sep + line.text), out[-1].locator)
                continue
        out.append(line)
    return out


def document_lines(paragraphs: list[Paragraph]) -> list[Line]:
    """Normalised lines of the document, without watermark tokens and empty lines (navigation is
    judged later, where the title is known)."""
    raw = [p.text for p in paragraphs]
    tokens = watermark_tokens(raw)
    out = []
    for p in paragraphs:
        raw = strip_tokens(p.text, tokens)
        text = normalize(raw).strip()
        if text:
            out.append(Line(text, p.locator, _spaced_navigation(raw)))
    return out


def _spaced_navigation(raw: str) -> bool:
    """Navigation that normalising would glue together: menu items or sibling places separated by spaces
    (首页  政务公开  政务服务 …, 江州区 天等县 大新县 …)."""
    tokens = raw.replace("\u3000", " ").split()
    if len(tokens) < 3 or any(re.search(r"[，,。；]|\d", t) for t in tokens):
        return False
    places = sum(bool(re.fullmatch(r"[\u3400-\u9fff]{2,8}(?:县|市|区|旗|盟|州|地区|镇|乡)", t)) for t in tokens)
    menu = sum(len(t) <= 6 for t in tokens)
    return places >= 3 or (menu == len(tokens) and len(tokens) >= 4)


def body_tail_start(lines: list[Line], start: int) -> int:
    """Index of the first line after the body (a 相关公报 list, prev/next links), or len(lines)."""
    for i in range(start, len(lines)):
        if _TAIL_START.match(lines[i].text):
            return i
    return len(lines)
