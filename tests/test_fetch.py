"""Fetching against a misbehaving local server (tests/faultserver.py, 127.0.0.1 only, started per test).

Documents served are the SYNTHETIC fixtures. Sleeps are recorded, not slept, so backoff and Retry-After
are checked without waiting."""

from __future__ import annotations

import random
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from faultserver import Drip, Endless, FaultServer, Reply, Reset, Slow, Truncate

from catalog import CatalogError
from catalog.sources import FetchSettings, HostPolicy, KnownSource, Listing, Registry, load_registry
from extractors.archive import Archive
from extractors.http import Fetcher, WaitBudget
from warehouse.fetching import by_hand, fetch_units
from warehouse.observations import Selection

DOCS = Path(__file__).parent / "fixtures" / "documents"
MZL = (DOCS / "mzl_2022_utf8_chrome.html").read_bytes()
ERENHOT = (DOCS / "erenhot_2021_yearfirst.html").read_bytes()
DONGNING_GBK = (DOCS / "dongning_2014_gbk_nocharset.html").read_bytes()


@pytest.fixture
def server():
    with FaultServer() as s:
        s.route("/robots.txt", Reply(404, b""))
        yield s


def registry(server: FaultServer, sources=(), listings=(), **policy) -> Registry:
    pol = {"min_interval_s": 0, "allow_private": True, "timeout_s": 1.0, "max_bytes": 200_000,
           "ports": (server.port,)} | policy
    return Registry(tuple(listings), tuple(sources), {"127.0.0.1": HostPolicy(**pol)})


class Sleeps(list):
    def __call__(self, s: float) -> None:
        self.append(s)


def fetcher(reg: Registry, **kw) -> tuple[Fetcher, Sleeps]:
    sleeps = Sleeps()
    return Fetcher(reg, sleep=sleeps, backoff_base_s=0.01, **kw), sleeps


# --- the client alone ----------------------------------------------------------------------------


def test_404_is_not_retried(server):
    f, sleeps = fetcher(registry(server))
    r = f.fetch(server.url("/missing.html"))
    assert r.outcome == "failed" and r.message == "HTTP 404 Not Found" and r.attempts == 1 and not sleeps


def test_500_then_200_is_retried_with_backoff(server):
    url = server.route("/a.html", Reply(500, b"oops"), Reply(200, MZL))
    f, sleeps = fetcher(registry(server))
    r = f.fetch(url)
    assert r.outcome == "fetched" and r.attempts == 2 and r.data == MZL and r.kind == "html"
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.01  # full jitter under base × 2⁰


def test_503_retry_after_is_honoured(server):
    url = server.route("/b.html", Reply(503, b"busy", {"Retry-After": "7"}), Reply(200, MZL))
    f, sleeps = fetcher(registry(server))
    assert f.fetch(url).outcome == "fetched" and sleeps == [7.0]


def test_429_gives_up_after_the_retries_and_a_long_retry_after_is_not_waited(server):
    url = server.route("/c.html", Reply(429, b"slow down"))
    f, sleeps = fetcher(registry(server), max_retries=2)
    r = f.fetch(url)
    assert r.outcome == "failed" and r.message == "gave up after 3 attempts: HTTP 429" and len(sleeps) == 2
    assert sleeps[1] <= 0.02  # the backoff doubles: base × 2¹
    url = server.route("/d.html", Reply(429, b"", {"Retry-After": "86400"}))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and "asks to wait 86400 s" in r.message and r.attempts == 1


def test_timeout(server):
    url = server.route("/slow.html", Slow(1.5, Reply(200, MZL)))
    f, _ = fetcher(registry(server, timeout_s=0.3), max_retries=1)
    r = f.fetch(url)
    assert r.outcome == "failed" and "timed out" in r.message and r.attempts == 2


