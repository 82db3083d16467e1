"""`<warehouse>/catalog.duckdb`: the releases as DuckDB tables and views, for Superset, Metabase, DBeaver.

DuckDB resolves relative Parquet paths against the reader's working directory, not the database file, so
views over Parquet paths break when the warehouse is moved or opened from elsewhere. The catalog
therefore holds the data itself: one schema per release (`r_<release id>`, tables) and, in `main`,
views over the latest release's schema plus a `releases` table. Views inside one database file keep
working wherever the file goes. The file is rebuilt next to the old one and renamed over it, so a
reader never sees a half-built catalog; `.catalog.duckdb.state` then records which releases it holds,
so a build that was killed or ran out of disk is redone by the next run (`ensure_catalog`), and the
temporary files such a build left are removed.

Every table and column, in every release schema and in `main`, carries its description as a DuckDB comment,
English and Chinese in one ("English / 中文"): `SELECT comment FROM duckdb_columns()`, or a BI tool's
column descriptions.

A run that adds a release does not rebuild every release's schema (`ensure_catalog` → `build_catalog(...,
incremental=True)`): when the state file matches the catalog file (and the schemas in it), the file is copied
next to the old one, the new releases' schemas are added (those of releases no longer on disk dropped), the
`releases` table and the `main` views are redone, and the copy is renamed over the old file, with the same
state-file protocol. Anything unexpected (no state, a state that does not match the file's schemas, a failed
copy) falls back to the full rebuild.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

from warehouse.release import latest_id, list_releases, read_manifest, releases_dir
from warehouse.schemas import BOOL, I64, STR, TABLES, Column, TableSpec

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
    """Bring catalog.duckdb up to the releases on disk unless it is current (call while holding the publish
    lock): the new releases' schemas added to a copy of it when its state is known, else a full rebuild."""
    if catalog_is_current(warehouse) or not list_releases(warehouse):
        return None
    log.info("catalog.duckdb does not hold the current releases: updating it")
    return build_catalog(warehouse, incremental=True)


def schema_name(release_id: str) -> str:
    """>>> schema_name("20261126T105633Z-e2b8ed7a")
    'r_20261126t105633z_e2b8ed7a'
    """
    return "r_" + re.sub(r"[^a-z0-9]+", "_", release_id.lower())


