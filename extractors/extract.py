"""One document in, one extraction result out: read, identify, parse, and decide the status."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from catalog import Catalog, load_catalog
from extractors import EXTRACTOR_VERSION
from extractors.clean import body_tail_start, document_lines, is_navigation, rejoin
from extractors.decode import decode_bytes, sniff_kind
from extractors.document import Problem, ReadDocument, Unreadable
from extractors.docx import read_docx
from extractors.grammar import DocContext, Observation, SentenceParser
from extractors.html import MAX_BYTES as HTML_MAX_BYTES
from extractors.html import read_html
from extractors.identify import Identity, identify, is_blocked_text, publication_date
from extractors.pdf import read_pdf
from extractors.plaintext import MAX_BYTES as TEXT_MAX_BYTES
from extractors.plaintext import read_text
from extractors.tables import parse_table

STATUSES = ("ok", "partial", "no_text", "blocked", "not_a_bulletin", "unreadable")


@dataclass
class ExtractResult:
    sha256: str
    status: str
    kind: str | None
    unit_code: str | None
    unit_name: str | None
    data_year: int | None
    title: str | None
    format: str
    published: str | None = None  # the publication date the document states (ISO), else None
    observations: list[Observation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # figures seen and not taken, each with the reason
    extractor_version: str = EXTRACTOR_VERSION

    def as_json(self) -> dict:
        """The extract command's JSON object (DESIGN.md: Extract CLI contract)."""
        return {
            "document": {
                "sha256": self.sha256,
                "unit_code": self.unit_code,
                "unit_name": self.unit_name,
                "data_year": self.data_year,
                "title": self.title,
                "kind": self.kind,
                "status": self.status,
                "format": self.format,
                "published": self.published,
                "extractor_version": self.extractor_version,
            },
            "observations": [
                {
                    "indicator": o.indicator,
                    "period": o.period,
                    "value": o.value,
                    "unit": o.unit,
                    "growth_pct": o.growth_pct,
                    "qualifier": o.qualifier,
                    "locator": o.locator,
                    "price_basis": o.price_basis,
                    "value_raw": o.value_raw,
                    "unit_raw": o.unit_raw,
                    "growth_raw": o.growth_raw,
                    "context": o.context,
                }
                for o in self.observations
            ],
            "problems": [p.as_dict() for p in self.problems],
            "skipped": self.skipped,
        }


def read_document(data: bytes, filename: str = "", content_type: str | None = None) -> ReadDocument:
    kind = sniff_kind(data, filename)
    if not data.strip():
        doc = ReadDocument(format="text", status="unreadable")
        doc.problems.append(Problem("error", "the document is empty"))
        return doc
    if kind == "image":
        doc = ReadDocument(format="image", status="no_text")
        doc.problems.append(Problem("error", "the document is an image without a text layer; it needs OCR or a "
                                             "text copy (put one in the inbox with `borderzones ingest`)"))
        return doc
    if kind in ("doc", "zip"):
        doc = ReadDocument(format=kind, status="unsupported")
        what = "a legacy Word .doc file" if kind == "doc" else "a zip archive"
        doc.problems.append(Problem("error", f"{what} is not supported; open it, save it as DOCX or PDF, and "
                                             "add that with `borderzones ingest`"))
        return doc
    # The one guard around the readers: whatever a damaged or hostile file makes a reader (or the library
    # under it) raise is this document's status, never the run's.
    try:
        return _read(kind, data, content_type)
    except MemoryError:
        raise  # the process is short of memory, not this document at fault: stop
    except Unreadable as err:
        return _unreadable(kind, str(err))
    except Exception as err:
        return _unreadable(kind, f"{_LABELS[kind]} could not be read ({type(err).__name__}: {err})")


_LABELS = {"pdf": "PDF", "docx": "Word document", "html": "HTML page", "text": "text document"}


def _unreadable(kind: str, message: str) -> ReadDocument:
    doc = ReadDocument(format=kind, status="unreadable")
    doc.problems.append(Problem("error", message))
    return doc


