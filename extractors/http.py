"""The HTTP client: the only code that touches the network.

Polite (per-host minimum interval and concurrency, robots.txt, an honest User-Agent), careful
(retries with exponential backoff and full jitter on 429, 5xx, timeouts, resets and truncated bodies,
honouring Retry-After within a per-URL and a per-run budget; never on other 4xx; a deadline for each
request and each URL, since the read timeout restarts at every byte), cheap on reruns (conditional GET:
ETag and Last-Modified, so an unchanged document costs a 304) and safe (http/https only, no credentials
in URLs; requests and redirects only to allowed hosts on allowed ports; a host's addresses resolved once
and checked (private or loopback refused unless the registry allows it), and the connection made to a
checked address, never to a fresh DNS answer; certificate checks always on, against the host name;
bodies streamed under a size cap; types sniffed from bytes).

`fetch()` never raises for a network or server problem: it returns a FetchResult whose `outcome` is
fetched | unchanged | failed and whose `message` says what happened, in words a user can act on.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from catalog.sources import DEFAULT_PORTS, HostPolicy, Registry
from extractors.decode import sniff_kind

log = logging.getLogger(__name__)

USER_AGENT = "borderzones/0.1 (statistics of China's border pilot zones; polite research crawler)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class FetchResult:
    url: str
    outcome: str  # fetched | unchanged | failed
    message: str = ""
    final_url: str | None = None
    http_status: int | None = None
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    kind: str | None = None  # sniffed from the bytes: html | pdf | docx | doc | image | text
    attempts: int = 0
    stopped: str | None = None  # why the client stopped early: deadline | retry_after_budget
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, next URL) of each hop, last attempt


class _Retry(Exception):
    def __init__(self, message: str, delay: float | None = None, slow: bool = False):
        super().__init__(message)
        self.delay, self.slow = delay, slow


class _Fail(Exception):
    pass


class WaitBudget:
    """Seconds of Retry-After waiting left to a run, shared by all its fetches (thread-safe)."""

    def __init__(self, seconds: float):
        self.total = self.left = seconds
        self._lock = threading.Lock()

    def take(self, seconds: float) -> bool:
        """Reserve `seconds`; False (nothing reserved) when fewer are left."""
        with self._lock:
            if seconds > self.left:
                return False
            self.left -= seconds
            return True


@dataclass
class _UrlTime:
    """Time spent on one URL: its requests and the backoff between them (Retry-After has its own budget)."""

    limit: float
    spent: float = 0.0

    @property
    def left(self) -> float:
        return self.limit - self.spent


class _Watchdog:
    """Shuts a request's sockets down at its deadline. The read timeout restarts at every byte, so without
    this a server sending a byte every few seconds keeps a request alive as long as it likes."""

    def __init__(self, seconds: float):
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self.fired = self._done = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.fired:
                _cut(sock)
            elif sock not in self._socks:
                self._socks.append(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._socks:
                _cut(sock)

    def stop(self) -> bool:
        """Stop watching; True when the deadline came first (what was read may then be cut short)."""
        self._timer.cancel()
        with self._lock:
            self._done = True
            return self.fired


def _cut(sock: socket.socket) -> None:
    with suppress(OSError):  # the plain socket's shutdown, under TLS too: it wakes a read blocked in another thread
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@dataclass(frozen=True)
class _Target:
    """A URL's host as checked: the addresses it resolved to, all allowed."""

    host: str
    addresses: tuple[str, ...]


# The request this thread is making, for the connection classes below: which addresses they may connect to,
# and the deadline's watchdog. Set by Fetcher._request around each request, in the thread that makes it.
_CURRENT = threading.local()


