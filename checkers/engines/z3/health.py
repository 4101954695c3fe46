"""Health factor and liquidation eligibility: positionValue, equity, maintenanceRequirement, healthFactor,
isLiquidatable, openSizes; obligations LIQ-01, LIQ-02, LIQ-04, LIQ-05."""
from __future__ import annotations

import z3

from checkers.engines.z3.obligation import (
    AMOUNT_MAX, BPS, ENTRY_MIN, INDEX_MAX, PRICE_MAX, USDC, WAD, Builder, Obligation, usd,
)
from checkers.engines.z3.solidity import UINT_MAX, Ctx, ModelFunction
from checkers.engines.z3.interest import debt_with_interest

U = "uint256"


def _position_value(ctx: Ctx, size, entry, price, is_long):
    with ctx.when(is_long):
        long_value = ctx.div(ctx.mul(size, price), entry)
    with ctx.when(z3.Not(is_long)):
        ceiling = ctx.mul(z3.IntVal(2), entry)
        with ctx.when(price < ceiling):
            short_value = ctx.div(ctx.mul(size, ctx.sub(ceiling, price)), entry)
    return (z3.If(is_long, long_value, z3.If(price >= ceiling, 0, short_value)),)


def _equity(ctx: Ctx, value, debt, funding_owed):
    return (ctx.ssub(ctx.ssub(ctx.to_int(value), ctx.to_int(debt)), funding_owed),)


def _maintenance(ctx: Ctx, size, entry, price, mm_bps):
    notional = ctx.div(ctx.mul(size, price), entry)
    return (ctx.ceil_div(ctx.mul(notional, mm_bps), z3.IntVal(BPS)),)


def _health_factor(ctx: Ctx, equity, requirement):
    with ctx.when(z3.And(equity > 0, requirement != 0)):
        ratio = ctx.div(ctx.mul(ctx.to_uint(equity), z3.IntVal(WAD)), requirement)
    return (z3.If(equity <= 0, 0, z3.If(requirement == 0, UINT_MAX, ratio)),)


def _is_liquidatable(ctx: Ctx, hf):
    return (hf < WAD,)


def _open_sizes(ctx: Ctx, collateral, leverage, mm_bps):
    size = ctx.mul(collateral, leverage)
    borrow = ctx.sub(size, collateral)
    healthy = ctx.ceil_div(ctx.mul(size, mm_bps), z3.IntVal(BPS)) <= collateral
    return size, borrow, healthy


position_value = ModelFunction(
    "positionValue", (("size", U), ("entryPrice", U), ("price", U), ("isLong", "bool")), (U,), _position_value
)
equity = ModelFunction("equity", (("value", U), ("debt", U), ("fundingOwed", "int256")), ("int256",), _equity)
maintenance_requirement = ModelFunction(
    "maintenanceRequirement", (("size", U), ("entryPrice", U), ("price", U), ("mmBps", U)), (U,), _maintenance
)
health_factor = ModelFunction("healthFactor", (("equity_", "int256"), ("requirement", U)), (U,), _health_factor)
is_liquidatable = ModelFunction("isLiquidatable", (("hf", U),), ("bool",), _is_liquidatable)
open_sizes = ModelFunction(
    "openSizes", (("collateral", U), ("leverage", U), ("mmBps", U)), (U, U, "bool"), _open_sizes
)

MODELS = (position_value, equity, maintenance_requirement, health_factor, is_liquidatable, open_sizes)

POSITION_DOMAIN = (
    "size, debt <= 2^128 collateral units; 1e10 <= entry price <= 1e30, price <= 1e30 (WAD); |funding owed| <= 2^128; "
    "1 <= maintenance margin <= 10,000 bps; long and short"
)


def _position(b: Builder, suffix: str = ""):
    size = b.var("size", U, "collateral units", hi=AMOUNT_MAX)
    entry = b.var("entryPrice", U, "WAD", lo=ENTRY_MIN, hi=PRICE_MAX)
    is_long = b.var("isLong", "bool")
    debt = b.var("debt", U, "collateral units", hi=AMOUNT_MAX)
    funding = b.var("fundingOwed", "int256", "collateral units", lo=-AMOUNT_MAX, hi=AMOUNT_MAX)
    mm = b.var("mmBps", U, "bps", lo=1, hi=BPS)
    return size, entry, is_long, debt, funding, mm


def _health_at(b: Builder, size, entry, is_long, debt, funding, mm, price):
    (value,) = position_value(b.ctx, size, entry, price, is_long)
    (eq,) = equity(b.ctx, value, debt, funding)
    (req,) = maintenance_requirement(b.ctx, size, entry, price, mm)
    (hf,) = health_factor(b.ctx, eq, req)
    (liq,) = is_liquidatable(b.ctx, hf)
    return value, eq, req, hf, liq


