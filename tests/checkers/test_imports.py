"""The compatibility map: old Chainlink layouts, Remix-pinned specifiers, OpenZeppelin majors, as published."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checkers import imports
from checkers.base import Verdict
from checkers.errors import BuildError
from checkers.target import Target

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_imports"


def _relative(path: Path | None) -> str | None:
    return None if path is None else str(path.relative_to(imports.PACKAGES))


def test_moved_files_are_found_where_the_installed_release_keeps_them() -> None:
    assert _relative(imports.locate("@chainlink/contracts/src/v0.8/interfaces/AutomationCompatibleInterface.sol")) \
        .endswith("AutomationCompatibleInterface.sol")
    assert _relative(imports.locate("@chainlink/contracts-ccip/src/v0.8/ccip/applications/CCIPReceiver.sol")) == \
        "@chainlink/contracts-ccip-1.4.0/src/v0.8/ccip/applications/CCIPReceiver.sol"  # the last release laid out so
    assert _relative(imports.locate("@chainlink/contracts-ccip/src/v0.8/shared/access/OwnerIsCreator.sol")) == \
        "@chainlink/contracts-ccip-1.4.0/src/v0.8/shared/access/OwnerIsCreator.sol"
    assert _relative(imports.locate("@chainlink/contracts-ccip/contracts/NoSuch/OwnerIsCreator.sol")).endswith(
        "access/OwnerIsCreator.sol")  # moved to another package: found in @chainlink/contracts too
    assert _relative(imports.locate(
        "@chainlink/contracts-ccip/src/v0.8/vendor/openzeppelin-solidity/v4.8.3/contracts/token/ERC20/IERC20.sol")) \
        == "@openzeppelin/contracts-4.8.3/token/ERC20/IERC20.sol"  # a vendored OpenZeppelin copy: that release
    assert _relative(imports.locate("@chainlink/contracts/src/v0.6/interfaces/AggregatorV3Interface.sol")) == \
        "@chainlink/contracts-0.8.0/src/v0.6/interfaces/AggregatorV3Interface.sol"
    assert imports.locate("@chainlink/contracts/src/v0.8/NoSuchThing.sol") is None
    assert _relative(imports.locate("forge-std/Test.sol")).endswith("forge-std/Test.sol")
    assert imports.locate("solmate/tokens/ERC20.sol") is None  # not a package the map knows


def test_a_pinned_specifier_gets_the_nearest_installed_release() -> None:
    assert _relative(imports.locate("@openzeppelin/contracts@4.9.3/utils/Counters.sol")) == \
        "@openzeppelin/contracts-4.9.6/utils/Counters.sol"
    assert _relative(imports.locate("@openzeppelin/contracts@3.4.0/math/SafeMath.sol")) == \
        "@openzeppelin/contracts-3.4.2/math/SafeMath.sol"


def test_the_release_chosen_compiles_with_the_importing_files_pragma() -> None:
    """A file pinned to =0.8.19 cannot use OpenZeppelin 5 (^0.8.20): 4.9.6 holds the same path and compiles."""
    assert imports.whole_package("@openzeppelin/contracts", None, ["access/Ownable.sol"], ("=0.8.19",)).name == \
        "contracts-4.9.6"
    assert imports.whole_package("@openzeppelin/contracts", None, ["access/Ownable.sol"], ("^0.8.20",)).name == \
        "contracts"


def test_one_openzeppelin_release_serves_all_of_a_projects_imports() -> None:
    folder = imports.whole_package("@openzeppelin/contracts", None, ["utils/Counters.sol", "security/Pausable.sol"])
    assert folder is not None and folder.name == "contracts-4.9.6"
    assert imports.whole_package("@openzeppelin/contracts", None, ["utils/Counters.sol", "NoSuch.sol"]) is None


def test_the_projects_own_remappings_win(tmp_path) -> None:
    (tmp_path / "lib" / "oz" / "utils").mkdir(parents=True)
    (tmp_path / "lib" / "oz" / "utils" / "Counters.sol").write_text("pragma solidity ^0.8.0;\n")
    own = [("@openzeppelin/contracts/", "lib/oz/")]
    assert imports.resolves("@openzeppelin/contracts/utils/Counters.sol", tmp_path, own)
    assert not imports.resolves("@openzeppelin/contracts/utils/Other.sol", tmp_path, own)


def test_a_project_that_imports_no_package_gets_no_remapping(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "A.sol").write_text('pragma solidity ^0.8.0;\nimport "./B.sol";\ncontract A {}\n')
    assert imports.compat_remappings(tmp_path) == []


def test_files_as_published_compile_and_are_analysed(tmp_path) -> None:
    """Old layouts, Remix pins, OpenZeppelin 4 paths and a 0.6 consumer, no lib/ and no remappings: the build
    works and the rules see every contract (the 0.6 consumer's unchecked read among them)."""
    from checkers.engines.slither.engine import SlitherChecker
    from checkers.catalogue import load_catalogue

    root = tmp_path / "legacy"
    shutil.copytree(LEGACY, root)
    target = Target.build(root, label="legacy", generic=True)
    built = {p.parent.name for p in (root / "out").glob("*.sol/*.json")}
    assert {"OldLayoutConsumer.sol", "RemixPinned.sol", "LegacyConsumer.sol", "OldCcipReceiver.sol",
            "Oz4Raffle.sol"} <= built
    spec = next(s for s in load_catalogue() if s.id == "ORCL-10")
    [finding] = SlitherChecker().check(spec, target, 60)
    assert finding.verdict is Verdict.VIOLATED and "LegacyConsumer" in finding.summary
    assert "OldLayoutConsumer" not in finding.summary


_OZ4_OWNABLE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
import "@openzeppelin/contracts/access/Ownable.sol";
// OpenZeppelin 4's API: Ownable's constructor takes no owner (5 requires one); the path exists in both.
contract Oz4Owned is Ownable {
    uint256 public fee;
    constructor() {}
    function setFee(uint256 newFee) external onlyOwner { fee = newFee; }
}
"""


def _oz_project(tmp_path: Path, code: str) -> Path:
    root = tmp_path / "oz"
    (root / "src").mkdir(parents=True)
    (root / "foundry.toml").write_text('[profile.default]\nsrc = "src"\nout = "out"\n')
    (root / "src" / "Owned.sol").write_text(code)
    return root


def test_the_other_openzeppelin_major_is_tried_when_the_code_uses_its_api(tmp_path) -> None:
    """The paths resolve in OpenZeppelin 5 (the first choice) but the code only compiles against 4's API."""
    root = _oz_project(tmp_path, _OZ4_OWNABLE)
    [choice] = [c for c in imports.api_fallbacks(root) if "@openzeppelin/contracts/=" + str(
        imports.PACKAGES / "@openzeppelin/contracts-4.9.6") + "/" in c]
    assert f"@openzeppelin/contracts/={imports.PACKAGES / '@openzeppelin/contracts'}/" not in choice  # never mixed
    Target.build(root, label="oz4", generic=True)
    metadata = (root / "out" / "Owned.sol" / "Oz4Owned.json").read_text()
    assert "contracts-4.9.6/access/Ownable.sol" in metadata  # compiled against OpenZeppelin 4


def test_a_project_that_fails_under_every_release_reports_its_first_error(tmp_path) -> None:
    root = _oz_project(tmp_path, _OZ4_OWNABLE.replace("uint256 public fee;", "uint256 public fee = nope;"))
    with pytest.raises(BuildError, match=r"Owned.sol:\d+"):
        Target.build(root, label="broken", generic=True)