class _PinnedConnection(HTTPConnection):
    """Connects to the address the client checked, not to a new DNS answer (a DNS-rebinding guard). Only
    the socket's address changes: the Host header, and for HTTPS the SNI and the certificate check, keep the
    host name (urllib3 2.x takes them from `self.host`; only `_new_conn` resolves)."""

    def _new_conn(self) -> socket.socket:
        current = getattr(_CURRENT, "request", None)
        if current is None or current[0].host != self.host.lower():
            # never fall back to resolving here: that is the gap this class closes
            raise NewConnectionError(self, f"refused: {self.host} was not checked before connecting")
        target, watchdog = current
        error: OSError | None = None
        for ip in target.addresses:
            try:
                sock = create_connection((ip, self.port), self.timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except OSError as exc:
                error = exc
                continue
            watchdog.watch(sock)
            return sock
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})")
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")

    def request(self, *args, **kwargs) -> None:
        current = getattr(_CURRENT, "request", None)
        if self.sock is not None and current is not None:
            current[1].watch(self.sock)  # a kept-alive connection: this request's deadline covers it too
        super().request(*args, **kwargs)


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    """requests' adapter with connections that go to the checked address (see _PinnedConnection)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}


class _LegacyTLSAdapter(_PinnedAdapter):
    """For servers that still need legacy renegotiation; certificates are verified as always."""

    def init_poolmanager(self, *args, **kwargs):
        ctx = ssl.create_default_context()
        ctx.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)
        kwargs["ssl_context"] = ctx
        return super().init_poolmanager(*args, **kwargs)


class _HostGate:
    """At most max_concurrency requests at a time to a host, each starting min_interval_s after the last."""

    def __init__(self, policy: HostPolicy, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.policy = policy
        self.sem = threading.Semaphore(policy.max_concurrency)
        self.lock = threading.Lock()
        self.last: float | None = None
        self.clock, self.sleep = clock, sleep

    @contextmanager
    def slot(self):
        with self.sem:
            with self.lock:
                if self.last is not None:
                    wait = self.last + self.policy.min_interval_s - self.clock()
                    if wait > 0:
                        self.sleep(wait)
                self.last = self.clock()
            yield


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date.

    >>> retry_after_seconds("120"), retry_after_seconds(None), retry_after_seconds("soon")
    (120.0, None, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def is_private_address(ip: str) -> bool:
    """True for loopback, private, link-local, reserved and other non-public addresses.

    >>> is_private_address("127.0.0.1"), is_private_address("10.1.2.3"), is_private_address("8.8.8.8")
    (True, True, False)
    """
    a = ipaddress.ip_address(ip)
    return a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_multicast or a.is_unspecified


def _without_userinfo(url: str) -> str:
    """The URL with its user name and password masked, for messages.

    >>> _without_userinfo("http://user:pw@example.org:8080/a")
    'http://***@example.org:8080/a'
    """
    parts = urlsplit(url)
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


class Fetcher:
    def __init__(self, registry: Registry, *, max_retries: int = 4, backoff_base_s: float = 1.0,
                 backoff_max_s: float = 60.0, retry_after_max_s: float = 300.0, max_redirects: int = 10,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None, resolver=socket.getaddrinfo, user_agent: str = USER_AGENT,
                 ca_bundle: str | None = None):
        """`ca_bundle`: CA certificates to trust instead of the default ones (a private CA, the tests');
        certificates are verified either way. One Fetcher per run: its Retry-After budget is the run's."""
        self.registry = registry
        self.max_retries, self.backoff_base_s, self.backoff_max_s = max_retries, backoff_base_s, backoff_max_s
        self.retry_after_max_s, self.max_redirects = retry_after_max_s, max_redirects
        self.sleep, self.clock, self.rng, self.resolver = sleep, clock, rng or random.Random(), resolver
        self.verify: bool | str = ca_bundle or True
        self.wait_budget = WaitBudget(registry.fetch.retry_after_run_budget_s)
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "*/*", "Accept-Encoding": "identity"})
        self.session.trust_env = False  # no proxies or netrc from the environment: only what the registry says
        self.session.mount("http://", _PinnedAdapter())
        self.session.mount("https://", _PinnedAdapter())
        for host, policy in registry.hosts.items():
            if policy.legacy_renegotiation:
                for prefix in (f"https://{host}/", f"https://{host}:"):  # with and without a port
                    self.session.mount(prefix, _LegacyTLSAdapter())
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._dead: dict[str, str] = {}  # host -> why it is unreachable for this run
        self._addresses: dict[str, tuple[str, ...]] = {}  # host -> its checked addresses, resolved once a run
        self._lock = threading.Lock()

    # -- checks ---------------------------------------------------------------------------------

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            if host not in self._gates:
                self._gates[host] = _HostGate(self.registry.policy(host), self.clock, self.sleep)
            return self._gates[host]

    def _check_target(self, url: str) -> _Target:
        """Scheme, credentials, host and port against the registry, then the host's addresses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise _Fail(f"refused: only http and https are fetched, not {parts.scheme!r} ({url})")
        if "@" in parts.netloc:
            raise _Fail(f"refused: {_without_userinfo(url)} carries a user name or password; credentials are "
                        f"never sent (use the URL without them)")
        host = (parts.hostname or "").lower()
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise _Fail(f"refused: {url} has an invalid port") from None
        if host not in self.registry.allowed_hosts:
            raise _Fail(f"refused: {host} is not an allowed host (add it to the sources file)")
        allowed = self.registry.ports(parts.scheme, host)
        if port not in allowed:
            raise _Fail(f"refused: {parts.scheme}://{host} is allowed on port {', '.join(map(str, sorted(allowed)))}, "
                        f"not port {port}; add ports = [{port}] to [host.\"{host}\"] in the sources file if that "
                        f"is intended")
        if host in self._dead:
            raise _Fail(self._dead[host])
        return _Target(host, self._checked_addresses(host, port))

    def _checked_addresses(self, host: str, port: int) -> tuple[str, ...]:
        """The host's addresses, resolved once a run and all checked: connections go to these only, so a
        DNS answer that changes after the check (rebinding) is never used."""
        if host in self._addresses:
            return self._addresses[host]
        try:
            infos = self.resolver(host, port)
        except (socket.gaierror, UnicodeError) as exc:
            msg = f"cannot resolve {host} (no network, or the name is wrong): {exc}"
            self._dead[host] = msg
            raise _Fail(msg) from None
        ips = tuple(dict.fromkeys(info[4][0] for info in infos))  # in the resolver's order, once each
        private = sorted(ip for ip in ips if is_private_address(ip))
        if private and not self.registry.policy(host).allow_private:
            raise _Fail(f"refused: {host} resolves to a private or loopback address ({', '.join(private)}); "
                        f"set allow_private = true for this host only if that is intended")
        if not ips:
            raise _Fail(f"cannot resolve {host}: no addresses")
        self._addresses[host] = ips
        return ips

    # -- one request ----------------------------------------------------------------------------

    def _get(self, url: str, headers: dict[str, str], time_: _UrlTime | None = None,
             hops: list[tuple[int, str]] | None = None) -> tuple[requests.Response, bytes, str]:
        """GET with manual redirects (each hop checked, and recorded in `hops`), streamed under the host's
        size cap, each request under its deadline and all of them within the URL's time."""
        time_ = time_ or _UrlTime(self.registry.policy(urlsplit(url).hostname or "").url_deadline)
        seen = {url}
        current = url
        for _ in range(self.max_redirects + 1):
            target = self._check_target(current)
            with self._gate(target.host).slot():
                resp, data, location = self._request(current, headers, target, time_)
            if location is None:
                return resp, data, current
            nxt = urljoin(current, location)
            if hops is not None:
                hops.append((resp.status_code, nxt))
            if nxt in seen:
                raise _Fail(f"redirect loop: {current} → {nxt}")
            seen.add(nxt)
            current = nxt
        raise _Fail(f"more than {self.max_redirects} redirects")

    def _request(self, url: str, headers: dict[str, str], target: _Target, time_: _UrlTime
                 ) -> tuple[requests.Response, bytes, str | None]:
        """One request, to the checked addresses, cut at its deadline: (response, body, redirect location)."""
        policy = self.registry.policy(target.host)
        limit = min(policy.request_deadline, time_.left)
        if limit <= 0:
            raise _Retry(self._url_time_message(target.host, time_), slow=True)
        watchdog = _Watchdog(limit)
        _CURRENT.request = (target, watchdog)
        start = self.clock()
        try:
            out = self._exchange(url, headers, target.host, policy, min(policy.timeout_s, limit))
        except Exception:
            if watchdog.stop():  # whatever broke, it broke because the deadline cut the connection
                raise self._too_slow(target.host, policy, limit, time_) from None
            raise
        finally:
            _CURRENT.request = None
            time_.spent += self.clock() - start
        if watchdog.stop():  # a body without a length ends where the cut was: it may look complete
            raise self._too_slow(target.host, policy, limit, time_)
        return out

    def _exchange(self, url: str, headers: dict[str, str], host: str, policy: HostPolicy, timeout: float
                  ) -> tuple[requests.Response, bytes, str | None]:
        try:
            resp = self.session.get(url, headers=headers, timeout=timeout, stream=True, allow_redirects=False,
                                    verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise _Fail(f"TLS error with {host} (certificates are always checked; set "
                        f"legacy_renegotiation = true for servers that need it): {exc}") from None
        except requests.exceptions.Timeout:
            raise _Retry(f"timed out after {timeout:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(f"connection failed: {_short(exc)}") from None
        try:
            if resp.is_redirect or resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers.get("Location")
                if not location:
                    raise _Fail(f"HTTP {resp.status_code} redirect without a Location")
                return resp, b"", location
            return resp, self._read(resp, policy, url), None
        finally:
            resp.close()

    def _too_slow(self, host: str, policy: HostPolicy, limit: float, time_: _UrlTime) -> _Retry:
        if limit < policy.request_deadline:  # the URL's time, not the request's, ran out
            return _Retry(self._url_time_message(host, time_), slow=True)
        return _Retry(f"too slow: {host} had not sent its whole answer after {limit:g} s, the most one request "
                      f"may take (request_deadline_s); try again later, or raise request_deadline_s for {host} "
                      f"in the sources file", slow=True)

    @staticmethod
    def _url_time_message(host: str, time_: _UrlTime) -> str:
        return (f"too slow: this URL has had the {time_.limit:g} s it may take in all (url_deadline_s for {host}); "
                f"try again later, or raise url_deadline_s in the sources file")

    def _read(self, resp: requests.Response, policy: HostPolicy, url: str) -> bytes:
        if resp.status_code != 200:
            return b""
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > policy.max_bytes:
            raise _Fail(f"refused: {url} is {int(declared):,} bytes, over the cap of {policy.max_bytes:,}")
        buf = bytearray()
        try:
            for chunk in resp.iter_content(65536):
                buf += chunk
                if len(buf) > policy.max_bytes:
                    raise _Fail(f"refused: {url} is larger than the cap of {policy.max_bytes:,} bytes")
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
            raise _Retry(f"the body was cut off after {len(buf):,} bytes: {_short(exc)}") from None
        except requests.exceptions.Timeout:
            raise _Retry(f"timed out while reading the body after {len(buf):,} bytes") from None
        if declared and declared.isdigit() and len(buf) < int(declared):
            raise _Retry(f"the body was cut off: {len(buf):,} of {int(declared):,} bytes")
        return bytes(buf)

    # -- robots.txt -----------------------------------------------------------------------------

    def _robots_allows(self, url: str) -> str | None:
        """None when allowed, else why not."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            robots_url = f"{key}/robots.txt"
            try:
                resp, data, _ = self._get(robots_url, {})
                if resp.status_code == 200:
                    rp = urllib.robotparser.RobotFileParser()
                    rp.parse(data.decode("utf-8", "replace").splitlines())
                    self._robots[key] = rp
                elif 400 <= resp.status_code < 500:
                    self._robots[key] = "allow"  # no robots.txt: everything is allowed
                else:
                    self._robots[key] = f"robots.txt of {host} answered HTTP {resp.status_code}: not fetching now"
            except (_Retry, _Fail) as exc:
                self._robots[key] = f"robots.txt of {host} could not be read: {exc}"
        rule = self._robots[key]
        if rule == "allow":
            return None
        if isinstance(rule, str):
            return rule
        ua = self.session.headers["User-Agent"]
        return None if rule.can_fetch(ua, url) else f"robots.txt of {host} disallows {parts.path or '/'}"

    # -- the public call ------------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch one URL (never raises for network or server problems)."""
        result = FetchResult(url, "failed")
        try:
            self._check_target(url)
            why = self._robots_allows(url)
            if why:
                result.message = why
                return result
        except _Fail as exc:
            result.message = str(exc)
            return result
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = (urlsplit(url).hostname or "").lower()
        time_ = _UrlTime(self.registry.policy(host).url_deadline)
        waited = 0.0  # Retry-After seconds this URL has waited
        attempt = 0
        while True:
            attempt += 1
            result.attempts = attempt
            try:
                result.redirects = []
                resp, data, final = self._get(url, headers, time_, result.redirects)
                result.http_status, result.final_url = resp.status_code, final
                result.headers = {k: v for k, v in resp.headers.items()}
                if resp.status_code == 304:
                    result.outcome, result.message = "unchanged", "not modified since the archived copy (HTTP 304)"
                    return result
                if resp.status_code in RETRY_STATUSES:
                    wait = retry_after_seconds(resp.headers.get("Retry-After"))
                    if wait is not None and wait > self.retry_after_max_s:
                        result.message = (f"HTTP {resp.status_code}; the server asks to wait {wait:.0f} s "
                                          f"(over {self.retry_after_max_s:.0f} s): try again later")
                        return result
                    raise _Retry(f"HTTP {resp.status_code}", wait)
                if resp.status_code != 200:
                    result.message = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                    return result
                if not data:
                    result.message = "the server sent an empty body"
                    return result
                result.outcome, result.data, result.kind = "fetched", data, sniff_kind(data, final)
                result.message = f"{len(data):,} bytes ({result.kind})"
                return result
            except _Fail as exc:
                result.message = str(exc)
                return result
            except _Retry as exc:
                if attempt > self.max_retries:
                    result.message = f"gave up after {_attempts(attempt)}: {exc}"
                    result.stopped = "deadline" if exc.slow else None
                    return result
                if time_.left <= 0:
                    result.message = f"gave up after {_attempts(attempt)}: {exc}"
                    result.stopped = "deadline"
                    return result
                if exc.delay is not None:
                    why = self._no_wait(exc.delay, waited)
                    if why:
                        result.message, result.stopped = f"{exc}; {why}", "retry_after_budget"
                        return result
                    delay = exc.delay
                    waited += delay
                else:
                    delay = self._backoff(attempt)
                    if delay >= time_.left:
                        result.message = (f"gave up after {_attempts(attempt)}: {exc}; "
                                          f"{self._url_time_message(host, time_)}")
                        result.stopped = "deadline"
                        return result
                    time_.spent += delay  # backoff counts as the URL's time; the clock may be a test's
                log.info("%s: %s; retrying in %.1f s", url, exc, delay)
                self.sleep(delay)

    def _no_wait(self, delay: float, waited: float) -> str | None:
        """None when a Retry-After wait of `delay` s fits this URL's and this run's budgets (the run's is
        then taken), else why not, for the message."""
        fetch = self.registry.fetch
        if waited + delay > fetch.retry_after_url_budget_s:
            return (f"the server asks to wait {delay:.0f} s (Retry-After), over what one URL may wait in all "
                    f"({fetch.retry_after_url_budget_s:.0f} s, retry_after_url_budget_s; {waited:.0f} s waited "
                    f"already): try again later")
        if not self.wait_budget.take(delay):
            return (f"the server asks to wait {delay:.0f} s (Retry-After) and this run's budget for that is spent "
                    f"({self.wait_budget.left:.0f} s of {self.wait_budget.total:.0f} s left, "
                    f"retry_after_run_budget_s): try again later")
        return None

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform(0, min(max, base * 2^(attempt-1)))."""
        return self.rng.uniform(0, min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1)))


def _attempts(n: int) -> str:
    return f"{n} attempt{'' if n == 1 else 's'}"


def _short(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection reset", "Connection refused", "IncompleteRead", "Connection aborted",
                   "Remote end closed", "timed out"):
        if marker.lower() in text.lower():
            return marker.lower()
    return text[:160]
