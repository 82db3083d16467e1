"""Typed, frozen records of the catalog. Every model forbids unknown fields so that a typo in a data
file is an error, not a silently ignored column."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Qualifier = Literal["estimate", "preliminary", "approximate", "lower_bound", "cumulative"]
PriceBasis = Literal["current", "comparable"]
SourceKind = Literal[
    "bulletin",
    "census_bulletin",
    "yearbook",
    "government_site",
    "work_report",
    "official_media",
    "news",
    "reference_work",
    "paper",
    "secondary",
]
UnitLevel = Literal["prefecture", "county_city", "county", "district", "zone_scope"]
# What kind of site an address is (the shared reference file's `url_kind`): a government site, a news
# organisation, a site that collects bulletins, an encyclopedia / wiki / academic site, or an unrelated site
# reproducing the text (the document cited is then the one the citation names, never the site).
UrlKind = Literal["official", "media", "aggregator", "reference", "repost"]
QUALIFIERS = get_args(Qualifier)
PRICE_BASES = get_args(PriceBasis)
SOURCE_KINDS = get_args(SourceKind)
UNIT_LEVELS = get_args(UnitLevel)
URL_KINDS = get_args(UrlKind)

# A period is a year (2020), a span of months (2020-01/2020-07), a span of years (2016/2020) or a
# span with an open start (../2022-04: a cumulative figure "to April 2022").
_YEAR = r"(?:19|20)\d{2}"
_MONTH = rf"{_YEAR}-(?:0[1-9]|1[0-2])"
PERIOD_RE = re.compile(rf"^(?:{_YEAR}|{_MONTH}/{_MONTH}|{_YEAR}/{_YEAR}|\.\./(?:{_MONTH}|{_YEAR}))$")


def check_period(value: str) -> str:
    """Validate a period string and return it unchanged.

    >>> check_period("2020-01/2020-07")
    '2020-01/2020-07'
    >>> check_period("2020-13")
    Traceback (most recent call last):
    ...
    ValueError: malformed period '2020-13': use 2020, 2020-01/2020-07, 2016/2020 or ../2022-04
    """
    if not PERIOD_RE.match(value):
        raise ValueError(
            f"malformed period {value!r}: use 2020, 2020-01/2020-07, 2016/2020 or ../2022-04"
        )
    if "/" in value and not value.startswith(".."):
        start, end = value.split("/")
        if start > end:
            raise ValueError(f"malformed period {value!r}: start after end")
    return value


def period_end_year(period: str) -> int:
    """The calendar year in which a period ends.

    >>> period_end_year("2016/2020"), period_end_year("2023-01/2023-06"), period_end_year("2019")
    (2020, 2023, 2019)
    """
    return int(period.split("/")[-1][:4])


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class MeasureUnit(Frozen):
    code: str
    name_zh: str
    name_en: str
    family: str
    base_multiple: int


class RawUnit(Frozen):
    raw: str
    family: str
    base_multiple: int
    note: str = ""


class Unit(Frozen):
    unit_code: str
    name_zh: str
    name_en: str
    level: UnitLevel
    parent_code: str | None = None
    province: str
    note: str = ""


class UnitName(Frozen):
    unit_code: str
    name: str
    kind: Literal["official", "former", "short"]
    code_then: str | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    note: str = ""


class Zone(Frozen):
    zone_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    established: int = Field(ge=2000, le=2100)
    province: str
    neighbours: tuple[str, ...]
    host_units: tuple[str, ...] = Field(min_length=1)
    paper_units: tuple[str, ...] = ()
    zone_scope_unit: str | None = None
    note: str = ""


class Indicator(Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    unit: str
    alt_units: tuple[str, ...] = ()
    additive: bool
    extract: bool = False
    category: str
    aliases: tuple[str, ...] = ()
    start_aliases: tuple[str, ...] = ()
    table_aliases: tuple[str, ...] = ()
    lookalikes: tuple[str, ...] = ()


class FxRate(Frozen):
    year: int
    currency: Literal["USD"]
    cny_per_unit: float = Field(gt=0)
    basis: str
    source: str


class CuratedFigure(Frozen):
    """One hand-entered published figure with its citation (a row of a curated CSV)."""

    unit_code: str
    unit_name: str
    period: str
    indicator: str
    value: float | None = None
    unit: str
    growth_pct: float | None = None
    qualifier: Qualifier | None = None
    price_basis: PriceBasis | None = None
    value_raw: str = ""
    source_kind: SourceKind
    source_title: str
    source_url: str = ""
    url_kind: UrlKind | None = None  # what site source_url is; an optional column (null: not stated)
    published: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _kind_needs_url(self) -> CuratedFigure:
        if self.url_kind is not None and not self.source_url:
            raise ValueError(f"url_kind {self.url_kind!r} is given but source_url is empty: url_kind says what "
                             "site the address is")
        return self

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return check_period(v)

    @field_validator("published")
    @classmethod
    def _published(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", v):
            raise ValueError(f"malformed date {v!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in v.split("-")] + [1, 1]
        date(parts[0], parts[1], parts[2])  # raises on 2020-13 or 2021-02-30
        return v

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not re.match(r"^https?://", v):
            raise ValueError(f"source_url {v!r} is not an http(s) URL")
        return v


class PaperClaim(Frozen):
    claim_id: str
    zone_id: str
    indicator: str
    base_year: int | None = None
    year: int
    value: float | None = None
    unit: str
    formula: str
    text_location: str
    tolerance: float | None = Field(default=None, ge=0)  # absolute, in the claim's unit; else the report's rule


class PlausibleRange(Frozen):
    """Bounds a value must lie within for its indicator, unit and level of unit (validation)."""

    indicator: str
    unit: str
    level: Literal["any", "county", "prefecture"]
    min: float
    max: float
    note: str = ""
