"""Plain-text reader: lines become paragraphs; pipe-delimited or space-aligned rows become tables."""

from __future__ import annotations

import re

from extractors.document import CHROME_LINE, ReadDocument, tables_from_lines

MAX_BYTES = 20 * 1024 * 1024  # a bulletin as text is well under 1 MB

# A page copied as one long line: its headings, captions and table rows are still marked in it.
_INLINE_BREAKS = re.compile(
    r"\s+(?=[一二三四五六七八九十]{1,2}、\S)|\s+(?=(?:表|图)\s?\d{1,2}\s)|\s*\|\s+\|\s*|(?<=。)\s+(?=\S)|"
    r"\s+(?=(?:指\s?标|项\s?目)\s*\|)")


def split_long_line(line: str) -> list[str]:
    """Split a line that holds a whole page (more than 300 characters) at the inline headings, captions,
    table-row separators ("| |") and sentence ends that separate its parts.

    >>> page = "2013年某市统计公报 一、综合 全年地区生产总值33.46亿元。 表1 主要指标 指标 | 绝对数 | | GDP | 3 |"
    >>> split_long_line(page + " 以下文字" * 60)[:5]
    ['2013年某市统计公报', '一、综合 全年地区生产总值33.46亿元。', '表1 主要指标', '指标 | 绝对数', 'GDP | 3 |']
    """
    if len(line) <= 300:
        return [line]
    parts = [p.strip() for p in _INLINE_BREAKS.split(line)]
    out = []
    for p in parts:
        # prose after the last row of an inline table: "… | 3 | 全年…"
        tail = re.match(r"^(.*\|)\s+([^|]{20,})$", p)
        if tail and "|" in tail.group(1):
            out.append(tail.group(1))
            p = tail.group(2)
        # a title glued to its date line: "2013年某市统计公报 2014年4月10日 全市上下…"
        m = re.match(r"^(\S{6,60}?(?:统计公报|政府工作报告))\s+(.+)$", p)
        out.extend([m.group(1), m.group(2)] if m else [p])
    return [p for p in out if p]


def read_text(text: str) -> ReadDocument:
    doc = ReadDocument(format="text")
    lines = [part for ln in text.splitlines() for part in split_long_line(ln.strip())]
    numbered = [(ln, f"para={i}") for i, ln in enumerate(lines, start=1) if ln and not CHROME_LINE.search(ln)]
    doc.paragraphs, doc.tables = tables_from_lines(numbered, "")
    doc.title_candidates = [ln for ln, _ in numbered[:3] if len(ln) <= 80]
    return doc