def test_connection_reset_then_success(server):
    url = server.route("/r.html", Reset(), Reply(200, MZL))
    f, _ = fetcher(registry(server))
    r = f.fetch(url)
    assert r.outcome == "fetched" and r.attempts == 2
    url = server.route("/rr.html", Reset())
    r = fetcher(registry(server), max_retries=1)[0].fetch(url)
    assert r.outcome == "failed" and "connection" in r.message and r.attempts == 2


def test_truncated_body_is_retried_then_given_up(server):
    url = server.route("/t.html", Truncate(MZL[:100], len(MZL)))
    r = fetcher(registry(server), max_retries=1)[0].fetch(url)
    assert r.outcome == "failed" and "cut off" in r.message and r.data is None


def test_oversized_bodies_are_refused(server):
    url = server.route("/big.pdf", Reply(200, b"%PDF-1.4" + b"0" * 300_000, {"Content-Type": "application/pdf"}))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and "over the cap of 200,000" in r.message and r.attempts == 1
    url = server.route("/endless", Endless())
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and "larger than the cap" in r.message


def test_redirect_to_a_host_that_is_not_allowed(server):
    url = server.route("/go", Reply(302, b"", {"Location": f"http://localhost:{server.port}/a.html"}))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and "localhost is not an allowed host" in r.message


def test_redirect_loop(server):
    server.route("/loop1", Reply(302, b"", {"Location": "/loop2"}))
    url = server.route("/loop2", Reply(301, b"", {"Location": "/loop1"}))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and r.message.startswith("redirect loop")


def test_a_good_redirect_is_followed(server):
    server.route("/new.html", Reply(200, MZL))
    url = server.route("/old.html", Reply(301, b"", {"Location": "/new.html"}))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "fetched" and r.final_url == server.url("/new.html")


def test_empty_body(server):
    url = server.route("/empty.html", Reply(200, b""))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and r.message == "the server sent an empty body"


def test_conditional_get_makes_an_unchanged_document_cost_a_304(server):
    url = server.route("/e.html", Reply(200, MZL, {"ETag": '"v1"'}), Reply(304, b""))
    f, _ = fetcher(registry(server))
    first = f.fetch(url)
    second = f.fetch(url, etag=first.headers["ETag"])
    assert second.outcome == "unchanged"
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'


def test_robots_txt_is_respected(server):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    url = server.route("/private/x.html", Reply(200, MZL))
    r = fetcher(registry(server))[0].fetch(url)
    assert r.outcome == "failed" and "robots.txt of 127.0.0.1 disallows /private/x.html" in r.message
    assert server.hits("/private/x.html") == 0


def test_private_addresses_are_refused_unless_allowed(server):
    url = server.route("/a.html", Reply(200, MZL))
    r = fetcher(registry(server, allow_private=False))[0].fetch(url)
    assert r.outcome == "failed" and "private or loopback address" in r.message and server.hits("/a.html") == 0


def test_unknown_hosts_and_schemes_are_refused(server):
    f, _ = fetcher(registry(server))
    assert "not an allowed host" in f.fetch("http://example.org/x.html").message
    assert "only http and https" in f.fetch("ftp://127.0.0.1/x").message


# --- the fetch step: archive, statuses, other units ---------------------------------------------


def _src(unit: str, year: int, url: str) -> KnownSource:
    return KnownSource(unit_code=unit, year=year, url=url)


