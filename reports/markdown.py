"""Markdown handoff report: the same sections as the HTML page, readable in a code review.

All user text goes through `md` (inline text, table cells) or `code` (inline code) or a fence longer than any
backtick run it holds: a `|` must not split a table row, `<tag>` must not turn into HTML, `*`/`_`/`[` must not
turn into emphasis or links.
"""
from __future__ import annotations

import re

from checkers.results import RunResults
from reports.outcome import certificate_cell, certificate_outcome
from reports.view import build_view, cx_lines, legend, replay_command, scope_lines

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: object) -> str:
    """Inline Markdown text, safe in a table cell."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split("\n")))


def code(text: object) -> str:
    """Inline code; a `|` is escaped (GFM reads it before code spans), backticks get a longer fence."""
    body = " ".join(str(text).split("\n")).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def fenced(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    fence = "`" * max(3, max((len(run) + 1 for run in re.findall(r"`+", text)), default=0))
    return [fence, *lines, fence]


def render(results: RunResults) -> str:
    v = build_view(results)
    r = results
    out = [f"# Verification report: {code('verify ' + r.command)}", ""]
    out.append(f"Source commit {code(r.source.get('commit') or 'unknown')}"
               f"{' (uncommitted changes)' if r.source.get('dirty') else ''}"
               f" · generated {md(r.generated_at)} · exit code **{v.exit_code}** · strict={r.strict}")
    out.append("")
    for label, root in r.targets.items():
        out.append(f"- target **{md(label)}**: {code(root)}")
    out.extend(f"- {md(line)}" for line in scope_lines(r))
    out.append("")
    out.append("## Summary")
    out.append("")
    out.append(" · ".join(f"{k}: {n}" for k, n in v.counts.items() if n) or "no specs selected")
    out.append("")
    if r.stats:
        out.append(f"{r.stats.get('checks', 0)} checks, {r.stats.get('cached', 0)} from cache, "
                   f"wall {r.stats.get('wall_s', 0)} s")
        out.append("")
    for d in v.disagreements:
        out.append(f"- **{md(d.spec_id)}**: {md(d.disagreement)}")
    out.append("")
    out.append("Verdicts, best to worst:")
    out.append("")
    out.extend(f"- **{name}**: {md(text)}" for name, text in legend())
    out.append("")
    out.append("## Traceability matrix (spec × engine)")
    out.append("")
    out.append("| spec | title | verdict | " + " | ".join(md(e) for e in v.engines) + " |")
    out.append("|---|---|---|" + "---|" * len(v.engines))
    for row in v.rows:
        cells = [row.cells[e].verdict.name if row.cells[e] else "·" for e in v.engines]
        out.append(f"| {md(row.spec.id)} | {md(row.spec.title)} | **{row.result.verdict.name}** | "
                   + " | ".join(cells) + " |")
    out.append("")
    out.append("## Findings")
    out.append("")
    for row in v.rows:
        for e, f in row.cells.items():
            if f is None:
                continue
            out.append(f"- {md(f.spec_id)} / {md(e)}: **{f.verdict.name}**: {md(f.summary)}")
            out.extend(f"  - {label}: {md(text)}" for label, text in v.evidence(f))
        if row.result.note:
            out.append(f"  - note: {md(row.result.note)}")
    out.append("")
    out.append("## Counterexamples")
    out.append("")
    if not v.counterexamples:
        out.append("None on the platform.")
    for f in v.counterexamples:
        out.append(f"### {md(f.spec_id)} ({md(f.engine)}): {f.verdict.name}")
        out.append("")
        out.extend(fenced(cx_lines(f)))
        if f.evidence.counterexample and f.evidence.counterexample.explanation:
            out.append("")
            out.append(md(f.evidence.counterexample.explanation))
        out.append("")
        out.append(f"Replay: {code(replay_command(f))}")
        out.append("")
    out.append("## Assumptions and bounds ledger")
    out.append("")
    out.append("What each passing verdict rests on: a proof is only as wide as its domain, a bounded result says "
               "nothing beyond its bounds, a structural rule only covers its scope.")
    out.append("")
    out.append("| spec | engine | verdict | evidence |")
    out.append("|---|---|---|---|")
    for f in v.ledger:
        evidence = "<br>".join(f"{label}: {md(text)}" for label, text in v.evidence(f)) or "—"
        out.append(f"| {md(f.spec_id)} | {md(f.engine)} | {f.verdict.name} | {evidence} |")
    out.append("")
    out.append("## Accepted-risk ledger")
    out.append("")
    if not v.accepted:
        out.append("No accepted risks.")
    for spec, findings in v.accepted:
        out.append(f"- **{md(spec.id)}** {md(spec.title)}: {md(spec.accepted_risk)}")
        for f in findings:
            out.append(f"  - {md(f.engine)}: {f.verdict.name}: {md(f.summary)}")
    if r.mutants:
        out.append("")
        out.append("## Mutant kill matrix")
        out.append("")
        out.append("| mutant | replaces | must be caught by | caught by | status |")
        out.append("|---|---|---|---|---|")
        for m in r.mutants:
            caught = ", ".join(f"{s} ({'/'.join(e)})" for s, e in m.caught_by.items())
            status = "killed" if m.killed else (f"build failed: {m.error}" if m.error else
                                                f"NOT caught by {', '.join(m.missed_by)}")
            out.append(f"| {md(m.name)} | {md(m.replaces)} | {md(', '.join(m.breaks))} | {md(caught)} | "
                       f"{md(status)} |")
    if r.diff:
        out.append("")
        out.append(f"## Upgrade diff against {code(r.diff.get('base'))}")
        out.append("")
        for line in r.diff.get("lines", []):
            out.append(f"- {md(line)}")
        if r.diff.get("certificate"):
            out.append("")
            out.append("### Upgrade certificate")
            out.append("")
            out.append("Every external selector: bytecode unchanged, compared by the equivalence engine (EQV-*), "
                       "declared changed in upgrade-manifest.toml (the specs naming it re-verified), added or removed.")
            out.append("")
            out.append("| contract | function | selector | status | verdict | evidence |")
            out.append("|---|---|---|---|---|---|")
            for e in r.diff["certificate"]:
                out.append(f"| {md(e['contract'])} | {code(e['signature'])} | {code(e['selector'])} | {md(e['status'])} "
                           f"| {md(certificate_outcome(e, r.strict).kind)} | {md(certificate_cell(e))} |")
    if r.profile and r.profile["not_applied"]:
        out.append("")
        out.append("## Platform specs not applied")
        out.append("")
        out.append("The generic profile (`--project`) runs only the rules meaningful on any code; these specs of the "
                   "selection check the platform's own contracts, policies or baselines.")
        out.append("")
        out.append("| spec | why not applied |")
        out.append("|---|---|")
        out.extend(f"| {md(e['spec_id'])} | {md(e['reason'])} |" for e in r.profile["not_applied"])
    out.append("")
    out.append("## Tools and versions")
    out.append("")
    for k, val in sorted(r.tools.items()):
        out.append(f"- {md(k)}: {md(val)}")
    out.append("")
    return "\n".join(out)
