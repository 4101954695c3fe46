"""A run's results: findings, per-spec summaries (with cross-checks), mutant kills and the exit code.

This is what every report renders and what `verify report` reloads; its JSON form is versioned
(SCHEMA_VERSION, reports/schemas/results.schema.json).

Exit codes (docs/verify.md; decided by `gate`, never by the display order of verdicts):
  0  every selected spec passes (PROVED / HOLDS_BOUNDED / NO_FINDING / NOT_APPLICABLE / ACCEPTED_RISK)
  1  some finding VIOLATED on the platform, whatever other engines said (or a verdict got worse in `verify diff`)
  2  usage or input error (raised as VerifyError before results exist)
  3  strict policy only: some spec UNKNOWN / VACUOUS / ERROR, a mutant not caught, or a spec every one of
     whose checks was SKIPPED (a gate that checked nothing must not pass).
SKIPPED beside a conclusive verdict from another engine does not count: the spec is judged by the engines that ran.
UNKNOWN (an engine ran out of budget) carries no information either way: beside a conclusive verdict from another
engine the spec takes the conclusive one and the note names the inconclusive engines; the finding itself stays
UNKNOWN in every report. ERROR and VACUOUS are never discounted: they mean something is broken; but they never hide
a VIOLATED from another engine (the spec shows VIOLATED and the note names them).
"""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from collections.abc import Mapping, Sequence
from typing import Any

from checkers.base import Counterexample, Evidence, Finding, SourceLocation, Spec, Verdict

SCHEMA_VERSION = "2.0"  # 2.0: NO_FINDING / NOT_APPLICABLE verdicts, gate decided by evidence


class ExitCode(enum.IntEnum):
    PASS = 0
    VIOLATED = 1
    USAGE = 2
    INCONCLUSIVE = 3


@dataclass(frozen=True)
class CheckResult:
    """One (spec, engine, target) outcome as the runner saw it."""

    finding: Finding
    original: Verdict  # the engine's verdict before accepted risk was applied
    cached: bool = False


@dataclass(frozen=True)
class SpecResult:
    spec_id: str
    verdict: Verdict
    engines: dict[str, str]  # engine -> verdict name (platform target)
    disagreement: str | None = None  # engines that disagree, named
    note: str = ""


@dataclass(frozen=True)
class MutantResult:
    name: str
    replaces: str
    description: str
    breaks: tuple[str, ...]
    caught_by: dict[str, list[str]]  # spec id -> engines whose finding kills the mutant
    missed_by: tuple[str, ...]  # spec ids named by the mutant that did not catch it
    error: str | None = None  # the mutant could not be built

    @property
    def killed(self) -> bool:
        return not self.missed_by and self.error is None


@dataclass
class RunResults:
    command: str
    specs: list[Spec]
    checks: list[CheckResult]
    settings: dict[str, Any] = field(default_factory=dict)
    tools: dict[str, str] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)  # label -> root (relative to the repo when inside it)
    locations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # spec id -> default locations
    mutants: list[MutantResult] = field(default_factory=list)
    diff: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    generated_at: str = ""
    strict: bool = True
    # --shard K/N (checkers/shard.py): this run holds one shard's checks; verdicts and gate cover those only.
    shard: dict[str, Any] | None = None
    # --project: the generic profile, which selected specs it applied and which platform specs it left out, why
    # (checkers/profile.py); None on the platform.
    profile: dict[str, Any] | None = None

    # ---- derived views ---------------------------------------------------------------------------
    def platform_checks(self) -> list[CheckResult]:
        mutant_names = {m.name for m in self.mutants}
        return [c for c in self.checks if c.finding.target not in mutant_names]

    def spec_results(self) -> list[SpecResult]:
        by_spec: dict[str, list[CheckResult]] = {}
        for check in self.platform_checks():
            by_spec.setdefault(check.finding.spec_id, []).append(check)
        missed = {s for m in self.mutants for s in m.missed_by}
        results = []
        for spec in self.specs:
            checks = by_spec.get(spec.id, [])
            results.append(summarise_spec(spec, checks, missed_mutants=[
                m.name for m in self.mutants if spec.id in m.missed_by] if spec.id in missed else []))
        return results

    def exit_code(self) -> ExitCode:
        return gate(self.platform_checks(), self.spec_results(), self.mutants, self.diff, self.strict)

    def counts(self) -> dict[str, int]:
        counts = {v.name: 0 for v in Verdict}
        for s in self.spec_results():
            counts[s.verdict.name] += 1
        return counts


