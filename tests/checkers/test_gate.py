"""The gate is decided by evidence, the display by rank: both over every combination of engine verdicts.

Before this, a spec's verdict was the maximum of its engines' verdicts and ERROR/VACUOUS ranked above VIOLATED, so
fuzz VIOLATED + Manticore ERROR showed ERROR and exited 0 under --no-strict, 3 under --strict (never 1).
"""
from __future__ import annotations

import itertools

import pytest

from checkers.base import LEGEND, PASSING, Finding, Severity, Spec, Verdict
from checkers.results import CheckResult, ExitCode, RunResults, apply_accepted_risk, display_verdict

ENGINES = ("fuzz", "halmos", "manticore")
SPEC = Spec(id="SEQ-99", title="t", rationale="r", severity=Severity.HIGH, category="solvency", contracts=("C",),
            engines=ENGINES)
RISKY = Spec(id="SEQ-98", title="t", rationale="r", severity=Severity.HIGH, category="solvency", contracts=("C",),
             engines=ENGINES, accepted_risk="mitigated by the insurance fund")
ENGINE_VERDICTS = [v for v in Verdict if v != Verdict.ACCEPTED_RISK]  # what engines return; the runner adds risk


def _results(spec: Spec, verdicts: tuple[Verdict, ...], strict: bool) -> RunResults:
    checks = [apply_accepted_risk(spec, Finding(spec.id, engine, v, f"{engine} said {v.name}"))
              for engine, v in zip(ENGINES, verdicts)]
    return RunResults("all", [spec], checks, strict=strict)


def _combinations():
    for size in (1, 2, 3):
        yield from itertools.product(ENGINE_VERDICTS, repeat=size)


def _expected_exit(verdicts: tuple[Verdict, ...], strict: bool) -> ExitCode:
    """The documented policy, written independently of the implementation."""
    if Verdict.VIOLATED in verdicts:
        return ExitCode.VIOLATED
    if not strict:
        return ExitCode.PASS
    ran = [v for v in verdicts if v != Verdict.SKIPPED]
    if not ran:
        return ExitCode.INCONCLUSIVE  # a gate that checked nothing must not pass
    decided = [v for v in ran if v != Verdict.UNKNOWN]
    if not decided:
        return ExitCode.INCONCLUSIVE
    if any(v in (Verdict.ERROR, Verdict.VACUOUS) for v in decided):
        return ExitCode.INCONCLUSIVE
    return ExitCode.PASS


@pytest.mark.parametrize("strict", [True, False])
def test_exit_code_over_every_combination_of_engine_verdicts(strict: bool) -> None:
    seen = 0
    for verdicts in _combinations():
        got = _results(SPEC, verdicts, strict).exit_code()
        assert got == _expected_exit(verdicts, strict), (verdicts, strict, got)
        seen += 1
    assert seen == 9 + 9 ** 2 + 9 ** 3


def test_a_violation_beside_an_error_fails_with_1_and_shows_violated() -> None:
    """The reproduced case: fuzz VIOLATED, Manticore ERROR."""
    for strict in (True, False):
        run = _results(SPEC, (Verdict.VIOLATED, Verdict.HOLDS_BOUNDED, Verdict.ERROR), strict)
        assert int(run.exit_code()) == 1
        [summary] = run.spec_results()
        assert summary.verdict == Verdict.VIOLATED
        assert "manticore ERROR" in summary.note


def test_displayed_verdict_shows_every_violation_and_never_hides_it() -> None:
    for verdicts in _combinations():
        shown = display_verdict(list(verdicts))
        if Verdict.VIOLATED in verdicts:
            assert shown == Verdict.VIOLATED, verdicts
        else:
            assert shown in verdicts, verdicts
            decided = [v for v in verdicts if v != Verdict.UNKNOWN]
            if decided:
                assert shown == max(decided), verdicts  # worst in display order among decided verdicts


def test_accepted_risk_passes_but_an_unaccepted_violation_beside_it_does_not() -> None:
    assert int(_results(RISKY, (Verdict.VIOLATED, Verdict.HOLDS_BOUNDED), True).exit_code()) == 0
    risky = _results(RISKY, (Verdict.VIOLATED,), True)
    plain = _results(SPEC, (Verdict.HOLDS_BOUNDED,), True)
    both = RunResults("all", risky.specs + plain.specs, risky.checks + plain.checks + [
        CheckResult(Finding(SPEC.id, "halmos", Verdict.VIOLATED, "cx"), Verdict.VIOLATED)])
    assert int(both.exit_code()) == 1


def test_every_verdict_has_a_legend_and_only_unbounded_words_say_proved() -> None:
    assert set(LEGEND) == set(Verdict)
    assert "unbounded" in LEGEND[Verdict.PROVED]
    assert "not a proof" in LEGEND[Verdict.NO_FINDING]
    assert PASSING == {Verdict.PROVED, Verdict.HOLDS_BOUNDED, Verdict.NO_FINDING, Verdict.NOT_APPLICABLE,
                       Verdict.ACCEPTED_RISK}
