"""The flows end to end, as a user runs them through the CLI, under one Prefect test server.

Inputs: SYNTHETIC documents (tests/fixtures/documents) and the SYNTHETIC curated file, copied and
edited by the test. The steps build on each other, so they are one test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractors.archive import Archive
from flows.cli import app
from warehouse.release import latest_id, list_releases, read_table

FIX = Path(__file__).parent / "fixtures"


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_refresh_rerun_zone_and_blocked_release(prefect_harness, tmp_path):
    wh, ar, cur = tmp_path / "warehouse", tmp_path / "archive", tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    store = Archive(ar)
    for name, unit, year in (("mzl_2022_utf8_chrome.html", "150781", 2022), ("empty.txt", None, None)):
        store.put((FIX / "documents" / name).read_bytes(), origin=name, origin_kind="file",
                  meta={"unit_code": unit, "data_year": year})
    common = ["--warehouse", str(wh), "--archive", str(ar), "--curated", str(cur), "--no-bundled-curated"]
    offline = [*common, "--offline"]  # the bundled registry names real hosts: tests never touch the network
    # (step 5 fetches only erenhot, whose units have no bundled source: only the local server is asked)

    # 1. the annual refresh publishes a release
    r = _cli("refresh", *offline)
    assert r.exit_code == 0, r.output
    first = latest_id(wh)
    assert first and f"release {first} written" in r.output
    assert "manzhouli" in r.output and "duckdb" in r.output
    obs1 = read_table(wh, first, "observations")
    assert {"extracted", "curated"} <= set(obs1["origin"])
    src = read_table(wh, first, "sources")
    bad = src[src["status"] == "unreadable"]  # the empty document is listed with its status, not fatal
    assert bad["problems"].tolist() == ["error: the document is empty"]
    bytes1 = {p.name: p.read_bytes() for p in (wh / "releases" / first).glob("*.parquet")}
    report = wh / "releases" / first / "report"
    assert {"index.html", "figure1.png", "figure2.png", "claims.html", "validation.html"} <= {
        p.name for p in report.iterdir()}
    ind = read_table(wh, first, "indicators")
    share = ind[(ind.zone_id == "ruili") & (ind.indicator == "va_secondary_share_pct") & (ind.year == 2020)]
    assert share.empty  # the synthetic file has no sectors for 瑞丽: absent, and listed as not computable
    nc = read_table(wh, first, "not_computable")
    assert len(nc[(nc.zone_id == "ruili") & (nc.indicator == "va_secondary_share_pct") & (nc.year == 2020)]) == 2

    # 2. the same inputs again: no new release, the same bytes; nothing is even re-read (the archive listing,
    # curated files and code are those the release was built from) unless --force, which rebuilds to the same
    r = _cli("refresh", *offline)
    assert r.exit_code == 0 and f"no change since {first}" in r.output and "nothing re-extracted" in r.output
    r = _cli("refresh", *offline, "--force")
    assert r.exit_code == 0 and f"no change since {first}: no new release" in r.output
    assert "manzhouli" in r.output  # the full path ran: the per-zone table is printed
    assert list_releases(wh) == [first]
    assert {p.name: p.read_bytes() for p in (wh / "releases" / first).glob("*.parquet")} == bytes1

    # 3. a revised figure for ruili and one for manzhouli; only ruili is rerun
    _edit(cur, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    _edit(cur, "150781,满洲里市,2020,gdp,170,", "150781,满洲里市,2020,gdp,171,")
    r = _cli("zone", "ruili", *offline)
    assert r.exit_code == 0, r.output
    second = latest_id(wh)
    assert second != first
    obs2 = read_table(wh, second, "observations")
    pan1, pan2 = read_table(wh, first, "panel"), read_table(wh, second, "panel")
    gdp = pan2[(pan2.series_id == "unit:533102") & (pan2.period == "2020") & (pan2.indicator == "gdp")]
    assert gdp["value"].tolist() == [205.0]
    not_ruili = ~obs1["unit_code"].isin(["unit:533100", "unit:533102", "zone_scope:ruili"])
    pd.testing.assert_frame_equal(obs1[not_ruili].reset_index(drop=True),
                                  obs2[~obs2["unit_code"].isin(["unit:533100", "unit:533102", "zone_scope:ruili"])]
                                  .reset_index(drop=True))
    mzl = pan2[(pan2.series_id == "unit:150781") & (pan2.period == "2020") & (pan2.indicator == "gdp")]
    assert mzl["value"].tolist() == [170.0]  # manzhouli was not rerun: its row is the previous release's
    others1 = pan1[pan1.zone_id.fillna("") != "ruili"].reset_index(drop=True)
    others2 = pan2[pan2.zone_id.fillna("") != "ruili"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others1, others2)

    # 4. a 10⁴ slip is blocked: exit 1, the row named, latest untouched
    _edit(cur, "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,1400000,")
    r = _cli("refresh", *offline)
    assert r.exit_code == 1
    assert "blocked" in r.output and "231086 东宁市 2020 gdp = 1400000 CNY_100M" in r.output
    assert latest_id(wh) == second and list_releases(wh) == sorted([first, second])
    assert "release refused" in (wh / "blocked-validation.html").read_text(encoding="utf-8")
    # the tables it wrote ahead while the checks ran are gone
    assert not [p.name for p in (wh / "releases").iterdir() if p.name.startswith(".")]

    # 5. a zone refreshed from a misbehaving local server named by a --sources file
    from faultserver import FaultServer, Reply

    with FaultServer() as srv:
        srv.route("/robots.txt", Reply(404, b""))
        good = srv.route("/erenhot-2021.html", Reply(200, (FIX / "documents" / "erenhot_2021_yearfirst.html")
                                                     .read_bytes()))
        captcha = srv.route("/erenhot-2020.html", Reply(200, (FIX / "documents" / "captcha.html").read_bytes()))
        reg = tmp_path / "sources.toml"
        reg.write_text(f'[[source]]\nunit_code = "152501"\nyear = 2021\nurl = "{good}"\n\n'
                       f'[[source]]\nunit_code = "152501"\nyear = 2020\nurl = "{captcha}"\n\n'
                       f'[host."127.0.0.1"]\nmin_interval_s = 0\nallow_private = true\n', encoding="utf-8")
        _edit(cur, "231086,东宁市,2020,gdp,1400000,", "231086,东宁市,2020,gdp,140,")
        before = latest_id(wh)
        r = _cli("zone", "erenhot", "--sources", str(reg), *common)
    assert r.exit_code == 0, r.output
    assert "fetched" in r.output and "blocked" in r.output and "Download these by hand" in r.output
    assert captcha in r.output
    after = latest_id(wh)
    assert after != before
    obs = read_table(wh, after, "observations")
    assert (obs["unit_code"] == "unit:152501").any() and "extracted" in set(obs[obs.unit_code == "unit:152501"].origin)
    assert len([s for s in Archive(ar) if s.unit_code == "152501"]) == 1  # the captcha page is not archived

    # 6. bad input is a clear error before anything runs
    r = _cli("zone", "atlantis", *offline)
    assert r.exit_code == 2 and "unknown zone 'atlantis'" in r.output


def test_the_flow_itself_skips_a_rerun_whose_inputs_are_unchanged(tmp_path):
    """Scheduled runs go through the flow, not the CLI's early check: the flow skips on its own (plain engine)."""
    from flows import pipeline
    from warehouse.build import RunSettings

    cur = tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(cur,), bundled_curated=False,
                    offline=True)
    first = pipeline.run(s, single_zone=False, engine="plain")
    assert first.outcome.created and not first.inputs_unchanged and first.zones["ruili"]["observations"] > 0
    again = pipeline.run(s, single_zone=False, engine="plain")
    assert again.inputs_unchanged and again.outcome.release_id == first.outcome.release_id and not again.zones
    forced = pipeline.run(s.model_copy(update={"force": True}), single_zone=False, engine="plain")
    assert not forced.inputs_unchanged and not forced.outcome.created and forced.zones["ruili"]["observations"] > 0
    _edit(cur, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    changed = pipeline.run(s, single_zone=False, engine="plain")
    assert changed.outcome.created and changed.outcome.parent == first.outcome.release_id


def test_a_code_change_that_moves_no_figure_is_rebuilt_once_then_answered_from_the_listing(tmp_path, monkeypatch):
    """Releases keep the fingerprints of the run that wrote them; a run with new code that rebuilds the same
    content writes nothing, so without `record_rebuilt_as` every later run rebuilt everything again."""
    from flows import pipeline
    from warehouse import build

    cur = tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    s = build.RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(cur,),
                          bundled_curated=False, offline=True)
    first = pipeline.run(s, single_zone=False, engine="plain").outcome.release_id
    monkeypatch.setattr(build, "code_fingerprint_all", lambda data_dir: "a new version that moves no figure")
    rebuilt = pipeline.run(s, single_zone=False, engine="plain")
    assert not rebuilt.inputs_unchanged and rebuilt.zones  # the code changed: extracted and built again
    assert not rebuilt.outcome.created and list_releases(s.warehouse) == [first]  # the same content
    again = pipeline.run(s, single_zone=False, engine="plain")
    assert again.inputs_unchanged and again.outcome.release_id == first and not again.zones
    zone = s.model_copy(update={"zones": ("ruili",)})  # a selection of its own: rebuilt once, then answered
    assert not pipeline.run(zone, single_zone=True, engine="plain").inputs_unchanged
    assert pipeline.run(zone, single_zone=True, engine="plain").inputs_unchanged
    assert pipeline.run(s, single_zone=False, engine="plain").inputs_unchanged  # the full one still is
    monkeypatch.setattr(build, "code_fingerprint_all", lambda data_dir: "yet another version")
    assert build.unchanged_since(s, pipeline._catalog()) is None
    _edit(cur, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    changed = pipeline.run(s, single_zone=False, engine="plain")
    assert changed.outcome.created and build.rebuilt_as(s.warehouse, changed.outcome.release_id)["source"] == []


def test_charts_after_a_drawing_code_change_that_moves_no_pixel_are_drawn_once(tmp_path, monkeypatch):
    """A chart is reused when its key (data, drawing code, font) is the parent's; the keys of a run that rebuilt
    the latest release to the byte are recorded too, or every later run redrew all three charts."""
    from flows import pipeline
    from warehouse import build, report

    cur = tmp_path / "figures.csv"
    shutil.copy(FIX / "curated" / "synthetic_zones.csv", cur)
    s = build.RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", curated=(cur,),
                          bundled_curated=False, offline=True, force=True)
    first = pipeline.run(s, single_zone=False, engine="plain").outcome.release_id
    drawn: list[str] = []
    real_png = report._png
    monkeypatch.setattr(report, "_png", lambda fig: drawn.append("png") or real_png(fig))
    again = pipeline.run(s, single_zone=False, engine="plain")
    assert not again.outcome.created and drawn == []  # same code, same data: all three taken from the release
    monkeypatch.setattr(report, "_chart_code", lambda: "drawing code that draws the same pixels")
    redrawn = pipeline.run(s, single_zone=False, engine="plain")
    assert not redrawn.outcome.created and redrawn.outcome.release_id == first and len(drawn) == 3
    assert set(build.rebuilt_as(s.warehouse, first)["charts"]) == {"coverage", "figure1", "figure2"}
    drawn.clear()
    assert not pipeline.run(s, single_zone=False, engine="plain").outcome.created and drawn == []
    monkeypatch.setattr(report, "_chart_code", lambda: "another drawing code")
    pipeline.run(s, single_zone=False, engine="plain")
    assert len(drawn) == 3  # a key never seen: drawn


