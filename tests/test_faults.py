"""Faults and hostile inputs (issue 14): a corrupt or half-described archive, a missing `latest`, killed
catalog builds and runs, a full disk, empty selections, bad options, formulas in CSV cells.

Each test runs the CLI in this process with `--engine plain` (the flows' steps without a Prefect server);
those that refresh (~4 s each) are marked `long` and run in `make faults`
on a warehouse built from the SYNTHETIC curated fixture and one SYNTHETIC archived document
(tests/fixtures/documents/mzl_2022_utf8_chrome.html: 满洲里市, 2022, 22 observations)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractors.archive import Archive
from flows.cli import app
from warehouse.release import latest_id, list_releases, read_manifest, read_table

FIX = Path(__file__).parent / "fixtures"
MZL = FIX / "documents" / "mzl_2022_utf8_chrome.html"
OLD = time.time() - 3600  # older than the archive's grace for documents being written


def _cli(*args: str):
    r = CliRunner().invoke(app, list(args), catch_exceptions=False)
    r.text = " ".join(r.output.split())  # rich wraps long lines at 200 columns: compare words, not lines
    return r


def _options(root: Path) -> list[str]:
    return ["--warehouse", str(root / "warehouse"), "--archive", str(root / "archive"), "--curated",
            str(root / "figures.csv"), "--no-bundled-curated", "--offline", "--engine", "plain"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A warehouse after a first full refresh, built once; each test gets a copy (a refresh costs ~4 s)."""
    root = tmp_path_factory.mktemp("template")
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", root / "figures.csv")
    side, _ = Archive(root / "archive").put(MZL.read_bytes(), origin=str(MZL), origin_kind="file",
                                            meta={"unit_code": "150781", "data_year": 2022})
    doc = Archive(root / "archive").document_path(side)
    os.utime(doc, (OLD, OLD))
    r = _cli("refresh", *_options(root))
    assert r.exit_code == 0, r.output
    return root


@pytest.fixture
def wh(template, tmp_path):
    """(warehouse, archive, common CLI options, the archived document's sidecar), a copy of the template."""
    root = tmp_path / "copy"
    shutil.copytree(template, root, symlinks=True)  # copy2: times kept, so the listing is the release's own
    side = next(iter(Archive(root / "archive")))
    return root / "warehouse", root / "archive", _options(root), side


def _mzl_rows(w: Path) -> int:
    obs = read_table(w, latest_id(w), "observations")
    return int((obs["unit_code"] == "unit:150781").sum())


def _edit_curated(opts: list[str], old: str, new: str) -> None:
    p = Path(opts[opts.index("--curated") + 1])
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new), encoding="utf-8")


