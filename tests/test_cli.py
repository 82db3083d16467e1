from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import DOCS
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_extract_json_contract():
    res = runner.invoke(app, ["extract", str(DOCS / "mzl_2022_utf8_chrome.html"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"document", "observations", "problems", "skipped"}
    assert {"sha256", "unit_code", "unit_name", "data_year", "title", "kind", "status"} <= set(out["document"])
    assert out["document"]["status"] == "ok" and out["document"]["unit_name"] == "满洲里市"
    first = out["observations"][0]
    assert {"indicator", "period", "value", "unit", "growth_pct", "qualifier", "locator"} <= set(first)


def test_extract_json_for_every_status_and_exit_2():
    for name, status in (("captcha.html", "blocked"), ("meeting_news.html", "not_a_bulletin"),
                         ("empty.txt", "unreadable")):
        res = runner.invoke(app, ["extract", str(DOCS / name), "--json"])
        assert res.exit_code == 2
        assert json.loads(res.stdout)["document"]["status"] == status


def test_extract_readable_table_and_overrides():
    res = runner.invoke(app, ["extract", str(DOCS / "tacheng_2023_text_tables.txt"), "--unit", "654200",
                              "--year", "2022"])
    assert res.exit_code == 0
    assert "塔城地区" in res.stdout and "gdp" in res.stdout


def test_extract_bad_arguments():
    assert runner.invoke(app, ["extract", "/nonexistent/file.html"]).exit_code == 2
    res = runner.invoke(app, ["extract", str(DOCS / "captcha.html"), "--unit", "123"])
    assert res.exit_code == 2 and "unknown unit code" in res.stderr


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("borderzones")
    res = subprocess.run([str(exe), "extract", str(DOCS / "pingxiang_2019_gb2312_table.html"), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0
    assert json.loads(res.stdout)["document"]["unit_code"] == "451481"