def _read(kind: str, data: bytes, content_type: str | None) -> ReadDocument:
    """The reader for the kind of file (pdf, docx, html or text)."""
    if kind == "pdf":
        return read_pdf(data)
    if kind == "docx":
        return read_docx(data)
    cap = HTML_MAX_BYTES if kind == "html" else TEXT_MAX_BYTES
    if len(data) > cap:  # refused before decoding: parsing costs many times the size in time and memory
        raise Unreadable(f"{_LABELS[kind]} is {len(data):,} bytes, over the cap of {cap:,}")
    decoded = decode_bytes(data, content_type)
    doc = read_html(decoded.text) if kind == "html" else read_text(decoded.text)
    doc.encoding = decoded.encoding
    if decoded.replaced:
        doc.problems.append(Problem("warning", f"{decoded.replaced} byte sequence(s) could not be decoded "
                                               f"as {decoded.encoding} and were replaced"))
    return doc


def _subsumes(a: Observation, b: Observation) -> bool:
    """a says everything b says (b is a repeat, or a growth-only mention of a's figure)."""
    return (
        (a.indicator, a.period, a.unit) == (b.indicator, b.period, b.unit)
        and (b.value is None or b.value == a.value)
        and (b.growth_pct is None or b.growth_pct == a.growth_pct)
    )


def _digits(v: float) -> int:
    """Decimal places of a figure as stored: 126.2635 → 4."""
    text = f"{v:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _rounds_to(precise: float, rounded: float) -> bool:
    """>>> _rounds_to(126.2635, 126.3), _rounds_to(126.2635, 126.2), _rounds_to(12.0, 12.5)
    (True, False, False)
    """
    d = _digits(rounded)
    return d < _digits(precise) and abs(round(precise, d) - rounded) < 10 ** -(d + 6)


class _Kept:
    """The figures kept so far for one (indicator, period, unit), indexed by what _subsumes compares, so
    that a newcomer is checked against them in constant time instead of one by one."""

    def __init__(self) -> None:
        self.by_pair: dict[tuple, list[Observation]] = defaultdict(list)  # (value, growth) -> kept
        self.values: dict[float, int] = defaultdict(int)  # kept figures per value
        self.growths: dict[float, int] = defaultdict(int)  # kept figures per growth rate
        self.n = 0

    def covers(self, o: Observation) -> bool:
        """Some kept figure subsumes o (says everything o says)."""
        v, g = o.value, o.growth_pct
        if (v is not None and v != v) or (g is not None and g != g):
            return False  # NaN equals nothing, so nothing subsumes it
        if v is None:
            return self.n > 0 if g is None else self.growths.get(g, 0) > 0
        return self.values.get(v, 0) > 0 if g is None else bool(self.by_pair.get((v, g)))

    def add(self, o: Observation) -> None:
        """Keep o, and drop the kept figures it subsumes: those with its value or none, its growth or none."""
        v, g = o.value, o.growth_pct
        for pair in dict.fromkeys([(v, g), (None, g), (v, None), (None, None)]):
            stay: list[Observation] = []
            for k in self.by_pair.get(pair, ()):
                if _subsumes(o, k):
                    self._count(k, -1)
                else:
                    stay.append(k)
            if pair in self.by_pair:
                self.by_pair[pair] = stay
        self.by_pair[(v, g)].append(o)
        self._count(o, 1)

    def _count(self, o: Observation, step: int) -> None:
        self.n += step
        if o.value is not None:
            self.values[o.value] += step
        if o.growth_pct is not None:
            self.growths[o.growth_pct] += step

    def kept(self) -> list[Observation]:
        return [o for group in self.by_pair.values() for o in group]


