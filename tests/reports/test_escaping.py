"""User text (titles, summaries, notes, exemptions, counterexamples) cannot break or inject into any report,
and every report defines every verdict from checkers.base.LEGEND."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from markupsafe import escape
from rich.console import Console

from checkers.base import LEGEND, Counterexample, Evidence, Finding, Severity, Spec, Verdict
from checkers.results import CheckResult, RunResults
from reports import render
from reports.console import print_summary

HOSTILE = 'a | b <script>alert(1)</script> "q" & [min, max] [/x] `tick` *star* _u_'


def _results(title: str = HOSTILE, summary: str = HOSTILE, notes: str = "", explanation: str = "") -> RunResults:
    spec = Spec(id="ORCL-04", title=title, rationale=HOSTILE, severity=Severity.MEDIUM, category="oracle",
                contracts=(), engines=("z3", "slither"), accepted_risk=None)
    cx = Counterexample({"price": "1"}, ("twap(1)",), explanation=explanation) if explanation else None
    checks = [
        CheckResult(Finding("ORCL-04", "z3", Verdict.VIOLATED if cx else Verdict.PROVED, summary,
                            Evidence(counterexample=cx, replay_command=f"echo '{HOSTILE}'")), Verdict.PROVED),
        CheckResult(Finding("ORCL-04", "slither", Verdict.NO_FINDING, summary, Evidence(notes=notes)),
                    Verdict.NO_FINDING),
    ]
    return RunResults(command="all", specs=[spec], checks=checks, targets={"platform": "contracts"})


def test_html_escapes_user_text_everywhere() -> None:
    page = render(_results(notes=f"in scope: A; exempt: A.f ({HOSTILE})", explanation=HOSTILE), "html")
    assert "<script>alert" not in page and "[/x]" in page
    escaped = str(escape(HOSTILE))  # what jinja's autoescape writes
    assert page.count(escaped) >= 6, "title, rationale, summary, exemption, explanation, replay command"
    assert 'title="a | b &lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34;' in page, "attribute quotes escaped too"


def _table_rows(md: str, header: str) -> list[str]:
    lines = md.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(header)))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row)) - 2  # unescaped pipes delimit the cells


def test_markdown_tables_keep_their_shape() -> None:
    md = render(_results(title=HOSTILE + "\nsecond line", notes=f"in scope: A | B; exempt: A.f ({HOSTILE})"), "md")
    for header in ("| spec | title |", "| spec | engine | verdict | evidence |"):
        rows = _table_rows(md, header)
        assert len(rows) >= 3 and len({_cells(r) for r in rows}) == 1, rows
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[min, max\\]" in md and "second line" in md


def test_markdown_code_spans_survive_backticks() -> None:
    md = render(_results(explanation="x"), "md")
    replay = next(line for line in md.splitlines() if line.startswith("Replay: "))
    assert replay.startswith("Replay: ``echo 'a \\| b") and replay.endswith("_u_'``"), "fence longer than `tick`"


def test_console_prints_markup_like_text_as_written() -> None:
    console = Console(file=io.StringIO(), width=400, color_system=None)
    print_summary(_results(summary="TWAP within [min, max] [/x] of the window"), console)  # [/x] used to raise
    assert "TWAP within [min, max] [/x] of the window" in console.file.getvalue()


def test_console_catalogue_shows_titles_as_written() -> None:
    from reports.console import print_catalogue

    console = Console(file=io.StringIO(), width=400, color_system=None)
    spec = _results(title="The TWAP lies within [min, max] of the prices in its window").specs[0]
    print_catalogue([spec], {"ORCL-04": ["M1[/x]"]}, 1, console)
    out = console.file.getvalue()
    assert "The TWAP lies within [min, max] of the prices" in out and "M1[/x]" in out


def test_junit_drops_characters_xml_cannot_carry() -> None:
    root = ET.fromstring(render(_results(summary="colour \x1b[31mred\x1b[0m \x00"), "junit"))
    assert root.find(".//testcase[@name='z3']") is not None


def test_every_report_defines_every_verdict() -> None:
    page = render(_results(), "html")
    legend = re.search(r'<dl class="legend[^"]*" id="legend">(.*?)</dl>', page, re.S)
    assert legend is not None
    for verdict in Verdict:
        assert re.search(rf">{verdict.name}</span></dt><dd>{re.escape(str(escape(LEGEND[verdict])))}</dd>",
                         legend.group(1)), verdict.name
    assert "unbounded" in LEGEND[Verdict.PROVED]
    md = render(_results(), "md")
    for verdict in Verdict:
        assert f"- **{verdict.name}**: " in md, verdict.name
