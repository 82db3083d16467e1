from __future__ import annotations

import codecs

from extractors.decode import decode_bytes, sniff_kind

TEXT = "满洲里市2022年国民经济和社会发展统计公报：地区生产总值180.52亿元，增长4.1%。喆"


def test_bom_wins():
    d = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "text/html; charset=gbk")
    assert (d.text, d.evidence) == (TEXT, "bom")


def test_gbk_without_declaration():
    d = decode_bytes(TEXT.encode("gbk"))
    assert d.text == TEXT and d.encoding == "gb18030"


def test_gb2312_label_with_gbk_characters():
    page = b'<meta charset="gb2312">' + TEXT.encode("gbk")
    d = decode_bytes(page)
    assert d.text.endswith(TEXT) and d.evidence == "meta" and d.encoding == "gb18030"


def test_wrong_header_charset_on_utf8():
    d = decode_bytes(TEXT.encode("utf-8"), "text/html; charset=GBK")
    assert d.text == TEXT and d.encoding == "utf-8"


def test_latin1_header_on_chinese_page_is_not_trusted():
    d = decode_bytes(TEXT.encode("gbk"), "text/html; charset=ISO-8859-1")
    assert d.text == TEXT


def test_utf16_with_bom():
    assert decode_bytes(TEXT.encode("utf-16")).text == TEXT


def test_sniff():
    assert sniff_kind(b"  <html><body>x</body></html>") == "html"
    assert sniff_kind(b"%PDF-1.4\n") == "pdf"
    assert sniff_kind(b"\xff\xd8\xff\xe0") == "image"
    assert sniff_kind(TEXT.encode()) == "text"
