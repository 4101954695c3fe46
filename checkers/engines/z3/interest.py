"""Interest index and debt: accrueIndex, debtWithInterest; obligations LEND-01, LEND-02, LEND-04."""
from __future__ import annotations

import z3

from checkers.engines.z3.obligation import AMOUNT_MAX, BPS, INDEX_MAX, WAD, Builder, Obligation
from checkers.engines.z3.solidity import UINT_MAX, Ctx, ModelFunction

U = "uint256"
YEAR = 365 * 24 * 3600
RATE_MAX = 1_000_000  # bps a year (10,000%)


def _accrue_index(ctx: Ctx, index, rate_bps, dt):
    growth = ctx.div(ctx.mul(ctx.mul(index, rate_bps), dt), z3.IntVal(BPS * YEAR))
    return (ctx.add(index, growth),)


def _debt_with_interest(ctx: Ctx, principal, index_at_open, index_now):
    return (ctx.ceil_div(ctx.mul(principal, index_now), index_at_open),)


accrue_index = ModelFunction("accrueIndex", (("index", U), ("rateBps", U), ("dt", U)), (U,), _accrue_index)
debt_with_interest = ModelFunction(
    "debtWithInterest", (("principal", U), ("indexAtOpen", U), ("indexNow", U)), (U,), _debt_with_interest
)
MODELS = (accrue_index, debt_with_interest)


def lend01() -> Obligation:
    b = Builder("LEND-01")
    index = b.var("index", U, "WAD", lo=WAD, hi=AMOUNT_MAX)
    rate = b.var("rateBps", U, "bps/year", hi=RATE_MAX)
    dt1 = b.var("dtShort", U, "s", hi=2**40)
    dt2 = b.var("dtLong", U, "s", hi=2**40)
    b.assume("dtShort <= dtLong", dt1 <= dt2)
    (a1,) = accrue_index(b.ctx, index, rate, dt1)
    (a2,) = accrue_index(b.ctx, index, rate, dt2)
    prop = z3.And(z3.Not(b.ctx.reverted()), a1 >= index, a1 <= a2)
    return b.done(
        "the borrow index never decreases: accrueIndex(index, rate, dt) >= index and is non-decreasing in dt; "
        "no overflow in the domain",
        "index in [1e18, 2^128], rate <= 1,000,000 bps/year, dt <= 2^40 s", prop, ("accrueIndex",),
        observed={"accruedShort": a1, "accruedLong": a2},
    )


def lend02() -> Obligation:
    b = Builder("LEND-02")
    principal = b.var("principal", U, "collateral units", hi=AMOUNT_MAX)
    i0 = b.var("indexAtOpen", U, "WAD", lo=WAD, hi=INDEX_MAX)
    i1 = b.var("indexNow", U, "WAD", lo=WAD, hi=INDEX_MAX)
    b.assume("indexAtOpen <= indexNow", i0 <= i1)
    (debt,) = debt_with_interest(b.ctx, principal, i0, i1)
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        debt >= principal,
        debt * i0 >= principal * i1,  # rounds up: never below the exact debt principal*indexNow/indexAtOpen
        debt * i0 < principal * i1 + i0,  # by less than one unit
    )
    return b.done(
        "debtWithInterest >= principal and is the exact debt rounded up (by less than one unit)",
        "principal <= 2^128, 1e18 <= indexAtOpen <= indexNow <= 2^100", prop, ("debtWithInterest",),
        observed={"debt": debt},
    )


def lend04() -> Obligation:
    b = Builder("LEND-04")
    principal = b.var("principal", U, "collateral units", hi=2**96)
    i0 = b.var("indexAtOpen", U, "WAD", lo=WAD, hi=AMOUNT_MAX)
    index = b.var("index", U, "WAD", lo=WAD, hi=AMOUNT_MAX)
    rate = b.var("rateBps", U, "bps/year", hi=RATE_MAX)
    dt = b.var("dt", U, "s", hi=2**32)
    b.assume("indexAtOpen <= index", i0 <= index)
    (now,) = accrue_index(b.ctx, index, rate, dt)
    (debt,) = debt_with_interest(b.ctx, principal, i0, now)
    prop = z3.And(z3.Not(b.ctx.reverted()), debt <= UINT_MAX, debt * i0 >= principal * now, debt >= principal)
    return b.done(
        "the full debt (debtOf = debtWithInterest at the accrued index) is always computable without overflow "
        "and repaying it covers the exact debt, so repayment clears the position",
        "principal <= 2^96, 1e18 <= indexAtOpen <= index <= 2^128, rate <= 1,000,000 bps/year, dt <= 2^32 s "
        "(136 years without an accrual)",
        prop, ("accrueIndex", "debtWithInterest"), observed={"indexNow": now, "debt": debt},
    )


OBLIGATIONS = {"LEND-01": lend01, "LEND-02": lend02, "LEND-04": lend04}
