"""What every human-facing report shows, computed once from RunResults."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checkers.base import Finding, Verdict
from checkers.results import RunResults, SpecResult

COLORS = {
    "PROVED": "#1a7f37", "HOLDS_BOUNDED": "#2da44e", "NO_FINDING": "#4d8c57", "NOT_APPLICABLE": "#6e7781",
    "VIOLATED": "#cf222e", "ACCEPTED_RISK": "#9a6700",
    "UNKNOWN": "#8250df", "VACUOUS": "#bc4c00", "ERROR": "#a40e26", "SKIPPED": "#6e7781",
}
RICH_STYLES = {
    "PROVED": "bold green", "HOLDS_BOUNDED": "green", "NO_FINDING": "green", "NOT_APPLICABLE": "dim",
    "VIOLATED": "bold red", "ACCEPTED_RISK": "yellow",
    "UNKNOWN": "magenta", "VACUOUS": "dark_orange", "ERROR": "bold red", "SKIPPED": "dim",
}


def replay_command(f: Finding) -> str:
    ev = f.evidence
    if ev.replay_command:
        return ev.replay_command
    if ev.replay_test:
        return f"cd contracts && forge test --match-path {ev.replay_test} -vvvv"
    return f"verify check {f.spec_id} --engines {f.engine} --no-cache"


@dataclass
class Row:
    spec: Any
    result: SpecResult
    cells: dict[str, Finding | None] = field(default_factory=dict)


@dataclass
class View:
    results: RunResults
    engines: list[str]
    rows: list[Row]
    counterexamples: list[Finding]
    ledger: list[Finding]  # proofs and bounded results with their domain, assumptions and bounds
    accepted: list[tuple[Any, list[Finding]]]
    disagreements: list[SpecResult]
    exit_code: int
    counts: dict[str, int]

    def engine_findings(self, engine: str) -> list[Finding]:
        return [c.finding for c in self.results.platform_checks() if c.finding.engine == engine]

    @staticmethod
    def tally(findings: list[Finding]) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in sorted(findings, key=lambda f: f.verdict):
            out[f.verdict.name] = out.get(f.verdict.name, 0) + 1
        return out


def build_view(results: RunResults) -> View:
    platform = results.platform_checks()
    engines = sorted({c.finding.engine for c in platform} | {e for s in results.specs for e in s.engines})
    by_spec: dict[str, dict[str, Finding]] = {}
    for c in platform:
        by_spec.setdefault(c.finding.spec_id, {})[c.finding.engine] = c.finding
    summaries = {s.spec_id: s for s in results.spec_results()}
    rows = [Row(spec, summaries[spec.id], {e: by_spec.get(spec.id, {}).get(e) for e in engines})
            for spec in results.specs]
    findings = [c.finding for c in platform]
    counterexamples = [f for f in findings if f.evidence.counterexample is not None]
    ledger = [f for f in findings if f.verdict in (Verdict.PROVED, Verdict.HOLDS_BOUNDED)]
    accepted = [(s, [f for f in findings if f.spec_id == s.id]) for s in results.specs if s.accepted_risk]
    return View(results, engines, rows, counterexamples, ledger, accepted,
                [s for s in summaries.values() if s.disagreement], int(results.exit_code()), results.counts())


def cx_lines(f: Finding) -> list[str]:
    cx = f.evidence.counterexample
    if cx is None:
        return []
    lines = [f"{k} = {v}" for k, v in cx.inputs.items()]
    lines += [f"call: {c}" for c in cx.call_sequence]
    lines += [f"state {k} = {v}" for k, v in cx.state.items()]
    return lines
