"""The fixed costs of a refresh: report charts reused from the parent release when what they draw is unchanged,
and catalog.duckdb updated with the new release's schema instead of rebuilt. Plain functions, no Prefect.
Tables are built from the SYNTHETIC curated fixture."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.test_release import SYNTHETIC, _tables, _write
from warehouse import duckdb_catalog as dc
from warehouse.release import list_releases, publish_lock, read_manifest, releases_dir
from warehouse.report import build_report, chart_keys, cjk_font

CHARTS = ("coverage", "figure1", "figure2")


def _revised(tmp_path: Path, old: str, new: str) -> Path:
    text = SYNTHETIC.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / f"revised-{len(list(tmp_path.glob('revised-*')))}.csv"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def drawn(cat, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("charts")
    tables = _tables(cat, tmp)
    charts: dict = {}
    files = build_report(tables, cat, "t", charts=charts)
    previous = {n: {"key": c["key"], "notes": c["notes"], "png": files[f"report/{n}.png"]} for n, c in charts.items()}
    return tmp, tables, files, charts, previous


def _no_drawing(monkeypatch):
    import warehouse.report as report

    def refuse(*a, **k):
        raise AssertionError("a chart was drawn again")

    for name in ("draw_coverage", "draw_figure1", "draw_figure2"):
        monkeypatch.setattr(report, name, refuse)


def test_unchanged_inputs_reuse_the_parents_charts_byte_identical(cat, drawn, monkeypatch):
    _, tables, files, charts, previous = drawn
    _no_drawing(monkeypatch)  # every chart must come from `previous`
    again: dict = {}
    reused = build_report(tables, cat, "t", previous=previous, charts=again)
    assert reused == files and again == charts
    assert set(charts) == set(CHARTS) and all(len(c["key"]) == 64 for c in charts.values())


def test_a_redraw_gives_the_bytes_a_reuse_gives(cat, drawn):
    _, tables, files, _, _ = drawn
    fresh = build_report(tables, cat, "t")  # drawn again, nothing reused
    assert all(fresh[f"report/{n}.png"] == files[f"report/{n}.png"] for n in CHARTS)


def test_changed_inputs_redraw_only_the_charts_that_draw_them(cat, drawn):
    tmp, _, files, charts, previous = drawn
    # Ruili's 2020 GDP is drawn in Figure 1 (a value), not in the coverage chart (which only shows that it exists)
    tables = _tables(cat, tmp, _revised(tmp, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,203,"))
    keys = chart_keys(tables, cat, cjk_font())
    assert keys["coverage"] == charts["coverage"]["key"] and keys["figure1"] != charts["figure1"]["key"]
    # a stale key never reuses: feed a wrong PNG under the old keys and check only the coverage chart takes it
    fake = {n: p | {"png": b"\x89PNG stale " + n.encode()} for n, p in previous.items()}
    out: dict = {}
    got = build_report(tables, cat, "t", previous=fake, charts=out)
    assert got["report/coverage.png"] == b"\x89PNG stale coverage"
    assert got["report/figure1.png"] != files["report/figure1.png"] and got["report/figure1.png"].startswith(b"\x89PNG")
    assert got["report/figure1.png"] == build_report(tables, cat, "t")["report/figure1.png"]
    assert {n: c["key"] for n, c in out.items()} == keys


def test_a_different_font_or_drawing_code_changes_every_key(cat, drawn, monkeypatch):
    _, tables, _, charts, _ = drawn
    import warehouse.report as report

    monkeypatch.setattr(report, "_code_digest", "other drawing code")
    assert not set(chart_keys(tables, cat, cjk_font()).values()) & {c["key"] for c in charts.values()}


# --- catalog.duckdb: one schema added per release ----------------------------------------------------------

def _schemas(wh: Path) -> set[str]:
    con = duckdb.connect(str(wh / dc.CATALOG_FILE), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT schema_name FROM information_schema.schemata "
                                          "WHERE schema_name LIKE 'r_%'").fetchall()}
    finally:
        con.close()


def _latest_in_catalog(wh: Path) -> list:
    con = duckdb.connect(str(wh / dc.CATALOG_FILE), read_only=True)
    try:
        return [con.execute("SELECT release_id FROM releases WHERE is_latest").fetchall(),
                con.execute("SELECT count(*) FROM releases").fetchone()[0],
                con.execute("SELECT count(*) FROM panel").fetchone()[0]]
    finally:
        con.close()


def test_adding_a_release_adds_its_schema_and_the_catalog_holds_exactly_the_releases(cat, tmp_path, monkeypatch):
    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    with publish_lock(wh):
        dc.ensure_catalog(wh)  # no catalog yet: a full build
    assert dc.catalog_is_current(wh) and _schemas(wh) == {dc.schema_name(first.release_id)}
    second = _write(wh, _tables(cat, tmp_path, _revised(tmp_path, "533102,瑞丽市,2020,gdp,201,",
                                                           "533102,瑞丽市,2020,gdp,203,")))
    assert not dc.catalog_is_current(wh)
    created = []
    real = dc._fill

    def spy(con, warehouse, ids, current, have=()):
        created.append(sorted(set(ids) - set(have)))
        return real(con, warehouse, ids, current, have)

    monkeypatch.setattr(dc, "_fill", spy)
    with publish_lock(wh):
        dc.ensure_catalog(wh)
    assert created == [[second.release_id]]  # the first release's tables were not read again
    assert dc.catalog_is_current(wh)
    assert _schemas(wh) == {dc.schema_name(r) for r in list_releases(wh)}
    panel_rows = read_manifest(wh, second.release_id)["row_counts"]["panel"]
    assert _latest_in_catalog(wh) == [[(second.release_id,)], 2, panel_rows]
    assert not list(wh.glob(f".{dc.CATALOG_FILE}.tmp-*"))
    # a pruned release's schema goes too
    import shutil

    shutil.rmtree(releases_dir(wh) / first.release_id)
    created.clear()
    with publish_lock(wh):
        dc.ensure_catalog(wh)
    assert created == [[]] and _schemas(wh) == {dc.schema_name(second.release_id)}
    assert _latest_in_catalog(wh)[:2] == [[(second.release_id,)], 1]


@pytest.mark.parametrize("stale", ["wrong releases", "garbage", "no file"])
def test_a_state_that_does_not_match_the_catalog_falls_back_to_a_full_rebuild(cat, tmp_path, monkeypatch, stale):
    wh = tmp_path / "wh"
    first = _write(wh, _tables(cat, tmp_path))
    with publish_lock(wh):
        dc.build_catalog(wh)
    second = _write(wh, _tables(cat, tmp_path, _revised(tmp_path, "533102,瑞丽市,2020,gdp,201,",
                                                           "533102,瑞丽市,2020,gdp,203,")))
    state = wh / dc.STATE_FILE
    if stale == "wrong releases":  # says the catalog holds a release it does not
        state.write_text(json.dumps({"latest": first.release_id, "releases": ["20200101T000000Z-deadbeef"]}))
    elif stale == "garbage":
        state.write_text("{not json")
    else:
        (wh / dc.CATALOG_FILE).unlink()
    created = []
    real = dc._fill

    def spy(con, warehouse, ids, current, have=()):
        created.append(sorted(set(ids) - set(have)))
        return real(con, warehouse, ids, current, have)

    monkeypatch.setattr(dc, "_fill", spy)
    with publish_lock(wh):
        dc.ensure_catalog(wh)
    assert created == [sorted([first.release_id, second.release_id])]  # every release's schema built again
    assert dc.catalog_is_current(wh)
    assert _schemas(wh) == {dc.schema_name(first.release_id), dc.schema_name(second.release_id)}
    assert _latest_in_catalog(wh)[:2] == [[(second.release_id,)], 2]
    assert not list(wh.glob(f".{dc.CATALOG_FILE}.tmp-*"))


# --- great-expectations in a helper process ----------------------------------------------------------------

def test_the_validation_helper_gives_the_same_table_as_validating_here(cat, tmp_path, monkeypatch):
    import numpy as np
    import pandas as pd

    from validation import background
    from validation.partial import Partial, Recorder
    from validation.suites import validate_tables

    tables = _tables(cat, tmp_path)
    obs = tables["observations"].copy()
    obs.loc[obs.index[0], "unit_code"] = "999999"  # a blocking failure, so failing rows are described too
    obs.loc[obs.index[1], "value"] = None  # and a failing row a Recorder keeps (not null)
    panel, ind = tables["panel"], tables["indicators"]
    rec_here = Recorder()
    here = validate_tables(obs, panel, cat, ind, rec_here)
    parts = {"panel": np.arange(len(panel)) % 2 == 0, "indicators": np.arange(len(ind)) % 3 == 0}
    part_here = Partial(parts, rec_here.failing)
    partial_here = validate_tables(obs, panel, cat, ind, part_here)
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("BORDERZONES_EVENT_LOG", str(events))  # a helper started from now inherits it
    background.stop()  # one an earlier test started would not
    background.start(even_if_imported=True)
    try:
        assert background.running()
        there, rec_there = background.validate(obs, panel, cat, ind, Recorder())
        partial_there, part_there = background.validate(obs, panel, cat, ind, Partial(parts, rec_here.failing))
    finally:
        background.stop()
    assert not background.running()
    pd.testing.assert_frame_equal(there, here)
    assert not here["success"].all()
    # the suites of panel and indicators ran in the helper's forked copy: what they recorded came back
    assert [json.loads(line)["event"] for line in events.read_text().splitlines()].count("helper_forked") == 2
    assert rec_there.failing == rec_here.failing
    assert set(rec_there.failing) == {"observations", "panel", "indicators"}
    assert rec_here.failing["observations"]  # not vacuous: failing rows were recorded and carried back
    pd.testing.assert_frame_equal(partial_there, partial_here)
    assert part_there.failing == part_here.failing
    assert part_there.checked_rows == part_here.checked_rows == {"panel": int(parts["panel"].sum()),
                                                                  "indicators": int(parts["indicators"].sum())}


_FAKE_SUITES = """
import os, sys
from validation import background

