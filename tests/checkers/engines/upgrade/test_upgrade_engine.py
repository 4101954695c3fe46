"""The upgrade engine: UPG-01 (layout append-only) and UPG-02 (selectors kept) against a baseline."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checkers.base import Verdict
from checkers.target import Target
from checkers.engines.upgrade import baseline as bl
from checkers.engines.upgrade.engine import UpgradeChecker
from specs.upgrade import SPECS

TINY = Path(__file__).resolve().parents[3] / "fixtures" / "tiny"
UPG01, UPG02, UPG03 = SPECS


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("upg") / "tiny"
    shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("out", "cache"))
    target = Target.build(root)
    (root / bl.BASELINE_NAME).write_text(json.dumps(bl.snapshot(target)))
    return root


def _edit(root: Path, old: str, new: str) -> Target:
    path = root / "src" / "Counter.sol"
    path.write_text(path.read_text().replace(old, new, 1))
    return Target.build(root)


def _check(spec, target):
    [finding] = UpgradeChecker().check(spec, target, 10)
    return finding


def test_sequence_of_upgrades(project: Path) -> None:
    original = (project / "src" / "Counter.sol").read_text()
    try:
        target = Target(project)
        assert _check(UPG01, target).verdict == Verdict.PROVED
        assert _check(UPG02, target).verdict == Verdict.PROVED

        # Appending a variable and a function is a compatible upgrade.
        target = _edit(project, "address public owner;", "address public owner;\n    uint256 public extra;\n"
                                                          "    function bump() external { extra += 1; }")
        assert _check(UPG01, target).verdict == Verdict.PROVED
        assert _check(UPG02, target).verdict == Verdict.PROVED

        # Inserting a variable before existing ones shifts every slot: VIOLATED, with the variable named.
        target = _edit(project, "uint256 public count;", "uint256 public paused;\n    uint256 public count;")
        finding = _check(UPG01, target)
        assert finding.verdict == Verdict.VIOLATED
        cx = finding.evidence.counterexample.inputs
        assert (cx["contract"], cx["variable"], cx["baseline_slot"], cx["new_slot"]) == ("Counter", "count", "0", "1")
        assert "paused inserted before it" in finding.summary

        # Removing an external function breaks its callers: VIOLATED with the selector.
        target = _edit(project, "function reset() external {", "function resetAll() external {")
        finding = _check(UPG02, target)
        assert finding.verdict == Verdict.VIOLATED
        assert finding.evidence.counterexample.inputs["signature"] == "reset()"
        assert finding.evidence.counterexample.inputs["selector"] == "0xd826f88f"
    finally:
        (project / "src" / "Counter.sol").write_text(original)


def test_no_baseline_is_skipped_with_the_fix(tmp_path: Path, project: Path, monkeypatch) -> None:
    monkeypatch.setenv(bl.BASELINE_ENV, str(tmp_path / "absent.json"))
    finding = _check(UPG01, Target(project))
    assert finding.verdict == Verdict.SKIPPED and "verify baseline" in finding.summary


def _doc(variables, structs=None, selectors=None):
    return {"contracts": {"C": {"source": "src/C.sol", "selectors": selectors or {},
                                "storage": {"variables": variables, "structs": structs or {}}}}}


def test_retyped_variable_and_reordered_struct() -> None:
    var = {"label": "x", "slot": "0", "offset": 0, "type": "uint256", "bytes": "32"}
    retyped = dict(var, type="int256")
    [change] = bl.layout_changes(_doc([var]), _doc([retyped]))
    assert change.kind == "retyped"
    members = [{"label": "a", "slot": "0", "offset": 0, "type": "uint256"},
               {"label": "b", "slot": "1", "offset": 0, "type": "uint256"}]
    [change] = bl.layout_changes(_doc([var], {"struct C.P": members}), _doc([var], {"struct C.P": members[::-1]}))
    assert change.kind == "struct-changed"
    assert bl.layout_changes(_doc([var], {"struct C.P": members}),
                             _doc([var], {"struct C.P": members + [dict(members[0], label="c", slot="2")]})) == []


def _ns_doc(namespace: list[dict[str, str]] | None) -> dict:
    storage = {"variables": [], "structs": {}}
    if namespace is not None:
        storage["namespaces"] = {"erc7201:ccperp.storage.Pool": namespace}
    return {"contracts": {"Pool": {"source": "src/Pool.sol", "storage": storage, "selectors": {}}}}


_NS = [{"label": "_reserves", "type": "mapping(address => struct Pool.Reserve)"},
       {"label": "sharesOf", "type": "mapping(address => mapping(address => uint256))"},
       {"label": "ccipRouter", "type": "address"}]


def test_erc7201_namespace_is_append_only() -> None:
    """State in an ERC-7201 namespace (absent from solc's storageLayout) follows the same rule as state variables."""
    base = _ns_doc(_NS)
    assert bl.layout_changes(base, _ns_doc(_NS)) == []
    assert bl.layout_changes(base, _ns_doc(_NS + [{"label": "extra", "type": "uint256"}])) == []

    inserted = _NS[:1] + [{"label": "_upgradeFlags", "type": "uint256"}] + _NS[1:]
    [change] = bl.layout_changes(base, _ns_doc(inserted))
    assert change.kind == "inserted" and "_upgradeFlags inserted before it" in change.detail
    assert (change.inputs["variable"], change.inputs["baseline_member"], change.inputs["new_member"]) == \
        ("sharesOf", "1", "2")

    [change] = bl.layout_changes(base, _ns_doc(_NS[:1] + _NS[2:]))
    assert change.kind == "removed" and change.inputs["variable"] == "sharesOf"
    [change] = bl.layout_changes(base, _ns_doc([_NS[1], _NS[0], _NS[2]]))
    assert change.kind == "moved" and change.inputs["variable"] == "_reserves"
    [change] = bl.layout_changes(base, _ns_doc(_NS[:2] + [{"label": "ccipRouter", "type": "bytes32"}]))
    assert change.kind == "retyped"
    [change] = bl.layout_changes(base, _ns_doc(_NS[:2]))
    assert change.kind == "removed" and change.inputs["new_member"] == "absent"
    [change] = bl.layout_changes(base, _ns_doc(None))
    assert change.kind == "removed" and change.inputs["namespace"] == "erc7201:ccperp.storage.Pool"
    # a baseline without namespaces (schema 1 as first written) compares as before
    assert bl.layout_changes(_ns_doc(None), _ns_doc(_NS)) == []
