"""The source registry's generated entries, unverified entries in the fetch step, and `borderzones sources
check` against the local test server (tests/faultserver.py, 127.0.0.1 only). Documents served are the
SYNTHETIC fixtures."""

from __future__ import annotations

import json
import socket
import tomllib
from pathlib import Path

import pytest
from faultserver import FaultServer, Reply
from typer.testing import CliRunner

from catalog import CatalogError
from catalog.reference_registry import GENERATED, REFERENCE_URLS, generate, to_toml
from catalog.sources import HostPolicy, KnownSource, Listing, Registry, UnitSites, load_registry
from extractors.archive import Archive
from extractors.http import Fetcher
from flows.cli import app
from warehouse.fetching import fetch_summary, fetch_units
from warehouse.observations import Selection
from warehouse.sources_check import check_registry, probe_fetcher

DOCS = Path(__file__).parent / "fixtures" / "documents"
MZL = (DOCS / "mzl_2022_utf8_chrome.html").read_bytes()
CAPTCHA = (DOCS / "captcha.html").read_bytes()
LISTING = ('<html><body><ul><li><a href="/tj/2023.html">满洲里市2022年国民经济和社会发展统计公报</a></li>'
           '<li><a href="/tj/2022.html">满洲里市2021年国民经济和社会发展统计公报</a></li></ul></body></html>').encode()


# --- the generated registry ------------------------------------------------------------------------


def test_the_generated_registry_is_up_to_date_and_unverified(cat):
    g = generate(REFERENCE_URLS)
    assert GENERATED.read_text(encoding="utf-8") == to_toml(g), "run: python -m catalog.reference_registry"
    c = g.counts()
    assert (c["listing"], c["source"], c["unit"], c["portal"]) == (8, 28, 12, 19)
    assert [w for w in g.left_out if "no scheme" in w] == g.left_out and len(g.left_out) == 1
    raw = tomllib.loads(GENERATED.read_text(encoding="utf-8"))
    entries = raw["listing"] + raw["source"] + list(raw["unit"].values())
    assert entries and all(e["verified"] is False and e["note"] for e in entries)
    reg = load_registry(cat, environ={})
    assert not [p for p in reg.probes() if p.verified]  # no bundled address is claimed to be checked
    assert {"www.dxzf.gov.cn", "pxszf.gov.cn", "www.xjtc.gov.cn"} <= reg.official_hosts
    assert "pxszf.gov.cn" in reg.allowed_hosts and "www.manzhouli.gov.cn" in reg.allowed_hosts
    national = [x for x in reg.listings if x.unit_code is None]
    assert len(national) == 6 and not [x for x in reg.for_units(None).listings if x.unit_code is None]
    wr = [s for s in reg.sources if s.unit_code == "150781" and s.kind == "work_report"]
    assert [s.url for s in wr] == ["https://www.nmg.gov.cn/zwgk/zfggbg/ms/Manzhouli/202107/t20210706_1763268.html"]


