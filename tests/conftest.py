from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # for the pdfgen helper

DOCS = TESTS / "fixtures" / "documents"


@pytest.fixture(scope="session")
def cat():
    from catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def generated_pdfs(tmp_path_factory):
    import pdfgen

    return pdfgen.write_all(tmp_path_factory.mktemp("pdfs"))
