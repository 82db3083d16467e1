"""Word (.docx) reader: paragraphs and tables in document order, via python-docx."""

from __future__ import annotations

import io
import zipfile

from extractors.document import CHROME_LINE, Paragraph, Problem, ReadDocument, Table

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a zip bomb is refused before python-docx inflates it


def read_docx(data: bytes) -> ReadDocument:
    doc = ReadDocument(format="docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNCOMPRESSED:
                raise ValueError("the file expands to more than 200 MB")
        import docx  # python-docx

        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged or disguised file is this document's problem only
        doc.status = "unreadable"
        doc.problems.append(Problem("error", f"not a readable Word document: {type(exc).__name__}: {exc}"))
        return doc
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    para_no = table_no = 0
    last_text = ""
    for block in word.iter_inner_content():
        if isinstance(block, DocxParagraph):
            text = block.text.strip()
            if not text or CHROME_LINE.search(text):
                continue
            para_no += 1
            doc.paragraphs.append(Paragraph(text, f"para={para_no}"))
            if len(doc.title_candidates) < 3 and len(text) <= 80:
                doc.title_candidates.append(text)
            last_text = text
        elif isinstance(block, DocxTable):
            table_no += 1
            rows = tuple(tuple(c.text.strip() for c in r.cells) for r in block.rows)
            doc.tables.append(Table(tuple(r for r in rows if any(r)), last_text, f"table={table_no}"))
    title = (word.core_properties.title or "").strip()
    if title:
        doc.title_candidates.insert(0, title)
    if not doc.paragraphs and not doc.tables:
        doc.status = "no_text"
        doc.problems.append(Problem("error", "the Word document has no text (only images?)"))
    return doc
