"""Validation of a rerun's part only, combined exactly with the parent release's results (incremental
publishing, warehouse/incremental.py).

The great-expectations checks come in two kinds:
- row-wise (not null, in a set, a pattern, a range, one column against another): a row's outcome depends on
  that row alone, so the rows carried unchanged from the parent keep the outcome they had there. Only the
  rerun's rows are checked; the parent's failing rows (stored per release by `Recorder`, by row key and
  with the description the report prints) are merged back in table order, so n_checked, n_failed, success
  and the failures text are those a check of the whole table gives;
- cross-row (uniqueness of keys): run on the whole table.
The pandas rules (sectors sum to GDP, shares sum to 100, nominal against real growth) and every indicator
check are cheap and run on the whole tables as always (validate_tables does that).

Whenever a result cannot be combined exactly (keys not unique, a check that raised, a check the parent's
store lacks, counts that do not add up), NotCombinable is raised and the caller validates in full.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from validation.suites import CheckResult, GxCheck, _named, _run_gx, _txt

KEYS = {"observations": ("obs_id",), "panel": ("series_id", "period", "indicator", "unit"),
        "indicators": ("zone_id", "basis", "year", "indicator")}


class NotCombinable(RuntimeError):
    """The parent's results cannot be reused exactly: validate every row."""


def row_keys(frame: pd.DataFrame, table: str) -> np.ndarray:
    """Each row's key as one string (columns joined by U+001F).

    >>> row_keys(pd.DataFrame({"zone_id": ["a"], "basis": ["host"], "year": [2020], "indicator": ["gdp"]}),
    ...          "indicators").tolist()
    ['a\\x1fhost\\x1f2020\\x1fgdp']
    """
    cols = KEYS[table]
    out = _txt(frame[cols[0]])
    for c in cols[1:]:
        out = out + "\x1f" + _txt(frame[c])
    return out.to_numpy(dtype=object)


def _n_checked(frame: pd.DataFrame, chk: GxCheck) -> int:
    mask = pd.Series(True, index=frame.index)  # as _run_gx counts them
    for col, val in chk.where:
        mask &= frame[col] == val
    return int(mask.sum())


class Recorder:
    """A `run_gx` for validate_tables that checks whole tables and keeps every row-wise check's failing rows
    (table -> check -> [[row key, description], …]) for the next incremental publish."""

    def __init__(self) -> None:
        self.failing: dict[str, dict[str, list[list[str]]]] = {}

    def __call__(self, frame: pd.DataFrame, checks: list[GxCheck], name: str,
                 describe: Callable[[pd.DataFrame], pd.Series]) -> list[CheckResult]:
        raw: dict = {}
        results = _run_gx(frame, checks, name, describe, raw)
        kept = self.failing.setdefault(name, {})
        for chk in checks:
            if chk.kind == "unique" or name not in KEYS:
                continue
            rf = raw[chk.check]
            keys = row_keys(frame.iloc[rf.rows], name) if rf.rows else []
            kept[chk.check] = [[k, ref] for k, ref in zip(keys, rf.refs, strict=True)]
        return results

    def state(self, tables) -> dict:
        """What checking `tables` recorded, for a copy of this object in another process to `absorb`."""
        return {"failing": {t: self.failing[t] for t in tables if t in self.failing}}

    def absorb(self, state: dict) -> None:
        self.failing.update(state["failing"])


class Partial(Recorder):
    """A `run_gx` that checks only the rows `parts[table]` marks (a boolean mask over the table as passed to
    validate_tables) with the row-wise checks, reuses `previous` (the parent's Recorder.failing) for the other
    rows, and runs the uniqueness checks on the whole table. Tables absent from `parts` are checked in full."""

    def __init__(self, parts: dict[str, np.ndarray], previous: dict[str, dict[str, list[list[str]]]]):
        super().__init__()
        self.parts = parts
        self.previous = previous
        self.checked_rows: dict[str, int] = {}  # table -> rows checked row-wise (for the log)

    def __call__(self, frame: pd.DataFrame, checks: list[GxCheck], name: str,
                 describe: Callable[[pd.DataFrame], pd.Series]) -> list[CheckResult]:
        part = self.parts.get(name)
        if part is None:
            return super().__call__(frame, checks, name, describe)
        if len(part) != len(frame):
            raise NotCombinable(f"{name}: the partition does not match the table")
        prev = self.previous.get(name)
        if prev is None:
            raise NotCombinable(f"{name}: the parent's stored results lack this table")
        keys = row_keys(frame, name)
        if pd.Index(keys).has_duplicates:
            raise NotCombinable(f"{name}: row keys are not unique")
        whole = [c for c in checks if c.kind == "unique"]
        rowwise = [c for c in checks if c.kind != "unique"]
        by_check = {r.check: r for r in (_run_gx(frame, whole, name, describe) if whole else [])}
        sub = np.flatnonzero(part)
        raw: dict = {}
        if len(sub) and rowwise:
            _run_gx(frame.iloc[sub], rowwise, name, describe, raw)
        self.checked_rows[name] = len(sub)
        carried = np.flatnonzero(~np.asarray(part, dtype=bool))
        carried_at = dict(zip(keys[carried].tolist(), carried.tolist(), strict=True))
        kept = self.failing.setdefault(name, {})
        for chk in rowwise:
            failing: list[tuple[int, str]] = []
            rf = raw.get(chk.check)
            if rf is not None:
                if rf.raised or rf.n_failed != len(rf.rows) or rf.success != (rf.n_failed == 0):
                    raise NotCombinable(f"{chk.check}: its result on the rerun's rows cannot be combined")
                failing += [(int(sub[r]), ref) for r, ref in zip(rf.rows, rf.refs, strict=True)]
            stored = prev.get(chk.check)
            if stored is None:
                raise NotCombinable(f"{chk.check}: the parent's stored results lack this check")
            failing += [(carried_at[k], ref) for k, ref in stored if k in carried_at]
            failing.sort(key=lambda t: t[0])
            refs = [ref for _, ref in failing]
            by_check[chk.check] = CheckResult(chk.table, chk.check, chk.severity, "great_expectations",
                                              chk.description, not failing, _n_checked(frame, chk), len(failing),
                                              _named(refs))
            kept[chk.check] = [[keys[p], ref] for p, ref in failing]
        return [by_check[c.check] for c in checks]

    def state(self, tables) -> dict:
        return super().state(tables) | {"checked_rows": {t: self.checked_rows[t] for t in tables
                                                         if t in self.checked_rows}}

    def absorb(self, state: dict) -> None:
        super().absorb(state)
        self.checked_rows.update(state["checked_rows"])
