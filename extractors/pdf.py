"""PDF reader (pdfplumber): page-aware paragraphs with lines rejoined (a number broken across a line
break is one number again), tables with the text just above them as caption, and a `no_text` status
for scans without a text layer."""

from __future__ import annotations

import io
import itertools
import numbers
import re
import statistics
import time
from typing import TYPE_CHECKING

from extractors.document import (
    CHROME_LINE,
    Paragraph,
    Problem,
    ReadDocument,
    Table,
    Unreadable,
    tables_from_lines,
)

if TYPE_CHECKING:
    import pdfplumber
    from pdfplumber.page import Page

MAX_PAGES = 300
MAX_BYTES = 100 * 1024 * 1024  # bulletins are a few MB; a larger file is something else
MAX_SECONDS = 120.0  # reading stops after this long, with a problem, keeping the pages read so far
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页|/\s*\d+)?[-—–\s]*$")
_DATE_LINE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}-\d{1,2}-\d{1,2}")
_PARA_START = re.compile(
    r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、](?!\d)|图\s*\d|表\s*\d|注[:：]|附注)"
)


def _join_lines(lines: list[str]) -> list[str]:
    """Rejoin wrapped lines into paragraphs. Chinese prose wraps anywhere, even inside a number
    ("123" / "8.35"), so wrapped lines are concatenated without a space. A paragraph ends at a line
    that ends a sentence, or at a clearly short line (a heading, an issuer line), and before a
    heading or caption; never where the break splits a number or a figure from its unit."""
    if not lines:
        return []
    full = statistics.median([len(x) for x in lines]) if len(lines) >= 3 else max(len(x) for x in lines)
    paras: list[str] = []
    cur = ""
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if cur and _PARA_START.match(line):
            paras.append(cur)
            cur = ""
        sep = " " if cur and re.search(r"[A-Za-z]$", cur) and re.match(r"^[A-Za-z]", line) else ""
        cur = f"{cur}{sep}{line}"
        split_figure = bool(re.search(r"[\d.]$", line) and re.match(r"^[\d.%]", nxt)) or bool(
            re.match(r"^[\d.]+\s?(?:亿|万|元|%|人|吨)", nxt) and not re.search(r"[。：:！？]$", line))
        if split_figure:
            continue
        if re.search(r"[。：:！？"
                     r"]$", line) or len(line) < 0.6 * full or (_PARA_START.match(line) and len(line) < full) \
                or (len(line) <= 40 and _DATE_LINE.search(line)):
            paras.append(cur)
            cur = ""
    if cur:
        paras.append(cur)
    return paras


def _page_list(pdf: pdfplumber.PDF) -> list[Page]:
    """pdfplumber's pages; when it cannot lay one out, the page and its fault are named."""
    try:
        return pdf.pages
    except Exception as err:  # pdfplumber does not say which page, nor which box, is at fault
        fault = _box_fault(pdf)
        raise Unreadable(fault or f"PDF page list is broken ({type(err).__name__}: {err})") from err


_BOXES = ("MediaBox", "CropBox", "TrimBox", "BleedBox", "ArtBox")


