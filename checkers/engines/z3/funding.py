"""Funding: accrueFunding (cumulative per unit, ppm/hour), fundingOwed; obligations FUND-01, FUND-02."""
from __future__ import annotations

import z3

from checkers.engines.z3.obligation import AMOUNT_MAX, WAD, Builder, Obligation
from checkers.engines.z3.solidity import Ctx, ModelFunction

U = "uint256"
I = "int256"
FUNDING_RATE_SCALE = 10**6
HOUR = 3600
CUM_MAX = 2**120


def _accrue_funding(ctx: Ctx, cumulative, rate, dt):
    step = ctx.smul(ctx.smul(rate, z3.IntVal(WAD)), ctx.to_int(dt))
    return (ctx.sadd(cumulative, ctx.sdiv(step, z3.IntVal(FUNDING_RATE_SCALE * HOUR))),)


def _funding_owed(ctx: Ctx, size, now, at_entry, is_long):
    owed = ctx.sdiv(ctx.smul(ctx.to_int(size), ctx.ssub(now, at_entry)), z3.IntVal(WAD))
    with ctx.when(z3.Not(is_long)):
        negated = ctx.sneg(owed)
    return (z3.If(is_long, owed, negated),)


accrue_funding = ModelFunction("accrueFunding", (("cumulative", I), ("ratePpmPerHour", I), ("dt", U)), (I,), _accrue_funding)
funding_owed = ModelFunction(
    "fundingOwed", (("size", U), ("cumulativeNow", I), ("cumulativeAtEntry", I), ("isLong", "bool")), (I,), _funding_owed
)
MODELS = (accrue_funding, funding_owed)


def fund01() -> Obligation:
    b = Builder("FUND-01")
    size = b.var("size", U, "collateral units", hi=AMOUNT_MAX)
    now = b.var("cumulativeNow", I, "WAD per unit", lo=-CUM_MAX, hi=CUM_MAX)
    entry = b.var("cumulativeAtEntry", I, "WAD per unit", lo=-CUM_MAX, hi=CUM_MAX)
    (long_owes,) = funding_owed(b.ctx, size, now, entry, z3.BoolVal(True))
    (short_owes,) = funding_owed(b.ctx, size, now, entry, z3.BoolVal(False))
    prop = z3.And(z3.Not(b.ctx.reverted()), long_owes + short_owes == 0)
    return b.done(
        "funding nets to zero: what a long of a size owes is exactly what a short of the same size receives "
        "(truncation toward zero is symmetric); no overflow",
        "size <= 2^128, |cumulative funding| <= 2^120 (WAD per unit)", prop, ("fundingOwed",),
        observed={"longOwes": long_owes, "shortOwes": short_owes},
    )


def fund02() -> Obligation:
    b = Builder("FUND-02")
    cum = b.var("cumulative", I, "WAD per unit", lo=-CUM_MAX, hi=CUM_MAX)
    rate = b.var("ratePpmPerHour", I, "ppm/hour", lo=-(10**6), hi=10**6)
    dt1 = b.var("dtShort", U, "s", hi=2**40)
    dt2 = b.var("dtLong", U, "s", hi=2**40)
    b.assume("dtShort <= dtLong", dt1 <= dt2)
    (c1,) = accrue_funding(b.ctx, cum, rate, dt1)
    (c2,) = accrue_funding(b.ctx, cum, rate, dt2)
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        z3.Implies(rate >= 0, z3.And(cum <= c1, c1 <= c2)),
        z3.Implies(rate <= 0, z3.And(cum >= c1, c1 >= c2)),
    )
    return b.done(
        "funding accrual follows the sign of the rate and grows in magnitude with time: rate >= 0 never "
        "decreases the cumulative index, rate <= 0 never increases it; no overflow",
        "|cumulative| <= 2^120 WAD, |rate| <= 1,000,000 ppm/hour (100%/h), dt <= 2^40 s", prop, ("accrueFunding",),
        observed={"cumulativeShort": c1, "cumulativeLong": c2},
    )


OBLIGATIONS = {"FUND-01": fund01, "FUND-02": fund02}
