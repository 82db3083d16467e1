"""`<warehouse>/catalog.duckdb`: the releases as DuckDB tables and views, for Superset, Metabase, DBeaver.

DuckDB resolves relative Parquet paths against the reader's working directory, not the database file, so
views over Parquet paths break when the warehouse is moved or opened from elsewhere. The catalog
therefore holds the data itself: one schema per release (`r_<release id>`, tables) and, in `main`,
views over the latest release's schema plus a `releases` table. Views inside one database file keep
working wherever the file goes. The file is rebuilt next to the old one and renamed over it, so a
reader never sees a half-built catalog; `.catalog.duckdb.state` then records which releases it holds,
so a build that was killed or ran out of disk is redone by the next run (`ensure_catalog`), and the
temporary files such a build left are removed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

from warehouse.release import latest_id, list_releases, read_manifest, releases_dir
from warehouse.schemas import TABLES

CATALOG_FILE = "catalog.duckdb"
STATE_FILE = ".catalog.duckdb.state"
# The file is written in the storage format of DuckDB 1.0 (header version number 64), not the writer's own
# (DuckDB 2.0 writes one that no 1.x reads): Superset's and Metabase's DuckDB drivers and the 1.x CLI open it.
# Readers checked: see docs/bi.md (`make check-duckdb1`). A test pins the header's version number.
STORAGE_VERSION = "v1.0.0"
STORAGE_VERSION_NUMBER = 64

log = logging.getLogger(__name__)


def _state(warehouse: Path) -> dict:
    return {"latest": latest_id(warehouse), "releases": list_releases(warehouse)}


def catalog_is_current(warehouse: Path) -> bool:
    """True when catalog.duckdb holds exactly the releases on disk, with the latest one as `main`."""
    warehouse = Path(warehouse)
    try:
        recorded = json.loads((warehouse / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (warehouse / CATALOG_FILE).is_file() and recorded == _state(warehouse)


def ensure_catalog(warehouse: Path) -> Path | None:
    """Rebuild catalog.duckdb unless it is current (call while holding the publish lock)."""
    if catalog_is_current(warehouse) or not list_releases(warehouse):
        return None
    log.info("catalog.duckdb does not hold the current releases: rebuilding it")
    return build_catalog(warehouse)


def schema_name(release_id: str) -> str:
    """>>> schema_name("20261126T105633Z-e2b8ed7a")
    'r_20261126t105633z_e2b8ed7a'
    """
    return "r_" + re.sub(r"[^a-z0-9]+", "_", release_id.lower())


def build_catalog(warehouse: Path) -> Path | None:
    """Rebuild catalog.duckdb from the releases on disk (call while holding the publish lock)."""
    import duckdb

    warehouse = Path(warehouse)
    ids = list_releases(warehouse)
    current = latest_id(warehouse)
    if not ids:
        return None
    for left in warehouse.glob(f".{CATALOG_FILE}.tmp-*"):  # a killed build's (only the lock holder builds)
        left.unlink(missing_ok=True)
    (warehouse / STATE_FILE).unlink(missing_ok=True)  # until the new file is in place, it is not current
    tmp = warehouse / f".{CATALOG_FILE}.tmp-{os.getpid()}"
    try:
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        if pause := os.environ.get("BORDERZONES_FAULT_PAUSE_IN_CATALOG"):
            # fault injection for the crash tests (real processes, SIGKILL): say where we are, then wait
            Path(pause).write_text(str(tmp), encoding="utf-8")
            time.sleep(120)
        _fill(con, warehouse, ids, current)
    except BaseException:
        for left in warehouse.glob(f"{tmp.name}*"):  # the file and its write-ahead log
            left.unlink(missing_ok=True)
        raise
    final = warehouse / CATALOG_FILE
    os.replace(tmp, final)
    state = warehouse / f"{STATE_FILE}.tmp"
    state.write_text(json.dumps({"latest": current, "releases": ids}), encoding="utf-8")
    os.replace(state, warehouse / STATE_FILE)
    return final


def storage_version_number(path: Path) -> int:
    """The storage version number in a DuckDB file's header (bytes 12-19 after the checksum and b"DUCK"):
    what a reader compares with the versions it can read (64 for DuckDB 0.10-1.1, 65 for 1.2, ...)."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    if len(head) < 20 or head[8:12] != b"DUCK":
        raise ValueError(f"{path}: not a DuckDB database file")
    return int.from_bytes(head[12:20], "little")


def _fill(con, warehouse: Path, ids: list[str], current: str | None) -> None:
    try:
        con.execute("CREATE TABLE releases (release_id VARCHAR, schema_name VARCHAR, created VARCHAR, "
                    "parent VARCHAR, is_latest BOOLEAN, observations BIGINT, panel BIGINT, indicators BIGINT, "
                    "validation_warnings BIGINT)")
        for rid in ids:
            m = read_manifest(warehouse, rid)
            schema = schema_name(rid)
            con.execute(f'CREATE SCHEMA "{schema}"')
            for name in TABLES:
                path = releases_dir(warehouse) / rid / f"{name}.parquet"
                if path.exists():
                    con.execute(f'CREATE TABLE "{schema}"."{name}" AS SELECT * FROM read_parquet(?)', [str(path)])
            rows = m.get("row_counts", {})
            con.execute("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [rid, schema, m.get("created"), m.get("parent"), rid == current, rows.get("observations"),
                         rows.get("panel"), rows.get("indicators"),
                         (m.get("validation") or {}).get("warnings_failed")])
        if current:
            for name in TABLES:
                if (releases_dir(warehouse) / current / f"{name}.parquet").exists():
                    con.execute(f'CREATE VIEW main."{name}" AS SELECT * FROM "{schema_name(current)}"."{name}"')
        con.execute("CHECKPOINT")
    finally:
        con.close()
