"""halmos over the spec harnesses' `check_<name>` functions (bounded symbolic execution, yices).

halmos rebuilds with `--ast`; to keep that build from invalidating the project's own cache it builds into its
own out/cache directories (FOUNDRY_OUT/FOUNDRY_CACHE_PATH) and compiles only `test/symbolic` beside src/.
Bounds (loop unrolling, path depth, solver timeouts) are recorded in every finding.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from checkers import toolchain
from checkers.base import Availability, Finding, Spec, Verdict
from checkers.sequence_engine import SequenceChecker, requires, run_bounded, tail
from checkers.symbolic_harness import Harness, actions, call_for_action
from checkers.target import Target

OUT_DIR = "out-halmos"
CACHE_DIR = "cache-halmos"


class HalmosChecker(SequenceChecker):
    NAME = "halmos"
    DESCRIPTION = "halmos bounded symbolic execution of check_ functions over the sequence harnesses"
    SOLVER = "yices (yices-smt2)"
    ARTIFACT_DIR = OUT_DIR

    def __init__(self, loop: int = 2, depth: int = 0, solver_timeout_assertion_s: int = 30) -> None:
        self.loop = loop
        self.depth = depth
        self.solver_timeout_assertion_s = solver_timeout_assertion_s

    def available(self) -> Availability:
        if toolchain.venv_bin("halmos") is None:
            return Availability(False, "halmos not found in the virtual environment")
        return requires(yices=True, forge=True)

    def bounds(self) -> dict[str, str]:
        return {"loop": str(self.loop), "depth": str(self.depth or "unlimited"), "tx_per_check": "1 act_ call",
                "solver_timeout_assertion_s": str(self.solver_timeout_assertion_s)}

    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        with tempfile.TemporaryDirectory(prefix="halmos-") as tmp:
            json_out = Path(tmp) / "halmos.json"
            cmd = [
                str(toolchain.venv_bin("halmos")), "--root", str(target.root), "--contract", harness.test_contract,
                "--function", "check_", "--loop", str(self.loop), "--depth", str(self.depth),
                "--solver-timeout-assertion", f"{self.solver_timeout_assertion_s}s",
                "--solver", "yices",  # found on PATH (the venv's yices-smt2); --solver-command loses the model
                "--forge-build-out", OUT_DIR, "--json-output", str(json_out),
            ]
            env = toolchain.tool_env() | {"FOUNDRY_OUT": OUT_DIR, "FOUNDRY_CACHE_PATH": CACHE_DIR,
                                          "FOUNDRY_TEST": "test/symbolic", "NO_COLOR": "1"}
            done = run_bounded(cmd, cwd=target.root, env=env, timeout_s=timeout_s)
            if done is None:
                return self.finding(spec, target, Verdict.UNKNOWN, f"halmos exceeded its {timeout_s:g} s budget",
                                    started)
            try:
                data = json.loads(json_out.read_text())
            except (OSError, json.JSONDecodeError):
                return self.finding(spec, target, Verdict.ERROR,
                                    f"halmos gave no JSON: {tail(done.stdout + done.stderr, limit=300)}", started)
        return self._verdict(spec, target, harness, data, started)

    def _verdict(self, spec, target, harness, data, started) -> Finding:
        tests = [t for suite in data.get("test_results", {}).values() for t in suite]
        if not tests:
            return self.finding(spec, target, Verdict.SKIPPED, f"{harness.test_contract} has no check_ functions",
                                started)
        acts = actions(harness.artifact(OUT_DIR)["abi"])
        unknown = []
        for test in tests:
            valid = [m for m in test.get("models") or [] if m and m.get("is_valid")]
            if test.get("exitcode") and valid:
                name = test["name"].split("(")[0].removeprefix("check_")
                values = _model_values(valid[0]["model"], _param_names(harness, test["name"]))
                call = call_for_action(acts, name, values)
                return self.violation(spec, target, harness, [call],
                                      f"{test['name']}: assertion h.property() fails", started)
            if test.get("exitcode"):
                unknown.append(test["name"])
        if unknown:
            return self.finding(spec, target, Verdict.UNKNOWN,
                                f"halmos could not decide {', '.join(unknown)} (timeout, unknown or invalid model)",
                                started)
        loops = sum(int(t.get("num_bounded_loops") or 0) for t in tests)
        summary = f"{len(tests)} check_ functions hold within the bounds"
        if loops:
            summary += f" ({loops} loops cut at --loop {self.loop})"
        return self.finding(spec, target, Verdict.HOLDS_BOUNDED, summary, started)


def _param_names(harness: Harness, test_signature: str) -> list[str]:
    path = harness.root / OUT_DIR / f"{harness.stem}.t.sol" / f"{harness.test_contract}.json"
    name = test_signature.split("(")[0]
    for item in json.loads(path.read_text()).get("abi", []):
        if item.get("type") == "function" and item.get("name") == name:
            return [i["name"] for i in item.get("inputs", [])]
    return []


def _model_values(model: dict, params: list[str]) -> list[int]:
    """Argument values in the check_ function's parameter order (a parameter absent from the model is free: 0)."""
    by_name = {}
    for var in model.values():
        value = var.get("value")
        by_name.setdefault(var.get("variable_name"), int(value, 0) if isinstance(value, str) else int(value or 0))
    return [by_name.get(p, 0) for p in params]
