"""The `borderzones` command line."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    name="borderzones",
    help="Statistics of China's nine border key development and opening-up pilot zones (沿边重点开发开放试验区).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# piped or captured output gets wide lines rather than tables folded at 80 columns
# emoji off: data text such as "a:b:c" must not turn into emoji codes
console = Console(width=None if sys.stdout.isatty() else 200, emoji=False)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200, emoji=False)

EXIT_OK_STATUSES = {"ok", "partial"}


@app.callback()
def _root() -> None:
    """Statistics of China's nine border key development and opening-up pilot zones."""


@app.command()
def extract(
    path: Annotated[Path, typer.Argument(help="A bulletin, work report or news item: HTML, PDF or text.")],
    unit: Annotated[str | None, typer.Option(
        "--unit", help="The unit (overrides the document): a catalog code, or a name; a place outside the catalog "
                       "is read with no unit code.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Data year (overrides the document).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
) -> None:
    """Read one document and print the observations it states.

    Exit code 0 for status ok or partial, 2 otherwise (no_text, blocked, not_a_bulletin, unreadable,
    unsupported)."""
    from catalog import load_catalog
    from extractors.extract import extract_bytes

    if not path.is_file():
        err_console.print(f"[red]error:[/red] {path}: no such file")
        raise typer.Exit(2)
    cat = load_catalog()
    from extractors.extract import resolve_unit

    try:
        if unit is not None:
            resolve_unit(unit, cat)
    except ValueError:
        known = ", ".join(sorted(cat.units))
        err_console.print(f"[red]error:[/red] unknown unit code {unit!r}; known: {known} (or give a unit's name)")
        raise typer.Exit(2) from None
    if year is not None and not 1949 <= year <= 2100:
        err_console.print(f"[red]error:[/red] --year {year} is not a plausible data year")
        raise typer.Exit(2)
    try:
        result = extract_bytes(path.read_bytes(), path.name, unit=unit, year=year, cat=cat)
    except Exception as exc:  # the readers' failures are statuses already: this is a bug in the extractor
        err_console.print(f"[red]error:[/red] {path}: the extractor failed ({type(exc).__name__}: {exc}); "
                          "this is a bug: please report it with the document")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_result(path, result)
    raise typer.Exit(0 if result.status in EXIT_OK_STATUSES else 2)


@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="A folder of documents, each with a NAME.expected.json beside it.")],
    min_precision: Annotated[float, typer.Option("--min-precision", help="Exit 1 below this precision.")] = 0.0,
    min_recall: Annotated[float, typer.Option("--min-recall", help="Exit 1 below this recall.")] = 0.0,
    max_lookalikes: Annotated[int, typer.Option("--max-lookalikes",
                                                help="Exit 1 when more look-alikes are taken.")] = -1,
    all_statuses: Annotated[bool, typer.Option("--all-statuses",
                                               help="Exit 1 when any document's status is wrong.")] = False,
    show: Annotated[bool, typer.Option("--show", help="List every missed, extra and look-alike figure.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole evaluation as one JSON object.")] = False,
) -> None:
    """Score `extract` on every document in FOLDER against its NAME.expected.json: precision, recall,
    statuses and look-alikes taken, per document and per class. Exit 1 below the thresholds given."""
    from catalog import load_catalog
    from evaluation.score import ExpectationError, evaluate

    if not folder.is_dir():
        err_console.print(f"[red]error:[/red] {folder}: no such folder")
        raise typer.Exit(2)
    try:
        if as_json:
            ev = evaluate(folder, load_catalog())
        else:
            from rich.progress import Progress

            with Progress(transient=True, console=err_console) as bar:
                task = bar.add_task("extracting", total=None)

                def step(i: int, n: int, d) -> None:
                    bar.update(task, completed=i, total=n, description=d.name[:40])

                ev = evaluate(folder, load_catalog(), progress=step)
    except ExpectationError as err:
        err_console.print(f"[red]error:[/red] {err}")
        raise typer.Exit(2) from None
    t = ev.total
    failures = []
    if t.precision < min_precision:
        failures.append(f"precision {t.precision:.3f} < {min_precision}")
    if t.recall < min_recall:
        failures.append(f"recall {t.recall:.3f} < {min_recall}")
    if max_lookalikes >= 0 and t.lookalikes > max_lookalikes:
        failures.append(f"{t.lookalikes} look-alikes taken > {max_lookalikes}")
    if all_statuses and t.statuses_right < t.documents:
        failures.append(f"{t.documents - t.statuses_right} statuses wrong")
    if as_json:
        sys.stdout.write(json.dumps({**ev.as_dict(), "failures": failures}, ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if failures else 0)
    _print_evaluation(ev, show)
    for f in failures:
        console.print(f"[red]below threshold:[/red] {f}")
    raise typer.Exit(1 if failures else 0)


def _print_evaluation(ev, show: bool) -> None:
    docs = Table(show_edge=False, header_style="bold", title="documents")
    for col in ("document", "status", "expected", "extracted", "matched", "missed", "extra", "look-alikes", "notes"):
        docs.add_column(col, justify="right" if col in ("expected", "extracted", "matched", "missed", "extra",
                                                        "look-alikes") else "left")
    for d in ev.documents:
        status = d.status if d.status_ok else f"[red]{d.status}[/red] (want {d.expect})"
        notes = "; ".join(filter(None, [d.error, *d.identity_errors]))
        bad = d.missed or d.extra or d.lookalikes or not d.status_ok or notes
        if bad or show:
            docs.add_row(d.name[:48], status, str(d.expected), str(d.extracted), str(d.matched), str(len(d.missed)),
                         str(len(d.extra)), str(len(d.lookalikes)), notes[:80])
    if docs.row_count:
        console.print(docs)
    if show:
        for d in ev.documents:
            for kind, rows in (("missed", d.missed), ("extra", d.extra), ("look-alike", d.lookalikes)):
                for o in rows:
                    console.print(f"  {d.name[:40]} {kind}: {o.get('indicator')} {o.get('period', '')} "
                                  f"{o.get('value')} {o.get('unit', '')} g={o.get('growth_pct')} "
                                  f"{o.get('locator') or o.get('why') or ''}")
    if ev.by_class:
        ct = Table(show_edge=False, header_style="bold", title="by class")
        for col in ("class", "documents", "expected", "precision", "recall", "statuses right", "look-alikes"):
            ct.add_column(col, justify="left" if col == "class" else "right")
        for k, v in sorted(ev.by_class.items()):
            ct.add_row(k, str(v.documents), str(v.expected), f"{v.precision:.3f}", f"{v.recall:.3f}",
                       f"{v.statuses_right}/{v.documents}", str(v.lookalikes))
        console.print(ct)
    t = ev.total
    console.print(f"[bold]{t.documents} documents, {t.expected} expected figures, {t.extracted} extracted: "
                  f"precision {t.precision:.3f}, recall {t.recall:.3f}, statuses right {t.statuses_right}/"
                  f"{t.documents}, look-alikes taken {t.lookalikes}, identification errors {t.identity_errors}[/bold]")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Documents to add to the archive (the manual inbox).")],
    archive: Annotated[Path, typer.Option("--archive", help="Archive folder.")] = Path("archive"),
) -> None:
    """Add local files to the archive, identify unit and year, and say what happened to each."""
    from catalog import load_catalog
    from extractors.archive import Archive, escape_origin
    from extractors.extract import extract_bytes

    cat = load_catalog()
    store = Archive(archive)
    table = Table(show_edge=False, header_style="bold")
    for col in ("file", "result", "status", "unit", "year", "sha256"):
        table.add_column(col)
    failed = 0
    for path in paths:
        shown = escape_origin(str(path))[0]  # a name whose bytes are not UTF-8 is shown escaped
        if not path.is_file():
            table.add_row(shown, "[red]missing[/red]", "", "", "", "")
            failed += 1
            continue
        try:
            data = path.read_bytes()
            result = extract_bytes(data, path.name, cat=cat)
        except Exception as exc:  # one bad file never stops the batch (a bug in the extractor: say it, go on)
            table.add_row(shown, "[red]error[/red]", "", "", "", f"{type(exc).__name__}: {exc}"[:80])
            failed += 1
            continue
        if result.status in ("blocked", "not_a_bulletin", "unreadable", "unsupported"):
            # not archived: an anti-bot page or an unrelated page is not a source document
            label = {"blocked": "blocked page", "not_a_bulletin": "not a bulletin",
                     "unreadable": "unreadable", "unsupported": "unsupported"}[result.status]
            reason = result.problems[0].message if result.problems else ""
            table.add_row(shown, f"[yellow]{label}[/yellow]", result.status, "", "", reason[:60])
            failed += 1
            continue
        meta = {"unit_code": result.unit_code, "data_year": result.data_year, "title": result.title,
                "kind": result.kind, "status": result.status, "published": result.published}
        try:
            side, added = store.put(data, origin=str(path.resolve()), origin_kind="file", meta=meta)
        except OSError as exc:  # a full disk: this file is not archived (and leaves nothing behind)
            table.add_row(shown, "[red]not archived[/red]", result.status, "", "", f"{exc.strerror or exc}"[:80])
            failed += 1
            continue
        table.add_row(shown, "[green]added[/green]" if added else "duplicate", result.status,
                      result.unit_name or "?", str(result.data_year or "?"), side.sha256[:12])
    console.print(table)
    console.print(f"archive: {archive.resolve()}")
    raise typer.Exit(1 if failed and failed == len(paths) else 0)


