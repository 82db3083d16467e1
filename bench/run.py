"""Benchmarks (not tests): extraction throughput, the end-to-end refresh cold and warm, a single-zone
rerun, Prefect's fixed start-up, orchestration gaps and peak memory, on the SYNTHETIC corpus of
bench/corpus.py. Results (medians of --repeat runs) are appended to bench/results.md.

    python -m bench.run --units 300 --years 5 --repeat 1         # `make bench`: one run per configuration
    python -m bench.run --units 2000 --years 10 --repeat 1 --scale-only --runner dask --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import multiprocessing as mp
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
CLI = [sys.executable, "-m", "flows.entry"]  # what the `borderzones` script runs


# --- extraction throughput ------------------------------------------------------------------------

def _extract_one(path: str) -> tuple[str, int, float, int]:
    from catalog import load_catalog
    from extractors.extract import extract_bytes

    data = Path(path).read_bytes()
    t = time.thread_time()  # CPU time of this thread: what a core gives, whatever else the machine runs
    r = extract_bytes(data, Path(path).name, cat=load_catalog())
    return r.format, len(r.observations), time.thread_time() - t, _pdf_pages(data) if r.format == "pdf" else 0


def _pdf_pages(data: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(data))


def extraction(archive: Path, processes: int) -> dict:
    paths = sorted(str(p) for p in archive.rglob("*") if p.suffix in (".html", ".pdf", ".txt", ".docx"))
    t = time.perf_counter()
    if processes == 1:
        _extract_one(paths[0])  # warm the catalog and imports outside the timing below
        t = time.perf_counter()
        rows = [_extract_one(p) for p in paths]
    else:
        with mp.get_context("fork").Pool(processes) as pool:
            pool.map(_extract_one, paths[:processes])  # warm each worker
            t = time.perf_counter()
            rows = pool.map(_extract_one, paths, chunksize=8)
    wall = time.perf_counter() - t
    html = [r for r in rows if r[0] == "html"]
    pdf = [r for r in rows if r[0] == "pdf"]
    pages = sum(r[3] for r in pdf)
    return {"processes": processes, "documents": len(rows), "wall_s": wall, "docs_per_s": len(rows) / wall,
            "html_docs_per_s_cpu": len(html) / max(sum(r[2] for r in html), 1e-9),
            "pdf_pages_per_s_cpu": pages / max(sum(r[2] for r in pdf), 1e-9),
            "extract_cpu_s": sum(r[2] for r in rows), "observations": sum(r[1] for r in rows)}


# --- whole runs in their own processes ----------------------------------------------------------------

def timed(cmd: list[str], env: dict) -> dict:
    """Wall time and peak RSS of a command (GNU time)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t
        if p.returncode not in (0,):
            raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
        peak_kb = int(tf.read().strip().splitlines()[-1])
    return {"wall_s": wall, "peak_mb": peak_kb / 1024, "stdout": p.stdout}


def max_gap(event_log: Path) -> float:
    """Longest pause between consecutive document- and zone-level events, across workers (where a stalled
    Prefect database would show)."""
    events = _events(event_log)
    times = sorted(e["t"] for e in events if e["event"] in ("zone_start", "zone_done", "fetch", "document"))
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


def _events(event_log: Path) -> list[dict]:
    return [json.loads(line) for line in event_log.read_text().splitlines()] if event_log.exists() else []


def phases(event_log: Path) -> dict:
    """From a cold run's event log: the extraction work (CPU seconds inside the extractor, summed over
    workers), and the wall time of each phase: up to the first zone task (cluster start-up), collecting,
    publishing."""
    events = _events(event_log)
    first = {}
    last = {}
    for e in events:
        first.setdefault(e["event"], e["t"])
        last[e["event"]] = e["t"]
    docs = [e for e in events if e["event"] == "document"]
    out = {"extract_cpu_s": sum(e.get("extract_s") or 0 for e in docs), "documents": len(docs),
           "worker_processes": len({e.get("pid") for e in docs})}
    if "start" in first and "zone_start" in first:
        out["to_first_task_s"] = first["zone_start"] - first["start"]
        out["collect_s"] = last["zone_done"] - first["zone_start"]
    if "build" in first and "published" in last:
        out["publish_s"] = last["published"] - last["zone_done"]
    return out


def prefect_startup(env: dict) -> float:
    code = ("from flows import env; env.apply()\nfrom prefect import flow\n@flow(name='noop')\ndef noop():\n"
            "    return 1\nnoop()\n")
    base = timed([sys.executable, "-c", "import prefect"], env)["wall_s"]
    return timed([sys.executable, "-c", code], env)["wall_s"] - base


