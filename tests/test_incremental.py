"""Incremental publishing (warehouse/incremental.py, validation/partial.py): a zone rerun that carries the other
zones' panel rows and validation results gives the release a full rebuild from the same inputs gives.
Plain engine, SYNTHETIC curated figures only (no documents: a run takes a few seconds)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows import pipeline
from warehouse.build import RunSettings
from warehouse.release import TABLES, read_manifest, read_table, releases_dir

FIX = Path(__file__).parent / "fixtures"

# growth beyond the plausible bound (a warning) in several zones, so the validation table has failing rows both
# in the rerun's part and in the carried part; a second year so the zone sums carry growth weights
EXTRA = """\
150781,满洲里市,2019,gdp,150,CNY_100M,80.0,,current,150亿元,bulletin,SYNTHETIC 满洲里市2019年公报,,2020-04-01,S
533102,瑞丽市,2019,gdp,190,CNY_100M,75.0,,current,190亿元,bulletin,SYNTHETIC 瑞丽市2019年公报,,2020-04-02,S
533102,瑞丽市,2019,va_secondary,40,CNY_100M,1.0,,current,40亿元,bulletin,SYNTHETIC 瑞丽市2019年公报,,2020-04-02,S
152501,二连浩特市,2020,gdp,90,CNY_100M,70.0,,current,90亿元,bulletin,SYNTHETIC 二连浩特市2020年公报,,2021-04-03,S
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _settings(root: Path, **kw) -> RunSettings:
    return RunSettings(warehouse=root / "wh", archive=root / "ar", curated=(root / "figures.csv",),
                       bundled_curated=False, offline=True, **kw)


def _zone(root: Path, zone: str, **kw):
    return pipeline.run(_settings(root, zones=(zone,), **kw), single_zone=True, engine="plain")


def _assert_same_release(a_root: Path, a: str, b_root: Path, b: str) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(read_table(a_root / "wh", a, name), read_table(b_root / "wh", b, name),
                                      check_exact=True, obj=name)
    ma, mb = read_manifest(a_root / "wh", a), read_manifest(b_root / "wh", b)
    assert ma["row_counts"] == mb["row_counts"]
    assert ma["content_hash"] == mb["content_hash"]  # every Parquet file and the report, byte for byte


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    """A warehouse after a full refresh (built once; tests copy it)."""
    root = tmp_path_factory.mktemp("incremental")
    (root / "figures.csv").write_text((FIX / "curated" / "synthetic_zones.csv").read_text(encoding="utf-8") + EXTRA,
                                      encoding="utf-8")
    r = pipeline.run(_settings(root), single_zone=False, engine="plain")
    assert r.outcome.created
    m = read_manifest(root / "wh", r.outcome.release_id)
    assert m["publish"]["build"] == "full" and m["publish"]["why"] == "no parent release"
    return root


def _edited_copy(first: Path, root: Path) -> Path:
    """A copy of the first warehouse with edited figures: 瑞丽 (rerun) and 满洲里 (not rerun: its edit must not
    show) change."""
    shutil.copytree(first, root, symlinks=True)
    cur = root / "figures.csv"
    _edit(cur, "533102,瑞丽市,2020,gdp,201,", "533102,瑞丽市,2020,gdp,205,")
    _edit(cur, "533102,瑞丽市,2019,gdp,190,CNY_100M,75.0", "533102,瑞丽市,2019,gdp,191,CNY_100M,95.0")
    _edit(cur, "150781,满洲里市,2020,gdp,170,", "150781,满洲里市,2020,gdp,171,")
    return root


@pytest.fixture(scope="module")
def reference(first, tmp_path_factory) -> tuple[Path, str]:
    """The full rebuild: the same rerun of 瑞丽 on the same inputs with --force (every table built and validated
    in full)."""
    root = _edited_copy(first, tmp_path_factory.mktemp("reference") / "full")
    b = _zone(root, "ruili", force=True)
    m = read_manifest(root / "wh", b.outcome.release_id)
    assert b.outcome.created and m["publish"]["build"] == "full" and "--force" in m["publish"]["why"]
    return root, b.outcome.release_id


def test_incremental_zone_rerun_equals_full_rebuild(first, reference, tmp_path, caplog):
    inc = _edited_copy(first, tmp_path / "inc")
    with caplog.at_level(logging.INFO, logger="borderzones.flows"):
        a = _zone(inc, "ruili")
    assert a.outcome.created
    ma = read_manifest(inc / "wh", a.outcome.release_id)
    assert ma["publish"]["build"] == "incremental", ma["publish"]
    assert ma["publish"]["validation"].startswith("rows checked: observations "), ma["publish"]
    assert any("publish: incremental on" in m for m in caplog.messages)
    _assert_same_release(inc, a.outcome.release_id, *reference)

    # the test is not vacuous: the rerun changed ruili, carried manzhouli, and failing rows sit on both sides
    pan = read_table(inc / "wh", a.outcome.release_id, "panel")
    gdp = pan[(pan.period == "2020") & (pan.indicator == "gdp")].set_index("series_id")["value"]
    assert gdp["unit:533102"] == 205.0 and gdp["unit:150781"] == 170.0
    v = read_table(inc / "wh", a.outcome.release_id, "validation").set_index("check")
    growth = v.loc["observations.growth_at_most_plausible"]
    assert growth["n_failed"] == 3 and "533102" in growth["failures"] and "150781" in growth["failures"]
    assert "95" in growth["failures"]  # the rerun's row, checked again
    assert not v.loc["panel.no_conflicts", "success"]  # manzhouli's conflict, carried

    # a second rerun builds on the incremental release (its validation results were kept too)
    full = tmp_path / "full"
    shutil.copytree(reference[0], full, symlinks=True)
    for root in (inc, full):
        _edit(root / "figures.csv", "231086,东宁市,2020,gdp,140,", "231086,东宁市,2020,gdp,141,")
    a2 = _zone(inc, "suifenhe_dongning")
    b2 = _zone(full, "suifenhe_dongning", force=True)
    assert read_manifest(inc / "wh", a2.outcome.release_id)["publish"]["build"] == "incremental"
    _assert_same_release(inc, a2.outcome.release_id, full, b2.outcome.release_id)


def test_incremental_falls_back_to_full_build(first, reference, tmp_path, caplog):
    inc = _edited_copy(first, tmp_path / "inc")
    parent = (inc / "wh" / "latest").resolve().name
    # the parent was built by other code: the carry is unsafe
    path = releases_dir(inc / "wh") / parent / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    m["build_fingerprint"] = "0" * 64
    path.write_text(json.dumps(m), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="borderzones.flows"):
        a = _zone(inc, "ruili")
    publish = read_manifest(inc / "wh", a.outcome.release_id)["publish"]
    assert publish["build"] == "full" and "other pipeline code" in publish["why"]
    assert any("full build (release" in m and "other pipeline code" in m for m in caplog.messages)
    _assert_same_release(inc, a.outcome.release_id, *reference)


def test_incremental_without_stored_validation_validates_every_row(first, reference, tmp_path, caplog):
    inc = _edited_copy(first, tmp_path / "inc")
    shutil.rmtree(inc / "wh" / ".cache" / "validation")
    with caplog.at_level(logging.INFO, logger="borderzones.flows"):
        a = _zone(inc, "ruili")
    publish = read_manifest(inc / "wh", a.outcome.release_id)["publish"]
    assert publish["build"] == "incremental" and publish["validation"] == "every row checked"
    assert any("validating every row (no stored validation results" in m for m in caplog.messages)
    _assert_same_release(inc, a.outcome.release_id, *reference)