def _recorded(warehouse: Path) -> list[str] | None:
    """The releases the state file says catalog.duckdb holds (None: no usable state, or no file)."""
    try:
        recorded = json.loads((warehouse / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ids = recorded.get("releases") if isinstance(recorded, dict) else None
    if not (warehouse / CATALOG_FILE).is_file() or not isinstance(ids, list):
        return None
    return [str(i) for i in ids]


def build_catalog(warehouse: Path, *, incremental: bool = False) -> Path | None:
    """Rebuild catalog.duckdb from the releases on disk (call while holding the publish lock). `incremental`:
    start from a copy of the current file when its state file says which releases it holds (and its schemas
    agree), adding only the missing releases' schemas; otherwise, or on any doubt, rebuild it in full."""
    import duckdb

    warehouse = Path(warehouse)
    ids = list_releases(warehouse)
    current = latest_id(warehouse)
    if not ids:
        return None
    have = _recorded(warehouse) if incremental else None
    for left in warehouse.glob(f".{CATALOG_FILE}.tmp-*"):  # a killed build's (only the lock holder builds)
        left.unlink(missing_ok=True)
    (warehouse / STATE_FILE).unlink(missing_ok=True)  # until the new file is in place, it is not current
    tmp = warehouse / f".{CATALOG_FILE}.tmp-{os.getpid()}"
    try:
        con = None
        if have is not None:
            con = _copy_of_current(warehouse, tmp, have)
        if con is None:
            have = []
            con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        if pause := os.environ.get("BORDERZONES_FAULT_PAUSE_IN_CATALOG"):
            # fault injection for the crash tests (real processes, SIGKILL): say where we are, then wait
            Path(pause).write_text(str(tmp), encoding="utf-8")
            time.sleep(120)
        _fill(con, warehouse, ids, current, have)
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


# the `releases` table of main, described as a release table is (it is the catalog's own, not a release's)
RELEASES = TableSpec(
    "releases", "Every release in this file: its schema, parent, row counts, validation",
    "本文件中的全部版本：模式名、上一版本、行数、校验", ("release_id",), (
        Column("release_id", STR, "release id (the folder under releases/)", "版本标识"),
        Column("schema_name", STR, "the DuckDB schema holding the release's tables", "存放该版本数据表的模式名"),
        Column("created", STR, "when the release was written (UTC, ISO 8601)", "发布时间（UTC）"),
        Column("parent", STR, "the release it was built on (its changes table is relative to it)",
               "上一版本（变化表以其为基准）"),
        Column("is_latest", BOOL, "the release the views in main show", "是否为 main 视图所指的最新版本"),
        Column("observations", I64, "rows in observations", "观测表行数"),
        Column("panel", I64, "rows in panel", "面板表行数"),
        Column("indicators", I64, "rows in indicators", "衍生指标表行数"),
        Column("validation_warnings", I64, "warning checks that did not pass", "未通过的警告级校验数"),
    ))


def bilingual(en: str, zh: str) -> str:
    """>>> bilingual("GDP", "地区生产总值")
    'GDP / 地区生产总值'
    """
    return f"{en} / {zh}"


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters).

    >>> _literal("the zone's id")
    "'the zone''s id'"
    """
    return "'" + text.replace("'", "''") + "'"


def comment_statements(kind: str, schema: str, name: str, spec: TableSpec, columns: list[str]) -> list[str]:
    """COMMENT ON statements for a table or view (`kind`) and those of its `columns` the spec describes."""
    described: dict[str, Column] = {c.name: c for c in spec.columns}
    out = [f'COMMENT ON {kind} "{schema}"."{name}" IS {_literal(bilingual(spec.en, spec.zh))}']
    out += [f'COMMENT ON COLUMN "{schema}"."{name}"."{col}" IS '
            f'{_literal(bilingual(described[col].en, described[col].zh))}' for col in columns if col in described]
    return out


def _comment_all(con, targets: list[tuple[str, str, str, TableSpec]]) -> None:
    """The COMMENT ON statements of every (kind, schema, name, spec) in `targets`, run as one batch: the columns
    of all of them are read in one query (a query and an execute per table cost ~13 ms each, 29 tables)."""
    if not targets:
        return
    schemas = sorted({schema for _, schema, _, _ in targets})
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, name, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name IN "
            f"({', '.join('?' * len(schemas))}) ORDER BY schema_name, table_name, column_index", schemas).fetchall():
        columns.setdefault((schema, name), []).append(column)
    con.execute(";\n".join(stmt for kind, schema, name, spec in targets
                            for stmt in comment_statements(kind, schema, name, spec, columns.get((schema, name), []))))


def _copy_of_current(warehouse: Path, tmp: Path, have: list[str]):
    """A connection to a copy of catalog.duckdb at `tmp` when its schemas are exactly those of the releases
    `have` (the state file's); None (and no copy left behind) otherwise: the caller rebuilds in full."""
    import duckdb

    try:
        if storage_version_number(warehouse / CATALOG_FILE) != STORAGE_VERSION_NUMBER:
            # written by an older version in another storage format: DuckDB 1.x readers need the whole file anew
            log.info("catalog.duckdb is not in storage version %d: rebuilding it in full", STORAGE_VERSION_NUMBER)
            return None
        shutil.copyfile(warehouse / CATALOG_FILE, tmp)
        con = duckdb.connect(str(tmp))
    except (OSError, ValueError, duckdb.Error) as exc:
        log.info("catalog.duckdb could not be copied (%s): rebuilding it in full", exc)
        for left in warehouse.glob(f"{tmp.name}*"):
            left.unlink(missing_ok=True)
        return None
    try:
        schemas = {r[0] for r in con.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() "
            "AND schema_name LIKE 'r\\_%' ESCAPE '\\'").fetchall()}
    except duckdb.Error:
        schemas = None
    if schemas != {schema_name(r) for r in have}:
        log.info("catalog.duckdb does not hold what its state file says: rebuilding it in full")
        con.close()
        for left in warehouse.glob(f"{tmp.name}*"):
            left.unlink(missing_ok=True)
        return None
    return con


def _fill(con, warehouse: Path, ids: list[str], current: str | None, have: list[str] | tuple = ()) -> None:
    """Fill `con` with the releases `ids`: the schemas of `have` (already in it) are kept, those of releases no
    longer on disk dropped; the `releases` table and the `main` views are made anew."""
    comments: list[tuple[str, str, str, TableSpec]] = []
    try:
        # one transaction: committing each of the ~60 statements on its own cost ~0.25 s at one release
        con.execute("BEGIN TRANSACTION")
        for rid in sorted(set(have) - set(ids)):  # pruned since
            con.execute(f'DROP SCHEMA IF EXISTS "{schema_name(rid)}" CASCADE')
        for name in TABLES:
            con.execute(f'DROP VIEW IF EXISTS main."{name}"')
        con.execute("DROP TABLE IF EXISTS main.releases")
        con.execute("CREATE TABLE releases (release_id VARCHAR, schema_name VARCHAR, created VARCHAR, "
                    "parent VARCHAR, is_latest BOOLEAN, observations BIGINT, panel BIGINT, indicators BIGINT, "
                    "validation_warnings BIGINT)")
        for rid in ids:
            m = read_manifest(warehouse, rid)
            schema = schema_name(rid)
            if rid not in have:
                con.execute(f'CREATE SCHEMA "{schema}"')
                for name in TABLES:
                    path = releases_dir(warehouse) / rid / f"{name}.parquet"
                    if path.exists():
                        con.execute(f'CREATE TABLE "{schema}"."{name}" AS SELECT * FROM read_parquet(?)',
                                    [str(path)])
                        comments.append(("TABLE", schema, name, TABLES[name]))
            rows = m.get("row_counts", {})
            con.execute("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [rid, schema, m.get("created"), m.get("parent"), rid == current, rows.get("observations"),
                         rows.get("panel"), rows.get("indicators"),
                         (m.get("validation") or {}).get("warnings_failed")])
        if current:
            for name in TABLES:
                if (releases_dir(warehouse) / current / f"{name}.parquet").exists():
                    con.execute(f'CREATE VIEW main."{name}" AS SELECT * FROM "{schema_name(current)}"."{name}"')
                    comments.append(("VIEW", "main", name, TABLES[name]))
        comments.append(("TABLE", "main", "releases", RELEASES))
        _comment_all(con, comments)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
