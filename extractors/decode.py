"""Bytes to text, and what kind of file the bytes are.

Order of evidence for the encoding: byte-order mark, the HTTP header's charset, the page's own meta
charset, then a fixed fallback (UTF-8, then GB18030). Automatic detectors mislabel short GBK pages
(as Big5 or Latin-1), so none is used. Every GB label is read as GB18030, its superset: pages
labelled gb2312 routinely contain GBK-only characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_LABELS = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "gb18030",
              "csgb2312", "chinese", "iso-ir-58"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
FALLBACK = ("utf-8", "gb18030")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    evidence: str  # bom | header | meta | utf-8-valid | fallback
    replaced: int  # characters that could not be decoded (replaced with U+FFFD)


def canonical_encoding(label: str | None) -> str | None:
    """The codec to use for a declared charset label, or None when Python does not know it.

    >>> canonical_encoding("GB2312"), canonical_encoding("utf8"), canonical_encoding("x-unknown")
    ('gb18030', 'utf-8', None)
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in {"gb2312", "gbk"} else name


def header_charset(content_type: str | None) -> str | None:
    """>>> header_charset('text/html; charset="GBK"')
    'GBK'
    """
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-]+)", content_type, re.I)
    return m.group(1) if m else None


def _try(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode document bytes to text.

    A declared charset that fails to decode the bytes is not trusted (servers and pages lie); the
    fixed fallback is tried next, and only if everything fails are bad bytes replaced, with the count
    reported.

    >>> decode_bytes("增长".encode("gbk")).encoding
    'gb18030'
    >>> decode_bytes("增长".encode("utf-8"), "text/html; charset=gbk").encoding   # a wrong header
    'utf-8'
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            # these codecs consume the BOM themselves
            text = _try(data, "utf-8-sig" if enc == "utf-8" else enc)
            if text is not None:
                return Decoded(text, enc, "bom", 0)
    candidates: list[tuple[str, str]] = []
    declared = canonical_encoding(header_charset(content_type))
    if declared:
        candidates.append((declared, "header"))
    m = _META_CHARSET.search(data[:4096])
    if m:
        meta = canonical_encoding(m.group(1).decode("ascii", "ignore"))
        if meta:
            candidates.append((meta, "meta"))
    candidates.extend((enc, "fallback") for enc in FALLBACK)
    # Bytes that are valid UTF-8 with multi-byte sequences are UTF-8 whatever the label says: GBK
    # text almost never forms valid UTF-8, while GB18030 decodes UTF-8 bytes into plausible garbage.
    if any(b > 0x7F for b in data) and _try(data, "utf-8") is not None:
        candidates.insert(0, ("utf-8", candidates[0][1] if candidates[0][0] == "utf-8" else "utf-8-valid"))
    for enc, evidence in candidates:
        # a page declared Latin-1 is almost always a Chinese page with a server default header:
        # Latin-1 decodes any bytes, so it can only be trusted for pure ASCII
        if enc in {"iso8859-1", "latin-1", "cp1252"} and any(b > 0x7F for b in data):
            continue
        text = _try(data, enc)
        if text is not None:
            return Decoded(text, enc, evidence, 0)
    text = data.decode("gb18030", errors="replace")
    return Decoded(text, "gb18030", "fallback", text.count("\ufffd"))


def sniff_kind(data: bytes, filename: str = "") -> str:
    """What the bytes are, from the bytes themselves (the file name only breaks a tie for text).

    >>> sniff_kind(b"%PDF-1.7 ..."), sniff_kind(b"<!DOCTYPE html><html>"), sniff_kind(b"\\x89PNG\\r\\n")
    ('pdf', 'html', 'image')
    """
    head = data[:2048].lstrip()
    low = head.lower()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or filename.lower().endswith(".docx") else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    ):
        return "image"
    for bom, _ in _BOMS:
        if low.startswith(bom):
            low = low[len(bom):].lstrip()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(
        rb"<(html|head|body|div|p|table|meta|title)[\s>]", low
    ):
        return "html"
    return "text"
