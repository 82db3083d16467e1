"""The dimension tables (units, unit_zones, measure_units, fx_rates), built from the catalog: plain functions."""

from __future__ import annotations

import dataclasses

import pandas as pd

from catalog.models import Zone
from warehouse.build import indicators_catalog_frame
from warehouse.dimensions import dimension_tables, unit_zones_frame, units_frame
from warehouse.ids import unit_id
from warehouse.schemas import TABLES, to_arrow


def test_units_table_has_every_unit_with_its_names_and_zones(cat):
    u = units_frame(cat).set_index("unit_code")
    assert sorted(u.index) == sorted(unit_id(c) for c in cat.units)  # release ids: unit:…, zone_scope:…
    dn = u.loc["unit:231086"]  # 东宁市: 东宁县 (231024) until 2015
    assert (dn.name_zh, dn.level, dn.parent_code, dn.province) == ("东宁市", "county_city", "unit:231000", "黑龙江省")
    assert dn.adcode == 231086
    assert dn.former_names == "东宁县 (code 231024, until 2015)" and dn.name_since == 2015
    assert dn.short_names == "东宁" and dn.zone_ids == "suifenhe_dongning"
    assert u.loc["unit:533102"].former_names == "瑞丽县 (until 1992)"
    assert u.loc["unit:451000"].former_names == "百色地区 (until 2002)"
    zs = u.loc["zone_scope:ruili"]
    assert zs.level == "zone_scope" and zs.parent_code == "unit:533102" and pd.isna(zs.adcode)
    assert pd.isna(u.loc["unit:450602"].former_names) and pd.isna(u.loc["unit:450602"].short_names)  # none: missing


def test_unit_zones_is_the_catalogs_membership_with_roles(cat):
    b = unit_zones_frame(cat)
    pairs = set(zip(b.unit_code, b.zone_id, strict=True))
    assert pairs == {(unit_id(u), z) for z in cat.zones for u in cat.zone_units(z)}  # what a zone's refresh covers
    assert len(pairs) == len(b)  # one row per unit and zone
    roles = {(r.unit_code, r.zone_id): r.roles for r in b.itertuples()}
    assert roles[("unit:450600", "dongxing")] == "paper;parent"  # 防城港市: the paper's unit, above 东兴市
    assert roles[("unit:450681", "dongxing")] == "host;child"
    assert roles[("unit:450602", "dongxing")] == "child"
    assert roles[("zone_scope:ruili", "ruili")] == "zone_scope"
    assert roles[("unit:451400", "pingxiang")] == "parent"
    hosts = {(unit_id(u), z) for z, zone in cat.zones.items() for u in zone.host_units}
    assert set(b[b.is_host].pipe(lambda d: zip(d.unit_code, d.zone_id, strict=True))) == hosts


def test_a_unit_in_two_zones_has_a_row_per_zone(cat):
    # a tenth zone hosted by 绥芬河市 too: the unit belongs to two zones
    extra = Zone(zone_id="second", name_zh="第二", name_en="Second", established=2020, province="黑龙江省",
                 neighbours=("Russia",), host_units=("231081",))
    two = dataclasses.replace(cat, zones={**cat.zones, "second": extra})
    b = unit_zones_frame(two)
    assert sorted(b[b.unit_code == "unit:231081"].zone_id) == ["second", "suifenhe_dongning"]
    assert set(b[b.unit_code == "unit:231081"].is_host) == {True}
    assert units_frame(two).set_index("unit_code").loc["unit:231081"].zone_ids == "suifenhe_dongning;second"
    # its parent 牡丹江市 is now in both zones as well, as parent
    assert set(b[b.unit_code == "unit:231000"].roles) == {"parent"} and len(b[b.unit_code == "unit:231000"]) == 2


def test_measure_units_and_fx_rates_carry_the_catalog_and_citations(cat):
    d = dimension_tables(cat)
    mu = d["measure_units"].set_index("code")
    assert set(mu.index) == set(cat.measure_units)
    assert mu.loc["CNY_100M"].base_multiple == 100_000_000 and mu.loc["USD_100M"].family == "usd"
    used = set(indicators_catalog_frame(cat)["unit"]) | {u for i in cat.indicators.values() for u in i.alt_units}
    assert used <= set(mu.index)
    fx = d["fx_rates"].set_index("year")
    assert set(fx.index) == set(cat.fx_rates)
    r = fx.loc[2020]
    assert (r.currency, r.cny_per_unit, r.basis) == ("USD", 6.8976, "annual average")
    assert r.source == "国家统计局: 2020年国民经济和社会发展统计公报"
    assert (r.source_publisher, r.source_title) == ("国家统计局", "2020年国民经济和社会发展统计公报")


def test_dimension_tables_fit_the_contract(cat):
    for name, df in dimension_tables(cat).items():
        t = to_arrow(df, TABLES[name])  # raises on a missing required value or a wrong column
        assert t.num_rows == len(df) > 0
        assert t.schema.field(0).metadata[b"description_zh"]
