"""Console (rich): the summary table printed at the end of a run, the mutant kill matrix and the catalogue.

Every user string (titles, summaries, notes, names) goes through `rich.markup.escape`: text like "[min, max]"
must print as written, and "[/x]" must not be read as a closing tag (rich raises MarkupError on it).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checkers.base import Spec
from checkers.results import RunResults
from reports.paths import PathScrubber
from reports.view import RICH_STYLES, build_view, scope_lines


NOTE_LIMIT = 160  # characters of a note in the summary table; the reports carry it whole


def clip(text: str, limit: int = NOTE_LIMIT) -> str:
    """`text` on one line, at most `limit` characters, cut at a word boundary with an ellipsis (a word cut in
    half reads as a different word: "ORCL-0" for "ORCL-04")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]  # one character left for the ellipsis
    if text[limit - 1] != " " and " " in cut:  # cut inside a word: drop the word (one huge word is cut)
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _v(name: str) -> str:
    return f"[{RICH_STYLES[name]}]{name}[/]"


def print_summary(results: RunResults, console: Console) -> None:
    results = PathScrubber.for_results(results).results(results)
    v = build_view(results)
    table = Table(title=escape(f"verify {results.command}: {len(v.rows)} specs"), title_justify="left",
                  show_lines=False)
    table.add_column("spec", style="bold", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for e in v.engines:
        table.add_column(escape(e), no_wrap=True)
    table.add_column("note", overflow="fold")
    for row in v.rows:
        cells = [_v(row.cells[e].verdict.name) if row.cells[e] else "[dim]·[/]"
                 for e in v.engines]
        note = row.result.disagreement or row.result.note or ""
        if not note:
            worst = [f for f in row.cells.values() if f and f.verdict == row.result.verdict]
            note = worst[0].summary if worst else ""
        table.add_row(escape(row.spec.id), _v(row.result.verdict.name), *cells, escape(clip(note)))
    for line in scope_lines(results):  # before the table: what it does not cover
        console.print(f"[yellow]{escape(line)}[/]")
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
                  f"[red]build failed[/]: {escape(m.error)}" if m.error else
                  f"[red]survived[/]: {escape(', '.join(m.missed_by))}")
        table.add_row(escape(m.name), escape(", ".join(m.breaks)), escape(caught), status)
    console.print(table)


def print_catalogue(specs: Iterable[Spec], mutants_by_spec: Mapping[str, Iterable[str]], mutant_count: int,
                    console: Console) -> None:
    """`verify list`: every selected spec with its engines and the mutants that must break it."""
    specs = list(specs)
    table = Table(title=f"{len(specs)} specs, {mutant_count} mutants", title_justify="left")
    for column in ("spec", "category", "severity", "title", "engines", "mutants"):
        table.add_column(column, overflow="fold")
    for s in specs:
        title = escape(s.title) + (" [yellow](accepted risk)[/]" if s.accepted_risk else "")
        table.add_row(escape(s.id), escape(s.category), s.severity.value, title, escape(", ".join(s.engines)),
                      escape(", ".join(sorted(mutants_by_spec.get(s.id, ())))))
    console.print(table)
