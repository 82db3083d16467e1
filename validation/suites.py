"""Validation of the observations and panel tables.

Two engines, one result table:
- great-expectations suites for the column-level contract (keys present and unique, codes in the
  vocabularies, per-indicator plausible ranges that catch 万/亿 slips, growth bounds);
- plain pandas rules for what needs several rows at once (sectors sum to GDP, exports + imports =
  total, the structure ratio sums to about 100, conflicting sources).

Every check is `blocking` (the release is not written) or `warning` (recorded, release goes on).
great-expectations is imported only here and only when a validation runs (it costs 5–6 s).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import logging
import math
import os
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from catalog import Catalog
from catalog.loader import load_plausible_ranges
from catalog.models import PERIOD_RE
from warehouse.ids import catalog_code, unit_id

Severity = Literal["blocking", "warning"]
MAX_NAMED = 20

COUNTY_LEVELS = {"county_city", "county", "district", "zone_scope"}

# Year-on-year growth (%) beyond which a figure is worth a second look, by indicator category.
GROWTH_WARN = {"national_accounts": (-30.0, 60.0)}
GROWTH_WARN_DEFAULT = (-95.0, 1000.0)


@dataclass(frozen=True)
class GxCheck:
    """One great-expectations expectation with its id and severity."""

    table: str
    check: str
    severity: Severity
    description: str
    kind: str  # not_null | unique | in_set | between | regex
    column: str | list[str]
    kwargs: dict = field(default_factory=dict)
    where: tuple[tuple[str, str], ...] = ()  # equality row conditions, ANDed


@dataclass
class CheckResult:
    table_name: str
    check: str
    severity: Severity
    engine: str
    description: str
    success: bool
    n_checked: int
    n_failed: int
    failures: str | None

    def as_row(self) -> dict:
        return self.__dict__.copy()


def _level(cat: Catalog, unit_code: str) -> str:
    u = cat.units.get(catalog_code(unit_code))
    return "county" if u is None or u.level in COUNTY_LEVELS else "prefecture"


def observation_checks(cat: Catalog) -> list[GxCheck]:
    t = "observations"
    checks = [
        GxCheck(t, f"{t}.{c}_present", "blocking", f"{c} is present", "not_null", c)
        for c in ("obs_id", "unit_code", "period", "indicator", "unit", "source_id", "source_kind", "locator")
    ]
    checks += [
        GxCheck(t, f"{t}.obs_id_unique", "blocking", "obs_id is unique", "unique", "obs_id"),
        GxCheck(t, f"{t}.one_value_per_source_cell", "warning",
                "one figure per source, unit, period, indicator and unit of measure", "unique",
                ["source_id", "unit_code", "period", "indicator", "unit"]),
        GxCheck(t, f"{t}.unit_code_known", "blocking", "unit_code is a unit of the catalog (as unit:… or zone_scope:…)",
                "in_set", "unit_code", {"value_set": sorted(unit_id(u) for u in cat.units)}),
        GxCheck(t, f"{t}.indicator_known", "blocking", "indicator is in the catalog", "in_set", "indicator",
                {"value_set": sorted(cat.indicators)}),
        GxCheck(t, f"{t}.unit_in_vocabulary", "blocking", "unit is in the unit-of-measure vocabulary", "in_set",
                "unit", {"value_set": sorted(cat.measure_units)}),
        GxCheck(t, f"{t}.period_format", "blocking", "period is 2020, 2020-01/2020-07 or 2016/2020", "regex",
                "period", {"regex": PERIOD_RE.pattern}),
        GxCheck(t, f"{t}.growth_above_minus_100", "blocking", "growth_pct is not below -100 %", "between",
                "growth_pct", {"min_value": -100.0}),
    ]
    checks += [
        GxCheck(t, f"{t}.unit_is_the_indicators", "blocking",
                "unit is the indicator's canonical unit or one of its other currencies (indicators.toml)", "in_set",
                "_unit_ok", {"value_set": [True]}),
        GxCheck(t, f"{t}.value_at_least_plausible_min", "blocking",
                "value is not below its indicator's plausible minimum for the unit's level (plausible_ranges.csv; "
                "catches a figure in 亿元 read as 万元)", "pair_ge", ["value", "_min"]),
        GxCheck(t, f"{t}.value_at_most_plausible_max", "blocking",
                "value is not above its indicator's plausible maximum for the unit's level (plausible_ranges.csv; "
                "catches a figure in 万元 read as 亿元)", "pair_ge", ["_max", "value"]),
        GxCheck(t, f"{t}.growth_at_least_plausible", "warning",
                f"growth_pct is not below the plausible bound of its category (national accounts "
                f"{GROWTH_WARN['national_accounts'][0]:g} %, others {GROWTH_WARN_DEFAULT[0]:g} %)",
                "pair_ge", ["growth_pct", "_gmin"]),
        GxCheck(t, f"{t}.growth_at_most_plausible", "warning",
                f"growth_pct is not above the plausible bound of its category (national accounts "
                f"{GROWTH_WARN['national_accounts'][1]:g} %, others {GROWTH_WARN_DEFAULT[1]:g} %)",
                "pair_ge", ["_gmax", "growth_pct"]),
    ]
    return checks


def panel_checks(cat: Catalog) -> list[GxCheck]:
    t = "panel"
    checks = [
        GxCheck(t, f"{t}.{c}_present", "blocking", f"{c} is present", "not_null", c)
        for c in ("series_id", "period", "indicator", "unit", "obs_ids", "vintage_policy")
    ]
    checks += [
        GxCheck(t, f"{t}.key_unique", "blocking", "one row per series, period, indicator and unit", "unique",
                ["series_id", "period", "indicator", "unit"]),
        GxCheck(t, f"{t}.unit_in_vocabulary", "blocking", "unit is in the unit-of-measure vocabulary", "in_set",
                "unit", {"value_set": sorted(cat.measure_units)}),
        GxCheck(t, f"{t}.status_known", "blocking", "status is ok or conflict", "in_set", "status",
                {"value_set": ["ok", "conflict"]}),
        GxCheck(t, f"{t}.no_conflicts", "warning",
                "no cell where sources of equal date and standing disagree (such cells are left empty)", "in_set",
                "status", {"value_set": ["ok"]}),
    ]
    checks += [
        GxCheck(t, f"{t}.value_at_least_plausible_min", "blocking",
                "value is not below its indicator's plausible minimum (level-free ranges only: zone totals add up "
                "several units)", "pair_ge", ["value", "_min"]),
        GxCheck(t, f"{t}.value_at_most_plausible_max", "blocking",
                "value is not above its indicator's plausible maximum (level-free ranges only)", "pair_ge",
                ["_max", "value"]),
    ]
    return checks


# Annual price change (%) that nominal-versus-real GDP growth since establishment may imply.
DEFLATOR_BOUNDS = (-5.0, 10.0)


def indicator_checks() -> list[GxCheck]:
    t = "indicators"
    return [
        GxCheck(t, f"{t}.key_unique", "blocking", "one row per zone, basis, year and indicator", "unique",
                ["zone_id", "basis", "year", "indicator"]),
        GxCheck(t, f"{t}.inputs_present", "blocking", "every value names the panel rows it was computed from",
                "not_null", "inputs"),
        GxCheck(t, f"{t}.shares_within_0_100", "blocking", "shares lie within [0, 100] %", "between", "value",
                {"min_value": 0.0, "max_value": 100.0}, (("_is_share", True),)),
        GxCheck(t, f"{t}.self_sufficiency_positive", "blocking", "fiscal self-sufficiency is above 0 %", "between",
                "value", {"min_value": 0.0, "strict_min": True}, (("indicator", "fiscal_self_sufficiency_pct"),)),
        GxCheck(t, f"{t}.self_sufficiency_at_most_100", "warning",
                "fiscal self-sufficiency is at most 100 % (revenue above expenditure is rare for these units)",
                "between", "value", {"max_value": 100.0}, (("indicator", "fiscal_self_sufficiency_pct"),)),
    ]


def indicator_rules(ind: pd.DataFrame) -> list[CheckResult]:
    t = "indicators"
    fails, n = [], 0
    shares = ind[ind["indicator"].isin(["va_primary_share_pct", "va_secondary_share_pct", "va_tertiary_share_pct"])]
    groups = shares.groupby(["zone_id", "basis", "year"])["value"].agg(["size", "sum"])  # sorted, as a loop would be
    complete = groups[groups["size"] == 3]
    n = len(complete)
    fails = [f"{z} {b} {y}: sector shares sum to {total:.6g}"
             for (z, b, y), total in complete["sum"].items() if abs(total - 100) > 0.01]
    out = [_rule(t, f"{t}.sector_shares_sum_to_100", "blocking", "the three sector shares sum to 100 (within 0.01)",
                 n, fails)]
    lo, hi = DEFLATOR_BOUNDS
    fails = []
    key = ["zone_id", "basis", "year"]
    nom = ind[ind["indicator"] == "gdp_growth_since_establishment_pct"].set_index(key)
    real = ind[ind["indicator"] == "gdp_real_growth_since_establishment_pct"].set_index(key)
    keys = nom.index.intersection(real.index)
    n = len(keys)
    pairs = zip(keys, nom.loc[keys, "value"].tolist(), nom.loc[keys, "base_year"].tolist(),
                real.loc[keys, "value"].tolist(), strict=True)
    for k, nominal, base_year, real_value in pairs:
        years = k[2] - int(base_year)
        ratio = (1 + nominal / 100) / (1 + real_value / 100)
        implied = (ratio ** (1 / years) - 1) * 100 if ratio > 0 and years > 0 else float("nan")
        if not (lo <= implied <= hi):
            fails.append(f"{k[0]} {k[1]} {k[2]}: nominal {nominal:.4g} % vs real {real_value:.4g} % "
                         f"since {int(base_year)} implies prices changing {implied:.3g} % a year")
    out.append(_rule(t, f"{t}.nominal_vs_real_growth", "warning",
                     f"nominal and real GDP growth since establishment differ by no more than prices can explain "
                     f"(implied annual price change within [{lo:g}, {hi:g}] %)", n, fails))
    return out


def _txt(s: pd.Series) -> pd.Series:
    """Text with missing values as "" (vectorised: these describe every row of big tables)."""
    return s.astype(object).where(s.notna(), "").astype(str)


def _num(s: pd.Series) -> pd.Series:
    """Numbers as %.10g with missing values as ""."""
    return pd.Series([format(x, ".10g") if x == x else "" for x in s.astype(float).tolist()], index=s.index,
                     dtype=object)


def _describe_ind(df: pd.DataFrame) -> pd.Series:
    """'zone basis year indicator = value unit [inputs]' for each row."""
    return (_txt(df["zone_id"]) + " " + _txt(df["basis"]) + " " + _txt(df["year"]) + " " + _txt(df["indicator"])
            + " = " + _num(df["value"]) + " " + _txt(df["unit"]) + " [" + _txt(df["inputs"]) + "]")


def _describe_obs(df: pd.DataFrame) -> pd.Series:
    """'unit name period indicator = value unit, growth g % [locator; source sha]' for each row."""
    g = _num(df["growth_pct"])
    growth = g.where(g == "", ", growth " + g + " %")
    return (_txt(df["unit_code"]) + " " + _txt(df["unit_name"]) + " " + _txt(df["period"]) + " "
            + _txt(df["indicator"]) + " = " + _num(df["value"]) + " " + _txt(df["unit"]) + growth
            + " [" + _txt(df["locator"]) + "; source " + _txt(df["source_id"]).str[:12] + "]")


def _describe_panel(df: pd.DataFrame) -> pd.Series:
    """'series name period indicator = value unit [obs ids]' for each row."""
    return (_txt(df["series_id"]) + " " + _txt(df["name_zh"]) + " " + _txt(df["period"]) + " "
            + _txt(df["indicator"]) + " = " + _num(df["value"]) + " " + _txt(df["unit"]) + " ["
            + _txt(df["obs_ids"]) + "]")


_GX_CONTEXT = None
_GX_RUNS = 0


_GX_IMPORT = threading.Lock()

# Packages great-expectations imports at start-up for expectations and renderers these checks never use
# (statistical tests, charts): ~2.2 s of its ~6.3 s import here. They are loaded lazily (the standard
# library's importlib.util.LazyLoader): a module is executed on first attribute access, so anything that does
# use one gets it whole, only later. sqlalchemy is not among them: its import-time registry breaks when lazy.
LAZY_AT_GX_IMPORT = ("scipy", "altair")
# What great-expectations treats as optional and these checks never use: its SQL datasources' engine. Installed
# here because Prefect needs it; when this process has not imported it already (the validation helper, a plain
# run), GX is imported as on an installation without it (`compatibility/sqlalchemy.py` sets placeholders): ~0.3 s
# of the helper's start-up, on the critical path of a small refresh. Imported normally afterwards.
HIDDEN_AT_GX_IMPORT = ("sqlalchemy",)


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds `LAZY_AT_GX_IMPORT` modules as the other finders do, with their loader made lazy, and does not find
    `hidden` ones (those of `HIDDEN_AT_GX_IMPORT` not imported before)."""

    def __init__(self, hidden: tuple[str, ...] = ()):
        self.hidden = hidden

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in self.hidden:
            raise ModuleNotFoundError(f"No module named {name!r} (left out while great-expectations is imported)",
                                      name=name)
        if name.split(".")[0] not in LAZY_AT_GX_IMPORT:
            return None
        sys.meta_path.remove(self)  # the ordinary lookup, without this finder
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def import_gx():
    """great-expectations, imported once (~4 s) with its import-time warnings silenced and the packages of
    `LAZY_AT_GX_IMPORT` loaded lazily and those of `HIDDEN_AT_GX_IMPORT` left out (BORDERZONES_LAZY_GX_IMPORT=0
    turns both off). Thread-safe: a Dask run
    imports it in the background while the workers extract (flows/pipeline.py)."""
    with _GX_IMPORT:
        if "great_expectations" not in sys.modules:
            capture = logging.captureWarnings  # the function itself, taken before GX's import touches logging
            hidden = tuple(m for m in HIDDEN_AT_GX_IMPORT if m not in sys.modules)
            lazy = _LazyFinder(hidden) if os.environ.get("BORDERZONES_LAZY_GX_IMPORT", "1") != "0" else None
            if lazy is not None:
                sys.meta_path.insert(0, lazy)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    import great_expectations  # noqa: F401
            finally:
                if lazy is not None:
                    sys.meta_path.remove(lazy)
            capture(False)  # GX switches warnings capture on at import: undo it
    return sys.modules["great_expectations"]


