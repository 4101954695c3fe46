"""What every human-facing report shows, computed once from RunResults."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from checkers.base import LEGEND, Finding, Verdict
from checkers.results import RunResults, SpecResult

COLORS = {
    "PROVED": "#1a7f37", "HOLDS_BOUNDED": "#2da44e", "NO_FINDING": "#4d8c57", "NOT_APPLICABLE": "#8c959f",
    "ACCEPTED_RISK": "#9a6700", "VIOLATED": "#cf222e", "UNKNOWN": "#8250df", "VACUOUS": "#bc4c00",
    "ERROR": "#a40e26", "SKIPPED": "#6e7781",
}
RICH_STYLES = {
    "PROVED": "bold green", "HOLDS_BOUNDED": "green", "NO_FINDING": "green", "NOT_APPLICABLE": "dim",
    "ACCEPTED_RISK": "yellow", "VIOLATED": "bold red", "UNKNOWN": "magenta", "VACUOUS": "dark_orange",
    "ERROR": "bold red", "SKIPPED": "dim",
}


def replay_command(f: Finding) -> str:
    ev = f.evidence
    if ev.replay_command:
        return ev.replay_command
    if ev.replay_test:
        return f"cd contracts && forge test --match-path {ev.replay_test} -vvvv"
    return f"verify check {f.spec_id} --engines {f.engine} --no-cache"


def legend() -> list[tuple[str, str]]:
    """(verdict name, definition) for every verdict, in display order, from checkers.base.LEGEND."""
    return [(v.name, LEGEND[v]) for v in Verdict]


def in_project(root: str, file: str) -> str:
    """A target-relative file as a project-relative path (the platform's files live under contracts/)."""
    if not root or root == "." or file.startswith(root.rstrip("/") + "/"):
        return posixpath.normpath(file)
    return posixpath.normpath(posixpath.join(root, file))


def evidence_items(f: Finding, root: str = "") -> list[tuple[str, str]]:
    """What a check rests on, labelled: scope and exemptions (from the notes), domain, bounds, conformance,
    assumptions, solver and source locations (under `root`, the target's root). Empty fields are left out."""
    ev = f.evidence
    items: list[tuple[str, str]] = list(note_items(ev.notes))
    if ev.domain:
        items.append(("domain", ev.domain))
    bounds = {k: v for k, v in ev.bounds.items() if not k.startswith("conformance_")}
    if bounds:
        items.append(("bounds", ", ".join(f"{k}={v}" for k, v in bounds.items())))
    if "conformance_inputs" in ev.bounds:
        seed = ev.bounds.get("conformance_seed")
        items.append(("conformance", f"model and bytecode compared on {ev.bounds['conformance_inputs']} inputs"
                                     + (f" (seed {seed})" if seed else "")))
    items += [("assumption", a) for a in ev.assumptions]
    if ev.solver:
        items.append(("solver", ev.solver))
    if ev.locations:
        shown = [f"{in_project(root, loc.file)}:{loc.line}" for loc in ev.locations[:5]]
        more = len(ev.locations) - len(shown)
        items.append(("locations", ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")))
    return items


_SCOPE = re.compile(r"in scope: (?P<scope>.*?)(?:; exempt: (?P<exempt>.*))?$", re.S)


def note_items(notes: str) -> list[tuple[str, str]]:
    """Slither's notes "in scope: A, B; exempt: C.f (reason); D.g (reason)" as scope and one item per exemption;
    any other note as it is."""
    if not notes:
        return []
    m = _SCOPE.match(notes)
    if m is None:
        return [("notes", notes)]
    items = [("scope", m["scope"])]
    if m["exempt"]:
        items += [("exempt", e) for e in m["exempt"].split("; ")]
    return items


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
    ledger: list[Finding]  # passing verdicts with the domain, scope, assumptions and bounds they rest on
    accepted: list[tuple[Any, list[Finding]]]
    disagreements: list[SpecResult]
    exit_code: int
    counts: dict[str, int]

    def evidence(self, f: Finding) -> list[tuple[str, str]]:
        return evidence_items(f, self.results.targets.get(f.target, ""))

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
    ledger = [f for f in findings if f.verdict.holds or f.verdict == Verdict.NOT_APPLICABLE]
    accepted = [(s, [f for f in findings if f.spec_id == s.id]) for s in results.specs if s.accepted_risk]
    return View(results, engines, rows, counterexamples, ledger, accepted,
                [s for s in summaries.values() if s.disagreement], int(results.exit_code()), results.counts())


def scope_lines(results: RunResults) -> list[str]:
    """What the run covers when it is not every selected spec on one machine, for every report's header: a shard
    (--shard), shards joined (verify merge), the generic profile (--project) and the platform specs it left out."""
    lines = []
    shard = results.shard
    if shard:
        lines.append(f"shard {shard['index']}/{shard['count']}: {len(results.checks)} of {shard['planned_checks']} "
                     f"planned checks; verdicts and exit code cover this shard's checks only (verify merge joins "
                     f"the shards)")
    if results.stats.get("shards"):
        lines.append(f"merged from {results.stats['shards']} shards (verify merge): verdicts and exit code over "
                     f"every shard's checks")
    profile = results.profile
    if profile:
        left = profile["not_applied"]
        declared = [e for e in left if e.get("declared")]
        text = (f"generic profile (--project): {len(profile['applied'])} generic specs applied, {len(left)} "
                f"platform specs not applied, and the exit code covers the generic specs only")
        if left:
            by_reason: dict[str, list[str]] = {}
            for e in declared:
                by_reason.setdefault(e["reason"], []).append(e["spec_id"])
            named = "; ".join(f"{', '.join(ids)}: {reason}" for reason, ids in by_reason.items())
            rest = len(left) - len(declared)
            parts = [named] if named else []
            if rest:
                parts.append(f"{rest} that check the platform's own contracts")
            text += f". Not applied: {'; and '.join(parts)} (all listed under \"Platform specs not applied\")"
        lines.append(text)
    return lines


def cx_lines(f: Finding) -> list[str]:
    cx = f.evidence.counterexample
    if cx is None:
        return []
    lines = [f"{k} = {v}" for k, v in cx.inputs.items()]
    lines += [f"call: {c}" for c in cx.call_sequence]
    lines += [f"state {k} = {v}" for k, v in cx.state.items()]
    return lines
