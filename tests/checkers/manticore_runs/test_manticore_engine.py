"""ManticoreChecker on the tiny vault: violated, bounded holds, budget exhausted, solver unknown, missing engine."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import symbolic_support as sup  # noqa: E402

from checkers.base import Verdict  # noqa: E402
from checkers.manticore_runs.engine import ManticoreChecker  # noqa: E402
from checkers.symbolic_harness import Harness  # noqa: E402


@pytest.fixture(autouse=True)
def _out(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir("manticore")))


def test_broken_withdraw_is_violated_with_concrete_call():
    [finding] = ManticoreChecker(budget_s=240).check(sup.SPEC, sup.fixture_target("WithdrawNoLiquidityCheck"), 240)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    amount = int(finding.evidence.counterexample.inputs["act_withdraw(uint256)[0]"])
    assert 200 < amount <= 700
    assert finding.evidence.bounds["tx_per_run"].startswith("1 symbolic transaction")


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
