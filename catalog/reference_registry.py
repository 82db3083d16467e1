"""Registry entries generated from the reference file of addresses (catalog/data/reference/source_urls.csv).

    python -m catalog.reference_registry     # rewrites catalog/data/sources_reference.toml, prints the counts

Every entry is `verified = false`: the addresses were seen in a footnote or a stored copy of a page, never
checked live (`borderzones sources check` does that). Each entry keeps where it was seen and what it is
(`note`: the file's note and seen_in). The rules, by the file's `kind`:

- portal                          → `portals` of `[unit."<code>"]` (probed by `sources check`, not fetched)
- listing, aggregator_listing     → `[[listing]]` (unit `ALL`: a national index, with no unit_code)
- bulletin, aggregator_bulletin   → `[[source]]` kind bulletin; work_report, news, government_site, yearbook
                                    → `[[source]]` of that kind (the data year when the file gives one)
- a note saying "official host", or "portal domain <name>" → the host joins the unit's `official_hosts`

An address without a scheme is not made into a URL (that would be a guess): only its host can count as an
official host. A kind not listed here, or two sources with the same unit, year and kind, stop the generator.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from catalog.loader import DATA_DIR, CatalogError, read_csv_rows

REFERENCE_URLS = DATA_DIR / "reference" / "source_urls.csv"
GENERATED = DATA_DIR / "sources_reference.toml"

SOURCE_KINDS = {"bulletin": "bulletin", "aggregator_bulletin": "bulletin", "work_report": "work_report",
                "news": "news", "government_site": "government_site", "yearbook": "yearbook"}
LISTING_KINDS = {"listing", "aggregator_listing"}
PORTAL_KINDS = {"portal"}
_PORTAL_DOMAIN = re.compile(r"portal domain ([a-z0-9.-]+\.[a-z]{2,})", re.I)


@dataclass
class Generated:
    listings: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    units: dict[str, dict] = field(default_factory=dict)  # code -> {official_hosts, portals, notes (each row's)}
    left_out: list[str] = field(default_factory=list)  # rows that gave no entry, and why

    def counts(self) -> Counter:
        c = Counter({"listing": len(self.listings), "source": len(self.sources), "unit": len(self.units),
                     "portal": sum(len(u["portals"]) for u in self.units.values()),
                     "official_host": sum(len(u["official_hosts"]) for u in self.units.values())})
        c.update(f"source:{s['kind']}" for s in self.sources)
        return c


def _note(row: dict) -> str:
    return f"{row['note']} (seen in: {row['seen_in']})" if row["seen_in"] else row["note"]


def generate(path: Path = REFERENCE_URLS) -> Generated:
    """The registry entries the reference file gives (raises CatalogError naming the row when it cannot)."""
    out = Generated()
    problems: list[str] = []
    keys: dict[tuple, int] = {}
    for line, row in read_csv_rows(path):
        unit = None if row["unit_code"] == "ALL" else row["unit_code"]
        url, kind = row["url"].strip(), row["kind"].strip()
        year = int(row["data_year"]) if row["data_year"].strip() else None
        has_scheme = urlsplit(url).scheme in ("http", "https")
        host = (urlsplit(url if has_scheme else f"//{url}").hostname or "").lower()
        official = set()
        if "official host" in row["note"]:
            official.add(host)
        official |= {m.lower() for m in _PORTAL_DOMAIN.findall(row["note"])}
        if official:
            if unit is None:
                problems.append(f"row {line}: an official host without a unit")
            else:
                u = out.units.setdefault(unit, {"official_hosts": [], "portals": [], "notes": []})
                u["official_hosts"] += [h for h in sorted(official) if h not in u["official_hosts"]]
                if _note(row) not in u["notes"]:
                    u["notes"].append(_note(row))
        if not has_scheme:
            out.left_out.append(f"row {line}: {url!r} has no scheme (http or https): not made into a URL"
                                + (f"; its host {host} counts as official" if official else ""))
            continue
        if kind in PORTAL_KINDS:
            if unit is None:
                problems.append(f"row {line}: a portal without a unit")
                continue
            u = out.units.setdefault(unit, {"official_hosts": [], "portals": [], "notes": []})
            if url not in u["portals"]:
                u["portals"].append(url)
            if _note(row) not in u["notes"]:
                u["notes"].append(_note(row))
        elif kind in LISTING_KINDS:
            entry = {"unit_code": unit, "url": url, "verified": False,
                     "note": _note(row) + (f" [data year {year}]" if year else "")}
            out.listings.append(entry)
        elif kind in SOURCE_KINDS:
            if unit is None:
                problems.append(f"row {line}: a document without a unit")
                continue
            entry = {"unit_code": unit, "year": year, "url": url, "kind": SOURCE_KINDS[kind], "verified": False,
                     "note": _note(row)}
            key = (unit, year, entry["kind"]) if year is not None else (unit, url)
            if key in keys:
                problems.append(f"row {line}: a second {entry['kind']} of {unit} for {year} (row {keys[key]} has one): "
                                "the registry keeps one per unit, year and kind")
                continue
            keys[key] = line
            out.sources.append(entry)
        else:
            problems.append(f"row {line}: kind {kind!r} has no rule (see catalog/reference_registry.py)")
    if problems:
        raise CatalogError(path, problems)
    return out


def _s(v: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(v, ensure_ascii=False)


def to_toml(g: Generated, source: str = "catalog/data/reference/source_urls.csv") -> str:
    lines = [
        f"# GENERATED from {source} by `python -m catalog.reference_registry`: do not edit by hand",
        "# (edit the reference file, or override an entry in catalog/data/sources.toml or your own --sources file).",
        "# Every entry is verified = false: seen in a footnote or a stored copy of a page, never checked live;",
        "# `borderzones sources check` probes them. The form is that of catalog/data/sources.toml.",
        "",
    ]
    for e in g.listings:
        lines.append("[[listing]]")
        if e["unit_code"] is not None:
            lines.append(f"unit_code = {_s(e['unit_code'])}")
        lines += [f"url = {_s(e['url'])}", "verified = false", f"note = {_s(e['note'])}", ""]
    for e in g.sources:
        lines += ["[[source]]", f"unit_code = {_s(e['unit_code'])}"]
        if e["year"] is not None:
            lines.append(f"year = {e['year']}")
        lines += [f"url = {_s(e['url'])}", f"kind = {_s(e['kind'])}", "verified = false", f"note = {_s(e['note'])}",
                  ""]
    for code, u in g.units.items():
        lines += [f"[unit.{_s(code)}]",
                  f"official_hosts = [{', '.join(_s(h) for h in u['official_hosts'])}]",
                  f"portals = [{', '.join(_s(p) for p in u['portals'])}]",
                  "verified = false",
                  f"note = {_s(' | '.join(u['notes']))}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    g = generate()
    GENERATED.write_text(to_toml(g), encoding="utf-8")
    c = g.counts()
    kinds = ", ".join(f"{k.removeprefix('source:')} {v}" for k, v in sorted(c.items()) if k.startswith("source:"))
    print(f"wrote {GENERATED}: {c['listing']} listing(s), {c['source']} source(s) ({kinds}), "
          f"{c['unit']} unit(s) with {c['official_host']} official host(s) and {c['portal']} portal page(s)")
    for why in g.left_out:
        print(f"  left out: {why}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
