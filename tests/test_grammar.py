"""Sentence-level patterns from the format guide, one small assert each (sentences are SYNTHETIC)."""

from __future__ import annotations

import pytest

from extractors.grammar import DocContext, SentenceParser


def parse(cat, text, year=2020, **kw):
    ctx = DocContext(year, **kw)
    return SentenceParser(cat, ctx).parse(text, "para=1"), ctx.problems


def one(cat, text, indicator, **kw):
    obs, _ = parse(cat, text, **kw)
    found = [o for o in obs if o.indicator == indicator]
    assert len(found) == 1, obs
    return found[0]


@pytest.mark.parametrize("text,value,growth", [
    ("初步核算，全年全市地区生产总值（GDP）123.45亿元，按可比价格计算，比上年增长6.5%。", 123.45, 6.5),
    ("全年全县生产总值905743万元，增长4.2%。", 90.5743, 4.2),
    ("全年实现国内生产总值20.1亿元，增长8%。", 20.1, 8.0),
    ("全市经济总量达到150亿元，同比增长3%。", 150.0, 3.0),
    ("地区生产总值比上年增长6.5%，总量达到123亿元。", 123.0, 6.5),
    ("全市地区生产总值12.3亿元，增长持平。", 12.3, 0.0),
    ("据初步核算，全年全市生产总值88.8亿元，比上年下降0.2 %。", 88.8, -0.2),
    ("全市生产总值（GDP）实现85.6亿元，增长负3.2%。", 85.6, -3.2),
    ("一般公共预算收入比上年下降12.3%，完成5.6亿元。", None, None),
])
def test_gdp_forms(cat, text, value, growth):
    if value is None:  # a sentence about another indicator: no GDP in it
        assert all(o.indicator != "gdp" for o in parse(cat, text)[0])
        return
    o = one(cat, text, "gdp")
    assert (o.value, o.growth_pct) == (value, growth)


def test_share_denominator_is_not_a_mention(cat):
    obs, _ = parse(cat, "第三产业增加值65.5亿元，增长6.1%，占地区生产总值的比重为53.4%。")
    assert [(o.indicator, o.value) for o in obs] == [("va_tertiary", 65.5)]


def test_increments_are_not_levels(cat):
    obs, _ = parse(cat, "年末常住人口比上年末增加0.36万人。")
    assert obs == []


def test_rate_changes_are_not_growth(cat):
    o = one(cat, "全年一般公共预算收入12亿元，增速比上年提高1.2个百分点。", "fiscal_revenue")
    assert o.growth_pct is None


def test_multiple_is_flagged_not_converted(cat):
    obs, problems = parse(cat, "全年外贸进出口总额50亿元，增长1.4倍。")
    assert obs[0].growth_pct is None and obs[0].growth_raw == "增长1.4倍"
    assert any("multiple" in p.message for p in problems)


def test_contribution_rate_and_pull_are_ignored(cat):
    obs, _ = parse(cat, "第二产业增加值30亿元，对经济增长的贡献率为120.5%，拉动经济增长2.1个百分点。")
    assert [(o.indicator, o.value, o.growth_pct) for o in obs] == [("va_secondary", 30.0, None)]


def test_sub_items_are_not_parents(cat):
    obs, _ = parse(cat, "全年外贸进出口总额增长5%，其中对东盟进出口80亿元，机电产品出口12亿元。")
    assert [(o.indicator, o.value, o.growth_pct) for o in obs] == [("trade_total", None, 5.0)]


def test_fiscal_lookalikes(cat):
    obs, _ = parse(cat, "全年财政收入20亿元，其中一般公共预算收入12亿元。公共财政收入9亿元。")
    assert {(o.indicator, o.value) for o in obs} == {("fiscal_revenue_total", 20.0), ("fiscal_revenue", 12.0)}


def test_port_and_customs_trade_are_separate(cat):
    obs, _ = parse(cat, "满洲里口岸进出口货值800亿元，关区进出口总额600亿元，全市外贸进出口总额100亿元。")
    assert {(o.indicator, o.value) for o in obs} == {
        ("port_trade_value", 800.0), ("customs_district_trade", 600.0), ("trade_total", 100.0)}


@pytest.mark.parametrize("text,qualifier", [
    ("全年社会消费品零售总额突破50亿元。", "lower_bound"),
    ("全年社会消费品零售总额超过50亿元。", "lower_bound"),
    ("全年社会消费品零售总额约50亿元。", "approximate"),
    ("全年社会消费品零售总额近50亿元。", "approximate"),
    ("全年社会消费品零售总额50亿元左右。", "approximate"),
    ("全年社会消费品零售总额50余亿元。", "approximate"),
    ("预计全年社会消费品零售总额50亿元。", "estimate"),
])
def test_qualifiers(cat, text, qualifier):
    o = one(cat, text, "retail_sales")
    assert (o.value, o.qualifier) == (50.0, qualifier)


def test_both_currencies_are_kept(cat):
    obs, _ = parse(cat, "全年外贸进出口总额223.6亿美元（折合人民币1475.69亿元），增长5.3%。")
    assert {(o.value, o.unit, o.growth_pct) for o in obs} == {
        (223.6, "USD_100M", 5.3), (1475.69, "CNY_100M", None)}


def test_sectors_stated_as_a_list(cat):
    obs, _ = parse(cat, "第一、二、三产业增加值分别为12.3亿元、45.6亿元和65.5亿元，分别增长3.2%、7.8%和6.1%。")
    assert [(o.indicator, o.value, o.growth_pct) for o in obs] == [
        ("va_primary", 12.3, 3.2), ("va_secondary", 45.6, 7.8), ("va_tertiary", 65.5, 6.1)]


def test_structure_with_percent_signs(cat):
    obs, _ = parse(cat, "三次产业结构为5.1%:42.5%:52.4%。")
    assert [o.value for o in obs] == [5.1, 42.5, 52.4]


def test_structure_that_does_not_sum_is_refused(cat):
    obs, problems = parse(cat, "三次产业结构为5.1:42.5:62.4。")
    assert obs == [] and "sums to" in problems[0].message


def test_part_year_period(cat):
    o = one(cat, "1-7月，全市外贸进出口总额40亿元，同比增长12%。", "trade_total", year=2023)
    assert o.period == "2023-01/2023-07"
    o = one(cat, "上半年，全市固定资产投资同比增长8%。", "fai", year=2023)
    assert o.period == "2023-01/2023-06"


def test_number_without_unit_is_a_problem(cat):
    obs, problems = parse(cat, "全年全市地区生产总值123，增长5%。")
    assert [o.value for o in obs] == [None]
    assert any("without a unit" in p.message for p in problems)


def test_per_capita_in_wan_yuan(cat):
    o = one(cat, "人均地区生产总值6.8万元，增长4%。", "gdp_per_capita")
    assert (o.value, o.unit) == (68000.0, "CNY")


def test_urban_and_rural_income_as_a_list(cat):
    obs, _ = parse(cat, "城镇和农村常住居民人均可支配收入分别为35000元和15000元，分别增长5.1%和7.2%。")
    assert [(o.indicator, o.value, o.growth_pct) for o in obs] == [
        ("urban_income", 35000.0, 5.1), ("rural_income", 15000.0, 7.2)]