def test_fetch_step_statuses_and_archive(server, cat, tmp_path, generated_pdfs):
    archive = Archive(tmp_path / "archive")
    urls = {
        "good": server.route("/mzl2022.html", Reply(200, MZL)),
        "captcha": server.route("/captcha.html", Reply(200, (DOCS / "captcha.html").read_bytes())),
        "js": server.route("/js.html", Reply(200, (DOCS / "js_challenge.html").read_bytes())),
        "charset": server.route("/dn2014.html", Reply(200, DONGNING_GBK,
                                                      {"Content-Type": "text/html; charset=iso-8859-1"})),
        "html_for_pdf": server.route("/bulletin.pdf", Reply(200, (DOCS / "meeting_news.html").read_bytes())),
        "corrupt": server.route("/corrupt.pdf", Reply(200, (DOCS / "corrupt.pdf").read_bytes(),
                                                      {"Content-Type": "application/pdf"})),
        "encrypted": server.route("/enc.pdf", Reply(200, generated_pdfs["encrypted.pdf"].read_bytes(),
                                                    {"Content-Type": "application/pdf"})),
        "twin": server.route("/copy-of-mzl2022.html", Reply(200, MZL)),
        "erenhot": server.route("/erenhot2021.html", Reply(200, ERENHOT)),
        "gone": server.route("/gone.html", Reply(404, b"")),
    }
    sources = [_src("150781", 2022, urls["good"]), _src("150781", 2021, urls["captcha"]),
               _src("150781", 2020, urls["js"]), _src("231086", 2014, urls["charset"]),
               _src("150781", 2019, urls["html_for_pdf"]), _src("150781", 2018, urls["corrupt"]),
               _src("150781", 2017, urls["encrypted"]), _src("150781", 2023, urls["twin"]),
               _src("152501", 2021, urls["erenhot"]), _src("152501", 2020, urls["gone"])]
    reg = registry(server, sources)
    f, _ = fetcher(reg)
    recs = {r.url: r for r in fetch_units(None, reg, Selection(), archive, f, cat)}
    outcome = {k: recs[u].outcome for k, u in urls.items()}
    assert outcome == {"good": "fetched", "captcha": "blocked", "js": "blocked", "charset": "fetched",
                       "html_for_pdf": "failed", "corrupt": "failed", "encrypted": "failed", "twin": "unchanged",
                       "erenhot": "fetched", "gone": "failed"}
    assert recs[urls["html_for_pdf"]].message.startswith("not_a_bulletin")
    assert recs[urls["corrupt"]].message.startswith("unreadable")
    assert recs[urls["encrypted"]].message.startswith("unreadable")
    assert "already archived" in recs[urls["twin"]].message
    # only the three documents are archived: no anti-bot page, no unreadable file, no partial file
    stored = list(archive)
    assert sorted(s.unit_code for s in stored) == ["150781", "152501", "231086"]
    assert not [p for p in archive.root.rglob("*") if p.name.startswith(".tmp")]
    mzl = next(s for s in stored if s.unit_code == "150781")
    assert mzl.origin == urls["good"] and urls["twin"] in mzl.other_origins
    assert mzl.origin_kind == "url" and mzl.response_headers and mzl.published == "2023-04-20"
    gbk = next(s for s in stored if s.unit_code == "231086")
    assert gbk.data_year == 2014 and gbk.status in ("ok", "partial")  # decoded as GB18030 despite the header
    hand = "\n".join(by_hand(list(recs.values())))
    for k in ("captcha", "js", "html_for_pdf", "corrupt", "encrypted", "gone"):
        assert urls[k] in hand
    assert urls["good"] not in hand


def test_unchanged_on_rerun_and_archived_copy_used_when_offline(server, cat, tmp_path):
    archive = Archive(tmp_path / "archive")
    url = server.route("/m.html", Reply(200, MZL, {"ETag": '"abc"'}), Reply(304, b""), Reset())
    reg = registry(server, [_src("150781", 2022, url)])
    f, _ = fetcher(reg, max_retries=0)
    assert [r.outcome for r in fetch_units(None, reg, Selection(), archive, f, cat)] == ["fetched"]
    assert [r.outcome for r in fetch_units(None, reg, Selection(), archive, f, cat)] == ["unchanged"]
    third = fetch_units(None, reg, Selection(), archive, f, cat)[0]
    assert third.outcome == "failed" and third.message.endswith("the archived copy is used") and third.sha256


