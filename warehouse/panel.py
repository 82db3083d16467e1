"""The panel: one value per (series, period, indicator, unit of measure) under a vintage policy, plus
zone rows computed from each zone's host units.

The unit of measure is part of the key because currency is never converted: a trade figure published
in both 亿美元 and 亿元 keeps both. Among the observations of one cell:

- `latest` (default) takes the newest publication; `first_release` the oldest. A source that states
  no publication date ranks after every dated one.
- Among equal dates the source kind decides: bulletin > yearbook > government site (and work
  reports) > official media (and news) > reference work > secondary (papers, reposts).
- Sources of equal date and standing that disagree leave the cell empty with status `conflict`: a
  wrong number is worse than a missing one.

Series ids are release ids (warehouse/ids.py): a unit row's series is its unit (`unit:533102`,
`zone_scope:ruili`); zone rows (`zone:<zone_id>`) add up additive indicators over the zone's host units for the same
period, only when every member has a value; shares are recomputed from the sums, never averaged; a
zone's growth rate is its members' rates weighted by their previous-year values.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pandas as pd

from catalog import Catalog
from warehouse.ids import ZONE_SCOPE, adcode, catalog_code, release_observations, unit_id, zone_series_id
from warehouse.schemas import PANEL, records

VINTAGE_POLICIES = ("latest", "first_release")

SOURCE_RANK = {  # lower is stronger
    "bulletin": 0, "census_bulletin": 0,
    "yearbook": 1,
    "government_site": 2, "work_report": 2,
    "official_media": 3, "news": 3,
    "reference_work": 4,
    "paper": 5, "secondary": 5,
}

# Shares recomputed from a zone's summed parts: indicator -> (numerator, denominator), both additive.
RATIO_OF_SUMS = {
    "structure_primary": ("va_primary", "gdp"),
    "structure_secondary": ("va_secondary", "gdp"),
    "structure_tertiary": ("va_tertiary", "gdp"),
}

_REL_TOL = 1e-9


def same_value(a: float | None, b: float | None) -> bool:
    """Equal as published numbers (both missing counts as equal).

    >>> same_value(0.1 + 0.2, 0.3), same_value(1.0, 1.01), same_value(None, None)
    (True, False, True)
    """
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=1e-12)


def _order(rows: list[dict], policy: str) -> list[dict]:
    """Candidates best first under the policy."""
    def key(r):
        v = r["vintage"]
        dated = v is not None
        rank = SOURCE_RANK.get(r["source_kind"], 9)
        if policy == "latest":
            return (not dated, _neg_date(v) if dated else "", rank, r["obs_id"])
        return (not dated, str(v) if dated else "", rank, r["obs_id"])
    return sorted(rows, key=key)


def _neg_date(v) -> str:
    # newest first with an ascending sort: map each digit d to 9 - d
    return str(v).translate(str.maketrans("0123456789", "9876543210"))


def _tier(ordered: list[dict]) -> list[dict]:
    """The candidates that share the best one's date and source standing."""
    top = ordered[0]
    return [r for r in ordered if r["vintage"] == top["vintage"]
            and SOURCE_RANK.get(r["source_kind"], 9) == SOURCE_RANK.get(top["source_kind"], 9)]