def _box_fault(pdf: pdfplumber.PDF) -> str | None:
    """The first page whose MediaBox is missing, or whose page boxes are not four numbers, as pdfplumber
    needs them: "PDF page 3: malformed MediaBox ([0 0 /abc])"."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.utils import resolve_all

    for p_no, page in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        for name in _BOXES:
            box = resolve_all(page.attrs.get(name))
            if box is None:
                if name == "MediaBox":
                    return f"PDF page {p_no}: no MediaBox"
                continue
            if not (isinstance(box, list) and len(box) == 4 and all(isinstance(x, numbers.Number) for x in box)):
                return f"PDF page {p_no}: malformed {name} ({_show_pdf_value(box)})"
    return None


def _show_pdf_value(value: object) -> str:
    """A PDF value as written in the file: [0 0 /abc]."""
    if isinstance(value, list):
        return "[" + " ".join(_show_pdf_value(v) for v in value) + "]"
    name = getattr(value, "name", None)  # a PDF name (/abc) is a pdfminer PSLiteral
    if name is not None:
        return "/" + (name.decode("latin-1") if isinstance(name, bytes) else str(name))
    return str(value)


def read_pdf(data: bytes, max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES,
             max_seconds: float = MAX_SECONDS) -> ReadDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    doc = ReadDocument(format="pdf")
    if len(data) > max_bytes:
        doc.status = "unreadable"
        doc.problems.append(Problem("error", f"PDF is {len(data):,} bytes, over the cap of {max_bytes:,}"))
        return doc
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        doc.status = "unreadable"
        doc.problems.append(Problem("error", "PDF is encrypted with a password; download an unprotected copy"))
        return doc
    # other damage raises out of here: read_document makes it this document's `unreadable` status
    pages = _page_list(pdf)  # before `with`: pdfplumber's close() lists the pages again, and raises again
    with pdf:
        n_pages = len(pages)
        doc.pages = n_pages
        if n_pages > max_pages:
            doc.problems.append(Problem("warning", f"PDF has {n_pages} pages; only the first {max_pages} were read"))
        first_lines: list[str] = []
        chars_seen = 0
        started = time.monotonic()
        for p_no, page in enumerate(pages[:max_pages], start=1):
            if time.monotonic() - started > max_seconds:
                doc.problems.append(Problem("error", f"reading stopped after {max_seconds:g} s at page {p_no} of "
                                                     f"{n_pages}; the later pages were not read"))
                break
            try:
                found = page.find_tables()
                bboxes = [t.bbox for t in found]

                def outside(obj: dict, bboxes: list = bboxes) -> bool:
                    cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                    cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
                    return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in bboxes)

                prose_page = page.filter(outside) if bboxes else page
                text = prose_page.extract_text(x_tolerance=1.5, y_tolerance=3) or ""
                chars_seen += len(page.chars)
                for t_no, t in enumerate(found, start=1):
                    rows = [tuple((c or "").replace("\n", "") for c in row) for row in t.extract()]
                    top = max(0.0, t.bbox[1] - 40)
                    above = page.crop((0, top, page.width, t.bbox[1])).extract_text() or ""
                    caption = " ".join(ln for ln in above.splitlines()[-2:] if ln.strip())
                    doc.tables.append(Table(tuple(r for r in rows if any(r)), caption, f"page={p_no};table={t_no}"))
            except Exception as err:
                doc.problems.append(Problem("error", f"page {p_no} could not be read ({type(err).__name__}: {err})"))
                continue
            lines = [ln.strip() for ln in text.splitlines()]
            lines = [ln for ln in lines if ln and not _PAGE_NUMBER.match(ln) and not CHROME_LINE.search(ln)]
            if p_no == 1:
                first_lines = lines[:6]
            prose, text_tables = tables_from_lines([(ln, "") for ln in lines], f"page={p_no};",
                                                   start_index=len(doc.tables) + 1)
            for para_no, para in enumerate(_join_lines([p.text for p in prose]), start=1):
                doc.paragraphs.append(Paragraph(para, f"page={p_no};para={para_no}"))
            doc.tables.extend(text_tables)
        if chars_seen == 0:
            doc.status = "no_text"
            doc.problems.append(Problem(
                "error", f"PDF has no text layer ({n_pages} page(s) of images); it needs OCR or a text copy"))
        # a long title wraps onto a second line
        joined = [a + b for a, b in itertools.pairwise(first_lines[:4])]
        doc.title_candidates = [ln for ln in (*first_lines[:4], *joined) if len(ln) <= 80]
        meta_title = (pdf.metadata or {}).get("Title")
        if isinstance(meta_title, str) and meta_title.strip():
            doc.title_candidates.append(meta_title.strip())
    return doc
