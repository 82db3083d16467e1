"""The dimension tables of a release, built from the catalog (pure functions): units, unit_zones,
measure_units and fx_rates. With zones and indicators_catalog they let a BI tool relate every table
without the catalog's files (schemas.RELATIONS lists the joins).

A unit can belong to more than one zone (a parent unit above two zones' host units, say): `units.zone_ids`
lists them for reading, and the bridge table `unit_zones` has one row per unit and zone for joins.
"""

from __future__ import annotations

import pandas as pd

from catalog import Catalog
from catalog.models import UnitName
from warehouse.ids import adcode, unit_id
from warehouse.schemas import FX_RATES, MEASURE_UNITS, UNIT_ZONES, UNITS

ROLES = ("host", "paper", "zone_scope", "parent", "child")


def _years(n: UnitName) -> str | None:
    """>>> _years(UnitName(unit_code="1", name="x", kind="former", valid_from=1990, valid_to=2002))
    '1990–2002'
    >>> _years(UnitName(unit_code="1", name="x", kind="former", valid_to=2015))
    'until 2015'
    """
    if n.valid_from and n.valid_to:
        return f"{n.valid_from}–{n.valid_to}"
    if n.valid_to:
        return f"until {n.valid_to}"
    if n.valid_from:
        return f"from {n.valid_from}"
    return None


def former_name(n: UnitName) -> str:
    """A former name with its former code (when it differs) and years.

    >>> former_name(UnitName(unit_code="231086", name="东宁县", kind="former", code_then="231024", valid_to=2015))
    '东宁县 (code 231024, until 2015)'
    >>> former_name(UnitName(unit_code="533102", name="瑞丽县", kind="former", valid_to=1992))
    '瑞丽县 (until 1992)'
    """
    parts = [f"code {n.code_then}"] if n.code_then and n.code_then != n.unit_code else []
    if years := _years(n):
        parts.append(years)
    return f"{n.name} ({', '.join(parts)})" if parts else n.name


def units_frame(cat: Catalog) -> pd.DataFrame:
    rows = []
    for u in cat.units.values():
        names = cat.names_for(u.unit_code)
        official = [n for n in names if n.kind == "official"]
        rows.append({
            "unit_code": unit_id(u.unit_code), "adcode": adcode(u.unit_code), "name_zh": u.name_zh,
            "name_en": u.name_en, "level": u.level, "parent_code": unit_id(u.parent_code), "province": u.province,
            "zone_ids": ";".join(cat.zones_of_unit(u.unit_code)) or None,
            "name_since": official[0].valid_from if official and official[0].valid_from else None,
            "former_names": ";".join(former_name(n) for n in names if n.kind == "former") or None,
            "short_names": ";".join(n.name for n in names if n.kind == "short") or None,
            "note": u.note or None,
        })
    return pd.DataFrame(rows, columns=UNITS.names)


def unit_zone_roles(cat: Catalog) -> dict[tuple[str, str], tuple[str, ...]]:
    """(unit_code, zone_id) -> the unit's roles in the zone, in ROLES order. The pairs are exactly those of
    Catalog.zone_units (a test holds them equal): host, paper and zone-scope units, the host units' parents,
    and the units under any of these (zone scopes aside)."""
    children: dict[str, list[str]] = {}
    for u in cat.units.values():
        if u.parent_code and u.level != "zone_scope":
            children.setdefault(u.parent_code, []).append(u.unit_code)
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for zone_id, z in cat.zones.items():
        roles: dict[str, set[str]] = {}
        for code in z.host_units:
            roles.setdefault(code, set()).add("host")
        for code in z.paper_units:
            roles.setdefault(code, set()).add("paper")
        if z.zone_scope_unit:
            roles.setdefault(z.zone_scope_unit, set()).add("zone_scope")
        for code in z.host_units:
            if (p := cat.units[code].parent_code) in cat.units:
                roles.setdefault(p, set()).add("parent")
        for code in list(roles):
            for c in children.get(code, ()):
                roles.setdefault(c, set()).add("child")
        for code, rs in roles.items():
            out[(code, zone_id)] = tuple(r for r in ROLES if r in rs)
    return out


def unit_zones_frame(cat: Catalog) -> pd.DataFrame:
    rows = [{"unit_code": unit_id(u), "zone_id": z, "roles": ";".join(roles), "is_host": "host" in roles}
            for (u, z), roles in unit_zone_roles(cat).items()]
    return pd.DataFrame(rows, columns=UNIT_ZONES.names)


def measure_units_frame(cat: Catalog) -> pd.DataFrame:
    return pd.DataFrame([{"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en, "family": m.family,
                          "base_multiple": m.base_multiple} for m in cat.measure_units.values()],
                        columns=MEASURE_UNITS.names)


def split_citation(source: str) -> tuple[str | None, str]:
    """The catalog's citation `publisher: title` as (publisher, title); (None, text) without a publisher.

    >>> split_citation("国家统计局: 2020年国民经济和社会发展统计公报")
    ('国家统计局', '2020年国民经济和社会发展统计公报')
    >>> split_citation("a yearbook")
    (None, 'a yearbook')
    """
    publisher, sep, title = source.partition(": ")
    return (publisher.strip(), title.strip()) if sep and publisher.strip() and title.strip() else (None, source)


def fx_rates_frame(cat: Catalog) -> pd.DataFrame:
    rows = []
    for f in cat.fx_rates.values():
        publisher, title = split_citation(f.source)
        rows.append({"year": f.year, "currency": f.currency, "cny_per_unit": f.cny_per_unit, "basis": f.basis,
                     "source": f.source, "source_publisher": publisher, "source_title": title})
    return pd.DataFrame(rows, columns=FX_RATES.names)


def dimension_tables(cat: Catalog) -> dict[str, pd.DataFrame]:
    return {"units": units_frame(cat), "unit_zones": unit_zones_frame(cat),
            "measure_units": measure_units_frame(cat), "fx_rates": fx_rates_frame(cat)}
