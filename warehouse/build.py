"""The pipeline's steps as plain functions; the Prefect flows (flows/pipeline.py) only wire them.

collect_zone    archive documents + curated figures of one zone's units  ->  observation and source rows
assemble        fresh rows of the refreshed part + the previous release's rows outside it
build_tables    observations -> panel, indicators, zone_year, and the catalog's tables: zones, units,
                unit_zones, indicators_catalog, measure_units, fx_rates (pure)

Rows keep the catalog's unit codes (533102, ZONE:ruili) until build_tables gives them their release ids
(warehouse/ids.py); the rows a rerun carries from its parent are turned back into catalog codes first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from catalog import BUNDLED_CURATED, Catalog
from extractors import EXTRACTOR_VERSION
from extractors.archive import Archive, Sidecar
from warehouse.citations import annotate_sources
from warehouse.dimensions import dimension_tables
from warehouse.ids import release_observations, release_sources, unit_id, unit_list
from warehouse.indicators import compute_indicators
from warehouse.observations import (
    ExtractionCache,
    Selection,
    archived_documents,
    code_fingerprint,
    curated_rows,
    document_rows,
    extract_archived,
)
from warehouse.panel import build_panel
from warehouse.schemas import INDICATORS_CATALOG, OBSERVATIONS, PANEL, SOURCES, ZONES
from warehouse.zone_year import zone_year

log = logging.getLogger(__name__)


# A Prefect task costs ~0.3 s in all (bench/results.md), so tasks should carry seconds of work: zones get a task
# each up to max(MIN_ZONE_TASKS, ZONE_TASKS_PER_WORKER x workers) (the nine real zones always do), grouped beyond.
MIN_ZONE_TASKS = 16
ZONE_TASKS_PER_WORKER = 8


class RunSettings(BaseModel):
    """Everything a refresh reads and writes. Frozen; unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warehouse: Path = Path("warehouse")
    archive: Path = Path("archive")
    curated: tuple[Path, ...] = ()
    bundled_curated: bool = True
    vintage_policy: str = Field("latest", pattern="^(latest|first_release)$")
    zones: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None
    sources: tuple[Path, ...] = ()  # user source registries (added to the bundled one and $BORDERZONES_SOURCES)
    offline: bool = False  # no fetching: only what the archive holds
    runner: str = Field("sequential", pattern="^(sequential|dask)$")  # dask: zone tasks on a Dask cluster
    workers: int = Field(2, ge=1, le=512)  # local Dask worker processes (ignored with dask_address)
    dask_address: str | None = None  # an existing Dask scheduler, e.g. tcp://10.0.0.5:8786
    force: bool = False  # rebuild even when the inputs and code are those the latest release was built from
    max_tasks: int | None = Field(None, ge=1)  # zone tasks per run; None: see task_count

    @property
    def task_count(self) -> int:
        """How many tasks the zones go to: one per zone up to this many, grouped beyond it."""
        if self.max_tasks:
            return self.max_tasks
        return max(MIN_ZONE_TASKS, ZONE_TASKS_PER_WORKER * (self.workers if self.runner == "dask" else 1))

    @property
    def selection(self) -> Selection:
        return Selection(self.zones, self.years)

    @property
    def curated_files(self) -> tuple[Path, ...]:
        return ((BUNDLED_CURATED,) if self.bundled_curated else ()) + tuple(self.curated)

    @property
    def cache_dir(self) -> Path:
        return self.warehouse / ".cache" / "extract"


@dataclass
class ZoneCollection:
    zone_id: str | None  # None: documents that belong to no zone
    observations: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # per document: sha, title, status, n, cached, problems
    n_observations: int = 0  # kept when the rows themselves have gone to a staging file

    def counts(self) -> Counter:
        return Counter(d["status"] for d in self.documents)


