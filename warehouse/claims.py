"""The paper's claims (catalog/data/reference/paper_claims.csv) checked against a release.

Each claim is computed first on its own basis (the units the paper used: 瑞丽市 for 瑞丽, 防城港市 for
东兴, the seven units for the set), from the release's indicators table. When that basis lacks an
input, the claim is computed again, by the same method, on every other scope of the zone that has the
inputs (its host units, the paper's units, the zone's own statistical scope, their sum: see
`warehouse.scopes`), and the result names the scope: "differs on 瑞丽试验区 (the zone's own statistical
scope, …)". So every claim is reproduced, or its difference is explained, or what is missing is named.

Statuses: reproduced | differs (on the claim's own basis), reproduced_on_other_scope |
differs_on_other_scope, not_computable.

Tolerance: the claim file's `tolerance` column (absolute, in the claim's unit) when given; otherwise
0.05 points or 0.5 % of the paper's value, whichever is larger: the paper prints two decimals, and the
levels a growth rate is computed from are printed rounded too (two levels of about 50 亿元 rounded to
0.1 亿元 move a 400 % growth by up to about 1 point, 0.2 % of it). Sign and ranking claims have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from catalog import Catalog, load_paper_claims
from catalog.models import PaperClaim
from warehouse.indicators import SECTOR_NAMES, SECTORS, Builder, zone_indicators
from warehouse.scopes import Scope, Scopes, basis_units, units_name

ABS_TOL = 0.05  # percentage points: the paper prints two decimals
REL_TOL = 0.005  # of the paper's value: inputs printed rounded

STATUSES = ("reproduced", "differs", "reproduced_on_other_scope", "differs_on_other_scope", "not_computable")

COLUMNS = ["claim_id", "zone_id", "basis", "indicator", "base_year", "year", "paper_value", "this_release",
           "tolerance", "status", "result", "scope", "series_ids", "note", "inputs", "formula", "where_in_paper"]

_REASONS = {
    "trade": "the paper does not say in which currency it computed trade growth; this release uses the published "
             "currency of both years (and a yuan variant); a different currency or a revised base year explains it",
    "gdp_share": "a different vintage of one of the seven units' GDP (bulletins are revised by later censuses and "
                 "yearbooks)",
    "growth": "a different vintage or scope of the base-year level (the paper used levels as first published)",
    "share": "sector levels from a different vintage; the paper divides by the sum of the three sectors too",
    "fiscal": "revenue and expenditure from a different publication",
}


def _reason(indicator: str) -> str:
    for key, text in _REASONS.items():
        if key in indicator:
            return text
    return "inputs from a different vintage or scope"


@dataclass
class Outcome:
    """A claim computed on one scope (or, for a set of zones, one scope per zone)."""

    value: float | None = None  # the figure; for a ranking claim, the dominant sector's share
    text: str | None = None  # a ranking claim: the dominant sector
    scope: str = ""  # the scope(s) used, named
    name: str = ""  # the scope's short name (瑞丽试验区)
    extra: str = ""  # a variant worth knowing (trade growth in yuan)
    series_ids: str = ""
    inputs: str = ""  # panel row ids
    missing: list[str] = field(default_factory=list)

    @property
    def computed(self) -> bool:
        return self.value is not None or self.text is not None


def claim_kind(c: PaperClaim) -> str:
    """dominant (a sector is the largest), sign (growth positive or not), or value."""
    if c.value is None and "largest of the three sector shares" in c.formula:
        return "dominant"
    return "sign" if c.value is None else "value"


def tolerance(c: PaperClaim) -> float | None:
    """The claim's tolerance, or the rule: max(0.05 points, 0.5 % of the paper's value); None for sign and
    ranking claims.

    >>> from catalog.models import PaperClaim
    >>> c = PaperClaim(claim_id="x", zone_id="ruili", indicator="i", year=2020, value=321.29, unit="PCT",
    ...                formula="f", text_location="t")
    >>> round(tolerance(c), 4), tolerance(c.model_copy(update={"value": 3.0})), tolerance(
    ...     c.model_copy(update={"tolerance": 1.0}))
    (1.6065, 0.05, 1.0)
    """
    if c.value is None:
        return None
    if c.tolerance is not None:
        return c.tolerance
    return round(max(ABS_TOL, REL_TOL * abs(c.value)), 4)


def _judge(c: PaperClaim, o: Outcome) -> tuple[bool, str]:
    kind = claim_kind(c)
    if kind == "dominant":
        claimed = SECTOR_NAMES[c.indicator.removesuffix("_share_pct")]
        return o.text == claimed, (f"dominant sector here: {o.text} ({o.value:.1f} % of value added); the paper: "
                                   f"{claimed}")
    if kind == "sign":
        positive = "> 0" in c.formula
        ok = o.value > 0 if positive else o.value <= 0
        return ok, f"sign claimed {'positive' if positive else 'not positive'}; here {o.value:+.2f} %"
    tol = tolerance(c)
    diff = o.value - c.value
    if abs(diff) <= tol:
        return True, f"{o.value:.2f} against the paper's {c.value:.2f} (within ±{tol:.2f})"
    return False, f"{o.value:.2f} against the paper's {c.value:.2f}: by {diff:+.2f} points"


def _zones_of(c: PaperClaim, cat: Catalog) -> list[str] | None:
    zones = c.zone_id.split("+")
    return None if any(z != "ALL" and z not in cat.zones for z in zones) else zones


def _is_set_claim(c: PaperClaim, zones: list[str]) -> bool:
    return zones == ["ALL"] or c.indicator == "gdp_share_of_zones_pct"


def _row(ind: pd.DataFrame, zone: str, year: int, code: str, basis: str) -> dict | None:
    sub = ind[(ind.zone_id == zone) & (ind.basis == basis) & (ind.year == year) & (ind.indicator == code)]
    if not len(sub):
        return None
    r = sub.iloc[0].to_dict()
    ok = pd.notna(r["value"]) or (code == "dominant_sector" and pd.notna(r.get("value_text")))
    return r if ok else None


def _on_basis(c: PaperClaim, zones: list[str], basis: str, ind: pd.DataFrame, nc: pd.DataFrame) -> Outcome:
    """The claim from the release's indicators table, on the claim's own basis."""
    code = "dominant_sector" if claim_kind(c) == "dominant" else c.indicator
    rows = [_row(ind, z, c.year, code, basis) for z in zones]
    if all(r is not None for r in rows):
        return Outcome(value=sum(float(r["value"]) for r in rows), text=rows[0].get("value_text") or None,
                       inputs=";".join(dict.fromkeys(i for r in rows for i in str(r["inputs"]).split(";") if i)))
    miss = nc[(nc.year == c.year) & (nc.indicator == code) & (nc.basis == basis) & nc.zone_id.isin(zones)]
    parts = [m for m in miss["missing_inputs"].tolist() + miss["reason"].dropna().tolist() if m]
    return Outcome(missing=list(dict.fromkeys(parts)) or [f"no {code} inputs for {', '.join(zones)} in {c.year}"])


def _on_scope(c: PaperClaim, scope: Scope, scopes: Scopes, cat: Catalog, policy: str) -> Outcome:
    """The claim computed by the indicators' own method on one scope of the zone."""
    s = scopes.series(scope, c.base_year)
    b = Builder(policy)
    zone_indicators(s, cat, b, [c.year])
    code = "dominant_sector" if claim_kind(c) == "dominant" else c.indicator
    row = next((r for r in b.rows if r["indicator"] == code and r["year"] == c.year), None)
    if row is not None:
        cny = next((r for r in b.rows if r["indicator"] == "trade_growth_since_establishment_cny_pct"), None)
        extra = (f" (in yuan, each year at its average rate: {cny['value']:.2f})"
                 if code == "trade_growth_since_establishment_pct" and cny else "")
        return Outcome(value=row["value"], text=row["value_text"], scope=scope.label, name=scope.name,
                       series_ids=scope.series_id, inputs=row["inputs"], extra=extra)
    missing = [m for r in b.missing if r["indicator"] == code for m in (r["missing_inputs"], r["reason"]) if m]
    return Outcome(scope=scope.label, series_ids=scope.series_id, missing=missing or [f"no {code} for {c.year}"])