def select_cell(rows: list[dict], policy: str) -> dict:
    """The panel fields for one cell from its candidate observation rows."""
    if len(rows) == 1:
        return _single(rows[0])
    with_value = [r for r in rows if r["value"] is not None]
    with_growth = [r for r in rows if r["growth_pct"] is not None]
    distinct: list[float] = []
    for r in with_value:
        if not any(same_value(r["value"], d) for d in distinct):
            distinct.append(r["value"])
    out = {"status": "ok", "value": None, "growth_pct": None, "growth_obs_id": None, "revised": False,
           "n_candidates": len(rows), "n_distinct_values": len(distinct)}
    chosen = None
    if with_value:
        ordered = _order(with_value, policy)
        tier = _tier(ordered)
        if any(not same_value(r["value"], tier[0]["value"]) for r in tier):
            out["status"] = "conflict"
        else:
            chosen = ordered[0]
            out["value"] = chosen["value"]
            first = _order(with_value, "first_release")[0]
            out["revised"] = not same_value(first["value"], chosen["value"])
    g_row = None
    if chosen is not None and chosen["growth_pct"] is not None:
        g_row = chosen
    elif with_growth:
        ordered = _order(with_growth, policy)
        tier = _tier(ordered)
        if all(same_value(r["growth_pct"], tier[0]["growth_pct"]) for r in tier):
            g_row = ordered[0]
        elif out["status"] == "ok" and chosen is None:
            out["status"] = "conflict"
    if g_row is not None:
        out["growth_pct"] = g_row["growth_pct"]
        if g_row is not chosen:
            out["growth_obs_id"] = g_row["obs_id"]
    base = chosen or g_row or _order(rows, policy)[0]
    used = [r["obs_id"] for r in (chosen, g_row) if r is not None]
    if out["status"] == "conflict":
        used = sorted(r["obs_id"] for r in rows)
    out.update({
        "price_basis": base["price_basis"] if chosen is not None or g_row is not None else None,
        "qualifier": base["qualifier"] if chosen is not None else None,
        "source_id": base["source_id"], "source_kind": base["source_kind"], "vintage": base["vintage"],
        "obs_ids": ";".join(dict.fromkeys(used)),
    })
    return out


def _single(r: dict) -> dict:
    """select_cell of a cell with one candidate (most cells): the same fields without ranking anything.

    >>> r = {"obs_id": "o1", "value": 5.0, "growth_pct": None, "price_basis": "current", "qualifier": None,
    ...      "source_id": "s", "source_kind": "bulletin", "vintage": None}
    >>> _single(r) == select_cell([r, r], "latest") | {"n_candidates": 1}
    True
    """
    has_value, has_growth = r["value"] is not None, r["growth_pct"] is not None
    return {"status": "ok", "value": r["value"], "growth_pct": r["growth_pct"],
            "growth_obs_id": r["obs_id"] if has_growth and not has_value else None, "revised": False,
            "n_candidates": 1, "n_distinct_values": int(has_value),
            "price_basis": r["price_basis"] if has_value or has_growth else None,
            "qualifier": r["qualifier"] if has_value else None,
            "source_id": r["source_id"], "source_kind": r["source_kind"], "vintage": r["vintage"],
            "obs_ids": r["obs_id"] if has_value or has_growth else ""}


_CHUNK_ROWS = 50_000  # observations turned into dicts at a time: memory stays bounded on big corpora


