"""Citations: what the sources table says about each document cited and the address it was seen at.

A source row names the document (title, issuing body where the title states it, publication date) apart
from the address it was seen at (`url`) and what kind of site that address is (`url_kind`): many addresses
are reposts on unrelated hosts, and a repost is never shown as if it were the publisher.

- `issuer`: a government body the title names (…人民政府, …市政府, …统计局, …海关, …边检站, …), outside
  brackets (a bracket attributes data or a repost, it does not name the author); else the news organisation
  a news item's title starts with (人民日报2017-11-22…, Xinhua: …), unless it says it reproduced the item
  (新华网转载…); else null. Never inferred from the address or the kind of document.
- `url_kind`: curated citations carry it from the curated file; for archived documents it is `official`
  when the host is one of the registry's official hosts (the units' government sites, or a subdomain of
  one), else null with `url_kind_note` saying why (the host alone does not tell media from a repost).
- `retrieved_at`: the archive time for archived documents; null for curated citations, which record where
  a figure was read, not when (`retrieved_note` says so). No date is ever made up.

Pure functions of the rows (and the registry's official hosts); `sources_html` is the report's page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import pandas as pd

from warehouse.schemas import SOURCES, records

# Bodies whose name a title may carry as its author. 政府 alone needs a place before it (市政府, 州政府).
_BODY = re.compile(
    r"人民政府|行政公署|统计局|統計局|调查队|調查隊|普查办公室|海关|海關|出入境边防检查站|边防检查站|边检站|邊檢站"
    r"|检验检疫局|檢驗檢疫局|口岸管理委员会|口岸办公室|口岸委|口岸服务中心|商务局|财政局|发展和改革委员会"
    r"|(?<=[市县縣区區州盟旗省])政府")
_BRACKETS = re.compile(r"\([^()]*\)|（[^（）]*）|\[[^\]]*\]|【[^】]*】")
_CJK_RUN = re.compile(r"[\u3400-\u9fff〇]+")
_LEAD = re.compile(r"^.*(?:年|月|日|的|关于|關於|转载|轉載)")  # what comes before a body's name in a run
# A news item cited as "<outlet><date>…", "<outlet>: <headline>", "<outlet> (<note>)": the outlet that starts
# the title published it. Not when it is followed by 转(载) (the outlet then reproduced someone else's item).
_OUTLET = re.compile(
    r"^(?:(?P<cjk>(?:(?!转)[\u4e00-\u9fff]){1,10}?(?:日报|晚报|商报|新闻网|网|新闻社|社|在线|广播电台|电视台))"
    r"|(?P<en>Xinhua|China Daily|Global Times|Beijing Review|CRI English|ECNS|Agenzia Nova))"
    r"(?=\d|\s|:|：|/|-|·|\(|（|“|《|$)(?!\s*转)")

URL_KIND_TEXT = {
    "official": "official: a government site",
    "media": "media: a news organisation's site",
    "aggregator": "aggregator: a site that collects bulletins",
    "reference": "reference: an encyclopedia, wiki or academic site",
    "repost": "repost: an unrelated site reproducing the text, not the publisher",
}

NOTE_NO_ADDRESS = "no address: the citation is of a publication (for instance the paper), not of a web page"
NOTE_KIND_NOT_STATED = ("not stated in the curated file (or the row was carried from a release written before "
                        "url_kind was recorded)")
NOTE_INGESTED = "ingested from a local file: the address it was downloaded from is not recorded"
NOTE_NOT_OFFICIAL = ("{host} is not among the registry's official hosts (the units' government sites): whether it "
                     "is a news site, an aggregator or a repost is not recorded for fetched documents")
RETRIEVED_CURATED = ("not recorded: the curated file says where a figure was read, not when, and the reference "
                     "file it comes from states no date")
RETRIEVED_NO_ADDRESS = "no address was retrieved: a publication is cited"
RETRIEVED_INGESTED = "when the file was added to the archive (ingested by hand); when it was downloaded is not recorded"
RETRIEVED_MISSING = "not recorded in the archive"


def issuer_from_title(title: str | None) -> str | None:
    """The issuing body a title names (a government body outside brackets, else the news organisation a news
    item's title starts with), or None: never a guess.

    >>> issuer_from_title("瑞丽边检站2024-09-03发布(转载)"), issuer_from_title("二连浩特市政府2016-12-21披露(转载)")
    ('瑞丽边检站', '二连浩特市政府')
    >>> issuer_from_title("2000年呼倫貝爾市滿洲里市人民政府國民經濟和社會發展統計公報")
    '呼倫貝爾市滿洲里市人民政府'
    >>> issuer_from_title("中新网2017-03-09(二连浩特检验检疫局)")  # a bracket attributes data, it does not author
    '中新网'
    >>> issuer_from_title("满洲里市2022年统计公报") is None, issuer_from_title("关于市政府工作的报告") is None
    (True, True)
    >>> issuer_from_title("人民日报2017-11-22(转载)"), issuer_from_title("Xinhua: China's largest land port")
    ('人民日报', 'Xinhua')
    >>> issuer_from_title("新华网转载2013-01-15(满洲里市口岸委)") is None  # 新华网 reproduced it: author not stated
    True
    """
    if not title:
        return None
    body = _body_from_title(title)
    if (m := _OUTLET.match(title.strip())) is None:
        return body
    outlet = m.group("cjk") or m.group("en")
    return body if body and outlet.startswith(body) else outlet  # 德宏州政府英文网: the body; a headline's: not


def _body_from_title(title: str) -> str | None:
    text = title
    while (stripped := _BRACKETS.sub(" ", text)) != text:  # nested brackets too
        text = stripped
    for run in _CJK_RUN.findall(text):
        m = _BODY.search(run)
        if m is None:
            continue
        name = _LEAD.sub("", run[:m.end()])
        if len(name) >= len(m.group()) + 2:  # a place or an organisation before the body's kind
            return name
    return None


def is_official_host(host: str | None, official: Iterable[str]) -> bool:
    """True when `host` is an official host or a subdomain of one (www. taken off the official one).

    >>> is_official_host("czj.baise.gov.cn", ["www.baise.gov.cn"]), is_official_host("dxzf.gov.cn", ["www.dxzf.gov.cn"])
    (True, True)
    >>> is_official_host("baise.gov.cn.example.com", ["www.baise.gov.cn"]), is_official_host(None, ["x.cn"])
    (False, False)
    """
    if not host:
        return False
    host = host.lower().rstrip(".")
    for h in official:
        base = h.lower().removeprefix("www.")
        if host == base or host.endswith("." + base):
            return True
    return False


def _is_address(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def _archive_fields(r: dict, official: frozenset[str]) -> dict:
    url = r["url"]
    if _is_address(url):
        host = urlsplit(url).hostname
        kind, note = ("official", None) if is_official_host(host, official) else (None, NOTE_NOT_OFFICIAL.format(
            host=host))
        retrieved = None if r["retrieved_at"] is not None else RETRIEVED_MISSING
    else:
        kind, note = None, NOTE_INGESTED
        retrieved = RETRIEVED_INGESTED if r["retrieved_at"] is not None else RETRIEVED_MISSING
    return {"url_kind": kind, "url_kind_note": note, "retrieved_note": retrieved,
            "published": r["published"] or r["vintage"]}


def _curated_fields(r: dict) -> dict:
    if not _is_address(r["url"]):
        return {"url_kind": None, "url_kind_note": NOTE_NO_ADDRESS, "retrieved_note": RETRIEVED_NO_ADDRESS,
                "published": r["published"] or r["vintage"]}
    return {"url_kind": r["url_kind"], "url_kind_note": None if r["url_kind"] else NOTE_KIND_NOT_STATED,
            "retrieved_note": None if r["retrieved_at"] is not None else RETRIEVED_CURATED,
            "published": r["published"] or r["vintage"]}


def annotate_sources(sources: pd.DataFrame, official: Iterable[str]) -> pd.DataFrame:
    """The sources table with its citation columns filled: issuer, url_kind and url_kind_note, published,
    retrieved_note. Columns a source row from an older release lacks are added first.

    `official`: the registry's official hosts (Registry.official_hosts)."""
    official = frozenset(official)
    df = sources.reindex(columns=SOURCES.names)
    if not len(df):
        return df
    rows = []
    for r in records(df):
        if r["vintage"] is not None and not isinstance(r["vintage"], str):  # a date read back from a release
            r["vintage"] = pd.Timestamp(r["vintage"]).date().isoformat()
        r = {**r, **(_archive_fields(r, official) if r["origin"] == "archive" else _curated_fields(r))}
        r["issuer"] = issuer_from_title(r["title"])
        rows.append(r)
    return pd.DataFrame(rows, columns=SOURCES.names, index=df.index)


# ------------------------------------------------------------------------------------------------
# The report's page


def _seen_at(r: dict) -> str:
    url = r["url"]
    if not url:
        return f"<span class='muted'>{html.escape(r['url_kind_note'] or 'no address')}</span>"
    shown = html.escape(url)
    link = f"<a href='{shown}' rel='nofollow noreferrer'>{shown}</a>" if _is_address(url) else f"<code>{shown}</code>"
    kind = URL_KIND_TEXT.get(r["url_kind"] or "") or f"kind not known: {r['url_kind_note'] or 'not stated'}"
    return f"seen at {link} ({html.escape(kind)})"


def _retrieved(r: dict) -> str:
    when = r["retrieved_at"]
    if when is not None and not (isinstance(when, float) and pd.isna(when)):
        text = pd.Timestamp(when).strftime("%Y-%m-%d %H:%M UTC")
        return f"retrieved {text}" + (f" ({html.escape(r['retrieved_note'])})" if r["retrieved_note"] else "")
    return f"retrieved: {html.escape(r['retrieved_note'] or 'not recorded')}"


def sources_html(sources: pd.DataFrame, page) -> bytes:
    """Every source as: title, issuing body, date, then "seen at <address> (<kind>)". `page(title, body)` wraps
    the body in the report's page."""
    rows = sorted(records(sources.reindex(columns=SOURCES.names)),
                  key=lambda r: (r["unit_code"] or "", r["data_year"] or 0, r["title"] or "", r["source_id"]))
    kinds = pd.Series([r["url_kind"] or "(not known)" for r in rows if r["url"]]).value_counts().to_dict()
    items = []
    for r in rows:
        cited = [f"<b>{html.escape(r['title'] or '(untitled)')}</b>",
                 html.escape(r["issuer"]) if r["issuer"] else "<span class='muted'>issuer not stated</span>",
                 html.escape(r["published"] or "") or "<span class='muted'>date not stated</span>"]
        facts = [html.escape(x) for x in (r["source_kind"], r["unit_code"], r["status"]) if x]
        facts.append(f"{int(r['n_observations'] or 0)} observation(s)")
        items.append(f"<li id='{r['source_id'][:16]}'>{' — '.join(cited)}<br>{_seen_at(r)}<br>"
                     f"<span class='muted'>{_retrieved(r)} · {' · '.join(facts)} · source_id "
                     f"<code>{r['source_id'][:12]}</code></span></li>")
    legend = "".join(f"<li>{html.escape(t)}</li>" for t in URL_KIND_TEXT.values())
    counts = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
    body = (f"<p>{len(rows)} sources. Each names the document cited (title, issuing body where the title states "
            f"it, publication date), then the address it was <i>seen at</i> and what kind of site that is: an "
            f"address is not the publisher unless it is an official site. Addresses by kind: {counts or 'none'}."
            f"</p><ul>{legend}</ul><ol class='sources'>{''.join(items)}</ol>")
    return page("Sources and citations", body)
