"""Markdown handoff report: the same sections as the HTML page, readable in a code review."""
from __future__ import annotations

from checkers.results import RunResults
from reports.view import build_view, cx_lines, replay_command


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: RunResults) -> str:
    v = build_view(results)
    r = results
    out = [f"# Verification report: `verify {r.command}`", ""]
    out.append(f"Source commit `{(r.source.get('commit') or 'unknown')}`{' (uncommitted changes)' if r.source.get('dirty') else ''}"
               f" · generated {r.generated_at} · exit code **{v.exit_code}** · strict={r.strict}")
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
        out.append(f"- **{d.spec_id}**: {d.disagreement}")
    out.append("## Traceability matrix (spec × engine)")
    out.append("")
    out.append("| spec | title | verdict | " + " | ".join(v.engines) + " |")
    out.append("|---|---|---|" + "---|" * len(v.engines))
    for row in v.rows:
        cells = [row.cells[e].verdict.name if row.cells[e] else "·" for e in v.engines]
        out.append(f"| {row.spec.id} | {_cell(row.spec.title)} | **{row.result.verdict.name}** | " + " | ".join(cells) + " |")
    out.append("")
    out.append("## Findings")
    out.append("")
    for row in v.rows:
        for e, f in row.cells.items():
            if f is not None:
                out.append(f"- {f.spec_id} / {e}: {f.verdict.name}: {_cell(f.summary)}")
        if row.result.note:
            out.append(f"  - note: {_cell(row.result.note)}")
    out.append("")
    out.append("## Counterexamples")
    out.append("")
    if not v.counterexamples:
        out.append("None on the platform.")
    for f in v.counterexamples:
        out.append(f"### {f.spec_id} ({f.engine}): {f.verdict.name}")
        out.append("")
        out.append("```")
        out.extend(cx_lines(f))
        out.append("```")
        if f.evidence.counterexample and f.evidence.counterexample.explanation:
            out.append(f.evidence.counterexample.explanation)
        out.append(f"Replay: `{replay_command(f)}`")
        out.append("")
    out.append("## Assumptions and bounds ledger")
    out.append("")
    out.append("| spec | engine | verdict | domain | bounds | assumptions |")
    out.append("|---|---|---|---|---|---|")
    for f in v.ledger:
        bounds = ", ".join(f"{k}={b}" for k, b in f.evidence.bounds.items())
        out.append(f"| {f.spec_id} | {f.engine} | {f.verdict.name} | {_cell(f.evidence.domain or '')} | "
                   f"{_cell(bounds)} | {_cell('; '.join(f.evidence.assumptions))} |")
    out.append("")
    out.append("## Accepted-risk ledger")
    out.append("")
    if not v.accepted:
        out.append("No accepted risks.")
    for spec, findings in v.accepted:
        out.append(f"- **{spec.id}** {spec.title}: {spec.accepted_risk}")
        for f in findings:
            out.append(f"  - {f.engine}: {f.verdict.name}: {_cell(f.summary)}")
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
            out.append(f"| {m.name} | {m.replaces} | {', '.join(m.breaks)} | {caught} | {_cell(status)} |")
    if r.diff:
        out.append("")
        out.append(f"## Upgrade diff against `{r.diff.get('base')}`")
        out.append("")
        for line in r.diff.get("lines", []):
            out.append(f"- {line}")
    out.append("")
    out.append("## Tools and versions")
    out.append("")
    for k, val in sorted(r.tools.items()):
        out.append(f"- {k}: {val}")
    out.append("")
    return "\n".join(out)
