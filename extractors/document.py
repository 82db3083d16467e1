"""What a reader hands to identification and the grammar: paragraphs and tables with locators."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class Unreadable(Exception):
    """A reader's refusal of a document; the message says what is wrong with it and is reported as is."""


@dataclass(frozen=True)
class Problem:
    severity: str  # error | warning | info
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Paragraph:
    text: str
    locator: str  # "para=12" or "page=2;para=3"


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    caption: str  # caption or heading text just above the table (carries 单位：万元 etc.)
    locator: str  # "table=1" or "page=2;table=1"


@dataclass
class ReadDocument:
    format: str  # html | pdf | text | docx
    title_candidates: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    status: str | None = None  # set by a reader that already knows: no_text | unreadable
    encoding: str | None = None
    pages: int | None = None
    raw_sample: str = ""  # start of the raw markup, for tell-tales that live in scripts

    @property
    def text_chars(self) -> int:
        return sum(len(p.text) for p in self.paragraphs) + sum(
            len(c) for t in self.tables for r in t.rows for c in r
        )


# Lines of site chrome that survive tag-level cleaning (ICP numbers, counters, print/close links).
CHROME_LINE = re.compile(
    r"ICP备|公网安备|网站标识码|版权所有|主办单位|承办单位|技术支持|联系我们|网站地图|浏览次数|访问量|阅读次数|点击数|"
    r"打印本页|关闭窗口|【\s*字[体号]|字体[:：]?\s*[大中小]|分享到|扫一扫|上一篇|下一篇|返回顶部|当前位置|您现在的位置|"
    r"Copyright|©|无障碍|适老化|政务微博|政务微信|网站纠错"
)

_SINGLE_SPACED_ROW = re.compile(
    r"^[^\d\s，,。；][^\s，,。；]{0,24}(?:\s+(?:万人|人|亿元|万元|元|万吨|吨|亿美元|万美元|%|\(%\)|（%）))?"
    r"(?:\s+(?:[-+]?\d[\d,]*(?:\.\d+)?%?|[-—–…/]+)){1,8}$")
_SINGLE_SPACED_HEADER = re.compile(r"^(?:指\s?标|项\s?目|指标名称|项目名称|地区|名称)(?:\s+[^\s，,。；]{1,14}){1,8}$")
_TEXT_TABLE_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{2,}")
_NUMERIC_CELL = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$|^[-—–…/]+$")


def split_text_row(line: str) -> list[str] | None:
    """Cells of a table row written as text (pipes, tabs or space-aligned columns), or None when
    the line is prose.

    >>> split_text_row("地区生产总值 | 1238.35 | 6.5")
    ['地区生产总值', '1238.35', '6.5']
    >>> split_text_row("地区生产总值     905743     -2.1")
    ['地区生产总值', '905743', '-2.1']
    >>> split_text_row("全年地区生产总值123亿元，增长6.5%。") is None
    True
    >>> split_text_row("地区生产总值 2472390 2322142 7.3"), split_text_row("指标 2021年 2020年 比上年增长(%)")
    (['地区生产总值', '2472390', '2322142', '7.3'], ['指标', '2021年', '2020年', '比上年增长(%)'])
    """
    from extractors.numbers import strip_pinyin

    s = strip_pinyin(line).strip().strip("|").strip()
    if not s or "。" in s:
        return None
    # a header cell letter-spaced over several columns' worth of spaces: 项  目  名  称
    s = re.sub(r"^((?:[\u3400-\u9fff]\s+){1,5}[\u3400-\u9fff])(?=\s)", lambda m: re.sub(r"\s+", "", m.group(1)), s)
    single = _SINGLE_SPACED_ROW.match(s) or _SINGLE_SPACED_HEADER.match(s)
    if single and not re.search(r"\s{2,}|\||\t", s):
        # text taken from a PDF keeps one space between columns: 地区生产总值 2472390 2322142 7.3
        return s.split()
    cells = [c.strip() for c in _TEXT_TABLE_SPLIT.split(s) if c.strip()]
    if len(cells) < 2 or not any(_NUMERIC_CELL.match(c.replace(" ", "")) for c in cells[1:]):
        # a header row of a text table has no numbers but several short labelled columns
        if len(cells) >= 3 and all(len(c) <= 12 for c in cells) and (
                "|" in s or "\t" in s or _HEADER_CELL.match(cells[0].replace("　", " "))):
            return cells
        return None
    return cells


_HEADER_CELL = re.compile(r"^(?:指\s*[标標](?:名称|名稱)?|[项項]\s*目|名\s*[称稱])$")
_HEADER_FIELD = re.compile(r"绝对[数值额]|单位|增长|增速|比上年|同比|%|％|总量|数值|(?:19|20)\d{2}年")
_SHORT_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$|^[-—–…/]+$")


