"""Each SYNTHETIC fixture document (tests/fixtures/documents, tests/pdfgen.py) against the observations
worked out by hand from its text, plus the traps it contains that must not be taken."""

from __future__ import annotations

import pytest
from conftest import DOCS

from extractors.extract import extract_path

# (indicator, period, value, unit, growth_pct); value/growth None where the text gives none.
EXPECTED = {
    "mzl_2022_utf8_chrome.html": dict(
        unit="150781", year=2022, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2022", 180.52, "CNY_100M", 4.1),
            ("va_primary", "2022", 5.13, "CNY_100M", 3.2),
            ("va_secondary", "2022", 61.88, "CNY_100M", 5.6),
            ("va_tertiary", "2022", 113.51, "CNY_100M", 3.3),
            ("structure_primary", "2022", 2.8, "PCT", None),
            ("structure_secondary", "2022", 34.3, "PCT", None),
            ("structure_tertiary", "2022", 62.9, "PCT", None),
            ("gdp_per_capita", "2022", 71235, "CNY", 4.5),
            ("va_industry", "2022", 40.12, "CNY_100M", 6.1),
            ("population_resident", "2022", 25.12, "10K_PERSONS", None),
            ("trade_total", "2022", 125.36, "CNY_100M", 8.2),
            ("exports", "2022", 30.12, "CNY_100M", 12.5),
            ("imports", "2022", 95.24, "CNY_100M", 6.9),
            ("customs_district_trade", "2022", 412.5, "CNY_100M", 9.9),
            ("border_mutual_trade", "2022", 3.2, "CNY_100M", -2.0),
            ("fiscal_revenue", "2022", 15.67, "CNY_100M", 5.3),
            ("fiscal_revenue_total", "2022", 25.4, "CNY_100M", None),
            ("fiscal_expenditure", "2022", 48.9, "CNY_100M", 2.1),
            ("retail_sales", "2022", 56.78, "CNY_100M", -3.4),
            ("fai", "2022", None, "CNY_100M", 15.2),
            ("urban_income", "2022", 45312, "CNY", 4.8),
            ("rural_income", "2022", 23456, "CNY", 6.2),
        ],
    ),
    "dongning_2014_gbk_nocharset.html": dict(
        unit="231086", year=2014, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2014", 123.4567, "CNY_100M", 6.8),  # 1,234,567万元
            ("va_primary", "2014", 45.6789, "CNY_100M", 5.1),
            ("va_secondary", "2014", 23.4567, "CNY_100M", 8.2),
            ("va_tertiary", "2014", 54.3211, "CNY_100M", 7.0),
            ("population_registered", "2014", 21.3, "10K_PERSONS", None),
            ("trade_total", "2014", 5.67, "USD_100M", -12.3),  # 增长-12.3%
            ("fiscal_revenue", "2014", 8.7654, "CNY_100M", 10.2),  # 公共财政预算收入, the older name
            ("fiscal_revenue_total", "2014", 12.3456, "CNY_100M", None),  # 财政收入: the broader total
            ("urban_income", "2014", 21345, "CNY", 9.1),
        ],
    ),
    "pingxiang_2019_gb2312_table.html": dict(
        unit="451481", year=2019, kind="bulletin", status="ok",
        obs=[
            ("border_mutual_trade", "2019", 234.5, "CNY_100M", 18.0),
            ("gdp", "2019", 123.45, "CNY_100M", 7.2),  # table caption 单位：万元 applies
            ("va_primary", "2019", 20.01, "CNY_100M", 4.1),
            ("va_secondary", "2019", 33.44, "CNY_100M", 8.3),
            ("va_industry", "2019", 25.0, "CNY_100M", 9.0),
            ("va_tertiary", "2019", 70.0, "CNY_100M", 7.5),
            ("trade_total", "2019", 567.89, "CNY_100M", 15.3),
            ("exports", "2019", 234.56, "CNY_100M", 20.1),
            ("imports", "2019", 333.33, "CNY_100M", 11.2),
            ("fiscal_revenue", "2019", 4.56, "CNY_100M", 5.5),
            ("retail_sales", "2019", 34.56, "CNY_100M", 9.8),
            ("fai", "2019", None, "CNY_100M", 12.3),
            ("urban_income", "2019", 36789, "CNY", 8.1),  # the row's own （元） beats the caption
        ],
    ),
    "suifenhe_2020_traditional.html": dict(
        unit="231081", year=2020, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2020", 123.45, "CNY_100M", -3.2),
            ("va_primary", "2020", 6.30, "CNY_100M", 2.1),
            ("va_secondary", "2020", 37.28, "CNY_100M", -5.0),
            ("va_tertiary", "2020", 79.87, "CNY_100M", -2.6),
            ("structure_primary", "2020", 5.1, "PCT", None),
            ("structure_secondary", "2020", 30.2, "PCT", None),
            ("structure_tertiary", "2020", 64.7, "PCT", None),
            ("trade_total", "2020", 103.2, "CNY_100M", -15.6),
        ],
    ),
    "erenhot_2021_yearfirst.html": dict(
        unit="152501", year=2021, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2021", 98.76, "CNY_100M", 8.5),  # not the 两年平均 3.1
            ("va_primary", "2021", 5.04, "CNY_100M", 4.0),
            ("va_secondary", "2021", 41.97, "CNY_100M", 12.1),
            ("va_tertiary", "2021", 51.75, "CNY_100M", 6.6),
            ("structure_primary", "2021", 5.1, "PCT", None),  # the second ratio of 由…调整为…
            ("structure_secondary", "2021", 42.5, "PCT", None),
            ("structure_tertiary", "2021", 52.4, "PCT", None),
            ("population_resident", "2021", 7.45, "10K_PERSONS", None),
            ("trade_total", "2021", 312.6, "CNY_100M", None),  # 是上年的3.4倍: flagged, not converted
        ],
    ),
    "dongxing_2021_work_report.txt": dict(
        unit="450681", year=2020, kind="work_report", status="ok",
        obs=[
            ("gdp", "2020", 100.0, "CNY_100M", 3.5),
            ("fiscal_revenue", "2020", 6.78, "CNY_100M", 2.1),
            ("trade_total", "2020", 650.0, "CNY_100M", None),
            ("border_mutual_trade", "2020", 300.0, "CNY_100M", None),
        ],
    ),
    "tacheng_2023_text_tables.txt": dict(
        unit="654201", year=2023, kind="bulletin", status="ok",
        obs=[
            ("retail_sales", "2023", 18.6, "CNY_100M", 0.0),  # 增速较同期持平 → 0
            ("gdp", "2023", 95.40, "CNY_100M", -0.2),
            ("va_primary", "2023", 20.10, "CNY_100M", 5.2),
            ("va_secondary", "2023", 25.30, "CNY_100M", -4.1),
            ("va_tertiary", "2023", 50.00, "CNY_100M", 0.1),
            ("urban_income", "2023", 41230, "CNY", 5.5),
            ("rural_income", "2023", 24560, "CNY", 7.3),
        ],
    ),
    "mzl_2023_news_partyear.html": dict(
        unit="150781", year=2023, kind="news", status="ok",
        obs=[
            ("trade_total", "2023-01/2023-07", 12.3, "USD_100M", 25.1),
            ("trade_total", "2023-01/2023-07", 85.6, "CNY_100M", None),  # 折合人民币: both kept
            ("exports", "2023-01/2023-07", 3.4, "USD_100M", 10.2),
            ("imports", "2023-01/2023-07", 8.9, "USD_100M", 31.5),
            ("customs_district_trade", "2023-01/2023-07", 345.6, "CNY_100M", 12.0),
            ("port_cargo", "2023-01/2023-07", 1234.5, "10K_TONNES", None),
        ],
    ),
    "mengla_2012_cn_numerals.txt": dict(
        unit="532823", year=2012, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2012", 46.84, "CNY_100M", 15.2),  # 四十六点八四亿元
            ("fiscal_revenue", "2012", 3.12, "CNY_100M", 21.4),  # 地方财政一般预算收入
            ("fai", "2012", 52.3, "CNY_100M", 30.1),
        ],
    ),
    "baise_2020_title_only.html": dict(
        unit="451000", year=2020, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2020", 1111.11, "CNY_100M", 5.5),
            ("va_secondary", "2020", None, "CNY_100M", 6.6),
            ("fai", "2020", None, "CNY_100M", 9.9),
            ("fiscal_revenue", "2020", 88.8, "CNY_100M", 1.1),
            ("fiscal_expenditure", "2020", 333.3, "CNY_100M", 4.4),
        ],
    ),
    "ruili_2020_multipage.pdf": dict(
        unit="533102", year=2020, kind="bulletin", status="ok",
        obs=[
            ("gdp", "2020", 1238.35, "CNY_100M", -2.1),  # "123" / "8.35" across a line break
            ("va_primary", "2020", 150.12, "CNY_100M", 3.1),
            ("va_secondary", "2020", 300.23, "CNY_100M", -4.5),
            ("va_tertiary", "2020", 788.00, "CNY_100M", -1.6),
            ("population_resident", "2020", 26.78, "10K_PERSONS", None),
            ("trade_total", "2020", 412.30, "CNY_100M", 5.6),
            ("exports", "2020", 150.10, "CNY_100M", 8.8),  # "出口" / "150.10亿元" across a line break
            ("imports", "2020", 262.20, "CNY_100M", 3.8),
            ("retail_sales", "2020", 98.76, "CNY_100M", -8.9),
            ("fiscal_revenue", "2020", 12.3456, "CNY_100M", -3.2),  # ruled table, caption 单位：万元
            ("fiscal_expenditure", "2020", 56.789, "CNY_100M", 4.5),
            ("fiscal_revenue_total", "2020", 23.4567, "CNY_100M", 1.0),
        ],
    ),
}

