"""Observations from archived documents: lineage, the extraction cache, bad documents, selections.
Documents are the SYNTHETIC fixtures in tests/fixtures/documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.archive import Archive
from warehouse.build import RunSettings, collect_zone, load_curated_all
from warehouse.observations import ExtractionCache, Selection, document_rows, extract_archived

DOCS = Path(__file__).parent / "fixtures" / "documents"


@pytest.fixture
def archive(tmp_path) -> Archive:
    store = Archive(tmp_path / "archive")
    for name, unit, year in (("mzl_2022_utf8_chrome.html", "150781", 2022),
                             ("dongxing_2021_work_report.txt", "450681", 2020)):
        store.put((DOCS / name).read_bytes(), origin=str(DOCS / name), origin_kind="file",
                  meta={"unit_code": unit, "data_year": year})
    return store


def test_document_rows_carry_lineage(archive, cat, tmp_path):
    side = next(s for s in archive if s.unit_code == "150781")
    ext = extract_archived(archive, side, ExtractionCache(tmp_path / "cache", "f" * 64), cat)
    rows, source = document_rows(ext, cat)
    gdp = next(r for r in rows if r["indicator"] == "gdp" and r["period"] == "2022")
    assert gdp["source_id"] == side.sha256 and gdp["origin"] == "extracted"
    assert gdp["vintage"] == "2023-04-20"  # the issuer line's date
    assert gdp["source_kind"] == "bulletin" and gdp["extractor_version"]
    assert gdp["locator"] and gdp["context"]
    assert source["status"] == "ok" and source["n_observations"] == len(rows) and source["url"].endswith(".html")


def test_extraction_is_cached_by_document_and_code(archive, cat, tmp_path):
    side = next(iter(archive))
    cache = ExtractionCache(tmp_path / "cache", "a" * 64)
    first = extract_archived(archive, side, cache, cat)
    second = extract_archived(archive, side, cache, cat)
    assert not first.cached and second.cached and first.result == second.result
    other_code = ExtractionCache(tmp_path / "cache", "b" * 64)  # extractor code changed: extract again
    assert not extract_archived(archive, side, other_code, cat).cached


def test_an_altered_archive_file_is_corrupt_not_fatal(archive, cat, tmp_path):
    side = next(iter(archive))
    archive.path_of(side.sha256).write_bytes(b"tampered")
    ext = extract_archived(archive, side, ExtractionCache(tmp_path / "cache", "c" * 64), cat)
    assert ext.status == "corrupt"
    assert "do not match their sha256" in ext.result["problems"][0]["message"]


def test_a_warm_cache_does_not_hide_a_corrupt_archive_file(archive, cat, tmp_path):
    side = next(iter(archive))
    cache = ExtractionCache(tmp_path / "cache", "c" * 64)
    assert extract_archived(archive, side, cache, cat).status == "ok"
    assert extract_archived(archive, side, cache, cat).cached  # the cache holds it now
    path = archive.path_of(side.sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20  # one flipped bit
    path.write_bytes(bytes(data))
    ext = extract_archived(archive, side, cache, cat)
    assert ext.status == "corrupt" and not ext.cached and ext.result["observations"] == []


def test_collect_zone_keeps_to_its_units_and_years(archive, cat, tmp_path):
    s = RunSettings(warehouse=tmp_path / "wh", archive=archive.root, bundled_curated=False)
    cur = load_curated_all(s, cat)
    mzl = collect_zone("manzhouli", s, cat, cur)
    assert [d["unit_code"] for d in mzl.documents] == ["150781"]
    assert {r["unit_code"] for r in mzl.observations} == {"150781"}
    assert collect_zone("ruili", s, cat, cur).documents == []
    assert {r["year"] for r in mzl.observations} == {2022}
    later = collect_zone("manzhouli", s.model_copy(update={"years": (2023, 2024)}), cat, cur)
    assert later.observations == [] and len(later.documents) == 1  # the document is read, its 2022 rows left out


def test_selection_covers():
    sel = Selection(None, (2015, 2020))
    assert sel.covers("150781", 2015, None) and not sel.covers("150781", 2021, None)
    assert Selection(("ruili",), None).covers("533102", 1999, frozenset({"533102"}))
    assert not Selection(("ruili",), None).covers("150781", 2020, frozenset({"533102"}))


def test_missing_curated_file_is_a_clear_error(cat, tmp_path):
    from warehouse.build import validate_selection

    with pytest.raises(ValueError, match="does not exist"):
        validate_selection(RunSettings(curated=(tmp_path / "nope.csv",)), cat)
    with pytest.raises(ValueError, match="unknown zone 'atlantis'"):
        validate_selection(RunSettings(zones=("atlantis",)), cat)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_every_bundled_curated_row_is_published_or_reported(cat):
    """The bundled file (real figures with citations): 282 rows in; each gives observations or a reason."""
    import csv

    from catalog.loader import BUNDLED_CURATED
    from warehouse.observations import curated_rows

    with open(BUNDLED_CURATED, encoding="utf-8") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    skipped: list[dict] = []
    obs, _ = curated_rows(BUNDLED_CURATED, cat, skipped)
    lines = {o["locator"].split(":")[1] for o in obs}  # "published_figures.csv:line 95[:structure_…]"
    assert len(lines) + len(skipped) == n_rows
    # 满洲里市 2022 三次产业结构 "2.5:34.9:62.6" (the bulletin via an aggregator): its three parts
    parts = {o["indicator"]: o["value"] for o in obs if o["unit_code"] == "150781" and o["period"] == "2022"
             and o["indicator"].startswith("structure_")}
    assert parts == {"structure_primary": 2.5, "structure_secondary": 34.9, "structure_tertiary": 62.6}
    # 满洲里市 2019 "2.525.472.1": the colons were lost in scraping; reported, never guessed
    assert [(s["unit_code"], s["period"], s["value_raw"]) for s in skipped] == [("150781", "2019", "2.525.472.1")]
