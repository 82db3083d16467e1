"""`borderzones sources check`: probe every address of the source registry once, politely, and say what it
is worth: alive, moved, gone, blocked, or something else with its reason.

The probes go through the project's HTTP client (extractors.http.Fetcher: robots.txt, per-host interval and
concurrency, request and URL deadlines, address checks, redirects only to hosts the registry names), with
one retry and no Retry-After waiting (a server asking to wait is reported, not waited for). Hosts are probed
in parallel (`workers`), the addresses of one host one after another, so a host sees one request at a time,
at its interval. No probe starts after `max_time_s`; one in flight ends within its host's url_deadline_s
(and the same again for its robots.txt), so a run takes at most max_time_s + 2 × the largest url_deadline_s
(+ the host's min_interval_s): 600 + 600 + 2 s with the defaults.

Classes:
- alive: HTTP 200 with a page or document that is not an error page (a bulletin, a listing, a portal page);
- moved: a redirect to another address (followed when the registry names the host; `where` says where);
- gone: HTTP 404 or 410, a page that says it was not found, or a host name that does not resolve;
- blocked: HTTP 401, 403, 429 or 451, a captcha or anti-bot page; or not requested at all: robots.txt
  disallows the address, or the client's rules refuse it (a host resolving to a private or loopback address
  without allow_private, a port or host the registry does not allow);
- other: anything else (server errors, timeouts, refused connections, TLS errors, unreadable robots.txt), with
  the client's message; not_probed: the run's time was up.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from catalog import Catalog
from catalog.sources import Probe, Registry
from extractors.http import Fetcher, FetchResult

OUTCOMES = ("alive", "moved", "gone", "blocked", "other", "not_probed")
MAX_TIME_S = 600.0
WORKERS = 4
_SOFT_404 = re.compile(r"\b404\b|not found|页面不存在|页面未找到|找不到(?:该|您要的|您访问的)?页面|"
                       r"访问的页面不存在|文章不存在|信息不存在|内容不存在|已被删除|已删除", re.I)
_GONE_STATUSES = {404, 410}
_BLOCKED_STATUSES = {401, 403, 429, 451}


@dataclass
class ProbeResult:
    probe: Probe
    outcome: str  # one of OUTCOMES
    reason: str
    http_status: int | None = None
    where: str | None = None  # moved: the address it moved to
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {**asdict(self.probe), "outcome": self.outcome, "reason": self.reason, "http_status": self.http_status,
                "where": self.where, "seconds": round(self.seconds, 3)}


def probe_fetcher(registry: Registry, **kw) -> Fetcher:
    """The project's client, set for probing: one retry, no Retry-After waiting."""
    return Fetcher(registry, **{"max_retries": 1, "retry_after_max_s": 0.0, **kw})


def _body(res: FetchResult, cat: Catalog) -> tuple[str, str]:
    """(outcome, reason) of a 200 answer, from what the body is."""
    from extractors.extract import extract_bytes

    got = extract_bytes(res.data, urlsplit(res.final_url or res.url).path, cat=cat,
                        content_type=next((v for k, v in res.headers.items() if k.lower() == "content-type"), None))
    title = f", title {got.title!r}" if got.title else ""
    if got.status == "blocked":
        return "blocked", f"HTTP 200 but a captcha or anti-bot page{title}"
    if got.title and _SOFT_404.search(got.title):
        return "gone", f"HTTP 200 but the page says it is not there{title}"
    if got.status in ("unreadable", "no_text", "unsupported"):
        why = got.problems[0].message if got.problems else got.status
        return "other", f"HTTP 200 but {got.status}: {why}"
    what = {"ok": "a document", "partial": "a document", "not_a_bulletin": "a page"}.get(got.status, got.status)
    kind = f" ({got.kind})" if got.kind else ""
    return "alive", f"HTTP 200: {what}{kind}, {res.kind}, {len(res.data):,} bytes{title}"