def validate_selection(settings: RunSettings, cat: Catalog) -> None:
    """Raise ValueError with a clear message for unknown zones, bad years or missing curated files."""
    for z in settings.zones or ():
        if z not in cat.zones:
            raise ValueError(f"unknown zone {z!r}; known zones: {', '.join(cat.zones)}")
    if settings.years is not None:
        a, b = settings.years
        if not (1949 <= a <= b <= 2100):
            raise ValueError(f"year range {a}-{b} is not a plausible range of data years")
    for p in settings.curated:
        if not Path(p).is_file():
            raise ValueError(f"curated file {p} does not exist")


def load_curated_all(settings: RunSettings, cat: Catalog, skipped: list[dict] | None = None
                     ) -> tuple[list[dict], list[dict]]:
    """All curated rows and citations, read once per run (raises CatalogError naming file and row); the rows
    that give no observation are added to `skipped` with the reason."""
    obs, sources = [], []
    for path in settings.curated_files:
        o, s = curated_rows(path, cat, skipped)
        obs += o
        sources += s
    return obs, sources


def collect_zone(zone_id: str | None, settings: RunSettings, cat: Catalog, curated: tuple[list[dict], list[dict]],
                 on_document: Callable[[dict], None] | None = None, docs: list[Sidecar] | None = None
                 ) -> ZoneCollection:
    """Extract the zone's archived documents (cached) and take its curated rows, within the selection.

    `zone_id` None collects the documents that name no unit of any zone (only in a refresh of every zone).
    `docs`: the zone's sidecars when the caller has indexed the archive already (see zone_documents).
    """
    sel = settings.selection
    units = frozenset(cat.zone_units(zone_id)) if zone_id else None
    known = frozenset(u for z in cat.zones for u in cat.zone_units(z))
    archive = Archive(settings.archive)
    cache = ExtractionCache(settings.cache_dir, code_fingerprint(cat.data_dir))
    out = ZoneCollection(zone_id)
    if docs is None:
        docs = archived_documents(archive, units) if zone_id else [s for s in archive if s.unit_code not in known]
    for side in docs:
        ext = extract_archived(archive, side, cache, cat)
        rows, source = document_rows(ext, cat)
        if zone_id and source["unit_code"] not in units:
            continue  # re-identified as another unit: that zone's refresh takes it
        rows = [r for r in rows if sel.covers(r["unit_code"], r["year"], units)]
        out.observations += rows
        out.sources.append(source)
        record = {"zone_id": zone_id, "sha256": side.sha256, "title": source["title"], "unit_code": source["unit_code"],
                  "data_year": source["data_year"], "status": ext.status, "observations": len(rows),
                  "cached": ext.cached, "problems": source["problems"], "extract_s": ext.extract_s}
        out.documents.append(record)
        if on_document is not None:
            on_document(record)
    if zone_id:
        c_obs, c_src = curated
        rows = [r for r in c_obs if r["unit_code"] in units and sel.covers(r["unit_code"], r["year"], units)]
        out.observations += rows
        ids = {r["source_id"] for r in rows}
        out.sources += [s for s in c_src if s["source_id"] in ids]
    return out


def zone_documents(index: dict[str | None, list[Sidecar]], zone_id: str | None, cat: Catalog) -> list[Sidecar]:
    """A zone's share of an archive index (documents_by_unit); None: documents of no zone's unit."""
    if zone_id is None:
        known = {u for z in cat.zones for u in cat.zone_units(z)}
        docs = [s for u, ss in index.items() if u not in known for s in ss]
    else:
        docs = [s for u in cat.zone_units(zone_id) for s in index.get(u, [])]
    return sorted(docs, key=lambda s: (s.retrieved_at, s.sha256))


# Relative extraction cost of a document by format, to balance the batches (bench: ~2.5 ms an HTML document,
# ~25 ms a two-page PDF); a guess is enough, Dask hands the next batch to whichever worker is free.
_FORMAT_COST = {"pdf": 10}


