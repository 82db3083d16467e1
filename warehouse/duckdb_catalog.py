"""`<warehouse>/catalog.duckdb`: the releases as DuckDB tables and views, for Superset, Metabase, DBeaver.

DuckDB resolves relative Parquet paths against the reader's working directory, not the database file, so
views over Parquet paths break when the warehouse is moved or opened from elsewhere. The catalog
therefore holds the data itself: one schema per release (`r_<release id>`, tables) and, in `main`,
views over the latest release's schema plus a `releases` table. Views inside one database file keep
working wherever the file goes. The file is rebuilt next to the old one and renamed over it, so a
reader never sees a half-built catalog.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from warehouse.release import latest_id, list_releases, read_manifest, releases_dir
from warehouse.schemas import TABLES

CATALOG_FILE = "catalog.duckdb"


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
    tmp = warehouse / f".{CATALOG_FILE}.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
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
    final = warehouse / CATALOG_FILE
    os.replace(tmp, final)
    return final
