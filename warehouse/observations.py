"""Observations: every archived document extracted (cached by document hash and extractor code), plus
the curated published figures, as rows of one table with lineage.

Load inputs (archive, curated CSVs) / process (extract, map to rows) / save nothing: the release
writer saves. Extraction results are cached under the warehouse, keyed by the document's sha256, the
extractor version and a fingerprint of the extractor code and the catalog files it reads, so a rerun
with nothing changed extracts nothing again and a code change re-extracts everything.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from catalog import Catalog, load_curated
from catalog.loader import CatalogError, read_csv_rows
from catalog.models import period_end_year
from extractors import EXTRACTOR_VERSION
from extractors.archive import Archive, Sidecar

log = logging.getLogger(__name__)

# Files whose content decides what extraction produces: the extractor code and the catalog it reads.
_EXTRACTOR_DIR = Path(__file__).resolve().parent.parent / "extractors"
_CATALOG_INPUTS = ("indicators.toml", "units.csv", "unit_names.csv", "raw_units.csv", "measure_units.csv")

DOCUMENT_SOURCE_KIND = {"bulletin": "bulletin", "census_bulletin": "census_bulletin", "work_report": "work_report",
                        "news": "news"}


@dataclass(frozen=True)
class Selection:
    """Which part of the data a run refreshes: zones (None = all units) and an inclusive year range."""

    zones: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None

    def units(self, cat: Catalog) -> frozenset[str] | None:
        if self.zones is None:
            return None
        return frozenset(u for z in self.zones for u in cat.zone_units(z))

    def covers(self, unit_code: str | None, year: int | None, units: frozenset[str] | None) -> bool:
        """True when a row of this unit and year belongs to the refreshed part.

        Rows with no unit belong only to a refresh of every zone; rows with no year to any year range.
        """
        if units is not None and unit_code not in units:
            return False
        if self.years is not None and year is not None:
            return self.years[0] <= year <= self.years[1]
        return True

    def describe(self) -> str:
        zones = "all zones" if self.zones is None else ", ".join(self.zones)
        years = "all years" if self.years is None else f"{self.years[0]}–{self.years[1]}"
        return f"{zones}; {years}"


@functools.cache
def code_fingerprint(data_dir: Path) -> str:
    """sha256 over the extractor's source files and the catalog files extraction reads."""
    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    files = sorted(_EXTRACTOR_DIR.glob("*.py")) + [data_dir / n for n in _CATALOG_INPUTS]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


class ExtractionCache:
    """One JSON file per (document, extractor fingerprint): written atomically, read back as is."""

    def __init__(self, root: Path, fingerprint: str):
        self.dir = Path(root) / f"{EXTRACTOR_VERSION}-{fingerprint[:16]}"

    def _path(self, sha: str) -> Path:
        return self.dir / sha[:2] / f"{sha}.json"

    def get(self, sha: str) -> dict | None:
        p = self._path(sha)
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, json.JSONDecodeError):
            log.warning("extraction cache entry %s is unreadable; extracting again", p)
            return None

    def put(self, sha: str, result: dict) -> None:
        p = self._path(sha)
        data = json.dumps(result, ensure_ascii=False).encode("utf-8")  # one write, not json.dump's many
        tmp = p.with_name(f".tmp-{os.getpid()}-{p.name}")  # per process: two workers may cache the same document
        try:
            try:
                tmp.write_bytes(data)
            except FileNotFoundError:  # the first entry of its folder: make the folder only then
                p.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
            os.replace(tmp, p)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _failed(side: Sidecar, status: str, message: str) -> dict:
    """The result of a document that could not be extracted: its status and why, nothing else."""
    return {"document": {"sha256": side.sha256, "unit_code": side.unit_code, "unit_name": None,
                         "data_year": side.data_year, "title": side.title, "kind": side.kind,
                         "status": status, "format": side.ext, "published": None,
                         "extractor_version": EXTRACTOR_VERSION},
            "observations": [],
            "problems": [{"severity": "error", "message": message}]}


@dataclass
class DocumentExtraction:
    sidecar: Sidecar
    result: dict  # ExtractResult.as_json()
    cached: bool
    extract_s: float = 0.0  # CPU seconds of this thread in the extractor (0 for a cache hit): "extraction work"

    @property
    def status(self) -> str:
        return self.result["document"]["status"]


