"""Prefect settings for a quiet, offline, serverless run. Imported before prefect; a value the user has
already set in the environment wins."""

from __future__ import annotations

import os

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # else the temporary server tries a telemetry lookup
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",  # hides the temporary server's shutdown tracebacks
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",  # the default 20 s is tight on 2 cores
    # INFO logs go to the API (the UI shows them); the terminal gets warnings only, under the CLI's own
    # progress display, unless --verbose
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
}


def apply(verbose: bool = False) -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
