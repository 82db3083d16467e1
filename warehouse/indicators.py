"""The paper's derived indicators (李光辉, 程仕杰 2022), for every zone and year, from the panel.

Two bases: `host` measures each zone by its own host units (the panel's `zone:<id>` series);
`paper2022` by the units the paper uses (防城港市, `unit:450600`, for 东兴; 绥芬河市 + 东宁市 summed), only for the
seven zones the paper covers. `ALL` is the aggregate of a basis's set of zones.

Every value records its method, base year and the panel rows it was computed from (`inputs`: ids
`series_id/period/indicator/unit`). A value whose inputs are missing is not computed: the
`not_computable` table names what is missing. Nothing is imputed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from catalog import Catalog
from warehouse.ids import unit_id, zone_series_id
from warehouse.schemas import INDICATORS, NOT_COMPUTABLE, records

SECTORS = ("va_primary", "va_secondary", "va_tertiary")
SECTOR_NAMES = {"va_primary": "primary", "va_secondary": "secondary", "va_tertiary": "tertiary"}
LEVEL_INDICATORS = ("gdp", *SECTORS, "trade_total", "fiscal_revenue", "fiscal_expenditure")
COVID_YEAR = 2020
BASES = ("host", "paper2022")


def panel_row_id(series_id: str, period: str, indicator: str, unit: str) -> str:
    """The id of a panel row, as listed in `inputs`.

    >>> panel_row_id("zone:ruili", "2020", "gdp", "CNY_100M")
    'zone:ruili/2020/gdp/CNY_100M'
    """
    return f"{series_id}/{period}/{indicator}/{unit}"


@dataclass(frozen=True)
class Cell:
    value: float | None  # None: only a growth rate was published
    unit: str
    row_id: str
    growth_pct: float | None
    vintage: str | None
    source_id: str


@dataclass
class Series:
    """One zone's values under one basis: (indicator, year) -> cells by unit of measure."""

    zone_id: str
    basis: str
    series_id: str | None  # None when the basis cannot measure the zone (reason in `why_not`)
    established: int
    cells: dict[tuple[str, int], dict[str, Cell]] = field(default_factory=dict)
    why_not: str | None = None

    def get(self, indicator: str, year: int, unit: str) -> Cell | None:
        """The level of an indicator in a year, or None when no value was published."""
        c = self.cells.get((indicator, year), {}).get(unit)
        return c if c is not None and c.value is not None else None

    def growth(self, indicator: str, year: int, unit: str) -> Cell | None:
        """The cell of a year's growth rate, or None when no rate was published."""
        c = self.cells.get((indicator, year), {}).get(unit)
        return c if c is not None and c.growth_pct is not None else None

    def years(self) -> list[int]:
        return sorted({y for (_, y) in self.cells})


class Builder:
    """Collects indicator rows and not-computable entries."""

    def __init__(self, policy: str):
        self.policy = policy
        self.rows: list[dict] = []
        self.missing: list[dict] = []

    def add(self, zone_id, basis, year, indicator, value, unit, method, inputs, base_year=None, fx_rate=None,
            value_text=None):
        self.rows.append({"zone_id": zone_id, "basis": basis, "year": year, "indicator": indicator,
                          "value": float(value) if value is not None else None, "value_text": value_text,
                          "unit": unit, "base_year": base_year, "method": method, "vintage_policy": self.policy,
                          "inputs": ";".join(dict.fromkeys(inputs)), "fx_rate": fx_rate})

    def miss(self, zone_id, basis, year, indicator, missing: list[str], reason: str | None = None):
        self.missing.append({"zone_id": zone_id, "basis": basis, "year": year, "indicator": indicator,
                             "missing_inputs": "; ".join(missing), "reason": reason})


