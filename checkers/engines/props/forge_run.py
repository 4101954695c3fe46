"""One `forge test` over every property-test suite of a target, parsed into per-test outcomes.

All INT specs of a target share one forge run (memoised per process and project root): forge's per-call start-up
and the test build dominate, not the fuzz runs themselves.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from checkers import toolchain
from checkers.engines.props.naming import TEST_DIR
from checkers.engines.sequence.checker import run_bounded, tail


@dataclass(frozen=True)
class TestOutcome:
    suite: str  # "test/integrity/Pool.t.sol:PoolIntegrity"
    signature: str  # "test_INT_POOL_01_supplyCredits(uint256)"
    passed: bool
    reason: str
    calldata: str | None  # the fuzzer's counterexample, when one exists
    runs: int | None  # fuzz runs (None for a concrete test)

    @property
    def contract(self) -> str:
        return self.suite.rsplit(":", 1)[-1]

    @property
    def source(self) -> str:
        return self.suite.rsplit(":", 1)[0]


@dataclass(frozen=True)
class SuiteRun:
    """The outcome of one forge run: tests by signature, suites whose setUp failed, or an error/timeout."""

    tests: tuple[TestOutcome, ...] = ()
    setup_failures: dict[str, str] = field(default_factory=dict)  # suite -> reason
    error: str | None = None
    timed_out: bool = False


MEMO_FILE = "property-tests.json"  # in the project's forge cache/ dir, beside forge's own cache


def run_suites(root: Path, fuzz_runs: int, seed: int, timeout_s: float) -> SuiteRun:
    """Every INT spec of a target asks for the same run: the first worker runs forge under a file lock, the others
    (other forked batches of this run, later runs on unchanged sources) read its outcome. A timeout is never
    remembered."""
    if not (root / TEST_DIR).is_dir():
        return SuiteRun(error=f"no property tests: {TEST_DIR}/ not found in {root.name}")
    key = _inputs_key(root, fuzz_runs, seed)
    cache = root / "cache"
    cache.mkdir(exist_ok=True)
    with open(cache / (MEMO_FILE + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        memo = _load(cache / MEMO_FILE, key)
        if memo is not None:
            return memo
        result = _run(root, fuzz_runs, seed, timeout_s)
        if result.error is None:
            tmp = cache / (MEMO_FILE + ".tmp")
            tmp.write_text(json.dumps({"key": key, "run": asdict(result)}))
            os.replace(tmp, cache / MEMO_FILE)
        return result


def _inputs_key(root: Path, fuzz_runs: int, seed: int) -> str:
    """Every Solidity source forge could compile into the property tests, plus the fuzz settings."""
    digest = hashlib.sha256(f"{fuzz_runs}:{seed}".encode())
    for path in sorted(p for d in ("src", "test") for p in (root / d).rglob("*.sol")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for name in ("foundry.toml", "remappings.txt"):
        if (root / name).exists():
            digest.update((root / name).read_bytes())
    return digest.hexdigest()


def _load(path: Path, key: str) -> SuiteRun | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    run = data["run"]
    return SuiteRun(tuple(TestOutcome(**t) for t in run["tests"]), dict(run["setup_failures"]), run["error"],
                    bool(run["timed_out"]))


def _run(root: Path, fuzz_runs: int, seed: int, timeout_s: float) -> SuiteRun:
    env = toolchain.tool_env() | {"FOUNDRY_FUZZ_RUNS": str(fuzz_runs), "FOUNDRY_FUZZ_SEED": hex(seed)}
    cmd = [str(toolchain.forge()), "test", "--use", str(toolchain.solc()), "--json", "--match-path", f"{TEST_DIR}/*.t.sol"]
    done = run_bounded(cmd, cwd=root, env=env, timeout_s=timeout_s)
    if done is None:
        return SuiteRun(timed_out=True, error=f"forge test over {TEST_DIR} exceeded {timeout_s:g} s")
    data = _first_json(done.stdout)
    if data is None:
        return SuiteRun(error=f"forge test produced no results: {tail(done.stdout + done.stderr, limit=300)}")
    tests, setup_failures = [], {}
    for suite, body in data.items():
        for signature, res in (body.get("test_results") or {}).items():
            reason = str(res.get("reason") or "")
            if signature.startswith("setUp"):
                setup_failures[suite] = reason or "setUp() reverted"
                continue
            cex = (res.get("counterexample") or {}).get("Single") or {}
            kind = res.get("kind") or {}
            runs = (kind.get("Fuzz") or {}).get("runs")
            tests.append(TestOutcome(suite, signature, res.get("status") == "Success", reason,
                                     cex.get("calldata"), runs))
    return SuiteRun(tuple(tests), setup_failures)


def _first_json(out: str) -> dict | None:
    start = out.find("{")
    if start < 0:
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(out[start:])
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None
