"""Validation: blocking checks name the offending rows; warnings do not block.
Inputs: the SYNTHETIC curated fixture, with errors planted by the tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from validation.report import validation_html
from validation.suites import blocking_failures, validate_tables
from warehouse.ids import release_observations
from warehouse.observations import curated_rows
from warehouse.panel import build_panel

SYNTHETIC = Path(__file__).parent / "fixtures" / "curated" / "synthetic_zones.csv"


@pytest.fixture(scope="module")
def obs(cat) -> pd.DataFrame:
    return release_observations(pd.DataFrame(curated_rows(SYNTHETIC, cat)[0]))  # as the release holds them


def run(obs: pd.DataFrame, cat) -> pd.DataFrame:
    return validate_tables(obs, build_panel(obs, cat), cat)


def failed(v: pd.DataFrame, check: str) -> pd.Series:
    row = v[v["check"] == check]
    assert len(row) == 1, check
    return row.iloc[0]


def test_clean_input_passes_every_blocking_check(obs, cat):
    v = run(obs, cat)
    assert blocking_failures(v).empty
    assert set(v["severity"]) == {"blocking", "warning"}
    # the planted disagreement between two papers on the same day is a warning, not a block
    conflicts = failed(v, "panel.no_conflicts")
    assert not conflicts["success"] and "unit:150781" in conflicts["failures"]


def test_a_1e4_slip_is_blocked_and_named(obs, cat):
    bad = obs.copy()
    i = bad.index[(bad.unit_code == "unit:231086") & (bad.period == "2020") & (bad.indicator == "gdp")][0]
    bad.loc[i, "value"] = 140 * 10_000  # 140亿元 typed as 万元 and read as 亿元
    v = run(bad, cat)
    r = failed(v, "observations.value_at_most_plausible_max")
    assert r["severity"] == "blocking" and not r["success"] and r["n_failed"] == 1
    assert "unit:231086 东宁市 2020 gdp = 1400000 CNY_100M" in r["failures"]
    assert "synthetic_zones.csv:line 8" in r["failures"]


def test_a_slip_the_other_way_and_in_persons_is_blocked(obs, cat):
    bad = obs.copy()
    bad.loc[(bad.unit_code == "unit:231081") & (bad.indicator == "population_resident"), "value"] = 70000  # 人 as 万人
    bad.loc[(bad.unit_code == "unit:533102") & (bad.source_kind == "yearbook"), "value"] = 0.0201  # /10⁴
    v = run(bad, cat)
    assert "unit:231081" in failed(v, "observations.value_at_most_plausible_max")["failures"]
    assert "unit:533102" in failed(v, "observations.value_at_least_plausible_min")["failures"]


def test_wrong_unit_for_an_indicator_and_impossible_growth_block(obs, cat):
    bad = obs.copy()
    bad.loc[0, "unit"] = "10K_TONNES"
    bad.loc[1, "growth_pct"] = -120.0
    v = run(bad, cat)
    assert not failed(v, "observations.unit_is_the_indicators")["success"]
    assert not failed(v, "observations.growth_above_minus_100")["success"]


def test_sectors_that_do_not_add_up_are_a_warning(obs, cat):
    base = obs[obs.unit_code == "unit:533102"].iloc[0].to_dict()
    extra = []
    for ind, val in (("va_primary", 20.0), ("va_secondary", 50.0), ("va_tertiary", 100.0)):  # 170 ≠ 200
        extra.append({**base, "indicator": ind, "value": val, "obs_id": f"obs:x{ind}", "growth_pct": None,
                      "source_kind": "bulletin", "source_id": obs[(obs.unit_code == "unit:533102")].iloc[0].source_id})
    v = run(pd.concat([obs, pd.DataFrame(extra)], ignore_index=True), cat)
    r = failed(v, "observations.sectors_sum_to_gdp")
    assert r["severity"] == "warning" and not r["success"]
    assert "difference -30" in r["failures"]
    assert blocking_failures(v).empty


def test_report_is_html_with_failures_first(obs, cat):
    bad = obs.copy()
    bad.loc[0, "value"] = 1e9
    html = validation_html(run(bad, cat), "Validation report")
    assert html.startswith("<!DOCTYPE html>") and "blocked: the release was not published" in html
    assert html.index("value_at_most_plausible_max") < html.index("obs_id_unique")


def test_indicator_checks(cat):
    from warehouse.indicators import compute_indicators

    paper = Path(__file__).parent / "fixtures" / "curated" / "synthetic_paper.csv"
    o = release_observations(pd.DataFrame(curated_rows(paper, cat)[0]))
    p = build_panel(o, cat)
    ind, _ = compute_indicators(p, cat)
    v = validate_tables(o, p, cat, ind)
    assert blocking_failures(v).empty
    assert failed(v, "indicators.sector_shares_sum_to_100")["n_checked"] > 0
    # 勐腊 2015→2020: nominal (100/60 − 1) = 66.7 %, real 27.3 %:
    # (1.6667 / 1.2733) ** (1/5) − 1 = 5.5 % a year, plausible
    assert failed(v, "indicators.nominal_vs_real_growth")["success"]
    bad = ind.copy()
    i = bad.index[(bad.indicator == "gdp_growth_since_establishment_pct") & (bad.zone_id == "mengla")
                  & (bad.basis == "host")][0]
    bad.loc[i, "value"] = 400.0  # (5 / 1.2733) ** (1/5) − 1 = 31 % a year: more than prices explain
    bad.loc[bad.indicator == "va_primary_share_pct", "value"] = 120.0
    v = validate_tables(o, p, cat, bad)
    assert "mengla host 2020" in failed(v, "indicators.nominal_vs_real_growth")["failures"]
    assert not failed(v, "indicators.shares_within_0_100")["success"]
    assert not failed(v, "indicators.sector_shares_sum_to_100")["success"]