@contextlib.contextmanager
def prefect_server(env: dict) -> Iterator[str]:
    """A `prefect server start` for the duration (what scheduled and served runs have: no temporary server per
    run); yields its API URL."""
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not start (exit {proc.poll()})")
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def refresh_runs(corpus: dict, work: Path, engine: str, runner_args: list[str], extra_env: dict | None = None,
                 label: str | None = None) -> dict:
    env = {**os.environ, "BORDERZONES_CATALOG": corpus["catalog"], "PREFECT_HOME": str(work / "prefect_home"),
           **(extra_env or {})}
    label = label or engine
    wh = work / f"warehouse-{label}"
    shutil.rmtree(wh, ignore_errors=True)
    args = ["--warehouse", str(wh), "--archive", corpus["archive"], "--no-bundled-curated", "--offline",
            "--engine", engine, *runner_args]
    out = {}
    log = work / f"events-{label}.jsonl"
    log.unlink(missing_ok=True)
    out["cold"] = timed([*CLI, "refresh", *args], {**env, "BORDERZONES_EVENT_LOG": str(log)})
    out["max_gap_s"] = max_gap(log)
    out["phases"] = phases(log)
    out["warm"] = timed([*CLI, "refresh", *args], env)
    assert "no change since" in out["warm"]["stdout"], out["warm"]["stdout"][-2000:]
    out["zone"] = timed([*CLI, "zone", "z0000", *args], env)
    return out


def fixed_cost(base: Path, engine: str, runner_args: list[str], repeat: int) -> float:
    """Wall time of a cold refresh of a one-document corpus with the same engine and runner: what every refresh
    pays whatever its size (interpreter and imports, Prefect's server and flow run, the Dask cluster,
    great-expectations, writing a release and its DuckDB catalog). Median of `repeat` runs."""
    from bench.corpus import build

    work = base / "1x1"
    if not (work / "corpus.json").exists():
        shutil.rmtree(work, ignore_errors=True)
        (work / "corpus.json").write_text(json.dumps(build(work, 1, 1)))
    corpus = json.loads((work / "corpus.json").read_text())
    env = {**os.environ, "BORDERZONES_CATALOG": corpus["catalog"], "PREFECT_HOME": str(work / "prefect_home")}
    walls = []
    for _ in range(max(repeat, 2)):
        wh = work / f"warehouse-{engine}"
        shutil.rmtree(wh, ignore_errors=True)
        walls.append(timed([*CLI, "refresh", "--warehouse", str(wh), "--archive", corpus["archive"],
                            "--no-bundled-curated", "--offline", "--engine", engine, *runner_args], env)["wall_s"])
    return median(walls)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def code_version() -> str:
    """The commit the benchmarked code is at, and whether files other than bench/results.md differ from it."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=30, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True,
                                timeout=30, check=True).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    changed = [line[3:] for line in status if line[3:] != "bench/results.md"]
    return f"commit {head}" + (f" with uncommitted changes ({', '.join(changed[:5])})" if changed else "")


def machine() -> str:
    mem = ""
    try:
        kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores{mem}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--runner", default="sequential", help="sequential | dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale-only", action="store_true", help="only the end-to-end refresh (big corpora)")
    ap.add_argument("--no-server", action="store_true", help="skip the runs against a running Prefect server")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "borderzones-bench")
    a = ap.parse_args()

    from bench.corpus import build

    work = a.work / f"{a.units}x{a.years}"
    t = time.perf_counter()
    if not (work / "corpus.json").exists():
        shutil.rmtree(work, ignore_errors=True)
        corpus = build(work, a.units, a.years, progress=lambda i, n: print(f"  corpus: {i}/{n} units", flush=True))
        (work / "corpus.json").write_text(json.dumps(corpus))
    corpus = json.loads((work / "corpus.json").read_text())
    print(f"corpus: {corpus} ({time.perf_counter() - t:.0f} s)", flush=True)
    os.environ["BORDERZONES_CATALOG"] = corpus["catalog"]
    runner_args = ["--runner", a.runner, "--workers", str(a.workers)] if a.runner != "sequential" else []

    res: dict = {"corpus": corpus, "runner": a.runner, "workers": a.workers, "code": code_version()}
    if not a.scale_only:
        one = [extraction(Path(corpus["archive"]), 1) for _ in range(a.repeat)]
        allc = [extraction(Path(corpus["archive"]), os.cpu_count() or 1) for _ in range(a.repeat)]
        res["extract_1"] = {k: median([r[k] for r in one]) for k in one[0]}
        res["extract_all"] = {k: median([r[k] for r in allc]) for k in allc[0]}
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect_home")}
    res["prefect_startup_s"] = median([prefect_startup(env) for _ in range(max(a.repeat, 2))])
    print(f"extraction and start-up: {json.dumps(res, default=str)[:600]}", flush=True)
    engines = ["prefect"] if a.scale_only else ["plain", "prefect"]
    for engine in engines:
        runs = [refresh_runs(corpus, work, engine, runner_args if engine == "prefect" else []) for _ in range(a.repeat)]
        res[engine] = {
            phase: {"wall_s": median([r[phase]["wall_s"] for r in runs]),
                    "peak_mb": median([r[phase]["peak_mb"] for r in runs])} for phase in ("cold", "warm", "zone")}
        res[engine]["max_gap_s"] = max(r["max_gap_s"] for r in runs)
        res[engine]["phases"] = {k: median([r["phases"][k] for r in runs if k in r["phases"]])
                                 for k in runs[0]["phases"]}
        res[engine]["fixed_s"] = fixed_cost(a.work, engine, runner_args if engine == "prefect" else [], a.repeat)
        print(f"{engine}: {res[engine]}", flush=True)
    if not a.scale_only and not a.no_server:
        # the same runs against a Prefect server that is already up (scheduled runs, `borderzones serve`)
        with prefect_server(env) as url:
            runs = [refresh_runs(corpus, work, "prefect", runner_args, {"PREFECT_API_URL": url}, "prefect_server")
                    for _ in range(a.repeat)]
        res["prefect_server"] = {
            phase: {"wall_s": median([r[phase]["wall_s"] for r in runs]),
                    "peak_mb": median([r[phase]["peak_mb"] for r in runs])} for phase in ("cold", "warm", "zone")}
        res["prefect_server"]["phases"] = {k: median([r["phases"][k] for r in runs if k in r["phases"]])
                                           for k in runs[0]["phases"]}
        print(f"prefect_server: {res['prefect_server']}", flush=True)
    write_results(res, a)


def overhead(r: dict, startup: float, workers: int) -> tuple[float, float, float]:
    """(wall minus start-up, extraction work in wall seconds, overhead share) of a cold run: the extraction
    work is the extractor's CPU seconds spread over the workers that did it (perfect parallelism)."""
    net = r["cold"]["wall_s"] - startup
    work = r["phases"]["extract_cpu_s"] / max(workers, 1)
    return net, work, (net - work) / max(net, 1e-9)