# ------------------------------------------------------------------------------------------------
# refresh and zone


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2012-2024' or '2020' as an inclusive range.

    >>> parse_years("2012-2024"), parse_years("2020"), parse_years(None)
    ((2012, 2024), (2020, 2020), None)
    """
    if text is None:
        return None
    parts = text.replace("–", "-").split("-")
    try:
        years = [int(p) for p in parts]
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a year or a range such as 2012-2024") from None
    if len(years) == 1:
        years *= 2
    if len(years) == 2 and years[0] > years[1]:
        raise typer.BadParameter(f"{text!r} is reversed: the first year comes first ({years[1]}-{years[0]})")
    if len(years) != 2 or not (1949 <= years[0] <= years[1] <= 2100):
        raise typer.BadParameter(f"{text!r} is not a year or a range such as 2012-2024")
    return years[0], years[1]


WarehouseOpt = Annotated[Path, typer.Option("--warehouse", help="Warehouse folder (releases, latest).")]
ArchiveOpt = Annotated[Path, typer.Option("--archive", help="Archive folder (raw documents).")]
CuratedOpt = Annotated[list[Path] | None, typer.Option("--curated", help="A curated-figures CSV (repeatable).")]
NoBundledOpt = Annotated[bool, typer.Option("--no-bundled-curated",
                                            help="Leave out the curated figures bundled with the catalog.")]
YearsOpt = Annotated[str | None, typer.Option("--years", help="Data years to refresh, e.g. 2012-2024 (default all).")]
PolicyOpt = Annotated[str, typer.Option("--vintage-policy", help="latest | first_release")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's INFO logs.")]
SourcesOpt = Annotated[list[Path] | None, typer.Option(
    "--sources", help="A source registry TOML (repeatable; adds to the bundled one and $BORDERZONES_SOURCES).")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Fetch nothing: use only what the archive holds.")]
RunnerOpt = Annotated[str, typer.Option("--runner", help="sequential (default) | dask: zone tasks on a Dask "
                                                         "cluster (Prefect's DaskTaskRunner).")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="Local Dask worker processes (with --runner dask).")]
DaskAddressOpt = Annotated[str | None, typer.Option("--dask-address",
                                                    help="An existing Dask scheduler, e.g. tcp://10.0.0.5:8786.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Rebuild even when the archive, curated files and code are "
                                                       "those the latest release was built from.")]
MaxTasksOpt = Annotated[int | None, typer.Option(
    "--max-tasks", min=1, help="Zone tasks per run (default: one per zone up to 16, or 8 per Dask worker if more; "
                               "more zones are grouped into that many tasks of similar size).")]
EngineOpt = Annotated[str, typer.Option("--engine", help="prefect (default) | plain: the same steps without Prefect "
                                                         "(no server start; for debugging and benchmarks).")]


@app.command()
def refresh(
    zones: Annotated[str | None, typer.Option("--zones", help="Comma-separated zone ids (default: all nine).")] = None,
    years: YearsOpt = None,
    warehouse: WarehouseOpt = Path("warehouse"),
    archive: ArchiveOpt = Path("archive"),
    curated: CuratedOpt = None,
    no_bundled_curated: NoBundledOpt = False,
    vintage_policy: PolicyOpt = "latest",
    verbose: VerboseOpt = False,
    sources: SourcesOpt = None,
    offline: OfflineOpt = False,
    engine: EngineOpt = "prefect",
    runner: RunnerOpt = "sequential",
    workers: WorkersOpt = 2,
    dask_address: DaskAddressOpt = None,
    force: ForceOpt = False,
    max_tasks: MaxTasksOpt = None,
) -> None:
    """Fetch, extract, validate and publish a release (the annual refresh).

    Zones and years outside the selection keep the previous release's rows unchanged. Exit code 0 when a
    release is published, nothing changed or the selection holds nothing to publish; 1 when a blocking check
    fails (the previous release stays latest); 2 for bad input; 3 when the warehouse or archive cannot be
    written (full disk, read-only, permissions: latest stays as it was)."""
    zone_list = [z.strip() for z in zones.split(",") if z.strip()] if zones else None
    _refresh(zone_list, parse_years(years), warehouse, archive, curated or [], not no_bundled_curated,
             vintage_policy, verbose, sources or [], offline, engine, (runner, workers, dask_address, force, max_tasks),
             single_zone=False)


@app.command()
def zone(
    zone_id: Annotated[str, typer.Argument(help="Zone id, e.g. ruili (see catalog/data/zones.csv).")],
    years: YearsOpt = None,
    warehouse: WarehouseOpt = Path("warehouse"),
    archive: ArchiveOpt = Path("archive"),
    curated: CuratedOpt = None,
    no_bundled_curated: NoBundledOpt = False,
    vintage_policy: PolicyOpt = "latest",
    verbose: VerboseOpt = False,
    sources: SourcesOpt = None,
    offline: OfflineOpt = False,
    engine: EngineOpt = "prefect",
    runner: RunnerOpt = "sequential",
    workers: WorkersOpt = 2,
    dask_address: DaskAddressOpt = None,
    force: ForceOpt = False,
    max_tasks: MaxTasksOpt = None,
) -> None:
    """Rerun one zone: its rows are rebuilt, every other zone's rows are carried from the previous release."""
    _refresh([zone_id], parse_years(years), warehouse, archive, curated or [], not no_bundled_curated,
             vintage_policy, verbose, sources or [], offline, engine, (runner, workers, dask_address, force, max_tasks),
             single_zone=True)


