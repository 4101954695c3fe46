"""halmos over the spec harnesses: `check_<name>` functions (one act_ call from the set-up) and, with
`invariant_depth` > 0, `invariant_*` functions over every sequence of up to that many act_ calls (halmos's
stateful mode). Bounded symbolic execution, yices.

check_<name> calls act_<name> without try/catch, so halmos counts the paths on which the act_ succeeded (its
"success" paths; exit code REVERT_ALL when there are none): an act_ with none makes the verdict VACUOUS, never
HOLDS_BOUNDED. A set-up that reverts ("No successful path found in setUp()") explored nothing: VACUOUS too.

halmos rebuilds with `--ast`; to keep that build from invalidating the project's own cache it builds into its
own out/cache directories (FOUNDRY_OUT/FOUNDRY_CACHE_PATH) and compiles only `test/symbolic` beside src/.
`prepare()` runs that same build once per batch, under a lock and outside the checks' budgets, so halmos's own
build is a no-op and a cold compile never turns a check UNKNOWN.
Bounds (loop unrolling, path depth, transaction depth, solver timeouts) are recorded in every finding.
"""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

from checkers import toolchain
from checkers.atomic import locked
from checkers.base import Availability, Finding, Spec, Verdict
from checkers.engines.sequence.checker import Coverage, SequenceChecker, requires, run_bounded, tail
from checkers.engines.sequence.harness import Call, Harness, actions, call_for_action, encode_args, decode_args
from checkers.target import Target

OUT_DIR = "out-halmos"
CACHE_DIR = "cache-halmos"
SYMBOLIC_DIR = "test/symbolic"
BUILD_TIMEOUT_S = 600
# halmos's exit codes per test (halmos/__main__.py Exitcode)
PASS, COUNTEREXAMPLE, REVERT_ALL = 0, 1, 4
SETUP_REVERTED = "No successful path found in setUp()"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CALL = re.compile(r"^    CALL 0x[0-9a-fA-F]+::(act_\w+)\((.*?)\)(?: \(value|$)")


