"""Prefect flows: refresh_zone, annual_refresh and publish.

The flows only wire the steps of warehouse/ and validation/: a task per zone collects its documents
(extraction is cached per document hash + extractor code under the warehouse, so unchanged documents
cost a file read) and a publish flow merges, validates and writes the release under the warehouse lock.
Nothing here touches the network; retries belong to the fetcher.
"""

from __future__ import annotations

from flows import env

env.apply()

import contextlib  # noqa: E402 - after the environment defaults, which prefect reads at import
import importlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

if "prefect" in sys.modules:  # Prefect loads this module (a deployment, a worker): its own Flow objects
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
else:  # built on first use: `--engine plain` never imports Prefect (~3 s; flows/deferred.py)
    from flows.deferred import NO_CACHE, flow, task

from catalog import Catalog, load_catalog  # noqa: E402
from extractors.archive import Archive  # noqa: E402
from warehouse import incremental  # noqa: E402
from warehouse.build import (  # noqa: E402
    RunSettings,
    ZoneCollection,
    assemble,
    build_tables,
    clean_dead_staging,
    code_version,
    collect_zone,
    document_losses,
    input_fingerprint,
    load_curated_all,
    open_staging,
    read_staged,
    rebuilt_as,
    record_rebuilt_as,
    source_fingerprint,
    stage_rows,
    task_batches,
    unchanged_since,
    validate_selection,
    zone_documents,
)
from warehouse.history import CHANGE_TABLES, changes_since  # noqa: E402
from warehouse.ids import catalog_observations, catalog_sources  # noqa: E402
from warehouse.observations import Selection, documents_by_unit  # noqa: E402
from warehouse.release import (  # noqa: E402
    PublishOutcome,
    StagedTables,
    base_release,
    latest_id,
    publish_lock,
    read_manifest,
    read_table,
    releases_dir,
    stage_tables,
    switch_latest,
    write_release,
)

# The CLI sets this to show progress; the flows call it with (event, detail) and never depend on it.
progress: Callable[[str, dict], None] | None = None


def _in_run() -> bool:
    """True inside a Prefect flow or task run; False when the flows' functions are called plainly
    (`--engine plain`: no Prefect, used by tests with real processes and by benchmarks)."""
    if "prefect.context" not in sys.modules:  # no run without Prefect; asking would import it
        return False
    from prefect.context import FlowRunContext, TaskRunContext

    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def _logger():
    if _in_run():
        from prefect import get_run_logger

        return get_run_logger()
    return logging.getLogger("borderzones.flows")


def _call(prefect_callable, *args):
    """Call a task or flow through Prefect inside a run, or its plain function outside one."""
    return prefect_callable(*args) if _in_run() else prefect_callable.fn(*args)


_EVENT_LOG = os.environ.get("BORDERZONES_EVENT_LOG")  # benchmarks: a JSON line per event, with its time


def _notify(event: str, **detail) -> None:
    if _EVENT_LOG:
        with open(_EVENT_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"t": time.monotonic(), "event": event, "zone": detail.get("zone"),
                                 "pid": os.getpid(), "extract_s": detail.get("extract_s")}) + "\n")
    if progress is not None:
        progress(event, detail)


class ValidationBlocked(RuntimeError):
    """A blocking check failed: no release was written; `validation` names the offending rows."""

    def __init__(self, validation: pd.DataFrame, latest: str | None, report: Path | None = None):
        self.validation = validation
        self.latest = latest
        self.report = report
        failed = validation[(validation["severity"] == "blocking") & ~validation["success"]]
        lines = [f"{len(failed)} blocking check(s) failed; no release written"
                 + (f" (latest stays {latest})" if latest else "")]
        for r in failed.to_dict("records"):
            lines.append(f"- {r['check']}: {r['description']} — {r['n_failed']} row(s):")
            lines += [f"    {line}" for line in (r["failures"] or "").splitlines()]
        if report is not None:
            lines.append(f"full report: {report}")
        super().__init__("\n".join(lines))