def _dedupe(obs: list[Observation], problems: list[Problem]) -> list[Observation]:
    """Drop repeats (a figure in the text and again in a table, or its growth rate alone); keep both
    values of a figure stated twice differently, and flag it. Linear: figures are only compared with
    the kept figures of their own (indicator, period, unit) that could subsume them."""
    exact = {(o.indicator, o.period, o.unit): o.value for o in obs
             if o.value is not None and o.qualifier not in ("lower_bound", "approximate")}
    precise: dict[tuple, float] = {}
    for o in obs:
        key = (o.indicator, o.period, o.unit)
        if o.value is not None and (key not in precise or _digits(o.value) > _digits(precise[key])):
            precise[key] = o.value
    first: dict[Observation, int] = {}  # an observation's first position (list.index, by a dict)
    for i, o in enumerate(obs):
        first.setdefault(o, i)
    kept: dict[tuple, _Kept] = defaultdict(_Kept)
    for o in obs:
        key = (o.indicator, o.period, o.unit)
        if kept[key].covers(o):
            continue
        if o.qualifier == "lower_bound" and key in exact and o.value is not None and o.value <= exact[key]:
            continue  # 突破600亿元 beside the exact 617.88亿元: the bound says less
        if o.qualifier == "approximate" and key in exact and o.value is not None and \
                abs(o.value - exact[key]) <= 0.05 * abs(exact[key]):
            continue  # 约117亿元 beside the exact figure
        if o.value is not None and key in precise and precise[key] != o.value and _rounds_to(precise[key], o.value):
            continue  # 126.3亿元 in the text, 1262635万元 in the table: one figure, the table's digits kept
        kept[key].add(o)
    out = sorted((o for k in kept.values() for o in k.kept()), key=first.__getitem__)
    by_key: dict[tuple, list[Observation]] = defaultdict(list)
    for o in out:
        by_key[(o.indicator, o.period, o.unit)].append(o)
    for (ind, period, unit), group in by_key.items():
        values = {o.value for o in group if o.value is not None}
        growths = {o.growth_pct for o in group if o.growth_pct is not None}
        if len(values) > 1 or len(growths) > 1:
            where = "; ".join(f"{o.value_raw or o.growth_raw} at {o.locator}" for o in group)
            problems.append(Problem("warning", f"{ind} {period} ({unit}) is stated more than once with different "
                                               f"figures: {where}"))
    return out


def resolve_unit(unit: str, cat: Catalog) -> str | None:
    """A unit given by the user as a catalog code or a name (official, short or former); None for a
    place outside the catalog.

    >>> from catalog import load_catalog
    >>> cat = load_catalog()
    >>> resolve_unit("150781", cat), resolve_unit("东宁县", cat), resolve_unit("交城县", cat)
    ('150781', '231086', None)
    """
    if unit in cat.units:
        return unit
    if re.fullmatch(r"\d+|ZONE:\w+", unit):
        raise ValueError(f"unknown unit code {unit!r}; see catalog/data/units.csv (or give the unit's name)")
    return next((n.unit_code for n in cat.unit_names if n.name == unit), None)


def _is_listing(texts: list[str]) -> bool:
    """A column page that lists several documents (titles of different years or units, each a short
    line) and states no figure of its own is not a document itself."""
    from extractors.identify import title_year

    titles = set()
    for t in texts[:80]:
        if is_navigation(t) or re.search(r"[>»›]", t):
            continue
        if len(t) <= 60 and re.search(r"统计公报|政府工作报告", t) and not re.search(r"[，,。；:：]", t):
            titles.add((title_year(t), re.sub(r"(?:19|20)\d{2}|[^\u3400-\u9fff]", "", t)))
        elif re.search(r"\d(?:\.\d+)?\s*(?:亿|万|%|元|人)", t):
            return False  # a statement of a figure: the page has text of its own
    return len(titles) >= 2


def _clear_text_caches() -> None:
    """The text caches serve one document (its sentences are read several times); documents rarely share
    sentences, so they start empty and a benchmark measures what a real document costs."""
    from catalog.gazetteer import _find_places
    from extractors.numbers import normalize
    from extractors.scope import bracket_spans, clause_bounds

    for cached in (_find_places, normalize, bracket_spans, clause_bounds):
        cached.cache_clear()


