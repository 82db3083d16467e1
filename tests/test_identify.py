"""Recognising a document: kind, unit and data year from titles, chrome, opening sentences and work-report
sections. Every document here is SYNTHETIC (invented places where the catalog does not matter, invented
figures), composed to imitate the layouts catalogued from real pages."""

from __future__ import annotations

import pytest

from extractors.extract import extract_bytes


def run(text: str, **kw):
    return extract_bytes(text.encode("utf-8"), "doc.txt", **kw)


def obs(r):
    return {(o.indicator, o.period, o.value, o.growth_pct) for o in r.observations}


# --- A1: no title -------------------------------------------------------------------------------


def test_untitled_bulletin_opens_with_the_year_and_names_the_unit():
    r = run("2020年，交城县委、县政府团结带领全县人民稳中求进。（SYNTHETIC）\n一、综合\n"
            "初步核算，全年全县地区生产总值123.4亿元，比上年增长3.1%。")
    assert (r.kind, r.data_year, r.unit_name, r.unit_code) == ("bulletin", 2020, "交城县", None)
    assert ("gdp", "2020", 123.4, 3.1) in obs(r)


def test_untitled_bulletin_after_an_issuer_line_takes_the_issue_year_minus_one():
    r = run("光泽县统计局\n（2018年3月20日）\n一、综合\n初步核算，全年实现地区生产总值91.1亿元，比上年增长8.5%。")
    assert (r.data_year, r.unit_name) == (2017, "光泽县")
    assert ("gdp", "2017", 91.1, 8.5) in obs(r)
    assert any("dated 2018" in p.message for p in r.problems)


def test_untitled_text_that_never_names_its_unit_is_partial_with_a_problem():
    r = run("2022年全区经济稳中有进。（SYNTHETIC）\n初步核算，全年完成地区生产总值295.4亿元，比上年增长7.7%。")
    assert r.status == "partial" and r.unit_name is None
    assert any("does not name its unit" in p.message for p in r.problems)
    assert ("gdp", "2022", 295.4, 7.7) in obs(r)


# --- A2: chrome -----------------------------------------------------------------------------------


CHROME = """加入收藏 | 会员中心
统计公报年度索引: 2023 2022 2021 2020 2019 2018 2017 [ 统计公报分省总索引 ]
您当前的位置:首页 > 统计公报 > 广西
梧州市2017年国民经济和社会发展统计公报
时间:2018-05-06 18:01:51 来源:梧州市统计局 点击:4747次
2017年，全市经济稳中向好。（SYNTHETIC）
一、综合
初步核算，全年全市实现地区生产总值1338.1亿元，比上年增长6.7%。
相关公报
梧州市2016年国民经济和社会发展统计公报
梧州市2018年国民经济和社会发展统计公报
"""


def test_year_index_breadcrumbs_and_related_lists_are_not_the_title_or_the_body():
    r = run(CHROME)
    assert (r.title, r.data_year, r.unit_name) == ("梧州市2017年国民经济和社会发展统计公报", 2017, "梧州市")
    assert obs(r) == {("gdp", "2017", 1338.1, 6.7)}


def test_a_breadcrumb_naming_a_magazine_issue_is_not_the_title():
    text = ("首页 > 杂志阅读>>《某区》2023年第4期>>统计公报\n大安区2022年国民经济和社会发展统计公报\n"
            "2022年，全区经济持续发展。（SYNTHETIC）\n全年实现地区生产总值188.72亿元，比上年增长0.5%。")
    r = run(text)
    assert r.data_year == 2022 and ("gdp", "2022", 188.72, 0.5) in obs(r)


def test_a_region_select_widget_and_a_trailing_year_do_not_confuse_the_title():
    r = run("浏阳市2020年国民经济和社会发展统计公报 2020\n选择区域:>>\n2020年，全市经济回升。（SYNTHETIC）\n"
            "初步核算，全市实现地区生产总值1493亿元，同比增长4.7%。")
    assert (r.data_year, r.unit_name) == (2020, "浏阳市")


def test_a_listing_of_bulletins_is_not_a_bulletin():
    r = run("统计公报\n满洲里市2022年国民经济和社会发展统计公报 2023-04-20\n"
            "满洲里市2021年国民经济和社会发展统计公报 2022-04-18\n共2条 第1页")
    assert r.status == "not_a_bulletin"


# --- A3: pinyin readings ----------------------------------------------------------------------------


def test_pinyin_readings_are_stripped_from_titles_labels_and_units():
    text = ("蒙城縣2020年國(guó)民經(jīng)濟(jì)和社會(huì)發(fā)展統(tǒng)計(jì)公報(bào)\n（SYNTHETIC）\n"
            "初步核算，全年地區(qū)生產(chǎn)總值(GDP)531.2億(yì)元(yuán)，增長(zhǎng)3.9%。年末常住人口110.3萬(wàn)人。")
    r = run(text)
    assert (r.kind, r.data_year, r.unit_name) == ("bulletin", 2020, "蒙城县")
    assert obs(r) == {("gdp", "2020", 531.2, 3.9), ("population_resident", "2020", 110.3, None)}


