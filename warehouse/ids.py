"""The identifiers of the release tables (the BI contract), and their catalog forms.

BI tools guess a text column's type from its first rows (Power Query from 200, polars from 100): a
column whose first rows hold `533102` becomes a whole number and fails on `ZONE:ruili` further down,
and an id that only looks like a number (`0012345678901234`) loses its leading zeros. Case-insensitive
tools (Power BI, Excel lookups) also merge `ZONE:ruili` and `zone:ruili`. So every identifier in a
release table has a `kind:` prefix that is never numeric and tells the kinds apart by more than case:

    unit:533102          a statistical unit; its GB/T 2260 administrative code is the `adcode` column
    zone_scope:ruili     a zone's own statistical scope (试验区口径), a pseudo-unit without adcode
    zone:ruili           a zone computed from its host units (panel series only)
    obs:00f288800a36646d an observation (16 hex digits of its content hash)

The prefix of a panel series id is its `series_kind`. Source ids stay the bare sha256 of the document
(or citation): 64 hex digits look numeric with a probability of about 10⁻¹² and keep the archive path
`archive/<sha[:2]>/<sha>.*`. Zone ids (`ruili`) are lowercase words.

Inside the pipeline (catalog, source registry, curated CSVs, extraction, the rows a refresh collects)
units keep their catalog codes (`533102`, `ZONE:ruili`): the conversion is done once, when the release
tables are built (`release_observations`, `release_sources`), and undone for the rows a rerun carries
from its parent release (`catalog_observations`, `catalog_sources`). Both directions accept either form,
so the rows of a parent written before this scheme (plain codes, release formats 1 and 2) are migrated, never mixed.
"""

from __future__ import annotations

import re

import pandas as pd

UNIT = "unit:"
ZONE_SCOPE = "zone_scope:"
ZONE = "zone:"
OBS = "obs:"
# The identifier formats as the data dictionary lists them: (format, example, English, Chinese)
IDENTIFIERS: tuple[tuple[str, str, str, str], ...] = (
    ("unit:<adcode>", "unit:533102", "a statistical unit (observations/panel/sources.unit_code, panel.series_id, "
     "zones.host_units); its GB/T 2260 code is the integer column adcode",
     "统计单位；其行政区划代码另见整数列 adcode"),
    ("zone_scope:<zone_id>", "zone_scope:ruili", "a zone's own statistical scope (试验区口径), a unit without adcode",
     "试验区口径（无行政区划代码）"),
    ("zone:<zone_id>", "zone:ruili", "a zone computed from its host units (panel.series_id, zone_year.series_id)",
     "由东道单位汇总的试验区序列"),
    ("<zone_id>", "ruili", "a zone (zone_id columns): a lowercase word", "试验区标识（小写英文）"),
    ("obs:<16 hex>", "obs:00f288800a36646d", "an observation (observations.obs_id, panel.obs_ids)", "观测行标识"),
    ("<64 hex>", "86e7438a…39cba", "a source: sha256 of the archived document or of a curated figure's citation",
     "来源标识：存档文件或引文的 sha256"),
)
_CATALOG_ZONE_SCOPE = "ZONE:"  # the catalog's code of a zone-scope pseudo-unit (units.csv, curated files)
_ADCODE = re.compile(r"[1-9]\d{5}")

# What a type guesser reads as a number: an integer, a decimal or scientific-notation float, with an optional
# sign, thousands separators and a percent sign, or the float words. The test suite applies it to every CSV twin.
_NUMERIC = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?|[+-]?(inf|infinity|nan)", re.IGNORECASE)


def looks_numeric(text: str) -> bool:
    """True when a type guesser (Power Query, polars, pandas, DuckDB) may read the text as a number.

    >>> [looks_numeric(s) for s in ("533102", "1.5e3", "-3,200.5", " 12 ", "NaN", "1234e5678", "12%")]
    [True, True, True, True, True, True, True]
    >>> [looks_numeric(s) for s in ("unit:533102", "zone:ruili", "obs:0012345678901234", "2020-01/2020-07", "")]
    [False, False, False, False, False]
    """
    return bool(_NUMERIC.fullmatch(text.strip()))


def unit_id(code: str | None) -> str | None:
    """The release id of a unit from its catalog code (a release id is returned unchanged).

    >>> unit_id("533102"), unit_id("ZONE:ruili"), unit_id("unit:533102"), unit_id("zone_scope:ruili"), unit_id(None)
    ('unit:533102', 'zone_scope:ruili', 'unit:533102', 'zone_scope:ruili', None)
    """
    if code is None or code.startswith((UNIT, ZONE_SCOPE)):
        return code
    if code.startswith(_CATALOG_ZONE_SCOPE):
        return ZONE_SCOPE + code.removeprefix(_CATALOG_ZONE_SCOPE)
    return UNIT + code


def catalog_code(uid: str | None) -> str | None:
    """The catalog code of a unit from its release id (a catalog code is returned unchanged).

    >>> [catalog_code(c) for c in ("unit:533102", "zone_scope:ruili", "533102", "ZONE:ruili")]
    ['533102', 'ZONE:ruili', '533102', 'ZONE:ruili']
    """
    if uid is None:
        return None
    if uid.startswith(ZONE_SCOPE):
        return _CATALOG_ZONE_SCOPE + uid.removeprefix(ZONE_SCOPE)
    return uid.removeprefix(UNIT)


