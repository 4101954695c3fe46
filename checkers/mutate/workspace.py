"""A mutant's project copy that rebuilds only what the mutant changed, and the forge suite run in it.

Copying a Foundry project elsewhere normally costs a full rebuild: forge's cache
(cache/solidity-files-cache.json) names library sources by absolute path (`<parent>/node_modules/...`), so in a
copy every entry looks new. `copy_for_mutant` rebases those paths onto the copy (which reaches the same
node_modules through a symlink), so forge sees an up-to-date build and recompiles only the mutated file and the
files importing it. Artefacts do not depend on the copy's location: the compiler metadata uses relative paths.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.compiler_output import first_error
from checkers.target import copy_project

FORGE_CACHE = Path("cache") / "solidity-files-cache.json"
# The toolkit's own harnesses (sequence engines: test/symbolic; props engine: test/integrity) are run by
# the engines and count as the toolkit's kills; the forge suite is the platform's own tests.
SPEC_HARNESSES = "test/{symbolic,integrity}/**"
FORGE_TIMEOUT_S = 900


def copy_for_mutant(project: Path, into: Path) -> Path:
    """`project` (built) copied under `into`, its build cache rebased there; no mutants/ or engine leftovers."""
    dest = copy_project(project, into)
    rebase_cache(dest / FORGE_CACHE, str(project.resolve().parent), str(into.resolve()))
    shutil.rmtree(dest / "mutants", ignore_errors=True)
    shutil.rmtree(dest / "out-symbolic", ignore_errors=True)  # the sequence engines' ledger belongs to one target
    for persisted in ("fuzz", "invariant"):  # failures persisted by an earlier forge run are not this mutant's
        shutil.rmtree(dest / "cache" / persisted, ignore_errors=True)
    return dest


def reference_copy(project: Path, into: Path, optimize: bool) -> Path:
    """The campaign's unmutated reference: a copy of the built platform, with the optimizer switched off unless
    `optimize`, fully built (src/ and every test). Mutant copies are taken from it, so each mutant recompiles only
    the mutated file, its importers and the tests that deploy them.

    Why the optimizer is off by default: solc-js compiles this project 2.7x faster without it (user CPU 73 s vs
    197 s for the 172 files, measured), and both judges (specs and the forge suite) see the same unoptimized
    bytecode, so the comparison stays fair; the optimizer does not change what the source means.
    """
    dest = copy_for_mutant(project, into)
    if not optimize:
        set_optimizer(dest / "foundry.toml", False)
    return dest


def set_optimizer(foundry_toml: Path, enabled: bool) -> None:
    """Set `optimizer` in [profile.default] (the other profiles inherit it)."""
    text = foundry_toml.read_text()
    value = "true" if enabled else "false"
    lines = text.splitlines()
    section = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            if section == "profile.default":
                lines.insert(i, f"optimizer = {value}")
                break
            section = stripped.strip("[]").strip()
        elif section == "profile.default" and re.match(r"optimizer\s*=", stripped):
            lines[i] = f"optimizer = {value}"
            break
    else:
        if section == "profile.default":
            lines.append(f"optimizer = {value}")
        else:
            raise ValueError(f"{foundry_toml}: no [profile.default] section")
    foundry_toml.write_text("\n".join(lines) + "\n")


def rebase_cache(path: Path, old_parent: str, new_parent: str) -> bool:
    """Rewrite the source paths in forge's file cache from `old_parent`/ to `new_parent`/ (False: no cache)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    old, new = old_parent.rstrip("/") + "/", new_parent.rstrip("/") + "/"

    def move(value: Any) -> Any:
        if isinstance(value, str):
            return new + value[len(old):] if value.startswith(old) else value
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, dict):
            return {move(k): move(v) for k, v in value.items()}
        return value

    data["files"] = move(data.get("files", {}))
    path.write_text(json.dumps(data))
    return True


