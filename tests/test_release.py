"""Release writer: atomic publish, crash safety, no-change detection, deterministic bytes, BI types.
Tables are built from the SYNTHETIC curated fixture."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.build import RunSettings, assemble, build_tables, collect_zone, load_curated_all
from warehouse.history import changes_since
from warehouse.release import (
    ReleaseError,
    base_release,
    latest_id,
    list_releases,
    publish_lock,
    read_manifest,
    read_table,
    releases_dir,
    stage_tables,
    write_release,
)
from warehouse.schemas import CHANGES, OBSERVATIONS, SOURCES, TABLES, VALIDATION

SYNTHETIC = Path(__file__).parent / "fixtures" / "curated" / "synthetic_zones.csv"


def _validation_stub() -> pd.DataFrame:
    return pd.DataFrame([{"table_name": "observations", "check": "x", "severity": "blocking", "engine": "rule",
                          "description": "stub for writer tests", "success": True, "n_checked": 1, "n_failed": 0,
                          "failures": None}], columns=VALIDATION.names)


def _tables(cat, tmp_path, curated=SYNTHETIC) -> dict[str, pd.DataFrame]:
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(curated,), bundled_curated=False)
    cur = load_curated_all(s, cat)
    cols = [collect_zone(z, s, cat, cur) for z in cat.zones]
    obs, src = assemble(pd.DataFrame([r for c in cols for r in c.observations], columns=OBSERVATIONS.names),
                        pd.DataFrame([r for c in cols for r in c.sources], columns=SOURCES.names), None, s, cat)
    t = build_tables(obs, src, cat, "latest")
    t["validation"] = _validation_stub()
    return t


def _write(wh: Path, tables, **kw):
    """Publish as the flow does: the changes since the release it builds on, then the release."""
    with publish_lock(wh):
        tables = {**tables, "changes": changes_since(wh, base_release(wh), tables)}
        return write_release(wh, tables, {"note": "test"}, {"report/validation.html": b"<html></html>"}, **kw)


def test_first_release_and_latest(cat, tmp_path):
    wh = tmp_path / "wh"
    out = _write(wh, _tables(cat, tmp_path))
    assert out.created and out.parent is None
    assert latest_id(wh) == out.release_id
    assert (wh / "latest").is_symlink() and not os.readlink(wh / "latest").startswith("/")  # relative: movable
    m = read_manifest(wh, out.release_id)
    assert m["row_counts"]["observations"] == 14
    assert {f"{name}.parquet" for name in TABLES} <= set(m["files"])  # every file: see test_manifest_hashes_…
    dp = json.loads((out.path / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in dp["resources"] if r["path"].startswith("csv/")} == set(TABLES)
    assert {r["path"] for r in dp["resources"] if r.get("type") == "file"} == {f"{n}.parquet" for n in TABLES}
    panel = next(r for r in dp["resources"] if r["name"] == "panel")
    assert panel["schema"]["primaryKey"] == ["series_id", "period", "indicator", "unit"]
    assert all(f["description"] and f["description_zh"] for f in panel["schema"]["fields"])
    assert (out.path / "report" / "validation.html").exists()


def test_identical_content_makes_no_new_release_and_same_bytes(cat, tmp_path):
    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    before = {p.name: p.read_bytes() for p in first.path.glob("*.parquet")}
    again = _write(wh, _tables(cat, tmp_path))  # rebuilt from scratch from the same inputs
    assert not again.created and again.release_id == first.release_id
    assert list_releases(wh) == [first.release_id]
    assert {p.name: p.read_bytes() for p in first.path.glob("*.parquet")} == before


def test_a_report_drawn_differently_makes_a_new_release_with_the_same_tables(cat, tmp_path):
    """The report counts in the content hash: after installing a CJK font, `refresh --force` redraws the charts
    into a new release (releases are immutable: the old one keeps its report)."""
    wh = tmp_path / "wh"
    t = _tables(cat, tmp_path)
    with publish_lock(wh):
        first = write_release(wh, t, {}, {"report/figure1.png": b"english labels"})
        same = write_release(wh, t, {}, {"report/figure1.png": b"english labels"})
        redrawn = write_release(wh, t, {}, {"report/figure1.png": b"bilingual labels"})
    assert not same.created and same.release_id == first.release_id
    assert redrawn.created and redrawn.parent == first.release_id
    assert (first.path / "report" / "figure1.png").read_bytes() == b"english labels"
    assert (redrawn.path / "report" / "figure1.png").read_bytes() == b"bilingual labels"


@pytest.mark.parametrize("step", ["tables", "rename"])
def test_a_crash_while_publishing_leaves_latest_on_the_previous_release(cat, tmp_path, step):
    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    changed = _tables(cat, tmp_path)
    changed["observations"].loc[0, "value_raw"] = "changed"
    with pytest.raises(ReleaseError, match="simulated crash"):
        _write(wh, changed, _crash_after=step)
    assert latest_id(wh) == first.release_id
    assert "changed" not in set(read_table(wh, latest_id(wh), "observations")["value_raw"])
    if step == "tables":
        assert any(p.name.startswith(".tmp-") for p in (wh / "releases").iterdir())  # the half-written one
    second = _write(wh, changed)  # the next run cleans up and publishes
    assert second.created and latest_id(wh) == second.release_id and second.parent == first.release_id
    assert not any(p.name.startswith(".tmp-") for p in (wh / "releases").iterdir())


def test_release_columns_are_bi_friendly(cat, tmp_path):
    out = _write(tmp_path / "wh", _tables(cat, tmp_path))
    for name, spec in TABLES.items():
        schema = pq.read_schema(out.path / f"{name}.parquet")
        assert schema.names == spec.names
        for f in schema:
            assert not pa.types.is_large_string(f.type) and not pa.types.is_dictionary(f.type), (name, f)
            assert not pa.types.is_decimal(f.type), (name, f)
            if pa.types.is_timestamp(f.type):
                assert f.type.unit == "us" and f.type.tz == "UTC"
        assert schema.equals(spec.schema, check_metadata=False)
    # readable by DuckDB and pandas, with years as integers and values as doubles
    con = duckdb.connect()
    row = con.execute(f"SELECT typeof(year), typeof(value), count(*) FROM '{out.path}/panel.parquet' "
                      "GROUP BY ALL").fetchall()
    assert row[0][:2] == ("BIGINT", "DOUBLE")
    df = pd.read_parquet(out.path / "observations.parquet")
    assert df["year"].dtype == "int64" and df["value"].dtype == "float64"


# --- the schema contract, the BI catalog, CSV twins, history --------------------------------------


def test_release_schemas_equal_the_committed_contract(cat, tmp_path):
    from warehouse.schemas import CONTRACT_FILE, contract

    committed = json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))
    assert contract() == committed, "warehouse/schemas.py changed: review, then `python -m warehouse.schemas`"
    out = _write(tmp_path / "wh", _tables(cat, tmp_path))
    for name, cols in committed.items():
        path = out.path / f"{name}.parquet"
        schema = pq.read_schema(path)
        assert [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema] == cols, name
        physical = {pq.ParquetFile(path).schema.column(i).physical_type for i in range(len(schema))}
        assert "INT96" not in physical and "FIXED_LEN_BYTE_ARRAY" not in physical  # no INT96 times, no decimals
        assert pq.read_table(path).num_rows == pd.read_parquet(path).shape[0] == duckdb.connect().execute(
            f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    for f in committed.values():
        for c in f:
            assert c["type"] in ("string", "double", "int64", "bool", "date32[day]", "timestamp[us, tz=UTC]"), c


def test_csv_twins_open_in_excel(cat, tmp_path):
    out = _write(tmp_path / "wh", _tables(cat, tmp_path))
    raw = (out.path / "csv" / "observations.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()) and "瑞丽市".encode() in raw
    df = pd.read_csv(out.path / "csv" / "panel.csv", encoding="utf-8-sig")
    assert len(df) == read_manifest(tmp_path / "wh", out.release_id)["row_counts"]["panel"]


def test_catalog_duckdb_works_after_the_warehouse_is_moved(cat, tmp_path, monkeypatch):
    from warehouse.duckdb_catalog import build_catalog

    wh = tmp_path / "wh"
    out = _write(wh, _tables(cat, tmp_path))
    with publish_lock(wh):
        build_catalog(wh)
    moved = tmp_path / "elsewhere" / "warehouse"
    moved.parent.mkdir()
    wh.rename(moved)
    monkeypatch.chdir(tmp_path / "elsewhere")
    con = duckdb.connect(str(moved / "catalog.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM panel").fetchone()[0]
    assert n == read_manifest(moved, out.release_id)["row_counts"]["panel"]
    assert con.execute("SELECT release_id FROM releases WHERE is_latest").fetchone()[0] == out.release_id
    assert latest_id(moved) == out.release_id  # the latest symlink is relative, so it moved too


def test_catalog_duckdb_is_written_in_a_storage_format_duckdb_1_reads(cat, tmp_path):
    """DuckDB 2.0 writes its own format by default, which no 1.x reader (Superset's, Metabase's drivers) opens;
    the catalog pins DuckDB 1.0's (header version 64). Readers 0.10.3-1.5.6 were checked: `make check-duckdb1`."""
    from warehouse.duckdb_catalog import STORAGE_VERSION, STORAGE_VERSION_NUMBER, build_catalog, storage_version_number

    assert (STORAGE_VERSION, STORAGE_VERSION_NUMBER) == ("v1.0.0", 64)  # a change here needs docs/bi.md and readers
    wh = tmp_path / "wh"
    _write(wh, _tables(cat, tmp_path))
    with publish_lock(wh):
        path = build_catalog(wh)
    assert storage_version_number(path) == 64
    con = duckdb.connect(str(path), read_only=True)
    tags = con.execute("SELECT tags FROM duckdb_databases() WHERE path = ?", [str(path)]).fetchone()[0]
    assert tags.get("storage_version", "v1.0.0").startswith("v1.0.0"), tags
    assert con.execute("SELECT count(*) FROM panel").fetchone()[0] > 0
    con.close()
    # the check reads what DuckDB itself writes: its default format is refused by the same check
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    assert storage_version_number(plain) != 64 or duckdb.__version__.startswith(("0.", "1.0", "1.1"))
    with pytest.raises(ValueError, match="not a DuckDB"):
        storage_version_number(wh / "latest" / "manifest.json")


