"""Concurrency and crashes with real processes (`borderzones … --engine plain`: the same steps as the
flows, without starting a Prefect server). Input: the SYNTHETIC curated fixture, edited by the test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.build import RunSettings
from warehouse.release import latest_id, list_releases, read_manifest, read_table

FIX = Path(__file__).parent / "fixtures"
CLI = [sys.executable, "-m", "flows.entry"]  # what the `borderzones` script runs
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.long  # ~30 s each: `make faults` runs them, CI runs it after `make test`


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def setup(tmp_path):
    from flows import pipeline

    wh, cur = tmp_path / "warehouse", tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    settings = RunSettings(warehouse=wh, archive=tmp_path / "archive", curated=(cur,), bundled_curated=False,
                           offline=True)
    pipeline.run(settings, single_zone=False, engine="plain")
    args = ["--warehouse", str(wh), "--archive", str(tmp_path / "archive"), "--curated", str(cur),
            "--no-bundled-curated", "--offline", "--engine", "plain"]
    return wh, cur, args


def _start(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _value(wh: Path, rid: str, series: str, indicator: str = "gdp", period: str = "2020") -> list[float]:
    p = read_table(wh, rid, "panel")
    return p[(p.series_id == series) & (p.indicator == indicator) & (p.period == period)]["value"].tolist()


def test_two_zone_reruns_at_once_both_land(setup):
    wh, cur, args = setup
    first = latest_id(wh)
    _edit(cur, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    _edit(cur, "150781,满洲里市,2020,gdp,170,", "150781,满洲里市,2020,gdp,171,")
    a = _start(["zone", "ruili", *args])
    b = _start(["zone", "manzhouli", *args])
    out_a, out_b = a.communicate(timeout=300)[0], b.communicate(timeout=300)[0]
    assert a.returncode == 0, out_a
    assert b.returncode == 0, out_b
    final = latest_id(wh)
    assert _value(wh, final, "unit:533102") == [205.0] and _value(wh, final, "unit:150781") == [171.0]  # neither lost
    chain = [final, read_manifest(wh, final)["parent"]]
    assert read_manifest(wh, chain[1])["parent"] == first  # the second publisher built on the first
    assert len(list_releases(wh)) == 3


def test_sigkill_between_writing_and_switching_latest(setup, tmp_path):
    wh, cur, args = setup
    before = latest_id(wh)
    _edit(cur, "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,141,")
    marker = tmp_path / "paused"
    p = _start(["refresh", *args], {"BORDERZONES_FAULT_PAUSE_BEFORE_SWITCH": str(marker)})
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert p.poll() is None, p.stdout.read()
        assert time.monotonic() < deadline, "the publisher never reached the switch"
        time.sleep(0.2)
    orphan = marker.read_text(encoding="utf-8")
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    left = list(wh.glob(".staging-*"))
    assert left  # the killed run's staging folder
    assert latest_id(wh) == before  # readers still see the previous complete release
    assert orphan in list_releases(wh)  # written, never switched to
    assert _value(wh, before, "unit:231086") == [140.0]
    r = subprocess.run([*CLI, "refresh", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    now = latest_id(wh)
    assert now not in (before, orphan) and orphan not in list_releases(wh)  # the leftover is cleaned up
    assert read_manifest(wh, now)["parent"] == before
    assert _value(wh, now, "unit:231086") == [141.0]
    assert not any(p.exists() for p in left)  # provably dead (its lock was free): removed by the next run


def test_sigkill_while_the_duckdb_catalog_is_built(setup, tmp_path):
    from warehouse.duckdb_catalog import catalog_is_current

    wh, cur, args = setup
    _edit(cur, "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,142,")
    marker = tmp_path / "in-catalog"
    p = _start(["refresh", *args], {"BORDERZONES_FAULT_PAUSE_IN_CATALOG": str(marker)})
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert p.poll() is None, p.stdout.read()
        assert time.monotonic() < deadline, "the catalog build was never reached"
        time.sleep(0.2)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    new = latest_id(wh)
    assert _value(wh, new, "unit:231086") == [142.0]  # the release was published before the catalog
    assert not catalog_is_current(wh) and list(wh.glob(".catalog.duckdb.tmp-*"))
    r = subprocess.run([*CLI, "refresh", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "no change" in r.stdout, r.stdout + r.stderr
    assert catalog_is_current(wh) and not list(wh.glob(".catalog.duckdb.tmp-*"))
    import duckdb

    con = duckdb.connect(str(wh / "catalog.duckdb"), read_only=True)
    assert con.execute("SELECT release_id FROM releases WHERE is_latest").fetchall() == [(new,)]
    con.close()


def test_a_blocked_release_through_prefect_is_a_message_not_tracebacks(setup):
    wh, cur, args = setup
    before = latest_id(wh)
    _edit(cur, "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,1400000,")
    prefect_args = [a for a in args if a not in ("--engine", "plain")]
    r = subprocess.run([*CLI, "refresh", *prefect_args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PREFECT_HOME": str(wh.parent / "prefect_home")})
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "blocked:" in out and "231086 东宁市 2020 gdp = 1400000" in out
    assert "Traceback" not in out and len(out.splitlines()) < 20, out
    assert latest_id(wh) == before


def _server_processes() -> set[int]:
    # -ww: whole command lines (ps cuts them at the terminal's width, COLUMNS=80 under pytest, and the server's
    # address came after the cut: the test that no server outlives a command could not fail)
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return {int(line.split()[0]) for line in out.splitlines() if "prefect.server.api.server:create_app" in line}


def test_a_prefect_zone_rerun_uses_the_early_server_and_leaves_no_process(setup):
    wh, cur, args = setup
    before_servers = _server_processes()
    events = wh.parent / "events.jsonl"
    prefect_args = [a for a in args if a not in ("--engine", "plain")]
    _edit(cur, "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,141,")
    env = {**os.environ, "PREFECT_HOME": str(wh.parent / "prefect_home"), "BORDERZONES_EVENT_LOG": str(events)}
    env.pop("PREFECT_API_URL", None)
    r = subprocess.run([*CLI, "zone", "suifenhe_dongning", *prefect_args], cwd=ROOT, capture_output=True,
                       text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    names = [json.loads(line)["event"] for line in events.read_text(encoding="utf-8").splitlines()]
    assert "early_prefect_server" in names and names.index("early_prefect_server") < names.index("start")
    assert _value(wh, latest_id(wh), "unit:231086") == [141.0]
    time.sleep(0.5)
    assert _server_processes() <= before_servers  # the temporary server ended with the command


def test_the_early_server_does_not_outlive_a_killed_command(tmp_path):
    before = _server_processes()
    code = ("from flows import env, early_server as es\nenv.apply()\nes.spawn()\nes.start()\n"
            "print(es.api_url(), flush=True)\nimport time\ntime.sleep(300)")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect_home")}
    env.pop("PREFECT_API_URL", None)
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        url = p.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        servers = _server_processes() - before
        assert servers  # the spawned server process is there, and answered
    finally:
        p.kill()  # SIGKILL: no exit handler of the command runs
        p.wait()
    deadline = time.monotonic() + 20
    while _server_processes() & servers and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _server_processes() & servers  # it saw its parent go and ended
