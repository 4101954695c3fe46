"""The set-up command stops with one clear line and leaves no half-built tree when a registry is unreachable."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from checkers import toolchain

SETUP_FILES = ("setup.sh", "package.json", "package-lock.json", "requirements.lock", "pyproject.toml")
UNREACHABLE = "http://127.0.0.1:9/"


def _copy_setup_tree(dest: Path) -> Path:
    for name in SETUP_FILES:
        shutil.copy2(toolchain.REPO_ROOT / name, dest / name)
    shutil.copytree(toolchain.REPO_ROOT / "tools", dest / "tools")
    return dest


def _run_setup(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run(
        ["bash", "setup.sh", "--no-run"], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def test_npm_registry_unreachable(tmp_path: Path) -> None:
    tree = _copy_setup_tree(tmp_path)
    proc = _run_setup(
        tree, npm_config_registry=UNREACHABLE, npm_config_fetch_retries="0", npm_config_cache=str(tmp_path / "c")
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"setup: cannot reach the npm registry (details: {tree}/.setup-logs/npm.log); nothing was changed"
    ]
    assert not (tree / "node_modules").exists() and not (tree / ".setup-npm").exists()


def test_pypi_unreachable(tmp_path: Path) -> None:
    tree = _copy_setup_tree(tmp_path)
    (tree / "node_modules").symlink_to(toolchain.REPO_ROOT / "node_modules")  # npm side already done
    proc = _run_setup(
        tree, PIP_INDEX_URL=UNREACHABLE + "simple", PIP_NO_CACHE_DIR="1", PIP_FIND_LINKS="", PIP_RETRIES="0"
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"setup: cannot reach PyPI (details: {tree}/.setup-logs/pip.log); nothing was changed"
    ]
    assert not (tree / ".venv").exists() and not (tree / ".venv-partial").exists()
