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


def _archive_of(tmp_path, n: int = 3) -> Archive:
    a = Archive(tmp_path / "archive")
    for i in range(n):  # SYNTHETIC documents
        a.put(f"<html><title>synthetic {i}</title></html>".encode(), origin=f"https://example.invalid/{i}.html",
              origin_kind="url", content_type="text/html", meta={"unit_code": "533102", "data_year": 2020 + i})
    return a


def test_sidecar_index_spares_parsing_unchanged_sidecars(tmp_path, monkeypatch):
    import extractors.archive as archive_module

    a = _archive_of(tmp_path)
    first = list(a)
    assert (a.root / ".sidecar-index").exists()
    calls = []
    real = archive_module._read_sidecar
    monkeypatch.setattr(archive_module, "_read_sidecar", lambda p: calls.append(p.name) or real(p))
    again = list(Archive(a.root))
    assert again == first and calls == []  # every sidecar answered from the index
    # a sidecar rewritten (a new origin) is read again, and only that one
    a.put(b"<html><title>synthetic 0</title></html>", origin="https://example.invalid/elsewhere.html",
          origin_kind="url", content_type="text/html")
    calls.clear()
    third = list(Archive(a.root))
    assert len(calls) == 1
    assert sum("https://example.invalid/elsewhere.html" in s.other_origins for s in third) == 1


def test_sidecar_index_never_hides_a_damaged_sidecar(tmp_path):
    a = _archive_of(tmp_path)
    list(a)
    side = next(a.root.glob("*/*.json"))
    side.write_text("{not json", encoding="utf-8")  # truncated after it was indexed
    b = Archive(a.root)
    docs = list(b)
    assert len(docs) == 3
    assert any(p.path == str(side) and "unreadable" in p.message for p in b.problems)


def test_a_broken_or_foreign_sidecar_index_is_ignored(tmp_path):
    a = _archive_of(tmp_path)
    first = list(a)
    for junk in ("{not json", '{"version": 99, "sidecars": {}}', '[1, 2]',
                 '{"version": 1, "fields": "x", "sidecars": {"a.json": 5}}'):
        (a.root / ".sidecar-index").write_text(junk, encoding="utf-8")
        b = Archive(a.root)
        assert list(b) == first and b.problems == []