NOT_DOCUMENTS = {
    "captcha.html": "blocked",
    "js_challenge.html": "blocked",
    "meeting_news.html": "not_a_bulletin",
    "listing_page.html": "not_a_bulletin",
    "empty.txt": "unreadable",
    "corrupt.pdf": "unreadable",
    "scanned.pdf": "no_text",
    "encrypted.pdf": "unreadable",
}


def _path(name, generated_pdfs):
    return generated_pdfs[name] if name in generated_pdfs else DOCS / name


def _key(o):
    return (o.indicator, o.period, None if o.value is None else round(o.value, 6), o.unit,
            None if o.growth_pct is None else round(o.growth_pct, 6))


@pytest.fixture(scope="module")
def results(generated_pdfs):
    names = [*EXPECTED, *NOT_DOCUMENTS]
    return {n: extract_path(_path(n, generated_pdfs)) for n in names}


def test_fixture_set_covers_the_variety():
    assert len(EXPECTED) + len(NOT_DOCUMENTS) >= 14


@pytest.mark.parametrize("name", list(EXPECTED))
def test_identity(results, name):
    r, exp = results[name], EXPECTED[name]
    assert (r.unit_code, r.data_year, r.kind, r.status) == (exp["unit"], exp["year"], exp["kind"], exp["status"])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_observations_exactly(results, name):
    got = sorted(_key(o) for o in results[name].observations)
    want = sorted((i, p, None if v is None else round(float(v), 6), u, g) for i, p, v, u, g in EXPECTED[name]["obs"])
    missing = [w for w in want if w not in got]
    extra = [g for g in got if g not in want]
    assert not missing and not extra, f"missing {missing}\nextra {extra}"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_observation_is_traceable(results, name):
    for o in results[name].observations:
        assert o.locator and o.context
        assert o.value is None or o.value_raw, o
        assert o.growth_pct is None or o.growth_raw or "table" in o.locator, o


