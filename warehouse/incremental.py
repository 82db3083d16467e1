"""Incremental publishing: a rerun of some zones rebuilds only their part of the panel and validates only
their rows; everything else is carried from the parent release. The release is the one a full rebuild
from the same inputs gives (tests/test_incremental.py compares them table by table).

decide        whether this run may build incrementally on its parent, and why not
build_panel   the panel: the refreshed units' series rebuilt (all years), the other series' rows carried
partition     which rows of observations and panel validation must check (validation/partial.py)
store / load  each release's failing rows per row-wise check, kept under <warehouse>/.cache/validation/

What is carried and what is recomputed:
- observations and sources: assembled as always (build.assemble carries the rows outside the selection);
- panel: the rows of every series whose unit lies in the refreshed zones (closed over zones sharing host
  units, so a zone's sum has all its members) are rebuilt from the assembled observations; every other row
  is the parent's panel row. The frame is put in key order, as both paths do (build.build_tables);
- indicators, not_computable and every other table derived from the panel: recomputed from the full panel
  (they read several zones at once: shares of the zones' total, the ALL aggregates, the years of any zone);
- validation: see validation/partial.py.

A run falls back to a full build (and says why) when: no parent release; every zone is refreshed; --force;
the parent's manifest lacks this module's build fingerprint or has another one (other pipeline code, catalog
data or vintage policy); the parent's panel is missing. Validation falls back to checking every row when
the parent's stored results are missing or cannot be combined exactly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from catalog import Catalog
from warehouse.ids import release_keys, release_observations, unit_id
from warehouse.panel import build_panel as _build_panel
from warehouse.panel import zone_groups
from warehouse.schemas import PANEL, TableSpec, to_arrow

log = logging.getLogger(__name__)

FORMAT = 1  # of the carry and of the stored validation results; a change makes every parent unusable
MANIFEST_KEY = "build_fingerprint"


def build_fingerprint(cat: Catalog, policy: str) -> str:
    """What the derived tables depend on besides the observations: the pipeline's code and catalog data files,
    the vintage policy and this module's format."""
    from warehouse.build import code_fingerprint_all

    return hashlib.sha256(json.dumps({"code": code_fingerprint_all(cat.data_dir), "policy": policy,
                                      "format": FORMAT}, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Plan:
    parent: str
    units: frozenset[str]  # units whose panel series are rebuilt
    zones: frozenset[str]  # zones whose zone series are rebuilt
    fingerprint: str


def decide(settings, cat: Catalog, parent: str | None) -> tuple[Plan | None, str]:
    """A plan for an incremental build on `parent`, or None and the reason for a full build."""
    from warehouse.release import read_manifest, releases_dir

    fp = build_fingerprint(cat, settings.vintage_policy)
    if parent is None:
        return None, "no parent release"
    if settings.zones is None:
        return None, "every zone is refreshed"
    if settings.force:
        return None, "--force rebuilds everything"
    theirs = read_manifest(settings.warehouse, parent).get(MANIFEST_KEY)
    if theirs is None:
        return None, f"release {parent} records no build fingerprint (built by an older version)"
    if theirs != fp:
        return None, (f"release {parent} was built by other pipeline code, catalog data or vintage policy "
                      f"(build fingerprint {theirs[:12]}, now {fp[:12]})")
    if not (releases_dir(settings.warehouse) / parent / "panel.parquet").is_file():
        return None, f"release {parent} has no panel.parquet"
    refreshed = settings.selection.units(cat) or frozenset()
    groups = zone_groups(cat)
    touched = {groups[u] for u in refreshed if u in groups}
    units = frozenset(refreshed | {u for u, g in groups.items() if g in touched})
    zones = frozenset(z.zone_id for z in cat.zones.values() if set(z.host_units) & units)
    return Plan(parent, units, zones, fp), (f"incremental on {parent}: {len(units)} unit(s) and {len(zones)} "
                                            f"zone series rebuilt, the rest carried")


def canonical(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """A frame as its release file holds it and read_table reads it back: the contract's types, rows in key
    order. Both the full and the incremental build pass the panel through this, so what comes after (the
    indicators, validation, the report, tables other branches derive) sees identical frames either way."""
    from warehouse.release import arrow_frame

    return arrow_frame(to_arrow(frame, spec))


def build_panel(observations: pd.DataFrame, parent_panel: pd.DataFrame, cat: Catalog, policy: str,
                plan: Plan) -> pd.DataFrame:
    """The panel of the assembled observations: the plan's series rebuilt, the others' rows the parent's."""
    observations = release_observations(observations)  # the panel's ids, as build_tables gives them
    ids = _unit_ids(plan)
    mask = observations["unit_code"].isin(ids).to_numpy()
    fresh = _build_panel(observations[mask], cat, policy) if mask.any() else None
    p = release_keys(parent_panel)  # a parent written before release ids: its rows in today's ids
    zone_rows = (p["series_kind"] == "zone").to_numpy()
    keep = np.where(zone_rows, ~p["zone_id"].isin(plan.zones).to_numpy(), ~p["unit_code"].isin(ids).to_numpy())
    carried = p[keep]
    if fresh is None or not len(fresh):
        return canonical(carried, PANEL)
    return canonical(pd.concat([carried, canonical(fresh, PANEL)], ignore_index=True), PANEL)


def partition(tables: dict[str, pd.DataFrame], plan: Plan) -> dict[str, np.ndarray]:
    """The rows validation checks row by row: the observations of the rebuilt units (every other row is the
    parent's, carried by build.assemble) and the rebuilt panel rows."""
    obs = tables["observations"]
    return {"observations": obs["unit_code"].isin(_unit_ids(plan)).to_numpy(),
            "panel": _rebuilt_panel_rows(tables["panel"], plan)}


def _rebuilt_panel_rows(panel: pd.DataFrame, plan: Plan) -> np.ndarray:
    """The panel rows of the series the plan rebuilds (`build_panel` carries every other row from the parent)."""
    zone_rows = (panel["series_kind"] == "zone").to_numpy()
    return np.where(zone_rows, panel["zone_id"].isin(plan.zones).to_numpy(),
                    panel["unit_code"].isin(_unit_ids(plan)).to_numpy())


def changed_rows(plan: Plan):
    """For `history.changes_since`: the rows that can differ from the parent's, table by table. Panel rows
    outside the rebuilt series are the parent's own rows (`build_panel`), so only the rebuilt series of both
    sides are compared; the indicators are recomputed for every zone and compared whole."""

    def rows(table: str, frame: pd.DataFrame) -> np.ndarray | None:
        return _rebuilt_panel_rows(frame, plan) if table == "panel" and len(frame) else None

    return rows


def _unit_ids(plan: Plan) -> frozenset[str]:
    """The plan's units as the release tables name them (unit:533102, zone_scope:ruili)."""
    return frozenset(unit_id(u) for u in plan.units)


def _store_path(warehouse: Path, release_id: str) -> Path:
    return Path(warehouse) / ".cache" / "validation" / f"{release_id}.json"


def store(warehouse: Path, release_id: str, fingerprint: str, failing: dict) -> None:
    """Keep a release's failing rows per row-wise check (written atomically; a cache: losing it only costs
    the next rerun a full validation)."""
    path = _store_path(warehouse, release_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps({"release_id": release_id, "fingerprint": fingerprint, "format": FORMAT,
                                   "failing": failing}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("validation results of %s not kept (%s): the next rerun validates in full", release_id, exc)


def load(warehouse: Path, release_id: str, fingerprint: str) -> tuple[dict | None, str]:
    """The stored failing rows of a release, or None and why not."""
    path = _store_path(warehouse, release_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"no stored validation results for {release_id}"
    except (OSError, ValueError) as exc:
        return None, f"stored validation results of {release_id} unreadable ({exc})"
    if data.get("fingerprint") != fingerprint or data.get("format") != FORMAT or data.get("release_id") != release_id:
        return None, f"stored validation results of {release_id} are from other code"
    return data["failing"], "stored"

