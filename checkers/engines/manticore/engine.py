"""Manticore on the real bytecode: concrete set-up, one symbolic transaction per act_ function (docs/toolchain.md).

The harness is built with the `manticore` Foundry profile (evm_version paris: Manticore has no PUSH0), its
constructor is run on Foundry's EVM and the world dumped (deploying big contracts inside Manticore takes minutes),
then `worker.py` loads that world into Manticore in a subprocess with a wall budget and asks, after each act_
transaction with symbolic arguments, whether the harness's `violations` slot can be non-zero.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkers import toolchain
from checkers.atomic import locked
from checkers.base import Availability, Finding, Spec, Verdict
from checkers.engines.sequence.checker import Coverage, SequenceChecker, requires, run_bounded, tail
from checkers.engines.sequence.harness import Harness, actions, call_from_calldata
from checkers.target import Target

PROFILE = "manticore"
OUT_DIR = "out-manticore"
# Exploration budget per harness. Measured with the memory fast paths (fastpath.py), 2 cores: SEQ-01 10 s, SEQ-02
# 18-22 s, SEQ-03 2-3 s, SEQ-04 4 s, SEQ-05 20-21 s on the platform and on their mutants (issue target: < 60 s).
DEFAULT_BUDGET_S = 60.0
SETUP_TIMESTAMP = 1_700_000_000
CONSTRUCTOR_REVERTED = "harness constructor reverted"  # StateDump.sol's message when the set-up reverts
SETUP_BLOCK = 100
BUILD_TIMEOUT_S = 600


class ManticoreChecker(SequenceChecker):
    NAME = "manticore"
    DESCRIPTION = ("Manticore symbolic transactions (one per act_ function, optionally a second one) from a concrete "
                   "set-up, on paris bytecode")
    SOLVER = "yices (yices-smt2)"
    ARTIFACT_DIR = OUT_DIR

    def __init__(self, budget_s: float = DEFAULT_BUDGET_S, query_timeout_s: int = 20, tx_depth: int = 1) -> None:
        self.budget_s = budget_s
        self.query_timeout_s = query_timeout_s
        self.tx_depth = tx_depth
        self._built: set[Path] = set()  # roots prepare() built in this worker: its checks need not build again

    def available(self) -> Availability:
        try:
            import manticore  # noqa: F401
            import manticore.ethereum  # noqa: F401
        except Exception as exc:  # the package is installed --no-deps: any import failure means unusable
            return Availability(False, f"manticore not importable: {type(exc).__name__}: {exc}")
        return requires(yices=True)

    def bounds(self) -> dict[str, str]:
        tx = ("1 (one symbolic transaction per act_ function from the set-up)" if self.tx_depth < 2 else
              "2 (each act_ function from the set-up, then any act_ function from every state it left)")
        return {"tx_depth": tx, "budget_s": f"{self.budget_s:g}",
                "query_timeout_s": str(self.query_timeout_s), "setup": "concrete (Foundry EVM, dumped state)",
                "evm": "paris"}

    def prepare(self, target: Target) -> None:
        """The paris build of src/ and the harnesses, once per batch and outside the checks' budgets."""
        if self.available().ok and (target.root / "test" / "symbolic").is_dir():
            with locked(target.root / f"cache-{PROFILE}" / "prebuild"):  # parallel batches: one builds
                build_harnesses(target.root)
            self._built.add(target.root)

    def run(self, spec: Spec, target: Target, harness: Harness, timeout_s: float, started: float) -> Finding:
        bounds = self.bounds()
        try:
            job = self._prepare(harness, target)
        except _SetupError as exc:
            if CONSTRUCTOR_REVERTED in str(exc):  # the build worked, the platform did not deploy
                return self.setup_reverted(spec, target, harness, f"{harness.harness_contract}'s constructor "
                                           f"reverted in the state dump (StateDump.sol)", started, bounds)
            return self.finding(spec, target, Verdict.ERROR, f"harness set-up failed: {exc}", started, bounds)
        # budget_s and the per-check timeout bound Manticore's exploration; the paris build and the state dump
        # before it are set-up (cached per project, like forge's own compile) and covered by the runner's grace.
        bounds["setup_s"] = f"{time.monotonic() - started:.1f}"
        budget = min(self.budget_s, timeout_s) if timeout_s else self.budget_s
        bounds["budget_s"] = f"{budget:g}"
        records, finished = _run_worker(job, budget)
        return self._verdict(spec, target, harness, job, records, finished, started, bounds)

    # --- internals -------------------------------------------------------------------------------------

    def _prepare(self, harness: Harness, target: Target) -> dict:
        root = target.root
        if root not in self._built:  # a check called outside the runner (no prepare) builds for itself
            build_harnesses(root)
        env = toolchain.tool_env() | {"FOUNDRY_PROFILE": PROFILE}
        state_dir = root / OUT_DIR / "state"
        state_dir.mkdir(parents=True, exist_ok=True)
        address_file = state_dir / f"{harness.stem}.address"
        state_file = state_dir / f"{harness.stem}.json"
        env |= {
            "SYMBOLIC_HARNESS": f"{harness.stem}.sol:{harness.harness_contract}",
            "SYMBOLIC_ADDRESS_OUT": str(address_file.relative_to(root)),
            "SYMBOLIC_STATE_OUT": str(state_file.relative_to(root)),
            "SYMBOLIC_TIMESTAMP": str(SETUP_TIMESTAMP),
            "SYMBOLIC_BLOCK": str(SETUP_BLOCK),
        }
        dump = subprocess.run([str(toolchain.forge()), "test", "--match-contract", "SymbolicStateDump"], cwd=root,
                              env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
        if dump.returncode != 0 or not state_file.exists():
            text = dump.stdout + dump.stderr
            raise _SetupError(f"{CONSTRUCTOR_REVERTED}: {tail(text)}" if CONSTRUCTOR_REVERTED in text else tail(text))
        artifact = harness.artifact(OUT_DIR)
        return {
            "actions": actions(artifact["abi"]),
            "flag_slot": 0,
            "state": str(state_file),
            "harness_address": address_file.read_text().strip(),
            "timestamp": SETUP_TIMESTAMP,
            "block": SETUP_BLOCK,
            "yices_bin": str(toolchain.venv_bin("yices-smt2")),
            "query_timeout_s": self.query_timeout_s,
            "tx_depth": self.tx_depth,
        }

    def _verdict(self, spec, target, harness, job, records, finished, started, bounds) -> Finding:
        explored = [r for r in records if r.get("event") == "action"]
        sequences = [r for r in records if r.get("event") == "sequence"]
        bounds = dict(bounds)
        bounds["actions_explored"] = f"{len(explored)}/{len(job['actions'])}"
        if int(job.get("tx_depth", 1)) >= 2:
            bounds["second_tx_explored"] = f"after {len(sequences)}/{len(job['actions'])} act_ functions"
        violated = next((r for r in explored + sequences if r["status"] == "violated"), None)
        if violated is not None:
            raw = violated["calldata"]
            calls = [call_from_calldata(job["actions"], c) for c in (raw if isinstance(raw, list) else [raw])]
            rendered = " then ".join(c.render() for c in calls)
            return self.violation(
                spec, target, harness, calls,
                f"after the concrete set-up, {rendered} leaves {harness.harness_contract}.property() false",
                started, bounds, state={"violations": "1"})
        errors = [r for r in records if r.get("event") in ("crash", "solver_unknown", "error")]
        unknown = next((r for r in errors if r["event"] == "solver_unknown"), None)
        if unknown is not None:
            return self.finding(spec, target, Verdict.UNKNOWN,
                                f"solver returned unknown after {bounds['actions_explored']} act_ functions "
                                f"(query timeout {self.query_timeout_s} s): {unknown['message']}", started, bounds)
        if errors:
            return self.finding(spec, target, Verdict.ERROR, f"Manticore failed: {errors[0]['message']}", started,
                                bounds)
        if not finished:
            return self.finding(spec, target, Verdict.UNKNOWN,
                                f"Manticore budget exhausted ({bounds['budget_s']} s) after "
                                f"{bounds['actions_explored']} act_ functions", started, bounds)
        # A transaction's live end states are the paths on which the act_ returned (reverted ones are dropped).
        coverage = Coverage.of(job["actions"], {r["name"]: int(r.get("states", 0)) for r in explored},
                               "live end states", "one symbolic transaction from the set-up")
        depth = ("one symbolic transaction" if int(job.get("tx_depth", 1)) < 2
                 else "two symbolic transactions (the second any act_)")
        return self.bounded(spec, target, coverage,
                            f"no reachable violation in {depth} starting with each of {len(explored)} act_ "
                            f"functions", started, bounds)


class _SetupError(Exception):
    pass


def build_harnesses(root: Path) -> None:
    """Build the project's src/ and Manticore harnesses with the paris profile (incremental: forge's cache in
    cache-manticore/). Copies of a project built here rebuild only what changed."""
    env = toolchain.tool_env() | {"FOUNDRY_PROFILE": PROFILE}
    build = subprocess.run([str(toolchain.forge()), "build"], cwd=root, env=env, capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT_S)
    if build.returncode != 0:
        raise _SetupError(tail(build.stdout + build.stderr))


def _run_worker(job: dict, budget_s: float) -> tuple[list[dict], bool]:
    """Run the worker in its own process group, killed when the budget ends; the workspace is removed after.
    Returns the JSON records it streamed (kept even when it was killed) and whether it reported "done"."""
    workspace = Path(tempfile.mkdtemp(prefix="manticore-ws-"))
    try:
        job_file = workspace / "job.json"
        job_file.write_text(json.dumps(dict(job, workspace=f"fs:{workspace}")))
        env = toolchain.tool_env()
        env["PYTHONPATH"] = os.pathsep.join([str(toolchain.REPO_ROOT), env.get("PYTHONPATH", "")])
        out_file = workspace / "records.jsonl"
        cmd = [sys.executable, "-c", _STREAM_TO_FILE, str(job_file), str(out_file)]
        done = run_bounded(cmd, cwd=workspace, env=env, timeout_s=budget_s)
        lines = out_file.read_text().splitlines() if out_file.exists() else []
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    if done is not None and done.returncode != 0 and not any(r.get("event") in ("crash", "solver_unknown", "error")
                                                             for r in records):
        records.append({"event": "crash", "message": f"worker exit {done.returncode}: {tail(done.stderr, 2)}"})
    return records, any(r.get("event") == "done" for r in records)


# The worker writes its JSON lines to a file so records streamed before a kill survive it (a pipe's unread
# buffer dies with the process group).
_STREAM_TO_FILE = (
    "import sys; sys.stdout = open(sys.argv[2], 'w', buffering=1); "
    "from checkers.engines.manticore.worker import main; sys.exit(main([sys.argv[0], sys.argv[1]]))"
)