@pytest.mark.parametrize("name,status", list(NOT_DOCUMENTS.items()))
def test_non_documents_get_their_status_and_no_observations(results, name, status):
    r = results[name]
    assert r.status == status
    assert r.observations == []
    assert r.problems, "a non-document must say why"


def test_chrome_and_scripts_are_not_read(results):
    r = results["mzl_2022_utf8_chrome.html"]
    values = {o.value for o in r.observations}
    assert 999.0 not in values  # in a <script>
    assert 170.1 not in values  # in the sidebar's 热点排行
    assert all("ICP" not in o.context for o in r.observations)


def test_lookalikes_are_not_taken(results):
    mzl = {o.indicator: o for o in results["mzl_2022_utf8_chrome.html"].observations}
    # 关区 trade is not the city's trade, 财政总收入 is not 一般公共预算收入, 工业 is not a sector
    assert mzl["trade_total"].value == 125.36
    assert mzl["fiscal_revenue"].value == 15.67
    assert mzl["va_secondary"].value == 61.88
    assert 21.76 not in {o.value for o in results["mzl_2022_utf8_chrome.html"].observations}  # 建筑业增加值
    assert 10.21 not in {o.value for o in results["mzl_2022_utf8_chrome.html"].observations}  # 税收收入
    # the fixed-asset growth is not the 工业投资 growth of the same sentence
    assert mzl["fai"].growth_pct == 15.2
    # 农民人均纯收入 is the older net-income series, never rural_income
    assert "rural_income" not in {o.indicator for o in results["dongning_2014_gbk_nocharset.html"].observations}
    assert "rural_income" not in {o.indicator for o in results["mengla_2012_cn_numerals.txt"].observations}
    # 规模以上工业增加值 is neither a sector nor 工业增加值
    ping = results["pingxiang_2019_gb2312_table.html"].observations
    assert 21.0 not in {o.value for o in ping}