def extract_archived(archive: Archive, side: Sidecar, cache: ExtractionCache | None, cat: Catalog
                     ) -> DocumentExtraction:
    """Extract one archived document, or take the cached extraction of the same bytes and code.

    A document that cannot be read (missing bytes, a crash in a reader) gives an `unreadable` result
    naming the document, one whose bytes no longer match their sha256 a `corrupt` one: one bad document
    never stops the others (the publish step keeps a corrupt document's published rows, see
    warehouse.build.assemble).
    """
    path = archive.document_path(side)
    try:
        if not path.exists():
            raise FileNotFoundError(f"archive has a sidecar but no bytes for {side.sha256}")
        data = path.read_bytes()
    except OSError as exc:
        return DocumentExtraction(side, _failed(side, "unreadable", f"{type(exc).__name__}: {exc}"), cached=False)
    # verified on every read, cache hit or not: a cached extraction must not hide a corrupt archive file
    actual = hashlib.sha256(data).hexdigest()
    if actual != side.sha256:
        log.error("archived document %s (%s) is corrupt: its bytes hash to %s", path, side.origin, actual[:12])
        return DocumentExtraction(side, _failed(
            side, "corrupt", f"the archived bytes ({path}) do not match their sha256 (they hash to {actual[:12]}…): "
                             "the file was altered or damaged; restore it from a backup, or fetch or ingest the "
                             "document again"), cached=False)
    if cache is not None and (hit := cache.get(side.sha256)) is not None:
        return DocumentExtraction(side, hit, cached=True)
    # imported on the first cache miss only: the extractor's modules cost ~0.3 s of CPU to import (its number
    # parsing compiles large regular expressions), which a rerun whose documents are all cached never needs;
    # under Prefect that import fell inside the first zone task, on two cores busy with the server (~1.9 s)
    from extractors.extract import extract_bytes

    try:
        started = time.thread_time()  # this thread only: Prefect and Dask threads run beside it
        extracted = extract_bytes(data, path.name, content_type=side.content_type, cat=cat)
        result = extracted.as_json()
        del extracted  # freeing what extraction built is extraction work too: inside the timing
        spent = time.thread_time() - started
    except Exception as exc:  # any failure becomes this document's status, not the run's
        log.warning("document %s (%s): %s", side.sha256[:12], side.origin, exc)
        # failures are not cached: retry next run
        return DocumentExtraction(side, _failed(side, "unreadable", f"{type(exc).__name__}: {exc}"), cached=False)
    if cache is not None:
        cache.put(side.sha256, result)
    return DocumentExtraction(side, result, cached=False, extract_s=spent)


def _period_type(period: str) -> str:
    if "/" not in period:
        return "year"
    start = period.split("/")[0]
    return "part_year" if "-" in period.split("/")[-1] or start == ".." else "span"


def obs_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def document_rows(ext: DocumentExtraction, cat: Catalog) -> tuple[list[dict], dict]:
    """Observation rows and the sources row of one extracted document (its citation columns are filled when
    the release is assembled: warehouse.citations.annotate_sources)."""
    doc = ext.result["document"]
    side = ext.sidecar
    sha = side.sha256
    unit_code = doc.get("unit_code") or side.unit_code
    vintage = doc.get("published") or side.published
    kind = DOCUMENT_SOURCE_KIND.get(doc.get("kind") or "", "secondary")
    rows = []
    if doc["status"] in ("ok", "partial") and unit_code:
        for o in ext.result["observations"]:
            rows.append({
                "obs_id": obs_id(sha, o["locator"], o["indicator"], o["period"], o["unit"]),
                "unit_code": unit_code, "unit_name": cat.display_name(unit_code),
                "period": o["period"], "year": period_end_year(o["period"]), "period_type": _period_type(o["period"]),
                "indicator": o["indicator"], "value": o["value"], "unit": o["unit"], "growth_pct": o["growth_pct"],
                "price_basis": o.get("price_basis"), "qualifier": o.get("qualifier"),
                "value_raw": o.get("value_raw") or o.get("growth_raw"), "unit_raw": o.get("unit_raw"),
                "source_id": sha, "source_kind": kind, "vintage": vintage, "locator": o["locator"],
                "extractor_version": doc.get("extractor_version") or EXTRACTOR_VERSION, "origin": "extracted",
                "context": o.get("context"),
            })
    source = {
        "source_id": sha, "origin": "archive", "source_kind": kind if doc.get("kind") else None,
        "title": doc.get("title") or side.title, "issuer": None, "url": side.origin, "url_kind": None,
        "url_kind_note": None, "unit_code": unit_code, "data_year": doc.get("data_year") or side.data_year,
        "vintage": vintage, "published": vintage, "retrieved_at": side.retrieved_at, "retrieved_note": None,
        "format": doc.get("format") or side.ext, "status": doc["status"], "n_observations": len(rows),
        "problems": "\n".join(f"{p['severity']}: {p['message']}" for p in ext.result["problems"]) or None,
        "extractor_version": doc.get("extractor_version"), "curated_file": None,
    }
    return rows, source


def curated_source_id(kind: str, title: str, url: str, published: str | None) -> str:
    """A citation's id: sha256 of what identifies the cited publication."""
    return hashlib.sha256("\n".join(("curated", kind, title, url, published or "")).encode()).hexdigest()


_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:：∶]\s*(\d+(?:\.\d+)?)\s*[:：∶]\s*(\d+(?:\.\d+)?)\s*$")
_STRUCTURE_PARTS = ("structure_primary", "structure_secondary", "structure_tertiary")


