"""Solidity semantics of the models, evaluated concretely through the same terms the proofs use."""
from __future__ import annotations

import z3

from checkers.engines.z3.conformance import ModelEval, inputs_for
from checkers.engines.z3.registry import MODELS
from checkers.engines.z3.solidity import INT_MIN, UINT_MAX, Ctx, trunc_div


def _eval(name, *args):
    return ModelEval(MODELS[name])(args)


def test_signed_division_truncates_toward_zero() -> None:
    assert z3.simplify(trunc_div(z3.IntVal(-7), z3.IntVal(2))).as_long() == -3
    assert z3.simplify(trunc_div(z3.IntVal(7), z3.IntVal(-2))).as_long() == -3
    assert _eval("fundingOwed", 3, -1, 0, True) == ("ok", (0,))  # -3 / 1e18 truncates to 0, not -1


def test_checked_overflow_reverts() -> None:
    assert _eval("accumulate", UINT_MAX, 1, 1) == ("revert", ())
    assert _eval("accrueFunding", INT_MIN, -1, 3600) == ("revert", ())
    assert _eval("toWad", 1, 96) == ("revert", ())  # 10 ** 78 overflows uint256
    assert _eval("toWad", 1, 95) == ("ok", (0,))
    assert _eval("twap", 0, 1, 5, 5) == ("revert", ())  # division by zero


def test_ceil_div_of_zero_does_not_divide() -> None:
    assert _eval("debtWithInterest", 0, 0, 5) == ("ok", (0,))
    assert _eval("debtWithInterest", 1, 0, 5) == ("revert", ())


def test_unchecked_conversion_wraps() -> None:
    assert _eval("equity", 2**255, 0, 0) == ("ok", (-(2**255),))


def test_guarded_branch_reverts_only_when_taken() -> None:
    ctx = Ctx()
    x = z3.Int("x")
    with ctx.when(x > 0):
        ctx.sub(z3.IntVal(0), x)  # would underflow, but only on the x > 0 path
    assert z3.is_false(z3.simplify(z3.substitute(ctx.reverted(), (x, z3.IntVal(0)))))
    assert z3.is_true(z3.simplify(z3.substitute(ctx.reverted(), (x, z3.IntVal(1)))))


def test_inputs_are_seeded_and_include_boundaries() -> None:
    fn = MODELS["breachesCircuitBreaker"]
    first, second = inputs_for(fn), inputs_for(fn)
    assert first == second and len(first) >= 200
    assert (10_000, 11_000, 1_000) in first  # the exact bound