def liq01() -> Obligation:
    b = Builder("LIQ-01")
    size, entry, is_long, debt, funding, mm = _position(b)
    price = b.var("price", U, "WAD", hi=PRICE_MAX)
    value, eq, req, hf, liq = _health_at(b, size, entry, is_long, debt, funding, mm, price)
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        z3.Implies(hf >= WAD, z3.Not(liq)),
        # exact: liquidatable iff equity does not cover the maintenance requirement
        z3.Not(liq) == z3.And(eq > 0, eq >= req),
    )
    return b.done(
        "HF >= 1e18 is never liquidatable, and a position is liquidatable exactly when equity <= 0 or "
        "equity < maintenance requirement; no revert in the domain",
        POSITION_DOMAIN, prop, ("positionValue", "equity", "maintenanceRequirement", "healthFactor", "isLiquidatable"),
        observed={"value": value, "equity": eq, "requirement": req, "healthFactor": hf},
    )


def liq02() -> Obligation:
    b = Builder("LIQ-02")
    size, entry, is_long, debt, funding, mm = _position(b)
    low = b.var("priceLow", U, "WAD", hi=PRICE_MAX)
    high = b.var("priceHigh", U, "WAD", hi=PRICE_MAX)
    b.assume("priceLow <= priceHigh", low <= high)
    v_lo, e_lo, r_lo, _, liq_lo = _health_at(b, size, entry, is_long, debt, funding, mm, low)
    v_hi, e_hi, r_hi, _, liq_hi = _health_at(b, size, entry, is_long, debt, funding, mm, high)
    n_lo, n_hi = size * low / entry, size * high / entry  # the same terms as the notional inside the model
    lemmas = [
        ("no revert at either price", z3.Not(b.ctx.reverted())),
        ("notional is non-decreasing in price", n_lo <= n_hi),
        ("a long's value is its notional", z3.Implies(is_long, z3.And(v_lo == n_lo, v_hi == n_hi))),
        ("a short's value is non-increasing in price", z3.Implies(z3.Not(is_long), v_lo >= v_hi)),
        ("the rounded-up requirement grows by at most the notional's growth (mm <= 100%)",
         z3.And(r_lo <= r_hi, r_hi - r_lo <= n_hi - n_lo)),
        ("equity = value - debt - funding (no wrap)",
         z3.And(e_lo == v_lo - debt - funding, e_hi == v_hi - debt - funding)),
        ("HF rule: liquidatable iff not (equity > 0 and equity >= requirement)",
         z3.And(liq_lo == z3.Not(z3.And(e_lo > 0, e_lo >= r_lo)), liq_hi == z3.Not(z3.And(e_hi > 0, e_hi >= r_hi)))),
    ]
    prop = z3.If(is_long, z3.Implies(z3.Not(liq_lo), z3.Not(liq_hi)), z3.Implies(z3.Not(liq_hi), z3.Not(liq_lo)))
    return b.done(
        "liquidation eligibility is monotone in price: a long healthy at a price stays healthy at any higher "
        "price, a short healthy at a price stays healthy at any lower one (the raw HF value is not monotone: "
        "the requirement is rounded up)",
        POSITION_DOMAIN, prop, ("positionValue", "equity", "maintenanceRequirement", "healthFactor", "isLiquidatable"),
        lemmas=lemmas, abstract=[liq_lo, liq_hi, e_lo, e_hi, r_lo, r_hi, v_lo, v_hi, n_lo, n_hi],
    )


def liq04() -> Obligation:
    b = Builder("LIQ-04")
    collateral = b.var("collateral", U, "collateral units", lo=1, hi=AMOUNT_MAX)
    leverage = b.var("leverage", U, "x", lo=1, hi=1000)
    mm = b.var("mmBps", U, "bps", lo=1, hi=BPS)
    entry = b.var("entryPrice", U, "WAD", lo=1, hi=PRICE_MAX)
    index = b.var("borrowIndex", U, "WAD", lo=WAD, hi=INDEX_MAX)
    is_long = b.var("isLong", "bool")
    size, borrow, healthy = open_sizes(b.ctx, collateral, leverage, mm)
    b.assume("position size <= 2^128", size <= AMOUNT_MAX)
    b.assume("openSizes reports healthyAtOpen (the platform refuses the open otherwise)", healthy)
    (value,) = position_value(b.ctx, size, entry, entry, is_long)
    (debt,) = debt_with_interest(b.ctx, borrow, index, index)
    (eq,) = equity(b.ctx, value, debt, z3.IntVal(0))
    (req,) = maintenance_requirement(b.ctx, size, entry, entry, mm)
    (hf,) = health_factor(b.ctx, eq, req)
    (liq,) = is_liquidatable(b.ctx, hf)
    prop = z3.And(z3.Not(b.ctx.reverted()), hf >= WAD, z3.Not(liq))
    lemmas = [
        ("at the entry price the value and the notional are the size",
         z3.And(value == size, size * entry / entry == size)),
        ("at an unchanged index the debt is the borrowed amount", debt == borrow),
        ("equity at open is the collateral", eq == collateral),
        ("the requirement at entry is at most the collateral", req <= collateral),
    ]
    return b.done(
        "a position opened with healthyAtOpen has HF >= 1e18 at the entry price (not liquidatable at once)",
        "1 <= collateral, size = collateral * leverage <= 2^128, 1 <= leverage <= 1000, 1 <= mm <= 10,000 bps, "
        "1 <= entry <= 1e30 WAD, index in [1e18, 2^100], no funding accrued yet",
        prop,
        ("openSizes", "positionValue", "debtWithInterest", "equity", "maintenanceRequirement", "healthFactor",
         "isLiquidatable"),
        observed={"size": size, "borrow": borrow, "healthFactor": hf}, lemmas=lemmas,
    )