def test_a_reference_row_the_generator_has_no_rule_for_stops_it(tmp_path):
    path = tmp_path / "urls.csv"
    path.write_text("unit_code,unit_name,data_year,kind,url,seen_in,note\n"
                    "150781,满洲里市,2020,blog,https://x.example.cn/a,here,a blog\n"
                    "150781,满洲里市,2020,news,https://x.example.cn/b,here,one\n"
                    "150781,满洲里市,2020,news,https://x.example.cn/c,here,two\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        generate(path)
    assert "row 2: kind 'blog' has no rule" in str(err.value)
    assert "row 4: a second news of 150781 for 2020 (row 3 has one)" in str(err.value)


def test_the_new_registry_fields_are_validated(cat, tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nunit_code = "150781"\nyear = 2022\nurl = "https://a.gov.cn/x"\nverified = "maybe"\n\n'
                   '[unit."999999"]\nofficial_hosts = ["a.gov.cn"]\n\n'
                   '[unit."150781"]\nofficial_hosts = ["not a host"]\nportal = ["https://a.gov.cn/"]\n',
                   encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_registry(cat, (bad,), bundled=False, environ={})
    text = str(err.value)
    assert "source #1: verified: Input should be a valid boolean" in text
    assert "unit '999999': unknown unit_code" in text
    assert "unit '150781': official_hosts: Value error, 'not a host' is not a host name" in text
    assert "portal: Extra inputs are not permitted" in text


def test_a_hand_written_entry_replaces_a_generated_one(cat, tmp_path):
    user = tmp_path / "u.toml"
    user.write_text('[[source]]\nunit_code = "150781"\nyear = 2020\nkind = "work_report"\n'
                    'url = "https://www.manzhouli.gov.cn/wr2021.html"\n\n'
                    '[unit."150781"]\nofficial_hosts = ["www.manzhouli.gov.cn"]\n', encoding="utf-8")
    reg = load_registry(cat, (user,), environ={})
    wr = [s for s in reg.sources if s.unit_code == "150781" and s.year == 2020 and s.kind == "work_report"]
    assert [(s.url, s.verified) for s in wr] == [("https://www.manzhouli.gov.cn/wr2021.html", True)]
    assert reg.units["150781"].official_hosts == ("www.manzhouli.gov.cn",) and "www.nmg.gov.cn" not in \
        reg.official_hosts


# --- unverified entries in the fetch step ------------------------------------------------------------


@pytest.fixture
def server():
    with FaultServer() as s:
        s.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
        yield s


def _policy(server: FaultServer, **kw) -> dict[str, HostPolicy]:
    return {"127.0.0.1": HostPolicy(**({"min_interval_s": 0, "allow_private": True, "timeout_s": 1.0} | kw))}


def test_a_failure_on_an_unverified_entry_is_reported_as_such(server, cat, tmp_path):
    gone = server.route("/gone.html", Reply(404, b""))
    moved_away = server.route("/gone2.html", Reply(404, b""))
    reg = Registry((), (KnownSource(unit_code="150781", year=2022, url=gone, verified=False),
                        KnownSource(unit_code="150781", year=2021, url=moved_away)), _policy(server))
    recs = {r.url: r for r in fetch_units(None, reg, Selection(), Archive(tmp_path / "a"),
                                          Fetcher(reg, sleep=lambda s: None), cat)}
    assert recs[gone].outcome == "failed" and "unverified registry entry" in recs[gone].message
    assert "unverified" not in recs[moved_away].message and recs[moved_away].verified
    assert server.hits("/gone.html") == 1  # an unverified entry is fetched like any other
    assert any(line.startswith("1 URL that failed or were blocked came from unverified registry entries")
               for line in fetch_summary(list(recs.values())))


# --- sources check -----------------------------------------------------------------------------------


def _check_registry(server: FaultServer) -> tuple[Registry, dict[str, str]]:
    urls = {
        "alive": server.route("/tj/2023.html", Reply(200, MZL)),
        "alive_listing": server.route("/list.html", Reply(200, LISTING)),
        "moved": server.route("/old.html", Reply(301, b"", {"Location": "/new.html"})),
        "moved_away": server.route("/away", Reply(302, b"", {"Location": "http://localhost/elsewhere.html"})),
        "gone": server.route("/gone.html", Reply(404, b"")),
        "gone_410": server.route("/removed.html", Reply(410, b"")),
        "gone_soft": server.route("/soft.html", Reply(200, "<html><head><title>404 页面不存在</title></head>"
                                                           "<body>您访问的页面不存在</body></html>".encode())),
        "gone_dns": "http://no-such-host.invalid/bulletin.html",
        "blocked_private": "http://intranet.example.cn/tj/2022.html",  # resolves to 10.0.0.5 (see _resolver)
        "blocked": server.route("/forbidden.html", Reply(403, b"")),
        "blocked_captcha": server.route("/captcha.html", Reply(200, CAPTCHA)),
        "blocked_robots": server.route("/private/x.html", Reply(200, MZL)),
        "blocked_429": server.route("/busy.html", Reply(429, b"", {"Retry-After": "120"})),
        "other": server.route("/error.html", Reply(500, b"oops")),
    }
    server.route("/new.html", Reply(200, MZL))
    sources = tuple(KnownSource(unit_code="150781", year=2000 + i, url=u, verified=(k != "gone"))
                    for i, (k, u) in enumerate(urls.items()) if k not in ("alive_listing", "gone_dns",
                                                                          "blocked_private"))
    reg = Registry((Listing(unit_code="150781", url=urls["alive_listing"]),),
                   (*sources, KnownSource(unit_code="152501", url=urls["gone_dns"], kind="news"),
                    KnownSource(unit_code="152501", url=urls["blocked_private"], kind="news")),
                   _policy(server), units={"150781": UnitSites(official_hosts=("127.0.0.1",),
                                                                portals=(server.url("/list.html"),))})
    return reg, urls


def _resolver(host, port, *args, **kw):
    """No DNS query leaves the machine: 127.0.0.1 is itself, intranet.example.cn a private address (10.0.0.5),
    any other name does not resolve."""
    if host == "127.0.0.1":
        return socket.getaddrinfo(host, port, *args, **kw)
    if host == "intranet.example.cn":
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_sources_check_classifies_each_outcome(server, cat):
    reg, urls = _check_registry(server)
    sleeps = []
    results = {r.probe.url: r for r in check_registry(reg, cat, probe_fetcher(reg, sleep=sleeps.append,
                                                                               resolver=_resolver))}
    got = {k: results[u].outcome for k, u in urls.items()}
    assert got == {k: k.split("_")[0] for k in urls}, got
    assert results[urls["moved"]].where == server.url("/new.html") and "HTTP 301" in results[urls["moved"]].reason
    assert results[urls["moved_away"]].where == "http://localhost/elsewhere.html"
    assert "not followed" in results[urls["moved_away"]].reason and server.hits("/elsewhere.html") == 0
    assert "robots.txt of 127.0.0.1 disallows /private/x.html" in results[urls["blocked_robots"]].reason
    assert server.hits("/private/x.html") == 0  # robots.txt obeyed: never requested
    assert results[urls["blocked_private"]].reason == (
        "not requested: intranet.example.cn resolves to a private or loopback address (10.0.0.5); set "
        "allow_private = true for this host only if that is intended")
    assert results[urls["blocked_private"]].http_status is None
    assert results[urls["gone_dns"]].reason.startswith("DNS: cannot resolve no-such-host.invalid")
    assert results[urls["other"]].reason == "gave up after 2 attempts: HTTP 500"  # one retry, then reported
    assert server.hits("/busy.html") == 1 and 120.0 not in sleeps  # a server asking to wait is not waited for
    assert results[urls["alive_listing"]].probe.entry == "listing"
    assert len(results) == len(urls)  # the portal is the listing's URL: probed once
    assert server.hits("/list.html") == 1 and server.hits("/robots.txt") == 1


def test_sources_check_keeps_the_hosts_interval_and_its_time_limit(server, cat):
    reg, _ = _check_registry(server)
    reg = Registry(reg.listings, reg.sources, _policy(server, min_interval_s=5.0), units=reg.units)
    sleeps = []
    check_registry(reg, cat, probe_fetcher(reg, sleep=sleeps.append, resolver=_resolver), workers=4)
    local = sum(1 for p, _ in server.requests)  # every request to 127.0.0.1 waits its turn
    assert len(sleeps) >= local - 1 and all(4.5 < s <= 5.0 for s in sleeps if s > 1), sleeps
    before = len(server.requests)
    late = check_registry(reg, cat, probe_fetcher(reg, resolver=_resolver), max_time_s=0)
    assert {r.outcome for r in late} == {"not_probed"} and len(server.requests) == before


def test_the_sources_check_command(server, tmp_path):
    _, urls = _check_registry(server)
    reg = tmp_path / "s.toml"
    reg.write_text(f'[[source]]\nunit_code = "150781"\nyear = 2022\nurl = "{urls["alive"]}"\nverified = false\n\n'
                   f'[[source]]\nunit_code = "150781"\nyear = 2021\nurl = "{urls["gone"]}"\n\n'
                   f'[[listing]]\nurl = "{urls["moved"]}"\n\n'
                   f'[host."127.0.0.1"]\nmin_interval_s = 0\nallow_private = true\n', encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["sources", "check", "--no-bundled", "--sources", str(reg), "--json"],
                      env={"BORDERZONES_SOURCES": ""})
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [(x["entry"], x["outcome"], x["verified"]) for x in out["results"]] == [
        ("listing", "moved", True), ("source", "alive", False), ("source", "gone", True)]
    assert out["summary"]["alive"] == 1 and out["summary"]["unverified"] == {"alive": 1}
    r = runner.invoke(app, ["sources", "check", "--no-bundled", "--sources", str(reg)],
                      env={"BORDERZONES_SOURCES": ""})
    assert r.exit_code == 0 and "3 addresses probed in" in r.output and "1 alive, 1 moved, 1 gone" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[listing]]\nurl = "ftp://x.gov.cn/"\n', encoding="utf-8")
    r = runner.invoke(app, ["sources", "check", "--no-bundled", "--sources", str(bad)], env={"BORDERZONES_SOURCES": ""})
    assert r.exit_code == 2 and "only http and https URLs are accepted" in r.output