def test_releases_list_show_diff_prune(cat, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    revised = tmp_path / "revised.csv"
    revised.write_text(SYNTHETIC.read_text(encoding="utf-8").replace("533102,瑞丽市,2020,gdp,201,",
                                                                      "533102,瑞丽市,2020,gdp,203,"), encoding="utf-8")
    second = _write(wh, _tables(cat, tmp_path, revised))
    run = CliRunner().invoke
    r = run(app, ["releases", "--warehouse", str(wh)])
    assert r.exit_code == 0 and first.release_id in r.output and f"* {second.release_id}" in r.output
    r = run(app, ["releases", "show", "latest", "--warehouse", str(wh)])
    assert json.loads(r.output)["parent"] == first.release_id
    r = run(app, ["releases", "diff", first.release_id, second.release_id, "--warehouse", str(wh)])
    assert r.exit_code == 0, r.output
    assert "0 added, 0 removed, 2 revised" in r.output  # the unit row and the zone:ruili row
    assert "201" in r.output and "203" in r.output
    r = run(app, ["releases", "diff", first.release_id, "latest", "--table", "indicators", "--warehouse", str(wh)])
    assert r.exit_code == 0
    r = run(app, ["releases", "prune", "--keep", "1", "--warehouse", str(wh)])
    assert r.exit_code == 0 and list_releases(wh) == [second.release_id]
    r = run(app, ["releases", "show", "nope", "--warehouse", str(wh)])
    assert r.exit_code == 2


def test_source_fingerprint_follows_the_archive_listing_curated_files_and_selection(cat, tmp_path):
    """What decides that a rerun can skip everything: it must change with every input a release is built from."""
    from extractors.archive import Archive
    from warehouse.build import source_fingerprint

    cur = tmp_path / "figures.csv"
    cur.write_bytes(SYNTHETIC.read_bytes())
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(cur,), bundled_curated=False)
    store = Archive(s.archive)
    assert store.fingerprint()[1] == 0
    store.put(b"<html><body>SYNTHETIC one</body></html>", origin="a.html", origin_kind="file")
    fp1 = source_fingerprint(s, cat)
    assert source_fingerprint(s, cat) == fp1  # listing twice: the same
    (store.root / "ab").mkdir(exist_ok=True)
    (store.root / "ab" / ".x.html.123.tmp").write_bytes(b"half")  # a write in progress is not a document
    assert source_fingerprint(s, cat) == fp1
    _, added = store.put(b"<html><body>SYNTHETIC two</body></html>", origin="b.html", origin_kind="file")
    assert added and store.fingerprint()[1] == 2
    fp2 = source_fingerprint(s, cat)
    assert fp2 != fp1
    store.put(b"<html><body>SYNTHETIC two</body></html>", origin="c.html", origin_kind="file")  # a new origin
    fp3 = source_fingerprint(s, cat)
    assert fp3 != fp2
    text = cur.read_text(encoding="utf-8")
    cur.write_text(text.replace("533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,"), encoding="utf-8")
    fp4 = source_fingerprint(s, cat)
    assert fp4 != fp3
    assert source_fingerprint(s.model_copy(update={"zones": ("ruili",)}), cat) != fp4
    assert source_fingerprint(s.model_copy(update={"vintage_policy": "first_release"}), cat) != fp4