def task_batches(zone_ids: list[str | None], shares: dict[str | None, list[Sidecar]], max_tasks: int
                 ) -> list[list[str | None]]:
    """The zones grouped into the Prefect tasks of a run, costliest batch first.

    Up to `max_tasks` zones each get a task of their own, in the given order (the nine zones of the
    real catalog always do). Beyond that, zones are dealt to `max_tasks` batches of similar extraction
    cost (longest-processing-time-first), so each task is worth its fixed cost and no worker is left
    with a long tail.

    >>> docs = lambda n, ext="html": [Sidecar("0" * 64, ext, 1, "", "", "file", "")] * n
    >>> task_batches(["a", "b", None], {"a": docs(3), "b": [], None: docs(1)}, 4)
    [['a'], ['b'], [None]]
    >>> task_batches(["a", "b", "c", "d"], {"a": docs(5), "b": docs(1, "pdf"), "c": docs(2), "d": docs(4)}, 2)
    [['a', 'd', 'c'], ['b']]

    (costs b 10, a 5, d 4, c 2: b opens one batch, a the other, d and c join the lighter one: 11 against 10)
    """
    if len(zone_ids) <= max_tasks:
        return [[z] for z in zone_ids]

    def cost(z: str | None) -> int:
        return sum(_FORMAT_COST.get(s.ext, 1) for s in shares.get(z, ()))

    batches: list[tuple[int, int, list[str | None]]] = [(0, i, []) for i in range(max_tasks)]
    for z in sorted(zone_ids, key=cost, reverse=True):  # stable: equal costs keep the zones' order
        total, i, members = min(batches)
        batches[i] = (total + cost(z), i, [*members, z])
    filled = [b for b in batches if b[2]]
    return [members for _, _, members in sorted(filled, key=lambda b: (-b[0], b[1]))]


_READ = ("ok", "partial")


def document_losses(fresh_src: pd.DataFrame, previous_src: pd.DataFrame | None, settings: RunSettings,
                    cat: Catalog, parent: str | None) -> list[dict]:
    """The previous release's documents, inside the refreshed part, that this run did not read as it did:
    gone from the archive, now corrupt (their rows are carried, see `assemble`), or now failing. Each is
    said in the summary and the manifest: published figures are never dropped without a word.

    >>> import pandas as pd
    >>> prev = pd.DataFrame({"source_id": ["a", "b", "c"], "origin": "archive", "unit_code": "533102",
    ...                      "data_year": 2020, "status": "ok", "n_observations": [5, 3, 0], "title": "t"})
    >>> fresh = pd.DataFrame({"source_id": ["b"], "status": ["corrupt"]})
    >>> [(d["source_id"], d["now"], d["observations"], d["kept"]) for d in document_losses(
    ...     fresh, prev, RunSettings(), None, "R1")]
    [('a', 'gone from the archive', 5, False), ('b', 'corrupt', 3, True)]
    """
    if previous_src is None or not len(previous_src):
        return []
    sel = settings.selection
    units = sel.units(cat) if cat is not None else None
    now = dict(zip(fresh_src["source_id"], fresh_src["status"], strict=True))
    out = []
    for r in previous_src.to_dict("records"):
        # a document still corrupt since an earlier run keeps being carried: its status says corrupt already
        if r["origin"] != "archive" or r["status"] not in (*_READ, "corrupt") or not int(r["n_observations"] or 0):
            continue
        year = None if pd.isna(r["data_year"]) else int(r["data_year"])
        if not sel.covers(r["unit_code"], year, units):
            continue
        status = now.get(r["source_id"])
        if status in _READ:
            continue
        what = "gone from the archive" if status is None else status
        out.append({"source_id": r["source_id"], "title": r["title"], "unit_code": r["unit_code"], "data_year": year,
                    "was": r["status"], "now": what, "observations": int(r["n_observations"]),
                    "kept": status == "corrupt", "release": parent})
    return out


def official_hosts(settings: RunSettings, cat: Catalog) -> frozenset[str]:
    """The registry's official hosts (bundled, $BORDERZONES_SOURCES, --sources): what makes an archived
    document's address `official` in the sources table."""
    from catalog.sources import load_registry

    return load_registry(cat, settings.sources).official_hosts


