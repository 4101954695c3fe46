"""FuzzChecker on the tiny vault: violated with a replay, bounded holds, timeout, missing forge."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import symbolic_support as sup  # noqa: E402

from checkers import toolchain  # noqa: E402
from checkers.base import Verdict  # noqa: E402
from checkers.fuzz.engine import FuzzChecker  # noqa: E402


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


def test_timeout_gives_unknown():
    [finding] = FuzzChecker().check(sup.SPEC, sup.fixture_target("correct"), 0.01)
    assert finding.verdict is Verdict.UNKNOWN


def test_missing_forge_is_skipped_with_reason(monkeypatch):
    def missing():
        raise toolchain.ToolMissingError("forge not found at /nowhere: run ./setup.sh")

    monkeypatch.setattr(toolchain, "forge", missing)
    [finding] = FuzzChecker().check(sup.SPEC, sup.fixture_target("correct"), 30)
    assert finding.verdict is Verdict.SKIPPED and "forge not found" in finding.summary
