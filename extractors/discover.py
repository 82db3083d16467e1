"""Discovery: bulletin links on a listing page, and the listing's next pages.

A link is a candidate when its text (or title attribute) names the unit (official, former or short
name), a year, and a statistical bulletin (统计公报, 国民经济和社会发展…公报, 统计年报). A date printed
next to the link is kept as the candidate's listing date. `rank` orders candidates best first, for the
fetch step's caps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from catalog import Catalog
from extractors.decode import decode_bytes
from extractors.identify import title_year
from extractors.numbers import normalize

_BULLETIN_TITLE = re.compile(r"统计公报|国民经济和社会发展.*公报|统计年报")
_NEXT = re.compile(r"^(下一页|下页|后一页|next|›|»|>|>>)$", re.I)
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# pages about a bulletin rather than the bulletin: readings, charts, Q&A, press conferences
_ABOUT = re.compile(r"解读|图解|一图|图表|问答|答记者问|发布会|说明")


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str
    year: int
    listed: str | None  # date printed beside the link, ISO
    listing_url: str


def rank(c: Candidate) -> int:
    """Lower is better: the bulletin itself before a page about it; a 国民经济和社会发展统计公报 before a
    统计公报 before a 统计年报. Ties keep the page's order (listings put the newest first).

    >>> [rank(Candidate("u", t, 2022, None, "l")) for t in ("X市2022年国民经济和社会发展统计公报",
    ...     "X市2022年统计公报", "X市2022年统计年报", "《X市2022年统计公报》解读")]
    [0, 1, 2, 4]
    """
    kind = 0 if "国民经济和社会发展统计公报" in c.title else 1 if "统计公报" in c.title else 2
    return kind + (3 if _ABOUT.search(c.title) else 0)


def _names(cat: Catalog, unit_code: str) -> list[str]:
    names = {n.name for n in cat.names_for(unit_code)} | {cat.units[unit_code].name_zh}
    return sorted(names, key=len, reverse=True)


def find_candidates(html: bytes, base_url: str, unit_code: str, cat: Catalog,
                    content_type: str | None = None) -> tuple[list[Candidate], list[str]]:
    """(bulletin candidates, next-page URLs on the same host) of one listing page."""
    text = decode_bytes(html, content_type).text
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return [], []
    names = _names(cat, unit_code)
    host = urlsplit(base_url).hostname
    found: dict[str, Candidate] = {}
    pages: list[str] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        label = normalize(" ".join((a.text_content() or "", a.get("title") or "")).strip())
        if _NEXT.match(label.strip()):
            if urlsplit(url).hostname == host and url not in pages:
                pages.append(url)
            continue
        if not _BULLETIN_TITLE.search(label) or not any(n in label for n in names):
            continue
        year = title_year(label)
        if year is None:
            continue
        around = normalize((a.getparent().text_content() if a.getparent() is not None else "") or "")
        m = _DATE.search(around.replace(label, ""))
        listed = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
        found.setdefault(url, Candidate(url, label.strip(), year, listed, base_url))
    return list(found.values()), pages
