"""`verify all --project` on the two layouts users start from, with no configuration: a `forge init` project
(lib/forge-std not checked out) and a Hardhat project (contracts/, npm packages not installed)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checkers import cli
from checkers.errors import BuildError
from checkers.layout import layout

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _verify(tmp_path: Path, fixture: str) -> tuple[int, dict[str, str], Path]:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    out = tmp_path / "out"
    code = cli.main(["all", "--project", str(root), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                     "--no-progress", "--jobs", "1"])
    data = json.loads((out / "results.json").read_text())
    return code, {s["spec_id"]: s["verdict"] for s in data["spec_results"]}, root


def test_a_forge_init_project(tmp_path) -> None:
    code, verdicts, root = _verify(tmp_path, "forge_init_project")
    assert code == 1 and verdicts["ACC-01"] == "VIOLATED"  # Counter.setNumber: anyone sets the number
    assert "ERROR" not in verdicts.values()
    assert (root / "out" / "Counter.t.sol").is_dir(), "the tests compiled too (forge-std from the map)"


def test_a_hardhat_project_is_built_with_forge_beside_hardhats_own_folders(tmp_path) -> None:
    code, verdicts, root = _verify(tmp_path, "hardhat_project")
    assert code == 1 and verdicts["ORCL-10"] == "VIOLATED"  # PriceConsumer.price: no staleness check
    assert verdicts["ACC-01"] == verdicts["ACC-02"] == "NO_FINDING"
    assert "ERROR" not in verdicts.values()
    assert not (root / "foundry.toml").exists() and not (root / "cache").exists() and not (root / "artifacts").exists()
    assert (root / "out-verify" / "PriceConsumer.sol").is_dir()


def test_neither_kind_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(BuildError, match="not a Foundry project .* nor a Hardhat project"):
        layout(tmp_path)
    assert layout(FIXTURES / "hardhat_project").src == "contracts"


def test_a_built_project_copied_elsewhere_builds_again(tmp_path) -> None:
    """Its build output (forge's X.sol artefact folders in out-verify/) is not mistaken for sources."""
    code, _, root = _verify(tmp_path, "hardhat_project")
    moved = tmp_path / "moved"
    shutil.copytree(root, moved / "hardhat_project")
    out = tmp_path / "out2"
    assert cli.main(["all", "--project", str(moved / "hardhat_project"), "--out", str(out), "--cache-dir",
                     str(tmp_path / "cache2"), "--no-progress", "--jobs", "1"]) == code == 1
