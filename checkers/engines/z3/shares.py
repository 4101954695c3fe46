"""Share/asset conversions with one virtual share and asset: toSharesDown, toSharesUp, toAssetsDown; LEND-03."""
from __future__ import annotations

import z3

from checkers.engines.z3.obligation import Builder, Obligation
from checkers.engines.z3.solidity import Ctx, ModelFunction

U = "uint256"
SHARES_MAX = 2**120
ONE = z3.IntVal(1)


def _to_shares_down(ctx: Ctx, assets, total_shares, total_assets):
    return (ctx.div(ctx.mul(assets, ctx.add(total_shares, ONE)), ctx.add(total_assets, ONE)),)


def _to_shares_up(ctx: Ctx, assets, total_shares, total_assets):
    return (ctx.ceil_div(ctx.mul(assets, ctx.add(total_shares, ONE)), ctx.add(total_assets, ONE)),)


def _to_assets_down(ctx: Ctx, shares, total_shares, total_assets):
    return (ctx.div(ctx.mul(shares, ctx.add(total_assets, ONE)), ctx.add(total_shares, ONE)),)


PARAMS = (("totalShares", U), ("totalAssets", U))
to_shares_down = ModelFunction("toSharesDown", (("assets", U),) + PARAMS, (U,), _to_shares_down)
to_shares_up = ModelFunction("toSharesUp", (("assets", U),) + PARAMS, (U,), _to_shares_up)
to_assets_down = ModelFunction("toAssetsDown", (("shares", U),) + PARAMS, (U,), _to_assets_down)
MODELS = (to_shares_down, to_shares_up, to_assets_down)


def lend03() -> Obligation:
    b = Builder("LEND-03")
    assets = b.var("assets", U, "collateral units", hi=SHARES_MAX)
    shares_total = b.var("totalShares", U, "shares", hi=SHARES_MAX)
    assets_total = b.var("totalAssets", U, "collateral units", hi=SHARES_MAX)
    withdraw = b.var("withdrawAssets", U, "collateral units", hi=SHARES_MAX)
    (minted,) = to_shares_down(b.ctx, assets, shares_total, assets_total)
    (back,) = to_assets_down(b.ctx, minted, shares_total + minted, assets_total + assets)
    (burned,) = to_shares_up(b.ctx, withdraw, shares_total, assets_total)
    prop = z3.And(
        # a conversion that reverts pays nothing, so only non-reverting paths are constrained
        z3.Implies(z3.Not(b.ctx.reverted()), back <= assets),  # deposit then redeem returns <= the deposit
        z3.Implies(z3.Not(b.ctx.reverted()), burned * (assets_total + 1) >= withdraw * (shares_total + 1)),  # burned shares are worth >= withdrawn
    )
    return b.done(
        "conversions round in the protocol's favour: deposit-then-redeem returns <= the deposit, and a "
        "withdrawal burns shares worth at least the assets paid out; no overflow in the domain",
        "assets, totalShares, totalAssets, withdrawn assets <= 2^120 (any exchange rate, incl. empty vault)",
        prop, ("toSharesDown", "toAssetsDown", "toSharesUp"),
        observed={"sharesMinted": minted, "assetsBack": back, "sharesBurned": burned},
    )


OBLIGATIONS = {"LEND-03": lend03}
