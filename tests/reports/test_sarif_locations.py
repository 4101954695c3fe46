"""SARIF results point at real declarations: upgrade findings at the variable or function, sequence violations at
the platform function the last act_ call reaches, and nothing at a placeholder like pyproject.toml:1."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import reports
from checkers.base import Counterexample, Evidence, Finding, Severity, SourceLocation, Spec, Verdict
from checkers.results import CheckResult, RunResults
from reports import render

SCHEMA = json.loads((Path(reports.__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())

ENGINE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

contract LiquidationEngine {
    struct Auction {
        uint256 start;
    }

    mapping(address asset => bytes32 feedId) public assetFeed;
    uint256 public insuranceFund;

    function liquidate(address account) external {}
}
"""
POOL = """pragma solidity 0.8.24;

contract CrossChainLendingPool {
    function supply(address token, uint256 assets) external returns (uint256) {}

    function withdraw(address token, uint256 shares) external returns (uint256) {}
}
"""
HARNESS = """pragma solidity 0.8.24;

contract SEQ01Harness {
    /// act_withdraw(uint256) is the one that pays out
    function act_supply(uint256 choice) external {
        _supply(choice);
    }

    function act_withdraw(uint256 choice) external {
        usdc.approve(address(pool), 1);
        pool.withdraw(address(usdc), choice);
    }

    function _supply(uint256 amount) internal {
        pool.supply(address(usdc), amount);
    }
}
"""


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for rel, text in {"src/LiquidationEngine.sol": ENGINE, "src/CrossChainLendingPool.sol": POOL,
                      "test/symbolic/harness/SEQ01.sol": HARNESS, "foundry.toml": "[profile.default]\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _spec(spec_id: str, engine: str, contracts: tuple[str, ...] = ()) -> Spec:
    return Spec(id=spec_id, title=spec_id, rationale="why", severity=Severity.HIGH, category="c",
                contracts=contracts, engines=(engine,))


def _violation(spec_id: str, engine: str, cx: Counterexample, locations=()) -> CheckResult:
    return CheckResult(Finding(spec_id, engine, Verdict.VIOLATED, f"{spec_id} violated",
                               Evidence(counterexample=cx, locations=locations), target="proj"), Verdict.VIOLATED)


def _run(project: Path, checks: list[CheckResult], specs: list[Spec]) -> dict:
    results = RunResults(command="all", specs=specs, checks=checks, targets={"proj": str(project)},
                         locations={"SEQ-01": [{"file": str(project / "src/CrossChainLendingPool.sol"), "line": 3,
                                                "contract": "CrossChainLendingPool"}]})
    log = json.loads(render(results, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return {(r["ruleId"]): r for r in log["runs"][0]["results"]}


def _where(result: dict, index: int | None = None) -> tuple[str, int]:
    loc = result["locations"][0] if index is None else result["relatedLocations"][index]
    return loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"]


def test_upgrade_findings_point_at_the_variable_or_the_contract(project: Path) -> None:
    at_contract = (SourceLocation("src/LiquidationEngine.sol", 1, "LiquidationEngine"),)
    checks = [
        _violation("UPG-01", "upgrade", Counterexample({"contract": "LiquidationEngine", "variable": "insuranceFund",
                                                        "baseline_slot": "1"}), at_contract),
        _violation("UPG-02", "upgrade", Counterexample({"contract": "LiquidationEngine",
                                                        "signature": "removed(uint256)"}), at_contract),
        _violation("UPG-03", "upgrade", Counterexample({"contract": "LiquidationEngine", "struct": "Auction"}),
                   at_contract),
    ]
    by = _run(project, checks, [_spec("UPG-01", "upgrade"), _spec("UPG-02", "upgrade"), _spec("UPG-03", "upgrade")])
    assert _where(by["UPG-01"]) == ("src/LiquidationEngine.sol", _line(ENGINE, "insuranceFund;"))
    # a removed selector no longer has a declaration: the contract's
    assert _where(by["UPG-02"]) == ("src/LiquidationEngine.sol", _line(ENGINE, "contract LiquidationEngine"))
    assert _where(by["UPG-03"]) == ("src/LiquidationEngine.sol", _line(ENGINE, "struct Auction"))


def test_sequence_violations_point_at_the_platform_function_the_last_call_reaches(project: Path) -> None:
    direct = Counterexample({"2.act_withdraw(uint256)[0]": "5"}, ("SEQ01Harness()", "act_supply(1)", "act_withdraw(5)"))
    by = _run(project, [_violation("SEQ-01", "fuzz", direct)], [_spec("SEQ-01", "fuzz", ("CrossChainLendingPool",))])
    assert _where(by["SEQ-01"]) == ("src/CrossChainLendingPool.sol", _line(POOL, "function withdraw"))
    assert _where(by["SEQ-01"], 0) == ("test/symbolic/harness/SEQ01.sol", _line(HARNESS, "function act_withdraw"))
    helper = Counterexample({"act_supply(uint256)[0]": "1"}, ("SEQ01Harness()", "act_supply(1)"))
    by = _run(project, [_violation("SEQ-01", "halmos", helper)],
              [_spec("SEQ-01", "halmos", ("CrossChainLendingPool",))])
    assert _where(by["SEQ-01"]) == ("src/CrossChainLendingPool.sol", _line(POOL, "function supply")), "via _supply"


def test_findings_without_a_location_get_a_real_file_never_pyproject(project: Path) -> None:
    check = CheckResult(Finding("STRUCT-01", "slither", Verdict.NO_FINDING, "every built-in finding is triaged",
                                target="proj"), Verdict.NO_FINDING)
    by = _run(project, [check], [_spec("STRUCT-01", "slither")])
    assert _where(by["STRUCT-01"]) == ("foundry.toml", 1)
    assert "no source location" in by["STRUCT-01"]["locations"][0]["message"]["text"]


def test_platform_findings_without_a_location_point_at_the_spec_declaration() -> None:
    results = RunResults(command="all", specs=[_spec("STRUCT-01", "slither")], targets={"platform": "contracts"},
                         checks=[CheckResult(Finding("STRUCT-01", "slither", Verdict.NO_FINDING, "triaged"),
                                             Verdict.NO_FINDING)])
    (result,) = json.loads(render(results, "sarif"))["runs"][0]["results"]
    uri, line = _where(result)
    assert uri == "specs/structure.py" and 'id="STRUCT-01"' in Path(reports.__file__).parent.parent.joinpath(
        uri).read_text().splitlines()[line - 1]