FAIL = {"none": None, "copy": ("panel", True), "here": ("observations", False)}[sys.argv[1]]

class Run:  # a run_gx with state, like validation/partial.py's Recorder
    def __init__(self):
        self.seen, self.home = {}, os.getpid()
    def __call__(self, frame, checks, name, describe):
        if FAIL is not None and name == FAIL[0] and (os.getpid() != self.home) == FAIL[1]:
            raise ValueError("failing on purpose: " + name)
        self.seen[name] = os.getpid()
        return [name + ":" + str(x) for x in frame]
    def state(self, tables):
        return {t: self.seen[t] for t in tables}
    def absorb(self, state):
        self.seen.update(state)

suites = {"observations": ([1, 2], None, "observations", None), "panel": ([3], None, "panel", None),
          "indicators": ([4, 5], None, "indicators", None)}
run = Run()
try:
    out = background.run_suites_forked(run, suites)
except ValueError as exc:
    try:
        os.waitpid(-1, os.WNOHANG)
        left = "a child left"
    except ChildProcessError:
        left = "no child left"
    print("raised", exc, "/", left)
else:
    print(out == {n: [n + ":" + str(x) for x in a[0]] for n, a in suites.items()}, list(out) == list(suites),
          run.seen["observations"] == run.home, run.seen["panel"] != run.home, run.seen["indicators"] != run.home)