def extract_bytes(
    data: bytes,
    filename: str = "",
    *,
    content_type: str | None = None,
    unit: str | None = None,
    year: int | None = None,
    cat: Catalog | None = None,
) -> ExtractResult:
    cat = cat or load_catalog()
    _clear_text_caches()
    sha = hashlib.sha256(data).hexdigest()
    doc = read_document(data, filename, content_type)
    if unit is not None:
        resolve_unit(unit, cat)  # an unknown code is refused before any work
    result = ExtractResult(sha, "ok", None, None, None, year, None, doc.format,
                           problems=list(doc.problems))
    if doc.status in ("unreadable", "no_text", "unsupported"):
        result.status = doc.status
        return result

    all_lines = document_lines(doc.paragraphs)
    lines = [ln for ln in all_lines if not ln.nav]
    texts = [ln.text for ln in lines]
    ident: Identity = identify(texts, doc.title_candidates, cat, chrome=[ln.text for ln in all_lines if ln.nav])
    if not ident.blocked and doc.text_chars < 300 and doc.raw_sample and is_blocked_text(doc.raw_sample):
        ident.blocked = True  # JavaScript challenges carry their tell-tales in scripts, which the reader drops
    result.title = ident.title
    if ident.blocked:
        result.status = "blocked"
        result.problems.append(Problem("error", "an anti-bot or captcha page, not the document; fetch it by hand "
                                                "and add it with `borderzones ingest`"))
        return result
    if ident.kind is None or _is_listing(texts):
        result.status = "not_a_bulletin"
        result.problems.append(Problem("info", f"not a statistical bulletin, work report or statistics news item "
                                               f"(title {ident.title!r})"))
        return result
    result.kind = ident.kind
    if unit is not None:
        result.unit_code = resolve_unit(unit, cat)
        result.unit_name = cat.display_name(result.unit_code) if result.unit_code else unit
    else:
        result.unit_code, result.unit_name = ident.unit_code, ident.unit_name
    result.data_year = year or ident.data_year
    for severity, message in ident.notes:
        if (unit and ("--unit" in message or "not a unit of the catalog" in message)) or \
                (year and "--year" in message):
            continue
        result.problems.append(Problem(severity, message))
    if unit is not None and result.unit_code is None:
        result.problems.append(Problem("error", f"{unit} is not a unit of the catalog: its figures are read but have "
                                                "no unit code"))

    edges = texts[:12] + texts[-12:]
    result.published = publication_date(edges, doc.raw_sample, result.data_year)
    body = [ln for ln in lines[ident.body_start:] if not is_navigation(ln.text)]
    body = rejoin(body[: body_tail_start(body, 0)])
    ctx = DocContext(data_year=result.data_year, default_period=ident.default_period, kind=ident.kind,
                     unit_name=result.unit_name)
    if year and ident.default_period and not ident.default_period.startswith(str(year)):
        ctx.default_period = None
    parser = SentenceParser(cat, ctx)
    obs: list[Observation] = []
    for line in body:
        obs.extend(parser.parse(line.text, line.locator))
    for table in doc.tables:
        obs.extend(parse_table(table, cat, ctx))
    if ident.kind == "census_bulletin":
        # a census bulletin's 常住人口 is the census count (1 November), not the year-end estimate
        obs = [Observation(**{**o.as_dict(), "indicator": "population_census"})
               if o.indicator == "population_resident" else o for o in obs]
    result.problems.extend(ctx.problems)
    result.skipped = ctx.skipped
    result.observations = _dedupe(obs, result.problems)
    if not result.observations:
        if ident.kind == "news":
            result.status = "not_a_bulletin"
            result.problems.append(Problem("info", "no statistical figures of the catalogued indicators found"))
            return result
        result.problems.append(Problem("error", "no figure of a target indicator was found"))
    has_error = any(p.severity == "error" for p in result.problems)
    result.status = "partial" if has_error or not result.observations or result.unit_code is None else "ok"
    return result


def extract_path(path: Path | str, **kw) -> ExtractResult:
    path = Path(path)
    return extract_bytes(path.read_bytes(), path.name, **kw)
