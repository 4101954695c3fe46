"""Per-pragma compilers for users' projects: requirement arithmetic, the scan, the pinned set, fetch errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkers import compilers
from checkers.compilers import parse_version, satisfies
from checkers.errors import BuildError
from checkers.target import Target

MULTI = Path(__file__).resolve().parents[1] / "fixtures" / "multi_pragma"


@pytest.mark.parametrize("version, requirement, expected", [
    ("0.8.24", "^0.8.0", True), ("0.9.0", "^0.8.0", False), ("0.8.19", "=0.8.19", True),
    ("0.8.20", "=0.8.19", False), ("0.8.19", "0.8.19", True), ("0.7.6", ">=0.6.0 <0.8.0", True),
    ("0.8.0", ">=0.6.0 <0.8.0", False), ("0.6.12", "^0.6.12", True), ("0.7.0", "^0.6.12", False),
    ("0.8.37", "^0.8.30", True), ("0.8.29", "^0.8.30", False), ("0.7.6", "0.7.6 || ^0.8.0", True),
    ("0.8.5", "0.7.6 || ^0.8.0", True), ("0.6.2", "0.7.6 || ^0.8.0", False), ("0.8.3", "~0.8.0", True),
    ("0.7.1", "0.6.0 - 0.7.6", True), ("0.8.0", "0.6.0 - 0.7.6", False), ("0.8.4", ">= 0.8.4", True),
    ("0.8.9", "^0.8", True), ("0.8.1", "=0.8", True),
])
def test_pragma_requirements(version: str, requirement: str, expected: bool) -> None:
    assert satisfies(parse_version(version), requirement) is expected


def test_newest_release_meeting_a_requirement() -> None:
    versions = [parse_version(v) for v in ("0.6.12", "0.7.6", "0.8.19", "0.8.24", "0.8.37")]
    assert compilers.newest(versions, "^0.8.0") == (0, 8, 37)
    assert compilers.newest(versions, ">=0.6.0 <0.8.0") == (0, 7, 6)
    assert compilers.newest(versions, "=0.8.21") is None


def test_the_scan_reads_pragmas_not_comments_nor_dependencies(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "A.sol").write_text("// pragma solidity =0.5.0;\n/* pragma solidity 0.4.0; */\n"
                                            "pragma  solidity   >=0.6.0  <0.8.0 ;\ncontract A {}\n")
    (tmp_path / "lib" / "dep").mkdir(parents=True)
    (tmp_path / "lib" / "dep" / "B.sol").write_text("pragma solidity 0.5.17;\n")
    assert compilers.requirements(tmp_path) == {">=0.6.0 <0.8.0": "src/A.sol"}


def test_foundry_toml_version_wins_and_a_path_is_left_alone(tmp_path) -> None:
    (tmp_path / "foundry.toml").write_text("[profile.default]\nsolc_version = '0.8.19'\n")
    assert compilers.configured_version(tmp_path) == "0.8.19"
    (tmp_path / "foundry.toml").write_text("[profile.default]\nsolc = '/opt/solc'\n")
    assert compilers.configured_version(tmp_path) is None


def test_the_pinned_set_spans_0_6_to_the_newest_0_8() -> None:
    pinned = compilers.installed()
    assert {(0, 6, 12), (0, 7, 6), (0, 8, 19), (0, 8, 24)} <= set(pinned)
    package = json.loads((compilers.toolchain.REPO_ROOT / "package.json").read_text())
    assert max(pinned) == max(parse_version(v.split("@")[-1]) for k, v in package["dependencies"].items()
                              if k.startswith("solc-"))


def test_a_project_mixing_0_6_0_7_0_8_19_and_0_8_30_builds_each_file_with_its_own_release(tmp_path) -> None:
    import shutil

    root = tmp_path / "multi"
    shutil.copytree(MULTI, root)
    Target.build(root, label="multi", generic=True)
    versions = {}
    for artifact in (root / "out").glob("*.sol/*.json"):
        metadata = json.loads(artifact.read_text())["metadata"]
        versions[artifact.parent.name] = metadata["compiler"]["version"].split("+")[0]
    assert versions == {"LegacyFeedReader.sol": "0.6.12", "SevenCounter.sol": "0.7.6", "PinnedVault.sol": "0.8.19",
                        "NewestFeature.sol": max(versions.values(), key=parse_version)}
    assert parse_version(versions["NewestFeature.sol"]) >= (0, 8, 30)


def test_an_unreachable_registry_is_one_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(compilers, "HOME", tmp_path / "solc")
    monkeypatch.setattr(compilers, "FETCHED", tmp_path / "solc" / "npm")
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    with pytest.raises(BuildError, match="cannot list solc releases on the npm registry"):
        compilers.provide("=0.8.21", "src/A.sol")


def test_a_requirement_no_release_meets_names_the_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(compilers, "HOME", tmp_path)
    (tmp_path / "releases.json").write_text(json.dumps(["0.8.19", "0.8.24"]))
    with pytest.raises(BuildError, match=r"src/Future.sol: no solc release meets `pragma solidity \^0.9.0`"):
        compilers.provide("^0.9.0", "src/Future.sol")


def test_a_release_outside_the_pinned_set_is_fetched_on_first_use(tmp_path, monkeypatch) -> None:
    """foundry.toml asks for 0.8.21, which setup does not pin: fetched from npm into the cache, then used."""
    monkeypatch.setattr(compilers, "HOME", tmp_path / "solc")
    monkeypatch.setattr(compilers, "SVM", tmp_path / "solc" / "svm")
    monkeypatch.setattr(compilers, "FETCHED", tmp_path / "solc" / "npm")
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "foundry.toml").write_text("[profile.default]\nsrc = 'src'\nsolc_version = '0.8.21'\n")
    (root / "src" / "A.sol").write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract A {}\n")
    Target.build(root, label="fetched", generic=True)
    metadata = json.loads((root / "out" / "A.sol" / "A.json").read_text())["metadata"]
    assert metadata["compiler"]["version"].startswith("0.8.21+")
    assert (tmp_path / "solc" / "svm" / "0.8.21" / "solc-0.8.21").is_file()
