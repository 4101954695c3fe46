"""HalmosChecker on the tiny vault: violated with values, bounded holds, timeout, missing halmos; an act_ whose
every path reverts and a reverting set-up are VACUOUS; invariant mode at depth 2 gives a call sequence."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import symbolic_support as sup

from checkers import toolchain
from checkers.base import Verdict
from checkers.engines.halmos.engine import HalmosChecker, printed_sequences, success_paths
from checkers.engines.sequence.replay import run_replay
from checkers.engines.sequence.harness import Harness


@pytest.fixture(autouse=True)
def _out(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("halmos")))


def test_broken_withdraw_is_violated_with_counterexample_values():
    [finding] = HalmosChecker(loop=2).check(sup.SPEC, sup.fixture_target("WithdrawIgnoresInsurance"), 300)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    call = finding.evidence.counterexample.call_sequence[-1]
    amount = int(call.split("(")[1].rstrip(")"))
    assert 200 < amount <= 700
    assert finding.evidence.bounds["loop"] == "2" and Path(finding.evidence.replay_test).exists()


def test_correct_vault_holds_within_bounds():
    [finding] = HalmosChecker(loop=2).check(sup.SPEC, sup.fixture_target("correct"), 300)
    assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
    assert finding.evidence.solver.startswith("yices")
    assert finding.evidence.bounds["tx_depth"].startswith("1 ")
    assert int(finding.evidence.bounds["act_succeeded"].split()[1]) > 0


def test_withdraw_that_always_reverts_is_vacuous_naming_the_action():
    [finding] = HalmosChecker(loop=2).check(sup.SPEC, sup.fixture_target("WithdrawAlwaysReverts"), 300)
    assert finding.verdict is Verdict.VACUOUS, finding.summary
    assert finding.summary.startswith("act_withdraw never succeeded")


def test_reverting_setup_is_vacuous_not_error():
    [finding] = HalmosChecker(loop=2).check(sup.SPEC, sup.fixture_target("ConstructorReverts"), 300)
    assert finding.verdict is Verdict.VACUOUS, finding.summary
    assert "set-up reverted" in finding.summary


def test_invariant_mode_finds_the_two_transaction_bug_that_one_transaction_misses():
    target = sup.fixture_target(sup.DEPTH_TWO)
    [one] = HalmosChecker(loop=2).check(sup.SPEC, target, 300)
    assert one.verdict is Verdict.HOLDS_BOUNDED, one.summary  # within its bound (1 tx) that is the right answer
    [two] = HalmosChecker(loop=2, invariant_depth=2).check(sup.SPEC, target, 300)
    assert two.verdict is Verdict.VIOLATED, two.summary
    assert two.evidence.bounds["tx_depth"].startswith("2 ")
    first, second = (int(c.split("(")[1].rstrip(")")) for c in two.evidence.counterexample.call_sequence[1:])
    assert first <= 200 and second <= 200 and first + second > 200  # two capped withdraws dip into the reserve
    passed, output = run_replay(Path(two.evidence.replay_test), target.root)
    assert not passed, output
    [holds] = HalmosChecker(loop=2, invariant_depth=2).check(sup.SPEC, sup.fixture_target("correct"), 300)
    assert holds.verdict is Verdict.HOLDS_BOUNDED, holds.summary


_OUTPUT = """Counterexample:
    p_amount_uint256_11d785a_04 = 0x200
Sequence:
    CALL 0xaaaa0002::act_withdraw(p_amount_uint256_11d785a_04) (value: halmos_msg_value_03) (caller: s_02)
        CALL 0xaaaa0003::withdraw(p_amount_uint256_11d785a_04) (caller: 0xaaaa0002)
    CALL 0xaaaa0002::act_supply(0x05) (value: halmos_msg_value_07) (caller: s_06)
        CALL 0xaaaa0003::supply(0x05) (caller: 0xaaaa0002)
Counterexample:
[FAIL] invariant_property() (paths: 13, time: 0.78s, bounds: [])
"""


def test_printed_sequences_are_read_from_halmos_output():
    assert printed_sequences(_OUTPUT) == [[("act_withdraw", ["p_amount_uint256_11d785a_04"]),
                                           ("act_supply", ["0x05"])]]


def test_success_paths_count_per_action_and_revert_all_is_zero():
    tests = [{"name": "check_withdraw(uint256)", "exitcode": 4, "num_paths": [6, 0, 0]},
             {"name": "check_supply(uint256)", "exitcode": 0, "num_paths": [5, 3, 0]},
             {"name": "invariant_property()", "exitcode": 0, "num_paths": [9, 9, 0]}]
    assert success_paths(tests) == {"act_withdraw": 0, "act_supply": 3}


def test_invariant_counterexample_becomes_the_printed_call_sequence(monkeypatch):
    abi = [{"type": "function", "name": "act_withdraw", "inputs": [{"name": "amount", "type": "uint256"}]},
           {"type": "function", "name": "act_supply", "inputs": [{"name": "choice", "type": "uint256"}]}]
    monkeypatch.setattr(Harness, "artifact", lambda self, out_dir="out": {"abi": abi})
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("halmos-canned")))
    model = {"p_amount_uint256_11d785a_04": {"variable_name": "amount", "value": 512}}
    data = {"test_results": {"SEQ01Symbolic": [
        {"name": "check_withdraw(uint256)", "exitcode": 0, "num_paths": [3, 1, 0]},
        {"name": "invariant_property()", "exitcode": 1, "models": [{"model": model, "is_valid": True}]}]}}
    checker = HalmosChecker(invariant_depth=2)
    harness = Harness("SEQ-01", sup.fixture_target("correct").root)
    finding = checker._verdict(sup.SPEC, sup.fixture_target("correct"), harness, data, time.monotonic(), _OUTPUT)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.counterexample.call_sequence == ("SEQ01Harness()", "act_withdraw(512)", "act_supply(5)")


def test_timeout_gives_unknown():
    [finding] = HalmosChecker().check(sup.SPEC, sup.fixture_target("correct"), 0.01)
    assert finding.verdict is Verdict.UNKNOWN


def test_missing_halmos_is_skipped_with_reason(monkeypatch):
    real = toolchain.venv_bin
    monkeypatch.setattr(toolchain, "venv_bin", lambda name: None if name == "halmos" else real(name))
    [finding] = HalmosChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "halmos not found" in finding.summary


def test_missing_solver_is_skipped_with_reason(monkeypatch):
    real = toolchain.venv_bin
    monkeypatch.setattr(toolchain, "venv_bin", lambda name: None if name == "yices-smt2" else real(name))
    [finding] = HalmosChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "yices-smt2 not found" in finding.summary
