"""Foundry fuzz and invariant runs over the spec harnesses (`testFuzz_<name>`, `invariant_*` in <ID>Symbolic).

Bounds are recorded (fuzz runs, invariant runs x depth, seed); a failure's counterexample (a single input or a
call sequence) becomes VIOLATED with a replay test. All passing gives HOLDS_BOUNDED only when every act_ function
succeeded at least once in the invariant campaign (forge's per-selector metrics: calls minus reverts); an act_
that always reverted makes it VACUOUS, and a set-up that reverted explored nothing (VACUOUS as well).

The harness-suite specs run plain Foundry tests of every SEQ harness: DEPLOY-01 `test_deploy` (the set-up
deploys and the property holds in it; a reverting set-up is VIOLATED with its reason and a deploy-only replay),
LIVE-01 `test_live_<name>` (one known-valid call per act_; a refused call is VIOLATED, replayed with
require(success)).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from checkers import toolchain
from checkers.base import Availability, Finding, Spec, Verdict
from checkers.engines.sequence.checker import Completed, Coverage, SequenceChecker, requires, run_bounded, tail
from checkers.engines.sequence.harness import Call, Harness, actions, call_for_action, call_from_calldata
from checkers.target import Target

SETUP = "setUp()"


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

    def _forge(self, target: Target, args: Sequence[str], timeout_s: float) -> Completed | None:
        env = toolchain.tool_env() | {
            "FOUNDRY_FUZZ_RUNS": str(self.fuzz_runs), "FOUNDRY_INVARIANT_RUNS": str(self.invariant_runs),
            "FOUNDRY_INVARIANT_DEPTH": str(self.invariant_depth), "FOUNDRY_FUZZ_SEED": hex(self.seed),
            "FOUNDRY_INVARIANT_FAIL_ON_REVERT": "false",
        }
        return run_bounded([str(toolchain.forge()), "test", "--json", *args], cwd=target.root, env=env,
                           timeout_s=timeout_s)

    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        done = self._forge(target, ["--match-contract", f"^{harness.test_contract}$",
                                    "--match-test", "^(testFuzz_|invariant_)"], timeout_s)
        if done is None:
            return self.finding(spec, target, Verdict.UNKNOWN, f"forge fuzz/invariant run exceeded {timeout_s:g} s",
                                started)
        results = _parse(done.stdout)
        if results is None:
            return self.finding(spec, target, Verdict.ERROR,
                                f"forge test produced no JSON: {tail(done.stdout + done.stderr, limit=300)}", started)
        tests = {name: res for suite in results.values() for name, res in suite.get("test_results", {}).items()}
        if SETUP in tests and tests[SETUP].get("status") != "Success":
            return self.setup_reverted(spec, target, harness, f"{SETUP}: {tests[SETUP].get('reason')}", started)
        if not tests:
            return self.finding(spec, target, Verdict.SKIPPED,
                                f"{harness.test_contract} has no testFuzz_/invariant_ tests", started)
        failures = {n: r for n, r in tests.items() if r.get("status") != "Success"}
        if not failures:
            coverage = Coverage.of(actions(harness.artifact()["abi"]), invariant_successes(tests.values()),
                                   "successful calls", "the invariant campaign")
            return self.bounded(spec, target, coverage,
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

    # --- DEPLOY-01 and LIVE-01: plain Foundry tests of every harness ------------------------------------

    def run_suite(self, spec: Spec, target: Target, harnesses: Sequence[Harness], timeout_s: float,
                  started: float) -> Finding:
        from specs.sequences import DEPLOY_SPEC, LIVE_SPEC

        if spec.id not in (DEPLOY_SPEC, LIVE_SPEC):
            return super().run_suite(spec, target, harnesses, timeout_s, started)
        deploy = spec.id == DEPLOY_SPEC
        contracts = "|".join(h.test_contract for h in harnesses)
        args = ["--match-contract", f"^({contracts})$", "--match-test", r"^test_deploy\b" if deploy else "^test_live_"]
        done = self._forge(target, args if deploy else [*args, "-vvv"], timeout_s)  # -vvv: the witness's calls
        if done is None:
            return self.finding(spec, target, Verdict.UNKNOWN, f"forge test exceeded {timeout_s:g} s", started)
        results = _parse(done.stdout)
        if results is None:
            return self.finding(spec, target, Verdict.ERROR,
                                f"forge test produced no JSON: {tail(done.stdout + done.stderr, limit=300)}", started)
        suites = {name.split(":")[-1]: suite.get("test_results", {}) for name, suite in results.items()}
        bounds = {"harnesses": ", ".join(h.harness_contract for h in harnesses),
                  "inputs": "concrete (one execution each)"}
        if deploy:
            return self._deployment(spec, target, harnesses, suites, started, bounds)
        return self._liveness(spec, target, harnesses, suites, started, bounds)

    def _deployment(self, spec: Spec, target: Target, harnesses: Sequence[Harness],
                    suites: Mapping[str, Mapping[str, dict]], started: float, bounds: dict[str, str]) -> Finding:
        failed: list[tuple[Harness, str]] = []
        missing = []
        for harness in harnesses:
            tests = suites.get(harness.test_contract, {})
            setup, deployed = tests.get(SETUP), tests.get("test_deploy()")
            if setup is not None and setup.get("status") != "Success":
                failed.append((harness, f"new {harness.harness_contract}() reverted: {setup.get('reason')}"))
            elif deployed is None:
                missing.append(harness.test_contract)
            elif deployed.get("status") != "Success":
                failed.append((harness, f"{harness.harness_contract} deployed, but property() is false in its "
                                        f"initial state: {deployed.get('reason')}"))
        if failed:
            harness, why = failed[0]
            others = "; ".join(w for _, w in failed[1:])
            return self.violation(spec, target, harness, [], why + (f"; also {others}" if others else ""), started,
                                  bounds, summary=f"{spec.id} violated: {why} ({len(failed)}/{len(harnesses)} "
                                                  f"harnesses, {self.NAME})")
        if missing:
            return self.finding(spec, target, Verdict.ERROR, f"no test_deploy() in {', '.join(missing)}", started,
                                bounds)
        return self.finding(spec, target, Verdict.HOLDS_BOUNDED,
                            f"all {len(harnesses)} harnesses deploy and start with their property true", started,
                            bounds)

    def _liveness(self, spec: Spec, target: Target, harnesses: Sequence[Harness],
                  suites: Mapping[str, Mapping[str, dict]], started: float, bounds: dict[str, str]) -> Finding:
        refused: list[tuple[Harness, str, dict]] = []
        missing, undeployed, passed = [], [], []
        for harness in harnesses:
            tests = suites.get(harness.test_contract, {})
            if SETUP in tests and tests[SETUP].get("status") != "Success":
                undeployed.append(harness.harness_contract)
                continue
            witnesses = {n.split("(")[0].removeprefix("test_live_"): r for n, r in tests.items()
                         if n.startswith("test_live_")}
            missing += [f"{harness.test_contract}.test_live_{a['name'].removeprefix('act_')}"
                        for a in actions(harness.artifact()["abi"]) if a["name"].removeprefix("act_") not in witnesses]
            for name, res in sorted(witnesses.items()):
                if res.get("status") == "Success":
                    passed.append(f"{harness.stem}.act_{name}")
                else:
                    refused.append((harness, name, res))
        if refused:
            harness, name, res = refused[0]
            calls = witness_calls(harness, res)
            reason = res.get("reason")
            if not calls:
                return self.finding(spec, target, Verdict.ERROR,
                                    f"test_live_{name} failed without a recorded harness call: {reason}", started,
                                    bounds)
            return self.violation(
                spec, target, harness, calls, f"{harness.test_contract}.test_live_{name}: {reason}", started, bounds,
                summary=f"{spec.id} violated: {harness.harness_contract}.{calls[-1].render()} reverted ({reason}) "
                        f"({len(refused)} witness(es) refused, {self.NAME})",
                require_success=True)
        if missing:
            return self.finding(spec, target, Verdict.ERROR, f"no liveness witness {', '.join(missing)}", started,
                                bounds)
        if undeployed:
            return self.finding(spec, target, Verdict.VACUOUS,
                                f"{', '.join(undeployed)} set-up reverted: its actions' liveness was not shown "
                                f"(see DEPLOY-01)", started, bounds)
        bounds["witnesses"] = ", ".join(passed)
        return self.finding(spec, target, Verdict.HOLDS_BOUNDED,
                            f"all {len(passed)} act_ witnesses succeeded on {len(harnesses)} harnesses", started,
                            bounds)


def invariant_successes(results: "Iterable[dict]") -> dict[str, int]:
    """Successful calls per act_ name over the invariant campaigns (forge's metrics: calls - reverts - discards)."""
    counts: dict[str, int] = {}
    for res in results:
        metrics = ((res.get("kind") or {}).get("Invariant") or {}).get("metrics") or {}
        for key, m in metrics.items():  # "test/symbolic/harness/SEQ01.sol:SEQ01Harness.act_withdraw"
            name = key.rsplit(".", 1)[-1]
            ok = int(m.get("calls", 0)) - int(m.get("reverts", 0)) - int(m.get("discards", 0))
            counts[name] = counts.get(name, 0) + max(ok, 0)
    return counts


def witness_calls(harness: Harness, res: dict) -> list[Call]:
    """The harness calls a test made (its execution trace, forge -vvv), in order: top-level calls of the test
    whose selector is one of the harness's act_ functions."""
    acts = actions(harness.artifact()["abi"])
    selectors = {a["selector"] for a in acts}
    calls = []
    for kind, trace in res.get("traces") or []:
        if kind != "Execution":
            continue
        for node in trace.get("arena", []):
            step = node.get("trace", {})
            data = str(step.get("data", "")).removeprefix("0x")
            if step.get("depth") == 1 and step.get("kind") == "CALL" and data[:8] in selectors:
                calls.append(call_from_calldata(acts, data))
    return calls


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
