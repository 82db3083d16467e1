"""Panel: vintage policy, source ranking, conflicts and zone aggregation.

Inputs are the SYNTHETIC curated file tests/fixtures/curated/synthetic_zones.csv; every expected value
below is worked out by hand from that file (the arithmetic is written next to it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from warehouse.observations import curated_rows
from warehouse.panel import build_panel, select_cell

SYNTHETIC = Path(__file__).parent / "fixtures" / "curated" / "synthetic_zones.csv"


@pytest.fixture(scope="module")
def obs(cat) -> pd.DataFrame:
    rows, _ = curated_rows(SYNTHETIC, cat)
    return pd.DataFrame(rows)


def cell(panel: pd.DataFrame, series: str, period: str, indicator: str, unit: str | None = None) -> dict:
    sub = panel[(panel.series_id == series) & (panel.period == period) & (panel.indicator == indicator)]
    if unit:
        sub = sub[sub.unit == unit]
    assert len(sub) <= 1
    return sub.iloc[0].to_dict() if len(sub) else {}


def test_observation_rows_carry_lineage(obs):
    assert len(obs) == 14
    r = obs[(obs.unit_code == "231081") & (obs.period == "2020") & (obs.indicator == "gdp")].iloc[0]
    assert r.value == 160 and r.unit == "CNY_100M" and r.growth_pct == 2.0
    assert r.locator == "synthetic_zones.csv:line 3"
    assert r.origin == "curated" and r.source_kind == "bulletin" and r.vintage == "2021-04-12"
    assert len(r.source_id) == 64 and r.year == 2020 and r.period_type == "year"
    assert obs.obs_id.is_unique


def test_latest_takes_the_newest_publication(obs, cat):
    p = build_panel(obs, cat, "latest")
    c = cell(p, "unit:533102", "2020", "gdp")
    assert c["value"] == 201  # the yearbook (2021-12-01) revises the bulletin (2021-05-06)
    assert c["source_kind"] == "yearbook" and c["revised"]
    # the yearbook states no growth rate: the bulletin's -2.0 is kept, and its row named
    assert c["growth_pct"] == -2.0 and c["growth_obs_id"] is not None
    assert c["n_candidates"] == 2 and c["n_distinct_values"] == 2


def test_first_release_takes_the_oldest(obs, cat):
    p = build_panel(obs, cat, "first_release")
    c = cell(p, "unit:533102", "2020", "gdp")
    assert c["value"] == 200 and c["source_kind"] == "bulletin" and not c["revised"]
    assert c["growth_pct"] == -2.0 and c["growth_obs_id"] is None
    assert c["vintage_policy"] == "first_release"


def test_equal_standing_disagreement_is_a_conflict_not_a_guess(obs, cat):
    c = cell(build_panel(obs, cat), "unit:150781", "2020", "trade_total")
    assert c["status"] == "conflict" and pd.isna(c["value"])
    assert len(c["obs_ids"].split(";")) == 2


def _row(obs_id, value, kind, vintage, growth=None):
    return {"obs_id": obs_id, "value": value, "growth_pct": growth, "source_kind": kind, "vintage": vintage,
            "price_basis": None, "qualifier": None, "source_id": "s" + obs_id}


def test_source_rank_breaks_a_tie_of_dates():
    rows = [_row("a", 10.0, "official_media", "2021-04-01"), _row("b", 10.5, "bulletin", "2021-04-01")]
    out = select_cell(rows, "latest")
    assert out["value"] == 10.5 and out["status"] == "ok" and out["source_kind"] == "bulletin"


def test_an_undated_source_ranks_after_every_dated_one():
    rows = [_row("a", 50.0, "bulletin", None), _row("b", 51.0, "secondary", "2019-01-01")]
    assert select_cell(rows, "latest")["value"] == 51.0
    assert select_cell(rows, "first_release")["value"] == 51.0


def test_equal_values_from_equal_sources_are_not_a_conflict():
    rows = [_row("a", 0.1 + 0.2, "news", "2021-04-01"), _row("b", 0.3, "news", "2021-04-01")]
    out = select_cell(rows, "latest")
    assert out["status"] == "ok" and out["value"] == pytest.approx(0.3) and out["n_distinct_values"] == 1


def test_zone_sums_its_host_units(obs, cat):
    p = build_panel(obs, cat)
    c = cell(p, "zone:suifenhe_dongning", "2020", "gdp")
    assert c["value"] == 300  # 160 + 140
    assert c["method"] == "sum_of_members" and c["series_kind"] == "zone"
    # growth weighted by the previous year's values: (2.0 × 150 + (−1.0) × 130) / (150 + 130) = 170 / 280
    assert c["growth_pct"] == pytest.approx(170 / 280)
    assert len(c["obs_ids"].split(";")) == 2
    c19 = cell(p, "zone:suifenhe_dongning", "2019", "gdp")
    assert c19["value"] == 280 and pd.isna(c19["growth_pct"])  # no 2018 values to weight by


def test_zone_share_is_recomputed_from_sums(obs, cat):
    p = build_panel(obs, cat)
    assert cell(p, "zone:suifenhe_dongning", "2020", "va_secondary")["value"] == 75  # 30 + 45
    c = cell(p, "zone:suifenhe_dongning", "2020", "structure_secondary")
    assert c["value"] == pytest.approx(25.0)  # 75 / 300 × 100
    assert c["method"] == "ratio_of_sums" and c["unit"] == "PCT"


def test_zone_never_sums_a_partial_or_a_non_additive(obs, cat):
    p = build_panel(obs, cat)
    assert cell(p, "zone:suifenhe_dongning", "2020", "population_resident") == {}  # 东宁 missing
    assert cell(p, "zone:suifenhe_dongning", "2020", "urban_income") == {}  # an average, not a total


def test_single_member_zone_copies_its_unit(obs, cat):
    p = build_panel(obs, cat)
    c = cell(p, "zone:ruili", "2020", "gdp")
    assert c["value"] == 201 and c["method"] == "single_member" and c["zone_id"] == "ruili"
    assert cell(p, "unit:533102", "2020", "gdp")["zone_id"] == "ruili"


def test_unknown_policy_is_refused(obs, cat):
    with pytest.raises(ValueError, match="vintage policy"):
        build_panel(obs, cat, "newest")


def test_zone_sum_with_an_undated_member(obs, cat):
    # 东宁's 2020 bulletin without a publication date: the zone row takes the dated member's vintage
    undated = obs.copy()
    undated.loc[undated.unit_code == "231086", "vintage"] = None
    c = cell(build_panel(undated, cat), "zone:suifenhe_dongning", "2020", "gdp")
    assert c["value"] == 300 and c["vintage"] == "2021-04-12"


@pytest.mark.parametrize("value", [None, 12.5])
@pytest.mark.parametrize("growth", [None, 6.1])
@pytest.mark.parametrize("vintage", [None, "2023-04-20"])
def test_single_candidate_shortcut_matches_the_general_selection(value, growth, vintage):
    """A cell with one candidate skips the ranking; the general path on the same row twice (identical
    candidates never conflict) must give the same fields."""
    from warehouse.panel import _single

    r = {"obs_id": "o1", "value": value, "growth_pct": growth, "price_basis": "comparable", "qualifier": "approx",
         "source_id": "s1", "source_kind": "bulletin", "vintage": vintage}
    assert select_cell([r], "latest") == _single(r)
    assert _single(r) == select_cell([r, dict(r)], "latest") | {"n_candidates": 1}
    assert _single(r) == select_cell([r, dict(r)], "first_release") | {"n_candidates": 1}