def assemble(fresh_obs: pd.DataFrame, fresh_src: pd.DataFrame, previous: tuple[pd.DataFrame, pd.DataFrame] | None,
             settings: RunSettings, cat: Catalog, keep_sources: frozenset[str] = frozenset(),
             official: frozenset[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations and sources of the new release: the fresh rows of the refreshed part, and the previous
    release's rows outside it, unchanged. A row collected twice (a unit in two zones) is kept once. The
    sources' citation columns are filled (warehouse.citations), carried rows included.

    `keep_sources`: documents whose previous rows are carried even inside the refreshed part (an archived
    copy found corrupt: its figures stay published, the source row says why, until the copy is restored).
    `official`: the registry's official hosts (default: read from the registry the settings name)."""
    sel = settings.selection
    units = sel.units(cat)
    obs = fresh_obs[OBSERVATIONS.names].drop_duplicates("obs_id", keep="last")
    src = fresh_src[SOURCES.names].drop_duplicates("source_id", keep="last")
    if previous is not None and keep_sources:
        p_obs = previous[0]
        kept = p_obs[p_obs["source_id"].isin(keep_sources)]
        if len(kept):
            obs = pd.concat([obs, kept[OBSERVATIONS.names]], ignore_index=True)
    if previous is not None and (sel.zones is not None or sel.years is not None):
        p_obs, p_src = previous
        keep = [not sel.covers(u, y, units) for u, y in zip(p_obs["unit_code"], p_obs["year"], strict=True)]
        obs = pd.concat([p_obs[keep][OBSERVATIONS.names], obs], ignore_index=True) if any(keep) else obs
        referenced = set(obs["source_id"])
        fresh_ids = set(src["source_id"])
        carried = [s not in fresh_ids and (s in referenced or not sel.covers(u, y, units))
                   for s, u, y in zip(p_src["source_id"], p_src["unit_code"], p_src["data_year"], strict=True)]
        if any(carried):
            # a release written before a column existed lacks it: annotate_sources fills what can be derived
            src = pd.concat([src, p_src[carried].reindex(columns=SOURCES.names)], ignore_index=True)
    obs = obs.drop_duplicates("obs_id", keep="last").reset_index(drop=True)
    sources = annotate_sources(src.reset_index(drop=True),
                               official_hosts(settings, cat) if official is None else official)
    counts = obs["source_id"].value_counts()
    sources["n_observations"] = [int(counts.get(s, 0)) for s in sources["source_id"]]
    return obs, sources


def zones_frame(cat: Catalog) -> pd.DataFrame:
    return pd.DataFrame([{
        "zone_id": z.zone_id, "name_zh": z.name_zh, "name_en": z.name_en, "established": z.established,
        "province": z.province, "neighbours": ";".join(z.neighbours), "host_units": unit_list(z.host_units),
        "paper_units": unit_list(z.paper_units), "zone_scope_unit": unit_id(z.zone_scope_unit), "note": z.note or None,
    } for z in cat.zones.values()], columns=ZONES.names)


def indicators_catalog_frame(cat: Catalog) -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit,
        "unit_name_zh": cat.measure_units[i.unit].name_zh, "unit_name_en": cat.measure_units[i.unit].name_en,
        "alt_units": ";".join(i.alt_units) or None, "additive": i.additive, "category": i.category,
        "aliases": "|".join(i.aliases) or None,
    } for i in cat.indicators.values()], columns=INDICATORS_CATALOG.names)