def build_panel(observations: pd.DataFrame, cat: Catalog, policy: str = "latest") -> pd.DataFrame:
    """Load: the observations table (unit codes as release ids or catalog codes). Process: select per cell,
    then add the zone rows. Series ids, unit codes and obs ids come out as release ids."""
    if policy not in VINTAGE_POLICIES:
        raise ValueError(f"unknown vintage policy {policy!r}; one of {', '.join(VINTAGE_POLICIES)}")
    observations = release_observations(observations)  # a no-op on release rows; catalog codes are converted
    host_zone = {unit_id(u): z.zone_id for z in cat.zones.values() for u in z.host_units}
    groups = {unit_id(u): g for u, g in zone_groups(cat).items()}
    zones_of_group: dict[str, list] = defaultdict(list)
    for z in cat.zones.values():
        zones_of_group[groups[unit_id(z.host_units[0])]].append(z)
    parts, zone_rows = [], {}
    # a zone's host units are in one chunk, so its rows come from the chunk's dicts (no frame round trip)
    for chunk in unit_chunks(observations, _CHUNK_ROWS, groups):
        cells: dict[tuple, list[dict]] = defaultdict(list)
        for r in records(chunk):
            cells[(r["unit_code"], r["period"], r["indicator"], r["unit"])].append(r)
        rows = []
        for (unit_code, period, indicator, unit), cand in cells.items():
            u = cat.units.get(catalog_code(unit_code))
            zone_scope = unit_code.startswith(ZONE_SCOPE)
            rows.append({
                "series_id": unit_code, "series_kind": "zone_scope" if zone_scope else "unit",
                "zone_id": unit_code.removeprefix(ZONE_SCOPE) if zone_scope else host_zone.get(unit_code),
                "unit_code": unit_code, "adcode": adcode(unit_code),
                "name_zh": u.name_zh if u else None, "name_en": u.name_en if u else None,
                "period": period, "year": cand[0]["year"], "period_type": cand[0]["period_type"],
                "indicator": indicator, "unit": unit, "method": "selected", "vintage_policy": policy,
                **select_cell(cand, policy),
            })
        in_chunk = {groups.get(c) for c in chunk["unit_code"].unique().tolist()}
        by_cell = {(r["unit_code"], r["period"], r["indicator"], r["unit"]): r
                   for r in rows if r["series_kind"] == "unit"}
        cells_of_unit: dict[str, list[tuple]] = defaultdict(list)
        for key in by_cell:
            cells_of_unit[key[0]].append(key[1:])
        for z in (z for g in in_chunk if g in zones_of_group for z in zones_of_group[g]):
            zone_rows[z.zone_id] = zone_panel_rows(z, by_cell, cells_of_unit, cat, policy)
        parts.append(pd.DataFrame(rows, columns=PANEL.names))
    unit_rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    zone_out = [r for z in cat.zones for r in zone_rows.get(z, ())]  # in the catalog's order of zones
    if not zone_out:
        return unit_rows
    return pd.concat([unit_rows, pd.DataFrame(zone_out, columns=PANEL.names)], ignore_index=True)


def zone_groups(cat: Catalog) -> dict[str, str]:
    """unit code -> its group: a zone's host units share one, and zones that share a host unit are one group.

    Units outside every zone are their own group (absent from the mapping).
    """
    group: dict[str, str] = {}
    for z in cat.zones.values():
        joined = {group[u] for u in z.host_units if u in group}
        key = min(joined | {z.zone_id})
        if joined:
            for u, g in group.items():
                if g in joined:
                    group[u] = key
        for u in z.host_units:
            group[u] = key
    return group


def unit_chunks(frame: pd.DataFrame, size: int, groups: dict[str, str] | None = None) -> Iterator[pd.DataFrame]:
    """The frame in pieces of about `size` rows, every row of one unit_code (and of one group of units, when
    `groups` maps unit codes to groups) in the same piece.

    >>> f = pd.DataFrame({"unit_code": ["b", "a", "b", "c", "a"], "v": range(5)})
    >>> [p["v"].tolist() for p in unit_chunks(f, 2)]
    [[1, 4], [0, 2], [3]]
    >>> [p["v"].tolist() for p in unit_chunks(f, 2, {"a": "g", "c": "g"})]
    [[1, 3, 4], [0, 2]]
    """
    if not len(frame):
        yield frame
        return
    codes = frame["unit_code"].astype(object).where(frame["unit_code"].notna(), "").to_numpy()
    if groups:  # grouped units sort together: "g:" keys apart from plain unit codes
        codes = np.array([f"g:{groups[c]}" if c in groups else f"u:{c}" for c in codes.tolist()], dtype=object)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # each unit's first row in `order`
    begin = 0
    for start in starts[1:]:
        if start - begin >= size:
            yield frame.iloc[order[begin:start]]
            begin = start
    yield frame.iloc[order[begin:]]