def test_listing_discovery_pagination_and_an_empty_listing(server, cat, tmp_path):
    page1 = ('<html><body><ul><li><a href="/tj/2023.html">满洲里市2022年国民经济和社会发展统计公报</a> 2023-04-20</li>'
             '<li><a href="/news/1.html">满洲里市召开经济工作会议</a></li></ul><a href="/list2.html">下一页</a>'
             '</body></html>').encode()
    page2 = '<html><body><a href="/tj/2022.html">满洲里市2021年统计公报</a></body></html>'.encode()
    server.route("/list1.html", Reply(200, page1))
    server.route("/list2.html", Reply(200, page2))
    server.route("/tj/2023.html", Reply(200, MZL))
    server.route("/tj/2022.html", Reply(500, b""))
    server.route("/empty-list.html", Reply(200, "<html><body><p>暂无信息</p></body></html>".encode()))
    reg = registry(server, listings=[Listing(unit_code="150781", url=server.url("/list1.html")),
                                     Listing(unit_code="152501", url=server.url("/empty-list.html"))])
    f, _ = fetcher(reg, max_retries=0)
    recs = fetch_units(None, reg, Selection(), Archive(tmp_path / "a"), f, cat)
    by_url = {r.url: r for r in recs}
    assert by_url[server.url("/tj/2023.html")].outcome == "fetched"
    assert by_url[server.url("/tj/2023.html")].year == 2022
    assert by_url[server.url("/tj/2023.html")].listed == "2023-04-20"
    assert by_url[server.url("/tj/2023.html")].title == "满洲里市2022年国民经济和社会发展统计公报"
    assert by_url[server.url("/tj/2022.html")].outcome == "failed"  # found on page 2, then a server error
    assert server.hits("/news/1.html") == 0
    empty = by_url[server.url("/empty-list.html")]
    assert empty.outcome == "failed" and "no bulletin links found" in empty.message
    # a year range leaves the other years' links alone
    f2, _ = fetcher(reg)
    recs = fetch_units(frozenset({"150781"}), reg, Selection(None, (2021, 2021)), Archive(tmp_path / "b"), f2, cat)
    assert {r.url for r in recs if r.year} == {server.url("/tj/2022.html")}  # the 2021 bulletin only


def test_registry_files_are_validated(cat, tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nunit_code = "150781"\nyear = 2022\nurl = "file:///etc/passwd"\n\n'
                   '[[listing]]\nunit_code = "999999"\nurl = "https://x.gov.cn/"\n\n'
                   '[host."bad host/.."]\nmin_interval_s = 1\n\n[host."ok.gov.cn"]\nspeed = 3\n', encoding="utf-8")
    with pytest.raises(CatalogError) as e:
        load_registry(cat, (bad,))
    text = str(e.value)
    assert "source #1: url: Value error, only http and https URLs are accepted, not 'file'" in text
    assert "listing #1: unknown unit_code '999999'" in text
    assert "host 'bad host/..': not a host name" in text and "host 'ok.gov.cn': speed: Extra inputs" in text


def test_user_registry_overrides_bundled_and_env(cat, tmp_path):
    user = tmp_path / "u.toml"
    user.write_text('[[source]]\nunit_code = "150781"\nyear = 2022\nkind = "bulletin"\nurl = "https://new.example.cn/a"\n'
                    '[host."new.example.cn"]\nmin_interval_s = 5\n', encoding="utf-8")
    reg = load_registry(cat, (), environ={"BORDERZONES_SOURCES": str(user)})
    mzl = [s for s in reg.sources if s.unit_code == "150781" and s.year == 2022]
    assert [s.url for s in mzl] == ["https://new.example.cn/a"]
    assert reg.policy("new.example.cn").min_interval_s == 5 and "new.example.cn" in reg.allowed_hosts


# --- issue 14: deadlines, Retry-After budgets ----------------------------------------------------


