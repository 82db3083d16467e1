"""great-expectations off the critical path: a helper process that imports it (5–7 s) while this process does
everything else (importing Prefect, starting its server, extracting, building the tables, drawing the charts),
then runs the checks (`validate_tables`, the very function, on the very frames: the same checks, the same
results).

A thread would not do: importing great-expectations and running its checks is Python code holding the GIL, so a
thread only takes turns with the main thread. A second process works on the second core. The process is
started once (`start`, from the command's entry point or `flows.pipeline.run`) and serves every validation of
this process; it is ended at exit and ends by itself when this process dies (its pipe closes). When it cannot
serve (it failed to start or died, `BORDERZONES_VALIDATION_PROCESS=0`, or great-expectations is already
imported here), `validate` runs the checks in this process as before. In the helper, the checks of two tables
run at once (`run_suites_forked`).

Only the standard library is imported here: the helper imports this module first.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_helper = None  # (process, connection)


def _event(name: str) -> None:
    """The helper's steps in the benchmarks' event log (`$BORDERZONES_EVENT_LOG`, the format of flows/pipeline.py)."""
    path = os.environ.get("BORDERZONES_EVENT_LOG")
    if path:
        import json
        import time

        with contextlib.suppress(OSError), open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"t": time.monotonic(), "event": name, "zone": None, "pid": os.getpid(),
                                 "extract_s": None}) + "\n")


def _serve(conn) -> None:
    """The helper process: import great-expectations, then validate what it is sent until the pipe closes."""
    _event("helper_started")
    with contextlib.suppress(OSError):
        # the import competes for the 2 cores with the work that comes before the checks (collecting, Prefect's
        # server starting): give that work the CPU first; the checks run while the caller waits idle anyway
        os.nice(10)
    from validation.suites import gx_context, validate_tables

    with contextlib.suppress(Exception):  # a failure is reported by the first validation, which imports it again
        gx_context()  # made before any fork: one context (and one temporary folder) for both processes
    _event("helper_ready")
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
            _event("helper_checks")
            # the run object (validation/partial.py) goes back too: it holds the failing rows it recorded
            result = validate_tables(observations, panel, cat, indicators, run, run_suites_forked)
            _event("helper_checked")
            conn.send(("ok", (result, run)))
        except Exception as exc:  # handed back and raised in the caller
            conn.send(("error", exc))


def run_suites_forked(run_gx, suites: dict[str, tuple]) -> dict:
    """`validate_tables`'s suites two at a time, in the helper only: the first table's suite here, the others in
    a forked copy of this process, which has great-expectations imported and its context made (a fork costs
    milliseconds; a second helper would import great-expectations again). While the checks run, the caller
    only waits on its pipe, so the second core is free: the checks take about half as long (measured: 1.1 s →
    0.6 s at one document).

    The copy sends back its results and what `run_gx` recorded (`state`/`absorb`, validation/partial.py). If it
    fails in any way (an exception, killed, nothing sent), its suites are run here instead: the same function on
    the same frames, so the outcome — results or the exception — is that of running them in turn. Only this
    helper forks: it runs no other threads (the caller's process may, e.g. Prefect's, which makes fork unsafe)."""
    from validation.suites import run_suites_in_turn

    names = list(suites)
    if len(names) < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return run_suites_in_turn(run_gx, suites)
    import multiprocessing.connection as mpc
    import pickle

    reader, writer = mpc.Pipe(duplex=False)
    theirs = names[1:]
    pid = os.fork()
    if pid == 0:  # the copy: run its suites, send, and leave without any of the parent's exit work
        code = 0
        try:
            reader.close()
            out = {name: run_gx(*suites[name]) for name in theirs}
            writer.send_bytes(pickle.dumps(("ok", out, run_gx.state(theirs) if hasattr(run_gx, "state") else None)))
        except BaseException:  # anything: the parent runs these suites itself
            code = 1
        finally:
            os._exit(code)
    writer.close()
    _event("helper_forked")
    kind = None
    try:
        done = run_suites_in_turn(run_gx, {name: suites[name] for name in names[:1]})
        try:
            kind, out, state = pickle.loads(reader.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):  # it died or failed: it closed its end unsent
            kind = "failed"
    finally:
        reader.close()
        with contextlib.suppress(OSError):
            if kind is None:  # this side's suite raised: the copy's work is no longer wanted
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if kind != "ok":
        log.info("validation: the forked copy failed; running its suites here")
        return done | run_suites_in_turn(run_gx, {name: suites[name] for name in theirs})
    if state is not None:
        run_gx.absorb(state)
    return done | out


def enabled() -> bool:
    return os.environ.get("BORDERZONES_VALIDATION_PROCESS", "1") not in ("0", "false", "no")


def start(*, even_if_imported: bool = False) -> None:
    """Start the helper (once a process) unless great-expectations is here already or it is turned off.

    A plain `python -c` child on a socket pair rather than a multiprocessing "spawn" process: spawn starts a
    resource tracker and makes the child import this process's main module (the CLI, with typer and rich) before
    it can begin great-expectations' import: ~0.3 s more on the critical path of a small refresh (measured)."""
    global _helper
    if not enabled() or ("great_expectations" in sys.modules and not even_if_imported) or os.name != "posix":
        return
    with _LOCK:
        if _helper is not None and _helper[0].poll() is None:
            return
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        mine, theirs = socket.socketpair()
        # the child gets this process's import path (what a spawn child gets): the project is found the same way
        path = [p or os.getcwd() for p in sys.path]
        # and its garbage collector's thresholds (flows/env.py `tune_gc`: its import of great-expectations is
        # ~1 s shorter with full collections made rarer)
        import gc

        code = (f"import gc; gc.set_threshold{gc.get_threshold()!r}; import sys; sys.path[:] = sys.argv[2:]; "
                "from validation.background import serve; serve(int(sys.argv[1]))")
        try:
            proc = subprocess.Popen([sys.executable, "-c", code, str(theirs.fileno()), *path],
                                    pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        except Exception as exc:
            log.debug("validation helper did not start (%s): validating in this process", exc)
            mine.close()
            return
        finally:
            theirs.close()
        _helper = (proc, Connection(mine.detach()))
        atexit.register(stop)  # ends it at exit (it would end by itself once its pipe closes)


def serve(fd: int) -> None:
    """The helper's entry point (`start`): serve the connection on file descriptor `fd`."""
    from multiprocessing.connection import Connection

    _serve(Connection(fd))


def running() -> bool:
    return _helper is not None and _helper[0].poll() is None


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
        proc.terminate()
        try:
            proc.wait(timeout=2)
        except Exception:  # subprocess.TimeoutExpired
            proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=2)
