"""HTML reader: drops site chrome (scripts, navigation, headers, footers, sidebars), keeps the body as
paragraphs and data tables as rows with their captions."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from extractors.document import CHROME_LINE, Problem, ReadDocument, Table, tables_from_lines

MAX_BYTES = 20 * 1024 * 1024  # pages are under 2 MB; 200 MB took 3.5 min and 2.9 GB to parse

_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "aside", "form", "select",
              "button", "input", "textarea", "svg", "canvas", "object", "embed", "template", "head")
_CHROME_TOKENS = {"nav", "navbar", "menu", "submenu", "footer", "foot", "header", "top", "topbar", "breadcrumb",
                  "crumb", "crumbs", "sidebar", "side", "banner", "copyright", "share", "toolbar", "login",
                  "search", "related", "friendlink", "links", "position", "location", "weizhi", "dh", "daohang",
                  "bottom", "footer2", "ewm", "qrcode"}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
               "br", "tr", "table", "blockquote", "pre", "dd", "dt", "dl", "center", "hr", "td", "th", "caption",
               "figcaption", "figure"}


def _is_chrome(el: etree._Element) -> bool:
    ident = " ".join(filter(None, (el.get("id"), el.get("class"), el.get("role"))))
    if not ident:
        return False
    tokens = {t for t in re.split(r"[\s_\-]+", ident.lower()) if t}
    return bool(tokens & _CHROME_TOKENS) or el.get("role") in {"navigation", "banner", "contentinfo"}


def _cell_text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _is_data_table(table: etree._Element) -> bool:
    """A data table has several rows of short cells and no nested tables; gov sites also use tables
    for page layout, whose cells hold whole paragraphs."""
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    if len(rows) < 2:
        return False
    cells = [_cell_text(c) for r in rows for c in r if c.tag in ("td", "th")]
    return bool(cells) and max(len(c) for c in cells) <= 80


def _table_rows(table: etree._Element) -> list[tuple[str, ...]]:
    rows = []
    for tr in table.iter("tr"):
        row: list[str] = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            text = _cell_text(cell)
            try:
                span = max(1, min(int(cell.get("colspan", "1")), 20))
            except ValueError:
                span = 1
            row.extend([text] * span)
        if any(row):
            rows.append(tuple(row))
    return rows


def read_html(text: str) -> ReadDocument:
    doc = ReadDocument(format="html", raw_sample=text[:5000])
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as err:
        doc.status = "unreadable"
        doc.problems.append(Problem("error", f"HTML could not be parsed: {err}"))
        return doc

    title_el = root.find(".//title")
    page_title = _cell_text(title_el) if title_el is not None else ""
    headings_all = [_cell_text(h) for h in root.iter("h1", "h2", "h3")]

    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in [e for e in root.iter() if isinstance(e.tag, str) and _is_chrome(e)]:
        if el.getparent() is not None and el.tag not in ("html", "body"):
            el.drop_tree()
    for el in root.iter(etree.Comment):
        if el.getparent() is not None:
            el.drop_tree()

    # Walk the body: text flows into lines at block boundaries; data tables become Table objects.
    lines: list[str] = []
    tables: list[tuple[int, list[tuple[str, ...]], str]] = []
    buf: list[str] = []

    def newline() -> None:
        if buf:
            line = re.sub(r"[ \t\r\n]+", " ", "".join(buf)).strip()
            if line:
                lines.append(line)
            buf.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and _is_data_table(el):
            newline()
            cap_el = el.find(".//caption")
            caption = _cell_text(cap_el) if cap_el is not None else ""
            tables.append((len(lines), _table_rows(el), caption))
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            newline()
        if el.text and tag != "caption":
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            newline()
        if tag in ("td", "th"):
            buf.append("  ")
        if el.tail:
            buf.append(el.tail)

    body = root.find(".//body")
    walk(body if body is not None else root)
    newline()

    lines_clean = [(ln, i) for i, ln in enumerate(lines) if not CHROME_LINE.search(ln)]
    content_headings = [ln for ln, _ in lines_clean[:8] if len(ln) <= 80]
    doc.title_candidates = [t for t in (*content_headings[:3], page_title, *headings_all) if t]

    # Prose lines, with text-written tables (pipes, aligned columns) split out as tables too.
    paras, text_tables = tables_from_lines(
        [(ln, f"para={n + 1}") for n, (ln, _) in enumerate(lines_clean)], "", start_index=len(tables) + 1
    )
    doc.paragraphs = paras
    for t_no, (line_idx, rows, caption) in enumerate(tables, start=1):
        if caption and not re.search(r"单位|單位", caption):
            # <caption>表1 …</caption> with the unit in a paragraph just above the table (单位：亿元)
            above = [ln for ln in lines[max(0, line_idx - 2):line_idx] if len(ln) <= 30 and re.search(r"单位|單位", ln)]
            if above:
                caption = f"{caption} {above[-1]}"
        if not caption:
            # the caption or 单位 line usually sits just above the table
            before = [ln for ln in lines[max(0, line_idx - 2):line_idx] if len(ln) <= 80]
            caption = " ".join(ln for ln in before if re.search(r"单位|表\s*\d", ln)) or (
                before[-1] if before and line_idx - 1 >= 0 and lines[line_idx - 1] == before[-1] else "")
        doc.tables.append(Table(tuple(rows), caption, f"table={t_no}"))
    doc.tables.extend(text_tables)
    return doc