def test_a_server_that_trickles_is_cut_off_at_the_request_deadline(server):
    # a byte every 0.2 s never trips the 0.5 s read timeout; the whole request may take 4 × 0.5 s = 2 s
    url = server.route("/drip.html", Drip(MZL[:40], 0.2))  # 8 s in all
    f, _ = fetcher(registry(server, timeout_s=0.5), max_retries=0)
    start = time.monotonic()
    r = f.fetch(url)
    took = time.monotonic() - start
    assert r.outcome == "failed" and took < 4, (r.outcome, took)
    assert "request_deadline_s" in r.message and "2 s" in r.message


def test_retry_after_just_under_the_limit_is_waited_once_per_url(server):
    # 290 s is under the 5-minute limit: it used to be honoured at each of the 4 retries (~20 min)
    url = server.route("/busy.html", Reply(503, b"", {"Retry-After": "290"}))
    f, sleeps = fetcher(registry(server))
    r = f.fetch(url)
    assert r.outcome == "failed" and sleeps == [290.0], sleeps
    assert "Retry-After" in r.message and "retry_after_url_budget_s" in r.message


def test_the_run_shares_one_retry_after_budget(server, cat, tmp_path):
    # seven URLs each asked to wait 290 s once: six waits fit in the run's 1,800 s, the seventh gives up
    urls = [server.route(f"/q{i}.html", Reply(503, b"", {"Retry-After": "290"}), Reply(200, MZL)) for i in range(7)]
    reg = registry(server, [_src("150781", 2010 + i, u) for i, u in enumerate(urls)])
    f, sleeps = fetcher(reg)
    recs = fetch_units(None, reg, Selection(), Archive(tmp_path / "a"), f, cat)
    assert sum(sleeps) == 6 * 290.0
    failed = [r for r in recs if r.outcome == "failed"]
    assert len(failed) == 1 and "retry_after_run_budget_s" in failed[0].message
    from warehouse.fetching import fetch_summary

    assert "1 URL gave up waiting: Retry-After budget spent" in "\n".join(fetch_summary(recs))


def test_the_url_deadline_bounds_the_retries_and_their_backoff(server):
    # the clock moves only when the client sleeps: the backoff alone runs the URL's 2 s out, without waiting
    url = server.route("/down.html", Reply(500, b""))
    slept = Sleeps()
    f = Fetcher(registry(server, url_deadline_s=2.0), sleep=slept, clock=lambda: sum(slept), max_retries=50,
                backoff_base_s=0.2, rng=random.Random(1))
    r = f.fetch(url)
    assert r.outcome == "failed" and r.stopped == "deadline" and r.attempts < 50
    assert sum(slept) < 2.0 and "url_deadline_s for 127.0.0.1" in r.message and "HTTP 500" in r.message


def test_the_run_budget_is_thread_safe():
    budget = WaitBudget(1000)
    with ThreadPoolExecutor(16) as pool:
        taken = list(pool.map(lambda _: budget.take(100), range(40)))
    assert taken.count(True) == 10 and budget.left == 0


def test_fetch_settings_ports_and_deadlines_from_the_registry_files(cat, tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[fetch]\nretry_after_url_budget_s = 120\nretry_after_run_budget_s = 60\n\n'
                     '[host."x.gov.cn"]\nports = [8080]\nrequest_deadline_s = 45\n', encoding="utf-8")
    second.write_text('[fetch]\nretry_after_run_budget_s = 600\n', encoding="utf-8")
    reg = load_registry(cat, (first, second), bundled=False, environ={})
    assert reg.fetch.retry_after_url_budget_s == 120 and reg.fetch.retry_after_run_budget_s == 600  # setting by setting
    assert (reg.fetch.max_candidates_per_page, reg.fetch.max_candidates_per_unit_year) == (5, 5)
    assert reg.ports("http", "x.gov.cn") == {80, 8080} and reg.ports("https", "x.gov.cn") == {443, 8080}
    pol = reg.policy("x.gov.cn")
    assert (pol.request_deadline, pol.url_deadline) == (45, 300)  # the URL's: 10 × the 30 s timeout
    assert Fetcher(reg).wait_budget.total == 600
    bad = tmp_path / "bad.toml"
    bad.write_text('[fetch]\nretry_after_run_budget_s = -1\nspeed = 1\n\n[host."y.gov.cn"]\nports = [70000]\n',
                   encoding="utf-8")
    with pytest.raises(CatalogError) as e:
        load_registry(cat, (bad,), bundled=False, environ={})
    text = str(e.value)
    assert "fetch: retry_after_run_budget_s: Input should be greater than or equal to 0" in text
    assert "fetch: " in text and "speed: Extra inputs" in text and "host 'y.gov.cn': ports.0" in text