def gate(checks: Sequence[CheckResult], summaries: Sequence[SpecResult], mutants: Sequence[MutantResult] = (),
         diff: Mapping[str, Any] | None = None, strict: bool = True) -> ExitCode:
    """The exit code, decided by evidence and never by the display order of the spec verdicts.

    Any unaccepted VIOLATED finding on the platform fails with 1, whatever the other engines said about the same
    spec (an ERROR beside a counterexample does not hide it); so does a verdict that got worse in `verify diff`.
    Only then, and only under the strict policy, inconclusive specs (UNKNOWN / VACUOUS / ERROR, every check
    SKIPPED) and surviving mutants fail with 3.
    """
    if any(c.finding.verdict == Verdict.VIOLATED for c in checks):
        return ExitCode.VIOLATED
    if any(s.verdict == Verdict.VIOLATED for s in summaries):
        return ExitCode.VIOLATED
    if diff and diff.get("worse"):
        return ExitCode.VIOLATED
    if not strict:
        return ExitCode.PASS
    if any(s.verdict.inconclusive or s.verdict == Verdict.SKIPPED for s in summaries):
        return ExitCode.INCONCLUSIVE
    if any(not m.killed for m in mutants):
        return ExitCode.INCONCLUSIVE
    return ExitCode.PASS


def display_verdict(verdicts: Sequence[Verdict]) -> Verdict:
    """The one word a spec shows, from its engines' verdicts (SKIPPED ones already removed by the caller).

    A counterexample outranks everything: VIOLATED shows whenever an engine found one (an ERROR or VACUOUS from
    another engine is named in the note, it cannot hide the evidence). UNKNOWN beside a decided verdict does not
    decide the spec. Otherwise the worst in display order.
    """
    if not verdicts:
        return Verdict.SKIPPED
    if Verdict.VIOLATED in verdicts:
        return Verdict.VIOLATED
    decided = [v for v in verdicts if v != Verdict.UNKNOWN] or list(verdicts)
    return max(decided)


def summarise_spec(spec: Spec, checks: list[CheckResult], missed_mutants: list[str] | None = None) -> SpecResult:
    """The spec's displayed verdict (display_verdict) with a note naming what it does not show.

    The note names inconclusive engines beside a decided verdict, and engines that failed beside a violation.
    Cross-check: a VIOLATED (or accepted-risk) finding beside a PROVED / HOLDS_BOUNDED / NO_FINDING one is reported
    by name, never merged away.
    """
    engines = {c.finding.engine: c.finding.verdict.name for c in checks}
    ran = [c for c in checks if c.finding.verdict != Verdict.SKIPPED]
    notes: list[str] = []
    if not checks:
        verdict, notes = Verdict.SKIPPED, ["no engine selected for this spec"]
    elif not ran:
        verdict = Verdict.SKIPPED
        notes = [f"{c.finding.engine}: {c.finding.summary}" for c in checks]
    else:
        verdict = display_verdict([c.finding.verdict for c in ran])
        undecided = sorted(c.finding.engine for c in ran if c.finding.verdict == Verdict.UNKNOWN)
        if undecided and verdict != Verdict.UNKNOWN:
            notes.append(f"inconclusive within budget: {', '.join(undecided)}")
        failed = sorted(f"{c.finding.engine} {c.finding.verdict.name}" for c in ran
                        if c.finding.verdict in (Verdict.ERROR, Verdict.VACUOUS))
        if failed and verdict == Verdict.VIOLATED:
            notes.append(f"also: {', '.join(failed)}")
    violated = sorted(c.finding.engine for c in ran if c.original == Verdict.VIOLATED)
    holds = sorted(c.finding.engine for c in ran if c.original.holds)
    disagreement = None
    if violated and holds:
        disagreement = (f"engines disagree: {', '.join(violated)} found a violation, "
                        f"{', '.join(holds)} found none ({', '.join(engines[e] for e in holds)})")
    if missed_mutants:
        if verdict != Verdict.VIOLATED:
            verdict = Verdict.VACUOUS if verdict == Verdict.SKIPPED else max(verdict, Verdict.VACUOUS)
        notes.append(f"did not catch mutant(s) {', '.join(missed_mutants)}")
    return SpecResult(spec.id, verdict, engines, disagreement, "; ".join(notes))


def kills(check: CheckResult) -> bool:
    """The kill rule: the mutant made the spec VIOLATED (a counterexample). Nothing else kills: an ERROR, even with
    a counterexample attached, is an engine problem and exits 3, not 1."""
    return check.original == Verdict.VIOLATED or check.finding.verdict == Verdict.VIOLATED


def apply_accepted_risk(spec: Spec, finding: Finding) -> CheckResult:
    """VIOLATED + a justified accepted risk -> ACCEPTED_RISK, keeping the evidence."""
    if finding.verdict == Verdict.VIOLATED and spec.accepted_risk:
        from dataclasses import replace

        return CheckResult(replace(finding, verdict=Verdict.ACCEPTED_RISK), Verdict.VIOLATED)
    return CheckResult(finding, finding.verdict)