def _refresh(zones, years, warehouse, archive, curated, bundled, policy, verbose, sources, offline, engine, scale, *,
             single_zone: bool) -> None:
    from flows import env

    env.apply(verbose)
    from validation import background

    # every path below but "nothing changed" and bad input validates: import great-expectations (the longest
    # import, ~4 s) in the helper process from now, not after the checks of the options
    background.start()
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from catalog import CatalogError, load_catalog
    from warehouse.build import RunSettings, validate_selection

    cat = load_catalog()
    runner, workers, dask_address, force, max_tasks = scale
    if runner not in ("sequential", "dask") or (runner == "dask" and engine != "prefect"):
        err_console.print(f"[red]error:[/red] --runner must be sequential or dask (dask needs --engine prefect), "
                          f"not {runner!r}")
        raise typer.Exit(2)
    if engine not in ("prefect", "plain"):
        err_console.print(f"[red]error:[/red] --engine must be prefect or plain, not {engine!r}")
        raise typer.Exit(2)
    if policy not in ("latest", "first_release"):
        err_console.print(f"[red]error:[/red] --vintage-policy must be latest or first_release, not {policy!r}")
        raise typer.Exit(2)
    _check_folder(warehouse, "--warehouse")
    _check_folder(archive, "--archive")
    settings = RunSettings(warehouse=warehouse, archive=archive, curated=tuple(curated), bundled_curated=bundled,
                           vintage_policy=policy, zones=tuple(zones) if zones else None, years=years,
                           sources=tuple(sources), offline=offline, runner=runner, workers=workers,
                           dask_address=dask_address, force=force, max_tasks=max_tasks)
    try:
        validate_selection(settings, cat)
        from warehouse.build import load_curated_all

        load_curated_all(settings, cat)  # fail before starting Prefect when a curated file is wrong
        from catalog.sources import load_registry

        load_registry(cat, tuple(sources))  # and when a sources file is wrong (offline too: it gives url_kind)
    except (ValueError, CatalogError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    from warehouse.observations import Selection
    from warehouse.release import base_release

    if settings.selection != Selection() and base_release(warehouse) is None:
        from flows.pipeline import NoBaseRelease

        err_console.print(f"[red]error:[/red] {NoBaseRelease(warehouse)}")
        raise typer.Exit(2)
    if not warehouse.exists():
        err_console.print(f"a new warehouse is started at {warehouse.resolve()} (the folder did not exist)")

    if offline:
        from warehouse.build import unchanged_since

        rid = unchanged_since(settings, cat)  # a listing and a few hashes: answer before starting Prefect
        if rid is not None:  # answered without importing Prefect (~3 s) either
            from warehouse.duckdb_catalog import catalog_is_current
            from warehouse.release import releases_dir

            if not catalog_is_current(warehouse):  # a catalog build was killed or failed: redo it now
                from flows import pipeline
                from warehouse.release import publish_lock

                with publish_lock(warehouse):
                    pipeline._ensure_catalog(warehouse, pipeline._logger())
            _print_unchanged(rid, releases_dir(warehouse) / rid)
            return

    if engine == "prefect":
        from flows import early_server

        early_server.start()  # its server comes up while this process imports Prefect and prepares the run
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeElapsedColumn(), console=err_console, transient=True) as bar:
        n_zones = len(zones) if zones else len(cat.zones) + 1
        first = "starting Prefect (a temporary local server, ~15 s)" if engine == "prefect" else "starting"
        job = bar.add_task(first, total=n_zones + 2)

        def on_progress(event: str, d: dict) -> None:
            if event == "fetch":
                bar.update(job, description=f"zone {d['zone']}: fetching")
            elif event == "zone_start":
                bar.update(job, description=f"zone {d['zone']}: reading documents")
            elif event == "document":
                bar.update(job, description=f"zone {d['zone_id']}: {d['status']} {str(d['title'] or d['sha256'])[:40]}")
            elif event == "zone_done":
                bar.advance(job)
            elif event == "lock_wait":
                bar.update(job, description="waiting for another publish to finish (warehouse lock)")
            elif event == "build":
                bar.update(job, description=f"building the panel from {d['observations']} observations")
            elif event == "validate":
                bar.advance(job)
                bar.update(job, description="validating (great-expectations)")
            elif event == "report":
                bar.update(job, description="drawing the report (charts, the paper's claims)")
            elif event == "write":
                bar.advance(job)
                bar.update(job, description="writing the release")

        from flows import pipeline

        pipeline.progress = on_progress
        if not verbose:
            _quiet_expected_failures(engine)
        try:
            result = pipeline.run(settings, single_zone=single_zone, engine=engine)
        except pipeline.ValidationBlocked as exc:
            bar.stop()
            err_console.print(f"[red]blocked:[/red] {exc}")
            raise typer.Exit(1) from None
        except pipeline.NoBaseRelease as exc:
            bar.stop()
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        except OSError as exc:
            bar.stop()
            if verbose:
                err_console.print_exception()
            from warehouse.release import latest_id

            err_console.print(f"[red]could not write:[/red] {exc.strerror or exc} ({exc.filename or warehouse}); "
                              f"nothing was published: latest stays {latest_id(warehouse) or '(none)'}. "
                              "Free space or fix the permissions, then run again (--verbose shows the traceback).")
            raise typer.Exit(3) from None
        finally:
            pipeline.progress = None
    _print_summary(result)


