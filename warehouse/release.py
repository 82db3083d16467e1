"""The release writer and reader.

    <warehouse>/releases/<release_id>/   immutable once written: the tables as Parquet and csv/ twins,
                                         manifest.json (a sha256 and size for every other file),
                                         datapackage.json, report/
    <warehouse>/latest                   symlink to the newest release, replaced atomically

A release is written into `releases/.tmp-<id>/`, flushed to disk, renamed to its final name, and only
then is `latest` switched (a new symlink renamed over the old one, which POSIX makes atomic). A crash
at any point leaves `latest` on the previous complete release; the next run removes the leftovers.
Publishing is serialised by an exclusive lock on `<warehouse>/.lock`: a second publisher waits, then
builds on what the first one published. Identical table content makes no new release: the content hash
covers every table but `changes` (what changed since the parent: with identical content it says nothing
changed, whatever the parent's own `changes` said).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from warehouse.schemas import TABLES, TableSpec, resolve_enum, to_arrow, vocabularies

log = logging.getLogger(__name__)

# 2: datapackage.json describes the CSV twins as its tabular resources (frictionless-valid) and lists the
# Parquet files as file resources; manifest `files` names every file of the release by its path (1: the
# Parquet tables); release ids (unit:533102, zone_scope:ruili, obs:…), adcode columns, zone_year
# (warehouse/ids.py), where format 1 had plain unit codes (533102, ZONE:ruili). Part of the content hash: a new
# format is a new release.
FORMAT_VERSION = 2
# Tables about the release's relation to its parent, not its content: left out of the content hash, so that
# publishing identical content again makes no new release.
NOT_CONTENT = frozenset({"changes"})
MANIFEST = "manifest.json"
_FRICTIONLESS = {"string": "string", "double": "number", "int64": "integer", "bool": "boolean",
                 "date32[day]": "date", "timestamp[us, tz=UTC]": "datetime"}


class ReleaseError(RuntimeError):
    pass


@dataclass
class PublishOutcome:
    release_id: str | None  # None: nothing published and no release before
    path: Path | None
    created: bool  # False: nothing changed since release_id
    parent: str | None
    row_counts: dict[str, int] = field(default_factory=dict)


def releases_dir(warehouse: Path) -> Path:
    return Path(warehouse) / "releases"


@contextlib.contextmanager
def publish_lock(warehouse: Path, *, timeout_s: float = 3600, on_wait=None) -> Iterator[None]:
    """Hold the warehouse's publish lock (an flock: released by the OS if the holder dies)."""
    warehouse = Path(warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    fh = open(warehouse / ".lock", "a+")  # noqa: SIM115 - held for the whole block
    try:
        deadline = time.monotonic() + timeout_s
        waited = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                if time.monotonic() > deadline:
                    raise ReleaseError(
                        f"{warehouse}: another publish has held the lock for {timeout_s:.0f} s") from None
                time.sleep(0.2)
        yield
    finally:
        fh.close()


def latest_id(warehouse: Path) -> str | None:
    link = Path(warehouse) / "latest"
    if not link.is_symlink() and not link.exists():
        return None
    target = Path(os.readlink(link)) if link.is_symlink() else link.resolve()
    rid = target.name
    return rid if (releases_dir(warehouse) / rid / "manifest.json").is_file() else None


def base_release(warehouse: Path) -> str | None:
    """The release a run builds on: `latest`, or when `latest` is missing or broken (deleted by hand, a copy
    made without symlinks) the newest complete release, which the next publish points `latest` at again."""
    rid = latest_id(warehouse)
    if rid is not None:
        return rid
    ids = list_releases(warehouse)
    if ids:
        log.warning("%s: `latest` is missing or broken; building on the newest complete release, %s",
                    warehouse, ids[-1])
    return ids[-1] if ids else None


def read_manifest(warehouse: Path, release_id: str) -> dict:
    return json.loads((releases_dir(warehouse) / release_id / "manifest.json").read_text(encoding="utf-8"))


def read_table(warehouse: Path, release_id: str, name: str) -> pd.DataFrame:
    """A release table as a DataFrame (strings as Python objects, dates as ISO strings)."""
    path = releases_dir(warehouse) / release_id / f"{name}.parquet"
    if not path.exists():
        return pd.DataFrame(columns=TABLES[name].names) if name in TABLES else pd.DataFrame()
    return arrow_frame(pq.read_table(path))


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of the contract as read_table returns it (strings as Python objects, dates as ISO strings)."""
    df = table.to_pandas(types_mapper=None)
    for f in table.schema:
        if pa.types.is_date32(f.type):
            df[f.name] = [None if pd.isna(v) else v.isoformat() for v in df[f.name]]
        elif pa.types.is_string(f.type):
            df[f.name] = df[f.name].astype(object).where(df[f.name].notna(), None)
    return df


def list_releases(warehouse: Path) -> list[str]:
    """Release ids, oldest first. An id starts with its UTC second; releases written within the same second
    are ordered by lineage (a parent before its child), not by the content hash that ends their ids."""
    d = releases_dir(warehouse)
    if not d.exists():
        return []
    ids = sorted(p.name for p in d.iterdir() if not p.name.startswith(".") and (p / "manifest.json").is_file())
    seconds: dict[str, list[str]] = {}
    for rid in ids:
        seconds.setdefault(rid[:15], []).append(rid)
    depth: dict[str, int] = {}
    for group in (g for g in seconds.values() if len(g) > 1):
        parents = {rid: read_manifest(warehouse, rid).get("parent") for rid in group}
        for rid in group:
            n, cur, seen = 0, parents[rid], {rid}
            while cur in parents and cur not in seen:
                n, seen, cur = n + 1, seen | {cur}, parents[cur]
            depth[rid] = n
    return sorted(ids, key=lambda rid: (rid[:15], depth.get(rid, 0), rid))


def lineage(warehouse: Path, release_id: str | None) -> list[str]:
    """A release and its parents, newest first."""
    chain, seen = [], set()
    while release_id and release_id not in seen and (releases_dir(warehouse) / release_id / "manifest.json").exists():
        chain.append(release_id)
        seen.add(release_id)
        release_id = read_manifest(warehouse, release_id).get("parent")
    return chain


def clean_leftovers(warehouse: Path, keep: str | None = None) -> list[str]:
    """Remove what a crash left (call while holding the lock): half-written `.tmp-*` folders (but `keep`, the
    caller's own), stray symlinks, and complete releases that were never switched to (newer than latest, not its
    ancestors)."""
    removed = []
    d = releases_dir(warehouse)
    if d.exists():
        for p in d.iterdir():
            if p.name == keep:
                continue
            if p.name.startswith(".tmp-") or p.name.startswith(".trash-"):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        current = latest_id(warehouse)
        if current is not None:
            keep = set(lineage(warehouse, current))
            for rid in list_releases(warehouse):
                if rid not in keep and rid > current:
                    _remove_release(warehouse, rid)
                    removed.append(rid)
    for p in Path(warehouse).glob(".latest.tmp-*"):
        p.unlink(missing_ok=True)
        removed.append(p.name)
    return removed


def _remove_release(warehouse: Path, release_id: str) -> None:
    """Rename first (instant, so readers never see a half-deleted release), then delete."""
    src = releases_dir(warehouse) / release_id
    trash = releases_dir(warehouse) / f".trash-{release_id}"
    os.rename(src, trash)
    shutil.rmtree(trash, ignore_errors=True)


def prune(warehouse: Path, keep: int) -> list[str]:
    """Remove all but the `keep` newest releases; never the latest. Call while holding the lock."""
    current = latest_id(warehouse)
    ids = list_releases(warehouse)
    keep_ids = set(ids[-keep:]) if keep > 0 else set()
    if current:
        keep_ids.add(current)
    removed = [rid for rid in ids if rid not in keep_ids]
    for rid in removed:
        _remove_release(warehouse, rid)
    return removed


_PARQUET_OPTIONS = {"compression": "zstd", "coerce_timestamps": "us", "allow_truncated_timestamps": False,
                    "use_deprecated_int96_timestamps": False, "write_statistics": True, "store_schema": True}


def write_parquet(table: pa.Table, path: Path) -> dict:
    """Deterministic Parquet (same table, same bytes: no timestamps or random ids in the file) written straight
    to a file, never held in memory as a whole; returns its sha256 and size."""
    pq.write_table(table, path, **_PARQUET_OPTIONS)
    return _sync_and_hash(path)


def _sync_and_hash(path: Path) -> dict:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return {"sha256": h.hexdigest(), "bytes": path.stat().st_size}


def write_csv(table: pa.Table, path: Path) -> dict:
    """The Excel twin of a table: UTF-8 with a byte-order mark (so Excel reads Chinese), ISO dates, an empty
    cell for every missing value (a missing integer is empty, never NaN or 2012.0); returns its sha256 and size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_csv_to(table, fh)
        fh.flush()
    return _sync_and_hash(path)


def write_csv_to(table: pa.Table, fh, *, bom: bool = True) -> None:
    """A table as CSV to a binary stream: formula-like text made inert, strings quoted, missing values empty,
    CRLF line ends; with a byte-order mark for Excel (the twins), without one for a pipe (`releases diff`)."""
    # Arrow's writer streams record batches (~15x faster than pandas here)
    if bom:
        fh.write("\ufeff".encode())
    pacsv.write_csv(inert_text(table), fh, pacsv.WriteOptions(eol="\r\n"))


# A cell that starts with one of these is run as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_START = r"^[=+\-@\t\r]"


def inert_text(table: pa.Table) -> pa.Table:
    """The table with every text cell that a spreadsheet would run as a formula prefixed with an
    apostrophe (the OWASP advice for CSV injection). Only the CSV twins get this: Parquet stays exact.

    >>> t = pa.table({"title": ["=SUM(A1)", "公报", "-3.2%", None], "value": [1.0, 2.0, -3.2, None]})
    >>> inert_text(t).column("title").to_pylist(), inert_text(t).column("value").to_pylist()
    (["'=SUM(A1)", '公报', "'-3.2%", None], [1.0, 2.0, -3.2, None])
    """
    import pyarrow.compute as pc

    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.fill_null(pc.match_substring_regex(col, FORMULA_START), False)
            col = pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'", col.type), col, ""), col)
        columns.append(col)
    return pa.table(columns, schema=table.schema)


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The same for a DataFrame about to be written as CSV (report/claims.csv).

    >>> inert_frame(pd.DataFrame({"a": ["+1 (tel)", "ok"], "n": [1, 2]}))["a"].tolist()
    ["'+1 (tel)", 'ok']
    """
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = [f"'{v}" if isinstance(v, str) and re.match(FORMULA_START, v) else v for v in out[c]]
    return out


def content_hash(file_hashes: dict[str, str]) -> str:
    """The hash of a release's content: its tables' Parquet hashes, NOT_CONTENT tables left out."""
    h = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for name in sorted(file_hashes):
        if name not in NOT_CONTENT:
            h.update(f"{name} {file_hashes[name]}\n".encode())
    return h.hexdigest()


# What datapackage.json says about rights, provenance and authorship (Data Package `licenses`, `sources`,
# `contributors`). The licence covers the compilation; the documents stay their issuers'.
LICENSES = ({"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
             "title": "Creative Commons Attribution 4.0 International"},)
RIGHTS = ("The compilation (the tables, codes, derived indicators and lineage) is published under CC-BY-4.0. The "
          "figures are those that the issuing bodies (statistics bureaus, people's governments and official media of "
          "the zones' host cities and counties) published in their documents, which remain theirs: cite the "
          "document (resource sources: title, url, vintage) together with this package.")
SOURCES = (
    {"title": "Statistical bulletins on national economic and social development (国民经济和社会发展统计公报), "
              "government work reports (政府工作报告), yearbooks and official news of the zones' host cities and "
              "counties, issued by their statistics bureaus and people's governments: one row per document in "
              "resource sources (title, url, publication date, sha256 of the archived copy)"},
    {"title": "李光辉, 程仕杰 (2022). 我国沿边重点开发开放试验区建设: 成就、问题与策略. The reference paper of the "
              "derived indicators (resource indicators)"},
    {"title": "borderzones: the pipeline that compiled this package (code version in manifest.json)"},
)
CONTRIBUTORS = (
    {"title": "borderzones maintainers (compilation, codes, derived indicators, validation)", "role": "author"},
    {"title": "Statistics bureaus and people's governments of the zones' host cities and counties (the published "
              "figures; see resource sources)", "role": "contributor"},
)


def hash_file(path: Path) -> dict:
    """{"sha256", "bytes"} of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return {"sha256": h.hexdigest(), "bytes": Path(path).stat().st_size}


def folder_files(folder: Path) -> dict[str, dict]:
    """Every file under a release folder but the manifest, by its relative POSIX path, with sha256 and size
    (hidden files and folders, such as a report being rewritten, are not the release's)."""
    folder = Path(folder)
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not p.is_symlink() and rel.as_posix() != MANIFEST and not any(
                part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = hash_file(p)
    return out


def rehash_files(warehouse: Path, release_id: str) -> dict:
    """Record in the manifest the files of a release as they are now on disk (after `borderzones report`
    rewrote report/); the manifest is replaced atomically. Returns the new manifest."""
    folder = releases_dir(warehouse) / release_id
    manifest = read_manifest(warehouse, release_id)
    manifest["files"] = folder_files(folder)
    tmp = folder / f".{MANIFEST}.tmp"
    _write_file(tmp, _json(manifest))
    os.replace(tmp, folder / MANIFEST)
    _fsync_dir(folder)
    return manifest


def datapackage(release_id: str, created: str, files: dict[str, dict], specs: dict[str, TableSpec],
                csv_files: dict[str, dict], vocab: dict[str, tuple[str, ...]] | None = None) -> dict:
    """The release's Frictionless data package (Data Package v1; `frictionless validate` reports no error).

    Each table is a tabular resource on its CSV twin (`csv/<table>.csv`), which frictionless reads completely:
    types, required cells, primary keys, enums, foreign keys, bytes and hash. Frictionless reads Parquet only
    through pandas (a nullable integer becomes NaN) and cannot count its bytes, so each Parquet file is listed
    as a file resource `<table>-parquet` (format, bytes and sha256, checked) whose columns are those of the
    tabular resource `<table>`. Enums that name a catalog vocabulary are resolved with `vocab` (default: the
    catalog's, `vocabularies(load_catalog())`).
    """
    if vocab is None:
        from catalog import load_catalog

        vocab = vocabularies(load_catalog())
    tables, parquet = [], []
    for name, spec in specs.items():
        fields = []
        for c in spec.columns:
            constraints: dict = {"required": not c.nullable}
            if (values := resolve_enum(c, vocab)) is not None:
                constraints["enum"] = values
            fields.append({"name": c.name, "type": _FRICTIONLESS.get(str(c.type), "any"), "description": c.en,
                           "description_zh": c.zh, "constraints": constraints})
        schema: dict = {"fields": fields, "primaryKey": list(spec.key)}
        if fks := [{"fields": list(fk.fields), "reference": {"resource": fk.table, "fields": list(fk.ref_fields)}}
                   for fk in spec.foreign_keys if fk.table in specs]:
            schema["foreignKeys"] = fks
        tables.append({
            "name": name, "profile": "tabular-data-resource", "path": f"csv/{name}.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": spec.en, "description_zh": spec.zh,
            "hash": f"sha256:{csv_files[name]['sha256']}", "bytes": csv_files[name]["bytes"], "schema": schema,
        })
        parquet.append({
            "name": f"{name}-parquet", "type": "file", "profile": "data-resource", "path": f"{name}.parquet",
            "format": "parquet", "mediatype": "application/vnd.apache.parquet", "table": name,
            "description": f"Table {name} as Parquet, the file for BI tools: the rows and columns of resource "
                           f"{name} (its schema describes them), with typed nulls and the text exactly as "
                           "published (the CSV twin puts an apostrophe before a cell a spreadsheet would run as "
                           "a formula)",
            "hash": f"sha256:{files[name]['sha256']}", "bytes": files[name]["bytes"],
        })
    return {"profile": "data-package", "name": "borderzones", "id": release_id,
            "version": f"{FORMAT_VERSION}.0.0+{release_id}", "format_version": FORMAT_VERSION, "created": created,
            "title": "China's border key development and opening-up pilot zones (沿边重点开发开放试验区): statistics",
            "description": "Published figures of the zones' host units with lineage, the panel under a vintage "
                           "policy, the derived indicators, and the checks run on them. " + RIGHTS,
            "keywords": ["China", "border pilot zones", "沿边重点开发开放试验区", "statistical bulletins", "GDP",
                         "foreign trade"],
            "licenses": [dict(x) for x in LICENSES], "sources": [dict(x) for x in SOURCES],
            "contributors": [dict(x) for x in CONTRIBUTORS], "resources": tables + parquet}


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


@dataclass
class StagedTables:
    """Tables written ahead into a release's temporary folder (`stage_tables`) for `write_release` to finish."""

    folder: Path
    files: dict[str, dict] = field(default_factory=dict)  # table -> its Parquet file's sha256 and size
    csv_files: dict[str, dict] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def stage_tables(warehouse: Path, frames: dict[str, pd.DataFrame],
                 specs: dict[str, TableSpec] | None = None) -> StagedTables:
    """Write `frames` (each a Parquet file and its CSV twin) into a new temporary release folder, ahead of
    `write_release(..., staged=…)`: the pipeline writes the tables that do not wait for the checks while the
    checks run. Call while holding `publish_lock`; `discard` the result if no release follows."""
    releases_dir(warehouse).mkdir(parents=True, exist_ok=True)
    staged = StagedTables(releases_dir(warehouse) / f".tmp-{os.getpid()}-{time.time_ns()}")
    staged.folder.mkdir()
    try:
        _write_tables(staged, frames, specs or {n: TABLES[n] for n in frames})
    except BaseException:
        staged.discard()
        raise
    return staged


def _write_tables(staged: StagedTables, frames: dict[str, pd.DataFrame], specs: dict[str, TableSpec]) -> None:
    # one table at a time, straight to files: the Parquet and CSV bytes of a release are never all in memory
    for name, spec in specs.items():
        table = to_arrow(frames[name], spec)
        staged.files[name] = write_parquet(table, staged.folder / f"{name}.parquet")
        staged.row_counts[name] = table.num_rows
        staged.csv_files[name] = write_csv(table, staged.folder / "csv" / f"{name}.csv")
        del table


def write_release(warehouse: Path, frames: dict[str, pd.DataFrame], manifest_extra: dict,
                  extra_files: dict[str, bytes] | None = None, *, specs: dict[str, TableSpec] | None = None,
                  staged: StagedTables | None = None, _crash_after: str | None = None) -> PublishOutcome:
    """Write a release of the given tables unless the latest one has the same content.

    Call while holding `publish_lock`. `extra_files` (relative path -> bytes, e.g. the HTML
    validation report) go into the release folder; they count in the content hash like the tables, so
    a report drawn differently (a CJK font installed since, a new chart) makes a new release even when the
    tables are identical, and identical tables and report make none. `staged` (`stage_tables`): those of the
    tables written already, from the same frames; the others are written here. `_crash_after` is for tests:
    raise after the named step ("tables", "rename") to simulate a crash.
    """
    warehouse = Path(warehouse)
    specs = specs or {n: TABLES[n] for n in frames}
    clean_leftovers(warehouse, keep=staged.folder.name if staged is not None else None)
    parent = base_release(warehouse)

    # tables go straight to files in a temporary folder (see _write_tables); an unchanged release is recognised
    # by the files' hashes
    if staged is None:
        staged = stage_tables(warehouse, {}, {})
    tmp = staged.folder
    try:
        if extra := sorted(set(staged.files) - set(specs)):
            raise ReleaseError(f"tables staged for this release but not in it: {extra}")
        _write_tables(staged, frames, {n: spec for n, spec in specs.items() if n not in staged.files})
    except BaseException:
        staged.discard()
        raise
    # in the order of `specs`, whichever were staged first (the data package lists them in this order)
    files = {n: staged.files[n] for n in specs}
    csv_files = {n: staged.csv_files[n] for n in specs}
    row_counts = {n: staged.row_counts[n] for n in specs}
    chash = content_hash({n: f["sha256"] for n, f in files.items()}
                         | {rel: hashlib.sha256(data).hexdigest() for rel, data in (extra_files or {}).items()})
    if parent is not None and read_manifest(warehouse, parent).get("content_hash") == chash:
        shutil.rmtree(tmp, ignore_errors=True)
        if latest_id(warehouse) != parent:
            switch_latest(warehouse, parent)  # `latest` was missing: point it at the release it equals
        return PublishOutcome(parent, releases_dir(warehouse) / parent, False, parent, row_counts)

    now = datetime.now(UTC)
    release_id = f"{now:%Y%m%dT%H%M%SZ}-{chash[:8]}"
    final = releases_dir(warehouse) / release_id
    if final.exists():  # same content published twice within a second after a revert: keep the first
        release_id = f"{now:%Y%m%dT%H%M%S%fZ}-{chash[:8]}"
        final = releases_dir(warehouse) / release_id
    if _crash_after == "tables":
        raise ReleaseError("simulated crash after writing the tables")
    created = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    for rel, data in (extra_files or {}).items():
        _write_file(tmp / rel, data)
    _write_file(tmp / "datapackage.json", _json(datapackage(release_id, created, files, specs, csv_files)))
    # every file the release ships (tables, CSV twins, report, datapackage.json), hashed as it is on disk
    manifest = {"release_id": release_id, "parent": parent, "created": created, "format_version": FORMAT_VERSION,
                "content_hash": chash, "row_counts": row_counts, "files": folder_files(tmp), **manifest_extra}
    _write_file(tmp / MANIFEST, _json(manifest))  # written last: its presence marks a complete release
    _fsync_dir(tmp)
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    if _crash_after == "rename":
        raise ReleaseError("simulated crash before switching latest")
    if pause := os.environ.get("BORDERZONES_FAULT_PAUSE_BEFORE_SWITCH"):
        # fault injection for the crash tests (real processes, SIGKILL): say where we are, then wait
        Path(pause).write_text(release_id, encoding="utf-8")
        time.sleep(120)
    switch_latest(warehouse, release_id)
    return PublishOutcome(release_id, final, True, parent, row_counts)


def switch_latest(warehouse: Path, release_id: str) -> None:
    """Point `latest` at a release: a new relative symlink renamed over the old one (atomic)."""
    warehouse = Path(warehouse)
    link = warehouse / "latest"
    tmp = warehouse / f".latest.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(Path("releases") / release_id, tmp)
    if link.exists() and not link.is_symlink():
        raise ReleaseError(f"{link} is a real folder, not the symlink this tool manages; move it away")
    os.replace(tmp, link)
    _fsync_dir(warehouse)


def _json(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
