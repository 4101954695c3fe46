"""Generated replay tests: for three broken vaults, the counterexample's Foundry test fails on the broken
vault and passes on the correct one; plus the cross-check note when two engines disagree."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import symbolic_support as sup

from checkers.base import Evidence, Finding, Verdict
from checkers.engines.halmos.engine import HalmosChecker
from checkers.engines.sequence.replay import run_replay
from checkers.engines.sequence.ledger import annotate_disagreement, cross_check, record


@pytest.mark.parametrize("variant", sup.BROKEN)
def test_replay_fails_on_mutant_and_passes_on_correct(variant, monkeypatch):
    monkeypatch.setenv("VERIFY_OUT_DIR", str(sup.out_dir(f"replay-{variant}")))
    [finding] = HalmosChecker().check(sup.SPEC, sup.fixture_target(variant), 300)
    assert finding.verdict is Verdict.VIOLATED, finding.summary
    replay = Path(finding.evidence.replay_test)
    assert replay.name == f"SEQ_01_{variant}.t.sol"
    passed, output = run_replay(replay, sup.fixture_target(variant).root)
    assert not passed, output
    passed, output = run_replay(replay, sup.fixture_target("correct").root)
    assert passed, output


def _finding(engine: str, verdict: Verdict) -> Finding:
    return Finding("SEQ-01", engine, verdict, f"{engine} verdict", Evidence(bounds={"b": "1"}), target="M")


def test_disagreement_is_reported_naming_both_engines(tmp_path):
    record(tmp_path, _finding("fuzz", Verdict.HOLDS_BOUNDED))
    noted = annotate_disagreement(tmp_path, _finding("manticore", Verdict.VIOLATED))
    assert "manticore says VIOLATED, fuzz says HOLDS_BOUNDED" in noted.evidence.notes
    assert "cross-check" in noted.summary
    agreeing = annotate_disagreement(tmp_path, _finding("halmos", Verdict.HOLDS_BOUNDED))
    assert agreeing.evidence.notes == ""
    both = cross_check([_finding("halmos", Verdict.VIOLATED), _finding("fuzz", Verdict.HOLDS_BOUNDED),
                        dataclasses.replace(_finding("fuzz", Verdict.HOLDS_BOUNDED), target="other")])
    assert "fuzz says HOLDS_BOUNDED" in both[0].evidence.notes and "halmos says VIOLATED" in both[1].evidence.notes
    assert both[2].evidence.notes == ""


def test_a_verdict_recorded_on_other_sources_is_not_compared(tmp_path):
    (tmp_path / "src").mkdir()
    contract = tmp_path / "src" / "Pool.sol"
    contract.write_text("contract Pool {}")
    record(tmp_path, _finding("fuzz", Verdict.HOLDS_BOUNDED))
    contract.write_text("contract Pool { uint256 x; }")  # a later version of the target
    noted = annotate_disagreement(tmp_path, _finding("manticore", Verdict.VIOLATED))
    assert noted.evidence.notes == ""