def targets(res: dict) -> list[str]:
    """The issue's targets against this run: one table, the same corpus, one run each."""
    out = ["| target | measured | |", "|---|---|---|"]

    def row(name: str, value: float | None, limit: float, fmt: str, *, at_least: bool = False) -> None:
        if value is None or value != value:
            out.append(f"| {name} | not measured | |")
            return
        ok = value >= limit if at_least else value <= limit
        out.append(f"| {name} | {format(value, fmt)} | {'met' if ok else '**not met**'} |")

    workers = res["workers"] if res["runner"] == "dask" else 1
    for engine in ("prefect", "plain"):
        if engine in res:
            r = res[engine]
            row(f"one-zone rerun / cold, `--engine {engine}` ≤ 25 %", r["zone"]["wall_s"] / r["cold"]["wall_s"],
                0.25, ".1%")
    if "prefect_server" in res:
        r = res["prefect_server"]
        row("one-zone rerun / cold, `--engine prefect` with a Prefect server running ≤ 25 %",
            r["zone"]["wall_s"] / r["cold"]["wall_s"], 0.25, ".1%")
    for engine in ("plain", "prefect"):
        if engine in res:
            r = res[engine]
            row(f"warm / cold, `--engine {engine}` ≤ 10 %", r["warm"]["wall_s"] / r["cold"]["wall_s"], 0.10, ".1%")
    if "plain" in res:
        row("fixed costs of a one-document plain refresh ≤ 6 s", res["plain"].get("fixed_s"), 6.0, ".1f")
    for engine in ("plain", "prefect"):
        if engine in res and "fixed_s" in res[engine]:
            w = workers if engine == "prefect" else 1
            runner = res["runner"] if engine == "prefect" else "sequential"
            row(f"orchestration overhead, fixed costs out, `--engine {engine}` ({runner}) ≤ 25 %",
                overhead(res[engine], res[engine]["fixed_s"], w)[2], 0.25, ".0%")
    if "extract_1" in res:
        row("HTML extraction ≥ 100 documents/s per core (one process, CPU)", res["extract_1"]["html_docs_per_s_cpu"],
            100, ".1f", at_least=True)
        row("PDF extraction ≥ 10 pages/s per core (one process, CPU)", res["extract_1"]["pdf_pages_per_s_cpu"], 10,
            ".1f", at_least=True)
    return [*out, ""]