def one_cell_per_line(lines: list[str]) -> tuple[list[list[str]], int] | None:
    """A table written one cell per line: a header (指标, then its column names) and then rows of a
    name followed by as many figures as there are columns. Returns (rows, lines used) or None.

    >>> one_cell_per_line(["指标", "绝对数", "比上年增长(%)", "地区生产总值", "95.4", "-0.2", "下文"])
    ([['指标', '绝对数', '比上年增长(%)'], ['地区生产总值', '95.4', '-0.2']], 6)
    """
    if not lines or not _HEADER_CELL.match(lines[0].replace("　", " ").strip()):
        return None
    n = 0
    while 1 + n < len(lines) and n < 4 and _HEADER_FIELD.search(lines[1 + n]) and len(lines[1 + n]) <= 16:
        n += 1
    if n == 0:
        return None
    rows = [lines[: 1 + n]]
    i = 1 + n
    while i + n < len(lines):
        name, cells = lines[i], lines[i + 1: i + 1 + n]
        if len(cells) < n or _SHORT_NUMBER.match(name) or len(name) > 30 or \
                not all(_SHORT_NUMBER.match(c.replace(" ", "")) or c in ("万元", "亿元", "元", "万人", "人", "%")
                        for c in cells):
            break
        rows.append([name, *cells])
        i += 1 + n
    return (rows, i) if len(rows) >= 2 else None


def pipe_stacked_rows(lines: list[str]) -> tuple[list[list[str]], int] | None:
    """A table as some pages render it in text: a lone "|" opens each row, then one cell per line,
    each ending with " |". Returns (rows, lines used) or None.

    >>> pipe_stacked_rows(["|", "指标 |", "绝对数 |", "|", "地区生产总值 |", "95.4 |", "下文"])
    ([['指标', '绝对数'], ['地区生产总值', '95.4']], 6)
    """
    rows: list[list[str]] = []
    i = 0
    while i < len(lines) and (lines[i] == "|" or (i == 0 and lines[i].endswith("|"))):
        cells = []
        if lines[i] == "|":
            i += 1
        while i < len(lines) and lines[i] != "|" and lines[i].endswith("|"):
            cells.append(lines[i][:-1].strip())
            i += 1
        if not cells:
            break
        rows.append(cells)
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    return rows, i


_SUBJECT_LINE = re.compile(r"(?:综合保税区|綜合保稅區|保税区|合作区|合作區|开发区|開發區|试验区|試驗區|口岸|海"
                           r"关|海關|关区|關區|园区|園區)$")
# A table row with one filled cell above the header (| 凭祥综合保税区 | | |): the table's subject or unit.
_LONE_CELL = re.compile(r"^\|\s*[^|\d]{2,30}?\s*(?:\|\s*){2,}$")


def _take_caption(paras: list[Paragraph]) -> str:
    """The caption lines just above a table (表2 …主要经济指标 / 单位：亿元), taken off the prose."""
    taken: list[str] = []
    while paras and len(taken) < 3 and len(paras[-1].text) <= 60 and (
            re.search(r"单位|單位|表\s*\d", paras[-1].text) or _LONE_CELL.match(paras[-1].text) or
            (len(paras[-1].text) <= 24 and _SUBJECT_LINE.search(paras[-1].text))):
        taken.insert(0, paras.pop().text.strip("| "))
    return " ".join(taken)


def tables_from_lines(
    lines: list[tuple[str, str]], table_prefix: str, start_index: int = 1
) -> tuple[list[Paragraph], list[Table]]:
    """Split (text, locator) lines into prose paragraphs and text tables (runs of rows). A short
    line just before a run that mentions 单位 or 表 becomes the table's caption."""
    paras: list[Paragraph] = []
    tables: list[Table] = []
    run: list[tuple[list[str], str, str]] = []
    caption = ""

    def flush() -> None:
        nonlocal run, caption
        if len(run) >= 2 or (run and caption):
            tables.append(Table(tuple(tuple(cells) for cells, _, _ in run), caption,
                                f"{table_prefix}table={start_index + len(tables)}"))
        else:
            paras.extend(Paragraph(text, loc) for _, text, loc in run)
        run, caption = [], ""

    i = 0
    while i < len(lines):
        text, loc = lines[i]
        piped = (pipe_stacked_rows([t.strip() for t, _ in lines[i: i + 600]])
                 if text.strip() == "|" or (text.strip().endswith(" |") and i + 1 < len(lines)
                                            and lines[i + 1][0].strip().endswith("|")) else None)
        if piped is not None:
            flush()
            caption = _take_caption(paras)
            rows, used = piped
            if rows and re.match(r"^(?:单位|單位)\s*[:：]", rows[0][0]):
                # "单位:亿元 |" opens the first row: it is the caption's unit, not a column
                caption = f"{caption} {rows[0][0]}".strip()
                rows = [rows[0][1:], *rows[1:]]
            tables.append(Table(tuple(tuple(r) for r in rows), caption,
                                f"{table_prefix}table={start_index + len(tables)}"))
            caption = ""
            i += used
            continue
        stacked = (one_cell_per_line([t.strip() for t, _ in lines[i: i + 400]])
                   if _HEADER_CELL.match(text.replace("　", " ").strip()) else None)
        if stacked is not None:
            flush()
            caption = _take_caption(paras)
            rows, used = stacked
            tables.append(Table(tuple(tuple(r) for r in rows), caption,
                                f"{table_prefix}table={start_index + len(tables)}"))
            caption = ""
            i += used
            continue
        i += 1
        cells = split_text_row(text)
        if cells is not None:
            if not run:
                caption = _take_caption(paras)
            run.append((cells, text, loc))
            continue
        flush()
        paras.append(Paragraph(text, loc))
    flush()
    return paras, tables