# --- issue 14: how many listing links are fetched ------------------------------------------------


def test_candidates_are_capped_per_listing_page_and_per_unit_year(server, cat, tmp_path):
    # 300 links to 2022 bulletins on one page; a reading (解读) first, the full bulletin last
    links = ['<li><a href="/tj/jd.html">《满洲里市2022年国民经济和社会发展统计公报》解读</a></li>']
    links += [f'<li><a href="/tj/{i}.html">满洲里市2022年统计公报（{i}）</a></li>' for i in range(298)]
    links += ['<li><a href="/tj/full.html">满洲里市2022年国民经济和社会发展统计公报</a></li>']
    more = [f'<li><a href="/tj2/{i}.html">满洲里市2022年统计公报（续{i}）</a></li>' for i in range(4)]
    big = server.route("/big-list.html", Reply(200, f"<html><body><ul>{''.join(links)}</ul></body></html>".encode()))
    other = server.route("/other-list.html", Reply(200, f"<html><body><ul>{''.join(more)}</ul></body></html>".encode()))
    reg = registry(server, listings=[Listing(unit_code="150781", url=big), Listing(unit_code="150781", url=other)])
    f, _ = fetcher(reg, max_retries=0)
    recs = fetch_units(None, reg, Selection(), Archive(tmp_path / "a"), f, cat)
    fetched = sorted(p for p, _ in server.requests if p.startswith(("/tj/", "/tj2/")))
    assert len(fetched) == 5, len(fetched)  # the best-ranked 5 of 302, not 302 fetches
    assert "/tj/full.html" in fetched and "/tj/jd.html" not in fetched  # the bulletin before a reading of it
    skipped = {r.url: r for r in recs if r.outcome == "skipped"}
    assert "295 more bulletin link(s)" in skipped[big].message  # 300 on the page, 5 kept
    assert "4 bulletin link(s) for 150781 2022" in skipped[other].message  # the unit-year already has its 5


def test_the_candidate_caps_are_settings(server, cat, tmp_path):
    links = "".join(f'<li><a href="/c/{y}.html">满洲里市{y}年统计公报</a></li>' for y in range(2010, 2020))
    page = server.route("/list.html", Reply(200, f"<ul>{links}</ul>".encode()))
    reg = registry(server, listings=[Listing(unit_code="150781", url=page)])
    reg = Registry(reg.listings, reg.sources, reg.hosts, fetch=FetchSettings(max_candidates_per_page=2))
    recs = fetch_units(None, reg, Selection(), Archive(tmp_path / "a"), fetcher(reg, max_retries=0)[0], cat)
    assert sorted(p for p, _ in server.requests if p.startswith("/c/")) == ["/c/2010.html", "/c/2011.html"]
    assert [r.left_out for r in recs if r.outcome == "skipped"] == [8]


# --- issue 14: ports, credentials, the checked address ---------------------------------------------


def test_a_redirect_to_another_port_of_an_allowed_host_is_refused(server):
    with FaultServer() as other:
        other.route("/robots.txt", Reply(404, b""))
        elsewhere = other.route("/a.html", Reply(200, MZL))
        url = server.route("/go-port", Reply(302, b"", {"Location": elsewhere}))
        # the registry names 127.0.0.1 on the first server's port only (through the URL it lists)
        reg = Registry((), (_src("150781", 2022, url),),
                       {"127.0.0.1": HostPolicy(min_interval_s=0, allow_private=True)})
        r = fetcher(reg)[0].fetch(url)
        assert other.hits("/a.html") == 0
    assert r.outcome == "failed" and f"port {other.port}" in r.message and "ports = [" in r.message


