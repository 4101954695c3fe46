"""HalmosChecker on the tiny vault: violated with values, bounded holds, timeout, missing halmos."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import symbolic_support as sup  # noqa: E402

from checkers import toolchain  # noqa: E402
from checkers.base import Verdict  # noqa: E402
from checkers.halmos_runs.engine import HalmosChecker  # noqa: E402


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
