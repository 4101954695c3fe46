"""PropertyTestChecker: what each external function must achieve, as Foundry property tests.

Each INT spec owns the tests named `test_<SPEC_ID>_*` in contracts/test/integrity/ (naming.py). The tests deploy the
real platform (test/mocks/PlatformFixture.sol), call the function with fuzzed, valid inputs *without* try/catch (a
revert is a failure: liveness), and assert its effect on state and balances, the views that must agree with it, and
the values its events carry. Verdicts:
  - every test of the spec passed       -> HOLDS_BOUNDED (bounds: fuzz runs per test, seed, tests run)
  - a test failed                       -> VIOLATED: the test, forge's reason, the fuzzer's concrete arguments, and
                                           a generated Foundry test that replays them
  - the suite's setUp() reverted        -> VIOLATED (deployment liveness: the platform cannot be deployed and
                                           configured as the tests do), the revert reason as the counterexample
  - the spec has no test                -> ERROR (the catalogue promises a property nothing checks)
  - forge failed to build or run        -> ERROR; past the budget -> UNKNOWN (never cached, never a pass)
"""
from __future__ import annotations

import time
from pathlib import Path

from checkers import toolchain
from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, SourceLocation, Spec, Verdict
from checkers.engines.props import forge_run, naming, replay
from checkers.engines.sequence.checker import requires
from checkers.target import Target


class PropertyTestChecker(Checker):
    NAME = "props"
    DESCRIPTION = "Foundry property tests: integrity, liveness, view consistency and events of every external function"

    def __init__(self, fuzz_runs: int = 128, seed: int = 0x5EED) -> None:
        self.fuzz_runs = fuzz_runs
        self.seed = seed

    def available(self) -> Availability:
        return requires(forge=True)

    def supported_specs(self) -> frozenset[str]:
        from specs import all_specs

        return frozenset(s.id for s in all_specs() if self.NAME in s.engines)

    def bounds(self, tests: int) -> dict[str, str]:
        return {"fuzz_runs": str(self.fuzz_runs), "seed": hex(self.seed), "tests": str(tests)}

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self._finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        run = forge_run.run_suites(Path(target.root), self.fuzz_runs, self.seed, max(timeout_s, 1.0))
        if run.timed_out:
            return [self._finding(spec, target, Verdict.UNKNOWN, run.error or "timeout", started)]
        if run.error:
            return [self._finding(spec, target, Verdict.ERROR, run.error, started)]
        mine = [t for t in run.tests if naming.belongs(spec.id, t.signature)]
        broken_setup = {s: r for s, r in run.setup_failures.items()
                        if not mine or any(t.suite == s for t in mine) or _suite_for(spec, s)}
        if broken_setup:
            suite, reason = sorted(broken_setup.items())[0]
            return [self._setup_violation(spec, target, suite, reason, started)]
        if not mine:
            return [self._finding(spec, target, Verdict.ERROR,
                                  f"no property test named {naming.prefix(spec.id)}* in {naming.TEST_DIR}/", started)]
        failed = [t for t in mine if not t.passed]
        if failed:
            return [self._violation(spec, target, failed[0], len(failed), len(mine), started)]
        names = ", ".join(naming.test_name(t.signature).removeprefix(naming.prefix(spec.id)) for t in mine)
        return [self._finding(spec, target, Verdict.HOLDS_BOUNDED,
                              f"{len(mine)} property test(s) passed ({names})", started, tests=len(mine),
                              locations=_locations(target, mine))]

    # ------------------------------------------------------------------ findings
    def _finding(self, spec: Spec, target: Target, verdict: Verdict, summary: str, started: float, tests: int = 0,
                 counterexample: Counterexample | None = None, replay_test: str | None = None,
                 command: str | None = None, locations: tuple[SourceLocation, ...] = ()) -> Finding:
        domain = ("fuzzed valid inputs within each test's bounds (vm.assume/bound), from the deployed platform "
                  "of test/mocks/PlatformFixture.sol")
        return Finding(spec.id, self.NAME, verdict, summary,
                       Evidence(counterexample=counterexample, replay_test=replay_test, replay_command=command,
                                bounds=self.bounds(tests), domain=domain, locations=locations),
                       round(time.monotonic() - started, 3), target.label)

    def _violation(self, spec: Spec, target: Target, test: forge_run.TestOutcome, failed: int, total: int,
                   started: float) -> Finding:
        args = replay.decode_args(test.signature, test.calldata)
        path, command = replay.write(spec.id, target, test, args)
        call = f"{test.contract}.{naming.test_name(test.signature)}({', '.join(args)})"
        cx = Counterexample(inputs={f"{naming.test_name(test.signature)}[{i}]": a for i, a in enumerate(args)},
                            call_sequence=(f"{test.contract}.setUp()", call),
                            explanation=f"{test.reason or 'assertion failed'}"
                                        + (f" ({failed} of {total} tests failed)" if failed > 1 else ""))
        return self._finding(spec, target, Verdict.VIOLATED, f"{spec.id} violated: {call}: {test.reason}", started,
                             tests=total, counterexample=cx, replay_test=path, command=command,
                             locations=_locations(target, [test]))

    def _setup_violation(self, spec: Spec, target: Target, suite: str, reason: str, started: float) -> Finding:
        contract = suite.rsplit(":", 1)[-1]
        cx = Counterexample(inputs={"setUp": reason}, call_sequence=(f"{contract}.setUp()",),
                            explanation=f"deployment liveness: the platform cannot be deployed and configured "
                                        f"({contract}.setUp() reverted: {reason})")
        command = f"forge test --root <project> --match-contract '^{contract}$'"
        return self._finding(spec, target, Verdict.VIOLATED, f"{spec.id} violated: {contract}.setUp() reverted: "
                                                             f"{reason}", started, counterexample=cx, command=command)


def _suite_for(spec: Spec, suite: str) -> bool:
    """A suite whose setUp reverted owns the spec when the spec's contract names it (PoolIntegrity <- INT-POOL)."""
    return len(spec.id.split("-")) > 2 and suite.rsplit(":", 1)[-1].upper().startswith(spec.id.split("-")[1])


def _locations(target: Target, tests: list[forge_run.TestOutcome]) -> tuple[SourceLocation, ...]:
    found = []
    for t in tests[:5]:
        path = Path(target.root) / t.source
        name = naming.test_name(t.signature)
        try:
            lines = path.read_text().splitlines()
        except OSError:
            continue
        line = next((i for i, text in enumerate(lines, 1) if f"function {name}(" in text), 1)
        found.append(SourceLocation(t.source, line, t.contract, name))
    return tuple(found)
