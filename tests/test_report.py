"""The report: the paper's claims checked against a release, charts and pages written.
Input: the SYNTHETIC curated file tests/fixtures/curated/synthetic_paper.csv; expected values by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from warehouse.build import build_tables
from warehouse.observations import curated_rows
from warehouse.report import build_report, check_claims

PAPER = Path(__file__).parent / "fixtures" / "curated" / "synthetic_paper.csv"


@pytest.fixture(scope="module")
def tables(cat):
    obs = pd.DataFrame(curated_rows(PAPER, cat)[0])
    from warehouse.schemas import SOURCES

    return build_tables(obs, pd.DataFrame(columns=SOURCES.names), cat, "latest")


@pytest.fixture(scope="module")
def claims(tables, cat):
    return check_claims(tables["indicators"], tables["not_computable"], cat).set_index("claim_id")


def test_a_claim_that_differs_says_by_how_much(claims):
    r = claims.loc["ruili_gdp_growth_2012_2020"]
    assert r["status"] == "differs" and r["this_release"] == pytest.approx(150.0)
    assert "by -171.29 points" in r["note"]  # 150.00 − 321.29


def test_a_sum_of_two_zones_shares(claims):
    r = claims.loc["dongxing_ruili_gdp_share_2020"]
    assert r["this_release"] == pytest.approx((700 + 200) / 1500 * 100)  # 60 %; the paper says 66.56


def test_sign_and_ranking_claims(claims):
    assert claims.loc["mengla_gdp_growth_positive_2015_2020", "status"] == "reproduced"  # +66.7 %
    assert claims.loc["suifenhe_dongning_gdp_growth_not_positive_2016_2020", "status"] == "differs"  # +25 %
    assert claims.loc["dongxing_secondary_dominant_2020", "status"] == "reproduced"
    assert claims.loc["pingxiang_tertiary_dominant_2020", "status"] == "reproduced"


def test_a_claim_without_inputs_names_them(claims):
    r = claims.loc["ruili_va_tertiary_growth_2012_2020"]
    assert r["status"] == "not_computable" and "zone:ruili va_tertiary 2012" in r["note"]
    r = claims.loc["manzhouli_gdp_growth_not_positive_2012_2020"]
    assert r["status"] == "not_computable" and "zone:manzhouli gdp 2012" in r["note"]


def test_the_fiscal_claim_uses_the_host_basis(claims):
    r = claims.loc["baise_fiscal_self_sufficiency_2021"]
    assert r["basis"] == "host" and r["this_release"] == pytest.approx(25.0)  # 50 / 200; the paper: 23.82


def test_report_files(tables, cat):
    files = build_report(tables, cat, "test report")
    assert files["report/figure1.png"].startswith(b"\x89PNG") and files["report/figure2.png"].startswith(b"\x89PNG")
    index = files["report/index.html"].decode()
    for link in ("figure1.png", "figure2.png", "claims.html", "validation.html", "dictionary.html"):
        assert link in index
    assert "| border_mutual_trade |" not in files["report/dictionary.md"].decode()  # columns, not codes
    assert "## indicators" in files["report/dictionary.md"].decode() and "## zone_year" in files[
        "report/dictionary.md"].decode()
    assert files["report/claims.csv"].startswith("\ufeff".encode())  # Excel opens UTF-8 with a BOM


def test_report_command_rewrites_a_release_report(tables, tmp_path):
    from flows.cli import app
    from warehouse.release import publish_lock, write_release
    from warehouse.schemas import VALIDATION

    t = dict(tables)
    t["validation"] = pd.DataFrame(columns=VALIDATION.names)
    with publish_lock(tmp_path):
        out = write_release(tmp_path, t, {})
    r = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (out.path / "report" / "index.html").exists() and (out.path / "report" / "figure2.png").exists()
    r = CliRunner().invoke(app, ["report", "nope", "--warehouse", str(tmp_path)])
    assert r.exit_code == 2 and "no release nope" in r.output
