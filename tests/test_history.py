"""What changed between releases: the one diff function behind the `changes` table and `releases diff`."""

from __future__ import annotations

import math

import pandas as pd

from warehouse.history import changes_between, diff, summarize
from warehouse.schemas import CHANGES, to_arrow

NAN = float("nan")


def _panel(rows: list[tuple]) -> pd.DataFrame:
    """(series_id, period, value, growth_pct, source_id, obs_ids, growth_obs_id) rows of gdp in 亿元."""
    return pd.DataFrame([{"series_id": s, "zone_id": "ruili" if s == "533102" else None, "period": p, "year": int(p),
                          "indicator": "gdp", "unit": "CNY_100M", "value": v, "growth_pct": g, "source_id": src,
                          "obs_ids": ids, "growth_obs_id": gid} for s, p, v, g, src, ids, gid in rows])


OLD = _panel([
    ("533102", "2019", 190.0, 5.0, "s1", "o1", None),  # unchanged
    ("533102", "2020", 201.0, 3.0, "s1", "o2", None),  # value revised
    ("150781", "2020", 170.0, 1.0, "s1", "o3", None),  # growth revised
    ("150781", "2019", 160.0, None, "s1", "o4", None),  # removed
    ("152501", "2020", None, 2.0, "s1", "o5", None),  # no value, same growth: unchanged
    ("231081", "2020", 100.0, None, "s1", "o6", None),  # a difference below 1e-12: unchanged
    ("231086", "2020", 80.0, 4.0, "s1", "o7", None),  # same numbers, another source: not listed
])
NEW = _panel([
    ("533102", "2019", 190.0, 5.0, "s1", "o1", None),
    ("533102", "2020", 203.0, 3.0, "s2", "o12", None),
    ("150781", "2020", 170.0, 1.5, "s1", "o3", "o13"),
    ("152501", "2020", NAN, 2.0, "s1", "o5", None),
    ("231081", "2020", 100.0 + 1e-14, None, "s1", "o6", None),
    ("231086", "2020", 80.0, 4.0, "s9", "o19", None),
    ("654201", "2020", 50.0, None, "s3", "o20", None),  # added
])


def test_diff_lists_added_removed_and_revised_rows_with_both_sides():
    d = diff(OLD, NEW, "panel")
    assert list(d.columns) == CHANGES.names
    by = {r["row_id"]: r for r in d.to_dict("records")}
    # the fixture is in a format-1 release's plain codes: diff compares (and names rows) in today's ids
    assert set(by) == {"unit:533102/2020/gdp/CNY_100M", "unit:150781/2020/gdp/CNY_100M",
                       "unit:150781/2019/gdp/CNY_100M", "unit:654201/2020/gdp/CNY_100M"}
    v = by["unit:533102/2020/gdp/CNY_100M"]
    assert (v["change"], v["revised_fields"], v["old_value"], v["new_value"]) == ("revised", "value", 201.0, 203.0)
    assert (v["old_source_id"], v["new_source_id"], v["old_inputs"], v["new_inputs"]) == ("s1", "s2", "o2", "o12")
    assert (v["series_id"], v["zone_id"], v["period"], v["year"], v["basis"]) == ("unit:533102", "ruili", "2020", 2020,
                                                                                   None)
    g = by["unit:150781/2020/gdp/CNY_100M"]
    assert (g["change"], g["revised_fields"], g["old_growth_pct"], g["new_growth_pct"]) == ("revised", "growth_pct",
                                                                                              1.0, 1.5)
    assert g["new_inputs"] == "o3;o13"  # the growth rate's own observation is named too
    r = by["unit:150781/2019/gdp/CNY_100M"]
    assert r["change"] == "removed" and r["old_value"] == 160.0 and math.isnan(r["new_value"])
    assert r["new_source_id"] is None and r["new_inputs"] is None and r["revised_fields"] is None
    a = by["unit:654201/2020/gdp/CNY_100M"]
    assert a["change"] == "added" and math.isnan(a["old_value"]) and a["old_source_id"] is None
    assert list(d["row_id"]) == sorted(d["row_id"])
    to_arrow(d, CHANGES)  # fits the contract


def test_a_categorical_indicator_revised_by_its_text_alone():
    def ind(text: str, value: float) -> pd.DataFrame:
        return pd.DataFrame([{"zone_id": "ruili", "basis": "host", "year": 2020, "indicator": "dominant_sector",
                              "value": value, "value_text": text, "unit": "PCT", "inputs": "a;b"}])

    d = diff(ind("secondary", 48.0), ind("tertiary", 48.0), "indicators")
    assert d[["row_id", "change", "revised_fields", "old_value_text", "new_value_text", "period"]].values.tolist() == [
        ["ruili/host/2020/dominant_sector", "revised", "value_text", "secondary", "tertiary", "2020"]]
    assert d.loc[0, "series_id"] is None and d.loc[0, "old_inputs"] == "a;b"
    assert diff(ind("tertiary", 48.0), ind("tertiary", 48.0), "indicators").empty


def test_a_first_release_lists_every_row_as_added():
    ind = pd.DataFrame([{"zone_id": "ALL", "basis": "host", "year": 2020, "indicator": "gdp_share_of_zones_pct",
                         "value": 100.0, "value_text": None, "unit": "PCT", "inputs": "x"}])
    c = changes_between({}, {"panel": NEW, "indicators": ind})
    assert len(c) == len(NEW) + 1 and set(c["change"]) == {"added"}
    assert set(c["table_name"]) == {"panel", "indicators"}
    assert c["old_value"].isna().all() and c["old_inputs"].isna().all()
    assert changes_between({"panel": NEW, "indicators": ind}, {"panel": NEW, "indicators": ind}).empty


def test_summary_counts_per_zone_and_indicator(cat):
    s = summarize(diff(OLD, NEW, "panel"), cat)
    rows = {(r["zone"], r["indicator"]): (r["added"], r["removed"], r["revised"]) for r in s.to_dict("records")}
    assert rows == {("ruili", "gdp"): (0, 0, 1), ("manzhouli", "gdp"): (0, 1, 1), ("tacheng", "gdp"): (1, 0, 0)}
