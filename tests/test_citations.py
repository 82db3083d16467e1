"""Citations in the sources table and the report: the document cited (title, issuer, date) apart from the
address it was seen at and what kind of site that is; retrieved_at and why it is empty.

Inputs: the bundled curated file (real citations), the SYNTHETIC fixtures, and rows built by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from catalog import BUNDLED_CURATED, CatalogError, load_curated
from extractors.archive import Archive
from warehouse.build import RunSettings, assemble, collect_zone, load_curated_all
from warehouse.citations import annotate_sources, issuer_from_title, sources_html
from warehouse.observations import curated_rows
from warehouse.report import _page
from warehouse.schemas import OBSERVATIONS, SOURCES

DOCS = Path(__file__).parent / "fixtures" / "documents"
HEADER = ("unit_code,unit_name,period,indicator,value,unit,growth_pct,qualifier,price_basis,value_raw,source_kind,"
          "source_title,source_url,url_kind,published,note\n")
ROW = ("150781,满洲里市,2022,gdp,174.3,CNY_100M,,,current,174.3亿元,official_media,新华网2023-01-05(转载),"
       "http://repost.example.com/a.html,{kind},2023-01-05,\n")


# --- the curated contract ------------------------------------------------------------------------


def test_the_bundled_curated_file_says_what_site_each_address_is(cat):
    figs = load_curated(BUNDLED_CURATED, cat)
    assert all((f.url_kind is None) == (not f.source_url) for f in figs)  # every address has its kind
    kinds = pd.Series([f.url_kind for f in figs if f.url_kind]).value_counts().to_dict()
    assert kinds == {"media": 110, "repost": 99, "aggregator": 23, "reference": 12, "official": 11}


@pytest.mark.parametrize("row,message", [
    (ROW.format(kind="blog"), "row 2, field url_kind: Input should be 'official', 'media', 'aggregator', "
                              "'reference' or 'repost'"),
    (ROW.format(kind="repost").replace("http://repost.example.com/a.html", ""),
     "row 2, field (row): url_kind 'repost' is given but source_url is empty"),
])
def test_url_kind_values_are_checked(tmp_path, cat, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_curated(path, cat)
    assert str(path) in str(err.value) and message in str(err.value)


def test_an_unknown_column_is_an_error_even_when_empty(tmp_path, cat):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER.replace(",note\n", ",note,url_knd\n") + ROW.format(kind="repost").replace("\n", ",\n"),
                    encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_curated(path, cat)
    assert str(path) in str(err.value) and "header (row 1): unknown column(s) url_knd" in str(err.value)


def test_a_file_without_url_kind_still_loads_and_one_citation_has_one_kind(tmp_path, cat):
    old = tmp_path / "old.csv"
    old.write_text(HEADER.replace("url_kind,", "") + ROW.replace("{kind},", ""), encoding="utf-8")
    assert load_curated(old, cat)[0].url_kind is None
    two = tmp_path / "two.csv"
    two.write_text(HEADER + ROW.format(kind="repost") + ROW.format(kind="media").replace(",gdp,174.3,", ",gdp,175,"),
                   encoding="utf-8")
    with pytest.raises(CatalogError, match=r"row 3, field url_kind: 'media', but an earlier row citing the same "
                                           r"source says 'repost'"):
        curated_rows(two, cat)


# --- issuer --------------------------------------------------------------------------------------


@pytest.mark.parametrize("title,issuer", [
    ("东兴边检站(ifuun转载,2017-09)", "东兴边检站"),
    ("东兴边检站/东兴市副市长介绍(ifuun转载,2017-09)", "东兴边检站"),
    ("塔城地区行政公署网(xjtc.gov.cn)试验区报道", "塔城地区行政公署"),
    ("德宏州政府英文网: Tourism in Ruili", "德宏州政府"),
    ("牡丹江市政府网·东宁市概况(镜像)", "牡丹江市政府"),
    ("防城港市统计局关于2020年国民经济和社会发展的统计公报", "防城港市统计局"),
    ("2021年满洲里市政府工作报告", "满洲里市政府"),
    ("中新网2021-01-19(满洲里海关)", "中新网"),  # a bracket attributes data: the item is 中新网's
    ("巴克图口岸 农产品出口 (repost, 2019-01-31; 塔城海关数据)", None),
    ("东兴市第七次全国人口普查主要数据公报(2021-06-24)", None),  # the issuer is not stated: not guessed
    ("Xinhua: China's largest land port sees surging cargo throughput (2023-11-21)", "Xinhua"),
    ("人民日报2017-11-22(转载)", "人民日报"),  # the outlet a news item's title starts with
    ("工人日报-中工网 2021-05-20: 广西全面推进百色重点开发开放试验区建设", "工人日报"),
    ("中国日报网2012-08-15《休闲塔城、炫彩生活》", "中国日报网"),
    ("China Daily (Inner Mongolia): Manzhouli transforms in 10 years (2022-08-23)", "China Daily"),
    ("新华网转载2013-01-15(满洲里市口岸委)", None),  # 新华网 reproduced someone's item: not its author
    ("大公报转中新网2017-12-31报道(呼和浩特铁路局)", None),
    ("丽江网转载西双版纳中老铁路四周年报道(2025)", None),
    ("人民网黑龙江 2021-05-27 (绥芬河市委书记 答记者问)", None),  # not cut at a guessed place
    ("新华网: 满洲里市人民政府发布通告", "新华网"),  # a body in a news headline is not the item's author
    ("关于地方政府债务的报告", None),
    (None, None),
])
def test_the_issuer_is_what_the_title_states(title, issuer):
    assert issuer_from_title(title) == issuer


# --- the sources table -----------------------------------------------------------------------------


def _source(**kw) -> dict:
    row = dict.fromkeys(SOURCES.names)
    row.update({"source_id": "s" * 64, "origin": "archive", "status": "ok", "n_observations": 1, "format": "html"},
               **kw)
    return row


def test_archived_documents_url_kind_from_the_registrys_official_hosts():
    official = frozenset({"www.baise.gov.cn", "dxzf.gov.cn"})
    df = pd.DataFrame([
        _source(source_id="a", url="https://czj.baise.gov.cn/x.html", retrieved_at="2026-11-20T10:00:00+00:00"),
        _source(source_id="b", url="http://www.dxzf.gov.cn/y.html", retrieved_at="2026-11-20T10:00:00+00:00"),
        _source(source_id="c", url="http://bx2200.com/z.html", retrieved_at="2026-11-20T10:00:00+00:00",
                title="满洲里市人民政府关于…的通知"),
        _source(source_id="d", url="/home/me/inbox/bulletin.pdf", retrieved_at="2026-11-21T08:00:00+00:00",
                vintage="2023-04-20"),
    ])
    out = annotate_sources(df, official).set_index("source_id")
    assert out.loc["a", "url_kind"] == "official" and out.loc["b", "url_kind"] == "official"  # subdomain, www.
    assert pd.isna(out.loc["c", "url_kind"]) and "bx2200.com is not among the registry's official hosts" in \
        out.loc["c", "url_kind_note"]
    assert out.loc["c", "issuer"] == "满洲里市人民政府"
    assert pd.isna(out.loc["d", "url_kind"]) and "ingested from a local file" in out.loc["d", "url_kind_note"]
    assert out.loc["d", "published"] == "2023-04-20"
    assert pd.isna(out.loc["a", "retrieved_note"])  # a fetch: retrieved_at is the fetch time
    assert "added to the archive" in out.loc["d", "retrieved_note"]
    assert pd.isna(annotate_sources(df, frozenset()).set_index("source_id").loc["a", "url_kind"])


def test_curated_citations_keep_their_kind_and_say_why_retrieved_at_is_empty(cat):
    _, src = curated_rows(BUNDLED_CURATED, cat)
    out = annotate_sources(pd.DataFrame(src, columns=SOURCES.names), frozenset())
    assert len(out) == 108 and out["retrieved_at"].isna().all() and out["retrieved_note"].notna().all()
    with_url = out[out["url"].notna()]
    assert with_url["url_kind"].notna().all() and with_url["url_kind_note"].isna().all()
    assert (out[out["url"].isna()]["url_kind_note"].str.startswith("no address")).all()
    ifuun = out[out["url"] == "http://www.ifuun.com/a20179305669080"]
    assert set(ifuun["url_kind"]) == {"repost"} and set(ifuun["issuer"]) == {"东兴边检站"}
    assert set(ifuun["published"]) == {"2017-09"} and ifuun["vintage"].isna().all()  # a month: no date32


def test_a_carried_row_of_an_older_release_gets_the_new_columns(cat, tmp_path):
    old_columns = [c for c in SOURCES.names
                   if c not in ("issuer", "url_kind", "url_kind_note", "published", "retrieved_note")]
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", bundled_curated=True, zones=("ruili",))
    cur = load_curated_all(s, cat)
    col = collect_zone("ruili", s, cat, cur)
    fresh_obs = pd.DataFrame(col.observations, columns=OBSERVATIONS.names)
    fresh_src = pd.DataFrame(col.sources, columns=SOURCES.names)
    other = collect_zone("mengla", s, cat, cur)
    p_obs = pd.DataFrame(other.observations, columns=OBSERVATIONS.names)
    p_src = pd.DataFrame(other.sources, columns=SOURCES.names)[old_columns]  # written before the columns existed
    _, src = assemble(fresh_obs, fresh_src, (p_obs, p_src), s, cat, official=frozenset())
    carried = src[src["source_id"].isin(p_src["source_id"]) & ~src["source_id"].isin(fresh_src["source_id"])]
    assert len(carried) and list(src.columns) == SOURCES.names
    assert carried["retrieved_note"].notna().all()
    assert (carried[carried["url"].notna()]["url_kind_note"].str.contains("before url_kind was recorded")).all()


def test_the_archive_time_is_retrieved_at_and_ingest_is_said(cat, tmp_path):
    store = Archive(tmp_path / "ar")
    store.put((DOCS / "mzl_2022_utf8_chrome.html").read_bytes(), origin=str(DOCS / "mzl_2022_utf8_chrome.html"),
              origin_kind="file", meta={"unit_code": "150781", "data_year": 2022})
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar", bundled_curated=False)
    col = collect_zone("manzhouli", s, cat, ([], []))
    _, src = assemble(pd.DataFrame(col.observations, columns=OBSERVATIONS.names),
                      pd.DataFrame(col.sources, columns=SOURCES.names), None, s, cat, official=frozenset())
    row = src.iloc[0]
    assert row["origin"] == "archive" and row["retrieved_at"] == next(iter(store)).retrieved_at
    assert pd.isna(row["url_kind"]) and "ingested from a local file" in row["url_kind_note"]
    assert row["published"] == "2023-04-20" and "added to the archive" in row["retrieved_note"]


# --- the report's page -----------------------------------------------------------------------------


def test_the_sources_page_names_the_document_first_and_the_address_as_seen_at(cat):
    _, src = curated_rows(BUNDLED_CURATED, cat)
    page = sources_html(annotate_sources(pd.DataFrame(src, columns=SOURCES.names), frozenset()), _page).decode()
    item = next(li for li in re.findall(r"<li id=.*?</li>", page) if "ifuun.com" in li)
    title, seen = item.index("东兴边检站(ifuun转载,2017-09)"), item.index("seen at <a href='http://www.ifuun.com/")
    assert title < seen and "(repost: an unrelated site reproducing the text, not the publisher)" in item
    assert "— 东兴边检站 — 2017-09" in item  # title, issuing body, date
    assert "retrieved: not recorded" in item
    paper = next(li for li in re.findall(r"<li id=.*?</li>", page) if "李光辉" in li)
    assert "issuer not stated" in paper and "no address" in paper and "seen at" not in paper
    assert "45 repost" in page and page.count("<li id=") == 108


def test_the_report_links_the_sources_page(cat, tmp_path):
    from warehouse.build import build_tables
    from warehouse.report import build_report

    obs, src = curated_rows(BUNDLED_CURATED, cat)
    s = RunSettings(warehouse=tmp_path / "wh", archive=tmp_path / "ar")
    obs, src = assemble(pd.DataFrame(obs, columns=OBSERVATIONS.names), pd.DataFrame(src, columns=SOURCES.names),
                        None, s, cat)
    files = build_report(build_tables(obs, src, cat, "latest"), cat, "t")
    assert "href='sources.html'" in files["report/index.html"].decode()
    assert "seen at" in files["report/sources.html"].decode()


def test_the_generated_registry_belongs_to_the_bundled_catalog_only(cat, tmp_path):
    """Another catalog ($BORDERZONES_CATALOG: the benchmarks' synthetic units) has other units: the generated
    reference entries, which name the bundled units, are not loaded with it (they made every refresh refuse)."""
    import dataclasses

    from catalog.sources import BUNDLED_REFERENCE_SOURCES, load_registry

    assert str(BUNDLED_REFERENCE_SOURCES) in load_registry(cat, environ={}).files
    other = dataclasses.replace(cat, data_dir=tmp_path)
    r = load_registry(other, environ={})
    assert str(BUNDLED_REFERENCE_SOURCES) not in r.files and not r.sources