def structure_parts(value_raw: str | None) -> tuple[float, float, float] | None:
    """The three shares of a published three-sector structure (三次产业结构 a:b:c), or None when the text is
    not three numbers that sum to 100 (±1.5, rounding).

    >>> structure_parts("2.5:34.9:62.6"), structure_parts("19∶44∶37")
    ((2.5, 34.9, 62.6), (19.0, 44.0, 37.0))
    >>> structure_parts("2.525.472.1") is None, structure_parts("10:10:10") is None
    (True, True)
    """
    m = _RATIO.match(value_raw or "")
    if not m:
        return None
    parts = tuple(float(m.group(i)) for i in (1, 2, 3))
    return parts if abs(sum(parts) - 100) <= 1.5 else None


def curated_rows(path: Path, cat: Catalog, skipped: list[dict] | None = None) -> tuple[list[dict], list[dict]]:
    """Observation rows and sources rows of one curated-figures CSV (raises CatalogError when invalid).

    Every row becomes observations or, with the reason, an entry of `skipped`: a three-sector structure
    published as a ratio (value_raw a:b:c) becomes its three parts (structure_primary/secondary/tertiary)."""
    path = Path(path)
    figures = load_curated(path, cat)
    lines = [n for n, _ in read_csv_rows(path)]
    rows: list[dict] = []
    sources: dict[str, dict] = {}
    for line, f in zip(lines, figures, strict=True):
        sid = curated_source_id(f.source_kind, f.source_title, f.source_url, f.published)
        if sid in sources and sources[sid]["url_kind"] != f.url_kind:
            raise CatalogError(path, [f"row {line}, field url_kind: {f.url_kind!r}, but an earlier row citing the "
                                      f"same source says {sources[sid]['url_kind']!r}: one address is one kind "
                                      "of site"])
        src = sources.setdefault(sid, {
            "source_id": sid, "origin": "curated", "source_kind": f.source_kind, "title": f.source_title,
            "issuer": None, "url": f.source_url or None, "url_kind": f.url_kind, "url_kind_note": None,
            "unit_code": f.unit_code, "data_year": period_end_year(f.period),
            "vintage": f.published if f.published and len(f.published) == 10 else None, "published": f.published,
            "retrieved_at": None, "retrieved_note": None,
            "format": "curated", "status": "curated", "n_observations": 0, "problems": None,
            "extractor_version": None, "curated_file": path.name,
        })
        locator = f"{path.name}:line {line}"
        if f.value is None and f.growth_pct is None:
            parts = structure_parts(f.value_raw) if f.indicator == "three_sector_structure" else None
            if parts is None:
                why = (f"{f.value_raw!r} is not a structure a:b:c summing to 100" if f.indicator ==
                       "three_sector_structure" else "no value and no growth rate (a figure stated only in words)")
                if skipped is not None:
                    skipped.append({"file": path.name, "line": line, "unit_code": f.unit_code, "period": f.period,
                                    "indicator": f.indicator, "value_raw": f.value_raw or None, "reason": why})
                continue
            for code, share in zip(_STRUCTURE_PARTS, parts, strict=True):
                part_locator = f"{locator}:{code}"
                src["n_observations"] += 1
                rows.append({
                    "obs_id": obs_id(sid, part_locator, code, f.period, "PCT"),
                    "unit_code": f.unit_code, "unit_name": cat.display_name(f.unit_code), "period": f.period,
                    "year": period_end_year(f.period), "period_type": _period_type(f.period), "indicator": code,
                    "value": share, "unit": "PCT", "growth_pct": None, "price_basis": None,
                    "qualifier": f.qualifier, "value_raw": f.value_raw, "unit_raw": None,
                    "source_id": sid, "source_kind": f.source_kind, "vintage": src["vintage"],
                    "locator": part_locator, "extractor_version": None, "origin": "curated",
                    "context": f.note or None,
                })
            continue
        src["n_observations"] += 1
        rows.append({
            "obs_id": obs_id(sid, locator, f.indicator, f.period, f.unit),
            "unit_code": f.unit_code, "unit_name": cat.display_name(f.unit_code), "period": f.period,
            "year": period_end_year(f.period), "period_type": _period_type(f.period), "indicator": f.indicator,
            "value": f.value, "unit": f.unit, "growth_pct": f.growth_pct, "price_basis": f.price_basis,
            "qualifier": f.qualifier, "value_raw": f.value_raw or None, "unit_raw": None,
            "source_id": sid, "source_kind": f.source_kind, "vintage": src["vintage"], "locator": locator,
            "extractor_version": None, "origin": "curated", "context": f.note or None,
        })
    return rows, list(sources.values())


def documents_by_unit(archive: Archive) -> dict[str | None, list[Sidecar]]:
    """One pass over the archive: the sidecars of each unit, oldest first (the zone tasks get their share
    from this instead of each scanning the whole archive)."""
    out: dict[str | None, list[Sidecar]] = {}
    for s in archive:
        out.setdefault(s.unit_code, []).append(s)
    for docs in out.values():
        docs.sort(key=lambda s: (s.retrieved_at, s.sha256))
    return out


def archived_documents(archive: Archive, units: Iterable[str] | None) -> list[Sidecar]:
    """Sidecars of the archived documents about the given units (all when None), oldest first."""
    wanted = None if units is None else set(units)
    docs = [s for s in archive if wanted is None or s.unit_code in wanted]
    return sorted(docs, key=lambda s: (s.retrieved_at, s.sha256))