def build_tables(observations: pd.DataFrame, sources: pd.DataFrame, cat: Catalog, policy: str,
                 panel: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The release tables from the assembled observations and sources (catalog codes or release ids).

    `panel`: one built incrementally (warehouse/incremental.py); the tables derived from it are computed from the
    full frame either way. The panel is in its release form (contract types, key order) in both cases, so a full
    and an incremental build derive identical tables."""
    from warehouse.incremental import canonical

    observations = release_observations(observations)
    panel = canonical(build_panel(observations, cat, policy), PANEL) if panel is None else panel
    indicators, not_computable = compute_indicators(panel, cat, policy)
    return {
        "zone_year": zone_year(panel, indicators, cat),
        "observations": observations,
        "panel": panel,
        "indicators": indicators,
        "not_computable": not_computable,
        "zones": zones_frame(cat),
        "indicators_catalog": indicators_catalog_frame(cat),
        **dimension_tables(cat),
        "sources": release_sources(sources),
    }


_CODE_PACKAGES = ("catalog", "extractors", "warehouse", "validation", "flows")


@functools.cache
def code_fingerprint_all(data_dir: Path) -> str:
    """sha256 over every source file of the pipeline and every catalog data file."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    files = sorted(f for pkg in _CODE_PACKAGES for f in (root / pkg).glob("*.py"))
    files += sorted(p for p in Path(data_dir).rglob("*") if p.is_file())
    for f in files:
        h.update(str(f.relative_to(f.parents[1])).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _settings_digest(settings: RunSettings, cat: Catalog) -> dict:
    return {"zones": settings.zones, "years": settings.years, "policy": settings.vintage_policy,
            "code": code_fingerprint_all(cat.data_dir),
            "official_hosts": sorted(official_hosts(settings, cat))}  # they decide the sources' url_kind


_STAGING_OWNER = ".owner"  # flock-held by the run that made the folder, for as long as it lives


def open_staging(warehouse: Path) -> tuple[Path, object]:
    """A new staging folder under the warehouse, and the open, locked owner file that marks it alive (close
    it when the run ends; the OS releases the lock when the process dies, however it dies)."""
    import fcntl
    import tempfile

    Path(warehouse).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=warehouse))
    fh = open(staging / _STAGING_OWNER, "w")  # noqa: SIM115 - held for the run
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fh.write(f"{os.getpid()}\n")
    fh.flush()
    return staging, fh


def clean_dead_staging(warehouse: Path, legacy_age_s: float = 86400) -> list[str]:
    """Remove the staging folders of runs that are provably dead: their owner file's lock is free. A folder
    without an owner file (made by an older version) goes when older than `legacy_age_s`."""
    import fcntl
    import shutil
    import time

    removed = []
    for folder in Path(warehouse).glob(".staging-*"):
        owner = folder / _STAGING_OWNER
        try:
            if owner.exists():
                with open(owner, "a") as fh:
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a live run's
            elif time.time() - folder.stat().st_mtime < legacy_age_s:
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


def stage_rows(staging: Path, label: str, observations: list[dict], sources: list[dict]) -> None:
    """Save a zone's fresh rows to the run's staging folder (a worker hands back statuses, not rows)."""
    safe = re.sub(r"[^a-z0-9_]", "_", label.lower())
    for prefix, rows, spec in (("obs", observations, OBSERVATIONS), ("src", sources, SOURCES)):
        pd.DataFrame(rows, columns=spec.names).astype(object).to_parquet(Path(staging) / f"{prefix}-{safe}.parquet")


def read_staged(staging: Path, prefix: str) -> pd.DataFrame:
    """The staged rows of every zone as one frame ("obs" or "src")."""
    columns = (OBSERVATIONS if prefix == "obs" else SOURCES).names
    parts = [pd.read_parquet(p) for p in sorted(Path(staging).glob(f"{prefix}-*.parquet"))]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def input_fingerprint(staging: Path, settings: RunSettings, cat: Catalog) -> str:
    """What a release is built from: the staged fresh rows, the selection, the policy and the code. Equal to
    the latest release's fingerprint means the same release would be built again: nothing to do.

    The rows are taken as their staged files' names and bytes: the zone tasks write them deterministically
    (documents in archive order), so equal rows give equal bytes, and any difference only costs a rebuild.
    Hashing bytes is ~50x cheaper than hashing 240,000 rows as values (measured in bench/results.md).
    """
    h = hashlib.sha256(json.dumps(_settings_digest(settings, cat), sort_keys=True).encode())
    for p in sorted(Path(staging).glob("*.parquet")):
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def source_fingerprint(settings: RunSettings, cat: Catalog) -> str:
    """What a refresh reads, without reading it: the archive's listing (names are content hashes), the
    curated files' hashes, the selection, the policy and the code. Equal to the latest release's means
    nothing needs extracting, building or validating again (owid/etl style: rebuild on changed checksums)."""
    archive_digest, _ = Archive(settings.archive).fingerprint()
    curated = [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in settings.curated_files]
    return hashlib.sha256(json.dumps({**_settings_digest(settings, cat), "archive": archive_digest,
                                      "curated": curated}, sort_keys=True).encode()).hexdigest()


