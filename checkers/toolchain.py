"""Where the project's own tools live: forge/anvil from npm, the solc-js wrapper, solvers in the venv.

Never rely on `solc` from PATH: the venv's is a solc-select shim that tries to download.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from checkers.errors import ToolMissingError

REPO_ROOT = Path(__file__).resolve().parent.parent
PLATFORM_PROJECT = REPO_ROOT / "contracts"
NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
SOLC_WRAPPER = REPO_ROOT / "tools" / "solc"
SETUP_HINT = "run ./setup.sh"


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        raise ToolMissingError(f"{what} not found at {path}: {SETUP_HINT}")
    return path


def forge() -> Path:
    return _require(NODE_BIN / "forge", "forge")


def anvil() -> Path:
    return _require(NODE_BIN / "anvil", "anvil")


def solc() -> Path:
    _require(REPO_ROOT / "node_modules" / "solc", "solc-js (npm package solc)")
    return _require(SOLC_WRAPPER, "solc wrapper")


def venv_bin(name: str) -> Path | None:
    """An executable installed beside the running interpreter (yices-smt2, halmos, manticore)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def tool_env() -> dict[str, str]:
    """Environment for subprocesses: our forge/anvil first on PATH (crytic-compile calls `forge`)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(NODE_BIN), str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("FOUNDRY_DISABLE_NIGHTLY_WARNING", "1")
    # forge 1.x lints on every build unless a project says not to; a lint failure fails a build that compiled
    # (seen with a single-file remapping), and the engines need the build, not the lint.
    env["FOUNDRY_LINT_LINT_ON_BUILD"] = "false"
    return env