def _set_on_scopes(c: PaperClaim, zones: list[str], basis: str, scopes: Scopes, cat: Catalog) -> Outcome:
    """A claim about the set of zones (a share of the set's GDP, the set's structure) with each zone on the
    first of its scopes that has the inputs, the basis's own first."""
    members = [z for z, zone in cat.zones.items() if basis != "paper2022" or zone.paper_units]
    need = ("gdp",) if c.indicator == "gdp_share_of_zones_pct" else SECTORS
    chosen: dict[str, tuple[Scope, list]] = {}
    lacking = []
    for z in members:
        own = basis_units(cat, z, basis)
        tried = sorted(scopes.of(z), key=lambda s, own=own: s.units != own)
        for scope in tried:
            s = scopes.series(scope)
            cells = [s.get(i, c.year, "CNY_100M") for i in need]
            if all(cells):
                chosen[z] = (scope, cells)
                break
        else:
            lacking.append(f"{z} ({', '.join(s.name for s in tried) or 'no series'})")
    if lacking:
        return Outcome(missing=[f"{'/'.join(need)} {c.year} on no scope of " + "; ".join(lacking)])
    ids = [cell.row_id for _, cells in chosen.values() for cell in cells]
    others = [f"{z}: {scope.label}" for z, (scope, _) in chosen.items() if scope.units != basis_units(cat, z, basis)]
    label = f"the {basis} units, but {'; '.join(others)}"
    series = ";".join(scope.series_id for scope, _ in chosen.values())
    if c.indicator == "gdp_share_of_zones_pct":
        total = sum(cells[0].value for _, cells in chosen.values())
        part = sum(chosen[z][1][0].value for z in zones)
        if not total:
            return Outcome(missing=[f"gdp {c.year} sums to 0 over the zones: no share"])
        return Outcome(value=part / total * 100, scope=label, series_ids=series, inputs=";".join(ids))
    sums = {ind: sum(cells[k].value for _, cells in chosen.values()) for k, ind in enumerate(SECTORS)}
    total = sum(sums.values())
    sector = c.indicator.removesuffix("_share_pct")
    top = max(SECTORS, key=lambda k: sums[k])
    if not total:
        return Outcome(missing=[f"{'/'.join(need)} {c.year} sum to 0: no share"])
    if claim_kind(c) == "dominant":
        return Outcome(value=sums[top] / total * 100, text=SECTOR_NAMES[top], scope=label, series_ids=series,
                       inputs=";".join(ids))
    return Outcome(value=sums[sector] / total * 100, scope=label, series_ids=series, inputs=";".join(ids))


