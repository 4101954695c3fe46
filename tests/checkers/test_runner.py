"""The runner: one result per planned check whatever the engines do, accepted risk, cross-checks, kills."""
from __future__ import annotations

import dataclasses

import fake_engine
import pytest
from verify_fixtures import env, spec, tiny_built  # noqa: F401 - fixtures

from checkers import runner
from checkers.base import Counterexample, Evidence, Finding, Verdict
from checkers.config import Config
from checkers.mutants import Mutant
from checkers.results import CheckResult, RunResults, kills, summarise_spec
from checkers.target import Target


def _run(env, specs, **config):
    cfg = Config(**{"cache_dir": env.cache, "platform": env.root, "jobs": 2, "timeout": 5, "progress": False, **config})
    target = Target(env.root)
    return runner.run_checks(runner.plan(specs, target, cfg), cfg)


def test_crash_hang_and_death_cost_one_check_each(env, monkeypatch) -> None:
    monkeypatch.setattr(runner, "GRACE_S", 0.5)
    fake_engine.BEHAVIOUR.update({"FIX-01": "crash", "FIX-02": "die", "FIX-03": "hang", "FIX-04": "proved",
                                  "FIX-05": "proved"})
    specs = [spec(f"FIX-0{i}") for i in range(1, 6)]
    results = _run(env, specs, engines=("fake",), timeout=1)
    by_spec = {r.finding.spec_id: r.finding for r in results}
    assert len(results) == 5
    assert by_spec["FIX-01"].verdict == Verdict.ERROR and "fake engine blew up" in by_spec["FIX-01"].summary
    assert by_spec["FIX-02"].verdict == Verdict.ERROR and "exit code 9" in by_spec["FIX-02"].summary
    assert by_spec["FIX-03"].verdict == Verdict.UNKNOWN and "timed out" in by_spec["FIX-03"].summary
    assert by_spec["FIX-04"].verdict == by_spec["FIX-05"].verdict == Verdict.PROVED


def test_timeout_kills_the_engines_subprocesses(env, monkeypatch) -> None:
    import os

    monkeypatch.setattr(runner, "GRACE_S", 0.5)
    fake_engine.BEHAVIOUR["FIX-01"] = "hang_child"
    [result] = _run(env, [spec("FIX-01")], timeout=1)
    assert result.finding.verdict == Verdict.UNKNOWN
    pid = int(next(line for line in env.ran() if line.startswith("child")).split()[1])
    assert not _alive(pid), "the solver subprocess must die with its engine"


def test_engine_set_up_runs_outside_the_checks_clocks(env, monkeypatch) -> None:
    """A cold build longer than a check's hard limit (1 x 1.5 + 0.5 s) does not turn the batch UNKNOWN."""
    monkeypatch.setattr(runner, "GRACE_S", 0.5)
    fake_engine.PREPARE["sleep"] = 3
    results = _run(env, [spec("FIX-01"), spec("FIX-02")], engines=("fake",), timeout=1, jobs=1)
    assert [r.finding.verdict for r in results] == [Verdict.PROVED, Verdict.PROVED]


def test_a_failed_engine_set_up_is_an_error_of_each_check(env) -> None:
    fake_engine.PREPARE["fail"] = "forge build --ast failed: Error (2314)"
    results = _run(env, [spec("FIX-01"), spec("FIX-02")], engines=("fake",))
    assert [r.finding.verdict for r in results] == [Verdict.ERROR, Verdict.ERROR]
    assert all("engine set-up failed" in r.finding.summary and "Error (2314)" in r.finding.summary for r in results)
    assert env.ran() == [], "no check runs on a failed set-up"


def test_a_hung_engine_set_up_is_stopped(env, monkeypatch) -> None:
    monkeypatch.setattr(runner, "SETUP_LIMIT_S", 1.0)
    fake_engine.PREPARE["sleep"] = 3600
    [result] = _run(env, [spec("FIX-01")], engines=("fake",))
    assert result.finding.verdict == Verdict.UNKNOWN and "set-up" in result.finding.summary


def _alive(pid: int) -> bool:
    import os
    import time

    for _ in range(20):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split()[2] == "Z":
                    return False  # zombie: dead, waiting for its (re-parented) parent
        except FileNotFoundError:
            return False
        time.sleep(0.1)
    return True


def test_unloadable_unavailable_and_unsupported_engines(env) -> None:
    fake_engine.BEHAVIOUR["FIX-02"] = "unsupported"
    specs = [spec("FIX-01", engines_=("missing",)), spec("FIX-03", engines_=("offline",)),
             spec("FIX-02", engines_=("fake",))]
    by_spec = {r.finding.spec_id: r.finding for r in _run(env, specs)}
    assert by_spec["FIX-01"].verdict == Verdict.SKIPPED and "cannot be loaded" in by_spec["FIX-01"].summary
    assert by_spec["FIX-03"].verdict == Verdict.SKIPPED and "fake-solver not found" in by_spec["FIX-03"].summary
    assert by_spec["FIX-02"].verdict == Verdict.ERROR and "no implementation" in by_spec["FIX-02"].summary