def adcode(code: str | None) -> int | None:
    """The GB/T 2260 administrative code of a unit (catalog code or release id); None for a zone's scope.

    >>> adcode("unit:533102"), adcode("533102"), adcode("zone_scope:ruili"), adcode("ZONE:ruili"), adcode(None)
    (533102, 533102, None, None, None)
    """
    c = catalog_code(code)
    return int(c) if c is not None and _ADCODE.fullmatch(c) else None


def series_id(sid: str | None) -> str | None:
    """The release id of a panel series, from this scheme or the plain one of older releases.

    >>> [series_id(s) for s in ("533102", "ZONE:ruili", "zone:ruili", "unit:533102", "zone_scope:ruili")]
    ['unit:533102', 'zone_scope:ruili', 'zone:ruili', 'unit:533102', 'zone_scope:ruili']
    """
    return sid if sid is None or sid.startswith(ZONE) else unit_id(sid)


def release_keys(df: pd.DataFrame) -> pd.DataFrame:
    """A release table's identifier columns (series_id, unit_code, obs_id) in this scheme, whichever release
    format wrote it: what makes rows of an older release comparable with today's (`releases diff`).

    >>> old = pd.DataFrame({"series_id": ["533102", "ZONE:ruili", "zone:ruili"], "unit_code": ["533102",
    ...     "ZONE:ruili", None]})
    >>> release_keys(old).to_dict("list")
    {'series_id': ['unit:533102', 'zone_scope:ruili', 'zone:ruili'],
     'unit_code': ['unit:533102', 'zone_scope:ruili', None]}
    """
    fns = {"series_id": series_id, "unit_code": unit_id, "obs_id": obs_id}
    return df.assign(**{c: _map(df[c], fn) for c, fn in fns.items() if c in df.columns})


def zone_series_id(zone_id: str) -> str:
    """>>> zone_series_id("ruili")
    'zone:ruili'
    """
    return ZONE + zone_id


def obs_id(digest: str) -> str:
    """The release id of an observation (idempotent).

    >>> obs_id("0012345678901234"), obs_id("obs:0012345678901234")
    ('obs:0012345678901234', 'obs:0012345678901234')
    """
    return digest if digest.startswith(OBS) else OBS + digest


def obs_digest(oid: str) -> str:
    """>>> obs_digest("obs:00f288800a36646d"), obs_digest("00f288800a36646d")
    ('00f288800a36646d', '00f288800a36646d')
    """
    return oid.removeprefix(OBS)


def unit_list(codes: tuple[str, ...] | list[str]) -> str | None:
    """A ';'-separated list of unit release ids (zones.host_units and the like).

    >>> unit_list(("231081", "231086")), unit_list(())
    ('unit:231081;unit:231086', None)
    """
    return ";".join(unit_id(c) for c in codes) or None


def _map(s: pd.Series, fn) -> pd.Series:
    """A text column mapped value by value through `fn`, one call per distinct value, missing kept missing."""
    values = s.astype(object).where(s.notna(), None)
    cache = {v: fn(v) for v in pd.unique(values.dropna())}
    return pd.Series([None if v is None else cache[v] for v in values.tolist()], index=s.index, dtype=object)


def _with_adcode(df: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    return df.assign(unit_code=ids, adcode=pd.array(_map(ids, adcode).tolist(), dtype="Int64"))


def release_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Observation rows with release ids: unit_code as `unit:…` / `zone_scope:…`, its `adcode`, `obs:` ids.

    >>> o = release_observations(pd.DataFrame({"obs_id": ["ab12"], "unit_code": ["533102"]}))
    >>> o.to_dict("records")
    [{'obs_id': 'obs:ab12', 'unit_code': 'unit:533102', 'adcode': 533102}]
    """
    out = _with_adcode(obs, _map(obs["unit_code"], unit_id))
    return out.assign(obs_id=_map(out["obs_id"], obs_id))


def catalog_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Observation rows of a release (this scheme or the plain one of older releases) in the catalog's codes: what
    a rerun's fresh rows look like before they are built into a release (`adcode` is set again then).

    >>> o = release_observations(pd.DataFrame({"obs_id": ["ab12"], "unit_code": ["ZONE:ruili"]}))
    >>> catalog_observations(o).to_dict("records")
    [{'obs_id': 'ab12', 'unit_code': 'ZONE:ruili', 'adcode': None}]
    >>> catalog_observations(pd.DataFrame({"obs_id": ["ab12"], "unit_code": ["533102"]})).to_dict("records")
    [{'obs_id': 'ab12', 'unit_code': '533102', 'adcode': None}]
    """
    return obs.assign(unit_code=_map(obs["unit_code"], catalog_code), obs_id=_map(obs["obs_id"], obs_digest),
                      adcode=None)


def release_sources(src: pd.DataFrame) -> pd.DataFrame:
    """Source rows with the unit as a release id and its adcode."""
    return _with_adcode(src, _map(src["unit_code"], unit_id))


def catalog_sources(src: pd.DataFrame) -> pd.DataFrame:
    """Source rows of a release (either scheme) in the catalog's codes (`adcode` empty, set again on the way out)."""
    return src.assign(unit_code=_map(src["unit_code"], catalog_code), adcode=None)