def test_prefect_yaml_and_serve_deployments():
    import importlib

    import yaml

    from flows.pipeline import ANNUAL_CRON, TIMEZONE, deployments
    from warehouse.build import RunSettings

    spec = yaml.safe_load((Path(__file__).parent.parent / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in spec["deployments"]}
    assert set(by_name) == {"annual-refresh", "refresh-zone"}
    for d in by_name.values():
        module, func = d["entrypoint"].removesuffix(".py").replace("/", ".").split(":")
        assert callable(getattr(importlib.import_module(module.replace(".py", "")), func))
        RunSettings(**d["parameters"]["settings"])  # the parameters are valid settings
    assert by_name["annual-refresh"]["schedules"] == [{"cron": ANNUAL_CRON, "timezone": TIMEZONE}]
    served = {d.name: d for d in deployments(RunSettings())}
    assert served["annual-refresh"].schedules[0].schedule.cron == ANNUAL_CRON
    assert served["annual-refresh"].schedules[0].schedule.timezone == "Asia/Shanghai"
    assert served["refresh-zone"].entrypoint == "flows/pipeline.py:refresh_zone"


def test_local_dask_workers_are_handed_this_process_api(prefect_harness, monkeypatch):
    """Spawned workers read PREFECT_API_URL from their environment; without it each started a temporary server
    of its own (measured: ~10 s before the first zone task). The address is handed down and then withdrawn."""
    from prefect.settings import PREFECT_API_URL

    from flows.pipeline import _api_for_local_workers

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with _api_for_local_workers():
        assert os.environ["PREFECT_API_URL"] == PREFECT_API_URL.value()
    assert "PREFECT_API_URL" not in os.environ


def _zone_task_runs() -> list[str]:
    """Names of the collect-zones task runs the test server has seen."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    async def read() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="collect-")),
                                               limit=200)
            return [r.name for r in runs]

    return asyncio.run(read())


@pytest.mark.long
def test_dask_runner_publishes_the_same_release(prefect_harness, tmp_path):
    from warehouse.release import read_manifest

    cur = FIX / "curated" / "synthetic_zones.csv"
    ar = tmp_path / "archive"
    Archive(ar).put((FIX / "documents" / "mzl_2022_utf8_chrome.html").read_bytes(), origin="mzl", origin_kind="file",
                    meta={"unit_code": "150781", "data_year": 2022})
    hashes = []
    before = len(_zone_task_runs())
    # "batched": the ten zone collections grouped into three tasks, as a run of many zones groups them
    for name, extra in (("seq", ["--engine", "plain"]), ("batched", ["--engine", "plain", "--max-tasks", "3"]),
                        ("dask", ["--runner", "dask", "--workers", "2"])):
        wh = tmp_path / name
        r = _cli("refresh", "--warehouse", str(wh), "--archive", str(ar), "--curated", str(cur),
                 "--no-bundled-curated", "--offline", *extra)
        assert r.exit_code == 0, r.output
        hashes.append(read_manifest(wh, latest_id(wh))["content_hash"])
    assert hashes[0] == hashes[1] == hashes[2]
    # the Dask run's zone task runs (nine zones and the unassigned documents) are recorded in this run's server
    assert len(_zone_task_runs()) - before == 10
    r = _cli("refresh", "--runner", "dask", "--engine", "plain", "--offline")
    assert r.exit_code == 2 and "dask needs --engine prefect" in r.output
