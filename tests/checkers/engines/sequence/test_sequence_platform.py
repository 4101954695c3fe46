"""The fuzz engine on the real platform and its SEQ mutants (the fixture-vault tests cover each engine's outcomes
on a tiny contract; Manticore's platform tests are in test_sequence_platform_manticore.py).

- The SEQ mutants M19, M08, M20 are found by the fuzz engine (the cheapest; bench/bench_symbolic.py shows all
  three engines find all five).
- A withdraw that always reverts (M23) is VACUOUS for SEQ-01 (fuzz here, Manticore in the other file, halmos on
  the fixture vault), not HOLDS_BOUNDED, and VIOLATED for LIVE-01; a set-up that reverts (M24) is VIOLATED for
  DEPLOY-01 and VACUOUS for the SEQ specs whose harness it breaks.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checkers.base import Verdict
from checkers.engines.fuzz.engine import FuzzChecker
from checkers.engines.sequence.replay import run_replay
from specs.sequences import DEPLOY_SPEC, LIVE_SPEC, SPECS

SEQ = {spec.id: spec for spec in SPECS}


@pytest.mark.parametrize(("spec_id", "mutant"), [("SEQ-02", "M19"), ("SEQ-04", "M08"), ("SEQ-05", "M20")])
def test_fuzz_finds_the_other_sequence_mutants(spec_id, mutant, platform_copy):
    [finding] = FuzzChecker().check(SEQ[spec_id], platform_copy(mutant), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.replay_test and Path(finding.evidence.replay_test).exists()


def test_withdraw_that_always_reverts_is_vacuous_for_seq_01_and_violates_liveness(platform_copy):
    target = platform_copy("M23")
    [fuzz] = FuzzChecker().check(SEQ["SEQ-01"], target, 600)
    assert fuzz.verdict is Verdict.VACUOUS, fuzz.summary
    assert fuzz.summary.startswith("act_withdraw never succeeded")
    [live] = FuzzChecker().check(SEQ[LIVE_SPEC], target, 600)
    assert live.verdict is Verdict.VIOLATED, live.summary
    assert live.evidence.counterexample.call_sequence == ("SEQ01Harness()", "act_withdraw(0)")
    passed, output = run_replay(Path(live.evidence.replay_test), target.root)
    assert not passed, output
    [platform_live] = FuzzChecker().check(SEQ[LIVE_SPEC], platform_copy(None), 600)
    assert platform_live.verdict is Verdict.HOLDS_BOUNDED, platform_live.summary


def test_reverting_setup_violates_deployment_and_leaves_the_sequence_spec_vacuous(platform_copy):
    target = platform_copy("M24")
    [deploy] = FuzzChecker().check(SEQ[DEPLOY_SPEC], target, 600)
    assert deploy.verdict is Verdict.VIOLATED, deploy.summary
    assert "AlreadySupported" in deploy.evidence.counterexample.explanation
    assert "5/6 harnesses" in deploy.summary  # SEQ-03's receiver harness needs no pool
    [seq] = FuzzChecker().check(SEQ["SEQ-01"], target, 600)
    assert seq.verdict is Verdict.VACUOUS and "set-up reverted" in seq.summary, seq.summary
    [platform_deploy] = FuzzChecker().check(SEQ[DEPLOY_SPEC], platform_copy(None), 600)
    assert platform_deploy.verdict is Verdict.HOLDS_BOUNDED, platform_deploy.summary