def test_accepted_risk_keeps_the_evidence(env) -> None:
    fake_engine.BEHAVIOUR["FIX-02"] = "violated"
    s = spec("FIX-02", ("Vault",), accepted_risk="insurance fund covers the shortfall")
    [result] = _run(env, [s])
    assert result.finding.verdict == Verdict.ACCEPTED_RISK and result.original == Verdict.VIOLATED
    assert result.finding.evidence.counterexample.inputs["amount"] == "100"


def test_disagreeing_engines_are_named(env) -> None:
    fake_engine.BEHAVIOUR["FIX-03"] = "violated"
    fake_engine.OtherChecker.OTHER.update({"FIX-03": "bounded"})
    s = spec("FIX-03", engines_=("fake", "fake2"))
    summary = summarise_spec(s, _run(env, [s]))
    assert summary.verdict == Verdict.VIOLATED
    assert summary.disagreement is not None and "fake found a violation" in summary.disagreement
    assert "fake2 found none (HOLDS_BOUNDED)" in summary.disagreement


def test_skipped_beside_a_conclusive_verdict_does_not_count() -> None:
    s = spec("FIX-01", engines_=("fake", "offline"))
    ok = CheckResult(Finding("FIX-01", "fake", Verdict.PROVED, "ok"), Verdict.PROVED)
    skipped = CheckResult(Finding("FIX-01", "offline", Verdict.SKIPPED, "no tool"), Verdict.SKIPPED)
    assert summarise_spec(s, [ok, skipped]).verdict == Verdict.PROVED
    assert summarise_spec(s, [skipped]).verdict == Verdict.SKIPPED
    results = RunResults("all", [s], [skipped])
    assert int(results.exit_code()) == 3
    assert int(dataclasses.replace(results, strict=False).exit_code()) == 0


def test_kill_rule() -> None:
    cx = Evidence(counterexample=Counterexample({"x": "1"}))
    assert kills(CheckResult(Finding("A-01", "z3", Verdict.VIOLATED, "v"), Verdict.VIOLATED))
    assert not kills(CheckResult(Finding("A-01", "z3", Verdict.ERROR, "mismatch", cx), Verdict.ERROR))  # exit 3
    assert not kills(CheckResult(Finding("A-01", "z3", Verdict.ERROR, "crash"), Verdict.ERROR))
    assert not kills(CheckResult(Finding("A-01", "z3", Verdict.PROVED, "ok"), Verdict.PROVED))


def test_kill_matrix_marks_survivors(tmp_path) -> None:
    specs = [spec("FIX-01"), spec("FIX-02")]
    caught = Mutant("M1_Caught", tmp_path / "M1.sol", "src/Counter.sol", ("FIX-01",), "off by one")
    survivor = Mutant("M2_Survives", tmp_path / "M2.sol", "src/Vault.sol", ("FIX-02",), "no check")
    results = [
        CheckResult(Finding("FIX-01", "fake", Verdict.VIOLATED, "v", target="M1_Caught"), Verdict.VIOLATED),
        CheckResult(Finding("FIX-02", "fake", Verdict.ERROR, "crash", target="M2_Survives"), Verdict.ERROR),
    ]
    matrix = runner.kill_matrix([caught, survivor], specs, {"M1_Caught": None, "M2_Survives": None}, results)
    assert matrix[0].killed and matrix[0].caught_by == {"FIX-01": ["fake"]}
    assert not matrix[1].killed and matrix[1].missed_by == ("FIX-02",)
    run = RunResults("mutants", specs, [], mutants=matrix)
    assert {s.spec_id: s.verdict for s in run.spec_results()}["FIX-02"] == Verdict.VACUOUS
    assert int(run.exit_code()) == 3


@pytest.mark.parametrize("only, expected", [(("FIX-01",), ["FIX-01"]), (("fix",), ["FIX-01", "FIX-02"]),
                                            (("solvency",), ["FIX-01", "FIX-02"]), (("other",), [])])
def test_select_specs(only, expected) -> None:
    specs = [spec("FIX-01"), spec("FIX-02")]
    assert [s.id for s in runner.select_specs(specs, Config(only=only))] == expected


def test_engines_start_fastest_first_manticore_last() -> None:
    from checkers.engines import engine_rank

    names = ["manticore", "unregistered", "halmos", "z3", "fuzz", "slither"]
    assert sorted(names, key=engine_rank) == ["z3", "slither", "fuzz", "halmos", "manticore", "unregistered"]


def test_only_matches_ids_leading_parts_of_ids_and_categories() -> None:
    launch = dataclasses.replace(spec("INT-LAUNCH-02"), category="access")
    assert all(runner.only_matches(t, launch) for t in ("INT-LAUNCH-02", "int-launch", "INT", "access"))
    assert not any(runner.only_matches(t, launch) for t in ("INT-LAUNCH-0", "LAUNCH", "INT-LAUNCH-02-x", "ccip"))