class HalmosChecker(SequenceChecker):
    NAME = "halmos"
    DESCRIPTION = "halmos bounded symbolic execution of check_ (and invariant_) functions over the sequence harnesses"
    SOLVER = "yices (yices-smt2)"
    ARTIFACT_DIR = OUT_DIR

    def __init__(self, loop: int = 2, depth: int = 0, solver_timeout_assertion_s: int = 30,
                 invariant_depth: int = 0) -> None:
        self.loop = loop
        self.depth = depth
        self.solver_timeout_assertion_s = solver_timeout_assertion_s
        self.invariant_depth = invariant_depth

    def available(self) -> Availability:
        if toolchain.venv_bin("halmos") is None:
            return Availability(False, "halmos not found in the virtual environment")
        return requires(yices=True, forge=True)

    def bounds(self) -> dict[str, str]:
        tx = ("1 (check_: one act_ call from the set-up)" if not self.invariant_depth else
              f"{self.invariant_depth} (invariant_: every sequence of up to {self.invariant_depth} act_ calls; "
              f"check_: one)")
        return {"loop": str(self.loop), "depth": str(self.depth or "unlimited"), "tx_depth": tx,
                "solver_timeout_assertion_s": str(self.solver_timeout_assertion_s)}

    def prepare(self, target: Target) -> None:
        """Build what halmos would build (same command, same environment) before any check's clock starts."""
        if not self.available().ok or not (target.root / SYMBOLIC_DIR).is_dir():
            return
        with locked(target.root / CACHE_DIR / "prebuild"):  # parallel batches: one builds, the other waits
            build = subprocess.run(_build_command(target.root), cwd=target.root, env=_build_env(),
                                   capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
        if build.returncode != 0:
            raise RuntimeError(f"forge build --ast of {SYMBOLIC_DIR} failed: {tail(build.stdout + build.stderr)}")

    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        with tempfile.TemporaryDirectory(prefix="halmos-") as tmp:
            json_out = Path(tmp) / "halmos.json"
            functions = ["--function", "check_"] if not self.invariant_depth else [
                "--function", "(check|invariant)_", "--invariant-depth", str(self.invariant_depth)]
            cmd = [
                str(toolchain.venv_bin("halmos")), "--root", str(target.root), "--contract", harness.test_contract,
                *functions, "--loop", str(self.loop), "--depth", str(self.depth),
                "--solver-timeout-assertion", f"{self.solver_timeout_assertion_s}s",
                "--solver", "yices",  # found on PATH (the venv's yices-smt2); --solver-command loses the model
                "--forge-build-out", OUT_DIR, "--json-output", str(json_out),
            ]
            done = run_bounded(cmd, cwd=target.root, env=_build_env(), timeout_s=timeout_s)
            if done is None:
                return self.finding(spec, target, Verdict.UNKNOWN, f"halmos exceeded its {timeout_s:g} s budget",
                                    started)
            output = _ANSI.sub("", done.stdout + done.stderr)
            if SETUP_REVERTED in output:
                return self.setup_reverted(spec, target, harness, SETUP_REVERTED, started)
            try:
                data = json.loads(json_out.read_text())
            except (OSError, json.JSONDecodeError):
                return self.finding(spec, target, Verdict.ERROR,
                                    f"halmos gave no JSON: {tail(output, limit=300)}", started)
        return self._verdict(spec, target, harness, data, started, output)

    def _verdict(self, spec, target, harness, data, started, output: str = "") -> Finding:
        tests = [t for suite in data.get("test_results", {}).values() for t in suite]
        if not tests:
            if "setUp() failed" in output:
                return self.finding(spec, target, Verdict.ERROR, f"halmos: {_setup_error(output)}", started)
            return self.finding(spec, target, Verdict.SKIPPED, f"{harness.test_contract} has no check_ functions",
                                started)
        acts = actions(harness.artifact(OUT_DIR)["abi"])
        undecided = []
        for test in tests:
            valid = [m["model"] for m in test.get("models") or [] if m and m.get("is_valid")]
            code = test.get("exitcode")
            if code == COUNTEREXAMPLE and valid:
                calls = self._counterexample(harness, acts, test["name"], valid, output)
                if calls:
                    rendered = "h.property()" if test["name"].startswith("check_") else test["name"]
                    return self.violation(spec, target, harness, calls,
                                          f"{test['name']}: assertion {rendered} fails", started)
                undecided.append(f"{test['name']} (counterexample without a readable call sequence)")
            elif code not in (PASS, REVERT_ALL):
                undecided.append(test["name"])
        if undecided:
            return self.finding(spec, target, Verdict.UNKNOWN,
                                f"halmos could not decide {', '.join(undecided)} (timeout, unknown or invalid model)",
                                started)
        loops = sum(int(t.get("num_bounded_loops") or 0) for t in tests)
        summary = f"{len(tests)} check_/invariant_ functions hold within the bounds"
        if loops:
            summary += f" ({loops} loops cut at --loop {self.loop})"
        coverage = Coverage.of(acts, success_paths(tests), "returning paths", "check_<name> (one call from the set-up)")
        return self.bounded(spec, target, coverage, summary, started)

    def _counterexample(self, harness: Harness, acts: list[dict], test_name: str, models: list[dict],
                        output: str) -> list[Call]:
        """check_<name>: one act_<name> call with the model's argument values; invariant_*: the shortest call
        sequence halmos printed whose symbolic arguments one valid model assigns."""
        if test_name.startswith("check_"):
            name = test_name.split("(")[0].removeprefix("check_")
            return [call_for_action(acts, name, _model_values(models[0], _param_names(harness, test_name)))]
        values = [{key: _int(var.get("value")) for key, var in model.items()} for model in models]
        best: list[Call] = []
        for sequence in printed_sequences(output):
            for assigned in values:
                calls = _sequence_calls(acts, sequence, assigned)
                if calls is not None and (not best or len(calls) < len(best)):
                    best = calls
        return best


def _build_env() -> dict[str, str]:
    """halmos's build (and its own, in each check): src/ and the harnesses, not the deployment scripts (script/ is
    pointed at the harnesses too: a project's scripts can cost more to compile than everything halmos reads)."""
    return toolchain.tool_env() | {"FOUNDRY_OUT": OUT_DIR, "FOUNDRY_CACHE_PATH": CACHE_DIR,
                                   "FOUNDRY_TEST": SYMBOLIC_DIR, "FOUNDRY_SCRIPT": SYMBOLIC_DIR, "NO_COLOR": "1"}


def _build_command(root: Path) -> list[str]:
    """halmos 0.3.3's own build (halmos/__main__.py `build_cmd`), byte for byte: any difference in the extra
    outputs would make forge rebuild inside the check's budget."""
    return [str(toolchain.forge()), "build", "--ast", "--root", str(root),
            "--extra-output", "storageLayout", "metadata"]


def success_paths(tests: list[dict]) -> dict[str, int]:
    """Per act_ name, the paths on which check_<name> returned (halmos's num_paths: [total, success, blocked])."""
    counts = {}
    for test in tests:
        name = test.get("name", "")
        if name.startswith("check_"):
            paths = test.get("num_paths") or [0, 0, 0]
            counts["act_" + name.split("(")[0].removeprefix("check_")] = 0 if test.get("exitcode") == REVERT_ALL \
                else int(paths[1])
    return counts


def printed_sequences(output: str) -> list[list[tuple[str, list[str]]]]:
    """The call sequences halmos prints after an invariant counterexample ("Sequence:" then one `CALL
    0x..::act_x(args)` line per transaction): [(act name, argument tokens)] per counterexample."""
    sequences: list[list[tuple[str, list[str]]]] = []
    current: list[tuple[str, list[str]]] | None = None
    for line in output.splitlines():
        if line.startswith("Sequence:"):
            current = []
            sequences.append(current)
            continue
        if current is None:
            continue
        match = _CALL.match(line)
        if match:
            current.append((match.group(1), [a.strip() for a in match.group(2).split(",") if a.strip()]))
        elif line and not line.startswith(" "):
            current = None
    return [s for s in sequences if s]


def _sequence_calls(acts: list[dict], sequence: list[tuple[str, list[str]]],
                    assigned: dict[str, int]) -> list[Call] | None:
    """The concrete calls of one printed sequence under one model; None when the model does not assign it
    (another counterexample's model) or an act_ is unknown. A symbolic argument absent from the model is free
    (0), like halmos's own rendering."""
    symbolic = [token for _, tokens in sequence for token in tokens if not token.startswith("0x")]
    if symbolic and not any(token in assigned for token in symbolic):
        return None
    calls = []
    for name, tokens in sequence:
        action = next((a for a in acts if a["name"] == name), None)
        if action is None or len(tokens) != action["n_args"]:
            return None
        words = [_int(t) if t.startswith("0x") else assigned.get(t, 0) for t in tokens]
        data = action["selector"] + encode_args(action["types"], words)
        calls.append(Call(action["signature"], data, decode_args(action["types"], data[8:])))
    return calls


def _setup_error(output: str) -> str:
    line = next((x for x in output.splitlines() if "setUp() failed" in x), "setUp() failed")
    return line.strip()[:300]


def _int(value) -> int:
    return int(value, 0) if isinstance(value, str) else int(value or 0)


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
        by_name.setdefault(var.get("variable_name"), _int(var.get("value")))
    return [by_name.get(p, 0) for p in params]
