"""The source registry: listing pages, known documents, the units' official sites, per-host politeness and
limits, the fetch step's run-wide limits ([fetch]), bundled and user-given.

Bundled: catalog/data/sources_reference.toml (generated from catalog/data/reference/source_urls.csv by
`python -m catalog.reference_registry`: every entry `verified = false`), then catalog/data/sources.toml
(hand-written; it replaces a generated entry with the same key). A user file (TOML, same form) adds entries
and replaces bundled ones with the same key. Everything is validated up front: an unknown field, a URL that
is not http(s), an unknown unit or an out-of-range setting is an error naming the file and the entry.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator

from catalog.loader import DATA_DIR, Catalog, CatalogError
from catalog.models import Frozen

BUNDLED_SOURCES = DATA_DIR / "sources.toml"
BUNDLED_REFERENCE_SOURCES = DATA_DIR / "sources_reference.toml"  # generated: python -m catalog.reference_registry
ENV_VAR = "BORDERZONES_SOURCES"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
DEFAULT_PORTS = {"http": 80, "https": 443}


def check_url(v: str) -> str:
    """Accept only absolute http(s) URLs with a host.

    >>> check_url("https://tjj.example.gov.cn/tjgb/")
    'https://tjj.example.gov.cn/tjgb/'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    ValueError: only http and https URLs are accepted, not 'file'
    """
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"only http and https URLs are accepted, not {parts.scheme or 'a relative URL'!r}")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("credentials in URLs are not accepted")
    return v


def check_host(v: str) -> str:
    """A host name, lower-cased.

    >>> check_host("WWW.Example.gov.cn")
    'www.example.gov.cn'
    """
    if not _HOSTNAME.match(v):
        raise ValueError(f"{v!r} is not a host name")
    return v.lower()


class _UrlEntry(Frozen):
    unit_code: str
    url: str
    # False: seen in a reference (a stored copy of a page, a footnote), never checked live; a failure is then
    # reported as that of an unverified entry, and `borderzones sources check` tells what it is worth
    verified: bool = True
    note: str = ""  # where it was seen, what it is (the reference file's seen_in and note)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_url(v)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def origin(self) -> tuple[str, str, int]:
        """(scheme, host, port), the port filled in from the scheme."""
        parts = urlsplit(self.url)
        return parts.scheme, self.host.lower(), parts.port or DEFAULT_PORTS[parts.scheme]


class Listing(_UrlEntry):
    # None: a national index (an aggregator's list of every county's bulletins): `sources check` probes it, the
    # fetch step does not follow it (discovery looks for one unit's names); give it a unit_code to follow it
    unit_code: str | None = None
    max_pages: int = Field(5, ge=1, le=50)


class KnownSource(_UrlEntry):
    year: int | None = Field(None, ge=1949, le=2100)  # the data year; None: not stated (fetched when no --years)
    kind: Literal["bulletin", "work_report", "news", "government_site", "yearbook"] = "bulletin"

    @property
    def key(self) -> tuple:
        """What a later file's entry replaces: one document per unit, year and kind (by URL when no year)."""
        return (self.unit_code, self.year, self.kind) if self.year is not None else (self.unit_code, self.url)


class UnitSites(Frozen):
    """A unit's official sites ([unit."<code>"]): the hosts of its government's sites, which make an archived
    document's address `official` in the sources table, and pages of them that `sources check` probes."""

    official_hosts: tuple[str, ...] = ()
    portals: tuple[str, ...] = ()  # probed by `sources check`; not fetched by the refresh
    verified: bool = True
    note: str = ""

    @field_validator("official_hosts")
    @classmethod
    def _hosts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_host(h) for h in v)

    @field_validator("portals")
    @classmethod
    def _portals(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_url(u) for u in v)


