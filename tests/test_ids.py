"""Release identifiers (unit:…, zone_scope:…, zone:…, obs:…) as BI tools read them, and the zone_year table.

Input: the SYNTHETIC curated fixture tests/fixtures/curated/synthetic_zones.csv. Expected zone_year values
are the arithmetic written next to them, from the numbers in that file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse.build import build_tables
from warehouse.history import diff
from warehouse.ids import looks_numeric
from warehouse.observations import curated_rows
from warehouse.release import publish_lock, write_release
from warehouse.schemas import SOURCES, TABLES, VALIDATION

SYNTHETIC = Path(__file__).parent / "fixtures" / "curated" / "synthetic_zones.csv"
# the text columns that hold identifiers (or ';'-separated lists of them), per table
ID_COLUMNS = {
    "observations": ("obs_id", "unit_code", "source_id"),
    "panel": ("series_id", "zone_id", "unit_code", "source_id", "obs_ids", "growth_obs_id"),
    "zone_year": ("zone_id", "series_id"),
    "indicators": ("zone_id", "inputs"),
    "not_computable": ("zone_id",),
    "zones": ("zone_id", "host_units", "paper_units", "zone_scope_unit"),
    "sources": ("source_id", "unit_code"),
}


@pytest.fixture(scope="module")
def tables(cat) -> dict[str, pd.DataFrame]:
    obs = pd.DataFrame(curated_rows(SYNTHETIC, cat)[0])  # catalog codes, as a refresh collects them
    t = build_tables(obs, pd.DataFrame(columns=SOURCES.names), cat, "latest")
    t["validation"] = pd.DataFrame(columns=VALIDATION.names)
    return t


@pytest.fixture(scope="module")
def release(tables, tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("ids") / "wh"
    with publish_lock(wh):
        return write_release(wh, tables, {"note": "test"}).path


def test_identifiers_have_a_kind_prefix(tables):
    p = tables["panel"]
    unit, zone = p[p.series_id == "unit:533102"], p[p.series_id == "zone:ruili"]
    assert set(unit["adcode"]) == {533102} and set(unit["series_kind"]) == {"unit"}  # the numeric code: a column
    assert len(zone) and zone["adcode"].isna().all() and zone["unit_code"].isna().all()
    assert set(tables["panel"]["series_kind"]) == {"unit", "zone"}
    assert all(s.startswith(k + ":") for s, k in zip(tables["panel"]["series_id"], tables["panel"]["series_kind"],
                                                        strict=True))
    o = tables["observations"]
    assert o["obs_id"].str.fullmatch(r"obs:[0-9a-f]{16}").all() and o["unit_code"].str.startswith("unit:").all()
    z = tables["zones"].set_index("zone_id")
    assert z.loc["suifenhe_dongning", "host_units"] == "unit:231081;unit:231086"
    assert z.loc["ruili", "zone_scope_unit"] == "zone_scope:ruili"


def test_no_identifier_in_a_csv_twin_looks_numeric(release):
    for table, cols in ID_COLUMNS.items():
        df = pd.read_csv(release / "csv" / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for c in cols:
            bad = [v for cell in df[c] if cell for v in cell.split(";") if looks_numeric(v)]
            assert not bad, (table, c, bad[:3])


def test_type_guessing_readers_keep_identifiers_as_text(release):
    for table, cols in ID_COLUMNS.items():
        path = release / "csv" / f"{table}.csv"
        rel = duckdb.sql(f"SELECT * FROM read_csv('{path}', sample_size=5)")  # guesses from the first rows
        types = dict(zip(rel.columns, map(str, rel.types), strict=True))
        assert {c: types[c] for c in cols} == dict.fromkeys(cols, "VARCHAR"), table
        assert rel.shape[0] == len(pd.read_parquet(release / f"{table}.parquet"))  # and every row reads
        head = pd.read_csv(path, nrows=5, encoding="utf-8-sig")
        assert not [c for c in cols if head[c].notna().any() and pd.api.types.is_numeric_dtype(head[c])], table
    assert str(duckdb.sql(f"SELECT adcode FROM read_csv('{release / 'csv' / 'panel.csv'}')").types[0]) == "BIGINT"


def test_no_two_identifiers_differ_only_in_case(tables):
    ids = set()
    for table, cols in ID_COLUMNS.items():
        for c in cols:
            ids.update(v for cell in tables[table][c].dropna() for v in str(cell).split(";"))
    ids.update(["unit:533102", "zone_scope:ruili", "zone:ruili"])  # the kinds of one zone, whatever the fixture
    assert len({i.lower() for i in ids}) == len(ids)


def test_diff_against_a_format_1_release_compares_like_with_like():
    old = pd.DataFrame({"series_id": ["533102", "ZONE:ruili", "zone:ruili"], "period": "2020", "indicator": "gdp",
                        "unit": "CNY_100M", "zone_id": "ruili", "value": [201.0, 230.0, 201.0]})
    new = old.assign(series_id=["unit:533102", "zone_scope:ruili", "zone:ruili"], value=[203.0, 230.0, 203.0])
    d = diff(old, new, "panel")
    assert d[["change", "series_id"]].values.tolist() == [["revised", "unit:533102"], ["revised", "zone:ruili"]]


def row(zy: pd.DataFrame, zone: str, basis: str, year: int) -> dict:
    sub = zy[(zy.zone_id == zone) & (zy.basis == basis) & (zy.year == year)]
    assert len(sub) == 1, (zone, basis, year, len(sub))
    return sub.iloc[0].to_dict()


def test_zone_year_values_by_hand(tables):
    zy = tables["zone_year"]
    assert list(zy.columns) == TABLES["zone_year"].names
    assert not zy.duplicated(["zone_id", "basis", "year"]).any() and "ALL" not in set(zy.zone_id)
    sd = row(zy, "suifenhe_dongning", "host", 2020)
    assert sd["series_id"] == "zone:suifenhe_dongning" and sd["established"] == 2016
    assert sd["gdp_cny_100m"] == 300.0  # 160 (绥芬河市) + 140 (东宁市)
    assert sd["gdp_growth_pct"] == pytest.approx((150 * 2.0 + 130 * -1.0) / (150 + 130))  # weighted by 2019 GDP
    assert sd["va_secondary_cny_100m"] == 75.0  # 30 + 45
    assert pd.isna(sd["population_resident_10k_persons"])  # 东宁市 has none: no zone sum
    assert sd["covid_shock_gdp_pct"] == pytest.approx(300 / 280 * 100 - 100)  # 2019: 150 + 130
    assert row(zy, "suifenhe_dongning", "paper2022", 2020)["gdp_cny_100m"] == 300.0  # the paper's units: the same
    assert pd.isna(row(zy, "suifenhe_dongning", "host", 2019)["gdp_growth_pct"])  # no 2018 weights
    ru = row(zy, "ruili", "host", 2020)
    assert (ru["gdp_cny_100m"], ru["gdp_growth_pct"]) == (201.0, -2.0)  # the yearbook's level, the bulletin's rate
    mz = row(zy, "manzhouli", "host", 2020)
    assert mz["gdp_cny_100m"] == 170.0 and pd.isna(mz["trade_total_cny_100m"])  # 250 vs 252: a conflict, empty


def test_a_rerun_carries_a_format_1_parents_rows_with_todays_ids(cat, tmp_path):
    from warehouse.build import RunSettings, assemble
    from warehouse.ids import catalog_observations, catalog_sources
    from warehouse.schemas import OBSERVATIONS

    # an older release: plain unit codes and obs ids, no adcode column
    parent = pd.DataFrame(curated_rows(SYNTHETIC, cat)[0]).drop(columns="adcode", errors="ignore")
    assert "533102" in set(parent.unit_code) and not parent.obs_id.str.startswith("obs:").any()
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", zones=("ruili",), bundled_curated=False)
    p_src = pd.DataFrame(columns=[c for c in SOURCES.names if c != "adcode"])
    obs, src = assemble(pd.DataFrame(columns=OBSERVATIONS.names), pd.DataFrame(columns=SOURCES.names),
                        (catalog_observations(parent), catalog_sources(p_src)), s, cat)  # as publish() does
    o = build_tables(obs, src, cat, "latest")["observations"]
    assert len(o) == 12  # the 14 rows less ruili's two (533102, 2020 gdp): carried, not dropped
    assert sorted(set(o.unit_code)) == ["unit:150781", "unit:231081", "unit:231086"]
    assert sorted(set(o.adcode)) == [150781, 231081, 231086] and o.obs_id.str.startswith("obs:").all()
