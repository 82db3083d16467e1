"""Whose figure, for when, and how it is phrased (issue 13, classes B7–B13 and C14–C17): one small assert
per case. Every sentence and document here is SYNTHETIC: invented places where it matters, invented figures."""

from __future__ import annotations

import pytest

from extractors.extract import extract_bytes
from extractors.grammar import DocContext, SentenceParser


def lines(cat, text: str, year: int = 2020, kind: str = "bulletin", unit: str | None = "甲县"):
    """Parse the lines of a text as one document would be, keeping the parser's state between lines."""
    ctx = DocContext(year, kind=kind, unit_name=unit)
    parser = SentenceParser(cat, ctx)
    out = []
    for i, line in enumerate(text.strip().splitlines(), start=1):
        out.extend(parser.parse(line, f"para={i}"))
    return {(o.indicator, o.period, o.value, o.growth_pct) for o in out}, ctx


def has(found, indicator, value=..., growth=...):
    return any(i == indicator and (value is ... or v == value) and (growth is ... or g == growth)
               for i, _, v, g in found)


# --- B7: work-report sections ------------------------------------------------------------------------

REPORT = """一、2020年工作回顾
预计全年地区生产总值完成47.2亿元，增长2.4%；一般公共预算收入完成2.05亿元。
五年来，固定资产投资累计完成320亿元，地区生产总值年均增长6.1%。
二、2021年工作安排
主要预期目标是：地区生产总值增长7%左右，一般公共预算收入增长5%。"""


def test_only_the_past_year_of_a_work_report_is_an_outcome(cat):
    found, ctx = lines(cat, REPORT, kind="work_report")
    assert found == {("gdp", "2020", 47.2, 2.4), ("fiscal_revenue", "2020", 2.05, None)}
    reasons = {s["reason"] for s in ctx.skipped}
    assert any("five-year" in r or "cumulative" in r for r in reasons)
    assert any("target" in r for r in reasons)


def test_estimate_heading_a_list_holds_for_every_item(cat):
    found, _ = lines(cat, "预计全年地区生产总值完成47.2亿元，增长2.4%；社会消费品零售总额8.6亿元。", kind="work_report")
    assert has(found, "retail_sales", 8.6)
    ctx = DocContext(2020, kind="work_report", unit_name="甲县")
    obs = SentenceParser(cat, ctx).parse("预计全年地区生产总值完成47.2亿元；社会消费品零售总额8.6亿元。", "p")
    assert {o.qualifier for o in obs} == {"estimate"}


def test_a_five_year_passage_keeps_only_figures_tied_to_the_data_year(cat):
    text = ("五年来，我们坚持发展第一要务。地区生产总值从2015年的39.7亿元增长到2020年的61.95亿元，年均增长9.3%；"
            "一般公共预算收入从1.2亿元提高到2.3亿元，年均增长13.9%；外贸出口达5.96亿元。")
    found, _ = lines(cat, text, kind="work_report")
    assert has(found, "gdp", 61.95, None)      # the end point, of the data year; its rate is an average
    assert not has(found, "gdp", 39.7)         # the starting point
    assert not has(found, "exports")           # a level of the review, not tied to the year


# --- B8: tables with their own subject ---------------------------------------------------------------


def test_a_table_about_a_zone_is_not_the_units(cat):
    text = "\n".join(["2020年甲县统计公报", "（SYNTHETIC）", "全年全县地区生产总值80亿元，增长3%。",
                      "表2 2020年甲县综合保税区主要经济指标", "单位：亿元",
                      "指标 | 绝对数 | 增长(%)", "进出口总额 | 12.09 | -4.0", "出口 | 9.02 | 12.7"])
    r = extract_bytes(text.encode(), "x.txt")
    assert {o.indicator for o in r.observations} == {"gdp"}
    assert any("综合保税区" in s["reason"] for s in r.skipped)


def test_a_port_table_keeps_the_ports_own_row_only(cat):
    text = "\n".join(["2020年甲县统计公报", "（SYNTHETIC）", "表1 2020年甲口岸进出口情况", "单位：亿元",
                      "指标 | 绝对数 | 增长(%)", "口岸进出口货值 | 477.81 | 11.8", "出口 | 269.58 | —",
                      "进出口总额 | 300 | 2.0"])
    r = extract_bytes(text.encode(), "x.txt")
    assert [(o.indicator, o.value) for o in r.observations] == [("port_trade_value", 477.81)]


