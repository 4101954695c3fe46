"""Manticore on the real platform and its SEQ mutants (tests/checkers/engines/manticore covers its outcomes on a
tiny vault; the fuzz engine's platform tests are in test_sequence_platform.py).

- Manticore finds the solvency (M11) and replay (M13) mutants within its default budget, with a concrete call;
  M11's generated replay test fails on the mutant and passes on the platform. On the platform Manticore explores
  every act_ function of SEQ-01 and gives HOLDS_BOUNDED; a tiny budget is UNKNOWN, not a pass.
- A withdraw that always reverts (M23) is VACUOUS for SEQ-01, not HOLDS_BOUNDED.
"""
from __future__ import annotations

from pathlib import Path

from checkers.base import Verdict
from checkers.engines.manticore.engine import ManticoreChecker
from checkers.engines.sequence.replay import run_replay
from specs.sequences import SPECS

SEQ = {spec.id: spec for spec in SPECS}


def test_manticore_finds_the_solvency_mutant_with_a_replayable_call(platform_copy):
    [finding] = ManticoreChecker().check(SEQ["SEQ-01"], platform_copy("M11"), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    choice = int(finding.evidence.counterexample.inputs["act_withdraw(uint256)[0]"])
    assert choice & 7 == 3  # half the lender's shares: more than the cash, paid from other funds
    replay = Path(finding.evidence.replay_test)
    passed, output = run_replay(replay, platform_copy("M11").root)
    assert not passed, output
    passed, output = run_replay(replay, platform_copy(None).root)
    assert passed, output


def test_manticore_finds_the_replay_mutant(platform_copy):
    [finding] = ManticoreChecker().check(SEQ["SEQ-03"], platform_copy("M13"), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.counterexample.call_sequence[-1].startswith("act_deliverTwice(")
    assert set(finding.evidence.counterexample.inputs) == {f"act_deliverTwice(uint256,int256,int256)[{i}]"
                                                           for i in range(3)}


def test_manticore_on_the_platform_explores_every_action_and_holds_bounded(platform_copy):
    [finding] = ManticoreChecker().check(SEQ["SEQ-01"], platform_copy(None), 600)
    assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
    assert finding.evidence.bounds["actions_explored"] == "3/3"
    assert finding.evidence.bounds["budget_s"] == "60"
    assert "act_withdraw(choice (low 3 bits) selects 1 share" in finding.evidence.domain


def test_manticore_out_of_budget_on_the_platform_is_unknown(platform_copy):
    [finding] = ManticoreChecker(budget_s=1.5).check(SEQ["SEQ-02"], platform_copy(None), 600)
    assert finding.verdict is Verdict.UNKNOWN, finding.summary
    assert "budget exhausted" in finding.summary


def test_withdraw_that_always_reverts_is_vacuous_for_seq_01(platform_copy):
    [manticore] = ManticoreChecker().check(SEQ["SEQ-01"], platform_copy("M23"), 600)
    assert manticore.verdict is Verdict.VACUOUS, manticore.summary
    # "act_borrow 1, act_supply 4, act_withdraw 0 (...)": actions in the order the engine met them
    counts = manticore.evidence.bounds["act_succeeded"].split(" (")[0].split(", ")
    assert "act_withdraw 0" in counts and all(c.split()[1] != "0" for c in counts if c != "act_withdraw 0"), counts