# --- 9. a corrupt archived document -------------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_corrupt_archived_document_keeps_its_published_rows_flagged(wh):
    w, ar, opts, side = wh
    first, n = latest_id(w), _mzl_rows(w)
    assert n >= 22
    doc = Archive(ar).document_path(side)
    data = bytearray(doc.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit; the extraction cache is warm
    doc.write_bytes(bytes(data))
    r = _cli("refresh", *opts)
    assert r.exit_code == 0, r.output
    assert "corrupt" in r.text and "kept from release" in r.text
    second = latest_id(w)
    assert second != first and _mzl_rows(w) == n  # the figures stay published
    src = read_table(w, second, "sources")
    row = src[src.source_id == side.sha256].iloc[0]
    assert row["status"] == "corrupt" and "do not match their sha256" in row["problems"]
    assert "carried unchanged from release" in row["problems"]
    lost = read_manifest(w, second)["documents_lost"]
    assert [(d["source_id"], d["now"], d["kept"]) for d in lost] == [(side.sha256, "corrupt", True)]
    # still corrupt at the next rebuild: still carried
    _edit_curated(opts, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,203,")
    assert _cli("refresh", *opts).exit_code == 0 and _mzl_rows(w) == n
    # ingesting the true bytes again repairs the archive copy
    r = _cli("ingest", str(MZL), "--archive", str(ar))
    assert r.exit_code == 0 and Archive(ar).document_path(side).read_bytes() == MZL.read_bytes()
    assert _cli("refresh", *opts).exit_code == 0
    src = read_table(w, latest_id(w), "sources")
    assert src[src.source_id == side.sha256]["status"].tolist() == ["ok"]


# --- 10. sidecars deleted, truncated, unknown ------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_deleted_sidecar_is_rebuilt_from_the_bytes(wh):
    w, ar, opts, side = wh
    n = _mzl_rows(w)
    (ar / side.sha256[:2] / f"{side.sha256}.json").unlink()
    r = _cli("refresh", *opts, "--force")
    assert r.exit_code == 0, r.output
    assert "the document has no sidecar: rebuilt from the document's bytes" in r.text
    assert _mzl_rows(w) == n  # the extractor identified 满洲里市 2022 again from the text
    rebuilt = Archive(ar).sidecar(side.sha256)
    assert rebuilt.sha256 == side.sha256 and rebuilt.origin.startswith("recovered from the archive")


@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_truncated_sidecar_is_named_kept_aside_and_rebuilt(wh):
    w, ar, opts, side = wh
    p = ar / side.sha256[:2] / f"{side.sha256}.json"
    p.write_bytes(p.read_bytes()[:40])
    r = _cli("refresh", *opts)
    assert r.exit_code == 0, r.output
    assert str(p) in r.text and "the sidecar is unreadable" in r.text
    assert p.with_name(p.name + ".broken").exists() and json.loads(p.read_text())["sha256"] == side.sha256
    assert read_manifest(w, latest_id(w))["archive_problems"][0]["path"] == str(p)


@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_sidecar_with_an_unknown_key_is_read_and_reported(wh):
    w, ar, opts, side = wh
    p = ar / side.sha256[:2] / f"{side.sha256}.json"
    data = json.loads(p.read_text(encoding="utf-8"))
    p.write_text(json.dumps({**data, "from_the_future": 1}), encoding="utf-8")
    n = _mzl_rows(w)
    r = _cli("refresh", *opts, "--force")
    assert r.exit_code == 0, r.output
    assert "unknown key(s) from_the_future ignored" in r.text and _mzl_rows(w) == n


@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_document_gone_from_the_archive_is_said_not_silently_dropped(wh):
    w, ar, opts, side = wh
    shutil.rmtree(ar / side.sha256[:2])
    r = _cli("refresh", *opts)
    assert r.exit_code == 0
    assert "gone from the archive" in r.text and "no longer published" in r.text
    lost = read_manifest(w, latest_id(w))["documents_lost"]
    assert lost[0]["source_id"] == side.sha256 and lost[0]["observations"] >= 22 and not lost[0]["kept"]


# --- 5. a file name whose bytes are not UTF-8 -------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_keeps_its_name_and_its_sidecar(tmp_path):
    raw = os.fsencode(tmp_path) + b"/\xc2\xfa\xd6\xde\xc0\xef 100%.html"  # GBK bytes: not UTF-8
    with open(raw, "wb") as fh:
        fh.write(MZL.read_bytes())
    name = os.fsdecode(raw)
    ar = tmp_path / "archive"
    r = _cli("ingest", name, str(FIX / "documents" / "erenhot_2021_yearfirst.html"), "--archive", str(ar))
    assert r.exit_code == 0, r.output
    sides = list(Archive(ar))
    assert len(sides) == 2  # the batch went on after the odd name
    odd = next(s for s in sides if s.origin_escaped)
    from urllib.parse import unquote_to_bytes

    assert unquote_to_bytes(odd.origin) == raw  # lossless
    assert all(p.with_suffix(".json").exists() for p in ar.glob("??/*.html"))


def test_a_sidecar_that_cannot_be_written_takes_its_document_back(tmp_path, monkeypatch):
    import extractors.archive as archive_mod

    real = archive_mod._atomic_write

    def full_disk(path, data):
        if path.suffix == ".json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(archive_mod, "_atomic_write", full_disk)
    with pytest.raises(OSError):
        Archive(tmp_path / "ar").put(MZL.read_bytes(), origin="x", origin_kind="file")
    assert not [p for p in (tmp_path / "ar").rglob("*") if p.is_file()]


# --- 11. `latest` missing ------------------------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_zone_rerun_without_latest_builds_on_the_newest_complete_release(wh):
    w, ar, opts, side = wh  # noqa: RUF059
    first = latest_id(w)
    n_all = len(read_table(w, first, "observations"))
    (w / "latest").unlink()
    _edit_curated(opts, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    r = _cli("zone", "ruili", *opts)
    assert r.exit_code == 0, r.output
    second = latest_id(w)
    assert second != first and read_manifest(w, second)["parent"] == first
    assert len(read_table(w, second, "observations")) == n_all  # every other zone carried
    assert _mzl_rows(w) >= 22


def test_a_zone_rerun_on_a_warehouse_without_releases_is_refused(tmp_path):
    r = _cli("zone", "ruili", "--warehouse", str(tmp_path / "w"), "--archive", str(tmp_path / "a"), "--offline",
             "--engine", "plain")
    assert r.exit_code == 2 and "no release to build on" in r.text
    assert not (tmp_path / "w" / "releases").exists()


@pytest.mark.long  # a refresh or more each: `make faults`
def test_no_change_with_latest_missing_points_latest_back(wh):
    w, ar, opts, side = wh  # noqa: RUF059
    first = latest_id(w)
    (w / "latest").unlink()
    r = _cli("refresh", *opts)
    assert r.exit_code == 0, r.output
    assert latest_id(w) == first and list_releases(w) == [first]


# --- 12. a catalog build killed or out of disk ----------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_killed_catalog_build_is_redone_and_its_temp_files_removed(wh):
    w, ar, opts, side = wh  # noqa: RUF059
    first = latest_id(w)
    state = w / ".catalog.duckdb.state"
    assert json.loads(state.read_text())["latest"] == first
    # as a SIGKILL mid-build leaves it: a temp file, no state (the build removes it first), the old catalog
    (w / ".catalog.duckdb.tmp-99999").write_bytes(b"half")
    (w / ".catalog.duckdb.tmp-99999.wal").write_bytes(b"half")
    state.unlink()
    r = _cli("refresh", *opts)  # nothing changed: the no-change path still rebuilds the catalog
    assert r.exit_code == 0 and "no change" in r.text
    assert not list(w.glob(".catalog.duckdb.tmp-*"))
    assert json.loads(state.read_text())["latest"] == first
    import duckdb

    con = duckdb.connect(str(w / "catalog.duckdb"), read_only=True)
    assert con.execute("SELECT release_id FROM releases WHERE is_latest").fetchall() == [(first,)]
    con.close()


@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_catalog_that_failed_to_build_is_retried_by_the_next_run(wh, monkeypatch):
    w, ar, opts, side = wh  # noqa: RUF059
    import warehouse.duckdb_catalog as dc

    real = dc._fill

    def disk_full(con, *a):
        con.close()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dc, "_fill", disk_full)
    _edit_curated(opts, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,204,")
    r = _cli("refresh", *opts)
    assert r.exit_code == 0 and latest_id(w) != read_manifest(w, latest_id(w))["parent"] is not None
    assert not dc.catalog_is_current(w) and not list(w.glob(".catalog.duckdb.tmp-*"))
    monkeypatch.setattr(dc, "_fill", real)
    assert _cli("refresh", *opts).exit_code == 0
    assert dc.catalog_is_current(w)


# --- 13. staging folders of killed runs ----------------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_staging_left_by_a_dead_run_is_removed_a_live_ones_kept(wh):
    w, ar, opts, side = wh  # noqa: RUF059
    from warehouse.build import open_staging

    live, owner = open_staging(w)  # held, as by a run in progress
    dead = w / ".staging-dead"
    dead.mkdir()
    (dead / ".owner").write_text("12345\n")  # its lock is free: its run is gone
    try:
        assert _cli("refresh", *opts, "--force").exit_code == 0
        assert live.exists() and not dead.exists()
    finally:
        owner.close()
    with open(live / ".owner", "a") as fh:  # released now
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)


# --- 14. full disk, read-only: a message and an exit code ---------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_full_disk_or_read_only_warehouse_is_a_message_and_exit_3(wh, monkeypatch, code):
    w, ar, opts, side = wh  # noqa: RUF059
    first = latest_id(w)
    import warehouse.release as rel

    def full(*a, **k):
        raise OSError(code, os.strerror(code), str(w / "releases" / ".tmp-x"))

    monkeypatch.setattr(rel, "write_parquet", full)
    _edit_curated(opts, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,202,")
    r = _cli("refresh", *opts)
    assert r.exit_code == 3
    assert f"could not write: {os.strerror(code)}" in r.text and f"latest stays {first}" in r.text
    assert "Traceback" not in r.text
    assert latest_id(w) == first and list_releases(w) == [first]


# --- 15, 16. empty selections and bad options ------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_selection_with_nothing_in_it_publishes_nothing(wh):
    w, ar, opts, side = wh  # noqa: RUF059
    first = latest_id(w)
    r = _cli("refresh", *opts, "--years", "2025")
    assert r.exit_code == 0, r.output
    assert "nothing to publish for this selection" in r.text and list_releases(w) == [first]


@pytest.mark.long  # a refresh or more each: `make faults`
def test_an_empty_warehouse_and_archive_publish_nothing(tmp_path):
    r = _cli("refresh", "--warehouse", str(tmp_path / "w"), "--archive", str(tmp_path / "a"), "--offline",
             "--engine", "plain", "--no-bundled-curated")
    assert r.exit_code == 0, r.output
    assert "nothing to publish" in r.text and list_releases(tmp_path / "w") == []


def test_bad_folder_and_year_options(tmp_path):
    f = tmp_path / "a-file"
    f.write_text("x")
    r = _cli("refresh", "--warehouse", str(f), "--offline")
    assert r.exit_code == 2 and "is a file, not a folder" in r.text
    r = _cli("refresh", "--warehouse", str(f / "below"), "--offline")
    assert r.exit_code == 2 and "is a file, not a folder" in r.text
    r = _cli("refresh", "--years", "2030-2010", "--offline")
    assert r.exit_code == 2 and "reversed" in r.text


@pytest.mark.long  # a refresh or more each: `make faults`
def test_a_new_warehouse_is_announced(tmp_path):
    cur = tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    w = tmp_path / "not" / "yet" / "there"
    r = _cli("refresh", "--warehouse", str(w), "--archive", str(tmp_path / "a"), "--curated", str(cur),
             "--no-bundled-curated", "--offline", "--engine", "plain")
    assert r.exit_code == 0 and "a new warehouse is started at" in r.text and latest_id(w)


# --- 17. formulas in CSV cells ---------------------------------------------------------------------------

@pytest.mark.long  # a refresh or more each: `make faults`
def test_csv_twins_neutralise_formulas_and_parquet_stays_exact(tmp_path):
    cur = tmp_path / "figures.csv"
    text = (FIX / "curated" / "synthetic_zones.csv").read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    cols = header.split(",")
    row = dict(zip(cols, first.split(","), strict=False))
    assert "title" in cols or "source_title" in cols
    key = "title" if "title" in cols else "source_title"
    evil = '=HYPERLINK("http://evil.example","x")'
    row[key] = '"' + evil.replace('"', '""') + '"'
    cur.write_text("\n".join([header, ",".join(row.get(c, "") for c in cols), *rest]) + "\n", encoding="utf-8")
    w = tmp_path / "w"
    r = _cli("refresh", "--warehouse", str(w), "--archive", str(tmp_path / "a"), "--curated", str(cur),
             "--no-bundled-curated", "--offline", "--engine", "plain")
    assert r.exit_code == 0, r.output
    src = read_table(w, latest_id(w), "sources")
    assert evil in set(src["title"])  # Parquet: exact
    csv_text = (w / "latest" / "csv" / "sources.csv").read_text(encoding="utf-8-sig")
    assert f"'{evil}" not in csv_text  # CSV quoting doubles the inner quotes
    assert "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"" in csv_text
    for p in (w / "latest").rglob("*.csv"):
        cells = pd.read_csv(p, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_an_extractor_bug_on_one_file_does_not_stop_an_ingest_batch(tmp_path, monkeypatch):
    import extractors.extract as ex

    real = ex.extract_bytes

    def buggy(data, name, **kw):
        if name == "bad.html":
            raise RuntimeError("a bug in the grammar")
        return real(data, name, **kw)

    monkeypatch.setattr(ex, "extract_bytes", buggy)
    bad = tmp_path / "bad.html"
    bad.write_bytes(MZL.read_bytes() + b" ")
    r = _cli("ingest", str(bad), str(MZL), "--archive", str(tmp_path / "ar"))
    assert r.exit_code == 0 and "RuntimeError: a bug in the grammar" in r.text
    assert [s.origin for s in Archive(tmp_path / "ar")] == [str(MZL)]
    r = _cli("extract", str(bad))
    assert r.exit_code == 2 and "the extractor failed (RuntimeError: a bug in the grammar)" in r.text