def series_for(cat: Catalog, zone_id: str, basis: str) -> tuple[str | None, str | None]:
    """The panel series that measures a zone under a basis, or None and why not.

    >>> from catalog import load_catalog
    >>> cat = load_catalog()
    >>> series_for(cat, "ruili", "host"), series_for(cat, "dongxing", "paper2022")
    (('zone:ruili', None), ('unit:450600', None))
    >>> series_for(cat, "baise", "paper2022")
    (None, 'the 2022 paper does not cover this zone (set up in 2020)')
    """
    z = cat.zones[zone_id]
    if basis == "host":
        return zone_series_id(zone_id), None
    if not z.paper_units:
        return None, "the 2022 paper does not cover this zone (set up in 2020)"
    if set(z.paper_units) == set(z.host_units):
        return zone_series_id(zone_id), None
    if len(z.paper_units) == 1:
        return unit_id(z.paper_units[0]), None
    return None, "the paper's units for this zone differ from its host units and are several"  # not in the catalog


def _usable(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel rows the indicators read: annual, not in conflict, a level or a rate, a level indicator."""
    return panel[(panel["period_type"] == "year") & (panel["status"] == "ok")
                 & (panel["value"].notna() | panel["growth_pct"].notna()) & panel["indicator"].isin(LEVEL_INDICATORS)]


def _fill(s: Series, rows: list[dict]) -> Series:
    for r in rows:
        g = r["growth_pct"]
        v = r["value"]
        s.cells.setdefault((r["indicator"], int(r["year"])), {})[r["unit"]] = Cell(
            None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v), r["unit"],
            panel_row_id(s.series_id, r["period"], r["indicator"], r["unit"]),
            None if g is None or (isinstance(g, float) and math.isnan(g)) else float(g),
            None if r["vintage"] is None or (isinstance(r["vintage"], float)) else str(r["vintage"]),
            r["source_id"])
    return s


def load_series(panel: pd.DataFrame, cat: Catalog, basis: str) -> dict[str, Series]:
    usable = _usable(panel)
    wanted = {zone_id: series_for(cat, zone_id, basis) for zone_id in cat.zones}
    usable = usable[usable["series_id"].isin({sid for sid, _ in wanted.values() if sid})]
    by_series: dict[str, list[dict]] = {}
    for r in records(usable):
        by_series.setdefault(r["series_id"], []).append(r)
    out = {}
    for zone_id, z in cat.zones.items():
        sid, why = wanted[zone_id]
        out[zone_id] = _fill(Series(zone_id, basis, sid, z.established, why_not=why),
                             by_series.get(sid, []) if sid else [])
    return out


def rows_by_series(panel: pd.DataFrame) -> dict[str, list[dict]]:
    """The panel rows the indicators read, grouped by series_id (for `series_of`)."""
    out: dict[str, list[dict]] = {}
    for r in records(_usable(panel)):
        out.setdefault(r["series_id"], []).append(r)
    return out


def series_of(rows: dict[str, list[dict]], cat: Catalog, zone_id: str, series_id: str, basis: str,
              established: int | None = None) -> Series:
    """Any panel series measured as zone `zone_id` from `established` (default: the zone's establishment
    year), e.g. the zone's own statistical scope, to compute the paper's measures on a scope other than the
    basis's. `rows`: `rows_by_series(panel)`."""
    return _fill(Series(zone_id, basis, series_id, established or cat.zones[zone_id].established),
                 rows.get(series_id, []))


def _pct_change(new: float, old: float) -> float:
    return (new / old - 1.0) * 100.0


def _in_cny(s: Series, indicator: str, year: int, cat: Catalog) -> tuple[float, str, float | None] | None:
    """A level in 亿元: as published, or converted from 亿美元 at the year's average rate."""
    c = s.get(indicator, year, "CNY_100M")
    if c is not None:
        return c.value, c.row_id, None
    c = s.get(indicator, year, "USD_100M")
    if c is not None and year in cat.fx_rates:
        rate = cat.fx_rates[year].cny_per_unit
        return c.value * rate, c.row_id, rate
    return None


def _same_currency_pair(s: Series, indicator: str, y0: int, y1: int) -> tuple[Cell, Cell] | None:
    for unit in ("CNY_100M", "USD_100M"):
        a, b = s.get(indicator, y0, unit), s.get(indicator, y1, unit)
        if a is not None and b is not None:
            return a, b
    return None


def _currency_gap(s: Series, sid: str, y0: int, y1: int) -> tuple[list[str], str | None]:
    """What keeps a growth rate in the published currency from being computed: the missing years, or
    the two years being published in different currencies."""
    have = {y: [u for u in ("CNY_100M", "USD_100M") if s.get("trade_total", y, u)] for y in (y0, y1)}
    missing = [f"{sid} trade_total {y}" for y, units in have.items() if not units]
    if missing:
        return missing, None
    return [], f"trade_total is published in {have[y0][0]} in {y0} and in {have[y1][0]} in {y1}"


def zone_indicators(s: Series, cat: Catalog, b: Builder, years: list[int]) -> None:
    """The per-zone indicators of one series for the given years."""
    z, basis, est = s.zone_id, s.basis, s.established
    sid = s.series_id
    for y in years:
        # --- growth since establishment (the paper's method: nominal levels) and CAGR
        if y > est:
            for ind in ("gdp", *SECTORS):
                a, c = s.get(ind, est, "CNY_100M"), s.get(ind, y, "CNY_100M")
                code = f"{ind}_growth_since_establishment_pct"
                if a and c and a.value > 0:
                    b.add(z, basis, y, code, _pct_change(c.value, a.value), "PCT",
                          f"({ind}[{y}] / {ind}[{est}] - 1) * 100, nominal levels in 亿元 (the paper's method)",
                          [a.row_id, c.row_id], base_year=est)
                    if ind == "gdp":
                        cagr = ((c.value / a.value) ** (1 / (y - est)) - 1) * 100
                        b.add(z, basis, y, "gdp_cagr_since_establishment_pct", cagr, "PCT",
                              f"((gdp[{y}] / gdp[{est}]) ** (1 / {y - est}) - 1) * 100, nominal", [a.row_id, c.row_id],
                              base_year=est)
                else:
                    missing = [f"{sid} {ind} {yy} (亿元)" for yy, cc in ((est, a), (y, c)) if cc is None]
                    b.miss(z, basis, y, code, missing)
                    if ind == "gdp":
                        b.miss(z, basis, y, "gdp_cagr_since_establishment_pct", missing)
            # real growth: the official year-on-year rates chained from the establishment year
            cells = {t: s.growth("gdp", t, "CNY_100M") for t in range(est + 1, y + 1)}
            lacking = [t for t, c in cells.items() if c is None]
            if not lacking:
                prod = 1.0
                for t in range(est + 1, y + 1):
                    prod *= 1 + cells[t].growth_pct / 100
                b.add(z, basis, y, "gdp_real_growth_since_establishment_pct", (prod - 1) * 100, "PCT",
                      f"(prod over t = {est + 1}..{y} of (1 + gdp growth[t] / 100) - 1) * 100, official real rates",
                      [cells[t].row_id for t in range(est + 1, y + 1)], base_year=est)
            else:
                b.miss(z, basis, y, "gdp_real_growth_since_establishment_pct",
                       [f"{sid} gdp growth rate {t}" for t in lacking])
            # trade: in the published currency, and in yuan
            pair = _same_currency_pair(s, "trade_total", est, y)
            if pair:
                a, c = pair
                b.add(z, basis, y, "trade_growth_since_establishment_pct", _pct_change(c.value, a.value), "PCT",
                      f"(trade_total[{y}] / trade_total[{est}] - 1) * 100 in the published currency ({a.unit})",
                      [a.row_id, c.row_id], base_year=est)
            else:
                b.miss(z, basis, y, "trade_growth_since_establishment_pct", *_currency_gap(s, sid, est, y))
            a_c, c_c = _in_cny(s, "trade_total", est, cat), _in_cny(s, "trade_total", y, cat)
            if a_c and c_c:
                rates = [r for r in (a_c[2], c_c[2]) if r is not None]
                b.add(z, basis, y, "trade_growth_since_establishment_cny_pct", _pct_change(c_c[0], a_c[0]), "PCT",
                      f"(trade_total[{y}] / trade_total[{est}] - 1) * 100 in 亿元; dollar figures converted at each "
                      f"year's annual average rate", [a_c[1], c_c[1]], base_year=est,
                      fx_rate=c_c[2] if c_c[2] is not None else (rates[0] if rates else None))
            else:
                b.miss(z, basis, y, "trade_growth_since_establishment_cny_pct",
                       [f"{sid} trade_total {yy}" for yy, v in ((est, a_c), (y, c_c)) if v is None])
        # --- structure from levels
        parts = [s.get(ind, y, "CNY_100M") for ind in SECTORS]
        if all(parts):
            total = sum(p.value for p in parts)
            for ind, p in zip(SECTORS, parts, strict=True):
                b.add(z, basis, y, f"{ind}_share_pct", p.value / total * 100, "PCT",
                      f"{ind} / (va_primary + va_secondary + va_tertiary) * 100, levels",
                      [q.row_id for q in parts])
            top = max(zip(SECTORS, parts, strict=True), key=lambda t: t[1].value)
            b.add(z, basis, y, "dominant_sector", top[1].value / total * 100, "PCT",
                  "the sector with the largest value added; value is its share", [q.row_id for q in parts],
                  value_text=SECTOR_NAMES[top[0]])
        else:
            missing = [f"{sid} {ind} {y}" for ind, p in zip(SECTORS, parts, strict=True) if p is None]
            for ind in SECTORS:
                b.miss(z, basis, y, f"{ind}_share_pct", missing)
            b.miss(z, basis, y, "dominant_sector", missing)
        # --- fiscal self-sufficiency (both figures from the same publication date)
        rev, exp_ = s.get("fiscal_revenue", y, "CNY_100M"), s.get("fiscal_expenditure", y, "CNY_100M")
        if rev and exp_ and rev.vintage == exp_.vintage and exp_.value > 0:
            b.add(z, basis, y, "fiscal_self_sufficiency_pct", rev.value / exp_.value * 100, "PCT",
                  "fiscal_revenue / fiscal_expenditure * 100 (一般公共预算收入 / 支出), same vintage",
                  [rev.row_id, exp_.row_id])
        elif rev and exp_:
            b.miss(z, basis, y, "fiscal_self_sufficiency_pct", [],
                   f"revenue ({rev.vintage}) and expenditure ({exp_.vintage}) come from different vintages")
        else:
            b.miss(z, basis, y, "fiscal_self_sufficiency_pct",
                   [f"{sid} {ind} {y}" for ind, c in (("fiscal_revenue", rev), ("fiscal_expenditure", exp_))
                    if c is None])
        # --- trade to GDP, in yuan
        t_c, g = _in_cny(s, "trade_total", y, cat), s.get("gdp", y, "CNY_100M")
        if t_c and g:
            how = f"converted at {t_c[2]} yuan per dollar ({y} annual average)" if t_c[2] else "both in 亿元"
            b.add(z, basis, y, "trade_to_gdp_pct", t_c[0] / g.value * 100, "PCT",
                  f"trade_total / gdp * 100; {how}", [t_c[1], g.row_id], fx_rate=t_c[2])
        else:
            b.miss(z, basis, y, "trade_to_gdp_pct",
                   [f"{sid} {n} {y}" for n, v in (("trade_total", t_c), ("gdp", g)) if v is None])
        # --- the COVID shock: 2020 against 2019
        if y == COVID_YEAR:
            g0, g1 = s.get("gdp", y - 1, "CNY_100M"), g
            if g0 and g1:
                b.add(z, basis, y, "covid_shock_gdp_pct", _pct_change(g1.value, g0.value), "PCT",
                      "(gdp[2020] / gdp[2019] - 1) * 100, nominal", [g0.row_id, g1.row_id], base_year=y - 1)
            else:
                b.miss(z, basis, y, "covid_shock_gdp_pct",
                       [f"{sid} gdp {t}" for t, c in ((y - 1, g0), (y, g1)) if not c])
            pair = _same_currency_pair(s, "trade_total", y - 1, y)
            if pair:
                b.add(z, basis, y, "covid_shock_trade_pct", _pct_change(pair[1].value, pair[0].value), "PCT",
                      f"(trade_total[2020] / trade_total[2019] - 1) * 100 in the published currency ({pair[0].unit})",
                      [pair[0].row_id, pair[1].row_id], base_year=y - 1)
            else:
                b.miss(z, basis, y, "covid_shock_trade_pct", *_currency_gap(s, sid, y - 1, y))


def set_indicators(series: dict[str, Series], basis: str, b: Builder, years: list[int]) -> None:
    """Shares of the set's combined GDP, and the set's (ALL) structure from summed levels."""
    members = {z: s for z, s in series.items() if s.series_id is not None}
    for y in years:
        gdp = {z: s.get("gdp", y, "CNY_100M") for z, s in members.items()}
        lacking = [f"{members[z].series_id} gdp {y}" for z, c in gdp.items() if c is None]
        if not lacking:
            total = sum(c.value for c in gdp.values())
            ids = [c.row_id for c in gdp.values()]
            for z, c in gdp.items():
                b.add(z, basis, y, "gdp_share_of_zones_pct", c.value / total * 100, "PCT",
                      f"gdp / sum(gdp over the {len(gdp)} zones of the {basis} set) * 100", ids)
            b.add("ALL", basis, y, "gdp", total, "CNY_100M", f"sum of gdp over the {len(gdp)} zones", ids)
        else:
            for z in members:
                if gdp[z] is not None:
                    b.miss(z, basis, y, "gdp_share_of_zones_pct", lacking)
        sectors = {(z, ind): s.get(ind, y, "CNY_100M") for z, s in members.items() for ind in SECTORS}
        gaps = [f"{members[z].series_id} {ind} {y}" for (z, ind), c in sectors.items() if c is None]
        if not gaps:
            sums = {ind: sum(sectors[(z, ind)].value for z in members) for ind in SECTORS}
            total = sum(sums.values())
            ids = [c.row_id for c in sectors.values()]
            for ind in SECTORS:
                b.add("ALL", basis, y, f"{ind}_share_pct", sums[ind] / total * 100, "PCT",
                      f"sum({ind}) / sum(va_primary + va_secondary + va_tertiary) * 100 over the {len(members)} zones",
                      ids)
            top = max(SECTORS, key=lambda k: sums[k])
            b.add("ALL", basis, y, "dominant_sector", sums[top] / total * 100, "PCT",
                  "the sector with the largest summed value added; value is its share", ids,
                  value_text=SECTOR_NAMES[top])
        elif len(gaps) < len(sectors):
            for ind in SECTORS:
                b.miss("ALL", basis, y, f"{ind}_share_pct", gaps)


def compute_indicators(panel: pd.DataFrame, cat: Catalog, policy: str = "latest"
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load: the panel. Process: both bases, every zone, every year any input exists. Returns
    (indicators, not_computable)."""
    b = Builder(policy)
    for basis in BASES:
        series = load_series(panel, cat, basis)
        all_years = sorted({y for s in series.values() for y in s.years()})
        for s in series.values():
            if s.series_id is None:
                continue
            zone_indicators(s, cat, b, all_years)  # every year of the data, so gaps are listed too
        set_indicators(series, basis, b, all_years)
    ind = pd.DataFrame(b.rows, columns=INDICATORS.names)
    nc = pd.DataFrame(b.missing, columns=NOT_COMPUTABLE.names).drop_duplicates(
        ["zone_id", "basis", "year", "indicator"])
    return ind, nc
