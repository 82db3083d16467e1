from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # for the pdfgen helper

DOCS = TESTS / "fixtures" / "documents"

# Tests never touch the network: any name lookup other than the local test servers fails at once.
_real_getaddrinfo = socket.getaddrinfo
_LOCAL = {"127.0.0.1", "localhost", "::1", None}


def _local_only_getaddrinfo(host, *args, **kwargs):
    h = host.decode() if isinstance(host, bytes) else host
    if h not in _LOCAL:
        raise socket.gaierror(socket.EAI_NONAME, f"tests do not use the network (lookup of {h!r} refused)")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _local_only_getaddrinfo


@pytest.fixture(scope="session")
def cat():
    from catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def generated_pdfs(tmp_path_factory):
    import pdfgen

    return pdfgen.write_all(tmp_path_factory.mktemp("pdfs"))


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect server for the whole session (it takes ~20 s to start), with its own home."""
    import os

    from flows import env

    env.apply()
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def _no_log_handler_on_a_closed_stream():
    """A CLI run under CliRunner sets up Prefect's logging while stdout/stderr are the runner's buffers; its
    console handler keeps the buffer, which the runner closes. A later test that logs (pdfminer warns about a
    broken PDF) then printed "--- Logging error ---" into its own output: a failure that depended on test order
    (`pytest tests/test_flows.py tests/test_reader_faults.py`). One process is one command for real users, so
    only the tests need this: such handlers are dropped after each test."""
    import logging

    yield
    for logger in [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]:
        for handler in list(getattr(logger, "handlers", ())):
            stream = getattr(handler, "stream", None) or getattr(getattr(handler, "console", None), "file", None)
            if getattr(stream, "closed", False):
                logger.removeHandler(handler)