def test_input_fingerprint_follows_the_staged_rows_and_the_settings(cat, tmp_path):
    from warehouse.build import input_fingerprint, read_staged, stage_rows

    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(SYNTHETIC,), bundled_curated=False)
    obs, src = load_curated_all(s, cat)

    def staged(name: str, rows: list[dict]) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        stage_rows(folder, "Ruili", rows[:5], src)
        stage_rows(folder, "unassigned", rows[5:], [])
        return folder

    a, b = staged("a", obs), staged("b", [dict(r) for r in obs])
    fp = input_fingerprint(a, s, cat)
    assert input_fingerprint(b, s, cat) == fp  # the same rows staged again: the same bytes
    assert len(read_staged(a, "obs")) == len(obs) and len(read_staged(a, "src")) == len(src)
    changed = [dict(r) for r in obs]
    changed[3]["value"] += 1e-9
    assert input_fingerprint(staged("c", changed), s, cat) != fp
    assert input_fingerprint(a, s.model_copy(update={"vintage_policy": "first_release"}), cat) != fp
    (a / "obs-unassigned.parquet").unlink()
    assert input_fingerprint(a, s, cat) != fp


def test_releases_written_within_one_second_are_listed_parent_first(tmp_path):
    from warehouse.release import releases_dir

    wh = tmp_path / "wh"
    for rid, parent in (("20261129T172318Z-ffffffff", None), ("20261129T172318Z-00000000", "20261129T172318Z-ffffffff"),
                        ("20261129T172317Z-99999999", None)):
        (releases_dir(wh) / rid).mkdir(parents=True)
        (releases_dir(wh) / rid / "manifest.json").write_text(json.dumps({"parent": parent}), encoding="utf-8")
    # by name the child (…-00000000) would come before its parent (…-ffffffff): the hash is no order
    assert list_releases(wh) == ["20261129T172317Z-99999999", "20261129T172318Z-ffffffff", "20261129T172318Z-00000000"]