class NoBaseRelease(RuntimeError):
    """A zone or year rerun carries everything else from the latest release: without one it would publish a
    release holding only its own part."""

    def __init__(self, warehouse: Path):
        super().__init__(
            f"{warehouse} holds no release to build on: a rerun of some zones or years carries every other row "
            "from the latest release, and there is none. Run `borderzones refresh` (every zone, every year) first.")


@dataclass
class RefreshResult:
    outcome: PublishOutcome
    settings: RunSettings
    zones: dict[str, dict] = field(default_factory=dict)  # zone -> counts
    documents: list[dict] = field(default_factory=list)
    validation: pd.DataFrame | None = None
    fetches: list = field(default_factory=list)  # warehouse.fetching.FetchRecord, one per URL tried
    inputs_unchanged: bool = False  # the latest release was built from these very inputs: nothing was redone
    losses: list[dict] = field(default_factory=list)  # documents of the parent not read as before (build.py)
    archive_problems: list = field(default_factory=list)  # extractors.archive.ArchiveProblem: repairs, refusals
    nothing_to_publish: bool = False  # the selection held no figure: no release written
    curated_skipped: list[dict] = field(default_factory=list)  # curated rows that gave no observation, and why


def _artifact_key(*parts: str) -> str:
    """Prefect artifact keys take lowercase letters, digits and dashes.

    >>> _artifact_key("documents", "Ruili"), _artifact_key("documents", "z0007+2")
    ('documents-ruili', 'documents-z0007-2')
    """
    return "-".join(re.sub(r"[^a-z0-9-]", "-", p.lower()) for p in parts)


@task(name="collect-zones", task_run_name="collect-{label}", cache_policy=NO_CACHE)
def collect_zones_task(label: str, batch: int, zone_ids: list[str | None], settings: RunSettings, staging: str
                       ) -> list[ZoneCollection]:
    """Extract the documents of one zone (or of a batch of zones, see task_batches) and take their curated rows.

    Load inputs from the staging folder (the zones' documents and the curated rows, written once by the
    flow: passing them as task parameters costs Prefect and Dask a walk over every item per task); save the
    rows there as Parquet, so a worker process hands back the document statuses, not the rows."""
    env.tune_gc()  # a Dask worker's process too (flows/env.py)
    with open(Path(staging) / f"plan-{batch:04d}.pkl", "rb") as fh:
        shares = pickle.load(fh)
    with open(Path(staging) / "curated.pkl", "rb") as fh:
        curated = pickle.load(fh)
    collections = [_collect_zone(z, settings, curated, Path(staging), shares[z]) for z in zone_ids]
    documents = [d | {"zone": c.zone_id or "unassigned"} for c in collections for d in c.documents]
    if documents and _in_run():  # one artifact per task (an API call each), made in the task: workers in parallel
        from prefect.artifacts import create_table_artifact

        columns = ("zone", "sha256", "title", "unit_code", "data_year", "status", "observations", "cached")
        create_table_artifact([{k: d[k] for k in columns} for d in documents], key=_artifact_key("documents", label),
                              description=f"Documents of {label} and their status")
    return collections


