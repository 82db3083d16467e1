"""Word (.docx) reader: paragraphs and tables in document order, read from word/document.xml.

A .docx is a zip, and a zip can lie: a few hundred KB can hold gigabytes of XML, and the sizes its
headers state need not be the real ones. So each part read (the package relationships, the main
document, the core properties) is decompressed in chunks with a running count and refused at a cap,
whatever the zip declares; and the document is parsed element by element (lxml iterparse), each body
paragraph or table dropped once read, instead of building one tree of it all.

The text is python-docx's: a paragraph is its runs and hyperlinks (tabs, line breaks), a table cell
repeats over the columns it spans and the rows merged into it.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree

from extractors.document import CHROME_LINE, Paragraph, Problem, ReadDocument, Table, Unreadable

MB = 1024 * 1024
MAX_XML = 50 * MB  # a real bulletin's document.xml is well under 5 MB
MAX_PART = 1 * MB  # package relationships and core properties are a few KB
_CHUNK = 64 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_MAIN_REL = "/officeDocument"
_CORE_REL = "/metadata/core-properties"
# a run's text: python-docx's CT_R.text (w:br only as a line break; page and column breaks are "")
_RUN_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _parser() -> etree.XMLParser:
    # untrusted XML: no entities expanded, no DTD or network access
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def _read_part(z: zipfile.ZipFile, name: str, cap: int, what: str) -> bytes:
    """A part's bytes, decompressed in chunks and refused past `cap` bytes, whatever size the zip declares."""
    info = copy.copy(z.getinfo(name))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # Word writes no other method; bzip2 and LZMA inflate a chunk without any bound
        raise Unreadable(f"{what} is compressed with zip method {info.compress_type}, which Word does not write")
    # zipfile stops at the declared size (and then fails the CRC check): only the count below may stop it
    info.file_size = 1 << 62
    buf = bytearray()
    with z.open(info) as member:
        while chunk := member.read(_CHUNK):
            buf += chunk
            if len(buf) > cap:
                raise Unreadable(f"{what} exceeds {cap // MB} MB uncompressed")
    return bytes(buf)


def _package_parts(z: zipfile.ZipFile) -> tuple[str, str | None]:
    """The main document's and the core properties' part names, from the package relationships."""
    main, core = "word/document.xml", "docProps/core.xml"
    if "_rels/.rels" in z.NameToInfo:
        rels = etree.fromstring(_read_part(z, "_rels/.rels", MAX_PART, "the package relationships"), _parser())
        for rel in rels.iter(_REL):
            target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
            if rel.get("TargetMode") == "External":
                continue
            if (rel.get("Type") or "").endswith(_MAIN_REL):
                main = target
            elif (rel.get("Type") or "").endswith(_CORE_REL):
                core = target
    if main not in z.NameToInfo:
        raise Unreadable(f"not a Word document: the package has no {main}")
    return main, core if core in z.NameToInfo else None


def _core_title(z: zipfile.ZipFile, core: str | None) -> str:
    if core is None:
        return ""
    props = etree.fromstring(_read_part(z, core, MAX_PART, "the core properties"), _parser())
    el = props.find(_DC_TITLE)
    return (el.text or "") if el is not None else ""


def _run_text(r: etree._Element) -> str:
    parts = []
    for e in r:
        if e.tag == f"{_W}t":
            parts.append(e.text or "")
        elif e.tag == f"{_W}br":
            parts.append("\n" if e.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif e.tag in _RUN_CHARS:
            parts.append(_RUN_CHARS[e.tag])
    return "".join(parts)


def _paragraph_text(p: etree._Element) -> str:
    """The runs' text, with the runs of hyperlinks (python-docx's Paragraph.text)."""
    parts = []
    for child in p:
        if child.tag == f"{_W}r":
            parts.append(_run_text(child))
        elif child.tag == f"{_W}hyperlink":
            parts.extend(_run_text(r) for r in child.iterchildren(f"{_W}r"))
    return "".join(parts)


def _val(el: etree._Element, path: str, default: str | None) -> str | None:
    """The w:val of the property at `path` under el; `default` when the property is present without it."""
    prop = el.find(path)
    return None if prop is None else prop.get(f"{_W}val", default)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _table_rows(tbl: etree._Element) -> list[tuple[str, ...]]:
    """Cell texts per row as python-docx gives them: a cell once per grid column it spans, a cell
    merged into the one above (vMerge continue) with the text of the merge's first cell."""
    rows = []
    above: dict[int, tuple[str, int]] = {}  # grid column -> (text, span) of the cell starting there
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        here: dict[int, tuple[str, int]] = {}
        col = _int(_val(tr, f"{_W}trPr/{_W}gridBefore", None), 0)
        for tc in tr.iterchildren(f"{_W}tc"):
            span = max(1, _int(_val(tc, f"{_W}tcPr/{_W}gridSpan", None), 1))
            if _val(tc, f"{_W}tcPr/{_W}vMerge", "continue") == "continue" and col in above:
                text, shown = above[col]
            else:
                text = "\n".join(_paragraph_text(p) for p in tc.iterchildren(f"{_W}p"))
                shown = span
            here[col] = (text, shown)
            cells.extend([text] * shown)
            col += span
        rows.append(tuple(cells))
        above = here
    return rows


def _blocks(xml: bytes) -> Iterator[str | list[tuple[str, ...]]]:
    """The body's paragraphs (their text) and tables (their rows), in document order; each is dropped
    from the tree once read, so memory holds one block, not the document."""
    events = etree.iterparse(io.BytesIO(xml), events=("end",), tag=(f"{_W}p", f"{_W}tbl"),
                             resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    for _, el in events:
        body = el.getparent()
        if body is None or body.tag != f"{_W}body":
            continue  # a paragraph or table inside a table cell: read with its table
        yield _paragraph_text(el) if el.tag == f"{_W}p" else _table_rows(el)
        el.clear(keep_tail=True)
        while el.getprevious() is not None:
            del body[0]
    if events.root is None or events.root.tag != f"{_W}document":
        # another Office file (a workbook, a presentation) named .docx: what was read is not kept
        raise Unreadable("not a Word document: its main part is not a w:document")


def read_docx(data: bytes) -> ReadDocument:
    doc = ReadDocument(format="docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        main, core = _package_parts(z)
        xml = _read_part(z, main, MAX_XML, "the document's XML")
        title = _core_title(z, core).strip()
    para_no = table_no = 0
    last_text = ""
    for block in _blocks(xml):
        if isinstance(block, str):
            text = block.strip()
            if not text or CHROME_LINE.search(text):
                continue
            para_no += 1
            doc.paragraphs.append(Paragraph(text, f"para={para_no}"))
            if len(doc.title_candidates) < 3 and len(text) <= 80:
                doc.title_candidates.append(text)
            last_text = text
        else:
            table_no += 1
            rows = tuple(tuple(c.strip() for c in r) for r in block)
            doc.tables.append(Table(tuple(r for r in rows if any(r)), last_text, f"table={table_no}"))
    if title:
        doc.title_candidates.insert(0, title)
    if not doc.paragraphs and not doc.tables:
        doc.status = "no_text"
        doc.problems.append(Problem("error", "the Word document has no text (only images?)"))
    return doc
