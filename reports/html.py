"""One self-contained HTML page for the auditor handoff (no external CSS, fonts or scripts)."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from checkers.results import RunResults
from reports.outcome import certificate_cell, certificate_outcome
from reports.view import COLORS, build_view, cx_lines, legend, replay_command, scope_lines

_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def render(results: RunResults) -> str:
    template = _ENV.get_template("report.html.j2")
    return template.render(v=build_view(results), r=results, colors=COLORS, cx_lines=cx_lines,
                           certificate_outcome=certificate_outcome, certificate_cell=certificate_cell,
                           replay_command=replay_command, legend=legend(), scope=scope_lines(results))
