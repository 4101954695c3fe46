"""Console (rich): the summary table printed at the end of a run, and the mutant kill matrix."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checkers.results import RunResults
from reports.view import RICH_STYLES, build_view


def _v(name: str) -> str:
    return f"[{RICH_STYLES[name]}]{name}[/]"


def print_summary(results: RunResults, console: Console) -> None:
    v = build_view(results)
    table = Table(title=f"verify {results.command}: {len(v.rows)} specs", title_justify="left", show_lines=False)
    table.add_column("spec", style="bold", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for e in v.engines:
        table.add_column(e, no_wrap=True)
    table.add_column("note", overflow="fold")
    for row in v.rows:
        cells = [_v(row.cells[e].verdict.name) if row.cells[e] else "[dim]·[/]"
                 for e in v.engines]
        note = row.result.disagreement or row.result.note or ""
        if not note:
            worst = [f for f in row.cells.values() if f and f.verdict == row.result.verdict]
            note = worst[0].summary if worst else ""
        table.add_row(row.spec.id, _v(row.result.verdict.name), *cells, note[:160])
    console.print(table)
    if results.mutants:
        print_kill_matrix(results, console)
    counts = " ".join(f"{_v(k)} {n}" for k, n in v.counts.items() if n)
    stats = results.stats
    console.print(f"{counts} | {stats.get('checks', 0)} checks, {stats.get('cached', 0)} cached, "
                  f"{stats.get('wall_s', 0)} s | exit code {v.exit_code}")


def print_kill_matrix(results: RunResults, console: Console) -> None:
    table = Table(title="mutant kill matrix", title_justify="left")
    for column in ("mutant", "must be caught by", "caught by", "status"):
        table.add_column(column, overflow="fold")
    for m in results.mutants:
        caught = ", ".join(f"{s} ({'/'.join(e)})" for s, e in m.caught_by.items()) or "-"
        status = ("[green]killed[/]" if m.killed else
                  f"[red]build failed[/]: {m.error}" if m.error else f"[red]survived[/]: {', '.join(m.missed_by)}")
        table.add_row(m.name, ", ".join(m.breaks), caught, status)
    console.print(table)
