"""Prefect's temporary server, started at the beginning of a run instead of at its first flow call.

With no Prefect server configured, Prefect starts a temporary one when a flow is first called: it imports its
server code into this process (~5 s here) and then waits for the server process to come up (~10 s). Both
waits sit on the critical path of every `--engine prefect` run. Here the server process is started by the
command's entry point (`spawn`, flows/entry.py) before this process imports anything of Prefect's, or, when the
CLI is run otherwise, as soon as the command knows it will run a flow (`start`); it comes up while this process
imports Prefect and prepares the run, and the flow call finds it ready (`api_url`) and talks to it through the
ordinary client.

The server is the one Prefect itself would start: its `create_app` factory under uvicorn with the settings
Prefect gives its temporary server (`PREFECT__SERVER_EPHEMERAL`, no UI) and the current profile's settings,
ended when this process exits, and ending by itself when this process is gone (killed). Nothing is started
when a server is configured (PREFECT_API_URL in the environment, a profile or a test harness: the spawned
process sees it and leaves), when temporary servers are turned off, or with BORDERZONES_EARLY_PREFECT_SERVER=0;
if it does not come up, Prefect's own start-up is used as before. Once its SQLite database has been migrated
by this Prefect version, later servers skip the migrations (`_migrated_marker`).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

log = logging.getLogger(__name__)

_state: dict = {}  # "thread", "process", "url"
_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("BORDERZONES_EARLY_PREFECT_SERVER", "1") not in ("0", "false", "no")


# the server process's environment: what Prefect gives its own temporary server
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
FACTORY = "prefect.server.api.server:create_app"
NOT_WANTED = 3  # the server process's exit code when a server is configured or temporary servers are off


def spawn() -> None:
    """Start the server process now, from the command's entry point (flows/entry.py), before this process
    imports anything of Prefect's: the process works out Prefect's settings itself (`serve`), so its start-up
    overlaps this process's imports from the first moment (measured: it answered ~3 s earlier than when started
    by `start` after `import prefect.settings` here). `start` then waits for it instead of starting one. When a
    server is configured in a profile the process leaves at once (`NOT_WANTED`) and Prefect uses that server."""
    if not enabled() or os.environ.get("PREFECT_API_URL"):
        return
    with _LOCK:
        if "process" not in _state and "thread" not in _state:
            _launch({})


def start() -> None:
    """Begin starting the temporary server in a thread (once a process), or waiting for the one `spawn`
    started; returns at once."""
    if not enabled() or os.environ.get("PREFECT_API_URL"):
        return
    with _LOCK:
        if "thread" in _state:
            return
        # the thread sees this thread's context: a Prefect test harness or temporary settings active here count
        ctx = contextvars.copy_context()
        thread = threading.Thread(target=ctx.run, args=(_start,), name="start-prefect-server", daemon=True)
        _state["thread"] = thread
        thread.start()


def starting() -> bool:
    """Whether a server was started and has neither answered nor failed yet (`api_url` would wait)."""
    thread = _state.get("thread")
    return thread is not None and thread.is_alive()


def api_url(timeout: float | None = None) -> str | None:
    """The started server's API address once it answers; None when none was started or it did not come up."""
    thread = _state.get("thread")
    if thread is None:
        return None
    thread.join(timeout)
    return _state.get("url")


def _launch(env: dict[str, str]) -> None:
    """Start the server process (`serve`) on a free port, with this process's import path and garbage
    collector thresholds (flows/env.py `tune_gc`: its import is 1–2 s shorter with full collections rarer)."""
    import gc

    port = _free_port()
    path = [p or os.getcwd() for p in sys.path]
    code = (f"import gc; gc.set_threshold{gc.get_threshold()!r}; import sys; sys.path[:] = sys.argv[3:]; "
            "from flows.early_server import serve; serve(int(sys.argv[1]), sys.argv[2])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(port), FACTORY, *path],
                            env={**os.environ, **SERVER_ENV, **env}, stdin=subprocess.DEVNULL)
    _state["process"], _state["port"] = proc, port
    atexit.register(stop)


def _start() -> None:
    try:
        if "process" not in _state:  # not spawned by the entry point: check the settings here, then start it
            from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, get_current_settings

            if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
                return
            # the profile's settings and any temporary ones active here (a test harness) go to the server
            _launch(get_current_settings().to_environment_variables(exclude_unset=True))
        proc, port = _state["process"], _state["port"]
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 90)
        url = f"http://127.0.0.1:{port}/api"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(OSError), opener.open(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    _state["url"] = url
                    return
            time.sleep(0.1)
        if proc.poll() != NOT_WANTED:
            log.warning("Prefect's temporary server did not come up early (exit code %s): Prefect starts its own",
                        proc.poll())
        stop()
    except Exception as exc:  # Prefect starts its own server as before and reports what is wrong
        log.debug("early Prefect server not started: %s", exc, exc_info=True)


def serve(port: int, factory: str = FACTORY) -> None:
    """The server process (`_launch`): Prefect's server app under uvicorn on 127.0.0.1:`port`, as Prefect runs
    its temporary server, until it is sent SIGTERM or the process that started it is gone. Leaves with
    `NOT_WANTED` when a server is configured or temporary servers are turned off. Skips the database migrations
    when its marker says this Prefect version migrated this database already (`_migrated_marker`), and writes
    the marker once it is up after migrating."""
    parent = os.getppid()
    import prefect
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, get_current_settings

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        sys.exit(NOT_WANTED)
    marker = _migrated_marker(get_current_settings(), prefect.__version__)
    skip_migrations = marker is not None and marker.get("stamp") == _read_marker(marker["path"])
    if skip_migrations:
        import prefect.context

        os.environ["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] = "false"
        prefect.context.refresh_global_settings_context()  # Prefect's own way to take a changed environment
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(factory, factory=True, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="on"))

    def watch() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started and marker is not None and not skip_migrations:  # it migrated on start: say so
            _write_marker(marker)
        while os.getppid() == parent:  # the command was killed: do not outlive it
            time.sleep(1)
        server.should_exit = True

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
    server.run()


MARKER = "borderzones-database-migrated.json"


def _migrated_marker(settings, version: str) -> dict | None:
    """What says "this SQLite database was migrated by this Prefect version": its path, device and inode and
    the Prefect version, kept in PREFECT_HOME after a server started with migrations came up. When it still
    holds, the next server skips them (~1.8 s of its start-up, measured: Alembic loads every migration script
    even when there is nothing to do). Another Prefect version, another or a recreated database file, or
    migrations turned off by the user: None or a different stamp, and the server migrates as usual."""
    try:
        if not settings.server.database.migrate_on_start:
            return None
        url = settings.server.database.connection_url.get_secret_value()
        prefix = "sqlite+aiosqlite:///"
        if not url.startswith(prefix):
            return None
        db = os.path.abspath(url[len(prefix):])
        st = os.stat(db)
        if st.st_size == 0:
            return None
        return {"path": os.path.join(str(settings.home), MARKER),
                "stamp": {"prefect": version, "database": db, "device": st.st_dev, "inode": st.st_ino}}
    except (OSError, AttributeError, ValueError):
        return None


def _read_marker(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _write_marker(marker: dict) -> None:
    with contextlib.suppress(OSError):
        tmp = marker["path"] + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(marker["stamp"], fh)
        os.replace(tmp, marker["path"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop() -> None:
    proc = _state.pop("process", None)
    _state.pop("url", None)
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