class HostPolicy(Frozen):
    min_interval_s: float = Field(2.0, ge=0, le=600)
    max_concurrency: int = Field(1, ge=1, le=8)
    legacy_renegotiation: bool = False
    allow_private: bool = False
    timeout_s: float = Field(30.0, gt=0, le=600)  # for each connect and each read
    # the read timeout restarts at every byte: these bound the whole (None: derived from timeout_s)
    request_deadline_s: float | None = Field(None, gt=0, le=3600)  # one request, headers and body; 4 × timeout_s
    url_deadline_s: float | None = Field(None, gt=0, le=7200)  # one URL: its requests and backoff; 10 × timeout_s
    max_bytes: int = Field(50 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    ports: tuple[Annotated[int, Field(ge=1, le=65535)], ...] = ()  # besides the scheme's default port

    @property
    def request_deadline(self) -> float:
        """Seconds one request may take in all.

        >>> HostPolicy().request_deadline, HostPolicy(timeout_s=5).request_deadline
        (120.0, 20.0)
        """
        return self.request_deadline_s or 4 * self.timeout_s

    @property
    def url_deadline(self) -> float:
        """Seconds one URL may take in all: its requests (attempts, redirects) and the backoff between them.
        Retry-After waits are not counted: they have their own budget ([fetch])."""
        return self.url_deadline_s or 10 * self.timeout_s


DEFAULT_POLICY = HostPolicy()


class FetchSettings(Frozen):
    """Limits of the fetch step as a whole ([fetch] in a sources file)."""

    # a listing page can carry hundreds of matching links: only the best-ranked are fetched, the rest reported
    max_candidates_per_page: int = Field(5, ge=1, le=1000)
    max_candidates_per_unit_year: int = Field(5, ge=1, le=1000)
    # Retry-After waits (each at most 5 minutes) in all, per URL and per run
    retry_after_url_budget_s: float = Field(300.0, ge=0, le=86400)
    retry_after_run_budget_s: float = Field(1800.0, ge=0, le=86400)


@dataclass(frozen=True)
class Probe:
    """One address of the registry, for `sources check`: what entry names it."""

    entry: str  # listing | source | portal
    unit_code: str | None
    year: int | None
    url: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class Registry:
    listings: tuple[Listing, ...] = ()
    sources: tuple[KnownSource, ...] = ()
    hosts: dict[str, HostPolicy] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    units: dict[str, UnitSites] = field(default_factory=dict)

    def policy(self, host: str) -> HostPolicy:
        return self.hosts.get(host.lower(), DEFAULT_POLICY)

    @property
    def official_hosts(self) -> frozenset[str]:
        """Every unit's official hosts (an archived document's address on one of them, or on a subdomain, is
        `official` in the sources table)."""
        return frozenset(h for u in self.units.values() for h in u.official_hosts)

    def _origins(self) -> list[tuple[str, str, int]]:
        """(scheme, host, port) of every URL the registry names."""
        out = [e.origin for e in (*self.listings, *self.sources)]
        for u in self.units.values():
            for url in u.portals:
                parts = urlsplit(url)
                out.append((parts.scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS[parts.scheme]))
        return out

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts that may be fetched or redirected to: those named by an entry, a unit's official hosts and
        portals, or a [host] table."""
        return frozenset({h for _, h, _ in self._origins()} | self.official_hosts | set(self.hosts))

    def ports(self, scheme: str, host: str) -> frozenset[int]:
        """The ports a host may be fetched on with a scheme: the scheme's default, those its [host] table
        lists, and those the registry's URLs name for that scheme."""
        named = {p for s, h, p in self._origins() if (s, h) == (scheme, host)}
        return frozenset({DEFAULT_PORTS[scheme], *self.policy(host).ports, *named})

    def for_units(self, units: frozenset[str] | None) -> Registry:
        """The entries the fetch step follows for these units (all when None); national listings (no unit)
        are left out: discovery needs a unit's names."""
        keep = (lambda e: e.unit_code is not None) if units is None else (lambda e: e.unit_code in units)
        return Registry(tuple(filter(keep, self.listings)), tuple(filter(keep, self.sources)), self.hosts, self.files,
                        self.fetch, self.units)

    def probes(self) -> list[Probe]:
        """Every address the registry names, once each, in file order: listings, sources, then portals."""
        out: dict[str, Probe] = {}
        for e in self.listings:
            out.setdefault(e.url, Probe("listing", e.unit_code, None, e.url, e.verified, e.note))
        for s in self.sources:
            out.setdefault(s.url, Probe("source", s.unit_code, s.year, s.url, s.verified, s.note))
        for code, u in self.units.items():
            for url in u.portals:
                out.setdefault(url, Probe("portal", code, None, url, u.verified, u.note))
        return list(out.values())


def _parse(path: Path, cat: Catalog
           ) -> tuple[list[Listing], list[KnownSource], dict[str, HostPolicy], dict, dict[str, UnitSites]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(path, ["the file does not exist"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(path, [f"not valid TOML: {exc}"]) from None
    problems: list[str] = []
    unknown = set(raw) - {"listing", "source", "host", "fetch", "unit"}
    if unknown:
        problems.append(f"unknown section(s) {', '.join(sorted(unknown))}: "
                        "expected [[listing]], [[source]], [unit.\"…\"], [host.\"…\"], [fetch]")
    listings, sources, hosts = [], [], {}
    for section, model, out in (("listing", Listing, listings), ("source", KnownSource, sources)):
        entries = raw.get(section, [])
        if not isinstance(entries, list):
            problems.append(f"{section}: expected [[{section}]] entries")
            continue
        for i, entry in enumerate(entries, start=1):
            try:
                item = model(**entry)
            except (ValidationError, TypeError) as exc:
                problems += [f"{section} #{i}: {_first(exc)}"]
                continue
            if item.unit_code is not None and item.unit_code not in cat.units:
                problems.append(f"{section} #{i}: unknown unit_code {item.unit_code!r}")
                continue
            out.append(item)
    units = {}
    for code, values in (raw.get("unit") or {}).items():
        if code not in cat.units:
            problems.append(f"unit {code!r}: unknown unit_code")
            continue
        try:
            units[code] = UnitSites(**values)
        except (ValidationError, TypeError) as exc:
            problems.append(f"unit {code!r}: {_first(exc)}")
    for name, values in (raw.get("host") or {}).items():
        if not _HOSTNAME.match(name):
            problems.append(f"host {name!r}: not a host name")
            continue
        try:
            hosts[name.lower()] = HostPolicy(**values)
        except (ValidationError, TypeError) as exc:
            problems.append(f"host {name!r}: {_first(exc)}")
    fetch = raw.get("fetch") or {}
    try:
        FetchSettings(**fetch)  # checked here, so that the error names this file
    except (ValidationError, TypeError) as exc:
        problems.append(f"fetch: {_first(exc)}")
    if problems:
        raise CatalogError(path, problems)
    return listings, sources, hosts, fetch, units


def _first(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors())
    return str(exc)


def load_registry(cat: Catalog, user_files: tuple[Path, ...] = (), *, bundled: bool = True,
                  environ: dict[str, str] | None = None) -> Registry:
    """The bundled registry (generated, then hand-written; the generated part only with the bundled catalog), then
    $BORDERZONES_SOURCES, then each user file, later ones overriding."""
    env = os.environ if environ is None else environ
    # the generated reference entries name the bundled catalog's units: another catalog ($BORDERZONES_CATALOG,
    # the benchmarks' synthetic one) has other units, so they are not its registry
    ours = Path(cat.data_dir).resolve() == DATA_DIR.resolve()
    files = ([BUNDLED_REFERENCE_SOURCES] if ours else []) + [BUNDLED_SOURCES] if bundled else []
    files += [Path(env[ENV_VAR])] if env.get(ENV_VAR) else []
    files += [Path(f) for f in user_files]
    listings: dict[tuple, Listing] = {}
    sources: dict[tuple, KnownSource] = {}
    hosts: dict[str, HostPolicy] = {}
    fetch: dict = {}
    units: dict[str, UnitSites] = {}
    for f in files:
        ls, ss, hs, fs, us = _parse(f, cat)
        listings.update({(x.unit_code, x.url): x for x in ls})
        sources.update({x.key: x for x in ss})
        hosts.update(hs)
        fetch.update(fs)  # setting by setting: a later file changes only what it names
        units.update(us)
    return Registry(tuple(listings.values()), tuple(sources.values()), hosts, tuple(str(f) for f in files),
                    FetchSettings(**fetch), units)
