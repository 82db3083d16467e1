"""The process's settings: Prefect's for a quiet, offline, serverless run (imported before prefect; a value the
user has already set in the environment wins), and the garbage collector's thresholds (`tune_gc`)."""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

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


# CPython (3.11–3.13) runs a full collection, which examines every object the process holds, once per 10
# collections of the middle generation (when the long-lived objects grew by a quarter since the last one).
# Importing this stack (great-expectations, pandas, Prefect and its server) makes millions of long-lived objects,
# and a run keeps adding some: ~15 full collections per process that find next to nothing. Measured on this
# 2-core machine (docs/performance.md): importing great-expectations 4.4–4.6 s → 3.3 s (0.7 s of it collecting),
# Prefect's server code 4.9–5.6 s → 3.6–4.0 s, a cold 300 × 5 refresh 4.2 s → 2.5 s of collecting. Full
# collections are made 10× rarer; the young generations, which free the short-lived cycles, keep Python's
# defaults. BORDERZONES_GC_THRESHOLDS="700,10,10" (Python's default) or any three numbers overrides it.
GC_THRESHOLDS = (700, 10, 100)
GC_ENV = "BORDERZONES_GC_THRESHOLDS"


def gc_thresholds() -> tuple[int, int, int] | None:
    """The thresholds `tune_gc` sets: $BORDERZONES_GC_THRESHOLDS or GC_THRESHOLDS; None on Python 3.14 and
    later, whose incremental collector gives the numbers another meaning.

    >>> os.environ[GC_ENV] = "700, 10, 10"; gc_thresholds(); del os.environ[GC_ENV]
    (700, 10, 10)
    """
    if sys.version_info >= (3, 14):
        return None
    raw = os.environ.get(GC_ENV)
    if raw is None:
        return GC_THRESHOLDS
    try:
        values = tuple(int(v) for v in raw.split(","))
        if len(values) != 3 or min(values) < 0:
            raise ValueError
    except ValueError:
        log.warning("%s=%r is not three whole numbers (e.g. 700,10,100): Python's own thresholds are kept",
                    GC_ENV, raw)
        return None
    return values  # type: ignore[return-value]


def tune_gc() -> None:
    """Set the collector's thresholds for this process (`gc_thresholds`); the child processes this one starts
    (the validation helper, Prefect's temporary server) are given the same."""
    import gc

    values = gc_thresholds()
    if values is not None:
        gc.set_threshold(*values)