def gx_context():
    """The process's great-expectations context, made on first use (an ephemeral one: each new one makes a
    temporary docs folder, so there is one per process)."""
    gx = import_gx()
    global _GX_CONTEXT
    if _GX_CONTEXT is None:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
            logging.getLogger(name).setLevel(logging.ERROR)  # "Created temporary directory…" on every context
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        # GX fingerprints every pandas batch below 1 GB (md5 over hash_pandas_object, twice per batch: a quarter
        # of the validation time at 250,000 rows, measured in bench/results.md); the fingerprint is a batch marker
        # this pipeline never reads. GX's own threshold turns it off; if GX renames it, this only stops helping.
        from great_expectations.execution_engine import pandas_execution_engine

        pandas_execution_engine.HASH_THRESHOLD = 0
        # GX makes a (disabled) tqdm bar per suite, and tqdm starts a monitor thread for the first bar: a thread
        # that would keep the validation helper from forking (validation/background.py); it only retunes bars
        import tqdm

        tqdm.tqdm.monitor_interval = 0
        _GX_CONTEXT = gx.get_context(mode="ephemeral")
        _GX_CONTEXT.variables.progress_bars = ProgressBarsConfig(globally=False)
    return _GX_CONTEXT


def _run_gx(frame: pd.DataFrame, checks: list[GxCheck], name: str, describe: Callable[[pd.DataFrame], pd.Series],
            rows_out: dict | None = None) -> list[CheckResult]:
    """Run the checks as one great-expectations suite over a frame; `describe` names the failing rows (only
    those: describing 250,000 rows up front took longer than the checks). GX reports them by `_row`.

    `rows_out` (check id -> RowFailures) receives each check's failing row positions and their descriptions,
    for incremental publishing (validation/partial.py)."""
    frame = frame.assign(_row=np.arange(len(frame)))
    gx = import_gx()
    from great_expectations.expectations.row_conditions import Column as GxColumn

    ctx = gx_context()
    global _GX_RUNS
    _GX_RUNS += 1
    batch = (ctx.data_sources.add_pandas(f"borderzones_{name}_{_GX_RUNS}").add_dataframe_asset(name)
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name=f"{name}_suite")
    make: dict[str, Callable] = {
        "not_null": lambda c, kw: gx.expectations.ExpectColumnValuesToNotBeNull(column=c, **kw),
        "unique": lambda c, kw: (
            gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=c, **kw) if isinstance(c, list)
            else gx.expectations.ExpectColumnValuesToBeUnique(column=c, **kw)),
        "in_set": lambda c, kw: gx.expectations.ExpectColumnValuesToBeInSet(column=c, **kw),
        "between": lambda c, kw: gx.expectations.ExpectColumnValuesToBeBetween(column=c, **kw),
        "regex": lambda c, kw: gx.expectations.ExpectColumnValuesToMatchRegex(column=c, **kw),
        "pair_ge": lambda c, kw: gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=c[0], column_B=c[1], or_equal=True, ignore_row_if="either_value_is_missing", **kw),
    }
    n_rows: dict[str, int] = {}
    for i, chk in enumerate(checks):
        kw = dict(chk.kwargs)
        mask = pd.Series(True, index=frame.index)
        for col, val in chk.where:
            mask &= frame[col] == val
        if chk.where:
            cond = None
            for col, val in chk.where:
                cond = (GxColumn(col) == val) if cond is None else (cond & (GxColumn(col) == val))
            kw.update(row_condition=cond)
        n_rows[str(i)] = int(mask.sum())
        suite.add_expectation(make[chk.kind](chk.column, kw | {"meta": {"i": str(i)}}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = batch.validate(suite, result_format={"result_format": "COMPLETE",
                                                   "unexpected_index_column_names": ["_row"]})
    out = []
    for r in res.results:
        i = r.expectation_config.meta["i"]
        chk = checks[int(i)]
        rows = [u["_row"] for u in (r.result.get("unexpected_index_list") or []) if isinstance(u, dict)]
        refs = describe(frame.iloc[rows]).tolist() if rows else []
        n_failed = int(r.result.get("unexpected_count") or 0)
        if r.exception_info and r.exception_info.get("raised_exception"):
            refs = [f"check could not run: {r.exception_info.get('exception_message')}"]
            n_failed = max(n_failed, 1)
        if rows_out is not None:
            rows_out[chk.check] = RowFailures(rows, refs, n_failed, bool(r.success), bool(
                r.exception_info and r.exception_info.get("raised_exception")))
        out.append(CheckResult(chk.table, chk.check, chk.severity, "great_expectations", chk.description,
                               bool(r.success), n_rows[i], n_failed, _named(refs)))
    return out


@dataclass
class RowFailures:
    """A great-expectations check's failing rows as it reported them: positions in the frame checked, one
    description each (same order), and its own counts."""

    rows: list[int]
    refs: list[str]
    n_failed: int
    success: bool
    raised: bool


def _named(refs: list[str]) -> str | None:
    if not refs:
        return None
    refs = list(dict.fromkeys(refs))
    more = f"\n… and {len(refs) - MAX_NAMED} more" if len(refs) > MAX_NAMED else ""
    return "\n".join(refs[:MAX_NAMED]) + more


# ----------------------------------------------------------------------------------------------
# Rules over several rows


def _rule(table, check, severity, description, n_checked, failures: list[str]) -> CheckResult:
    return CheckResult(table, check, severity, "rule", description, not failures, n_checked, len(failures),
                       _named(failures))


def _sum_rule(obs: pd.DataFrame, table: str, check: str, total: str, parts: tuple[str, ...], tol_abs: float,
              tol_rel: float, description: str) -> CheckResult:
    """Within one source, unit and period: sum(parts) equals total within rounding."""
    sub = obs[obs["indicator"].isin((total, *parts)) & obs["value"].notna() & (obs["period_type"] == "year")]
    wide = sub.pivot_table(index=["source_id", "unit_code", "period", "unit"], columns="indicator", values="value",
                           aggfunc="first")
    failures, n = [], 0
    if all(c in wide.columns for c in (total, *parts)):
        full = wide.dropna(subset=[total, *parts])
        n = len(full)
        sums = full[parts[0]]
        for p in parts[1:]:
            sums = sums + full[p]  # left to right, as written in the message
        tol = (full[total].abs() * tol_rel).clip(lower=tol_abs)
        bad = ~np.isfinite(sums) | ((sums - full[total]).abs() > tol)
        for (sid, unit_code, period, unit), s, t in zip(full.index[bad], sums[bad], full[total][bad], strict=True):
            failures.append(f"{unit_code} {period} ({unit}): {' + '.join(parts)} = {s:.10g} but {total} = "
                            f"{t:.10g} (difference {s - t:+.4g}; source {sid[:12]})")
    return _rule(table, check, "warning", description, n, failures)


def rule_checks(obs: pd.DataFrame) -> list[CheckResult]:
    t = "observations"
    return [
        _sum_rule(obs, t, f"{t}.sectors_sum_to_gdp", "gdp", ("va_primary", "va_secondary", "va_tertiary"), 0.3, 0.005,
                  "within one source: primary + secondary + tertiary value added = GDP (within 0.5 % or 0.3)"),
        _sum_rule(obs, t, f"{t}.exports_plus_imports", "trade_total", ("exports", "imports"), 0.02, 0.005,
                  "within one source: exports + imports = trade total (within 0.5 % or 0.02)"),
        _sum_rule(obs, t, f"{t}.structure_sums_to_100", "_hundred",
                  ("structure_primary", "structure_secondary", "structure_tertiary"), 0.5, 0.0,
                  "within one source: the three-sector structure sums to 100 (within 0.5)"),
    ]


def _add_bounds(frame: pd.DataFrame, cat: Catalog, *, by_level: bool) -> None:
    """Columns _min/_max: each row's plausible range (unbounded when its indicator has none)."""
    ranges = {(r.indicator, r.unit, r.level): (r.min, r.max) for r in load_plausible_ranges(cat=cat)}
    levels = frame["_level"].tolist() if by_level else ["any"] * len(frame)
    # .tolist() first: iterating Arrow-backed columns value by value is ~10x slower
    found = [ranges.get((i, u, lv)) or ranges.get((i, u, "any")) or (-math.inf, math.inf)
             for i, u, lv in zip(frame["indicator"].tolist(), frame["unit"].tolist(), levels, strict=True)]
    frame["_min"] = [f[0] for f in found]
    frame["_max"] = [f[1] for f in found]


def run_suites_in_turn(run_gx: Callable, suites: dict[str, tuple]) -> dict[str, list[CheckResult]]:
    """Each table's great-expectations suite, one after the other (`validate_tables`'s default)."""
    return {name: run_gx(*args) for name, args in suites.items()}


def validate_tables(observations: pd.DataFrame, panel: pd.DataFrame, cat: Catalog,
                    indicators: pd.DataFrame | None = None, run_gx: Callable | None = None,
                    run_suites: Callable | None = None) -> pd.DataFrame:
    """Run every check; returns the validation table (one row per check).

    `run_gx`: what runs a table's great-expectations checks (default `_run_gx`, same signature);
    validation/partial.py passes one that checks only a rerun's rows and reuses the parent release's.
    `run_suites(run_gx, suites)`: what runs the tables' suites (name -> `run_gx`'s arguments) and returns each
    one's results by name (default: one after the other, here); the validation helper runs two at once."""
    obs = observations.copy(deep=False)  # copy-on-write: the helper columns below do not copy the table
    units, inds, measures = obs["unit_code"].tolist(), obs["indicator"].tolist(), obs["unit"].tolist()
    level = {u: _level(cat, u) for u in set(units)}
    obs["_level"] = [level[u] for u in units]
    obs["_category"] = [cat.indicators[i].category if i in cat.indicators else "" for i in inds]
    obs["_unit_ok"] = [i in cat.indicators and u in (cat.indicators[i].unit, *cat.indicators[i].alt_units)
                       for i, u in zip(inds, measures, strict=True)]
    _add_bounds(obs, cat, by_level=True)
    bounds = [GROWTH_WARN.get(c, GROWTH_WARN_DEFAULT) for c in obs["_category"].tolist()]
    obs["_gmin"] = [b[0] for b in bounds]
    obs["_gmax"] = [b[1] for b in bounds]
    pan = panel.copy(deep=False)
    _add_bounds(pan, cat, by_level=False)
    suites: dict[str, tuple] = {}
    if len(obs):
        suites["observations"] = (obs, observation_checks(cat), "observations", _describe_obs)
    if len(pan):
        suites["panel"] = (pan, panel_checks(cat), "panel", _describe_panel)
    ind = None
    if indicators is not None and len(indicators):
        ind = indicators.copy(deep=False)
        ind["_is_share"] = ind["indicator"].str.endswith("_share_pct") | (ind["indicator"] == "gdp_share_of_zones_pct")
        suites["indicators"] = (ind, indicator_checks(), "indicators", _describe_ind)
    done = (run_suites or run_suites_in_turn)(run_gx or _run_gx, suites)
    # the table's rows in the order they always had: observations, panel, the rules, indicators, their rules
    results = done.get("observations", []) + done.get("panel", [])
    hundred = obs[obs["indicator"] == "structure_primary"].assign(indicator="_hundred", value=100.0)
    results += rule_checks(pd.concat([obs, hundred], ignore_index=True))
    if ind is not None:
        results += done["indicators"]
        results += indicator_rules(ind)
    frame = pd.DataFrame([r.as_row() for r in results], columns=list(CheckResult.__dataclass_fields__))
    frame["failures"] = frame["failures"].astype(object).where(frame["failures"].notna(), None)
    return frame.astype({"success": bool, "n_checked": "int64", "n_failed": "int64"})


def blocking_failures(validation: pd.DataFrame) -> pd.DataFrame:
    return validation[(validation["severity"] == "blocking") & ~validation["success"]]
