"""Open a catalog.duckdb with whatever DuckDB this interpreter has (an older 1.x in its own venv) and read it all.

Standalone: needs only `duckdb`, none of the project's packages, so it runs in a venv made for one DuckDB
version (`make check-duckdb1` makes them). Read only: it opens the file with `read_only=True`, counts the
rows of every `main` view and every table of every release schema, reads the latest panel's first rows and
checks them against the `releases` table. Exit 0 and one line when all of it reads; 1 and the error otherwise.

    build/duckdb-1.1.3/bin/python bench/check_duckdb_reader.py warehouse/catalog.duckdb
"""

from __future__ import annotations

import sys


def check(path: str) -> str:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        views = [r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY 1").fetchall()]
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
        if not views or not tables:
            raise AssertionError(f"no views ({views}) or no tables ({tables})")
        for v in views:
            con.execute(f'SELECT count(*) FROM main."{v}"').fetchone()
        for schema, table in tables:
            con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()  # every value, every type decoded
        latest = con.execute("SELECT schema_name, panel FROM releases WHERE is_latest").fetchone()
        if latest is not None and "panel" in views:
            n_view = con.execute("SELECT count(*) FROM panel").fetchone()[0]
            n_table = con.execute(f'SELECT count(*) FROM "{latest[0]}".panel').fetchone()[0]
            if not n_view == n_table == latest[1]:
                raise AssertionError(f"panel rows: view {n_view}, table {n_table}, releases table {latest[1]}")
            con.execute("SELECT series_id, year, indicator, value, vintage FROM panel LIMIT 5").fetchall()
        schemas = sorted({s for s, _ in tables if s != "main"})
        return (f"duckdb {duckdb.__version__}: ok, {len(views)} views in main, {len(tables)} tables, "
                f"{len(schemas)} release schema(s)")
    finally:
        con.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} CATALOG.duckdb")
    try:
        print(check(sys.argv[1]))
    except Exception as e:  # any refusal or read error: say which version and why
        import duckdb

        print(f"duckdb {duckdb.__version__}: FAILED: {type(e).__name__}: {e}".splitlines()[0])
        sys.exit(1)
