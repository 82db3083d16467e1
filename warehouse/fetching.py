"""The fetch step: for the units of a zone, find documents (known sources, listing pages), fetch them
politely, and archive what is a document. Anti-bot pages, unrelated pages and unreadable files are
never archived; what could not be fetched is listed for a person to download and `ingest`. Listing
pages yield at most the best-ranked few links per page and per unit and year ([fetch] in the registry);
what is left out is reported.

Load inputs (registry, archive) / process (discover, fetch, check) / save (archive.put, atomic).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from catalog import Catalog
from catalog.sources import Registry
from extractors.archive import Archive
from extractors.discover import find_candidates, rank
from extractors.http import Fetcher
from warehouse.observations import Selection

log = logging.getLogger(__name__)

# Extraction statuses whose bytes are not kept: not the document (or not readable as one).
NOT_ARCHIVED = {"blocked", "not_a_bulletin", "unreadable", "unsupported"}
UNVERIFIED = ("unverified registry entry: an address seen in a reference, never checked live (`borderzones "
              "sources check` tells which addresses still answer)")


@dataclass
class FetchRecord:
    unit_code: str
    year: int | None
    url: str
    via: str  # registry | listing:<url> | listing
    outcome: str  # fetched | unchanged | blocked | failed | found | skipped (links left out by the caps)
    message: str = ""
    sha256: str | None = None
    title: str | None = None
    listed: str | None = None  # the date printed beside the link on the listing page
    stopped: str | None = None  # the client stopped early: deadline | retry_after_budget
    left_out: int = 0  # skipped: how many links
    verified: bool = True  # False: the registry entry was never checked live (see UNVERIFIED)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def needs_hand(self) -> bool:
        return self.outcome in ("blocked", "failed")


def archived_by_url(archive: Archive) -> dict[str, dict]:
    """url -> sidecar fields of the newest archived copy fetched from it."""
    out: dict[str, dict] = {}
    for side in archive:
        for url in (side.origin, *side.other_origins):
            if url.startswith(("http://", "https://")):
                prev = out.get(url)
                if prev is None or side.retrieved_at > prev["retrieved_at"]:
                    out[url] = {"sha256": side.sha256, "retrieved_at": side.retrieved_at,
                                "headers": side.response_headers if url == side.origin else {}}
    return out


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def fetch_units(units: frozenset[str] | None, registry: Registry, selection: Selection, archive: Archive,
                fetcher: Fetcher, cat: Catalog, archived: dict[str, dict] | None = None) -> list[FetchRecord]:
    """Discover and fetch the documents of the given units (all when None) for the selected years."""
    from extractors.extract import extract_bytes

    reg = registry.for_units(units)
    wanted_year = (lambda y: True) if selection.years is None else (
        lambda y: y is not None and selection.years[0] <= y <= selection.years[1])
    todo: dict[str, FetchRecord] = {}
    records: list[FetchRecord] = []
    per_page, per_unit_year = registry.fetch.max_candidates_per_page, registry.fetch.max_candidates_per_unit_year
    found: dict[tuple[str, int], list[tuple[int, int, str]]] = {}  # (unit, year) -> (rank, order, url) from listings
    for s in reg.sources:
        if wanted_year(s.year):
            todo.setdefault(s.url, FetchRecord(s.unit_code, s.year, s.url, "registry", "found", verified=s.verified))
    for listing in reg.listings:
        pages, seen, n_found = [listing.url], set(), 0
        while pages and len(seen) < listing.max_pages:
            page = pages.pop(0)
            if page in seen:
                continue
            seen.add(page)
            res = fetcher.fetch(page)
            if res.outcome != "fetched":
                records.append(FetchRecord(listing.unit_code, None, page, "listing", "failed",
                                           f"listing page: {res.message}", stopped=res.stopped,
                                           verified=listing.verified))
                continue
            check = extract_bytes(res.data, page, content_type=_header(res.headers, "Content-Type"), cat=cat)
            if check.status == "blocked":
                records.append(FetchRecord(listing.unit_code, None, page, "listing", "blocked",
                                           "listing page is an anti-bot or captcha page", verified=listing.verified))
                continue
            cands, nxt = find_candidates(res.data, res.final_url or page, listing.unit_code, cat,
                                         _header(res.headers, "Content-Type"))
            n_found += len(cands)
            pages += [p for p in nxt if p not in seen]
            # a page can carry hundreds of matching links, each a fetch: the best-ranked few only
            new = sorted((c for c in cands if wanted_year(c.year) and c.url not in todo), key=rank)
            if len(new) > per_page:
                records.append(FetchRecord(
                    listing.unit_code, None, page, "listing", "skipped",
                    f"{len(new) - per_page} more bulletin link(s) on this listing page"
                    f"{'' if page == listing.url else f' (of {listing.url})'} were left out: only the "
                    f"best-ranked {per_page} of a page are fetched (max_candidates_per_page in [fetch]); the first "
                    f"left out: {new[per_page].url}", left_out=len(new) - per_page))
            for c in new[:per_page]:
                todo[c.url] = FetchRecord(listing.unit_code, c.year, c.url, f"listing:{listing.url}", "found",
                                          title=c.title, listed=c.listed)
                found.setdefault((listing.unit_code, c.year), []).append((rank(c), len(todo), c.url))
        if n_found == 0:
            records.append(FetchRecord(listing.unit_code, None, listing.url, "listing", "failed",
                                       f"no bulletin links found on the listing page ({len(seen)} page(s) read)",
                                       verified=listing.verified))
    records += _cap_unit_years(found, todo, per_unit_year)
    if todo and archived is None:
        archived = archived_by_url(archive)
    for url, rec in todo.items():
        prev = archived.get(url)
        res = fetcher.fetch(url, etag=_header(prev["headers"], "ETag") if prev else None,
                            last_modified=_header(prev["headers"], "Last-Modified") if prev else None)
        if res.outcome == "unchanged":
            rec.outcome, rec.message, rec.sha256 = "unchanged", res.message, prev["sha256"] if prev else None
        elif res.outcome == "failed":
            rec.outcome, rec.stopped = "failed", res.stopped
            rec.message = res.message + ("; the archived copy is used" if prev else "")
            rec.sha256 = prev["sha256"] if prev else None
        else:
            check = extract_bytes(res.data, urlsplit(res.final_url or url).path,
                                  content_type=_header(res.headers, "Content-Type"), cat=cat)
            rec.title = check.title or rec.title
            if check.status == "blocked":
                rec.outcome, rec.message = "blocked", "an anti-bot or captcha page came back instead of the document"
            elif check.status in NOT_ARCHIVED:
                why = check.problems[0].message if check.problems else check.status
                rec.outcome, rec.message = "failed", f"{check.status}: {why}"
            else:
                meta = {"unit_code": check.unit_code or rec.unit_code, "data_year": check.data_year or rec.year,
                        "title": check.title, "kind": check.kind, "status": check.status,
                        "published": check.published}
                side, added = archive.put(res.data, origin=res.final_url or url, origin_kind="url",
                                          content_type=_header(res.headers, "Content-Type"), headers=res.headers,
                                          meta=meta)
                if res.final_url and res.final_url != url and url not in side.other_origins:
                    archive.put(res.data, origin=url, origin_kind="url")  # remember the URL asked for too
                rec.sha256 = side.sha256
                rec.outcome = "fetched" if added else "unchanged"
                rec.message = (f"{res.message}; {check.status}" if added
                               else "the same bytes are already archived (same document, possibly another URL)")
                if check.unit_code and check.unit_code != rec.unit_code:
                    rec.message += f"; the document is about {check.unit_name} ({check.unit_code})"
        records.append(rec)
    for rec in records:
        if not rec.verified and rec.needs_hand:
            rec.message += f" ({UNVERIFIED})"
    return records


def _cap_unit_years(found: dict[tuple[str, int], list[tuple[int, int, str]]], todo: dict[str, FetchRecord],
                    cap: int) -> list[FetchRecord]:
    """Leave out (from todo) the listing links beyond the best-ranked `cap` of each unit and year; one
    record per listing, unit and year saying how many."""
    left: Counter[tuple[str, str, int]] = Counter()
    for (unit, year), entries in found.items():
        for *_, url in sorted(entries)[cap:]:
            left[(todo.pop(url).via.removeprefix("listing:"), unit, year)] += 1
    return [FetchRecord(unit, year, listing, "listing", "skipped",
                        f"{n} bulletin link(s) for {unit} {year} found through this listing were left out: only the "
                        f"best-ranked {cap} of a unit and year are fetched (max_candidates_per_unit_year in [fetch])",
                        left_out=n)
            for (listing, unit, year), n in left.items()]


def fetch_summary(records: list[FetchRecord]) -> list[str]:
    """Lines for the run summary: what the limits cut short, and which setting to change."""
    waiting = sum(r.stopped == "retry_after_budget" for r in records)
    slow = sum(r.stopped == "deadline" for r in records)
    left_out = sum(r.left_out for r in records if r.outcome == "skipped")
    unverified = sum(r.needs_hand and not r.verified for r in records)
    lines = []
    if unverified:
        lines.append(f"{_n(unverified, 'URL')} that failed or were blocked came from unverified registry entries "
                     f"(addresses seen in a reference, never checked live): `borderzones sources check` tells which "
                     f"still answer")
    if waiting:
        lines.append(f"{_n(waiting, 'URL')} gave up waiting: Retry-After budget spent (the servers asked for more "
                     f"waiting than retry_after_url_budget_s / retry_after_run_budget_s in [fetch] allow)")
    if slow:
        lines.append(f"{_n(slow, 'URL')} too slow: cut off at the deadline (request_deadline_s / url_deadline_s "
                     f"of the host)")
    if left_out:
        lines.append(f"{_n(left_out, 'bulletin link')} on listing pages left out (max_candidates_per_page / "
                     f"max_candidates_per_unit_year in [fetch])")
    return lines


def _n(n: int, noun: str) -> str:
    """
    >>> _n(1, "URL"), _n(3, "URL")
    ('1 URL', '3 URLs')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def by_hand(records: list[FetchRecord]) -> list[str]:
    """Lines telling a person what to download and ingest."""
    return [f"{r.unit_code} {r.year or ''}: {r.url}  ({r.outcome}: {r.message})" for r in records if r.needs_hand]
