"""Verdict rules of the prover: VACUOUS, UNKNOWN on timeout, VIOLATED with values, lemmas checked first."""
from __future__ import annotations

import z3

from checkers.base import Verdict
from checkers.engines.z3.interest import accrue_index
from checkers.engines.z3.obligation import Builder
from checkers.engines.z3.prover import decide


def test_contradictory_assumptions_are_vacuous() -> None:
    b = Builder("TEST-01")
    x = b.var("x", "uint256", hi=10)
    b.assume("x > 100 (contradicts x <= 10)", x > 100)
    ob = b.done("x is small", "x <= 10", x <= 10, ())
    assert decide(ob, 5.0).verdict == Verdict.VACUOUS


def test_hard_query_times_out_as_unknown() -> None:
    b = Builder("TEST-02")
    p = b.var("p", "uint256", lo=2, hi=2**128)
    q = b.var("q", "uint256", lo=2, hi=2**128)
    semiprime = 340282366920938463463374607431768211297 * 170141183460469231731687303715884105727
    ob = b.done("the semiprime has no factorisation", "p, q in [2, 2^128]", p * q != semiprime, ())
    decision = decide(ob, 0.2)
    assert decision.verdict == Verdict.UNKNOWN, decision


def test_engine_timeout_is_unknown(platform_target, z3_engine, z3_specs) -> None:
    finding = z3_engine.check(z3_specs["LIQ-02"], platform_target, 0.001)[0]
    assert finding.verdict == Verdict.UNKNOWN, finding.summary


def test_false_property_gives_counterexample() -> None:
    b = Builder("TEST-03")
    index = b.var("index", "uint256", lo=10**18, hi=2**128)
    rate = b.var("rateBps", "uint256", hi=10_000)
    dt = b.var("dt", "uint256", hi=2**40)
    (after,) = accrue_index(b.ctx, index, rate, dt)
    ob = b.done("the index strictly grows", "", after > index, ("accrueIndex",))
    d = decide(ob, 5.0)
    assert d.verdict == Verdict.VIOLATED
    assert d.values["index"] * d.values["rateBps"] * d.values["dt"] < 10_000 * 365 * 86_400  # growth truncated to 0
    assert d.call_args and d.call_args[0][0] == "accrueIndex"


def test_false_lemma_is_not_assumed() -> None:
    b = Builder("TEST-04")
    x = b.var("x", "uint256", hi=10)
    ob = b.done("x <= 10", "x <= 10", x <= 10, (), lemmas=[("x is even (false)", x % 2 == 0)])
    d = decide(ob, 5.0)
    assert d.verdict == Verdict.UNKNOWN and "lemma" in d.reason