def classify(url: str, res: FetchResult, cat: Catalog) -> tuple[str, str, str | None]:
    """(outcome, reason, where) of one probe's FetchResult."""
    msg = res.message
    if msg.startswith("redirect loop") or msg.startswith("more than"):
        return "other", msg, None
    if res.redirects and res.redirects[-1][1] != url:
        where = res.redirects[-1][1]
        hops = ", ".join(f"HTTP {s} to {u}" for s, u in res.redirects)
        if res.outcome == "fetched":
            there = _body(res, cat)[1]
        elif "is not an allowed host" in msg:
            there = "a host the registry does not name: not followed (add it to the registry if it is right)"
        else:
            there = msg
        return "moved", f"{hops}; there: {there}", where
    if "robots.txt" in msg and "disallows" in msg:
        return "blocked", f"not requested: {msg}", None
    if res.attempts == 0 and msg.startswith("refused:"):  # the client's address rules: no request was sent
        return "blocked", f"not requested: {msg.removeprefix('refused: ')}", None
    if msg.startswith("cannot resolve"):
        return "gone", f"DNS: {msg}", None
    if res.http_status in _GONE_STATUSES:
        return "gone", msg, None
    if res.http_status in _BLOCKED_STATUSES or "HTTP 429" in msg:
        return "blocked", msg, None
    if res.outcome == "fetched":
        outcome, reason = _body(res, cat)
        return outcome, reason, None
    return "other", msg or f"outcome {res.outcome}", None


def check_registry(registry: Registry, cat: Catalog, fetcher: Fetcher | None = None, *,
                   max_time_s: float = MAX_TIME_S, workers: int = WORKERS,
                   progress: Callable[[int, int, Probe], None] | None = None,
                   clock: Callable[[], float] = time.monotonic) -> list[ProbeResult]:
    """Probe every address of the registry once (Registry.probes), results in the registry's order."""
    fetcher = fetcher or probe_fetcher(registry)
    probes = registry.probes()
    by_host: dict[str, list[int]] = {}
    for i, p in enumerate(probes):
        by_host.setdefault((urlsplit(p.url).hostname or "").lower(), []).append(i)
    results: list[ProbeResult | None] = [None] * len(probes)
    start = clock()
    done = 0
    lock = threading.Lock()

    def run_host(indices: list[int]) -> None:
        nonlocal done
        for i in indices:
            p = probes[i]
            began = clock()
            if began - start >= max_time_s:
                r = ProbeResult(p, "not_probed", f"the run's time was up (--max-time {max_time_s:g} s)")
            else:
                res = fetcher.fetch(p.url)
                outcome, reason, where = classify(p.url, res, cat)
                r = ProbeResult(p, outcome, reason, res.http_status, where, clock() - began)
            results[i] = r
            with lock:
                done += 1
                if progress is not None:
                    progress(done, len(probes), p)

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="probe") as pool:
        list(pool.map(run_host, by_host.values()))
    return [r for r in results if r is not None]


def summary(results: list[ProbeResult], seconds: float) -> dict:
    counts = Counter(r.outcome for r in results)
    unverified = Counter(r.outcome for r in results if not r.probe.verified)
    return {"total": len(results), "seconds": round(seconds, 1), **{o: counts.get(o, 0) for o in OUTCOMES},
            "unverified": {o: unverified.get(o, 0) for o in OUTCOMES if unverified.get(o)}}


def summary_line(s: dict) -> str:
    """
    >>> summary_line({"total": 3, "seconds": 4.2, "alive": 1, "moved": 0, "gone": 1, "blocked": 1, "other": 0,
    ...               "not_probed": 0, "unverified": {"gone": 1}})
    '3 addresses probed in 4.2 s: 1 alive, 0 moved, 1 gone, 1 blocked, 0 other (unverified entries: 1 gone)'
    """
    parts = ", ".join(f"{s[o]} {o.replace('_', ' ')}" for o in OUTCOMES if o != "not_probed" or s[o])
    unverified = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in s["unverified"].items())
    return (f"{s['total']} addresses probed in {s['seconds']:g} s: {parts}"
            + (f" (unverified entries: {unverified})" if unverified else ""))