# --- B9: a clause's subject carries over --------------------------------------------------------------


@pytest.mark.parametrize("text,kept", [
    ("全年甲海关关区进出口总额551.2亿元，其中出口232.2亿元，进口319亿元。",
     {("customs_district_trade", 551.2)}),
    ("甲口岸全年实现进出口总额120亿元，其中出口50亿元。", {("port_trade_value", 120.0)}),
    ("甲综合保税区实现进出口总额12.2亿元，其中出口7.1亿元。", set()),
    ("甲边境经济合作区完成外贸进出口62.27亿元，占全县的44.1%，其中进口25.31亿元。", set()),
    ("全年对东盟进出口总额3.4亿元，其中出口2.9亿元。", set()),
])
def test_the_subject_of_a_clause_carries_over(cat, text, kept):
    found, _ = lines(cat, text)
    assert {(i, v) for i, _, v, _ in found} == kept


def test_a_sentence_opening_on_a_zone_makes_its_continuation_the_zones(cat):
    found, _ = lines(cat, "全年民营经济增加值112.12亿元，增长3%。其中，第一产业增加值3.35亿元；第二产业增加值5"
                          "4.18亿元。")
    assert found == set()


# --- B10: breakdowns by sub-unit -----------------------------------------------------------------------


def test_a_breakdown_by_sub_unit_is_not_the_parents(cat):
    found, ctx = lines(cat, "全年全市地区生产总值300亿元，增长5%。\n分县（市、区）看，乙区地区生产总值72.17亿"
                            "元；丙县完成生产总值48亿元。",
                       unit="甲市")
    assert found == {("gdp", "2020", 300.0, 5.0)}
    assert any("sub-unit" in s["reason"] for s in ctx.skipped)


def test_a_named_neighbour_is_not_the_unit(cat):
    found, _ = lines(cat, "与此同时，相邻的乙县实现外贸进出口121.98亿元。\n据了解，同期牡丹江市全市外贸进出口"
                          "总额56.73亿元。")
    assert found == set()


# --- B11: nominal and real growth ----------------------------------------------------------------------


@pytest.mark.parametrize("text,growth", [
    ("全年全县地区生产总值176.05亿元，名义增长-0.4%，扣除价格因素实际下降2.7%。", -2.7),
    ("全年全区地区生产总值34.56亿元，按现价计算增长8.7%，按可比价格计算增长6.0%。", 6.0),
    ("全年一般公共预算收入5.2亿元，增长3.1%（自然口径）；扣除减税因素，同口径增长8.2%。", 3.1),
])
def test_real_growth_over_nominal_and_the_headline_over_an_adjusted_rate(cat, text, growth):
    found, _ = lines(cat, text)
    assert [g for _, _, _, g in found] == [growth]


# --- B12: rates that are not levels --------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "年末常住人口密度120人/平方公里。",
    "全年人口自然增长率3.2‰。",
    "人均预期寿命达到78.3岁。",
    "全年一般公共预算收入占比提高1.2个百分点。",
])
def test_rates_never_become_levels(cat, text):
    found, _ = lines(cat, text)
    assert found == set()


# --- B13: qualifiers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,qualifier", [
    ("全年社会消费品零售总额突破50亿元大关。", "lower_bound"),
    ("全年社会消费品零售总额迈上50亿元台阶。", "lower_bound"),
    ("全年社会消费品零售总额跨越50亿元。", "lower_bound"),
])
def test_thresholds_are_lower_bounds(cat, text, qualifier):
    ctx = DocContext(2020, unit_name="甲县")
    (o,) = SentenceParser(cat, ctx).parse(text, "p")
    assert (o.value, o.qualifier) == (50.0, qualifier)


def test_a_threshold_beside_the_figure_gives_way_to_the_figure(cat):
    r = extract_bytes("2019年甲市统计公报\n（SYNTHETIC）\n全市地区生产总值突破600亿元，达到617.88亿元，增长8"
                      "%。".encode(), "x.txt")
    assert [(o.value, o.qualifier) for o in r.observations] == [(617.88, None)]


