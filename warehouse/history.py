"""Release history: what changed between two releases (rows added, removed, revised, with old and new values)."""

from __future__ import annotations

import math

import pandas as pd

from catalog import Catalog
from warehouse.ids import catalog_code, release_keys

DIFF_KEYS = {
    "panel": ("series_id", "period", "indicator", "unit"),
    "indicators": ("zone_id", "basis", "year", "indicator"),
    "observations": ("source_id", "unit_code", "period", "indicator", "unit", "locator"),
}


def _same(a, b) -> bool:
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    if na or nb:
        return na and nb
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def _zone_of(row: dict, table: str, cat: Catalog) -> str:
    if table == "indicators":
        return row["zone_id"]
    if table == "panel" and row.get("zone_id"):
        return row["zone_id"]
    unit = catalog_code(row.get("unit_code") or row.get("series_id"))
    zones = cat.zones_of_unit(unit) if unit in cat.units else ()
    return ",".join(zones) or "-"


def diff(old: pd.DataFrame, new: pd.DataFrame, table: str, cat: Catalog) -> pd.DataFrame:
    """One row per changed key: change (added | removed | revised), zone, the key, old and new value.

    Either release may be an older one (plain unit codes): both are compared in today's identifiers."""
    key = list(DIFF_KEYS[table])
    old, new = release_keys(old), release_keys(new)
    o = {tuple(r[k] for k in key): r for r in old.to_dict("records")}
    n = {tuple(r[k] for k in key): r for r in new.to_dict("records")}
    rows = []
    for k in sorted(set(o) | set(n), key=lambda t: tuple(str(x) for x in t)):
        a, b = o.get(k), n.get(k)
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif not _same(a["value"], b["value"]):
            change = "revised"
        else:
            continue
        ref = b or a
        rows.append({"change": change, "zone": _zone_of(ref, table, cat), **dict(zip(key, k, strict=True)),
                     "old_value": None if a is None else a["value"], "new_value": None if b is None else b["value"]})
    return pd.DataFrame(rows, columns=["change", "zone", *key, "old_value", "new_value"])


def summarize(d: pd.DataFrame) -> pd.DataFrame:
    """Counts of added, removed and revised rows per zone and indicator."""
    if d.empty:
        return pd.DataFrame(columns=["zone", "indicator", "added", "removed", "revised"])
    t = d.pivot_table(index=["zone", "indicator"], columns="change", values="old_value", aggfunc="size", fill_value=0)
    for c in ("added", "removed", "revised"):
        if c not in t.columns:
            t[c] = 0
    return t[["added", "removed", "revised"]].reset_index()
