"""Number and unit parsing, including property-based tests."""

from __future__ import annotations

from decimal import Decimal

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.grammar import DocContext, SentenceParser
from extractors.numbers import normalize, parse_number, scale

FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)


def _thousands(d: Decimal) -> str:
    whole, frac = f"{d:.2f}".split(".")
    return f"{int(whole):,}.{frac}"


@given(amounts)
def test_normalised_number_forms_parse_back(d):
    plain = f"{d:.2f}"
    for form in (plain, plain.translate(FULLWIDTH), _thousands(d)):
        assert parse_number(normalize(form)) == d


@given(amounts, st.sampled_from([" .", ". ", " . "]))
def test_spaces_inside_numbers_are_rejoined(d, gap):
    whole, frac = f"{d:.2f}".split(".")
    assert normalize(f"{whole}{gap}{frac}%") == f"{whole}.{frac}%"


@given(st.integers(min_value=1, max_value=99999))
def test_chinese_numerals_round_trip(n):
    assert parse_number(cn2an.an2cn(n, "low")) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_wan_yuan_to_yi_yuan_is_exact(n):
    # n 万元 in 亿元 is n / 10^4, exactly as a decimal
    assert Decimal(str(scale(Decimal(n), 10**4, 10**8))) == Decimal(n) / Decimal(10**4)


@settings(max_examples=60, deadline=None)
@given(amounts, st.sampled_from([("亿元", 1), ("万元", Decimal("0.0001"))]), st.booleans())
def test_prose_gdp_value_and_unit(cat, d, unit, fullwidth):
    raw_unit, factor = unit
    number = f"{d:.2f}"
    text = f"全年全市地区生产总值{number}{raw_unit}，比上年增长6.5%。"
    if fullwidth:
        text = text.translate(FULLWIDTH)
    obs = SentenceParser(cat, DocContext(2020)).parse(text, "para=1")
    assert len(obs) == 1
    assert obs[0].unit == "CNY_100M"
    assert Decimal(str(obs[0].value)) == (d * factor).normalize()
    assert obs[0].growth_pct == 6.5


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99.9"), places=1),
       st.sampled_from(["增长{}%", "下降{}%", "增长-{}%", "比上年增长{} %", "同比下降{}%"]))
def test_growth_sign(cat, g, form):
    text = "全年社会消费品零售总额12.3亿元，" + form.format(g) + "。"
    obs = SentenceParser(cat, DocContext(2020)).parse(text, "para=1")
    expected = float(g) if form.startswith(("增长{}", "比上年")) else -float(g)
    assert obs[0].growth_pct == expected


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1000, max_value=9_999_999))
def test_persons_to_ten_thousands(cat, n):
    text = f"年末常住人口{n:,}人。"
    obs = SentenceParser(cat, DocContext(2020)).parse(text, "para=1")
    assert obs[0].unit == "10K_PERSONS"
    assert Decimal(str(obs[0].value)) == (Decimal(n) / 10000).normalize()
