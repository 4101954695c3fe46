"""Cache keys that cannot go stale (issue 11): a check's key covers every source its build reads.

A sequence spec names one contract, but its harness deploys others (on the platform: the pool, PositionManager
and PerpetualTrading for SEQ-04/05). Editing a contract only the harness imports must change the key.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from verify_fixtures import spec

from checkers import toolchain
from checkers.cache import TargetHasher, _metadata_sources, check_key
from checkers.target import Target, copy_project

SYMBOLIC_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "symbolic"
FILES = {
    "src/Named.sol": """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;
contract Named {
    uint256 public x;
    function set(uint256 v) external { x = v; }
}
""",
    # Deployed by the harness's set-up only: no contract the spec names imports it.
    "src/Deployed.sol": """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;
contract Deployed {
    uint256 public limit = 10;
}
""",
    "test/symbolic/harness/SEQ99.sol": """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;
import {Named} from "src/Named.sol";
import {Deployed} from "src/Deployed.sol";
contract SEQ99Harness {
    uint256 public violations;
    Named public named;
    Deployed public deployed;
    constructor() { named = new Named(); deployed = new Deployed(); }
    function act_set(uint256 v) external { named.set(v); if (!property()) violations += 1; }
    function property() public view returns (bool) { return named.x() <= deployed.limit(); }
}
""",
    "test/symbolic/SEQ99.t.sol": """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;
import {SEQ99Harness} from "./harness/SEQ99.sol";
contract SEQ99Symbolic {
    SEQ99Harness h;
    function setUp() public { h = new SEQ99Harness(); }
    function check_set(uint256 v) public { h.act_set(v); assert(h.property()); }
}
""",
}
SPEC = spec("SEQ-99", ("Named",), engines_=("fuzz", "halmos", "manticore"))


@pytest.fixture(scope="module")
def harness_project(tmp_path_factory) -> Path:
    """A project whose harness deploys a contract the spec does not name, built once (tests copy it)."""
    into = tmp_path_factory.mktemp("keys")
    root = into / "proj"
    root.mkdir()
    shutil.copyfile(SYMBOLIC_FIXTURE / "foundry.toml", root / "foundry.toml")
    for relative, text in FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    for sibling in ("node_modules", "tools"):
        (into / sibling).symlink_to(toolchain.REPO_ROOT / sibling)
    Target.build(root)
    return root


@pytest.fixture
def project(harness_project, tmp_path) -> Path:
    return copy_project(harness_project, tmp_path)


def _key(root: Path, engine: str = "fuzz") -> str:
    target = Target(root)
    return check_key(SPEC, engine, target, TargetHasher(target), {"timeout": 60})


def _edit_deployed(root: Path) -> None:
    path = root / "src" / "Deployed.sol"
    path.write_text(path.read_text().replace("limit = 10", "limit = 11"))


def test_a_contract_only_the_harness_deploys_is_in_the_sequence_key(project) -> None:
    target = Target(project)
    assert "src/Deployed.sol" not in dict(_metadata_sources(target, "Named")), "precondition: not named, not imported"
    before = {engine: _key(project, engine) for engine in ("fuzz", "halmos", "manticore", "z3")}
    _edit_deployed(project)
    Target.build(project)
    after = {engine: _key(project, engine) for engine in before}
    for engine in ("fuzz", "halmos", "manticore"):
        assert after[engine] != before[engine], f"{engine}: a harness-deployed contract changed, the key did not"
    assert after["z3"] == before["z3"], "an engine that does not build the harness keeps its key"


def test_stale_harness_artifacts_still_change_the_key(project) -> None:
    """A mutant is built with src/ only: its copied harness artefacts are stale, so sources are read from disk."""
    before = _key(project)
    _edit_deployed(project)  # no rebuild
    assert _key(project) != before


def test_without_harness_artifacts_the_key_covers_all_of_src(project) -> None:
    shutil.rmtree(project / "out" / "SEQ99.sol")
    before = _key(project)
    _edit_deployed(project)
    assert _key(project) != before


def test_the_foundry_profile_is_in_the_sequence_key(project) -> None:
    """The Manticore harness build uses its own profile (evm paris): the named contracts' bytecode cannot show it."""
    before = _key(project, "manticore")
    toml = project / "foundry.toml"
    toml.write_text(toml.read_text().replace('evm_version = "paris"', 'evm_version = "london"'))
    assert _key(project, "manticore") != before


def test_keys_do_not_change_when_nothing_changed(project) -> None:
    assert _key(project) == _key(project)
    assert _key(project, "halmos") != _key(project, "fuzz")