def unchanged_since(settings: RunSettings, cat: Catalog, sources_fp: str | None = None) -> str | None:
    """The latest release's id when it was built from this very archive listing, curated files, selection
    and code (and `force` is off): rerunning would rebuild it byte for byte. None otherwise."""
    from warehouse.release import latest_id, read_manifest

    parent = latest_id(settings.warehouse)
    if settings.force or parent is None:
        return None
    fp = sources_fp or source_fingerprint(settings, cat)
    stored = read_manifest(settings.warehouse, parent).get("source_fingerprint")
    return parent if fp == stored or fp in rebuilt_as(settings.warehouse, parent)["source"] else None


REBUILT_AS = Path(".cache") / "rebuilt-as.json"  # under the warehouse
_REBUILT_AS_KEPT = 20


def rebuilt_as(warehouse: Path, release_id: str) -> dict:
    """The fingerprints (`source`: `source_fingerprint`, `input`: `input_fingerprint`) of the runs that rebuilt
    release `release_id` exactly, besides the run that wrote it, and the keys (warehouse/report.py `chart_keys`)
    their charts had, by chart (`charts`): the same PNG bytes as the release's (`record_rebuilt_as`). Empty for
    any other release.

    >>> import tempfile; wh = Path(tempfile.mkdtemp())
    >>> record_rebuilt_as(wh, "r1", "s2", "i2", {"coverage": {"key": "k2", "notes": []}})
    >>> rebuilt_as(wh, "r1"), rebuilt_as(wh, "r0")
    ({'source': ['s2'], 'input': ['i2'], 'charts': {'coverage': ['k2']}}, {'source': [], 'input': [], 'charts': {}})
    """
    try:
        data = json.loads((Path(warehouse) / REBUILT_AS).read_text(encoding="utf-8"))
        if data.get("release_id") == release_id:
            charts = data.get("charts") or {}
            return {"source": list(data.get("source", [])), "input": list(data.get("input", [])),
                    "charts": {str(k): [str(x) for x in v] for k, v in charts.items() if isinstance(v, list)}}
    except (OSError, ValueError, AttributeError):
        pass
    return {"source": [], "input": [], "charts": {}}


def record_rebuilt_as(warehouse: Path, release_id: str, source_fp: str | None, input_fp: str | None,
                      charts: dict[str, dict] | None = None) -> None:
    """Remember that a run with these fingerprints rebuilt release `release_id` to the byte (call under the
    publish lock). Releases are immutable, so their manifests keep the fingerprints of the run that wrote them;
    without this a code change that moves no figure (a faster chart, a new log line) made every later refresh
    rebuild everything, find the same content, write nothing, and so never answer "no change" from the
    listing again. The same holds for the charts: `charts` ({name: {"key": …}}, the run's `chart_keys`) are keys
    that gave the release's PNG bytes, so a change of the drawing code that moves no pixel redraws them once, not
    on every later run. Kept for the latest release only, the last few fingerprints and keys."""
    known = rebuilt_as(warehouse, release_id)
    for key, fp in (("source", source_fp), ("input", input_fp)):
        if fp and fp not in known[key]:
            known[key] = [*known[key], fp][-_REBUILT_AS_KEPT:]
    for name, chart in (charts or {}).items():
        have = known["charts"].get(name, [])
        if isinstance(chart, dict) and chart.get("key") and chart["key"] not in have:
            known["charts"][name] = [*have, chart["key"]][-_REBUILT_AS_KEPT:]
    path = Path(warehouse) / REBUILT_AS
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"release_id": release_id, **known}), encoding="utf-8")
    os.replace(tmp, path)


def code_version() -> dict:
    try:
        pkg = version("borderzones")
    except PackageNotFoundError:
        pkg = None
    commit = None
    try:
        root = Path(__file__).resolve().parent.parent
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    return {"package": pkg, "git_commit": commit, "extractor_version": EXTRACTOR_VERSION}
