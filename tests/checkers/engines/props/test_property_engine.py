"""The props engine on a tiny project: holds, a broken effect is VIOLATED with the fuzzer's arguments and a replay
that reproduces it, a reverting setUp is a deployment-liveness VIOLATED, a spec without tests is ERROR."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checkers.base import Severity, Spec, Verdict
from checkers.engines.props import forge_run
from checkers.engines.props.engine import PropertyTestChecker
from checkers.engines.sequence.replay import run_replay
from checkers.target import Target

TINY = Path(__file__).resolve().parents[3] / "fixtures" / "tiny"

COUNTER_TESTS = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Counter} from "../../src/Counter.sol";

contract CtrIntegrity {
    Counter internal c;

    function setUp() public {
        c = new Counter();
    }

    function test_INT_CTR_01_incrementAddsOne(uint8 times) public {
        for (uint256 i = 0; i < times % 8; i++) c.increment();
        require(c.count() == times % 8, "count == number of increments");
    }

    function test_INT_CTR_02_resetClears() public {
        c.increment();
        c.reset();
        require(c.count() == 0, "reset clears");
    }
}
"""


def _spec(spec_id: str) -> Spec:
    return Spec(id=spec_id, title="t", rationale="r", severity=Severity.HIGH, category="solvency",
                contracts=("Counter",), engines=("props",))


def _project(tmp_path: Path, counter_edit: tuple[str, str] | None = None) -> Target:
    root = tmp_path / "tiny"
    shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("out", "cache"))
    (root / "test" / "integrity").mkdir(parents=True)
    (root / "test" / "integrity" / "CtrIntegrity.t.sol").write_text(COUNTER_TESTS)
    if counter_edit:
        src = root / "src" / "Counter.sol"
        text = src.read_text()
        assert counter_edit[0] in text
        src.write_text(text.replace(*counter_edit))
    return Target(root=root, label=f"tiny-{tmp_path.name[-12:]}")


@pytest.fixture(autouse=True)
def _replays_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(tmp_path / "out"))


def test_holds_on_the_correct_project(tmp_path: Path) -> None:
    target = _project(tmp_path)
    engine = PropertyTestChecker(fuzz_runs=16)
    [one] = engine.check(_spec("INT-CTR-01"), target, 300)
    [two] = engine.check(_spec("INT-CTR-02"), target, 300)
    assert one.verdict == two.verdict == Verdict.HOLDS_BOUNDED, (one.summary, two.summary)
    assert one.evidence.bounds["fuzz_runs"] == "16" and one.evidence.bounds["tests"] == "1"
    assert one.evidence.locations[0].file == "test/integrity/CtrIntegrity.t.sol"
    assert (target.root / "cache" / forge_run.MEMO_FILE).exists()  # the second spec reused the first run


def test_broken_effect_is_violated_with_arguments_and_a_replay(tmp_path: Path) -> None:
    target = _project(tmp_path, ("count += 1;", "count += 2;"))
    [finding] = PropertyTestChecker(fuzz_runs=32).check(_spec("INT-CTR-01"), target, 300)
    assert finding.verdict == Verdict.VIOLATED, finding.summary
    cx = finding.evidence.counterexample
    assert cx is not None and cx.inputs["test_INT_CTR_01_incrementAddsOne[0]"].startswith("uint8(")
    assert "count == number of increments" in cx.explanation
    passed, _ = run_replay(Path(finding.evidence.replay_test), target.root)
    assert not passed  # the replay reproduces the violation
    [other] = PropertyTestChecker(fuzz_runs=32).check(_spec("INT-CTR-02"), target, 300)
    assert other.verdict == Verdict.HOLDS_BOUNDED  # reset still clears


def test_reverting_setup_is_a_deployment_liveness_violation(tmp_path: Path) -> None:
    target = _project(tmp_path, ("    uint256 public count;", "    uint256 public count;\n    constructor() { revert(\"no deploy\"); }"))
    [finding] = PropertyTestChecker(fuzz_runs=8).check(_spec("INT-CTR-02"), target, 300)
    assert finding.verdict == Verdict.VIOLATED, finding.summary
    assert "setUp() reverted" in finding.summary
    assert finding.evidence.counterexample.call_sequence == ("CtrIntegrity.setUp()",)


def test_a_spec_without_tests_is_an_error(tmp_path: Path) -> None:
    target = _project(tmp_path)
    [finding] = PropertyTestChecker(fuzz_runs=8).check(_spec("INT-CTR-09"), target, 300)
    assert finding.verdict == Verdict.ERROR and "test_INT_CTR_09_" in finding.summary
