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
console = Console()
err_console = Console(stderr=True)

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


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"


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