@dataclass(frozen=True)
class SuiteOutcome:
    status: str  # "pass", "fail" (some test failed), "build-error" (the tests do not compile), "timeout", "error"
    failed: tuple[str, ...]  # "Contract.test" of the failing tests (the first ones: the run stops at a failure)
    seconds: float
    detail: str = ""
    tests: int = 0  # test results reported (a fail-fast run stops early)

    @property
    def kills(self) -> bool:
        """A red `forge test`: a failing test, tests that no longer compile, or a hang."""
        return self.status in ("fail", "build-error", "timeout")


class SuiteRun:
    """`forge test` on the project at `root`, without the symbolic harnesses, started in the background so the
    specs can run meanwhile. Output goes to files beside the project (a pipe would fill and stall forge)."""

    def __init__(self, root: Path, fail_fast: bool = True) -> None:
        cmd = [str(toolchain.forge()), "test", "--use", str(toolchain.solc()), "--no-match-path", SPEC_HARNESSES,
               "--json"]
        if fail_fast:
            cmd.append("--fail-fast")
        self.started = time.monotonic()
        self._out = (root.parent / "forge-test.out").open("w+")
        self._err = (root.parent / "forge-test.err").open("w+")
        self.process = subprocess.Popen(cmd, cwd=root, env=toolchain.tool_env(), stdout=self._out, stderr=self._err,
                                        start_new_session=True)
        self.ended: float | None = None  # when forge exited (the specs may still be running then)
        self._watch = threading.Thread(target=self._stamp, daemon=True)
        self._watch.start()

    def _stamp(self) -> None:
        self.process.wait()
        self.ended = time.monotonic()

    def wait(self, timeout: float = FORGE_TIMEOUT_S) -> SuiteOutcome:
        left = max(1.0, timeout - (time.monotonic() - self.started))
        try:
            code = self.process.wait(timeout=left)
        except subprocess.TimeoutExpired:
            self.stop()
            return SuiteOutcome("timeout", (), round(time.monotonic() - self.started, 2),
                                f"no result within {timeout:.0f} s")
        self._watch.join(timeout=5)
        seconds = round((self.ended or time.monotonic()) - self.started, 2)
        stdout, stderr = self._read(self._out), self._read(self._err)
        return _outcome(code, stdout, stderr, seconds)

    def stop(self) -> None:
        """Kill forge and its solc children (its own session), e.g. when the campaign is interrupted."""
        from checkers import processes

        if self.process.poll() is None:
            processes.kill_tree(self.process.pid)
            self.process.wait()
        for handle in (self._out, self._err):
            if not handle.closed:
                handle.close()

    @staticmethod
    def _read(handle) -> str:
        handle.flush()
        handle.seek(0)
        text = handle.read()
        handle.close()
        return text


def forge_suite(root: Path, timeout: float = FORGE_TIMEOUT_S, fail_fast: bool = True) -> SuiteOutcome:
    """`forge test` on the project at `root`, without the symbolic harnesses (blocking)."""
    run = SuiteRun(root, fail_fast)
    try:
        return run.wait(timeout)
    finally:
        run.stop()


def _outcome(code: int, stdout: str, stderr: str, seconds: float) -> SuiteOutcome:
    suites = _json_object(stdout)
    if suites is None:
        text = stderr + stdout
        if "Compiler run failed" in text or "Error" in text and code != 0:
            return SuiteOutcome("build-error", (), seconds, first_error(text))
        return SuiteOutcome("error", (), seconds, first_error(text) or f"forge exited {code}")
    failed = tuple(sorted(f"{suite.split(':')[-1]}.{name.split('(')[0]}"
                          for suite, body in suites.items()
                          for name, result in (body.get("test_results") or {}).items()
                          if result.get("status") != "Success"))
    count = sum(len(body.get("test_results") or {}) for body in suites.values())
    if failed or code != 0:
        return SuiteOutcome("fail", failed, seconds, "" if failed else f"forge exited {code}", count)
    return SuiteOutcome("pass", (), seconds, "", count)


def _json_object(stdout: str) -> dict[str, Any] | None:
    start = stdout.find("{")
    if start < 0:
        return None
    try:
        data = json.loads(stdout[start:])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None

