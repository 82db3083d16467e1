from __future__ import annotations

import shutil

import pytest

from catalog import BUNDLED_CURATED, CatalogError, load_curated, load_paper_claims
from catalog.loader import DATA_DIR, load_catalog_from

HEADER = ("unit_code,unit_name,period,indicator,value,unit,growth_pct,qualifier,price_basis,value_raw,"
          "source_kind,source_title,source_url,published,note\n")
GOOD = "150781,满洲里市,2022,gdp,174.3,CNY_100M,3.5,,current,174.3亿元,bulletin,满洲里市2022年统计公报,,2023-04-20,\n"


def test_nine_zones_with_their_units(cat):
    assert len(cat.zones) == 9
    assert cat.zones["suifenhe_dongning"].host_units == ("231081", "231086")
    assert cat.zones["dongxing"].paper_units == ("450600",)
    assert {z.established for z in cat.zones.values()} == {2012, 2014, 2015, 2016, 2020}
    for z in cat.zones.values():
        for u in z.host_units:
            assert u in cat.units


def test_name_history(cat):
    names = {n.name: n for n in cat.names_for("231086")}
    assert names["东宁县"].kind == "former" and names["东宁县"].valid_to == 2015
    assert names["东宁县"].code_then == "231024"


def test_indicator_vocabulary(cat):
    for code in ("gdp", "va_primary", "trade_total", "fiscal_revenue", "fiscal_revenue_total", "fai",
                 "population_resident", "urban_income", "customs_district_trade", "port_trade_value"):
        assert code in cat.indicators
    # look-alikes are never aliases of the indicator they resemble
    assert "财政收入" not in cat.indicators["fiscal_revenue"].aliases
    assert "财政收入" in cat.indicators["fiscal_revenue"].lookalikes
    assert "工业增加值" not in cat.indicators["va_secondary"].aliases
    assert all("关区" not in a for a in cat.indicators["trade_total"].start_aliases)


def test_fx_rates_2010_2024_cited(cat):
    assert sorted(cat.fx_rates) == list(range(2010, 2025))
    assert cat.fx_rates[2020].cny_per_unit == 6.8976
    assert all("统计公报" in r.source for r in cat.fx_rates.values())


def test_bundled_curated_figures_load_with_citations(cat):
    figs = load_curated(BUNDLED_CURATED, cat)
    assert len(figs) == 282
    assert all(f.source_title for f in figs)
    ruili_2020 = [f for f in figs if f.unit_code == "ZONE:ruili" and f.period == "2020" and f.indicator == "gdp"]
    assert ruili_2020 and ruili_2020[0].value == 232.25


def test_paper_claims(cat):
    claims = {c.claim_id: c for c in load_paper_claims()}
    assert claims["dongxing_ruili_gdp_share_2020"].value == 66.56
    assert all(c.zone_id in cat.zones or c.zone_id in ("ALL", "dongxing+ruili") for c in claims.values())


@pytest.mark.parametrize(
    "row,message",
    [
        (GOOD.replace("150781", "999999", 1), "row 2, field unit_code: unknown unit '999999'"),
        (GOOD.replace(",gdp,", ",gdpp,"), "row 2, field indicator: unknown indicator 'gdpp'"),
        (GOOD.replace(",2022,", ",2022-13,", 1), "row 2, field period: malformed period '2022-13'"),
        (GOOD.replace("CNY_100M", "亿元"), "row 2, field unit: '亿元' is not in the unit vocabulary"),
        (GOOD.replace("CNY_100M", "10K_PERSONS"), "row 2, field unit: '10K_PERSONS' is not a unit of gdp"),
        (GOOD.replace(",bulletin,", ",blog,"), "row 2, field source_kind"),
        (GOOD.replace("2023-04-20", "2023-02-30"), "row 2, field published"),
        (GOOD.replace(",174.3,", ",abc,"), "row 2, field value"),
    ],
)
def test_curated_errors_name_file_row_and_field(tmp_path, cat, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + row, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_curated(path, cat)
    text = str(err.value)
    assert str(path) in text
    assert message.replace("row 2", "row 3") in text


def test_curated_missing_column(tmp_path, cat):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER.replace("indicator,", "") + "x\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="missing column"):
        load_curated(path, cat)


def test_catalog_data_errors_are_located(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    zones = data / "zones.csv"
    zones.write_text(zones.read_text(encoding="utf-8").replace(",2014,", ",20x4,"), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"zones.csv.*\n.*row 8, field established"):
        load_catalog_from(data)


def test_catalog_unknown_unit_in_zone(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    zones = data / "zones.csv"
    zones.write_text(zones.read_text(encoding="utf-8").replace(",152501,152501,", ",152599,152501,"),
                     encoding="utf-8")
    with pytest.raises(CatalogError, match="zone erenhot: unknown unit '152599'"):
        load_catalog_from(data)
