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
    (out.path / "report" / "index.html").unlink()
    r = CliRunner().invoke(app, ["report", "latest", "--warehouse", str(tmp_path)])  # the word, as elsewhere
    assert r.exit_code == 0, r.output
    assert (out.path / "report" / "index.html").exists()
    r = CliRunner().invoke(app, ["report", "nope", "--warehouse", str(tmp_path)])
    assert r.exit_code == 2 and "no release 'nope'" in r.output


def test_a_claim_lacking_inputs_on_its_basis_is_computed_on_the_zones_own_scope(cat, tmp_path):
    """SYNTHETIC: the host city has no 2012 GDP, the zone's own statistical scope has both years (100 → 80, −20 %),
    so 'Manzhouli's GDP did not grow 2012→2020' is reproduced on that scope, and the result names it."""
    extra = ("ZONE:manzhouli,满洲里试验区,2012,gdp,100,CNY_100M,,,,,bulletin,SYNTHETIC zone,,2021-01-01,SYNTHETIC\n"
             "ZONE:manzhouli,满洲里试验区,2020,gdp,80,CNY_100M,,,,,bulletin,SYNTHETIC zone,,2021-01-01,SYNTHETIC\n")
    path = tmp_path / "paper.csv"
    path.write_text(PAPER.read_text(encoding="utf-8") + extra, encoding="utf-8")
    obs = pd.DataFrame(curated_rows(path, cat)[0])
    from warehouse.schemas import SOURCES

    t = build_tables(obs, pd.DataFrame(columns=SOURCES.names), cat, "latest")
    without_panel = check_claims(t["indicators"], t["not_computable"], cat).set_index("claim_id")
    assert without_panel.loc["manzhouli_gdp_growth_not_positive_2012_2020", "status"] == "not_computable"
    r = check_claims(t["indicators"], t["not_computable"], cat, t["panel"]).set_index("claim_id").loc[
        "manzhouli_gdp_growth_not_positive_2012_2020"]
    assert r["status"] == "reproduced_on_other_scope"
    assert r["this_release"] == pytest.approx(-20.0)  # (80 − 100) / 100
    assert "满洲里试验区" in r["scope"] or "Manzhouli pilot zone" in r["scope"]
    assert r["result"] == f"reproduced on {r['scope']}"
    assert "lacks the inputs" in r["note"]


def test_claims_csv_writes_years_as_integers(claims):
    from warehouse.report import claims_csv

    text = claims_csv(claims.reset_index()).decode("utf-8-sig")
    assert ",2012," in text and "2012.0" not in text and "2020.0" not in text


def test_markdown_cells_escape_the_pipe_that_would_end_a_cell():
    from warehouse.report import dictionary_markdown, md_cell

    assert md_cell("a|b") == "a\\|b"
    for line in dictionary_markdown().splitlines():
        if line.startswith("| `"):
            # exactly 5 unescaped pipes: a 4-column row
            assert len([i for i, ch in enumerate(line) if ch == "|" and line[i - 1 : i] != "\\"]) == 5, line


def test_an_empty_chart_says_what_is_missing_inside_the_axes(cat):
    """With no paper-basis GDP at all, Figure 1 writes a message in its axes instead of drawing empty ones."""
    from warehouse.report import draw_figure1, figure_notes
    from warehouse.schemas import INDICATORS, PANEL

    fig = draw_figure1(pd.DataFrame(columns=PANEL.names), pd.DataFrame(columns=INDICATORS.names), cat)
    notes = figure_notes(fig)
    assert notes and all(n.strip() for n in notes)
