"""The sequence engines on the real platform and its SEQ mutants (the fixture-vault tests cover each engine's
outcomes on a tiny contract; these prove the catalogue's SEQ specs catch their mutants on the platform).

- Manticore finds the solvency (M11) and replay (M13) mutants within its default budget, with a concrete call;
  M11's generated replay test fails on the mutant and passes on the platform. On the platform Manticore explores
  every act_ function of SEQ-01 and gives HOLDS_BOUNDED; a tiny budget is UNKNOWN, not a pass.
- The other SEQ mutants (M19, M08, M20) are found by the fuzz engine (the cheapest; bench/bench_symbolic.py
  shows all three engines find all five).
- A withdraw that always reverts (M23) is VACUOUS for SEQ-01 (fuzz, Manticore; halmos on the fixture vault), not
  HOLDS_BOUNDED, and VIOLATED for LIVE-01; a set-up that reverts (M24) is VIOLATED for DEPLOY-01 and VACUOUS
  for the SEQ specs whose harness it breaks.
"""
from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from checkers import toolchain
from checkers.base import Verdict
from checkers.engines.fuzz.engine import FuzzChecker
from checkers.engines.manticore.engine import ManticoreChecker, build_harnesses
from checkers.engines.sequence.replay import run_replay
from checkers.engines.sequence.harness import mutant_project
from checkers.target import Target, copy_project
from specs.sequences import DEPLOY_SPEC, LIVE_SPEC, SPECS

SEQ = {spec.id: spec for spec in SPECS}
_SCRATCH = Path(tempfile.mkdtemp(prefix="sequence-platform-"))


@pytest.fixture(scope="module", autouse=True)
def _scratch(platform_target):
    # The copies below inherit the platform's builds: its default build (session fixture) and, built here once,
    # the paris build Manticore uses, so each copy recompiles only what its mutant changes.
    build_harnesses(toolchain.PLATFORM_PROJECT)
    yield
    shutil.rmtree(_SCRATCH, ignore_errors=True)


@pytest.fixture(autouse=True)
def _out(monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(_SCRATCH / "out"))


@lru_cache(maxsize=None)
def target(mutant: str | None = None) -> Target:
    """A copy of the platform (optionally with one mutant in place), not built: each engine builds what it needs."""
    into = _SCRATCH / (mutant or "platform")
    into.mkdir(parents=True, exist_ok=True)
    root = mutant_project(mutant, into) if mutant else copy_project(toolchain.PLATFORM_PROJECT, into)
    return Target(root=root, label=mutant or "platform")


def _mutant(prefix: str) -> str:
    from checkers.mutants import load_mutants

    return next(name for name in load_mutants() if name.startswith(prefix))


def test_manticore_finds_the_solvency_mutant_with_a_replayable_call():
    name = _mutant("M11")
    [finding] = ManticoreChecker().check(SEQ["SEQ-01"], target(name), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    choice = int(finding.evidence.counterexample.inputs["act_withdraw(uint256)[0]"])
    assert choice & 7 == 3  # half the lender's shares: more than the cash, paid from other funds
    replay = Path(finding.evidence.replay_test)
    passed, output = run_replay(replay, target(name).root)
    assert not passed, output
    passed, output = run_replay(replay, target().root)
    assert passed, output


def test_manticore_finds_the_replay_mutant():
    [finding] = ManticoreChecker().check(SEQ["SEQ-03"], target(_mutant("M13")), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.counterexample.call_sequence[-1].startswith("act_deliverTwice(")
    assert set(finding.evidence.counterexample.inputs) == {f"act_deliverTwice(uint256,int256,int256)[{i}]"
                                                           for i in range(3)}


def test_manticore_on_the_platform_explores_every_action_and_holds_bounded():
    [finding] = ManticoreChecker().check(SEQ["SEQ-01"], target(), 600)
    assert finding.verdict is Verdict.HOLDS_BOUNDED, finding.summary
    assert finding.evidence.bounds["actions_explored"] == "3/3"
    assert finding.evidence.bounds["budget_s"] == "60"
    assert "act_withdraw(choice (low 3 bits) selects 1 share" in finding.evidence.domain


def test_manticore_out_of_budget_on_the_platform_is_unknown():
    [finding] = ManticoreChecker(budget_s=1.5).check(SEQ["SEQ-02"], target(), 600)
    assert finding.verdict is Verdict.UNKNOWN, finding.summary
    assert "budget exhausted" in finding.summary


@pytest.mark.parametrize(("spec_id", "mutant"), [("SEQ-02", "M19"), ("SEQ-04", "M08"), ("SEQ-05", "M20")])
def test_fuzz_finds_the_other_sequence_mutants(spec_id, mutant):
    [finding] = FuzzChecker().check(SEQ[spec_id], target(_mutant(mutant)), 600)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    assert finding.evidence.replay_test and Path(finding.evidence.replay_test).exists()


def test_withdraw_that_always_reverts_is_vacuous_for_seq_01_and_violates_liveness():
    name = _mutant("M23")
    [fuzz] = FuzzChecker().check(SEQ["SEQ-01"], target(name), 600)
    assert fuzz.verdict is Verdict.VACUOUS, fuzz.summary
    assert fuzz.summary.startswith("act_withdraw never succeeded")
    [manticore] = ManticoreChecker().check(SEQ["SEQ-01"], target(name), 600)
    assert manticore.verdict is Verdict.VACUOUS, manticore.summary
    # "act_borrow 1, act_supply 4, act_withdraw 0 (...)": actions in the order the engine met them
    counts = manticore.evidence.bounds["act_succeeded"].split(" (")[0].split(", ")
    assert "act_withdraw 0" in counts and all(c.split()[1] != "0" for c in counts if c != "act_withdraw 0"), counts
    [live] = FuzzChecker().check(SEQ[LIVE_SPEC], target(name), 600)
    assert live.verdict is Verdict.VIOLATED, live.summary
    assert live.evidence.counterexample.call_sequence == ("SEQ01Harness()", "act_withdraw(0)")
    passed, output = run_replay(Path(live.evidence.replay_test), target(name).root)
    assert not passed, output
    [platform_live] = FuzzChecker().check(SEQ[LIVE_SPEC], target(), 600)
    assert platform_live.verdict is Verdict.HOLDS_BOUNDED, platform_live.summary


def test_reverting_setup_violates_deployment_and_leaves_the_sequence_spec_vacuous():
    name = _mutant("M24")
    [deploy] = FuzzChecker().check(SEQ[DEPLOY_SPEC], target(name), 600)
    assert deploy.verdict is Verdict.VIOLATED, deploy.summary
    assert "AlreadySupported" in deploy.evidence.counterexample.explanation
    assert "4/5 harnesses" in deploy.summary  # SEQ-03's receiver harness needs no pool
    [seq] = FuzzChecker().check(SEQ["SEQ-01"], target(name), 600)
    assert seq.verdict is Verdict.VACUOUS and "set-up reverted" in seq.summary, seq.summary
    [platform_deploy] = FuzzChecker().check(SEQ[DEPLOY_SPEC], target(), 600)
    assert platform_deploy.verdict is Verdict.HOLDS_BOUNDED, platform_deploy.summary