def zone_panel_rows(z, by_cell: dict[tuple, dict], cells_of_unit: dict[str, list[tuple]], cat: Catalog,
                    policy: str) -> list[dict]:
    """A zone's rows from the unit rows of its host units (`by_cell`: (unit, period, indicator, unit of
    measure) -> panel row, `cells_of_unit`: unit -> its (period, indicator, unit of measure) keys; both may
    hold other units' rows too; units as release ids)."""
    members = [unit_id(m) for m in z.host_units]
    keys = {k for m in members for k in cells_of_unit.get(m, ())}
    zone_out = []
    for period, indicator, unit in sorted(keys):
        parts = [by_cell.get((m, period, indicator, unit)) for m in members]
        row = _zone_row(z, members, period, indicator, unit, parts, by_cell, cat, policy)
        if row is not None:
            zone_out.append(row)
    # shares recomputed from summed parts (only for multi-member zones; one member keeps its own)
    if len(members) > 1:
        sums = {(r["period"], r["indicator"], r["unit"]): r for r in zone_out}
        for share, (num, den) in RATIO_OF_SUMS.items():
            for (period, ind, unit), n in list(sums.items()):
                d = sums.get((period, den, unit))
                if ind != num or d is None or n["value"] is None or not d["value"]:
                    continue
                zone_out.append(_zone_base(z, period, n, share, "PCT", policy) | {
                    "value": n["value"] / d["value"] * 100, "growth_pct": None, "price_basis": "current",
                    "qualifier": None, "method": "ratio_of_sums",
                    "source_id": _join(n["source_id"], d["source_id"]),
                    "source_kind": _join(n["source_kind"], d["source_kind"]),
                    "vintage": max(v for v in (n["vintage"], d["vintage"]) if v is not None)
                    if n["vintage"] or d["vintage"] else None,
                    "obs_ids": _join(n["obs_ids"], d["obs_ids"]), "revised": n["revised"] or d["revised"],
                    "n_candidates": 2, "n_distinct_values": 1,
                })
    return zone_out


def _join(*parts: str | None) -> str:
    seen: dict[str, None] = {}
    for p in parts:
        for x in (p or "").split(";"):
            if x:
                seen[x] = None
    return ";".join(sorted(seen))


def _zone_base(z, period: str, like: dict, indicator: str, unit: str, policy: str) -> dict:
    return {"series_id": zone_series_id(z.zone_id), "series_kind": "zone", "zone_id": z.zone_id, "unit_code": None,
            "adcode": None,
            "name_zh": z.name_zh, "name_en": z.name_en, "period": period, "year": like["year"],
            "period_type": like["period_type"], "indicator": indicator, "unit": unit, "status": "ok",
            "growth_obs_id": None, "vintage_policy": policy}


def _zone_row(z, members, period, indicator, unit, parts, by_cell, cat: Catalog, policy) -> dict | None:
    present = [p for p in parts if p is not None]
    if len(members) == 1:
        p = present[0]
        return {**p, **_zone_base(z, period, p, indicator, unit, policy), "status": p["status"],
                "growth_obs_id": p["growth_obs_id"], "method": "single_member"}
    if indicator in RATIO_OF_SUMS or not cat.indicators[indicator].additive:
        return None
    if len(present) < len(members) or any(p["value"] is None or p["status"] != "ok" for p in present):
        return None  # a zone total needs every member: never a partial sum
    value = sum(p["value"] for p in present)
    growth = None
    if all(p["growth_pct"] is not None for p in present) and "/" not in period:
        prev = [by_cell.get((m, str(int(period) - 1), indicator, unit)) for m in members]
        if all(q is not None and q["value"] for q in prev):
            weight = sum(q["value"] for q in prev)
            growth = sum(p["growth_pct"] * q["value"] for p, q in zip(present, prev, strict=True)) / weight
    bases = {p["price_basis"] for p in present}
    return _zone_base(z, period, present[0], indicator, unit, policy) | {
        "value": value, "growth_pct": growth, "price_basis": bases.pop() if len(bases) == 1 else None,
        "qualifier": next((p["qualifier"] for p in present if p["qualifier"]), None),
        "method": "sum_of_members", "source_id": _join(*(p["source_id"] for p in present)),
        "source_kind": _join(*(p["source_kind"] for p in present)),
        "vintage": max((p["vintage"] for p in present if p["vintage"] is not None), default=None),
        "obs_ids": _join(*(p["obs_ids"] for p in present)),
        "revised": any(p["revised"] for p in present),
        "n_candidates": sum(p["n_candidates"] for p in present), "n_distinct_values": 1,
    }
