"""ManticoreChecker on the tiny vault: violated, bounded holds, budget exhausted, solver unknown, missing engine; an
act_ with no live end state and a reverting set-up are VACUOUS; two transactions give a two-call counterexample."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

import symbolic_support as sup

from checkers.base import Verdict
from checkers.engines.manticore.engine import ManticoreChecker
from checkers.engines.sequence.harness import Harness


@pytest.fixture(autouse=True)
def _out(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("manticore")))


def test_broken_withdraw_is_violated_with_concrete_call():
    [finding] = ManticoreChecker(budget_s=240).check(sup.SPEC, sup.fixture_target("WithdrawNoLiquidityCheck"), 240)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    amount = int(finding.evidence.counterexample.inputs["act_withdraw(uint256)[0]"])
    assert 200 < amount <= 700
    assert finding.evidence.bounds["tx_depth"].startswith("1 (one symbolic transaction")


def test_correct_vault_holds_within_bounds_and_cleans_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    [finding] = ManticoreChecker(budget_s=240).check(sup.SPEC, sup.fixture_target("correct"), 240)
    assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
    assert finding.evidence.bounds["actions_explored"] == "1/1"
    assert not list(tmp_path.glob("manticore-ws-*"))  # the workspace went to a temp dir and is gone


def test_budget_exhausted_gives_unknown_not_a_pass():
    started = time.monotonic()
    [finding] = ManticoreChecker(budget_s=0.2).check(sup.SPEC, sup.fixture_target("correct"), 240)
    assert finding.verdict is Verdict.UNKNOWN, finding.summary
    assert "budget exhausted" in finding.summary
    assert time.monotonic() - started < 120


_JOB = {"actions": [{"name": "act_withdraw", "signature": "act_withdraw(uint256)", "selector": "dd7beea9",
                     "types": ["uint256"], "n_args": 1}]}


def test_an_action_with_no_live_end_state_is_vacuous():
    records = [{"event": "setup"}, {"event": "action", "name": "act_withdraw", "states": 0, "status": "holds"},
               {"event": "done"}]
    finding = ManticoreChecker()._verdict(sup.SPEC, sup.fixture_target("correct"),
                                          Harness("SEQ-01", sup.fixture_target("correct").root), _JOB, records, True,
                                          time.monotonic(), {"budget_s": "60"})
    assert finding.verdict is Verdict.VACUOUS and finding.summary.startswith("act_withdraw never succeeded")


def test_a_violation_after_the_second_transaction_is_a_two_call_counterexample(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("manticore-canned")))
    first, second = "dd7beea9" + f"{100:064x}", "dd7beea9" + f"{150:064x}"
    records = [{"event": "action", "name": "act_withdraw", "states": 2, "status": "holds"},
               {"event": "sequence", "first": "act_withdraw", "states": 3, "status": "violated",
                "calldata": [first, second]}]
    job = dict(_JOB, tx_depth=2)
    finding = ManticoreChecker(tx_depth=2)._verdict(sup.SPEC, sup.fixture_target("correct"),
                                                    Harness("SEQ-01", sup.fixture_target("correct").root), job,
                                                    records, False, time.monotonic(), {"budget_s": "60"})
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.counterexample.call_sequence == ("SEQ01Harness()", "act_withdraw(100)",
                                                             "act_withdraw(150)")


def test_withdraw_that_always_reverts_is_vacuous():
    [finding] = ManticoreChecker(budget_s=240).check(sup.SPEC, sup.fixture_target("WithdrawAlwaysReverts"), 240)
    assert finding.verdict is Verdict.VACUOUS, finding.summary
    assert finding.evidence.bounds["act_succeeded"].startswith("act_withdraw 0 ")


def test_reverting_setup_is_vacuous_not_error():
    [finding] = ManticoreChecker(budget_s=240).check(sup.SPEC, sup.fixture_target("ConstructorReverts"), 240)
    assert finding.verdict is Verdict.VACUOUS and "set-up reverted" in finding.summary, finding.summary


def test_two_transactions_find_the_bug_one_transaction_misses_and_hold_on_the_correct_vault():
    target = sup.fixture_target(sup.DEPTH_TWO)
    [one] = ManticoreChecker(budget_s=240).check(sup.SPEC, target, 240)
    assert one.verdict is Verdict.HOLDS_BOUNDED, one.summary
    [finding] = ManticoreChecker(budget_s=240, tx_depth=2).check(sup.SPEC, target, 240)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    first, second = (int(c.split("(")[1].rstrip(")")) for c in finding.evidence.counterexample.call_sequence[1:])
    assert first <= 200 and second <= 200 and first + second > 200
    [holds] = ManticoreChecker(budget_s=240, tx_depth=2).check(sup.SPEC, sup.fixture_target("correct"), 240)
    assert holds.verdict is Verdict.HOLDS_BOUNDED, holds.summary
    assert holds.evidence.bounds["tx_depth"].startswith("2 ") and "second_tx_explored" in holds.evidence.bounds


def test_solver_unknown_gives_unknown():
    checker = ManticoreChecker()
    harness = Harness("SEQ-01", sup.fixture_target("correct").root)
    job = {"actions": [{"name": "act_withdraw", "signature": "act_withdraw(uint256)", "selector": "dd7beea9",
                        "types": ["uint256"], "n_args": 1}]}
    records = [{"event": "setup"}, {"event": "solver_unknown", "message": "SolverUnknown: unknown"}]
    finding = checker._verdict(sup.SPEC, sup.fixture_target("correct"), harness, job, records, False,
                               time.monotonic(), {"budget_s": "60"})
    assert finding.verdict is Verdict.UNKNOWN and "unknown" in finding.summary


def test_manticore_not_importable_is_skipped_with_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "manticore", None)
    [finding] = ManticoreChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "manticore not importable" in finding.summary


def test_missing_solver_is_skipped_with_reason(monkeypatch):
    from checkers import toolchain

    real = toolchain.venv_bin
    monkeypatch.setattr(toolchain, "venv_bin", lambda name: None if name == "yices-smt2" else real(name))
    [finding] = ManticoreChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "yices-smt2 not found" in finding.summary