# --- C14: label variants ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text,indicator,value", [
    ("年末常住总人口47.87万人。", "population_resident", 47.87),
    ("全年地方公共财政收入5.6亿元。", "fiscal_revenue", 5.6),
    ("全年地方级一般公共预算收入5.6亿元。", "fiscal_revenue", 5.6),
    ("全年公共财政预算收入5.6亿元。", "fiscal_revenue", 5.6),
    ("全年一般预算收入5.6亿元。", "fiscal_revenue", 5.6),
    ("全年一般预算支出18.97亿元。", "fiscal_expenditure", 18.97),
    ("全年出口总额7.2亿元。", "exports", 7.2),
    ("第二产业增长3.1%，实现增加值22.57亿元。", "va_secondary", 22.57),
    ("第二产增加值22.57亿元。", "va_secondary", 22.57),
    ("社会消费品零售额8.06亿元。", "retail_sales", 8.06),
])
def test_label_variants(cat, text, indicator, value):
    found, _ = lines(cat, text)
    assert has(found, indicator, value)


def test_financial_total_and_budget_revenue_stay_apart(cat):
    found, _ = lines(cat, "全年一般公共预算总收入6.06亿元，其中地方级公共财政预算收入4.33亿元。")
    assert has(found, "fiscal_revenue_total", 6.06) and has(found, "fiscal_revenue", 4.33)


# --- C15: lists ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("城乡居民人均可支配收入分别增长5.9%和8.7%，达到26688元和8811元。",
     {("urban_income", 26688.0, 5.9), ("rural_income", 8811.0, 8.7)}),
    ("其中第一产业增加值128.8亿元，第二产业增加值764.6亿元，第三产业增加值599.6亿元，分别增长4.8%、5.8%和3.2%。",
     {("va_primary", 128.8, 4.8), ("va_secondary", 764.6, 5.8), ("va_tertiary", 599.6, 3.2)}),
    ("全年外贸进出口、出口、进口分别完成137.11、98.63、38.48亿元，分别增长33.3%、30.0%和-17.9%。",
     {("trade_total", 137.11, 33.3), ("exports", 98.63, 30.0), ("imports", 38.48, -17.9)}),
    ("全县生产总值92.51亿元，规上工业增加值10.74亿元，分别比增5.1%和15.3%。", {("gdp", 92.51, 5.1)}),
    ("全年固定资产投资71.53亿元，同比增10.3%。", {("fai", 71.53, 10.3)}),
])
def test_lists(cat, text, expected):
    found, _ = lines(cat, text)
    assert {(i, v, g) for i, _, v, g in found} == expected


def test_yearly_average_list_rates_are_not_growth(cat):
    found, _ = lines(cat, "城乡居民人均可支配收入分别由2015年的23524元、7464元增加到2020年的30051元、11853元，"
                          "年均分别增长6.7%和8.6%。")
    assert {(i, v, g) for i, _, v, g in found} == {("urban_income", 30051.0, None), ("rural_income", 11853.0, None)}


# --- C16: typos and truncation -----------------------------------------------------------------------------


def test_an_unclosed_bracket(cat):
    found, _ = lines(cat, "全年人均地区生产总值(人均GDP52318元，增长4%。")
    assert has(found, "gdp_per_capita", 52318.0)


# --- C17: text taken from PDFs ------------------------------------------------------------------------------


def test_pdf_line_breaks_watermarks_and_captions(cat):
    text = "\n".join([
        "2021年甲县国民经济和社会发展统计公报", "（SYNTHETIC）",
        "初步核算，全年全县地区生产总值123",
        "8.35亿元， 仅供参考 比上年增长5.2%。全年一般公共预算收入15.6",
        "亿元，增长3.1%。 仅供参考",
        "图1 2017-2021年地区生产总值及其增长速度 全年社会消费品零售总额45.6亿元，增长2%。 仅供参考",
    ])
    r = extract_bytes(text.encode(), "x.txt")
    assert {(o.indicator, o.value, o.growth_pct) for o in r.observations} == {
        ("gdp", 1238.35, 5.2), ("fiscal_revenue", 15.6, 3.1), ("retail_sales", 45.6, 2.0)}
