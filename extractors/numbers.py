"""Text normalisation and the parsing of numbers and units as Chinese statistical documents print them.

Pure functions; nothing here knows about documents or indicators.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import cn2an
import opencc

# Footnote markers that NFKC would turn into ordinary digits (① → 1, ¹ → 1): removed first.
_CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474)) + "".join(chr(c) for c in range(0x2776, 0x2794))
_SUPERSCRIPT = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_PRE = re.compile(rf"[{_CIRCLED}{_SUPERSCRIPT}]+|[［\[]\s*[0-9０-９]{{1,2}}\s*[］\]]|〔[0-9０-９]{{1,2}}〕")
# Ratio separators: ︰ (U+FE30) becomes ".." under NFKC, so map both to ":" before normalising.
_RATIO_SEPS = str.maketrans({"︰": ":", "∶": ":", "：": "："})
# Chinese punctuation that NFKC would turn into ASCII that means something else in numbers
# ("12，345" must not become the thousands-separated 12,345).
_KEEP = {"，": "\x01", "；": "\x02", "：": "\x03", "（": "\x04", "）": "\x05"}
_RESTORE = str.maketrans({v: k for k, v in _KEEP.items()})
_HAN = r"\u3400-\u9fff"
# Pinyin readings that some mirror sites inject after every character: 统(tǒng)计(jì), 统(tong)计(ji).
# A reading is a bracketed pinyin syllable (lower case, tone marks or a tone digit) right after a Han
# character; (GDP), (CPI) and other upper-case glosses are not readings.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_READING = rf"[ \t]?[(（][ \t]?(?=[a-z{_TONED}]*[aeiouvü{_TONED}])[a-z{_TONED}]{{1,6}}[1-5]?[ \t]?[)）]"
_PINYIN = re.compile(rf"(?<=[{_HAN}])(?:{_READING})+")  # 衡(heng)(heng)陽: a reading repeated

_GDP_CASE = re.compile(r"(?<![A-Za-z])(?:GDp|GdP|Gdp|gDP|gdp|gdP|gDp)(?![A-Za-z])")

_t2s = None


def _to_simplified(text: str) -> str:
    global _t2s
    if _t2s is None:
        _t2s = opencc.OpenCC("t2s")
    return _t2s.convert(text)


_FULLWIDTH_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:[元人吨]|万|亿))")
_FULLWIDTH_RATIO = re.compile(r"(?<=\d)\s?：\s?(?=\d)")
_BLANKS = re.compile(r"[ \t]+")
_HAN_GAP = re.compile(rf"(?<=[{_HAN}]) (?=[{_HAN}])")
_SPLIT_POINT = re.compile(r"(?<=\d) ?\. ?(?=\d)")
_SPLIT_PERCENT = re.compile(r"(?<=\d) (?=%)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_BEYOND_ASCII_PUNCT = re.compile(r"[^\x00-\u3000]")


@functools.lru_cache(maxsize=16384)  # a line is normalised as a line and again inside its sentences
def normalize(text: str) -> str:
    """Normalise document text for parsing: strip footnote markers, NFKC (full-width digits and
    letters), Traditional to Simplified, rejoin numbers split by spaces, drop thousands separators.

    >>> normalize("地区生产总值[1]１２３８． 35亿元，增长６．５ ％")
    '地区生产总值1238.35亿元，增长6.5%'
    >>> normalize("常住人口³ 1,563,506人")
    '常住人口 1563506人'
    >>> normalize("三次产业结构为2.5︰34.9∶62.6")
    '三次产业结构为2.5:34.9:62.6'
    >>> normalize("全年實現地區生產總值 1 億元")
    '全年实现地区生产总值 1 亿元'
    """
    text = strip_pinyin(text)
    text = _GDP_CASE.sub("GDP", text)
    text = _FOOTNOTE_PRE.sub("", text)
    text = text.translate(_RATIO_SEPS)
    # 18，324元: a full-width comma as a thousands separator, right before a unit
    text = _FULLWIDTH_THOUSANDS.sub("", text)
    for k, v in _KEEP.items():
        text = text.replace(k, v)
    text = unicodedata.normalize("NFKC", text).translate(_RESTORE)
    text = _FULLWIDTH_RATIO.sub(":", text)  # 4.1：32.2：63.7, a ratio with full-width colons
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    if _BEYOND_ASCII_PUNCT.search(text):
        text = _to_simplified(text)
    text = _BLANKS.sub(" ", text)
    # spaces between Han characters are letter-spacing or wrapping artefacts
    text = _HAN_GAP.sub("", text)
    # "1238. 35", "1238 .35", "0.2 %": spaces inside a number
    text = _SPLIT_POINT.sub(".", text)
    text = _SPLIT_PERCENT.sub("", text)
    # thousands separators: 1,563,506
    text = _THOUSANDS.sub("", text)
    return text


def strip_pinyin(text: str) -> str:
    """Remove pinyin readings injected after characters.

    >>> strip_pinyin("国(guó)民经(jīng)济(jì)统(tong)计(ji)公报：地区生产总值(GDP)12亿(yì)元")
    '国民经济统计公报：地区生产总值(GDP)12亿元'
    >>> strip_pinyin("面积(km)与产量(t)")   # no vowel: not a reading
    '面积(km)与产量(t)'
    """
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN.sub("", text)


_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿点"
CN_NUMBER = rf"[{_CN_DIGITS}]+"
ARABIC_NUMBER = r"-?\d+(?:\.\d+)?"


def parse_number(raw: str) -> Decimal:
    """Parse an Arabic or Chinese-numeral number exactly.

    >>> parse_number("1238.35"), parse_number("-4.2"), parse_number("四十六点八四")
    (Decimal('1238.35'), Decimal('-4.2'), Decimal('46.84'))
    >>> parse_number("一千二百")
    Decimal('1200')
    >>> parse_number("abc")
    Traceback (most recent call last):
    ...
    ValueError: not a number: 'abc'
    """
    raw = raw.strip()
    try:
        return Decimal(raw)
    except InvalidOperation:
        pass
    if raw and all(c in _CN_DIGITS for c in raw):
        try:
            val = cn2an.cn2an(raw.replace("〇", "零"), "smart")
        except (ValueError, KeyError, IndexError):
            raise ValueError(f"not a number: {raw!r}") from None
        return Decimal(str(val))
    raise ValueError(f"not a number: {raw!r}")


def chinese_year(raw: str) -> int | None:
    """A year written digit by digit in Chinese numerals (二〇二〇 → 2020).

    >>> chinese_year("二〇二〇"), chinese_year("二零一九"), chinese_year("二十")
    (2020, 2019, None)
    """
    digits = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
    if len(raw) != 4 or any(c not in digits for c in raw):
        return None
    return int("".join(str(digits[c]) for c in raw))


def scale(value: Decimal, raw_multiple: int, canonical_multiple: int) -> float:
    """Convert a value between units of one family exactly, then to float.

    >>> scale(Decimal("905743"), 10_000, 100_000_000)    # 905743万元 in 亿元
    90.5743
    >>> scale(Decimal("1563506"), 1, 10_000)             # 1563506人 in 万人
    156.3506
    >>> scale(Decimal("6.8"), 10_000, 1)                 # 6.8万元 in 元
    68000.0
    """
    return float(value * Decimal(raw_multiple) / Decimal(canonical_multiple))