def _check_folder(path: Path, option: str) -> None:
    """A folder option must name a folder (or nothing yet, to be created)."""
    if path.exists() and not path.is_dir():
        err_console.print(f"[red]error:[/red] {option} {path} is a file, not a folder")
        raise typer.Exit(2)
    parent = next((p for p in path.absolute().parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        err_console.print(f"[red]error:[/red] {option} {path}: {parent} is a file, not a folder")
        raise typer.Exit(2)



def _expected_failure(record) -> bool:
    """False for a log record carrying an expected refusal (a blocked release, no base release, a full disk)."""
    from flows import pipeline

    exc = record.exc_info[1] if record.exc_info else None
    if exc is None and isinstance(record.args, tuple):
        exc = next((a for a in record.args if isinstance(a, BaseException)), None)
    return not isinstance(exc, (pipeline.ValidationBlocked, pipeline.NoBaseRelease, OSError))


def _quiet_expected_failures(engine: str) -> None:
    """An expected refusal ends a Prefect run with its exception, which Prefect's console handler prints with
    a traceback for every flow it passes through; the CLI says it once, as a message (--verbose keeps the
    tracebacks). The API, and so the UI, still gets the full records."""
    import logging

    if engine == "prefect":
        # Prefect makes its console handler when prefect.main is imported; the run imports it next anyway. It
        # must exist now: nothing else here imports Prefect before the run (the early server reads its settings
        # in its own process), and a handler made later would have no filter
        import prefect.main  # noqa: F401

    for name in (None, "prefect", "prefect.flow_runs", "prefect.task_runs"):  # Prefect's console is on the root
        for handler in logging.getLogger(name).handlers:
            if "console" in type(handler).__name__.lower() and _expected_failure not in handler.filters:
                handler.addFilter(_expected_failure)


@app.command()
def report(
    release: Annotated[str, typer.Argument(help="Release id, or latest (the default).")] = "latest",
    warehouse: WarehouseOpt = Path("warehouse"),
) -> None:
    """(Re)write report/ of a release: Figures 1 and 2, the paper's claims, the data dictionary, index.html."""
    import shutil

    from catalog import load_catalog
    from validation.report import validation_html
    from warehouse.release import read_table, rehash_files, releases_dir
    from warehouse.report import build_report
    from warehouse.schemas import TABLES

    rid = _release_or_exit(warehouse, release)
    folder = releases_dir(warehouse) / rid
    tables = {name: read_table(warehouse, rid, name) for name in TABLES}
    files = build_report(tables, load_catalog(), f"borderzones release {rid}: report")
    files["report/validation.html"] = validation_html(tables["validation"], "Validation report").encode("utf-8")
    tmp = folder / ".report.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for rel, data in files.items():
        p = tmp / Path(rel).relative_to("report")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    old = folder / ".report.old"
    shutil.rmtree(old, ignore_errors=True)
    if (folder / "report").exists():
        (folder / "report").rename(old)
    tmp.rename(folder / "report")
    shutil.rmtree(old, ignore_errors=True)
    rehash_files(warehouse, rid)  # the manifest hashes every file the release ships: the new report's too
    console.print(f"report: {folder / 'report' / 'index.html'}")


@app.command()
def serve(
    warehouse: WarehouseOpt = Path("warehouse"),
    archive: ArchiveOpt = Path("archive"),
    sources: SourcesOpt = None,
) -> None:
    """Run the schedule on this machine: the annual-refresh deployment (weekly, March–September, Beijing
    time) and refresh-zone (on demand). Needs a Prefect server: `prefect server start`, then
    PREFECT_API_URL=http://127.0.0.1:4200/api. Stop with Ctrl-C."""
    import os

    from flows import env

    env.apply()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            err_console.print(
                "[red]error:[/red] serve needs a Prefect server (the temporary one cannot hold a schedule).\n"
                "  1. in another shell: .venv/bin/prefect server start\n"
                "  2. here: export PREFECT_API_URL=http://127.0.0.1:4200/api, then run borderzones serve again")
            raise typer.Exit(2)
    from prefect import serve as prefect_serve

    from flows.pipeline import deployments
    from warehouse.build import RunSettings

    settings = RunSettings(warehouse=warehouse.resolve(), archive=archive.resolve(),
                           sources=tuple(p.resolve() for p in sources or []))
    prefect_serve(*deployments(settings))


releases_app = typer.Typer(help="Release history: list, show, diff, prune, and the DuckDB catalog.",
                           no_args_is_help=False, invoke_without_command=True)
app.add_typer(releases_app, name="releases")


@releases_app.callback()
def releases_list(ctx: typer.Context, warehouse: WarehouseOpt = Path("warehouse")) -> None:
    """List the releases: id, created, parent, rows, validation (newest last; * marks latest)."""
    if ctx.invoked_subcommand is not None:
        return
    from warehouse.release import latest_id, list_releases, read_manifest

    ids = list_releases(warehouse)
    if not ids:
        console.print(f"no releases in {warehouse}")
        return
    current = latest_id(warehouse)
    t = Table(show_edge=False, header_style="bold")
    for col in ("release", "created", "parent", "observations", "panel", "indicators", "validation"):
        t.add_column(col)
    for rid in ids:
        m = read_manifest(warehouse, rid)
        rows = m.get("row_counts", {})
        v = m.get("validation") or {}
        t.add_row(("* " if rid == current else "  ") + rid, m.get("created", ""), m.get("parent") or "-",
                  str(rows.get("observations", "")), str(rows.get("panel", "")), str(rows.get("indicators", "")),
                  f"passed, {v.get('warnings_failed', 0)} warnings" if v else "-")
    console.print(t)


def _release_or_exit(warehouse: Path, rid: str) -> str:
    from warehouse.release import latest_id, list_releases

    if rid == "latest":
        rid = latest_id(warehouse) or ""
    if rid not in list_releases(warehouse):
        err_console.print(f"[red]error:[/red] no release {rid!r} in {warehouse}; see `borderzones releases`")
        raise typer.Exit(2)
    return rid


@releases_app.command("show")
def releases_show(release: Annotated[str, typer.Argument(help="Release id, or latest.")],
                  warehouse: WarehouseOpt = Path("warehouse")) -> None:
    """Print a release's manifest: parent, code version, what was refreshed, inputs, rows, files, checks."""
    from warehouse.release import read_manifest

    rid = _release_or_exit(warehouse, release)
    sys.stdout.write(json.dumps(read_manifest(warehouse, rid), ensure_ascii=False, indent=2) + "\n")


DIFF_FORMATS = ("table", "csv", "json")
MISSING = "–"  # how `releases diff --format table` shows a missing value (CSV: an empty cell; JSON: null)
_DIFF_COLUMNS = {  # what the table format shows; csv and json give every column of the changes table
    "panel": ("change", "series_id", "period", "indicator", "unit", "old_value", "new_value", "old_growth_pct",
              "new_growth_pct"),
    "indicators": ("change", "zone_id", "basis", "year", "indicator", "old_value", "new_value", "old_value_text",
                   "new_value_text"),
    "observations": ("change", "series_id", "period", "indicator", "unit", "old_value", "new_value",
                     "old_growth_pct", "new_growth_pct", "new_inputs"),
}


def _cell(v) -> str:
    """A value of `releases diff --format table`: every missing value (None, NaN, NA) is MISSING, numbers as
    stored.

    >>> [_cell(v) for v in (None, float("nan"), 201.0, "gdp", 2020)]
    ['–', '–', '201', 'gdp', '2020']
    """
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return MISSING
    return _fmt(float(v)) if isinstance(v, float) else str(v)


@releases_app.command("diff")
def releases_diff(
    old: Annotated[str, typer.Argument(help="The older release id.")],
    new: Annotated[str, typer.Argument(help="The newer release id (or latest).")] = "latest",
    table: Annotated[str, typer.Option("--table", help="panel | indicators | observations")] = "panel",
    fmt: Annotated[str, typer.Option("--format", help="table (for reading) | csv | json (every column of the "
                                                       "changes table; missing values empty in CSV, null in JSON)")
                   ] = "table",
    limit: Annotated[int | None, typer.Option("--limit", help="Changed rows to print (0: all; default 50 for "
                                                              "--format table, all for csv and json).")] = None,
    warehouse: WarehouseOpt = Path("warehouse"),
) -> None:
    """Rows added, removed and revised between two releases, with old and new values (the rows of the `changes`
    table: `releases diff PARENT RELEASE` lists what RELEASE's changes table lists for --table)."""
    from catalog import load_catalog
    from warehouse.history import CHANGE_KINDS, DIFF_SPECS, diff, summarize
    from warehouse.release import read_table

    if table not in DIFF_SPECS:
        err_console.print(f"[red]error:[/red] --table must be one of {', '.join(DIFF_SPECS)}")
        raise typer.Exit(2)
    if fmt not in DIFF_FORMATS:
        err_console.print(f"[red]error:[/red] --format must be one of {', '.join(DIFF_FORMATS)}")
        raise typer.Exit(2)
    if limit is not None and limit < 0:
        err_console.print("[red]error:[/red] --limit must be 0 (all) or more")
        raise typer.Exit(2)
    a, b = _release_or_exit(warehouse, old), _release_or_exit(warehouse, new)
    d = diff(read_table(warehouse, a, table), read_table(warehouse, b, table), table)
    counts = {k: int((d["change"] == k).sum()) for k in CHANGE_KINDS}
    limit = (50 if fmt == "table" else 0) if limit is None else limit
    shown = d if limit == 0 else d.head(limit)
    if fmt == "csv":
        from warehouse.release import write_csv_to
        from warehouse.schemas import CHANGES, to_arrow

        sys.stdout.flush()
        write_csv_to(to_arrow(shown, CHANGES), sys.stdout.buffer, bom=False)
        sys.stdout.buffer.flush()
        return
    if fmt == "json":
        from warehouse.schemas import records

        doc = {"table": table, "old": a, "new": b, "counts": counts, "rows_total": len(d), "rows": records(shown)}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n")
        return
    console.print(f"{table}: {a} → {b}: " + ", ".join(f"{counts[k]} {k}" for k in CHANGE_KINDS))
    if d.empty:
        return
    s = Table(title="per zone and indicator", show_edge=False, header_style="bold")
    for col in ("zone", "indicator", *CHANGE_KINDS):
        s.add_column(col)
    for r in summarize(d, load_catalog()).to_dict("records"):
        s.add_row(r["zone"], r["indicator"], *(str(r[k]) for k in CHANGE_KINDS))
    console.print(s)
    t = Table(title="changed rows", show_edge=False, header_style="bold")
    columns = _DIFF_COLUMNS[table]
    for col in columns:
        t.add_column(col, justify="right" if col.endswith(("value", "pct")) else "left")
    for r in shown[list(columns)].to_dict("records"):
        t.add_row(*[_cell(v) for v in r.values()])
    console.print(t)
    if len(shown) < len(d):
        console.print(f"… {len(d) - len(shown)} more (--limit 0 for all)")


@releases_app.command("prune")
def releases_prune(keep: Annotated[int, typer.Option("--keep", help="Releases to keep (the newest).")],
                   warehouse: WarehouseOpt = Path("warehouse")) -> None:
    """Delete all but the newest N releases. The latest is never deleted."""
    from warehouse.duckdb_catalog import build_catalog
    from warehouse.release import prune, publish_lock

    if keep < 1:
        err_console.print("[red]error:[/red] --keep must be at least 1")
        raise typer.Exit(2)
    with publish_lock(warehouse):
        removed = prune(warehouse, keep)
        build_catalog(warehouse)
    console.print(f"removed {len(removed)} release(s)" + (": " + ", ".join(removed) if removed else ""))


@releases_app.command("catalog")
def releases_catalog(warehouse: WarehouseOpt = Path("warehouse")) -> None:
    """Rebuild <warehouse>/catalog.duckdb (tables per release, views over latest)."""
    from warehouse.duckdb_catalog import build_catalog
    from warehouse.release import publish_lock

    with publish_lock(warehouse):
        path = build_catalog(warehouse)
    console.print(f"catalog: {path}" if path else f"no releases in {warehouse}")


sources_app = typer.Typer(help="The source registry: what its addresses are worth.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("check")
def sources_check(
    sources: SourcesOpt = None,
    no_bundled: Annotated[bool, typer.Option(
        "--no-bundled", help="Leave out the bundled registry: check only $BORDERZONES_SOURCES and the --sources "
                             "files.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON object.")] = False,
    max_time: Annotated[float, typer.Option("--max-time", min=0, help="Seconds after which no probe starts (the "
                                                                      "rest is reported not probed).")] = 600.0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="Hosts probed at the same time (one "
                                                                          "request at a time per host).")] = 4,
) -> None:
    """Probe every address of the source registry once, with the project's polite client (robots.txt, per-host
    intervals, deadlines, address checks), and report each as alive, moved, gone, blocked or other, with the
    reason. Exit code 0 whatever the addresses answer; 2 when the registry itself is invalid."""
    import time

    from catalog import CatalogError, load_catalog
    from catalog.sources import load_registry
    from warehouse.sources_check import check_registry, summary, summary_line

    cat = load_catalog()
    try:
        registry = load_registry(cat, tuple(sources or ()), bundled=not no_bundled)
    except CatalogError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.monotonic()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        job = bar.add_task("probing", total=len(registry.probes()))
        results = check_registry(registry, cat, max_time_s=max_time, workers=workers,
                                 progress=lambda i, n, p: bar.update(job, completed=i, description=p.url[:60]))
    s = summary(results, time.monotonic() - started)
    if as_json:
        sys.stdout.write(json.dumps({"files": list(registry.files), "summary": s,
                                     "results": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2) + "\n")
        return
    t = Table(title="source registry", show_edge=False, header_style="bold")
    for col in ("outcome", "entry", "unit", "year", "verified", "url", "where / why"):
        t.add_column(col, overflow="fold")
    colour = {"alive": "green", "moved": "yellow", "gone": "red", "blocked": "red", "other": "magenta"}
    for r in results:
        c = colour.get(r.outcome, "white")
        p = r.probe
        t.add_row(f"[{c}]{r.outcome}[/{c}]", p.entry, p.unit_code or "(all)", str(p.year or ""),
                  "yes" if p.verified else "no", p.url, (f"→ {r.where}: " if r.where else "") + r.reason)
    console.print(t)
    console.print(summary_line(s))


def _short_python() -> str:
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return str(exe)


def _print_fetches(result) -> None:
    if result.settings.offline:
        console.print("fetching: off (--offline); the archived copies are used")
        return
    if not result.fetches:
        console.print("fetching: no sources for these zones and years in the registry "
                      "(add listing pages or known URLs with --sources FILE)")
        return
    t = Table(title="fetching", show_edge=False, header_style="bold")
    for col in ("unit", "year", "outcome", "url", "what happened"):
        t.add_column(col, overflow="fold")
    colour = {"fetched": "green", "unchanged": "green", "blocked": "red", "failed": "red", "skipped": "yellow"}
    for r in sorted(result.fetches, key=lambda r: (r.unit_code, r.year or 0, r.url)):
        c = colour.get(r.outcome, "white")
        t.add_row(r.unit_code, str(r.year or ""), f"[{c}]{r.outcome}[/{c}]", r.url, r.message)
    console.print(t)
    from warehouse.fetching import by_hand, fetch_summary

    for line in fetch_summary(result.fetches):
        console.print(f"[yellow]{line}[/yellow]")
    hand = by_hand(result.fetches)
    if hand:
        console.print("[bold]Download these by hand[/bold] (a browser usually gets through), then "
                      "`borderzones ingest FILE... --archive " + str(result.settings.archive) + "` and rerun:")
        for line in hand:
            console.print(f"  {line}")


def zone_validation_status(validation, cat) -> dict[str, str]:
    """Per zone: 'passed', 'passed (n warnings)' or 'BLOCKED (n)', from the rows each failed check names
    (a named row starts with its zone id, series id or unit id)."""
    from warehouse.ids import ZONE, ZONE_SCOPE, catalog_code

    per_zone: dict[str, dict[str, set]] = {z: {"blocking": set(), "warning": set()} for z in cat.zones}
    for r in validation[~validation["success"]].to_dict("records"):
        for line in (r["failures"] or "").splitlines():
            head = line.split(" ", 1)[0]  # a zone id, a series id (zone:…) or a unit id (unit:…, zone_scope:…)
            zone, code = head.removeprefix(ZONE).removeprefix(ZONE_SCOPE), catalog_code(head)
            zones = [zone] if zone in cat.zones else cat.zones_of_unit(code) if code in cat.units else []
            for z in zones:
                per_zone[z][r["severity"]].add(r["check"])
    out = {}
    for z, d in per_zone.items():
        if d["blocking"]:
            out[z] = f"BLOCKED ({len(d['blocking'])})"
        else:
            out[z] = "passed" + (f" ({len(d['warning'])} warnings)" if d["warning"] else "")
    return out


def _print_unchanged(release_id: str, path: Path, result=None) -> None:
    console.print(f"no change since {release_id}: the archive, curated files, selection and code are those it "
                  f"was built (or rebuilt to the same bytes) from; nothing re-extracted, rebuilt or validated again "
                  f"(--force rebuilds)")
    if result is not None:
        _print_fetches(result)
    else:  # answered before the run, offline only
        console.print("fetching: off (--offline); the archived copies are used")
    console.print(f"latest: {path.parent.parent / 'latest'}")


def _print_summary(result) -> None:
    from catalog import load_catalog

    out = result.outcome
    v = result.validation
    if result.inputs_unchanged:
        _print_unchanged(out.release_id, out.path, result)
        return
    if result.nothing_to_publish:
        _print_fetches(result)
        _print_integrity(result)
        console.print(f"nothing to publish for this selection ({result.settings.selection.describe()}): no figure "
                      f"was read or curated there; no release written"
                      + (f" (latest stays {out.release_id})" if out.release_id else ""))
        return
    statuses = zone_validation_status(v, load_catalog()) if v is not None else {}
    t = Table(title="refresh summary", show_edge=False, header_style="bold")
    for col in ("zone", "documents ok", "partial", "failed", "observations", "validation"):
        t.add_column(col, justify="left" if col == "zone" else "right")
    for z, c in result.zones.items():
        if z == "unassigned" and not (c["ok"] or c["partial"] or c["failed"]):
            continue
        t.add_row(z, str(c["ok"]), str(c["partial"]), str(c["failed"]), str(c["observations"]), statuses.get(z, "-"))
    console.print(t)
    _print_fetches(result)
    for d in result.documents:
        if d["status"] not in ("ok", "partial"):
            first = (d["problems"] or "").splitlines()[0] if d["problems"] else ""
            console.print(f"  [yellow]{d['status']}[/yellow] {d['sha256'][:12]} {d['title'] or ''}: {first}")
    _print_integrity(result)
    n_warn = int((~v["success"] & (v["severity"] == "warning")).sum()) if v is not None else 0
    console.print(f"validation: {len(v) if v is not None else 0} checks, all blocking checks passed, "
                  f"{n_warn} warnings")
    if out.created:
        console.print(f"[green]release[/green] {out.release_id} written: {out.path}")
    else:
        console.print(f"no change since {out.release_id}: no new release ({out.path})")
    latest = out.path.parent.parent / "latest"
    console.print(f"latest: {latest}")
    console.print(f"report: {out.path / 'report' / 'index.html'} (charts, the paper's claims, validation, dictionary)")
    console.print(f"look at it: {_short_python()} -c \"import duckdb; print(duckdb.sql(\\\"SELECT * FROM "
                  f"'{latest}/panel.parquet' LIMIT 20\\\"))\"")

def _print_integrity(result) -> None:
    """What reading the archive repaired, the parent's documents this run did not read as before, and the
    curated rows that gave no observation."""
    for r in result.curated_skipped:
        console.print("  [yellow]curated row not published:[/yellow] " + escape(
            f"{r['file']} line {r['line']} ({r['unit_code']} {r['period']} {r['indicator']}): {r['reason']}"))
    for p in result.archive_problems:
        console.print("  [yellow]archive:[/yellow] " + escape(f"{p.path}: {p.message}"))
    for d in result.losses:
        what = ("kept from release " + str(d["release"])) if d["kept"] else "[bold]no longer published[/bold]"
        console.print(f"  [red]{d['now']}:[/red] " + escape(
            f"document {d['source_id'][:12]} {d['title'] or ''} ({d['unit_code']} {d['data_year'] or ''}), "
            f"{d['observations']} observation(s) of release {d['release']}: ") + what)
    if result.losses:
        console.print(f"  {len(result.losses)} document(s) of the previous release were not read as before; "
                      "the manifest lists them under documents_lost")


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.10g}"  # all the digits stored: a rounded display would misquote the source


def _print_result(path: Path, result) -> None:
    style = {"ok": "green", "partial": "yellow"}.get(result.status, "red")
    console.print(f"[bold]{path}[/bold]")
    console.print(
        f"  status [{style}]{result.status}[/{style}] · kind {result.kind or '-'} · unit "
        f"{result.unit_name or '-'} ({result.unit_code or '-'}) · data year {result.data_year or '-'}"
    )
    if result.title:
        console.print(f"  title  {result.title}")
    if result.skipped:
        console.print(f"  [dim]{len(result.skipped)} figure(s) seen and not taken (another subject, year, target …); "
                      "--json lists them with the reason[/dim]")
    if result.observations:
        t = Table(show_edge=False, header_style="bold")
        for col in ("indicator", "period", "value", "unit", "growth %", "qualifier", "as printed", "locator"):
            t.add_column(col, justify="right" if col in ("value", "growth %") else "left")
        for o in result.observations:
            t.add_row(o.indicator, o.period, _fmt(o.value), o.unit, _fmt(o.growth_pct), o.qualifier or "",
                      o.value_raw or o.growth_raw or "", o.locator)
        console.print(t)
    for p in result.problems:
        colour = {"error": "red", "warning": "yellow"}.get(p.severity, "dim")
        console.print(f"  [{colour}]{p.severity}[/{colour}] {p.message}")


def main() -> None:  # pragma: no cover
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    _exit_now(code)


def _exit_now(code) -> None:  # pragma: no cover
    """Exit as the interpreter would, minus its teardown. After a big run, freeing every frame and unloading
    every module took seconds after the work was done (measured: ~8 s after a 2,000-unit zone rerun had
    published). The shutdown steps that matter are run first: other threads are joined, exit handlers run
    (the validation helper and Prefect's server stop, logs are flushed), then the streams are flushed."""
    import atexit
    import threading

    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    elif code is None:
        code = 0
    shutdown = getattr(threading, "_shutdown", None)  # what Py_FinalizeEx calls first (non-daemon threads)
    if shutdown is None:
        sys.exit(code)
    shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(int(code))


if __name__ == "__main__":  # pragma: no cover
    main()