def _collect_zone(zone_id: str | None, settings: RunSettings, curated: tuple[list[dict], list[dict]], staging: Path,
                  docs: list) -> ZoneCollection:
    zone_label = zone_id or "unassigned"
    logger = _logger()
    _notify("zone_start", zone=zone_label)
    col = collect_zone(zone_id, settings, _catalog(), curated, on_document=lambda d: _notify("document", **d),
                       docs=docs)
    counts = col.counts()
    logger.info("%s: %d documents (%s), %d observations", zone_label, len(col.documents),
                ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none", len(col.observations))
    for d in col.documents:
        if d["status"] not in ("ok", "partial"):
            logger.warning("%s: document %s (%s) is %s: %s", zone_label, d["sha256"][:12], d["title"], d["status"],
                           (d["problems"] or "").splitlines()[0] if d["problems"] else "")
    _notify("zone_done", zone=zone_label, documents=len(col.documents), observations=len(col.observations))
    stage_rows(staging, zone_label, col.observations, col.sources)
    col.n_observations = len(col.observations)
    col.observations, col.sources = [], []
    return col


_CAT: Catalog | None = None


def _catalog() -> Catalog:
    global _CAT
    if _CAT is None:
        _CAT = load_catalog()
    return _CAT


@task(name="fetch-zone", task_run_name="fetch-{zone_label}", cache_policy=NO_CACHE)
def fetch_zone_task(zone_label: str, zone_id: str | None, settings: RunSettings, registry, fetcher,
                    archived: dict | None = None) -> list:
    """Discover and fetch the zone's documents into the archive. Network retries live in the HTTP client
    (backoff with jitter, Retry-After); a failure is a record in the summary, never an exception."""
    from warehouse.fetching import fetch_summary, fetch_units

    logger = _logger()
    cat = _catalog()
    units = frozenset(cat.zone_units(zone_id)) if zone_id else None
    _notify("fetch", zone=zone_label)
    records = fetch_units(units, registry, settings.selection, Archive(settings.archive), fetcher, cat, archived)
    for r in records:
        level = logger.info if r.outcome in ("fetched", "unchanged") else logger.warning
        level("%s %s %s: %s %s", zone_label, r.unit_code, r.year or "", r.outcome, r.message)
    for line in fetch_summary(records):
        logger.warning("%s: %s", zone_label, line)
    return records


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(observations: pd.DataFrame, panel: pd.DataFrame, indicators: pd.DataFrame,
                  parts: dict | None = None, previous: dict | None = None) -> tuple[pd.DataFrame, dict, str]:
    """The validation table, each row-wise check's failing rows (kept for the next incremental publish) and
    how it was done. With `parts` and `previous` (warehouse/incremental.py): only the rerun's rows are checked
    row by row, the parent's results are reused for the rest (validation/partial.py). great-expectations runs in
    the helper process `run` started (validation/background.py), or here."""
    from validation import background
    from validation.partial import NotCombinable, Partial, Recorder

    _notify("validate")
    how = "every row checked"
    if parts is not None and previous is not None:
        try:
            v, run = background.validate(observations, panel, _catalog(), indicators, Partial(parts, previous))
            return v, run.failing, "rows checked: " + ", ".join(f"{t} {n}" for t, n in run.checked_rows.items())
        except NotCombinable as exc:
            how = f"every row checked ({exc})"
    v, run = background.validate(observations, panel, _catalog(), indicators, Recorder())
    return v, run.failing, how


@flow(name="publish", log_prints=False)
def publish(settings: RunSettings, staging: str) -> dict:
    """Merge the staged fresh rows with the previous release, validate, and write a release.

    Holds the warehouse lock throughout, so concurrent publishers queue and each builds on the last.
    Raises ValidationBlocked (leaving latest untouched) when a blocking check fails.
    """
    from validation.report import validation_html
    from validation.suites import blocking_failures
    from warehouse.report import draw_charts, parent_charts

    logger = _logger()
    cat = _catalog()
    staged = Path(staging)
    fresh_obs, fresh_src = read_staged(staged, "obs"), read_staged(staged, "src")
    manifest_extra = json.loads((staged / "manifest_extra.json").read_text(encoding="utf-8"))
    fingerprint = input_fingerprint(staged, settings, cat)
    manifest_extra["input_fingerprint"] = fingerprint
    with publish_lock(settings.warehouse, on_wait=lambda: _notify("lock_wait")):
        parent = base_release(settings.warehouse)
        if parent is None and settings.selection != Selection():
            raise NoBaseRelease(settings.warehouse)
        if not len(fresh_obs):
            # no figure in the selection (years without data, an empty archive): a release made of nothing but
            # the carried rows, or of nothing at all, is not a release
            logger.info("nothing to publish for this selection (%s): no observation was read or curated; "
                           "no release written", settings.selection.describe())
            return {"release_id": parent, "path": str(releases_dir(settings.warehouse) / parent) if parent else None,
                    "created": False, "parent": parent, "row_counts": {}, "validation": None, "losses": [],
                    "nothing_to_publish": True}
        if (parent is not None and not settings.force
                and (read_manifest(settings.warehouse, parent).get("input_fingerprint") == fingerprint
                     or fingerprint in rebuilt_as(settings.warehouse, parent)["input"])):
            # the same inputs and code built the latest release: skip building, validating and writing
            logger.info("no change since %s (same inputs and code): nothing rebuilt", parent)
            if latest_id(settings.warehouse) != parent:
                switch_latest(settings.warehouse, parent)
            _ensure_catalog(settings.warehouse, logger)
            m = read_manifest(settings.warehouse, parent)
            return {"release_id": parent, "path": str(releases_dir(settings.warehouse) / parent), "created": False,
                    "parent": m.get("parent"), "row_counts": m.get("row_counts", {}),
                    "validation": read_table(settings.warehouse, parent, "validation")}
        previous = None
        # the parent's rows in the catalog's codes, like the fresh ones (a parent's plain ids included)
        p_src = catalog_sources(read_table(settings.warehouse, parent, "sources")) if parent is not None else None
        losses = document_losses(fresh_src, p_src, settings, cat, parent)
        kept = frozenset(d["source_id"] for d in losses if d["kept"])
        for d in losses:
            logger.warning("document %s (%s) of release %s: %s; %d observation(s) %s", d["source_id"][:12],
                           d["title"], parent, d["now"], d["observations"],
                           "kept from that release" if d["kept"] else "no longer published")
        if kept:  # a corrupt archived copy: its published figures stay, and its source row says why
            fresh_src = fresh_src.copy()
            mark = fresh_src["source_id"].isin(kept)
            fresh_src.loc[mark, "problems"] = [
                f"{p}\nwarning: its observations are carried unchanged from release {parent} until the archived "
                f"copy is restored" for p in fresh_src.loc[mark, "problems"]]
        if parent is not None and (settings.zones is not None or settings.years is not None or kept):  # else unused
            p_obs = read_table(settings.warehouse, parent, "observations")
            if "adcode" not in p_obs.columns:  # written before the release ids (warehouse/ids.py)
                logger.info("release %s has plain unit codes (533102, ZONE:ruili): the rows carried from it get "
                            "the release ids (unit:…, zone_scope:…, obs:…)", parent)
            previous = (catalog_observations(p_obs), p_src)
            del p_obs
        obs, sources = assemble(fresh_obs, fresh_src, previous, settings, cat, kept)
        del fresh_obs, fresh_src  # one copy of the rows at a time
        _notify("build", observations=len(obs))
        plan, why = incremental.decide(settings, cat, parent)  # rebuild only the rerun's part, or say why not
        logger.info("publish: %s", why if plan else f"full build ({why})")
        panel = parts = stored = None
        if plan is not None:
            panel = incremental.build_panel(obs, read_table(settings.warehouse, parent, "panel"), cat,
                                            settings.vintage_policy, plan)
        tables = build_tables(obs, sources, cat, settings.vintage_policy, panel)
        if plan is not None:
            stored, note = incremental.load(settings.warehouse, parent, plan.fingerprint)
            parts = incremental.partition(tables, plan) if stored is not None else None
            if stored is None:
                logger.info("publish: validating every row (%s)", note)
        # while the checks run (in the validation helper: this process waits on its pipe), what does not depend on
        # them: the charts are drawn (or taken from the parent release, report.chart_keys), every table but
        # `validation` and `changes` is written into the release's temporary folder, the `changes` table is
        # computed (what changed since the parent; left out of the content hash: identical tables still make no
        # release) and DuckDB is imported for the catalog
        # no release is written from here on without `staging`'s folder being used or discarded
        # One thread, in this order: a second one would take turns with the charts for the GIL (measured: a cold
        # 300 × 5 refresh, whose coverage chart is the longest step here, took 1.2 s longer to publish).
        with ThreadPoolExecutor(1, thread_name_prefix="publish-meanwhile") as pool:
            drawing = pool.submit(draw_charts, dict(tables), cat, parent_charts(settings.warehouse, parent))
            staging = pool.submit(stage_tables, settings.warehouse, dict(tables))
            changing = pool.submit(changes_since, settings.warehouse, parent, {t: tables[t] for t in CHANGE_TABLES},
                                   incremental.changed_rows(plan) if plan is not None else None)
            pool.submit(importlib.import_module, "duckdb")
            try:
                validation, failing, how = _call(validate_task, tables["observations"], tables["panel"],
                                                 tables["indicators"], parts, stored)
                drawn = drawing.result()
            except BaseException:
                _discard_when_done(staging)
                raise
        logger.info("publish: validation: %s", how)
        manifest_extra[incremental.MANIFEST_KEY] = incremental.build_fingerprint(cat, settings.vintage_policy)
        manifest_extra["publish"] = {"build": "incremental" if plan else "full", "why": why, "validation": how}
        tables["validation"] = validation
        if len(blocking_failures(validation)):
            _discard_when_done(staging)
            # the report of a refused release sits beside the releases, never inside one
            report_path = Path(settings.warehouse) / "blocked-validation.html"
            tmp = report_path.with_suffix(".tmp")
            tmp.write_text(validation_html(validation, "Validation report: release refused"), encoding="utf-8")
            tmp.replace(report_path)
            raise ValidationBlocked(validation, parent, report_path)
        _notify("write")
        manifest_extra["documents_lost"] = losses
        manifest_extra["input_documents"] = sorted(s for s, o in zip(sources["source_id"], sources["origin"],
                                                                      strict=True) if o == "archive")
        try:
            tables["changes"] = changing.result()
            outcome = _write(settings, tables, cat, validation, drawn, manifest_extra, staging.result())
        except BaseException:
            _discard_when_done(staging)
            raise
        incremental.store(settings.warehouse, outcome.release_id, manifest_extra[incremental.MANIFEST_KEY], failing)
        if not outcome.created:  # the same content as the latest release: the next such run need not rebuild it
            record_rebuilt_as(settings.warehouse, outcome.release_id, manifest_extra.get("source_fingerprint"),
                              fingerprint, manifest_extra.get("report_charts"))
        _ensure_catalog(settings.warehouse, logger)
    _notify("published")
    if outcome.created:
        logger.info("release %s written (%s)", outcome.release_id, outcome.path)
    else:
        logger.info("no change since %s: no new release", outcome.release_id)
    if _in_run():
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(_release_markdown(outcome, validation), key="release-summary",
                                 description="The release this run published")
    return {"release_id": outcome.release_id, "path": str(outcome.path), "created": outcome.created,
            "parent": outcome.parent, "row_counts": outcome.row_counts, "validation": validation, "losses": losses}


def _write(settings: RunSettings, tables: dict[str, pd.DataFrame], cat: Catalog, validation: pd.DataFrame,
           drawn: tuple, manifest_extra: dict, staged: StagedTables) -> PublishOutcome:
    """The report, then the release (its tables but `staged` written here, the report inside)."""
    from validation.report import validation_html
    from warehouse.report import build_report, cjk_font

    manifest_extra["validation"] = {
        "checks": len(validation), "blocking_failed": 0,
        "warnings_failed": int((~validation["success"] & (validation["severity"] == "warning")).sum())}
    _notify("report")
    report = build_report(tables, cat, "borderzones release: report", drawn=drawn)
    manifest_extra["report_charts"] = drawn[2]  # each chart's key: the next release may reuse it
    manifest_extra["report_font"] = cjk_font()  # the report's bytes count in the content hash: say why
    report["report/validation.html"] = validation_html(validation, "Validation report").encode("utf-8")
    return write_release(settings.warehouse, tables, manifest_extra, report, staged=staged)


def _discard_when_done(staging) -> None:
    """The staged tables' folder of a release that will not be written (once `stage_tables` has finished)."""
    with contextlib.suppress(BaseException):
        staging.result().discard()


def _ensure_catalog(warehouse: Path, logger) -> None:
    """Bring catalog.duckdb up to the releases on disk (also after a build that was killed or failed)."""
    from warehouse.duckdb_catalog import catalog_is_current, ensure_catalog

    if catalog_is_current(warehouse):
        return
    _notify("catalog")
    try:
        ensure_catalog(warehouse)
    except Exception as exc:  # the release is published; the next run (or `releases catalog`) rebuilds it
        logger.warning("catalog.duckdb was not rebuilt (%s: %s); the next run retries, or run "
                       "`borderzones releases catalog`", type(exc).__name__, exc)


def _release_markdown(outcome: PublishOutcome, validation: pd.DataFrame) -> str:
    head = (f"# Release `{outcome.release_id}`\n\n" if outcome.created
            else f"# No change since `{outcome.release_id}`\n\nThe tables are identical; no new release.\n\n")
    rows = "\n".join(f"| {k} | {v} |" for k, v in outcome.row_counts.items())
    warn = validation[~validation["success"]]
    warn_md = "\n".join(f"- `{r['check']}` ({r['severity']}): {r['n_failed']} row(s)" for r in warn.to_dict("records"))
    return (f"{head}Path: `{outcome.path}`  \nParent: `{outcome.parent}`\n\n| table | rows |\n|---|---|\n{rows}\n\n"
            f"## Checks\n{len(validation)} run; {len(warn)} not passed (warnings only: blocking checks all passed)\n\n"
            f"{warn_md}\n\nOpen it: `duckdb -c \"SELECT * FROM '{outcome.path}/panel.parquet' LIMIT 10\"`\n")


def _run(settings: RunSettings, zone_ids: list[str | None]) -> RefreshResult:
    env.tune_gc()  # also when a deployment's process runs this flow (the CLI's entry point did it already)
    cat = _catalog()
    validate_selection(settings, cat)
    if settings.selection != Selection() and base_release(settings.warehouse) is None:
        raise NoBaseRelease(settings.warehouse)  # before any work (publish checks again under the lock)
    curated_skipped: list[dict] = []
    curated = load_curated_all(settings, cat, curated_skipped)
    _notify("start", zones=[z or "(no zone)" for z in zone_ids])
    fetches: list = []
    registry = fetcher = None
    if not settings.offline:
        from catalog.sources import load_registry
        from extractors.http import Fetcher

        registry = load_registry(cat, settings.sources)
        fetcher = Fetcher(registry)
    for name in clean_dead_staging(settings.warehouse):
        _logger().info("removed %s, left by a run that was killed", name)
    staging, owner = open_staging(settings.warehouse)
    try:
        # fetching stays in this process (one polite client per run); collection is what scales out
        if fetcher is not None:
            from warehouse.fetching import archived_by_url

            archived = archived_by_url(Archive(settings.archive))  # one pass, shared by the zones
            for z in zone_ids:
                if z is not None:
                    fetches += _call(fetch_zone_task, z, z, settings, registry, fetcher, archived)
        sources_fp = source_fingerprint(settings, cat)
        unchanged = _unchanged_release(settings, sources_fp)
        if unchanged is not None:
            unchanged.fetches = fetches
            return unchanged
        store = Archive(settings.archive)
        index = documents_by_unit(store)  # one pass over the archive, not one per zone
        shares = {z: zone_documents(index, z, cat) for z in zone_ids}
        batches = task_batches(zone_ids, shares, settings.task_count)
        with open(staging / "curated.pkl", "wb") as fh:
            pickle.dump(curated, fh, protocol=pickle.HIGHEST_PROTOCOL)
        for i, b in enumerate(batches):
            with open(staging / f"plan-{i:04d}.pkl", "wb") as fh:
                pickle.dump({z: shares[z] for z in b}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        labels = [_batch_label(b) for b in batches]
        if settings.runner == "dask" and _in_run():
            # this process only waits while the workers extract: import great-expectations (~5 s) meanwhile
            threading.Thread(target=_import_validation, name="import-great-expectations", daemon=True).start()
            futures = [collect_zones_task.submit(label, i, b, settings, str(staging))
                       for i, (label, b) in enumerate(zip(labels, batches, strict=True))]
            collections = [c for f in futures for c in f.result()]
        else:
            collections = [c for i, (label, b) in enumerate(zip(labels, batches, strict=True))
                           for c in _call(collect_zones_task, label, i, b, settings, str(staging))]
        extra = {"code_version": code_version(), "vintage_policy": settings.vintage_policy,
                 "source_fingerprint": sources_fp,
                 "refreshed": {"zones": list(settings.zones) if settings.zones else "all",
                               "years": list(settings.years) if settings.years else "all"},
                 "curated_files": [{"name": Path(p).name, "sha256": _sha256_file(p)} for p in settings.curated_files],
                 "archive_problems": [{"path": p.path, "message": p.message} for p in store.problems],
                 "curated_not_published": curated_skipped}
        (staging / "manifest_extra.json").write_text(json.dumps(extra), encoding="utf-8")
        published = _call(publish, settings, str(staging))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        owner.close()
    path = Path(published["path"]) if published["path"] else None
    outcome = PublishOutcome(published["release_id"], path, published["created"], published["parent"],
                             published["row_counts"])
    result = RefreshResult(outcome, settings, validation=published["validation"], fetches=fetches,
                           losses=published.get("losses", []), archive_problems=store.problems,
                           nothing_to_publish=published.get("nothing_to_publish", False),
                           curated_skipped=curated_skipped)
    for c in collections:
        label = c.zone_id or "unassigned"
        counts = c.counts()
        result.zones[label] = {"ok": counts.get("ok", 0), "partial": counts.get("partial", 0),
                               "failed": sum(v for k, v in counts.items() if k not in ("ok", "partial")),
                               "observations": c.n_observations}
        result.documents += c.documents
    return result


def _import_validation() -> None:
    from validation import background
    from validation.suites import import_gx

    if background.running():  # the helper process validates: nothing to import here
        return
    try:
        import_gx()
    except Exception:  # the publish step imports it again and reports a failure there
        logging.getLogger("borderzones.flows").debug("great-expectations import failed", exc_info=True)


def _batch_label(zone_ids: list[str | None]) -> str:
    """A task's name part: the zone, or the first zone and how many more.

    >>> _batch_label(["ruili"]), _batch_label([None]), _batch_label(["z0007", "z0101", None])
    ('ruili', 'unassigned', 'z0007+2')
    """
    first = zone_ids[0] or "unassigned"
    return first if len(zone_ids) == 1 else f"{first}+{len(zone_ids) - 1}"


def _unchanged_release(settings: RunSettings, sources_fp: str) -> RefreshResult | None:
    """The latest release as this run's result when it was built from the same inputs; None otherwise."""
    parent = unchanged_since(settings, _catalog(), sources_fp)
    if parent is None:
        return None
    _logger().info("no change since %s: the archive, curated files, selection and code are those it was built "
                   "(or rebuilt to the same bytes) from; nothing re-extracted or rebuilt", parent)
    _notify("unchanged")
    return unchanged_result(settings, parent)


def unchanged_result(settings: RunSettings, release_id: str) -> RefreshResult:
    m = read_manifest(settings.warehouse, release_id)
    outcome = PublishOutcome(release_id, releases_dir(settings.warehouse) / release_id, False, m.get("parent"),
                             m.get("row_counts", {}))
    return RefreshResult(outcome, settings, validation=read_table(settings.warehouse, release_id, "validation"),
                         inputs_unchanged=True)



def _sha256_file(p: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


@flow(name="refresh-zone")
def refresh_zone(zone_id: str, years: tuple[int, int] | None = None, settings: RunSettings | None = None
                 ) -> RefreshResult:
    """Rerun one zone: its documents and curated figures are read again; every other zone's rows are
    carried unchanged from the previous release."""
    settings = (settings or RunSettings()).model_copy(update={"zones": (zone_id,), "years": years})
    return _run(settings, [zone_id])


@flow(name="annual-refresh")
def annual_refresh(zones: list[str] | None = None, years: tuple[int, int] | None = None,
                   settings: RunSettings | None = None) -> RefreshResult:
    """Refresh the given zones (all by default) over the given years (all by default) and publish."""
    cat = _catalog()
    settings = (settings or RunSettings()).model_copy(update={"zones": tuple(zones) if zones else None,
                                                              "years": years})
    zone_ids: list[str | None] = list(zones) if zones else [*cat.zones, None]
    return _run(settings, zone_ids)


def run(settings: RunSettings, *, single_zone: bool, engine: str = "prefect") -> RefreshResult:
    """The CLI's entry: the annual refresh or a zone rerun, through Prefect or (engine "plain") without it."""
    from validation import background

    background.start()  # great-expectations imported in a helper process meanwhile (validation/background.py)
    flow_zone, flow_all = refresh_zone, annual_refresh
    if engine == "prefect" and settings.runner == "dask":
        runner = dask_task_runner(settings)
        flow_zone, flow_all = refresh_zone.with_options(task_runner=runner), annual_refresh.with_options(
            task_runner=runner)
    if engine != "prefect":
        if single_zone:
            return refresh_zone.fn(settings.zones[0], settings.years, settings)
        return annual_refresh.fn(list(settings.zones) if settings.zones else None, settings.years, settings)
    local_workers = settings.runner == "dask" and not settings.dask_address
    with _early_server(), _api_for_local_workers() if local_workers else contextlib.nullcontext():
        if single_zone:
            return flow_zone(settings.zones[0], settings.years, settings)
        return flow_all(list(settings.zones) if settings.zones else None, settings.years, settings)


@contextlib.contextmanager
def _early_server():
    """Run against the temporary server the CLI started early (flows/early_server.py), when it came up and no
    other server is configured meanwhile; otherwise Prefect starts its own as usual."""
    from flows import early_server

    if early_server.starting():
        # this process would only wait now: import what Prefect imports at the flow call, on the critical path
        # once the server answers (FastAPI's encoder, for the flow run's parameters: ~0.3-0.4 s); meanwhile the
        # other core runs the server, and this import takes its CPU from the niced validation helper
        with contextlib.suppress(ImportError):
            importlib.import_module("fastapi.encoders")
    url = early_server.api_url()
    if url is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        early_server.stop()
        yield
        return
    _logger().info("Prefect's temporary server was started early: %s", url)
    _notify("early_prefect_server")
    # no heartbeats: they let a lasting server tell a crashed flow run, but this server ends with the command,
    # and the end of every flow run waited for its heartbeat thread (a 1 s sleep loop: ~0.5 s a flow run, two
    # flow runs a refresh, measured with Prefect 3.9)
    with temporary_settings(updates={PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def _api_for_local_workers():
    """Local Dask workers are new processes: without PREFECT_API_URL in their environment each would start a
    temporary Prefect server of its own (~10 s each, measured) and record its task runs there, out of this
    run's sight. Start this process's server first and hand its address down; restore the environment after."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the same instance the flow's client will use
        server.start()
        url = server.api_url
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def dask_task_runner(settings: RunSettings):
    """Prefect's Dask task runner: a local cluster of `workers` single-threaded processes (extraction is
    CPU-bound Python), or an existing cluster at `dask_address`."""
    import dask
    from prefect_dask import DaskTaskRunner

    # Dask's statistical profiler samples every thread of every worker 100 times a second for its dashboard,
    # which this runner does not start: a few percent of each worker's CPU for nothing. Local workers get this
    # process's config; workers of an existing cluster keep theirs (docs/performance.md: how to turn it off there).
    dask.config.set({"distributed.worker.profile.enabled": False})
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


ANNUAL_CRON = "0 6 * 3-9 1"  # Mondays 06:00, March to September: bulletins appear from March to June
TIMEZONE = "Asia/Shanghai"


def deployments(settings: RunSettings) -> list:
    """The two deployments `borderzones serve` runs (the same as prefect.yaml declares)."""
    from prefect.schedules import Cron

    params = {"settings": settings.model_dump(mode="json", exclude={"zones", "years"})}
    return [
        annual_refresh.to_deployment("annual-refresh", schedules=[Cron(ANNUAL_CRON, timezone=TIMEZONE)],
                                     parameters=params, description="Every zone, every year; weekly, March–September"),
        refresh_zone.to_deployment("refresh-zone", parameters=params,
                                   description="Rerun one zone: pass zone_id (and optionally years)"),
    ]
