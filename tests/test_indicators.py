"""Derived indicators against values worked out by hand.

Input: the SYNTHETIC curated file tests/fixtures/curated/synthetic_paper.csv (invented round numbers for
the paper's seven units, 东兴市 and 百色市). Each expected value is the arithmetic written next to it,
from the numbers in that file and the 2012/2020 annual average rates in catalog/data/fx_rates.csv
(6.3125 and 6.8976 yuan per dollar)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from warehouse.indicators import compute_indicators
from warehouse.observations import curated_rows
from warehouse.panel import build_panel

PAPER = Path(__file__).parent / "fixtures" / "curated" / "synthetic_paper.csv"


@pytest.fixture(scope="module")
def result(cat):
    obs = pd.DataFrame(curated_rows(PAPER, cat)[0])
    return compute_indicators(build_panel(obs, cat), cat)


def one(result, zone, basis, year, indicator) -> dict:
    ind, _ = result
    sub = ind[(ind.zone_id == zone) & (ind.basis == basis) & (ind.year == year) & (ind.indicator == indicator)]
    assert len(sub) == 1, (zone, basis, year, indicator, len(sub))
    return sub.iloc[0].to_dict()


def missing(result, zone, basis, year, indicator) -> dict:
    _, nc = result
    sub = nc[(nc.zone_id == zone) & (nc.basis == basis) & (nc.year == year) & (nc.indicator == indicator)]
    assert len(sub) == 1, (zone, basis, year, indicator)
    return sub.iloc[0].to_dict()


def test_gdp_share_of_the_paper_set(result):
    # 2020 GDP: 700 + 100 + 200 + 100 + 150 + 50 + (120 + 80) = 1500
    assert one(result, "dongxing", "paper2022", 2020, "gdp_share_of_zones_pct")["value"] == pytest.approx(
        700 / 1500 * 100)
    sd = one(result, "suifenhe_dongning", "paper2022", 2020, "gdp_share_of_zones_pct")
    assert sd["value"] == pytest.approx(200 / 1500 * 100)  # the two units summed first
    assert len(sd["inputs"].split(";")) == 7
    assert one(result, "ALL", "paper2022", 2020, "gdp")["value"] == pytest.approx(1500)


def test_host_basis_is_not_computable_without_every_zone(result):
    m = missing(result, "dongxing", "host", 2020, "gdp_share_of_zones_pct")
    assert "zone:baise gdp 2020" in m["missing_inputs"] and "zone:tacheng gdp 2020" in m["missing_inputs"]


def test_growth_since_establishment_uses_each_zones_own_base_year(result):
    r = one(result, "ruili", "paper2022", 2020, "gdp_growth_since_establishment_pct")
    assert r["value"] == pytest.approx((200 / 80 - 1) * 100) and r["base_year"] == 2012  # 150 %
    sd = one(result, "suifenhe_dongning", "host", 2020, "gdp_growth_since_establishment_pct")
    assert sd["value"] == pytest.approx((200 / (100 + 60) - 1) * 100) and sd["base_year"] == 2016  # 25 %
    m = one(result, "mengla", "paper2022", 2020, "gdp_growth_since_establishment_pct")
    assert m["value"] == pytest.approx((100 / 60 - 1) * 100) and m["base_year"] == 2015
    cagr = one(result, "ruili", "host", 2020, "gdp_cagr_since_establishment_pct")
    assert cagr["value"] == pytest.approx(((200 / 80) ** (1 / 8) - 1) * 100)  # 8 years, 2012 → 2020


def test_real_growth_chains_the_official_rates(result):
    # 勐腊, set up 2015: 1.08 × 1.07 × 1.06 × 1.05 × 0.99 = 1.27332097…
    r = one(result, "mengla", "host", 2020, "gdp_real_growth_since_establishment_pct")
    assert r["value"] == pytest.approx((1.08 * 1.07 * 1.06 * 1.05 * 0.99 - 1) * 100)
    assert r["value"] == pytest.approx(27.332097, abs=1e-6)
    assert len(r["inputs"].split(";")) == 5
    m = missing(result, "ruili", "host", 2020, "gdp_real_growth_since_establishment_pct")
    assert "zone:ruili gdp growth rate 2013" in m["missing_inputs"]


def test_sector_growth_and_shares(result):
    r = one(result, "ruili", "paper2022", 2020, "va_secondary_growth_since_establishment_pct")
    assert r["value"] == pytest.approx((60 / 30 - 1) * 100)
    assert one(result, "ruili", "host", 2020, "va_tertiary_share_pct")["value"] == pytest.approx(120 / 200 * 100)
    # 绥芬河 + 东宁 from the summed levels: secondary (30 + 20) / (15+30+75 + 20+20+40) = 50 / 200
    assert one(result, "suifenhe_dongning", "host", 2020, "va_secondary_share_pct")["value"] == pytest.approx(25.0)
    d = one(result, "dongxing", "paper2022", 2020, "dominant_sector")
    assert d["value_text"] == "secondary" and d["value"] == pytest.approx(320 / 700 * 100)
    assert one(result, "pingxiang", "host", 2020, "dominant_sector")["value_text"] == "tertiary"


def test_all_structure_from_summed_levels(result):
    # primary 100+10+20+30+10+5+15+20 = 210; secondary 320+20+60+20+40+15+30+20 = 525;
    # tertiary 280+70+120+50+100+30+75+40 = 765; total 1500
    assert one(result, "ALL", "paper2022", 2020, "va_primary_share_pct")["value"] == pytest.approx(14.0)
    assert one(result, "ALL", "paper2022", 2020, "va_secondary_share_pct")["value"] == pytest.approx(35.0)
    assert one(result, "ALL", "paper2022", 2020, "va_tertiary_share_pct")["value"] == pytest.approx(51.0)
    assert one(result, "ALL", "paper2022", 2020, "dominant_sector")["value_text"] == "tertiary"


def test_dollar_trade(result):
    pub = one(result, "manzhouli", "host", 2020, "trade_growth_since_establishment_pct")
    assert pub["value"] == pytest.approx((30 / 20 - 1) * 100) and "USD_100M" in pub["method"]
    cny = one(result, "manzhouli", "host", 2020, "trade_growth_since_establishment_cny_pct")
    assert cny["value"] == pytest.approx((30 * 6.8976 / (20 * 6.3125) - 1) * 100)
    t2g = one(result, "manzhouli", "host", 2020, "trade_to_gdp_pct")
    assert t2g["value"] == pytest.approx(30 * 6.8976 / 150 * 100) and t2g["fx_rate"] == 6.8976
    r = one(result, "ruili", "host", 2020, "trade_to_gdp_pct")
    assert r["value"] == pytest.approx(100 / 200 * 100) and pd.isna(r["fx_rate"])


def test_fiscal_self_sufficiency_needs_one_vintage(result):
    assert one(result, "baise", "host", 2021, "fiscal_self_sufficiency_pct")["value"] == pytest.approx(25.0)
    m = missing(result, "pingxiang", "host", 2020, "fiscal_self_sufficiency_pct")
    assert "different vintages" in m["reason"]


def test_covid_shock(result):
    r = one(result, "erenhot", "host", 2020, "covid_shock_gdp_pct")
    assert r["value"] == pytest.approx((50 / 62.5 - 1) * 100) and r["base_year"] == 2019  # -20 %


def test_paper_basis_leaves_out_the_2020_zones(result):
    ind, _ = result
    assert not ((ind.basis == "paper2022") & ind.zone_id.isin(["baise", "tacheng"])).any()
    assert one(result, "baise", "host", 2021, "fiscal_self_sufficiency_pct")["basis"] == "host"
    # the paper measures 东兴 with 防城港市; the host basis with 东兴市
    assert one(result, "dongxing", "paper2022", 2020, "va_secondary_share_pct")["inputs"].startswith("unit:450600/")
    m = missing(result, "dongxing", "host", 2020, "va_secondary_share_pct")
    assert "zone:dongxing va_primary 2020" in m["missing_inputs"]
