"""Liquidation waterfall: liquidationSplit; obligations SOLV-02, SOLV-03, LIQ-03."""
from __future__ import annotations

import z3

from checkers.engines.z3.health import _alice_position
from checkers.engines.z3.obligation import AMOUNT_MAX, BPS, Builder, Obligation, usd
from checkers.engines.z3.solidity import Ctx, ModelFunction, min_

U = "uint256"


def _split(ctx: Ctx, proceeds, owed, collateral, penalty_bps, insurance):
    repaid = min_(proceeds, owed)
    shortfall = ctx.sub(owed, repaid)
    covered = min_(shortfall, insurance)
    bad_debt = ctx.sub(shortfall, covered)
    remaining = ctx.sub(proceeds, repaid)
    max_penalty = ctx.ceil_div(ctx.mul(collateral, penalty_bps), z3.IntVal(BPS))
    penalty = min_(remaining, max_penalty)
    to_trader = ctx.sub(remaining, penalty)
    return repaid, covered, bad_debt, penalty, to_trader


liquidation_split = ModelFunction(
    "liquidationSplit",
    (("proceeds", U), ("owed", U), ("collateral", U), ("penaltyBps", U), ("insurance", U)),
    (U, U, U, U, U),
    _split,
)
MODELS = (liquidation_split,)

SPLIT_DOMAIN = "proceeds, owed, collateral, insurance balance <= 2^128 collateral units; penalty <= 10,000 bps"


def _split_inputs(b: Builder):
    proceeds = b.var("proceeds", U, "collateral units", hi=AMOUNT_MAX)
    owed = b.var("owed", U, "collateral units", hi=AMOUNT_MAX)
    collateral = b.var("collateral", U, "collateral units", hi=AMOUNT_MAX)
    penalty_bps = b.var("penaltyBps", U, "bps", hi=BPS)
    insurance = b.var("insurance", U, "collateral units", hi=AMOUNT_MAX)
    return proceeds, owed, collateral, penalty_bps, insurance


def solv02() -> Obligation:
    b = Builder("SOLV-02")
    proceeds, owed, collateral, penalty_bps, insurance = _split_inputs(b)
    repaid, covered, bad, penalty, to_trader = liquidation_split(b.ctx, proceeds, owed, collateral, penalty_bps, insurance)
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        repaid + covered + bad == owed,
        penalty + to_trader == proceeds - repaid,
        repaid <= proceeds,
        covered <= insurance,
    )
    return b.done(
        "conservation: repaid + insurance cover + bad debt == owed and penalty + to trader == proceeds - repaid; "
        "nothing paid from nowhere (repaid <= proceeds, cover <= insurance balance); never reverts",
        SPLIT_DOMAIN, prop, ("liquidationSplit",),
        observed={"repaid": repaid, "covered": covered, "badDebt": bad, "penalty": penalty, "toTrader": to_trader},
    )


def liq03() -> Obligation:
    b = Builder("LIQ-03")
    proceeds, owed, collateral, penalty_bps, insurance = _split_inputs(b)
    repaid, covered, bad, penalty, to_trader = liquidation_split(b.ctx, proceeds, owed, collateral, penalty_bps, insurance)
    prop = z3.And(
        penalty <= proceeds - repaid,  # only from what is left after the pool
        z3.Implies(penalty > 0, repaid == owed),  # the pool is repaid in full before any penalty
        penalty * BPS <= collateral * penalty_bps + BPS - 1,  # penalty <= ceil(collateral * penaltyBps / 10,000)
    )
    return b.done(
        "the penalty comes only from what is left after the pool is repaid in full, and is at most "
        "ceil(collateral * penaltyBps / 10,000) (5% in the deployment)",
        SPLIT_DOMAIN, prop, ("liquidationSplit",),
        observed={"repaid": repaid, "penalty": penalty},
    )


def solv03() -> Obligation:
    b, value, owed, eq, hf, liq, hints = _alice_position("SOLV-03")
    insurance = b.var("insurance", U, "USDC (6 decimals)", hi=AMOUNT_MAX)
    b.assume("the position is liquidatable at the price (HF < 1e18)", liq)
    repaid, covered, bad, penalty, _ = liquidation_split(b.ctx, value, owed, b.inputs["collateral"], z3.IntVal(500), insurance)
    b.assume("no revert", z3.Not(b.ctx.reverted()))
    prop = z3.And(repaid == owed, penalty * 20 >= b.inputs["collateral"])  # debt + interest and the 5% penalty

    def explain(v: dict[str, int]) -> str:
        return (
            f"Alice-like long of {usd(v['collateral'], 6)} USDC x{v['leverage']} at {usd(v['entryPrice'], 18)}, "
            f"price {usd(v['price'], 18)}: position worth {usd(v['value'], 6)} USDC against "
            f"{usd(v['owed'], 6)} owed; only {usd(v['repaid'], 6)} repaid from it, shortfall "
            f"{usd(v['owed'] - v['repaid'], 6)} (insurance covers {usd(v['covered'], 6)}, bad debt "
            f"{usd(v['badDebt'], 6)}), penalty {usd(v['penalty'], 6)} instead of 5% of collateral"
        )

    return b.done(
        "naive: a liquidated position's debt plus interest and the 5% penalty are fully paid from its collateral",
        "positions opened through openSizes (leverage <= 100, 5% maintenance), liquidatable, price <= 1e30 WAD, "
        "size and insurance <= 2^128 USDC units, entry >= 1e10 WAD, indexes in [1e18, 2^100]",
        prop, ("openSizes", "positionValue", "debtWithInterest", "equity", "maintenanceRequirement", "healthFactor",
               "isLiquidatable", "liquidationSplit"),
        observed={"value": value, "owed": owed, "repaid": repaid, "covered": covered, "badDebt": bad,
                  "penalty": penalty},
        hints=hints + [insurance == 0], explain=explain,
    )


OBLIGATIONS = {"SOLV-02": solv02, "SOLV-03": solv03, "LIQ-03": liq03}
