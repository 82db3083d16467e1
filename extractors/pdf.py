"""PDF reader (pdfplumber): page-aware paragraphs with lines rejoined (a number broken across a line
break is one number again), tables with the text just above them as caption, and a `no_text` status
for scans without a text layer."""

from __future__ import annotations

import io
import itertools
import re
import statistics
import time

from extractors.document import CHROME_LINE, Paragraph, Problem, ReadDocument, Table, tables_from_lines

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


def read_pdf(data: bytes, max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES,
             max_seconds: float = MAX_SECONDS) -> ReadDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

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
    except (PDFSyntaxError, ValueError, TypeError, KeyError, AssertionError, OSError) as err:
        doc.status = "unreadable"
        doc.problems.append(Problem("error", f"PDF could not be opened ({type(err).__name__}: {err})"))
        return doc
    except Exception as err:  # pdfminer raises many private exception types on corrupt files
        doc.status = "unreadable"
        doc.problems.append(Problem("error", f"PDF could not be opened ({type(err).__name__}: {err})"))
        return doc
    with pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as err:
            doc.status = "unreadable"
            doc.problems.append(Problem("error", f"PDF page tree is broken ({type(err).__name__}: {err})"))
            return doc
        doc.pages = n_pages
        if n_pages > max_pages:
            doc.problems.append(Problem("warning", f"PDF has {n_pages} pages; only the first {max_pages} were read"))
        first_lines: list[str] = []
        chars_seen = 0
        started = time.monotonic()
        for p_no, page in enumerate(pdf.pages[:max_pages], start=1):
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
