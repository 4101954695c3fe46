"""Which checks fail the gate: `checkers.results.gate` read per check, for the CI formats (JUnit, SARIF).

A dashboard must never be red while the gate is green, nor green while it is red. Per check, under the run's
policy (RunResults.strict):
  VIOLATED                      failure, always (exit 1)
  ERROR, VACUOUS                error under strict (exit 3); skipped otherwise
  UNKNOWN                       error under strict when the spec itself is UNKNOWN (no engine decided it, exit 3);
                                skipped when another engine decided the spec (the gate does not count it) or when
                                not strict
  SKIPPED                       error under strict when every check of the spec was skipped (a gate that checked
                                nothing fails, exit 3); skipped otherwise
  NOT_APPLICABLE                skipped ("not applicable: ..."), never a failure
  PROVED, HOLDS_BOUNDED, NO_FINDING, ACCEPTED_RISK   pass
Surviving mutants, specs no engine checked and verdicts that got worse in `verify diff` are judged by the
callers with the same gate rules (`mutant_outcome`, `unchecked_spec_outcome`).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from checkers.base import Verdict
from checkers.results import CheckResult, MutantResult, SpecResult


class Status(enum.Enum):
    PASS = "pass"
    SKIPPED = "skipped"
    FAILURE = "failure"
    ERROR = "error"

    @property
    def fails_gate(self) -> bool:
        return self in (Status.FAILURE, Status.ERROR)


@dataclass(frozen=True)
class Outcome:
    status: Status
    kind: str  # the verdict name, SURVIVED / BUILD_FAILED for mutants, WORSE for a diff
    reason: str  # one line: the verdict, why it counts (or not) and the engine's summary


def check_outcome(check: CheckResult, spec: SpecResult, strict: bool) -> Outcome:
    f = check.finding
    v = f.verdict
    said = f"{v.name}: {f.summary}"
    if v == Verdict.VIOLATED:
        return Outcome(Status.FAILURE, v.name, said)
    if v in (Verdict.ERROR, Verdict.VACUOUS):
        return Outcome(Status.ERROR, v.name, said) if strict else \
            Outcome(Status.SKIPPED, v.name, f"{said} (not strict: does not fail the gate)")
    if v == Verdict.UNKNOWN:
        if not strict:
            return Outcome(Status.SKIPPED, v.name, f"{said} (not strict: does not fail the gate)")
        if spec.verdict == Verdict.UNKNOWN:
            return Outcome(Status.ERROR, v.name, f"{said} (no engine decided {f.spec_id})")
        return Outcome(Status.SKIPPED, v.name,
                       f"{said} (inconclusive; {f.spec_id} is decided by the other engines: {spec.verdict.name})")
    if v == Verdict.SKIPPED:
        if strict and spec.verdict == Verdict.SKIPPED:
            return Outcome(Status.ERROR, v.name, f"{said} (every check of {f.spec_id} was skipped: under the "
                                                 f"strict policy a spec nothing checked fails the gate)")
        return Outcome(Status.SKIPPED, v.name, said)
    if v == Verdict.NOT_APPLICABLE:
        return Outcome(Status.SKIPPED, v.name, f"not applicable: {f.summary}")
    return Outcome(Status.PASS, v.name, said)


def unchecked_spec_outcome(spec: SpecResult, strict: bool) -> Outcome:
    """A spec with no check on the platform at all (no engine selected for it)."""
    reason = f"{spec.verdict.name}: {spec.note or 'no engine checked it'}"
    if strict and (spec.verdict.inconclusive or spec.verdict == Verdict.SKIPPED):
        return Outcome(Status.ERROR, spec.verdict.name, reason)
    return Outcome(Status.SKIPPED, spec.verdict.name, reason)


def mutant_outcome(m: MutantResult, strict: bool) -> Outcome:
    caught = ", ".join(f"{s} ({'/'.join(e)})" for s, e in m.caught_by.items())
    if m.killed:
        return Outcome(Status.PASS, "KILLED", f"caught by {caught}")
    kind = "BUILD_FAILED" if m.error else "SURVIVED"
    why = f"build failed: {m.error}" if m.error else f"not caught by {', '.join(m.missed_by)}"
    if strict:
        return Outcome(Status.ERROR if m.error else Status.FAILURE, kind, f"mutant survived: {why}")
    return Outcome(Status.SKIPPED, kind, f"mutant survived: {why} (not strict: does not fail the gate)")


def certificate_outcome(entry: dict, strict: bool) -> Outcome:
    """One selector of `verify diff`'s upgrade certificate, judged like the check (EQV-*, UPG-02, the re-verified
    specs) its verdict comes from."""
    status, verdict = entry.get("status", ""), entry.get("verdict")
    text = f"{status}: {entry.get('detail') or ''}".rstrip(": ")
    if status in ("unchanged", "added"):
        return Outcome(Status.PASS, status.upper(), text)
    if status == "removed" or verdict == Verdict.VIOLATED.name:
        return Outcome(Status.FAILURE, verdict or "VIOLATED", text)
    if verdict in (Verdict.PROVED.name, Verdict.HOLDS_BOUNDED.name, Verdict.NO_FINDING.name,
                   Verdict.ACCEPTED_RISK.name):
        return Outcome(Status.PASS, verdict, text)
    if verdict == Verdict.SKIPPED.name:
        return Outcome(Status.SKIPPED, verdict, f"{text} (no spec names this function)")
    return Outcome(Status.ERROR if strict else Status.SKIPPED, verdict or "UNKNOWN", text)


def certificate_cell(entry: dict) -> str:
    """The evidence column of the certificate tables: the reason, the engine's line, the re-verified specs."""
    parts = [entry.get("detail") or ""]
    if entry.get("reverified"):
        parts.append("re-verified: " + ", ".join(f"{s} {v}" for s, v in entry["reverified"].items()))
    return "; ".join(p for p in parts if p)
