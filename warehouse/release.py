"""The release writer and reader.

    <warehouse>/releases/<release_id>/   immutable once written: the tables as Parquet, manifest.json,
                                         datapackage.json, report/
    <warehouse>/latest                   symlink to the newest release, replaced atomically

A release is written into `releases/.tmp-<id>/`, flushed to disk, renamed to its final name, and only
then is `latest` switched (a new symlink renamed over the old one, which POSIX makes atomic). A crash
at any point leaves `latest` on the previous complete release; the next run removes the leftovers.
Publishing is serialised by an exclusive lock on `<warehouse>/.lock`: a second publisher waits, then
builds on what the first one published. Identical table content makes no new release.
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

from warehouse.schemas import TABLES, TableSpec, to_arrow

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
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
    d = releases_dir(warehouse)
    if not d.exists():
        return []
    return sorted(p.name for p in d.iterdir() if not p.name.startswith(".") and (p / "manifest.json").is_file())


def lineage(warehouse: Path, release_id: str | None) -> list[str]:
    """A release and its parents, newest first."""
    chain, seen = [], set()
    while release_id and release_id not in seen and (releases_dir(warehouse) / release_id / "manifest.json").exists():
        chain.append(release_id)
        seen.add(release_id)
        release_id = read_manifest(warehouse, release_id).get("parent")
    return chain


def clean_leftovers(warehouse: Path) -> list[str]:
    """Remove what a crash left (call while holding the lock): half-written `.tmp-*` folders, stray
    symlinks, and complete releases that were never switched to (newer than latest, not its ancestors)."""
    removed = []
    d = releases_dir(warehouse)
    if d.exists():
        for p in d.iterdir():
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
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return {"sha256": h.hexdigest(), "bytes": path.stat().st_size}


def write_csv(table: pa.Table, path: Path) -> None:
    """The Excel twin of a table: UTF-8 with a byte-order mark (so Excel reads Chinese), ISO dates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        _write_csv(table, fh)
        fh.flush()
        os.fsync(fh.fileno())


def _write_csv(table: pa.Table, fh) -> None:
    # Arrow's writer streams record batches (~15x faster than pandas here); strings are quoted, CRLF for Excel
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
    h = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for name in sorted(file_hashes):
        h.update(f"{name} {file_hashes[name]}\n".encode())
    return h.hexdigest()


def datapackage(release_id: str, created: str, files: dict[str, dict], specs: dict[str, TableSpec]) -> dict:
    resources = []
    for name, spec in specs.items():
        fields = [{"name": c.name, "type": _FRICTIONLESS.get(str(c.type), "any"), "description": c.en,
                   "description_zh": c.zh, "constraints": {"required": not c.nullable}} for c in spec.columns]
        resources.append({
            "name": name, "path": f"{name}.parquet", "format": "parquet",
            "mediatype": "application/vnd.apache.parquet", "description": spec.en, "description_zh": spec.zh,
            "hash": f"sha256:{files[name]['sha256']}", "bytes": files[name]["bytes"],
            "schema": {"fields": fields, "primaryKey": list(spec.key)},
        })
    return {"profile": "data-package", "name": "borderzones", "id": release_id, "created": created,
            "title": "China's border key development and opening-up pilot zones (沿边重点开发开放试验区): statistics",
            "description": "Published figures of the zones' host units with lineage, the panel under a vintage "
                           "policy, and the checks run on them.", "resources": resources}


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


def write_release(warehouse: Path, frames: dict[str, pd.DataFrame], manifest_extra: dict,
                  extra_files: dict[str, bytes] | None = None, *, specs: dict[str, TableSpec] | None = None,
                  _crash_after: str | None = None) -> PublishOutcome:
    """Write a release of the given tables unless the latest one has the same content.

    Call while holding `publish_lock`. `extra_files` (relative path -> bytes, e.g. the HTML
    validation report) go into the release folder; they count in the content hash like the tables, so
    a report drawn differently (a CJK font installed since, a new chart) makes a new release even when the
    tables are identical, and identical tables and report make none. `_crash_after` is for tests: raise after the
    named step ("tables", "rename") to simulate a crash.
    """
    warehouse = Path(warehouse)
    specs = specs or {n: TABLES[n] for n in frames}
    clean_leftovers(warehouse)
    parent = base_release(warehouse)

    # tables go straight to files in a temporary folder, one at a time: the Parquet and CSV bytes of the
    # release are never all in memory; an unchanged release is recognised by the files' hashes
    releases_dir(warehouse).mkdir(parents=True, exist_ok=True)
    tmp = releases_dir(warehouse) / f".tmp-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir()
    try:
        row_counts: dict[str, int] = {}
        files: dict[str, dict] = {}
        for name, spec in specs.items():
            table = to_arrow(frames[name], spec)
            files[name] = write_parquet(table, tmp / f"{name}.parquet")
            row_counts[name] = table.num_rows
            write_csv(table, tmp / "csv" / f"{name}.csv")
            del table
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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
    manifest = {"release_id": release_id, "parent": parent, "created": created, "format_version": FORMAT_VERSION,
                "content_hash": chash, "row_counts": row_counts, "files": files, **manifest_extra}
    _write_file(tmp / "datapackage.json", _json(datapackage(release_id, created, files, specs)))
    _write_file(tmp / "manifest.json", _json(manifest))  # written last: its presence marks a complete release
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