def test_growth_that_is_not_growth_is_ignored(results):
    ere = results["erenhot_2021_yearfirst.html"]
    growths = {o.growth_pct for o in ere.observations}
    assert 3.1 not in growths  # 两年平均增长
    assert -12.3 not in growths and 1.2 not in growths  # contribution rate, 个百分点
    assert any("3.4倍" in p.message for p in ere.problems)
    trade = next(o for o in ere.observations if o.indicator == "trade_total")
    assert trade.growth_raw == "是上年的3.4倍"


def test_figure_caption_years_are_not_data(results):
    ere = results["erenhot_2021_yearfirst.html"]
    assert {o.period for o in ere.observations} == {"2021"}


def test_work_report_targets_are_not_outcomes(results):
    wr = results["dongxing_2021_work_report.txt"]
    assert {o.period for o in wr.observations} == {"2020"}
    assert 7.0 not in {o.growth_pct for o in wr.observations}
    assert 67.8 not in {o.value for o in wr.observations}  # the starting point of 由…增加到…


def test_qualifiers(results):
    wr = {o.indicator: o for o in results["dongxing_2021_work_report.txt"].observations}
    assert wr["gdp"].qualifier == "lower_bound"  # 预计…突破100亿元
    assert wr["trade_total"].qualifier == "estimate"  # 预计达到
    assert wr["border_mutual_trade"].qualifier == "lower_bound"
    mzl = {o.indicator: o for o in results["mzl_2022_utf8_chrome.html"].observations}
    assert mzl["gdp"].qualifier == "preliminary"  # 初步核算


def test_price_basis(results):
    baise = {o.indicator: o for o in results["baise_2020_title_only.html"].observations}
    assert baise["gdp"].price_basis == "current"  # a level is at current prices
    assert baise["va_secondary"].price_basis == "comparable"  # 按可比价计算（下同） carries on


