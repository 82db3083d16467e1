"""Load the catalog's data files into frozen models, with errors that name the file, row and field."""

from __future__ import annotations

import csv
import functools
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from catalog.models import (
    CuratedFigure,
    FxRate,
    Indicator,
    MeasureUnit,
    PaperClaim,
    PlausibleRange,
    RawUnit,
    Unit,
    UnitName,
    Zone,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_CURATED = DATA_DIR / "curated" / "published_figures.csv"
PAPER_CLAIMS = DATA_DIR / "reference" / "paper_claims.csv"
PLAUSIBLE_RANGES = DATA_DIR / "plausible_ranges.csv"

M = TypeVar("M", bound=BaseModel)


class CatalogError(ValueError):
    """A data file that does not load. ``problems`` lists every bad row, not only the first."""

    def __init__(self, path: Path | str, problems: Sequence[str]):
        self.path = str(path)
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{shown}{more}")


def _drop_blanks(row: dict[str, Any]) -> dict[str, Any]:
    """Blank cells take the field's default (None or ""); a blank required field is then reported as
    missing."""
    return {k: v for k, v in row.items() if not (isinstance(v, str) and v.strip() == "")}


def _describe(err: ValidationError, row_no: int) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(row)"
        msg = e["msg"].removeprefix("Value error, ")
        got = e.get("input")
        shown = f" (got {got!r})" if got is not None and not isinstance(got, dict) else ""
        out.append(f"row {row_no}, field {loc}: {msg}{shown}")
    return out


def read_csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a UTF-8 CSV (BOM tolerated) with their line numbers (header is line 1)."""
    if not path.exists():
        raise CatalogError(path, ["file not found"])
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for row in reader:
            if None in row:
                raise CatalogError(path, [f"row {reader.line_num}: more cells than header columns"])
            rows.append((reader.line_num, row))
        return rows


def load_models(
    path: Path, model: type[M], rows: Iterable[tuple[int, dict[str, Any]]] | None = None
) -> list[M]:
    problems: list[str] = []
    out: list[M] = []
    for row_no, row in rows if rows is not None else read_csv_rows(path):
        try:
            out.append(model.model_validate(_drop_blanks(row)))
        except ValidationError as err:
            problems.extend(_describe(err, row_no))
    if problems:
        raise CatalogError(path, problems)
    return out


def _split_list(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    row = dict(row)
    for k in keys:
        v = row.get(k) or ""
        row[k] = tuple(x.strip() for x in v.split(";") if x.strip())
    return row


@dataclass(frozen=True, eq=False)  # hashed by identity, so per-catalog caches work
class Catalog:
    zones: dict[str, Zone]
    units: dict[str, Unit]
    unit_names: tuple[UnitName, ...]
    indicators: dict[str, Indicator]
    measure_units: dict[str, MeasureUnit]
    raw_units: dict[str, RawUnit]
    fx_rates: dict[int, FxRate]
    data_dir: Path = field(default=DATA_DIR)

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise KeyError(f"unknown unit code {code!r}") from None

    def names_for(self, unit_code: str) -> list[UnitName]:
        return [n for n in self.unit_names if n.unit_code == unit_code]

    def display_name(self, unit_code: str | None) -> str | None:
        return self.units[unit_code].name_zh if unit_code in self.units else None

    def canonical_unit(self, indicator: str, family: str) -> str | None:
        """The unit an indicator is stored in for a raw unit family (cny, usd, persons…), or None
        when the indicator is never measured in that family."""
        ind = self.indicators[indicator]
        for code in (ind.unit, *ind.alt_units):
            if self.measure_units[code].family == family:
                return code
        return None

    def zone_units(self, zone_id: str) -> tuple[str, ...]:
        """Every unit whose figures a zone's refresh covers: its host units, the paper's units, the
        zone-scope unit, the host units' parents, and the children of all of these (districts).

        A unit can belong to two zones; a refresh of either covers it.
        """
        return self._membership[0][zone_id]

    def zones_of_unit(self, unit_code: str) -> tuple[str, ...]:
        return self._membership[1].get(unit_code, ())

    @functools.cached_property
    def _membership(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        children: dict[str, list[str]] = {}
        for u in self.units.values():
            if u.parent_code and u.level != "zone_scope":
                children.setdefault(u.parent_code, []).append(u.unit_code)
        by_zone: dict[str, tuple[str, ...]] = {}
        by_unit: dict[str, list[str]] = {}
        for zone_id, z in self.zones.items():
            core = {*z.host_units, *z.paper_units, *([z.zone_scope_unit] if z.zone_scope_unit else [])}
            core |= {p for u in z.host_units if (p := self.units[u].parent_code) in self.units}
            core |= {c for u in list(core) for c in children.get(u, ())}
            by_zone[zone_id] = tuple(sorted(core))
            for u in by_zone[zone_id]:
                by_unit.setdefault(u, []).append(zone_id)
        return by_zone, {u: tuple(zs) for u, zs in by_unit.items()}


def _check_references(cat: Catalog) -> None:
    problems = []
    for z in cat.zones.values():
        for code in (*z.host_units, *z.paper_units, *( [z.zone_scope_unit] if z.zone_scope_unit else [])):
            if code not in cat.units:
                problems.append(f"zones.csv: zone {z.zone_id}: unknown unit {code!r}")
    for u in cat.units.values():
        if u.parent_code and u.parent_code not in cat.units:
            problems.append(f"units.csv: unit {u.unit_code}: unknown parent {u.parent_code!r}")
        if (u.level == "zone_scope") != u.unit_code.startswith("ZONE:"):  # the release ids rely on it (warehouse/ids)
            problems.append(f"units.csv: unit {u.unit_code}: a zone's own scope, and only it, has level zone_scope "
                            "and a code ZONE:<zone_id>")
    for n in cat.unit_names:
        if n.unit_code not in cat.units:
            problems.append(f"unit_names.csv: name {n.name}: unknown unit {n.unit_code!r}")
    for ind in cat.indicators.values():
        for u in (ind.unit, *ind.alt_units):
            if u not in cat.measure_units:
                problems.append(f"indicators.toml: indicator {ind.code}: unit {u!r} not in the vocabulary")
    seen: dict[str, str] = {}
    for ind in cat.indicators.values():
        for a in (*ind.aliases, *ind.start_aliases):
            if a in seen and seen[a] != ind.code:
                problems.append(f"indicators.toml: alias {a!r} is given to both {seen[a]} and {ind.code}")
            seen[a] = ind.code
    for r in cat.raw_units.values():
        if r.family not in {m.family for m in cat.measure_units.values()}:
            problems.append(f"raw_units.csv: {r.raw}: unknown family {r.family!r}")
    if problems:
        raise CatalogError(cat.data_dir, problems)


def load_catalog_from(data_dir: Path) -> Catalog:
    zones = load_models(
        data_dir / "zones.csv",
        Zone,
        [(n, _split_list(r, "neighbours", "host_units", "paper_units"))
         for n, r in read_csv_rows(data_dir / "zones.csv")],
    )
    units = load_models(data_dir / "units.csv", Unit)
    names = load_models(data_dir / "unit_names.csv", UnitName)
    mus = load_models(data_dir / "measure_units.csv", MeasureUnit)
    raws = load_models(data_dir / "raw_units.csv", RawUnit)
    fx = load_models(data_dir / "fx_rates.csv", FxRate)
    ind_path = data_dir / "indicators.toml"
    try:
        doc = tomllib.loads(ind_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CatalogError(ind_path, [str(err)]) from None
    inds = load_models(ind_path, Indicator, [(i + 1, r) for i, r in enumerate(doc.get("indicator", []))])
    for what, items, key in (("zone", zones, "zone_id"), ("unit", units, "unit_code"),
                             ("indicator", inds, "code"), ("fx year", fx, "year")):
        keys = [getattr(x, key) for x in items]
        dupes = sorted({str(k) for k in keys if keys.count(k) > 1})
        if dupes:
            raise CatalogError(data_dir, [f"duplicate {what}: {', '.join(dupes)}"])
    cat = Catalog(
        zones={z.zone_id: z for z in zones},
        units={u.unit_code: u for u in units},
        unit_names=tuple(names),
        indicators={i.code: i for i in inds},
        measure_units={m.code: m for m in mus},
        raw_units={r.raw: r for r in raws},
        fx_rates={f.year: f for f in fx},
        data_dir=data_dir,
    )
    _check_references(cat)
    return cat


CATALOG_ENV = "BORDERZONES_CATALOG"


def load_catalog() -> Catalog:
    """The catalog (loaded once per process): the bundled one, or the folder named by $BORDERZONES_CATALOG
    (same files; the benchmarks use it for thousands of synthetic units)."""
    return _load_cached(Path(os.environ[CATALOG_ENV]).resolve() if os.environ.get(CATALOG_ENV) else DATA_DIR)


@functools.cache
def _load_cached(data_dir: Path) -> Catalog:
    return load_catalog_from(data_dir)


def load_curated(path: Path | str, cat: Catalog | None = None) -> list[CuratedFigure]:
    """Load a curated-figures CSV and check every row against the catalog.

    Errors name the file, the row (line number) and the field: an unknown unit or indicator, a
    malformed period, a unit outside the vocabulary or not the indicator's, a value and unit that
    disagree, a row with neither value nor growth rate.
    """
    path = Path(path)
    cat = cat or load_catalog()
    rows = read_csv_rows(path)
    required = set(CuratedFigure.model_fields) - {"value", "growth_pct", "qualifier", "price_basis",
                                                  "value_raw", "source_url", "url_kind", "published", "note"}
    if rows:
        header = set(rows[0][1])
        problems = []
        if missing := required - header:
            problems.append(f"header: missing column(s) {', '.join(sorted(missing))}")
        if unknown := header - set(CuratedFigure.model_fields):  # even an empty one: a typo is never ignored
            problems.append(f"header (row 1): unknown column(s) {', '.join(sorted(unknown))}; the columns are "
                            f"{', '.join(CuratedFigure.model_fields)}")
        if problems:
            raise CatalogError(path, problems)
    figures = load_models(path, CuratedFigure, rows)
    problems = []
    for (row_no, _), f in zip(rows, figures, strict=True):
        if f.unit_code not in cat.units:
            problems.append(f"row {row_no}, field unit_code: unknown unit {f.unit_code!r}")
        if f.indicator not in cat.indicators:
            problems.append(f"row {row_no}, field indicator: unknown indicator {f.indicator!r}")
        if f.unit not in cat.measure_units:
            problems.append(f"row {row_no}, field unit: {f.unit!r} is not in the unit vocabulary "
                            f"({', '.join(cat.measure_units)})")
        elif f.indicator in cat.indicators:
            ind = cat.indicators[f.indicator]
            if f.unit not in (ind.unit, *ind.alt_units):
                problems.append(f"row {row_no}, field unit: {f.unit!r} is not a unit of {f.indicator} "
                                f"(expected {' or '.join((ind.unit, *ind.alt_units))})")
        if f.value is None and f.growth_pct is None and not f.value_raw:
            problems.append(f"row {row_no}: neither value, growth_pct nor value_raw is given")
    if problems:
        raise CatalogError(path, problems)
    return figures


def load_paper_claims(path: Path | str = PAPER_CLAIMS) -> list[PaperClaim]:
    return load_models(Path(path), PaperClaim)


def load_plausible_ranges(path: Path | str = PLAUSIBLE_RANGES, cat: Catalog | None = None) -> list[PlausibleRange]:
    """Per-indicator plausible ranges; errors name the row when an indicator or unit is unknown."""
    path = Path(path)
    ranges = load_models(path, PlausibleRange)
    if cat is not None:
        problems = [f"row {i + 2}: unknown indicator {r.indicator!r} or unit {r.unit!r}" for i, r in enumerate(ranges)
                    if r.indicator not in cat.indicators or r.unit not in cat.measure_units]
        problems += [f"row {i + 2}: min {r.min} is above max {r.max}" for i, r in enumerate(ranges) if r.min > r.max]
        if problems:
            raise CatalogError(path, problems)
    return ranges
