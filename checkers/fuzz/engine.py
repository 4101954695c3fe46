"""Foundry fuzz and invariant runs over the spec harnesses (`testFuzz_<name>`, `invariant_*` in <ID>Symbolic).

Bounds are recorded (fuzz runs, invariant runs x depth, seed); a failure's counterexample (a single input or a
call sequence) becomes VIOLATED with a replay test; all passing gives HOLDS_BOUNDED.
"""
from __future__ import annotations

import json

from checkers import toolchain
from checkers.base import Availability, Finding, Spec, Verdict
from checkers.sequence_engine import SequenceChecker, requires, run_bounded, tail
from checkers.symbolic_harness import Call, Harness, actions, call_for_action, call_from_calldata
from checkers.target import Target


class FuzzChecker(SequenceChecker):
    NAME = "fuzz"
    DESCRIPTION = "Foundry fuzz (testFuzz_) and invariant (invariant_) runs over the sequence harnesses"

    def __init__(self, fuzz_runs: int = 256, invariant_runs: int = 64, invariant_depth: int = 16,
                 seed: int = 0x5EED) -> None:
        self.fuzz_runs = fuzz_runs
        self.invariant_runs = invariant_runs
        self.invariant_depth = invariant_depth
        self.seed = seed

    def available(self) -> Availability:
        return requires(forge=True)

    def bounds(self) -> dict[str, str]:
        return {"fuzz_runs": str(self.fuzz_runs), "invariant_runs": str(self.invariant_runs),
                "invariant_depth": str(self.invariant_depth), "seed": hex(self.seed)}

    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        env = toolchain.tool_env() | {
            "FOUNDRY_FUZZ_RUNS": str(self.fuzz_runs), "FOUNDRY_INVARIANT_RUNS": str(self.invariant_runs),
            "FOUNDRY_INVARIANT_DEPTH": str(self.invariant_depth), "FOUNDRY_FUZZ_SEED": hex(self.seed),
            "FOUNDRY_INVARIANT_FAIL_ON_REVERT": "false",
        }
        cmd = [str(toolchain.forge()), "test", "--json", "--match-contract", f"^{harness.test_contract}$",
               "--match-test", "^(testFuzz_|invariant_)"]
        done = run_bounded(cmd, cwd=target.root, env=env, timeout_s=timeout_s)
        if done is None:
            return self.finding(spec, target, Verdict.UNKNOWN, f"forge fuzz/invariant run exceeded {timeout_s:g} s",
                                started)
        results = _parse(done.stdout)
        if results is None:
            return self.finding(spec, target, Verdict.ERROR,
                                f"forge test produced no JSON: {tail(done.stdout + done.stderr, limit=300)}", started)
        tests = {name: res for suite in results.values() for name, res in suite.get("test_results", {}).items()}
        if not tests:
            return self.finding(spec, target, Verdict.SKIPPED,
                                f"{harness.test_contract} has no testFuzz_/invariant_ tests", started)
        failures = {n: r for n, r in tests.items() if r.get("status") != "Success"}
        if not failures:
            return self.finding(spec, target, Verdict.HOLDS_BOUNDED,
                                f"{len(tests)} fuzz/invariant tests passed ({', '.join(sorted(tests))})", started)
        name, res = sorted(failures.items())[0]
        calls = self._calls(harness, name, res)
        if not calls:
            return self.finding(spec, target, Verdict.ERROR,
                                f"{name} failed without a counterexample: {res.get('reason')}", started)
        return self.violation(spec, target, harness, calls, f"{name}: {res.get('reason')}", started)

    def _calls(self, harness: Harness, test_name: str, res: dict) -> list[Call]:
        cex = res.get("counterexample") or {}
        acts = actions(harness.artifact()["abi"])
        if "Sequence" in cex:
            seq = cex["Sequence"]
            steps = seq[1] if isinstance(seq, list) and len(seq) == 2 and isinstance(seq[1], list) else seq
            return [call_from_calldata(acts, step["calldata"]) for step in steps if step.get("calldata")]
        if "Single" in cex:
            data = cex["Single"]["calldata"].removeprefix("0x")
            name = test_name.split("(")[0].removeprefix("testFuzz_")
            words = [int(data[8 + 64 * i: 8 + 64 * (i + 1)], 16) for i in range((len(data) - 8) // 64)]
            return [call_for_action(acts, name, words)]
        return []


def _parse(out: str) -> dict | None:
    """forge prints one JSON object, sometimes followed by event lines: take the first object."""
    text = out.lstrip()
    start = text.find("{")
    if start < 0:
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None