def write_results(res: dict, a) -> None:
    c = res["corpus"]
    lines = [f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {c['units']} units × {c['years']} years "
             f"({c['html']} HTML, {c['pdf']} PDF), runner {res['runner']}"
             + (f" ({res['workers']} workers)" if res["runner"] != "sequential" else "") + f", medians of {a.repeat}",
             "", f"Machine: {machine()}", "", f"Code: {res['code']}" + (
                 "" if code_version() == res["code"] else f"; **changed during the run** (now {code_version()})"), ""]
    if "extract_1" in res:
        e1, ea = res["extract_1"], res["extract_all"]
        lines += [
            "| extraction | one process | all cores |", "|---|---|---|",
            f"| documents per second (wall) | {e1['docs_per_s']:.1f} | {ea['docs_per_s']:.1f} |",
            f"| HTML documents per second per core (CPU) | {e1['html_docs_per_s_cpu']:.1f} | "
            f"{ea['html_docs_per_s_cpu']:.1f} |",
            f"| PDF pages per second per core (CPU) | {e1['pdf_pages_per_s_cpu']:.1f} | "
            f"{ea['pdf_pages_per_s_cpu']:.1f} |", ""]
    startup = res["prefect_startup_s"]
    lines += [f"Prefect fixed start-up (temporary server + one flow run, import excluded): {startup:.1f} s", "",
              "| end to end | cold (s) | warm, nothing changed (s) | warm / cold | one zone (s) | one zone / cold | "
              "fixed costs: one-document refresh (s) | peak RSS cold (MB) |",
              "|---|---|---|---|---|---|---|---|"]
    for engine in ("plain", "prefect"):
        if engine in res:
            r = res[engine]
            lines.append(f"| `--engine {engine}` | {r['cold']['wall_s']:.1f} | {r['warm']['wall_s']:.1f} | "
                         f"{r['warm']['wall_s'] / r['cold']['wall_s']:.1%} | {r['zone']['wall_s']:.1f} | "
                         f"{r['zone']['wall_s'] / r['cold']['wall_s']:.1%} | {r.get('fixed_s', float('nan')):.1f} | "
                         f"{r['cold']['peak_mb']:.0f} |")
    if "prefect_server" in res:
        r = res["prefect_server"]
        lines.append(f"| `--engine prefect`, a Prefect server running | {r['cold']['wall_s']:.1f} | "
                     f"{r['warm']['wall_s']:.1f} | {r['warm']['wall_s'] / r['cold']['wall_s']:.1%} | "
                     f"{r['zone']['wall_s']:.1f} | {r['zone']['wall_s'] / r['cold']['wall_s']:.1%} | – | "
                     f"{r['cold']['peak_mb']:.0f} |")
    lines.append("")
    lines += targets(res)
    for engine in ("plain", "prefect"):
        if engine not in res:
            continue
        r, ph = res[engine], res[engine]["phases"]
        workers = res["workers"] if engine == "prefect" and res["runner"] == "dask" else 1
        net, work, share = overhead(r, startup if engine == "prefect" else 0.0, workers)
        lines.append(f"- `{engine}` cold: {net:.1f} s after start-up; extraction work {ph['extract_cpu_s']:.1f} CPU s "
                     f"over {workers} worker(s) = {work:.1f} s; **orchestration overhead {share:.0%}** "
                     f"(to the first zone task {ph.get('to_first_task_s', float('nan')):.1f} s, collecting "
                     f"{ph.get('collect_s', float('nan')):.1f} s, publishing — merge, panel, validation, report, "
                     f"writing, DuckDB catalog — {ph.get('publish_s', float('nan')):.1f} s).")
        if "fixed_s" in r:
            fixed = r["fixed_s"]
            net2, _, share2 = overhead(r, fixed, workers)
            lines.append(f"  With the refresh's fixed costs taken out instead (a one-document refresh, same engine and "
                         f"runner: {fixed:.1f} s): {net2:.1f} s, **overhead {share2:.0%}**.")
    if "prefect" in res:
        gap = res["prefect"]["max_gap_s"]
        lines.append(f"- Longest pause between zone-level events in the Prefect runs: {gap:.2f} s.")
    RESULTS.parent.mkdir(exist_ok=True)
    with open(RESULTS, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
