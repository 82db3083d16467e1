"""Plain-text reader: lines become paragraphs; pipe-delimited or space-aligned rows become tables."""

from __future__ import annotations

from extractors.document import CHROME_LINE, ReadDocument, tables_from_lines


def read_text(text: str) -> ReadDocument:
    doc = ReadDocument(format="text")
    lines = [ln.strip() for ln in text.splitlines()]
    numbered = [(ln, f"para={i}") for i, ln in enumerate(lines, start=1) if ln and not CHROME_LINE.search(ln)]
    doc.paragraphs, doc.tables = tables_from_lines(numbered, "")
    doc.title_candidates = [ln for ln, _ in numbered[:3] if len(ln) <= 80]
    return doc