# ---- JSON (de)serialisation ---------------------------------------------------------------------------
def finding_to_dict(f: Finding) -> dict[str, Any]:
    data = asdict(f)
    data["verdict"] = f.verdict.name
    ev = data["evidence"]
    ev["bounds"] = dict(f.evidence.bounds)
    ev["assumptions"] = list(f.evidence.assumptions)
    ev["locations"] = [asdict(loc) for loc in f.evidence.locations]
    if f.evidence.counterexample is not None:
        cx = f.evidence.counterexample
        ev["counterexample"] = {"inputs": {k: str(v) for k, v in cx.inputs.items()},
                                "call_sequence": list(cx.call_sequence),
                                "state": {k: str(v) for k, v in cx.state.items()}, "explanation": cx.explanation}
    return data


def finding_from_dict(d: dict[str, Any]) -> Finding:
    ev = dict(d.get("evidence") or {})
    cx = ev.get("counterexample")
    evidence = Evidence(
        counterexample=Counterexample(cx["inputs"], tuple(cx.get("call_sequence", ())), cx.get("state", {}),
                                      cx.get("explanation", "")) if cx else None,
        replay_test=ev.get("replay_test"), replay_command=ev.get("replay_command"), solver=ev.get("solver"),
        bounds=ev.get("bounds") or {}, assumptions=tuple(ev.get("assumptions") or ()), domain=ev.get("domain"),
        locations=tuple(SourceLocation(**loc) for loc in ev.get("locations") or ()), notes=ev.get("notes") or "",
    )
    return Finding(d["spec_id"], d["engine"], Verdict[d["verdict"]], d["summary"], evidence,
                   float(d.get("duration_s", 0.0)), d.get("target", "platform"))


def spec_to_dict(s: Spec) -> dict[str, Any]:
    data = asdict(s)
    data["severity"] = s.severity.value
    data["exemptions"] = dict(s.exemptions)
    for key in ("contracts", "functions", "engines", "mutants"):
        data[key] = list(data[key])
    return data


def spec_from_dict(d: dict[str, Any]) -> Spec:
    from checkers.base import Severity

    return Spec(id=d["id"], title=d["title"], rationale=d["rationale"], severity=Severity(d["severity"]),
                category=d["category"], contracts=tuple(d["contracts"]), functions=tuple(d["functions"]),
                engines=tuple(d["engines"]), mutants=tuple(d["mutants"]), accepted_risk=d.get("accepted_risk"),
                exemptions=d.get("exemptions") or {}, generic=bool(d.get("generic")),
                platform_only=d.get("platform_only"))


def to_json(r: RunResults) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "verify", "package": "ccperp-verify"},
        "command": r.command,
        "generated_at": r.generated_at,
        "strict": r.strict,
        "exit_code": int(r.exit_code()),
        "settings": r.settings,
        "tools": r.tools,
        "source": r.source,
        "targets": r.targets,
        "stats": r.stats,
        "counts": r.counts(),
        "specs": [spec_to_dict(s) for s in r.specs],
        "locations": r.locations,
        "spec_results": [
            {"spec_id": s.spec_id, "verdict": s.verdict.name, "engines": s.engines, "disagreement": s.disagreement,
             "note": s.note} for s in r.spec_results()
        ],
        "findings": [
            {**finding_to_dict(c.finding), "original_verdict": c.original.name, "cached": c.cached} for c in r.checks
        ],
        "mutants": [
            {"name": m.name, "replaces": m.replaces, "description": m.description, "breaks": list(m.breaks),
             "caught_by": m.caught_by, "missed_by": list(m.missed_by), "error": m.error, "killed": m.killed}
            for m in r.mutants
        ],
        "diff": r.diff,
        "shard": r.shard,
        "profile": r.profile,
    }


def from_json(data: dict[str, Any]) -> RunResults:
    checks = [CheckResult(finding_from_dict(f), Verdict[f.get("original_verdict", f["verdict"])],
                          bool(f.get("cached"))) for f in data["findings"]]
    mutants = [MutantResult(m["name"], m["replaces"], m["description"], tuple(m["breaks"]), m["caught_by"],
                            tuple(m["missed_by"]), m.get("error")) for m in data.get("mutants", [])]
    return RunResults(
        command=data["command"], specs=[spec_from_dict(s) for s in data["specs"]], checks=checks,
        settings=data.get("settings", {}), tools=data.get("tools", {}), source=data.get("source", {}),
        targets=data.get("targets", {}), locations=data.get("locations", {}), mutants=mutants,
        diff=data.get("diff"), stats=data.get("stats", {}), generated_at=data.get("generated_at", ""),
        strict=bool(data.get("strict", True)), shard=data.get("shard"), profile=data.get("profile"),
    )
