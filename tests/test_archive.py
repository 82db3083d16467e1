from __future__ import annotations

import json

from conftest import DOCS
from typer.testing import CliRunner

from extractors.archive import Archive
from flows.cli import app


def test_put_is_content_addressed_and_immutable(tmp_path):
    store = Archive(tmp_path)
    data = (DOCS / "mzl_2022_utf8_chrome.html").read_bytes()
    side, added = store.put(data, origin="http://a.example/x.html", origin_kind="url", content_type="text/html")
    assert added and side.ext == "html" and side.size == len(data)
    path = tmp_path / side.sha256[:2] / f"{side.sha256}.html"
    assert path.read_bytes() == data
    mtime = path.stat().st_mtime_ns
    _, added2 = store.put(data, origin="http://b.example/y.html", origin_kind="url")
    assert not added2 and path.stat().st_mtime_ns == mtime
    assert store.sidecar(side.sha256).other_origins == ["http://b.example/y.html"]
    assert [s.sha256 for s in store] == [side.sha256]
    assert not list(tmp_path.rglob("*.tmp"))


def test_ingest_cli(tmp_path):
    archive = tmp_path / "archive"
    runner = CliRunner()
    files = [DOCS / "dongning_2014_gbk_nocharset.html", DOCS / "captcha.html", DOCS / "listing_page.html"]
    res = runner.invoke(app, ["ingest", *map(str, files), "--archive", str(archive)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "added" in res.output and "blocked" in res.output and "not a bulletin" in res.output
    sides = list(Archive(archive))
    assert len(sides) == 1
    assert (sides[0].unit_code, sides[0].data_year, sides[0].kind) == ("231086", 2014, "bulletin")
    res = runner.invoke(app, ["ingest", str(files[0]), "--archive", str(archive)], terminal_width=200)
    assert "duplicate" in res.output
    sidecar = json.loads(next(archive.rglob("*.json")).read_text(encoding="utf-8"))
    assert sidecar["origin_kind"] == "file" and sidecar["retrieved_at"].endswith("+00:00")