# --- datapackage.json is a valid Frictionless data package (frictionless is a dev dependency) -----------------


@pytest.fixture(scope="module")
def fl_release(cat, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("frictionless")
    tables = _tables(cat, tmp)
    ind = tables["indicators"]  # plus a row without a base year: pandas holds the column as float with NaN
    tables["indicators"] = pd.concat([ind, ind.iloc[[0]].assign(indicator="trade_to_gdp_pct", base_year=None)],
                                     ignore_index=True)
    assert tables["indicators"]["base_year"].isna().any()
    return _write(tmp / "wh", tables)


def _frictionless_errors(descriptor: Path) -> list[dict]:
    from frictionless import Package

    report = Package(str(descriptor)).validate()
    return [{"resource": task.name, "type": e.type, "note": e.note}
            for task in report.tasks for e in task.errors] + [{"resource": None, "type": e.type, "note": e.note}
                                                              for e in report.errors]


def test_datapackage_is_a_valid_frictionless_package(fl_release):
    path = fl_release.path
    assert _frictionless_errors(path / "datapackage.json") == []
    dp = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    assert dp["licenses"][0]["name"] == "CC-BY-4.0" and dp["sources"] and dp["contributors"]
    assert dp["version"].endswith(f"+{fl_release.release_id}")
    schemas = {r["name"]: r["schema"] for r in dp["resources"] if "schema" in r}
    fks = {(n, fk["fields"][0], fk["reference"]["resource"])
           for n, s in schemas.items() for fk in s.get("foreignKeys", [])}
    assert {("observations", "source_id", "sources"), ("panel", "zone_id", "zones"),
            ("panel", "indicator", "indicators_catalog")} <= fks
    enum = {f["name"]: f["constraints"].get("enum") for f in schemas["panel"]["fields"]}
    assert "GDP" not in enum["indicator"] and "gdp" in enum["indicator"] and "CNY_100M" in enum["unit"]
    # the integer column that used to hold NaN: empty cells and plain years in the CSV twin, never 2012.0
    base_year = pd.read_csv(path / "csv" / "indicators.csv", encoding="utf-8-sig", dtype=str)["base_year"]
    assert base_year.isna().any() and base_year.dropna().str.fullmatch(r"\d{4}").all()


def _retouch(release: Path, dest: Path, table: str, edit) -> Path:
    """A copy of the release whose csv/<table>.csv went through `edit` (rows -> rows), with the descriptor's
    hash and bytes updated so that only what the edit breaks is reported."""
    import csv
    import hashlib
    import shutil

    shutil.copytree(release, dest)
    path = dest / "csv" / f"{table}.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(edit(rows))
    dp = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in dp["resources"] if r["name"] == table)
    res["hash"], res["bytes"] = f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}", path.stat().st_size
    (dest / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
    return dest / "datapackage.json"


def test_frictionless_checks_the_foreign_keys_and_enums(fl_release, tmp_path):
    # a source row removed: the observations citing it break their foreign key, nothing else
    drop_first = lambda rows: rows[:1] + rows[2:]  # noqa: E731
    errors = _frictionless_errors(_retouch(fl_release.path, tmp_path / "fk", "sources", drop_first))
    assert errors and {(e["resource"], e["type"]) for e in errors} == {("observations", "foreign-key")}
    # a zone the panel uses removed: the panel rows (and zone_year rows) of that zone break theirs
    zone = pd.read_csv(fl_release.path / "csv" / "panel.csv", encoding="utf-8-sig")["zone_id"].dropna().iloc[0]
    errors = _frictionless_errors(_retouch(fl_release.path, tmp_path / "fk2", "zones",
                                           lambda rows: [r for r in rows if r[0] != zone]))
    assert errors and {(e["resource"], e["type"]) for e in errors} <= {("panel", "foreign-key"),
                                                                       ("zone_year", "foreign-key")}
    assert ("panel", "foreign-key") in {(e["resource"], e["type"]) for e in errors}

    # a unit code outside the catalog's vocabulary: a constraint error on that cell
    def bad_unit(rows):
        i = rows[0].index("unit")
        rows[1][i] = "NOT_A_UNIT"
        return rows

    errors = _frictionless_errors(_retouch(fl_release.path, tmp_path / "enum", "indicators_catalog", bad_unit))
    assert [(e["resource"], e["type"]) for e in errors] == [("indicators_catalog", "constraint-error")]


# --- issue 15: dimension tables, descriptions in the data, changes, every file hashed, diff formats --------------


def test_manifest_hashes_every_file_the_release_ships(cat, tmp_path):
    import hashlib

    from typer.testing import CliRunner

    from flows.cli import app

    wh = tmp_path / "wh"
    out = _write(wh, _tables(cat, tmp_path))

    def on_disk() -> dict[str, dict]:
        found = {}
        for root, _, names in os.walk(out.path):
            for n in names:
                p = Path(root) / n
                rel = p.relative_to(out.path).as_posix()
                if rel != "manifest.json":
                    found[rel] = {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
        return found

    files = read_manifest(wh, out.release_id)["files"]
    assert files == on_disk()
    assert {"panel.parquet", "csv/panel.csv", "changes.parquet", "csv/changes.csv", "units.parquet",
            "datapackage.json", "report/validation.html"} <= set(files)
    assert "manifest.json" not in files
    # `borderzones report` rewrites report/: the manifest then hashes the new files
    r = CliRunner().invoke(app, ["report", out.release_id, "--warehouse", str(wh)])
    assert r.exit_code == 0, r.output
    files = read_manifest(wh, out.release_id)["files"]
    assert files == on_disk() and "report/dictionary.md" in files and "report/index.html" in files


def test_identical_tables_make_no_release_whatever_the_parents_changes_said(cat, tmp_path):
    """The first release's changes list every row as added; a rebuild from the same inputs has no changes against
    it, and that alone must not make a release. A real revision does, and its changes name it."""
    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    c1 = read_table(wh, first.release_id, "changes")
    assert len(c1) == first.row_counts["panel"] + first.row_counts["indicators"] and set(c1["change"]) == {"added"}
    again = _write(wh, _tables(cat, tmp_path))
    assert not again.created and list_releases(wh) == [first.release_id]
    revised = tmp_path / "revised.csv"
    revised.write_text(SYNTHETIC.read_text(encoding="utf-8").replace("533102,瑞丽市,2020,gdp,201,",
                                                                      "533102,瑞丽市,2020,gdp,203,"), encoding="utf-8")
    second = _write(wh, _tables(cat, tmp_path, revised))
    assert second.created and second.parent == first.release_id
    c2 = read_table(wh, second.release_id, "changes")
    panel = c2[c2.table_name == "panel"]
    assert sorted(panel.row_id) == ["unit:533102/2020/gdp/CNY_100M", "zone:ruili/2020/gdp/CNY_100M"]
    assert set(panel.change) == {"revised"} and set(panel.old_value) == {201.0} and set(panel.new_value) == {203.0}
    assert set(c2.table_name) <= {"panel", "indicators"}


def test_descriptions_are_in_the_parquet_files(cat, tmp_path):
    out = _write(tmp_path / "wh", _tables(cat, tmp_path))
    for name, spec in TABLES.items():
        path = out.path / f"{name}.parquet"
        schema = pq.read_schema(path)
        assert schema.metadata[b"description"].decode() == spec.en
        assert schema.metadata[b"description_zh"].decode() == spec.zh
        assert json.loads(schema.metadata[b"primary_key"]) == list(spec.key)
        for c in spec.columns:
            meta = schema.field(c.name).metadata
            assert meta[b"description"].decode() == c.en and meta[b"description_zh"].decode() == c.zh, (name, c.name)
        assert pd.read_parquet(path).shape[1] == len(spec.columns)  # pandas reads them as before
    # DuckDB reads the table's descriptions from the file's key-value metadata
    kv = dict(duckdb.connect().execute(f"SELECT decode(key), decode(value) FROM parquet_kv_metadata("
                                       f"'{out.path}/units.parquet')").fetchall())
    assert kv["description_zh"] == TABLES["units"].zh


def test_catalog_duckdb_comments_every_table_view_and_column(cat, tmp_path):
    from warehouse.duckdb_catalog import build_catalog, schema_name

    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    changed = _tables(cat, tmp_path)
    changed["observations"].loc[0, "value_raw"] = "changed"
    second = _write(wh, changed)
    with publish_lock(wh):
        build_catalog(wh)
    con = duckdb.connect(str(wh / "catalog.duckdb"), read_only=True)
    tables = con.execute("SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE NOT internal").fetchall()
    views = con.execute("SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
    release_tables = {(s, t) for s, t, _ in tables if s.startswith("r_")}
    assert release_tables == {(schema_name(r), t) for r in (first.release_id, second.release_id) for t in TABLES}
    assert {v for _, v, _ in views} == set(TABLES)
    for s, t, comment in tables + views:
        spec = TABLES.get(t)
        assert comment and " / " in comment, (s, t)
        if spec is not None:
            assert comment == f"{spec.en} / {spec.zh}"
    columns = con.execute("SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
                          "WHERE NOT internal").fetchall()
    assert len(columns) > 2 * sum(len(s.columns) for s in TABLES.values())  # two releases, the views, releases
    for s, t, c, comment in columns:
        assert comment and " / " in comment, (s, t, c)
    by = {(s, t, c): comment for s, t, c, comment in columns}
    assert by[("main", "units", "former_names")].endswith("曾用名及其使用年份、原代码（分号分隔）")
    assert "it was built on" in by[("main", "releases", "parent")]


def test_the_tables_relate_as_documented(cat, tmp_path):
    """Every relation in schemas.RELATIONS (the dictionary and docs/bi.md list them) holds in a release:
    each value of the columns has a row in the table it points to."""
    from warehouse.report import dictionary_markdown
    from warehouse.schemas import RELATIONS

    wh = tmp_path / "wh"
    out = _write(wh, _tables(cat, tmp_path))
    t = {name: read_table(wh, out.release_id, name) for name in TABLES}
    for r in RELATIONS:
        frm = t[r.table]
        if r.table == "changes":
            frm = frm[(frm.table_name == r.to_table) & (frm.change != "removed")] if r.to_table != "sources" else frm
        frm = frm[list(r.columns)].dropna()
        if r.separator:
            frm = frm[r.columns[0]].str.split(r.separator).explode().to_frame()
        frm = frm[~frm[r.columns[0]].isin(r.unmatched)]
        to = {tuple(str(v) for v in row) for row in t[r.to_table][list(r.to_columns)].itertuples(index=False)}
        missing = {tuple(str(v) for v in row) for row in frm.itertuples(index=False)} - to
        assert not missing, (r, sorted(missing)[:5])
        assert len(frm) > 0 or r.table in ("changes",), r  # the relation is exercised
        assert f"| {r.table} | {', '.join(r.columns)} | {r.to_table} |" in dictionary_markdown()


def test_releases_diff_formats_agree_with_the_changes_table(cat, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    revised = tmp_path / "revised.csv"
    text = SYNTHETIC.read_text(encoding="utf-8").replace("533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,203,")
    revised.write_text(text, encoding="utf-8")
    second = _write(wh, _tables(cat, tmp_path, revised))
    run = CliRunner().invoke
    args = ["releases", "diff", first.release_id, second.release_id, "--warehouse", str(wh)]

    r = run(app, [*args, "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert not r.stdout_bytes.startswith("\ufeff".encode())  # for pipes: no byte-order mark
    twin = (second.path / "csv" / "changes.csv").read_bytes().decode("utf-8-sig").splitlines()
    printed = r.stdout_bytes.decode("utf-8").splitlines()
    assert printed[0] == twin[0]  # the changes table's columns, written by the same writer
    assert printed[1:] == [line for line in twin[1:] if line.startswith('"panel"')]
    assert ",," in printed[1]  # a missing value is an empty cell

    r = run(app, [*args, "--format", "json", "--table", "panel"])
    doc = json.loads(r.stdout)  # strict JSON: NaN would not parse as a number here
    assert doc["counts"] == {"added": 0, "removed": 0, "revised": 2} and doc["rows_total"] == len(doc["rows"]) == 2
    row = doc["rows"][0]
    assert row["old_value"] == 201.0 and row["new_value"] == 203.0
    assert row["basis"] is None and row["old_value_text"] is None and row["revised_fields"] == "value"
    assert "NaN" not in r.stdout

    r = run(app, [*args, "--format", "table"])
    assert r.exit_code == 0 and "0 added, 0 removed, 2 revised" in r.output
    assert "201" in r.output and "203" in r.output
    # a row removed: its new values are missing, shown one way in each format
    dropped = tmp_path / "dropped.csv"
    dropped.write_text("".join(line for line in text.splitlines(keepends=True)
                               if not line.startswith("231081,绥芬河市,2020,population_resident")), encoding="utf-8")
    third = _write(wh, _tables(cat, tmp_path, dropped))
    args = ["releases", "diff", second.release_id, third.release_id, "--warehouse", str(wh)]
    r = run(app, [*args, "--format", "table"])
    assert r.exit_code == 0 and "0 added, 1 removed, 0 revised" in r.output, r.output
    removed = next(line for line in r.output.splitlines() if line.lstrip().startswith("removed"))
    assert [c.strip() for c in removed.split("│")[-4:]] == ["7", "–", "–", "–"]  # new value; growth never stated
    for wrong in ("nan", "None", "n/a", "NaN", "<NA>"):
        assert wrong not in r.output.split(), wrong
    r = run(app, [*args, "--format", "json"])
    row = json.loads(r.stdout)["rows"][0]
    assert (row["change"], row["old_value"], row["new_value"], row["old_growth_pct"]) == ("removed", 7.0, None, None)
    r = run(app, [*args, "--format", "csv"])
    cells = next(csv.reader(r.stdout.splitlines()[1:]))
    assert cells[CHANGES.names.index("new_value")] == "" and cells[CHANGES.names.index("old_value")] == "7"
    r = run(app, [*args, "--format", "xml"])
    assert r.exit_code == 2


def test_csv_writer_for_pipes_neutralises_formulas_and_leaves_missing_empty():
    import io

    from warehouse.release import write_csv_to

    buf = io.BytesIO()
    write_csv_to(pa.table({"a": ["=HYPERLINK(1)", None, "ok"], "v": [1.5, None, 2.0]}), buf, bom=False)
    assert buf.getvalue().decode().splitlines() == ['"a","v"', '"\'=HYPERLINK(1)",1.5', ",", '"ok",2']


def test_tables_staged_ahead_make_the_release_a_single_write_makes(cat, tmp_path):
    """The pipeline writes most tables while the checks run (`stage_tables`), the rest in `write_release`:
    the release must be the one writing everything at once gives, file for file."""
    tables = _tables(cat, tmp_path)
    whole = _write(tmp_path / "whole", tables)
    wh = tmp_path / "staged"
    with publish_lock(wh):
        staged = stage_tables(wh, {n: t for n, t in tables.items() if n not in ("validation", "panel")})
        assert staged.folder.name.startswith(".tmp-") and (staged.folder / "observations.parquet").exists()
        assert "panel" not in staged.files
    parts = _write(wh, tables, staged=staged)
    assert not staged.folder.exists()  # it became the release
    assert [p.name for p in releases_dir(wh).iterdir()] == [parts.release_id]  # no temporary folder left
    a, b = read_manifest(tmp_path / "whole", whole.release_id), read_manifest(wh, parts.release_id)
    assert a["content_hash"] == b["content_hash"] and a["row_counts"] == b["row_counts"]
    assert list(a["row_counts"]) == list(b["row_counts"])  # the tables in the same order
    files = {f: (whole.path / f).read_bytes() for f in a["files"]}
    assert files.keys() == set(b["files"]) and len(files) > 20
    differ = [f for f, data in files.items() if (parts.path / f).read_bytes() != data]
    assert differ == ["datapackage.json"] or differ == []  # only the release id and time inside it may differ
    assert json.loads(files["datapackage.json"])["resources"] == json.loads(
        (parts.path / "datapackage.json").read_bytes())["resources"]


def test_a_staged_table_the_release_does_not_have_is_refused(cat, tmp_path):
    tables = _tables(cat, tmp_path)
    wh = tmp_path / "wh"
    with publish_lock(wh):
        staged = stage_tables(wh, {"observations": tables["observations"]})
        with pytest.raises(ReleaseError, match="staged for this release but not in it"):
            write_release(wh, {n: t for n, t in tables.items() if n != "observations"}, {}, staged=staged)
    assert not staged.folder.exists() and list_releases(wh) == []