def test_locators_point_at_the_text(results, generated_pdfs):
    from extractors.extract import read_document
    from extractors.numbers import normalize

    r = results["mzl_2022_utf8_chrome.html"]
    doc = read_document((DOCS / "mzl_2022_utf8_chrome.html").read_bytes(), "x.html")
    paras = {p.locator: normalize(p.text) for p in doc.paragraphs}
    gdp = next(o for o in r.observations if o.indicator == "gdp")
    para, chars = gdp.locator.rsplit(";", 1)
    a, b = (int(x) for x in chars.removeprefix("chars=").split("-"))
    assert paras[para][a:b].startswith("地区生产总值") and gdp.value_raw in paras[para][a:b]
    pdf = results["ruili_2020_multipage.pdf"]
    assert next(o for o in pdf.observations if o.indicator == "retail_sales").locator.startswith("page=2;")
    assert next(o for o in pdf.observations if o.indicator == "fiscal_revenue").locator.startswith("page=2;table=1")


def test_overrides_win(generated_pdfs):
    r = extract_path(DOCS / "tacheng_2023_text_tables.txt", unit="654200", year=2022)
    assert (r.unit_code, r.unit_name, r.data_year) == ("654200", "塔城地区", 2022)
    assert {o.period for o in r.observations} == {"2022"}


def test_unknown_unit_override_is_an_error():
    with pytest.raises(ValueError, match="unknown unit code"):
        extract_path(DOCS / "tacheng_2023_text_tables.txt", unit="999999")


def test_table_written_one_cell_per_line():
    from extractors.extract import extract_bytes

    text = "\n".join([
        "2023年塔城市统计公报", "（SYNTHETIC test document; figures are invented）", "表1 主要指标", "单位：万元",
        "指标", "绝对数", "比上年增长(%)", "地区生产总值", "954,000", "-0.2", "第一产业", "201,000", "5.2",
        "全年社会消费品零售总额18.6亿元，增长3%。",
    ])
    r = extract_bytes(text.encode("utf-8"), "x.txt")
    assert sorted(_key(o) for o in r.observations) == [
        ("gdp", "2023", 95.4, "CNY_100M", -0.2),
        ("retail_sales", "2023", 18.6, "CNY_100M", 3.0),
        ("va_primary", "2023", 20.1, "CNY_100M", 5.2),
    ]


# --- Word files (SYNTHETIC documents built by the test with python-docx) -----------------------------


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import io

    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_bulletin_is_read(cat):
    from extractors.extract import extract_bytes

    data = _docx(["二连浩特市2019年国民经济和社会发展统计公报", "二连浩特市统计局", "2020年4月10日",
                  "初步核算，全年全市地区生产总值（GDP）80.5亿元，按可比价格计算，比上年增长5.1%。"],
                 [["指标", "单位", "绝对数"], ["一般公共预算收入", "万元", "51234"]])
    r = extract_bytes(data, "bulletin.docx", cat=cat)
    assert r.format == "docx" and r.status == "ok" and r.unit_code == "152501" and r.data_year == 2019
    assert r.published == "2020-04-10"
    got = {(o.indicator, o.value, o.unit, o.growth_pct) for o in r.observations}
    assert ("gdp", 80.5, "CNY_100M", 5.1) in got
    assert ("fiscal_revenue", 5.1234, "CNY_100M", None) in got  # 51234 万元 = 5.1234 亿元


def test_legacy_doc_and_image_point_to_the_inbox(cat):
    from extractors.extract import extract_bytes

    doc = extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc", cat=cat)
    assert doc.status == "unsupported" and "borderzones ingest" in doc.problems[0].message
    img = extract_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "scan.png", cat=cat)
    assert img.status == "no_text" and "borderzones ingest" in img.problems[0].message


def test_pdf_caps(generated_pdfs):
    from extractors.pdf import read_pdf

    data = generated_pdfs["ruili_2020_multipage.pdf"].read_bytes()
    too_big = read_pdf(data, max_bytes=1000)
    assert too_big.status == "unreadable" and "over the cap of 1,000" in too_big.problems[0].message
    slow = read_pdf(data, max_seconds=0)  # the time cap: stops before the first page
    assert any("reading stopped after 0 s at page 1" in p.message for p in slow.problems)
    short = read_pdf(data, max_pages=1)
    assert any("only the first 1 were read" in p.message for p in short.problems)