ALICE = {
    "collateral": 10_000 * USDC,
    "leverage": 10,
    "entryPrice": 50_000 * WAD,
    "price": 42_500 * WAD,
    "indexAtOpen": WAD,
    "indexNow": WAD,
}


def _alice_position(spec_id: str):
    """A position opened through openSizes at 5% maintenance and looked at when it is liquidatable."""
    b = Builder(spec_id)
    collateral = b.var("collateral", U, "USDC (6 decimals)", lo=1, hi=AMOUNT_MAX)
    leverage = b.var("leverage", U, "x", lo=1, hi=100)
    entry = b.var("entryPrice", U, "WAD", lo=ENTRY_MIN, hi=PRICE_MAX)
    price = b.var("price", U, "WAD", hi=PRICE_MAX)
    i0 = b.var("indexAtOpen", U, "WAD", lo=WAD, hi=INDEX_MAX)
    i1 = b.var("indexNow", U, "WAD", lo=WAD, hi=INDEX_MAX)
    b.assume("indexAtOpen <= indexNow", i0 <= i1)
    mm = z3.IntVal(500)
    size, borrow, healthy = open_sizes(b.ctx, collateral, leverage, mm)
    b.assume("position size <= 2^128", size <= AMOUNT_MAX)
    b.assume("opened through openSizes at 5% maintenance, healthy at open", healthy)
    (value,) = position_value(b.ctx, size, entry, price, z3.BoolVal(True))
    (owed,) = debt_with_interest(b.ctx, borrow, i0, i1)
    (eq,) = equity(b.ctx, value, owed, z3.IntVal(0))
    (req,) = maintenance_requirement(b.ctx, size, entry, price, mm)
    (hf,) = health_factor(b.ctx, eq, req)
    (liq,) = is_liquidatable(b.ctx, hf)
    hints = [b.inputs[k] == v for k, v in ALICE.items()]
    return b, value, owed, eq, hf, liq, hints


def liq05() -> Obligation:
    b, value, owed, eq, hf, liq, hints = _alice_position("LIQ-05")
    b.assume("no revert", z3.Not(b.ctx.reverted()))
    naive = value * 100 < owed * 80  # "health ratio (value / debt) < 80%"
    prop = naive == liq

    def explain(v: dict[str, int]) -> str:
        ratio = v["value"] * 100 // max(v["owed"], 1)
        return (
            f"long {usd(v['collateral'] * v['leverage'], 6)} at {usd(v['entryPrice'], 18)}, price "
            f"{usd(v['price'], 18)}: value {usd(v['value'], 6)} vs owed {usd(v['owed'], 6)} (value/debt "
            f"{ratio}%: the naive rule {'liquidates' if ratio < 80 else 'does not liquidate'}), equity "
            f"{usd(v['equity'], 6) if v['equity'] >= 0 else '-' + usd(-v['equity'], 6)}, HF {v['healthFactor']} "
            f"({'liquidatable' if v['healthFactor'] < WAD else 'healthy'} under the platform's rule)"
        )

    return b.done(
        "naive 'value/debt < 80%' liquidation rule agrees with the health-factor rule",
        "positions opened through openSizes (leverage <= 100, 5% maintenance), any price <= 1e30 WAD, "
        "size <= 2^128 USDC units, entry >= 1e10 WAD, indexes in [1e18, 2^100]",
        prop, ("openSizes", "positionValue", "debtWithInterest", "equity", "maintenanceRequirement", "healthFactor",
               "isLiquidatable"),
        observed={"value": value, "owed": owed, "equity": eq, "healthFactor": hf}, hints=hints, explain=explain,
    )


OBLIGATIONS = {"LIQ-01": liq01, "LIQ-02": liq02, "LIQ-04": liq04, "LIQ-05": liq05}
