"""The statistical scopes a zone can be measured on, and their names.

A zone's figures come under several scopes: its host units summed (the panel's zone series), each host
unit, the units the paper uses (防城港市 for 东兴), and the zone's own statistical scope (试验区口径,
e.g. 瑞丽试验区, wider than 瑞丽市). The report checks a claim on another scope when the claim's own lacks
inputs, and its coverage chart shows each scope's values.

Scopes are read from the panel's `series_kind`, `zone_id` and `unit_code` columns and the catalog's
`host_units`, `paper_units` and `zone_scope_unit`: never from the form of a series id or unit code, so
renaming those (``zone:ruili``, ``ZONE:ruili``) changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from catalog import Catalog
from warehouse.ids import catalog_code
from warehouse.indicators import Series, rows_by_series, series_of
from warehouse.schemas import records

# series_kind values of the panel (the data contract) this module reads
ZONE_SUM, UNIT, ZONE_SCOPE = "zone", "unit", "zone_scope"

KIND_TEXT = {
    "host": "host units summed",
    "host_unit": "host unit",
    "paper_unit": "the paper's unit",
    "zone_scope": "the zone's own statistical scope",
}


@dataclass(frozen=True)
class Scope:
    zone_id: str
    series_id: str  # the panel's series_id
    kind: str  # host | host_unit | paper_unit | zone_scope
    units: frozenset[str]  # the unit codes it stands for (host: all host units)
    name: str  # 瑞丽市, 绥芬河市+东宁市, 瑞丽试验区

    @property
    def label(self) -> str:
        """e.g. '瑞丽试验区 (the zone's own statistical scope, zone_scope:ruili)'."""
        kind = "host unit" if self.kind == "host" and len(self.units) == 1 else KIND_TEXT[self.kind]
        return f"{self.name} ({kind}, {self.series_id})"


def units_name(cat: Catalog, units) -> str:
    return "+".join(cat.units[u].name_zh if u in cat.units else u for u in units)


def basis_units(cat: Catalog, zone_id: str, basis: str) -> frozenset[str]:
    """The units a basis measures a zone with (host: its host units; paper2022: the paper's)."""
    z = cat.zones[zone_id]
    return frozenset(z.paper_units if basis == "paper2022" else z.host_units)


def series_index(panel: pd.DataFrame) -> list[dict]:
    """One record per panel series: series_id, series_kind, zone_id, unit_code (as the catalog writes it:
    the release's `unit:533102` / `zone_scope:ruili` become 533102 / ZONE:ruili, the keys of `cat.units`)."""
    cols = ["series_id", "series_kind", "zone_id", "unit_code"]
    return [{**r, "unit_code": catalog_code(r["unit_code"])} for r in records(panel[cols].drop_duplicates("series_id"))]


def zone_scopes(index: list[dict], cat: Catalog, zone_id: str) -> list[Scope]:
    """Every scope of a zone that has a series in the panel (`index`: `series_index(panel)`), in this order:
    the host units (summed), each host unit, the paper's units, the zone's own scope. A scope standing for the
    same units as an earlier one (a one-unit zone's sum is that unit) is left out."""
    z = cat.zones[zone_id]
    out: list[Scope] = []

    def add(found: list[dict], kind: str, units: tuple[str, ...]) -> None:
        if found and all(s.units != frozenset(units) for s in out):
            out.append(Scope(zone_id, str(found[0]["series_id"]), kind, frozenset(units), units_name(cat, units)))

    add([r for r in index if r["series_kind"] == ZONE_SUM and r["zone_id"] == zone_id], "host", z.host_units)
    for u in z.host_units:
        add([r for r in index if r["series_kind"] == UNIT and r["unit_code"] == u], "host_unit", (u,))
    for u in z.paper_units:
        add([r for r in index if r["series_kind"] == UNIT and r["unit_code"] == u],
            "host_unit" if u in z.host_units else "paper_unit", (u,))
    mine = [r for r in index if r["series_kind"] == ZONE_SCOPE
            and (r["unit_code"] == z.zone_scope_unit or r["zone_id"] == zone_id)]
    for code in dict.fromkeys(r["unit_code"] for r in mine):
        add([r for r in mine if r["unit_code"] == code], "zone_scope", (code,))
    return out


class Scopes:
    """A panel's scopes per zone and their series, worked out once."""

    def __init__(self, panel: pd.DataFrame, cat: Catalog):
        self.cat = cat
        self.index = series_index(panel) if len(panel) else []
        self.rows = rows_by_series(panel) if len(panel) else {}
        self._of: dict[str, list[Scope]] = {}

    def of(self, zone_id: str) -> list[Scope]:
        if zone_id not in self._of:
            self._of[zone_id] = zone_scopes(self.index, self.cat, zone_id)
        return self._of[zone_id]

    def series(self, scope: Scope, established: int | None = None) -> Series:
        return series_of(self.rows, self.cat, scope.zone_id, scope.series_id, "scope", established)