def test_watermark_tokens_at_line_ends_are_removed_and_wrapped_numbers_rejoined():
    text = ("(广东省)2020年某县人民政府工作报告(全文)\n政府工作报告PZl\n2020年6月22日在某县第十五届PZl\n"
            "人民代表大会第五次会议上PZl\n各位代表:PZl\n2019年工作回顾PZl\n"
            "去年，全县生产总值92.51亿元，增长5.1%；固定资产投资71.5\n3亿元，增长2.3%。（SYNTHETIC）PZl")
    r = run(text)
    assert r.kind == "work_report" and r.data_year == 2019
    assert obs(r) == {("gdp", "2019", 92.51, 5.1), ("fai", "2019", 71.53, 2.3)}


# --- A4: work reports -------------------------------------------------------------------------------


@pytest.mark.parametrize("text,year", [
    # title only 政府工作报告; the review heading names the year
    ("政府工作报告\n——2023年2月23日在某旗第十六届人民代表大会第三次会议上\n各位代表:\n一、2022年工作回顾\n"
     "全年地区生产总值完成47.2亿元，增长2.4%。（SYNTHETIC）", 2022),
    # the title's year is the data year: the report was delivered in December of that year
    ("2020政府工作报告\n——2020年12月29日在某县第十七届人民代表大会第六次会议上\n各位代表:\n"
     "过去一年，全县地区生产总值完成47.2亿元，增长2.4%。（SYNTHETIC）", 2020),
    # no heading year, no date: the review paragraph opens with the year
    ("2019年梨树县政府工作报告\n——在某县第十八届人民代表大会第四次会议上\n各位代表:\n一、克难攻坚，过去一年政府工作成效显著\n"
     "2019年，是我县极具挑战的一年。全年地区生产总值完成47.2亿元，增长2.4%。（SYNTHETIC）", 2019),
    # a government-site summary headed with the data year itself
    ("2021年工作回顾\n各位代表：现在，我代表县人民政府向大会报告工作。\n"
     "全年地区生产总值完成47.2亿元，增长2.4%。（SYNTHETIC）", 2021),
])
def test_work_report_data_year_is_the_year_its_review_covers(text, year):
    r = run(text)
    assert r.kind == "work_report" and r.data_year == year
    assert ("gdp", str(year), 47.2, 2.4) in obs(r)


# --- A5: news -----------------------------------------------------------------------------------------


def test_newspaper_feature_without_bulletin_words_keeps_its_part_year_period():
    text = ("本报讯 （记者 某某） 前三季度，全县上下稳中求进。（SYNTHETIC）\n"
            "元至九月，全县完成生产总值56.7亿，增长7.5%；地方公共财政预算收入4.47亿元，增长31.2%；"
            "城乡居民人均可支配收入分别达到18687元、5634元，增长7.8%、9.2%。")
    r = run(text, year=2018)
    assert r.kind == "news"
    assert obs(r) == {("gdp", "2018-01/2018-09", 56.7, 7.5), ("fiscal_revenue", "2018-01/2018-09", 4.47, 31.2),
                      ("urban_income", "2018-01/2018-09", 18687.0, 7.8),
                      ("rural_income", "2018-01/2018-09", 5634.0, 9.2)}


def test_news_year_skips_points_of_comparison():
    text = ("18日，记者从市商务局了解到，在2021年内地城市进出口排名中，我市排名比2020年提升两位。（SYNTHETIC）\n"
            "从体量上看，自2016年以来，我市连续刷新历史新高，2021年厦门进出口总额跨越8000亿元台阶，达8876.5亿元，增速27.7%。")
    r = run(text)
    assert (r.data_year, r.unit_name) == (2021, "厦门市")
    assert obs(r) == {("trade_total", "2021", 8876.5, 27.7)}


# --- A6: units outside the catalog --------------------------------------------------------------------


def test_unit_outside_the_catalog_is_read_as_printed_and_partial():
    r = run("2019年贵州省黔南州长顺县国民经济和社会发展统计公报\n（SYNTHETIC）\n"
            "全年全县地区生产总值79.7亿元，增长11.3%。")
    assert (r.unit_name, r.unit_code, r.status) == ("长顺县", None, "partial")
    assert any("not a unit of the catalog" in p.message for p in r.problems)
    assert obs(r) == {("gdp", "2019", 79.7, 11.3)}


def test_unit_override_accepts_a_name_or_a_catalog_code():
    text = "2019年统计公报\n（SYNTHETIC）\n全年全县地区生产总值79.7亿元，增长11.3%。"
    by_name = run(text, unit="东宁县")  # a former name of 东宁市
    assert (by_name.unit_code, by_name.unit_name) == ("231086", "东宁市")
    outside = run(text, unit="房县")
    assert (outside.unit_code, outside.unit_name, outside.status) == (None, "房县", "partial")
    with pytest.raises(ValueError, match="unknown unit code"):
        run(text, unit="999999")


def test_catalog_units_keep_their_codes():
    r = run("满洲里市2022年国民经济和社会发展统计公报\n（SYNTHETIC）\n全年全市地区生产总值174.3亿元，增长3.5%。")
    assert (r.unit_code, r.status) == ("150781", "ok")
