"""zone_year: the analysis-ready table, one row per zone × basis × year with the core figures as columns.

What a BI user drags onto a chart. It adds nothing: every value is one row of the release's panel or
indicators, picked by the rule its column states (schemas.ZONE_YEAR_MEASURES):

- a `panel` column (gdp_cny_100m, trade_total_usd_100m, …) is the panel's `value` of the row
  (series_id, period = the year, indicator, unit) with status ok, where series_id is the row's
  `series_id`: the series that measures the zone under the basis (indicators.series_for);
  `panel_growth` columns (gdp_growth_pct) are that row's `growth_pct`;
- an `indicators` column is the indicators row (zone_id, basis, year, indicator): its `value`, or its
  `value_text` for dominant_sector.

Empty where the panel or indicators have no such row. Only annual periods; the aggregates of a basis's
set of zones (zone_id ALL) stay in indicators, so summing a column over zones never counts them twice.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from catalog import Catalog
from warehouse.indicators import BASES, series_for
from warehouse.schemas import ZONE_YEAR, ZONE_YEAR_MEASURES, records

_KEY = ("zone_id", "basis", "year")


def zone_year(panel: pd.DataFrame, indicators: pd.DataFrame, cat: Catalog) -> pd.DataFrame:
    """The zone_year table from a release's panel and indicators.

    >>> from catalog import load_catalog
    >>> cat = load_catalog()
    >>> panel = pd.DataFrame({"series_id": "zone:ruili", "period": "2020", "period_type": "year", "status": "ok",
    ...     "year": 2020, "indicator": ["gdp", "trade_total"], "unit": ["CNY_100M", "USD_100M"],
    ...     "value": [201.0, 12.5], "growth_pct": [-2.0, None]})
    >>> ind = pd.DataFrame({"zone_id": ["ruili", "ALL"], "basis": "host", "year": 2020,
    ...     "indicator": ["trade_to_gdp_pct", "gdp"], "value": [40.3, 900.0], "value_text": None})
    >>> zy = zone_year(panel, ind, cat)
    >>> zy[["zone_id", "basis", "year", "series_id", "gdp_cny_100m", "gdp_growth_pct"]].to_dict("records")
    [{'zone_id': 'ruili', 'basis': 'host', 'year': 2020, 'series_id': 'zone:ruili', 'gdp_cny_100m': 201.0,
      'gdp_growth_pct': -2.0},
     {'zone_id': 'ruili', 'basis': 'paper2022', 'year': 2020, 'series_id': 'zone:ruili', 'gdp_cny_100m': 201.0,
      'gdp_growth_pct': -2.0}]
    >>> zy[["trade_total_usd_100m", "trade_total_cny_100m", "trade_to_gdp_pct"]].to_dict("list")
    {'trade_total_usd_100m': [12.5, 12.5], 'trade_total_cny_100m': [nan, nan], 'trade_to_gdp_pct': [40.3, nan]}

    (瑞丽's paper2022 units are its host units: the same series, but the indicators row is the host basis's only)
    """
    measured: dict[str, list[tuple[str, str]]] = defaultdict(list)  # series_id -> the (zone, basis) it measures
    for zone_id in cat.zones:
        for basis in BASES:
            sid, _ = series_for(cat, zone_id, basis)
            if sid is not None:
                measured[sid].append((zone_id, basis))
    from_panel: dict[tuple[str, str], list] = defaultdict(list)  # (indicator, unit) -> its panel measures
    from_indicators: dict[str, list] = defaultdict(list)
    for m in ZONE_YEAR_MEASURES:
        if m.source.startswith("panel"):
            from_panel[(m.indicator, m.unit)].append(m)
        else:
            from_indicators[m.indicator].append(m)

    rows: dict[tuple, dict] = {}

    def row(zone_id: str, basis: str, year: int) -> dict:
        key = (zone_id, basis, year)
        if key not in rows:
            z = cat.zones[zone_id]
            sid, _ = series_for(cat, zone_id, basis)
            rows[key] = {"zone_id": zone_id, "basis": basis, "year": year, "name_zh": z.name_zh,
                         "name_en": z.name_en, "established": z.established, "series_id": sid}
        return rows[key]

    pairs = pd.Series(list(zip(panel["indicator"], panel["unit"], strict=True)), index=panel.index, dtype=object)
    usable = panel[(panel["period_type"] == "year") & (panel["status"] == "ok") & panel["series_id"].isin(measured)
                   & pairs.isin(from_panel)]
    for r in records(usable, ["series_id", "year", "indicator", "unit", "value", "growth_pct"]):
        for m in from_panel[(r["indicator"], r["unit"])]:
            v = r["growth_pct"] if m.source == "panel_growth" else r["value"]
            if v is None:
                continue
            for zone_id, basis in measured[r["series_id"]]:
                row(zone_id, basis, int(r["year"]))[m.column] = float(v)
    usable = indicators[indicators["zone_id"].isin(cat.zones) & indicators["indicator"].isin(from_indicators)]
    for r in records(usable, ["zone_id", "basis", "year", "indicator", "value", "value_text"]):
        for m in from_indicators[r["indicator"]]:
            v = r["value_text"] if m.source == "indicators_text" else r["value"]
            if v is not None:
                row(r["zone_id"], r["basis"], int(r["year"]))[m.column] = v if isinstance(v, str) else float(v)
    out = pd.DataFrame([rows[k] for k in sorted(rows)], columns=ZONE_YEAR.names)
    floats = [m.column for m in ZONE_YEAR_MEASURES if m.source != "indicators_text"]
    out[floats] = out[floats].astype("float64")
    return out.astype({"year": "int64", "established": "int64"})
