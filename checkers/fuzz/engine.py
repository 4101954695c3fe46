"""Foundry fuzz and invariant runs over the spec harnesses (`testFuzz_<name>`, `invariant_*` in <ID>Symbolic).

Bounds are recorded (fuzz runs, invariant runs x depth, seed); a failure's counterexample (a single input or a
call sequence) becomes VIOLATED with a replay test; all passing gives HOLDS_BOUNDED.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from checkers import toolchain
from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, Spec, Verdict
from checkers.symbolic_harness import Call, Harness, actions, call_for_action, call_from_calldata
from checkers.symbolic_ledger import annotate_disagreement, record
from checkers.target import Target


class FuzzChecker(Checker):
    NAME = "fuzz"
    DESCRIPTION = "Foundry fuzz (testFuzz_) and invariant (invariant_) runs over the sequence harnesses"

    def __init__(self, fuzz_runs: int = 256, invariant_runs: int = 64, invariant_depth: int = 16,
                 seed: int = 0x5EED) -> None:
        self.fuzz_runs = fuzz_runs
        self.invariant_runs = invariant_runs
        self.invariant_depth = invariant_depth
        self.seed = seed

    def available(self) -> Availability:
        try:
            toolchain.forge()
        except Exception as exc:
            return Availability(False, str(exc))
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        from specs.sequences import SPECS

        return frozenset(s.id for s in SPECS if self.NAME in s.engines)

    def bounds(self) -> dict[str, str]:
        return {"fuzz_runs": str(self.fuzz_runs), "invariant_runs": str(self.invariant_runs),
                "invariant_depth": str(self.invariant_depth), "seed": hex(self.seed)}

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self._finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        harness = Harness(spec.id, target.root)
        if not harness.exists():
            return [self._finding(spec, target, Verdict.SKIPPED, f"no harness {harness.test_source}", started)]
        env = toolchain.tool_env() | {
            "FOUNDRY_FUZZ_RUNS": str(self.fuzz_runs), "FOUNDRY_INVARIANT_RUNS": str(self.invariant_runs),
            "FOUNDRY_INVARIANT_DEPTH": str(self.invariant_depth), "FOUNDRY_FUZZ_SEED": hex(self.seed),
            "FOUNDRY_INVARIANT_FAIL_ON_REVERT": "false",
        }
        cmd = [str(toolchain.forge()), "test", "--json", "--match-contract", f"^{harness.test_contract}$",
               "--match-test", "^(testFuzz_|invariant_)"]
        proc = subprocess.Popen(cmd, cwd=target.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return [self._finding(spec, target, Verdict.UNKNOWN, f"forge fuzz/invariant run exceeded {timeout_s:g} s",
                                  started)]
        results = _parse(out)
        if results is None:
            return [self._finding(spec, target, Verdict.ERROR, f"forge test produced no JSON: {_tail(out + err)}",
                                  started)]
        tests = {name: res for suite in results.values() for name, res in suite.get("test_results", {}).items()}
        if not tests:
            return [self._finding(spec, target, Verdict.SKIPPED,
                                  f"{harness.test_contract} has no testFuzz_/invariant_ tests", started)]
        failures = {n: r for n, r in tests.items() if r.get("status") != "Success"}
        if failures:
            name, res = sorted(failures.items())[0]
            calls = self._calls(harness, name, res)
            if not calls:
                return [self._finding(spec, target, Verdict.ERROR,
                                      f"{name} failed without a counterexample: {res.get('reason')}", started)]
            from checkers.replay import write_replay

            replay, command = write_replay(spec.id, target, harness, calls, self.NAME)
            cex = Counterexample(
                inputs={f"{i}.{c.signature}": ", ".join(c.args) for i, c in enumerate(calls, 1)},
                call_sequence=(f"{harness.harness_contract}()",) + tuple(c.render() for c in calls),
                explanation=f"{name}: {res.get('reason')}",
            )
            finding = self._finding(spec, target, Verdict.VIOLATED,
                                    f"{spec.id} violated by {name}: " + " -> ".join(c.render() for c in calls),
                                    started, counterexample=cex, replay=replay, command=command)
        else:
            finding = self._finding(spec, target, Verdict.HOLDS_BOUNDED,
                                    f"{len(tests)} fuzz/invariant tests passed ({', '.join(sorted(tests))})", started)
        record(target.root, finding)
        return [annotate_disagreement(target.root, finding)]

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

    def _finding(self, spec, target, verdict, summary, started, counterexample=None, replay=None, command=None):
        return Finding(
            spec_id=spec.id, engine=self.NAME, verdict=verdict, summary=summary,
            evidence=Evidence(counterexample=counterexample, replay_test=replay, replay_command=command,
                              bounds=self.bounds()),
            duration_s=round(time.monotonic() - started, 3), target=target.label,
        )


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


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:300] or "no output"
