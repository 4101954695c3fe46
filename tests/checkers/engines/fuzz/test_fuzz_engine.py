"""FuzzChecker on the tiny vault: violated with a replay, bounded holds, timeout, missing forge; an act_ that never
succeeds is VACUOUS; DEPLOY-01 / LIVE-01 over the harness (a reverting set-up, a refused witness)."""
from __future__ import annotations

from pathlib import Path

import pytest

import symbolic_support as sup

from checkers import toolchain
from checkers.base import Verdict
from checkers.engines.fuzz.engine import FuzzChecker, invariant_successes, witness_calls
from checkers.engines.sequence.replay import run_replay
from checkers.engines.sequence.harness import Harness
from specs.sequences import DEPLOY_SPEC, HARNESS_SPECS, LIVE_SPEC

SUITE = {spec.id: spec for spec in HARNESS_SPECS}


def _small() -> FuzzChecker:
    return FuzzChecker(fuzz_runs=64, invariant_runs=16, invariant_depth=8)


@pytest.fixture(autouse=True)
def _out(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("fuzz")))


def test_broken_withdraw_is_violated_with_sequence_and_replay():
    [finding] = FuzzChecker(fuzz_runs=64, invariant_runs=16, invariant_depth=8).check(
        sup.SPEC, sup.fixture_target("WithdrawNoLiquidityCheck"), 300)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    cex = finding.evidence.counterexample
    assert cex.call_sequence[0] == "SEQ01Harness()" and cex.call_sequence[-1].startswith("act_withdraw(")
    amount = int(cex.call_sequence[-1].split("(")[1].rstrip(")").split(",")[0])
    assert 200 < amount <= 700  # the window the broken check lets through (cash 700, reserve 500)
    assert Path(finding.evidence.replay_test).exists()
    assert finding.evidence.bounds["invariant_depth"] == "8"


def test_correct_vault_holds_within_recorded_bounds():
    [finding] = FuzzChecker(fuzz_runs=64, invariant_runs=16, invariant_depth=8).check(
        sup.SPEC, sup.fixture_target("correct"), 300)
    assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
    assert finding.evidence.bounds["fuzz_runs"] == "64"
    assert finding.evidence.domain.startswith("act_ arguments: act_withdraw(amount")
    successes = int(finding.evidence.bounds["act_succeeded"].split()[1])
    assert successes > 0  # some of the 16 x 8 invariant calls withdrew within the 200 available


def test_withdraw_that_always_reverts_is_vacuous_naming_the_action():
    [finding] = _small().check(sup.SPEC, sup.fixture_target("WithdrawAlwaysReverts"), 300)
    assert finding.verdict is Verdict.VACUOUS, finding.summary
    assert finding.summary.startswith("act_withdraw never succeeded")
    assert finding.evidence.bounds["act_succeeded"].startswith("act_withdraw 0 ")


def test_refused_liveness_witness_is_violated_with_a_replay_that_requires_success():
    [finding] = _small().check(SUITE[LIVE_SPEC], sup.fixture_target("WithdrawAlwaysReverts"), 300)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.counterexample.call_sequence == ("SEQ01Harness()", "act_withdraw(100)")
    replay = Path(finding.evidence.replay_test)
    assert "require(ok" in replay.read_text()
    passed, output = run_replay(replay, sup.fixture_target("WithdrawAlwaysReverts").root)
    assert not passed, output
    passed, output = run_replay(replay, sup.fixture_target("correct").root)
    assert passed, output


def test_reverting_setup_violates_deploy_01_with_its_reason_and_leaves_seq_01_vacuous():
    target = sup.fixture_target("ConstructorReverts")
    [deploy] = _small().check(SUITE[DEPLOY_SPEC], target, 300)
    assert deploy.verdict is Verdict.VIOLATED, deploy.summary
    assert "no reserve supported" in deploy.evidence.counterexample.explanation
    assert deploy.evidence.counterexample.call_sequence == ("SEQ01Harness()",)
    passed, output = run_replay(Path(deploy.evidence.replay_test), target.root)  # deploys the harness only
    assert not passed, output
    passed, output = run_replay(Path(deploy.evidence.replay_test), sup.fixture_target("correct").root)
    assert passed, output
    [seq] = _small().check(sup.SPEC, target, 300)
    assert seq.verdict is Verdict.VACUOUS and "set-up reverted" in seq.summary, seq.summary
    [live] = _small().check(SUITE[LIVE_SPEC], target, 300)
    assert live.verdict is Verdict.VACUOUS, live.summary


def test_deploy_and_liveness_hold_on_the_correct_vault():
    for spec_id in (DEPLOY_SPEC, LIVE_SPEC):
        [finding] = _small().check(SUITE[spec_id], sup.fixture_target("correct"), 300)
        assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
        assert finding.evidence.bounds["harnesses"] == "SEQ01Harness"


def test_invariant_metrics_give_successful_calls_per_action():
    results = [{"kind": {"Invariant": {"metrics": {
        "test/symbolic/harness/SEQ01.sol:SEQ01Harness.act_withdraw": {"calls": 40, "reverts": 40, "discards": 0},
        "test/symbolic/harness/SEQ01.sol:SEQ01Harness.act_supply": {"calls": 30, "reverts": 10, "discards": 2}}}}},
        {"kind": {"Fuzz": {"runs": 256}}}]
    assert invariant_successes(results) == {"act_withdraw": 0, "act_supply": 18}


def test_witness_calls_are_the_tests_top_level_harness_calls(monkeypatch):
    abi = [{"type": "function", "name": "act_withdraw", "inputs": [{"name": "amount", "type": "uint256"}]}]
    monkeypatch.setattr(Harness, "artifact", lambda self, out_dir="out": {"abi": abi})
    data = "0xdd7beea9" + f"{100:064x}"
    arena = [{"trace": {"depth": 0, "kind": "CALL", "data": "0x7d0a139b"}},
             {"trace": {"depth": 1, "kind": "CALL", "data": data}},
             {"trace": {"depth": 2, "kind": "CALL", "data": "0xf3fef3a3" + "0" * 64}}]
    res = {"traces": [["Setup", {"arena": []}], ["Execution", {"arena": arena}]]}
    [call] = witness_calls(Harness("SEQ-01", Path("/nonexistent")), res)
    assert call.render() == "act_withdraw(100)"


def test_timeout_gives_unknown():
    [finding] = FuzzChecker().check(sup.SPEC, sup.fixture_target("correct"), 0.01)
    assert finding.verdict is Verdict.UNKNOWN


def test_missing_forge_is_skipped_with_reason(monkeypatch):
    def missing():
        raise toolchain.ToolMissingError("forge not found at /nowhere: run ./setup.sh")

    monkeypatch.setattr(toolchain, "forge", missing)
    [finding] = FuzzChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "forge not found" in finding.summary