"""


@pytest.mark.parametrize(("fail", "expected"), [
    ("none", "True True True True True"),  # two suites in the copy, their state absorbed here
    ("copy", "True True True False False"),  # the copy failed: its suites were run here, same results
    ("here", "raised failing on purpose: observations / no child left"),  # raises as in turn; the copy ended
])
def test_suites_run_two_at_a_time_in_a_forked_copy_with_the_same_outcome(fail, expected, tmp_path):
    import subprocess
    import sys

    script = tmp_path / "fake_suites.py"
    script.write_text(_FAKE_SUITES, encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    r = subprocess.run([sys.executable, str(script), fail], capture_output=True, text=True, timeout=120, cwd=root,
                       env={**__import__("os").environ, "PYTHONPATH": root})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == expected.strip()


def test_chart_keys_do_not_depend_on_dtypes(cat, drawn, tmp_path):
    """A zone rerun builds its tables from rows read back from Parquet (other dtypes, the same values): the keys
    must be those of the run that drew the charts, or nothing would ever be reused."""
    _, tables, _, charts, _ = drawn
    wh = tmp_path / "wh"
    out = _write(wh, tables)
    from warehouse.release import read_table

    back = {n: read_table(wh, out.release_id, n) for n in ("observations", "panel", "indicators", "not_computable")}
    assert chart_keys(back, cat, cjk_font()) == {n: c["key"] for n, c in charts.items()}


def _prefect_settings(home, url, migrate=True):
    from types import SimpleNamespace

    secret = SimpleNamespace(get_secret_value=lambda: url)
    return SimpleNamespace(home=home, server=SimpleNamespace(database=SimpleNamespace(
        migrate_on_start=migrate, connection_url=secret)))


def test_the_early_server_skips_migrations_only_on_the_database_it_migrated(tmp_path):
    from flows import early_server as es

    db = tmp_path / "prefect.db"
    url = f"sqlite+aiosqlite:///{db}"
    assert es._migrated_marker(_prefect_settings(tmp_path, url), "3.9.1") is None  # no database yet
    db.write_bytes(b"SQLite format 3\0")
    marker = es._migrated_marker(_prefect_settings(tmp_path, url), "3.9.1")
    assert marker is not None and es._read_marker(marker["path"]) is None  # never migrated by us: migrate
    es._write_marker(marker)
    assert es._read_marker(marker["path"]) == marker["stamp"]  # the next start skips them
    assert es._migrated_marker(_prefect_settings(tmp_path, url), "3.10.0")["stamp"] != marker["stamp"]
    db.unlink()
    db.write_bytes(b"SQLite format 3\0")  # a new database file (a new inode, most file systems)
    again = es._migrated_marker(_prefect_settings(tmp_path, url), "3.9.1")
    assert again["stamp"]["inode"] != marker["stamp"]["inode"] or again["stamp"] == marker["stamp"]
    assert es._migrated_marker(_prefect_settings(tmp_path, url, migrate=False), "3.9.1") is None
    assert es._migrated_marker(_prefect_settings(tmp_path, "postgresql+asyncpg://x/y"), "3.9.1") is None


def _python(code: str, **env) -> str:
    import os
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_the_plain_engine_path_never_imports_prefect():
    out = _python("import sys, flows.cli, flows.pipeline as p\n"
                  "assert callable(p.refresh_zone.fn) and callable(p.collect_zones_task.fn)\n"
                  "print('prefect' in sys.modules)")
    assert out == "False"


def test_great_expectations_leaves_scipy_and_altair_unloaded_until_used():
    code = ("import sys, importlib.util\nfrom validation.suites import import_gx\nimport_gx()\n"
            "print(type(sys.modules['scipy.stats']).__name__, type(sys.modules['altair']).__name__)\n"
            "import scipy.stats\nprint(scipy.stats.norm.cdf(0))")
    assert _python(code).splitlines() == ["_LazyModule _LazyModule", "0.5"]
    assert _python(code, BORDERZONES_LAZY_GX_IMPORT="0").splitlines() == ["module module", "0.5"]


def test_great_expectations_is_imported_without_sqlalchemy_unless_this_process_has_it_and_validates_alike():
    check = ("import pandas as pd\nfrom validation.suites import gx_context\nctx = gx_context()\n"
             "import great_expectations as gx\n"
             "batch = ctx.data_sources.add_pandas('p').add_dataframe_asset('a').add_batch_definition_whole_dataframe("
             "'b').get_batch(batch_parameters={'dataframe': pd.DataFrame({'x': [1, None, 3]})})\n"
             "r = batch.validate(gx.expectations.ExpectColumnValuesToNotBeNull(column='x'))\n"
             "print(r.success, r.result['unexpected_count'])\n")
    hidden = "import sys\n" + check + "print('sqlalchemy' in sys.modules)\nimport sqlalchemy\nprint('later: ok')"
    assert _python(hidden).splitlines() == ["False 1", "False", "later: ok"]
    before = "import sys, sqlalchemy\n" + check + "print(type(sys.modules['sqlalchemy']).__name__)"
    assert _python(before).splitlines() == ["False 1", "module"]  # imported already: left as it is
    assert _python(hidden, BORDERZONES_LAZY_GX_IMPORT="0").splitlines() == ["False 1", "True", "later: ok"]


def test_frames_travel_to_the_validation_helper_unchanged():
    import numpy as np
    import pandas as pd

    from validation.background import pack, unpack

    df = pd.DataFrame({"text": pd.Series(["x", "y", "z", "w", "v", "u"], dtype=object),
                       "text_none": pd.Series([None, "y", "中文", None, "", "z"], dtype=object),
                       "ints": np.arange(6), "floats": [1.0, np.nan, 2, 3, 4, 5],
                       "mixed": pd.Series([1.5, None, "x", None, 2, 3], dtype=object),
                       "text_nan": pd.Series(["a", np.nan, "b", None, "c", "d"], dtype=object),
                       "str_dtype": pd.Series(["p", None, "q", "r", "s", "t"], dtype="str"),
                       "lists": pd.Series([[1], [2], None, [3], [], [5]], dtype=object)}, index=[5, 3, 1, 0, 2, 4])
    packed = pack(df)
    assert packed[0] == "packed" and "text" not in packed[2].columns and "text_nan" in packed[2].columns
    out = unpack(packed)
    pd.testing.assert_frame_equal(out, df, check_exact=True)
    for c in ("text_none", "mixed", "text_nan", "lists"):  # None stays None, NaN stays NaN
        assert [v is None for v in out[c]] == [v is None for v in df[c]]
    assert unpack(pack(df[["ints"]]))["ints"].tolist() == list(range(6))  # nothing to pack: the frame itself


def test_the_command_and_its_validation_helper_collect_garbage_with_the_tuned_thresholds():
    code = ("import gc\nfrom flows import env\nenv.tune_gc()\nprint(gc.get_threshold())\n"
            "from validation import background\nbackground.start()\n"
            "args = open(f'/proc/{background._helper[0].pid}/cmdline').read().split(chr(0))\n"
            "print(args[2].split(';')[1].strip())\nbackground.stop()")
    assert _python(code).splitlines() == ["(700, 10, 100)", "gc.set_threshold(700, 10, 100)"]
    assert _python(code, BORDERZONES_GC_THRESHOLDS="700,10,10").splitlines() == [
        "(700, 10, 10)", "gc.set_threshold(700, 10, 10)"]
    # not three numbers: Python's own thresholds, and a warning (on stderr, which _python does not return)
    assert _python(code, BORDERZONES_GC_THRESHOLDS="fast").splitlines()[0] == "(700, 10, 10)"


def test_the_early_server_process_gets_this_process_thresholds_and_prefects_temporary_server_settings(monkeypatch):
    import gc

    from flows import early_server as es

    seen = {}

    class Popen:
        def __init__(self, args, **kwargs):
            seen["args"], seen["env"] = args, kwargs["env"]

        def poll(self):
            return 0

    monkeypatch.setattr(es.subprocess, "Popen", Popen)
    monkeypatch.setattr(es, "_state", {})
    before = gc.get_threshold()
    gc.set_threshold(1234, 10, 100)
    try:
        es._launch({"PREFECT_HOME": "/somewhere"})
    finally:
        gc.set_threshold(*before)
    assert seen["args"][2].startswith("import gc; gc.set_threshold(1234, 10, 100); ")
    assert es.FACTORY in seen["args"] and int(seen["args"][3]) == es._state["port"]
    assert {k: seen["env"][k] for k in es.SERVER_ENV} == es.SERVER_ENV
    assert seen["env"]["PREFECT_HOME"] == "/somewhere"


@pytest.mark.parametrize(("code", "warned"), [(3, False), (1, True)])
def test_a_server_process_that_ends_says_why_unless_a_server_is_configured(code, warned, monkeypatch, caplog):
    import subprocess
    import sys

    from flows import early_server as es

    monkeypatch.setattr(es, "_state", {})
    proc = subprocess.Popen([sys.executable, "-c", f"import sys; sys.exit({code})"])
    es._state.update(process=proc, port=es._free_port())
    with caplog.at_level("WARNING", logger=es.__name__):
        es._start()
    assert es._state.get("url") is None and "process" not in es._state
    assert ("did not come up early" in caplog.text) == warned


def test_the_server_process_leaves_at_once_when_a_server_is_configured(tmp_path):
    import os
    import subprocess
    import sys

    from flows import early_server as es

    r = subprocess.run([sys.executable, "-c", "from flows.early_server import serve; serve(1)"], timeout=120,
                       capture_output=True, text=True, env={**os.environ, "PREFECT_HOME": str(tmp_path),
                                                            "PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert r.returncode == es.NOT_WANTED, r.stderr


def test_while_the_early_server_starts_the_flow_calls_imports_are_made_and_not_otherwise(monkeypatch):
    import threading
    import types

    from flows import early_server as es
    from flows import pipeline

    monkeypatch.setattr(es, "_state", {})
    assert not es.starting()  # nothing started
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    es._state["thread"] = thread
    assert es.starting()  # started, not answered yet
    release.set()
    thread.join()
    assert not es.starting()  # answered or failed: api_url would not wait

    imported: list[str] = []
    monkeypatch.setattr(pipeline, "importlib", types.SimpleNamespace(import_module=imported.append))
    monkeypatch.setattr(es, "api_url", lambda timeout=None: None)  # then Prefect starts its own server
    for starting, expected in ((False, []), (True, ["fastapi.encoders"])):
        monkeypatch.setattr(es, "starting", lambda starting=starting: starting)
        with pipeline._early_server():
            pass
        assert imported == expected
