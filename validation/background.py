"""great-expectations off the critical path: a helper process that imports it (5–7 s) while this process does
everything else (importing Prefect, starting its server, extracting, building the tables, drawing the charts),
then runs the checks (`validate_tables`, the very function, on the very frames: the same checks, the same
results).

A thread would not do: importing great-expectations and running its checks is Python code holding the GIL, so a
thread only takes turns with the main thread. A second process works on the second core. The process is started
once (`start`, from `flows.pipeline.run`) and serves every validation of this process; it is a daemon (ended at
exit) and ends by itself when this process dies (its pipe closes). When it cannot serve (it failed to start or
died, `BORDERZONES_VALIDATION_PROCESS=0`, or great-expectations is already imported here), `validate` runs the
checks in this process as before.

Only the standard library is imported here: the helper imports this module first.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_helper = None  # (process, connection)


def _serve(conn) -> None:
    """The helper process: import great-expectations, then validate what it is sent until the pipe closes."""
    with contextlib.suppress(OSError):
        # the import competes for the 2 cores with the work that comes before the checks (collecting, Prefect's
        # server starting): give that work the CPU first; the checks run while the caller waits idle anyway
        os.nice(10)
    from validation.suites import import_gx, validate_tables

    with contextlib.suppress(Exception):  # a failure is reported by the first validation, which imports it again
        import_gx()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            observations, panel, cat, indicators, run = job
            observations, panel, indicators = unpack(observations), unpack(panel), unpack(indicators)
            # the run object (validation/partial.py) goes back too: it holds the failing rows it recorded
            conn.send(("ok", (validate_tables(observations, panel, cat, indicators, run), run)))
        except Exception as exc:  # handed back and raised in the caller
            conn.send(("error", exc))


def enabled() -> bool:
    return os.environ.get("BORDERZONES_VALIDATION_PROCESS", "1") not in ("0", "false", "no")


def start(*, even_if_imported: bool = False) -> None:
    """Start the helper (once a process) unless great-expectations is here already or it is turned off."""
    global _helper
    if not enabled() or ("great_expectations" in sys.modules and not even_if_imported):
        return
    with _LOCK:
        if _helper is not None and _helper[0].is_alive():
            return
        import multiprocessing as mp

        ctx = mp.get_context("spawn")  # fork after Prefect's threads started is unsafe; spawn costs ~0.5 s, off-path
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), name="borderzones-validation", daemon=True)
        try:
            proc.start()
        except Exception as exc:
            log.debug("validation helper did not start (%s): validating in this process", exc)
            return
        child.close()
        _helper = (proc, parent)
        atexit.register(stop)  # ends it cleanly (a killed helper leaves its semaphores to the resource tracker)


def running() -> bool:
    return _helper is not None and _helper[0].is_alive()


def validate(observations, panel, cat, indicators, run=None):
    """`validation.suites.validate_tables(observations, panel, cat, indicators, run)`, in the helper when it runs.

    Returns (the validation table, `run` as the checks left it): `run` (a Recorder or Partial of
    validation/partial.py, None for plain checks) records the failing rows; from the helper it comes back a copy."""
    global _helper
    with _LOCK:
        helper = _helper if running() else None
        if helper is not None:
            proc, conn = helper
            try:
                conn.send((pack(observations), pack(panel), cat, pack(indicators), run))
                kind, value = conn.recv()
            except Exception as exc:  # died, or the frames would not pickle: validate here
                log.warning("validation helper process failed (%s): validating in this process", exc)
                _helper = None
                proc.kill()
            else:
                if kind == "error":
                    raise value
                return value
    from validation.suites import validate_tables

    return validate_tables(observations, panel, cat, indicators, run), run


def pack(frame):
    """A frame for the pipe to the helper: its text columns (object dtype holding only str and None) as one
    Arrow IPC buffer, everything else pickled as it is. Pickling 500,000 rows of object columns took ~5 s each
    way (2,000-unit zone rerun, measured); this takes about half. `unpack` gives back the very frame: the same
    columns in the same order, dtypes, index, and None where None was (a NaN or any other object makes its
    column travel pickled)."""
    import pyarrow as pa

    if len(set(frame.columns)) != len(frame.columns):
        return ("frame", frame)
    text = {}
    for c in frame.columns:
        if isinstance(c, str) and frame[c].dtype == object:
            try:  # only str and None convert: anything else (NaN, numbers, lists) raises
                text[c] = pa.array(frame[c].to_numpy(), type=pa.string(), from_pandas=False)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                continue
    if not text:
        return ("frame", frame)
    table = pa.table(text)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return ("packed", list(frame.columns), frame.drop(columns=list(text)), sink.getvalue().to_pybytes())


def unpack(packed):
    if packed[0] == "frame":
        return packed[1]
    import pandas as pd
    import pyarrow as pa

    _, columns, rest, data = packed
    table = pa.ipc.open_stream(data).read_all()
    out = rest.copy(deep=False)
    for c in table.column_names:  # object arrays of str and None; dtype=object, or pandas 3 would infer "str"
        out[c] = pd.Series(table.column(c).to_numpy(zero_copy_only=False), index=rest.index, dtype=object)
    return out[columns]


def stop() -> None:
    global _helper
    with _LOCK:
        if _helper is None:
            return
        proc, conn = _helper
        _helper = None
        with contextlib.suppress(OSError):
            conn.send(None)
        conn.close()
        # it holds nothing to save: ending it now spares the exit the ~1.5 s its interpreter takes to unload
        # great-expectations (measured); SIGTERM ends a Python process at once, with no cleanup to wait for
        proc.join(timeout=0.05)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=2)
        if proc.is_alive():
            proc.kill()