def test_credentials_in_urls_and_redirects_are_refused(server):
    server.route("/a.html", Reply(200, MZL))
    with_creds = f"http://user:secret@127.0.0.1:{server.port}/a.html"
    hop = server.route("/go-creds", Reply(302, b"", {"Location": with_creds}))
    reg = registry(server, [_src("150781", 2022, hop)])
    f, _ = fetcher(reg)
    for url in (with_creds, hop):
        r = f.fetch(url)
        assert r.outcome == "failed" and "user name or password" in r.message and "secret" not in r.message, url
    assert server.hits("/a.html") == 0
    assert not [h for _, h in server.requests if "Authorization" in h]


def _answer(ip: str, port: int) -> list:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]


def test_the_connection_goes_to_the_address_that_was_checked(server, monkeypatch):
    # DNS rebinding: the name answers 127.0.0.1 when checked and 127.0.0.2 (nothing listens) afterwards
    asked = []

    def resolver(host, port, *args, **kwargs):
        asked.append(host)
        return _answer("127.0.0.1" if len(asked) == 1 else "127.0.0.2", port)

    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **kw: _answer("127.0.0.2", port)
                        if host == "bulletins.example" else real(host, port, *a, **kw))
    server.route("/doc.html", Reply(200, MZL))
    url = f"http://bulletins.example:{server.port}/doc.html"
    reg = Registry((), (_src("150781", 2022, url),),
                   {"bulletins.example": HostPolicy(min_interval_s=0, allow_private=True, timeout_s=1.0)})
    f, _ = fetcher(reg, resolver=resolver, max_retries=0)
    r = f.fetch(url)
    assert r.outcome == "fetched", r.message
    assert asked == ["bulletins.example"]  # resolved once; the connection used that answer
    assert server.requests[-1][1]["Host"] == f"bulletins.example:{server.port}"  # the name, not the address
    assert f.fetch(url).outcome == "fetched" and asked == ["bulletins.example"]


def _tls(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, Path]:
    """A throwaway CA and a certificate for `name` signed by it: (server context, the CA file to trust)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def cert(subject: str, key, issuer: str, signer, ca: bool):
        now = datetime.now(UTC)
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
             .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
        else:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return b.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = cert("borderzones test CA", ca_key, "borderzones test CA", ca_key, True)
    leaf = cert(name, key, "borderzones test CA", ca_key, False)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    return ctx, tmp_path / "ca.pem"


@pytest.mark.parametrize("cert_name", ["bulletins.example", "other.example"])
def test_https_connects_to_the_checked_address_and_verifies_the_name(tmp_path, cert_name):
    ctx, ca = _tls(tmp_path, cert_name)
    with FaultServer(ctx) as srv:
        srv.route("/robots.txt", Reply(404, b""))
        srv.route("/doc.html", Reply(200, MZL))
        url = f"https://bulletins.example:{srv.port}/doc.html"
        reg = Registry((), (_src("150781", 2022, url),),
                       {"bulletins.example": HostPolicy(min_interval_s=0, allow_private=True, timeout_s=2.0)})
        f, _ = fetcher(reg, resolver=lambda host, port, *a, **kw: _answer("127.0.0.1", port), ca_bundle=str(ca),
                       max_retries=0)
        r = f.fetch(url)
    if cert_name == "bulletins.example":  # SNI and the certificate check use the name, the socket the address
        assert r.outcome == "fetched", r.message
        assert srv.requests[-1][1]["Host"] == f"bulletins.example:{srv.port}"
    else:
        assert r.outcome == "failed" and "TLS error" in r.message and "bulletins.example" in r.message