def _basis_name(c: PaperClaim, zones: list[str], basis: str, cat: Catalog) -> str:
    if _is_set_claim(c, zones):
        return f"the {basis} units"
    return units_name(cat, sorted(basis_units(cat, zones[0], basis), key=list(cat.units).index))


def check_claims(ind: pd.DataFrame, nc: pd.DataFrame, cat: Catalog, panel: pd.DataFrame | None = None,
                 claims: list[PaperClaim] | None = None) -> pd.DataFrame:
    """One row per claim (COLUMNS); `panel` lets a claim whose basis lacks inputs be computed on the zone's
    other scopes (without it, only the basis is tried)."""
    scopes = Scopes(panel, cat) if panel is not None and len(panel) else None
    policy = str(panel["vintage_policy"].iloc[0]) if scopes is not None else "latest"
    rows = []
    for c in claims if claims is not None else load_paper_claims():
        zones = _zones_of(c, cat)
        if zones is None:
            continue  # a catalog without the paper's zones (e.g. the benchmarks' synthetic one)
        basis = "paper2022" if all(z == "ALL" or cat.zones[z].paper_units for z in zones) else "host"
        own = _basis_name(c, zones, basis, cat)
        out = _on_basis(c, zones, basis, ind, nc)
        note, status, alts = "", "not_computable", []
        if out.computed:
            ok, note = _judge(c, out)
            status = "reproduced" if ok else "differs"
            scope_of = scopes.of(zones[0]) if scopes is not None and zones != ["ALL"] else []
            here = [s for s in scope_of if s.units == basis_units(cat, zones[0], basis)]
            out.scope = here[0].label if here and len(zones) == 1 else own
            out.series_ids = here[0].series_id if here and len(zones) == 1 else ""
            if not ok and claim_kind(c) == "value":
                note += f"; likely reason: {_reason(c.indicator)}"
        elif scopes is not None:
            if _is_set_claim(c, zones):
                alts = [_set_on_scopes(c, zones, basis, scopes, cat)]
            elif len(zones) == 1:
                alts = [_on_scope(c, s, scopes, cat, policy) for s in scopes.of(zones[0])
                        if s.units != basis_units(cat, zones[0], basis)]
        done = [a for a in alts if a.computed]
        if done:
            judged = [(a, *_judge(c, a)) for a in done]
            best = next((j for j in judged if j[1]), judged[0])
            out, ok = best[0], best[1]
            status = "reproduced_on_other_scope" if ok else "differs_on_other_scope"
            note = (f"{own} lacks the inputs ({'; '.join(_on_basis(c, zones, basis, ind, nc).missing)}); on "
                    f"{out.scope}: {best[2]}{out.extra}")
            if not ok:
                note += (f"; likely reason: a different territory ({out.name or out.scope} is not the paper's "
                         f"{own})")
            note += "".join(f"; also on {a.scope}: {n}" for a, _, n in judged if a is not out)
        elif status == "not_computable" and _is_set_claim(c, zones) and alts:
            note = f"missing: {'; '.join(alts[0].missing)}"  # names each zone lacking, on every scope
        elif status == "not_computable":
            note = f"missing on {own}: {'; '.join(out.missing)}"
            for a in alts:
                note += f"; on {a.scope or 'the other scopes'}: {'; '.join(a.missing)}"
            if scopes is not None and not alts and not _is_set_claim(c, zones):
                note += "; no other scope of the zone (host units, the paper's units, its own) is in this release"
        result = {"reproduced": "reproduced", "differs": "differs", "not_computable": "not computable",
                  "reproduced_on_other_scope": f"reproduced on {out.scope}",
                  "differs_on_other_scope": f"differs on {out.scope}"}[status]
        rows.append({"claim_id": c.claim_id, "zone_id": c.zone_id, "basis": basis, "indicator": c.indicator,
                     "base_year": c.base_year, "year": c.year, "paper_value": c.value,
                     "this_release": out.value,
                     "tolerance": tolerance(c), "status": status, "result": result,
                     "scope": out.scope if status != "not_computable" else "", "series_ids": out.series_ids
                     if status != "not_computable" else "", "note": note,
                     "inputs": out.inputs if status != "not_computable" else "", "formula": c.formula,
                     "where_in_paper": c.text_location})
    out_df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("base_year", "year"):
        out_df[col] = out_df[col].astype("Int64")
    return out_df


def summary(claims: pd.DataFrame) -> str:
    """e.g. '2 differ on another scope (瑞丽试验区), 20 not computable'."""
    words = {"reproduced": "reproduced", "differs": "differ", "reproduced_on_other_scope":
             "reproduced on another scope", "differs_on_other_scope": "differ on another scope",
             "not_computable": "not computable"}
    parts = []
    for status in STATUSES:
        sub = claims[claims["status"] == status]
        if not len(sub):
            continue
        text = f"{len(sub)} {words[status]}"
        if status.endswith("other_scope"):
            text += f" ({', '.join(dict.fromkeys(s.split(' (')[0] for s in sub['scope']))})"
        parts.append(text)
    return ", ".join(parts) or "no claims"
