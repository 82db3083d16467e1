"""The `borderzones` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    name="borderzones",
    help="Statistics of China's nine border key development and opening-up pilot zones (沿边重点开发开放试验区).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# piped or captured output gets wide lines rather than tables folded at 80 columns
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

EXIT_OK_STATUSES = {"ok", "partial"}


@app.callback()
def _root() -> None:
    """Statistics of China's nine border key development and opening-up pilot zones."""


@app.command()
def extract(
    path: Annotated[Path, typer.Argument(help="A bulletin, work report or news item: HTML, PDF or text.")],
    unit: Annotated[str | None, typer.Option("--unit", help="Unit's administrative code (overrides the document).")]
    = None,
    year: Annotated[int | None, typer.Option("--year", help="Data year (overrides the document).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
) -> None:
    """Read one document and print the observations it states.

    Exit code 0 for status ok or partial, 2 otherwise (no_text, blocked, not_a_bulletin, unreadable)."""
    from catalog import load_catalog
    from extractors.extract import extract_bytes

    if not path.is_file():
        err_console.print(f"[red]error:[/red] {path}: no such file")
        raise typer.Exit(2)
    cat = load_catalog()
    if unit is not None and unit not in cat.units:
        known = ", ".join(sorted(cat.units))
        err_console.print(f"[red]error:[/red] unknown unit code {unit!r}; known: {known}")
        raise typer.Exit(2)
    if year is not None and not 1949 <= year <= 2100:
        err_console.print(f"[red]error:[/red] --year {year} is not a plausible data year")
        raise typer.Exit(2)
    result = extract_bytes(path.read_bytes(), path.name, unit=unit, year=year, cat=cat)
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_result(path, result)
    raise typer.Exit(0 if result.status in EXIT_OK_STATUSES else 2)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Documents to add to the archive (the manual inbox).")],
    archive: Annotated[Path, typer.Option("--archive", help="Archive folder.")] = Path("archive"),
) -> None:
    """Add local files to the archive, identify unit and year, and say what happened to each."""
    from catalog import load_catalog
    from extractors.archive import Archive
    from extractors.extract import extract_bytes

    cat = load_catalog()
    store = Archive(archive)
    table = Table(show_edge=False, header_style="bold")
    for col in ("file", "result", "status", "unit", "year", "sha256"):
        table.add_column(col)
    failed = 0
    for path in paths:
        if not path.is_file():
            table.add_row(str(path), "[red]missing[/red]", "", "", "", "")
            failed += 1
            continue
        data = path.read_bytes()
        result = extract_bytes(data, path.name, cat=cat)
        if result.status in ("blocked", "not_a_bulletin", "unreadable"):
            # not archived: an anti-bot page or an unrelated page is not a source document
            label = {"blocked": "blocked page", "not_a_bulletin": "not a bulletin",
                     "unreadable": "unreadable"}[result.status]
            reason = result.problems[0].message if result.problems else ""
            table.add_row(str(path), f"[yellow]{label}[/yellow]", result.status, "", "", reason[:60])
            failed += 1
            continue
        meta = {"unit_code": result.unit_code, "data_year": result.data_year, "title": result.title,
                "kind": result.kind, "status": result.status}
        side, added = store.put(data, origin=str(path.resolve()), origin_kind="file", meta=meta)
        table.add_row(str(path), "[green]added[/green]" if added else "duplicate", result.status,
                      result.unit_name or "?", str(result.data_year or "?"), side.sha256[:12])
    console.print(table)
    console.print(f"archive: {archive.resolve()}")
    raise typer.Exit(1 if failed and failed == len(paths) else 0)


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
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
