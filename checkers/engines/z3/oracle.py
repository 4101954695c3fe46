"""Oracle math: breachesCircuitBreaker, accumulate, twap, selectSource, toWad; obligations ORCL-01..05."""
from __future__ import annotations

import z3

from checkers.engines.z3.obligation import AMOUNT_MAX, BPS, PRICE_MAX, WAD, Builder, Obligation
from checkers.engines.z3.solidity import Ctx, ModelFunction

U = "uint256"
SOURCE_NONE, SOURCE_PRIMARY, SOURCE_FALLBACK = 0, 1, 2
FALLBACK_AFTER = 90
MAX_DEVIATION_BPS = 1000
MAX_DECIMALS_POW = 255 - 18  # 10 ** (decimals - 18) for a uint8 decimals


def _breaches(ctx: Ctx, last, nxt, max_bps):
    diff = z3.If(nxt > last, nxt - last, last - nxt)  # the subtraction taken never underflows
    return (ctx.mul(diff, z3.IntVal(BPS)) > ctx.mul(max_bps, last),)


def _accumulate(ctx: Ctx, cumulative, price, dt):
    return (ctx.add(cumulative, ctx.mul(price, dt)),)


def _twap(ctx: Ctx, c_start, c_end, t_start, t_end):
    return (ctx.div(ctx.sub(c_end, c_start), ctx.sub(t_end, t_start)),)


def _select_source(ctx: Ctx, now, primary_ts, primary_valid, has_fallback, fallback_ts, fallback_answer, heartbeat,
                   fallback_after):
    # Short-circuit evaluation: every subtraction is reached only after its `ts <= now` guard, so none reverts.
    known = z3.And(primary_valid, primary_ts <= now)
    fallback_ok = z3.And(has_fallback, fallback_answer > 0, fallback_ts <= now, now - fallback_ts <= heartbeat)
    return (
        z3.If(
            z3.And(known, now - primary_ts <= fallback_after),
            SOURCE_PRIMARY,
            z3.If(fallback_ok, SOURCE_FALLBACK, z3.If(z3.And(known, now - primary_ts <= heartbeat), SOURCE_PRIMARY,
                                                      SOURCE_NONE)),
        ),
    )


def _to_wad(ctx: Ctx, answer, decimals):
    with ctx.when(decimals < 18):
        up = ctx.mul(answer, ctx.pow(10, 18 - decimals, 18))
    with ctx.when(decimals > 18):
        down = ctx.div(answer, ctx.pow(10, decimals - 18, MAX_DECIMALS_POW))
    return (z3.If(decimals == 18, answer, z3.If(decimals < 18, up, down)),)


breaches_circuit_breaker = ModelFunction(
    "breachesCircuitBreaker", (("last", U), ("next", U), ("maxDeviationBps", U)), ("bool",), _breaches
)
accumulate = ModelFunction("accumulate", (("cumulative", U), ("price", U), ("dt", U)), (U,), _accumulate)
twap = ModelFunction("twap", (("cumulativeStart", U), ("cumulativeEnd", U), ("tStart", U), ("tEnd", U)), (U,), _twap)
select_source = ModelFunction(
    "selectSource",
    (("nowTs", U), ("primaryTs", U), ("primaryValid", "bool"), ("hasFallback", "bool"), ("fallbackTs", U),
     ("fallbackAnswer", "int256"), ("heartbeat", U), ("fallbackAfter", U)),
    ("uint8",),
    _select_source,
)
to_wad = ModelFunction("toWad", (("answer", U), ("decimals", "uint8")), (U,), _to_wad)
MODELS = (breaches_circuit_breaker, accumulate, twap, select_source, to_wad)


def _sources(b: Builder, fallback_after: z3.ArithRef | None = None):
    now = b.var("nowTs", U, "s")
    primary_ts = b.var("primaryTs", U, "s")
    primary_valid = b.var("primaryValid", "bool")
    has_fallback = b.var("hasFallback", "bool")
    fallback_ts = b.var("fallbackTs", U, "s")
    answer = b.var("fallbackAnswer", "int256", "feed units")
    heartbeat = b.var("heartbeat", U, "s")
    if fallback_after is None:
        fallback_after = b.var("fallbackAfter", U, "s")
        b.assume("fallbackAfter <= heartbeat (90 s <= 3,600 s in the deployment)", fallback_after <= heartbeat)
    (src,) = select_source(b.ctx, now, primary_ts, primary_valid, has_fallback, fallback_ts, answer, heartbeat,
                           fallback_after)
    return now, primary_ts, primary_valid, has_fallback, fallback_ts, answer, heartbeat, src


def orcl01() -> Obligation:
    b = Builder("ORCL-01")
    now, pts, pvalid, has_fb, fts, answer, heartbeat, src = _sources(b)
    prop = z3.And(
        z3.Implies(src == SOURCE_PRIMARY, z3.And(pvalid, pts <= now, now - pts <= heartbeat)),
        z3.Implies(src == SOURCE_FALLBACK, z3.And(has_fb, answer > 0, fts <= now, now - fts <= heartbeat)),
    )
    return b.done(
        "a stale (older than heartbeat), future-dated or invalid primary is never selected; the fallback is "
        "selected only when fresh within heartbeat and positive",
        "every uint256 timestamp and heartbeat, every int256 fallback answer", prop, ("selectSource",),
        observed={"source": src},
    )


def orcl02() -> Obligation:
    b = Builder("ORCL-02")
    now, pts, pvalid, has_fb, fts, answer, heartbeat, src = _sources(b, z3.IntVal(FALLBACK_AFTER))
    b.assume("heartbeat >= 90 s", heartbeat >= FALLBACK_AFTER)
    primary_fresh = z3.And(pvalid, pts <= now, now - pts <= FALLBACK_AFTER)
    prop = z3.And(z3.Implies(src == SOURCE_FALLBACK, z3.Not(primary_fresh)), z3.Implies(primary_fresh, src == SOURCE_PRIMARY))
    return b.done(
        "the fallback is used only when the primary is older than 90 s (or invalid/future-dated); a primary at "
        "most 90 s old is always used",
        "every uint256 timestamp, heartbeat >= 90 s, fallbackAfter = 90 s", prop, ("selectSource",),
        observed={"source": src},
    )


def orcl03() -> Obligation:
    b = Builder("ORCL-03")
    last = b.var("last", U, "WAD", lo=1, hi=PRICE_MAX)
    nxt = b.var("next", U, "WAD", hi=PRICE_MAX)
    (trips,) = breaches_circuit_breaker(b.ctx, last, nxt, z3.IntVal(MAX_DEVIATION_BPS))
    move = z3.ToReal(z3.If(nxt > last, nxt - last, last - nxt)) / z3.ToReal(last)
    ctx15 = Ctx()
    (alice_trips,) = _breaches(ctx15, z3.IntVal(50_000 * WAD), z3.IntVal(42_500 * WAD), z3.IntVal(MAX_DEVIATION_BPS))
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        trips == (move > z3.RealVal("1/10")),  # exact: a move <= 10% passes, > 10% trips
        alice_trips,  # the story's 15% move (50,000 -> 42,500) trips the breaker
    )
    return b.done(
        "circuit breaker bound is exactly 1,000 bps: |next - last| / last <= 10% passes, > 10% trips (no "
        "rounding slack); Alice's 15% move 50,000 -> 42,500 trips it",
        "1 <= last <= 1e30 WAD, next <= 1e30 WAD, maxDeviationBps = 1,000", prop, ("breachesCircuitBreaker",),
        observed={"trips": trips},
    )


def orcl04() -> Obligation:
    b = Builder("ORCL-04")
    c0 = b.var("cumulativeStart", U, "WAD*s", hi=2**192)
    t0 = b.var("tStart", U, "s", hi=2**64)
    prices = [b.var(f"price{i}", U, "WAD", hi=PRICE_MAX) for i in (1, 2, 3)]
    dts = [b.var(f"dt{i}", U, "s", hi=2**32) for i in (1, 2, 3)]
    b.assume("the window is not empty (dt1 + dt2 + dt3 >= 1)", z3.Sum(dts) >= 1)
    c = c0
    for p, dt in zip(prices, dts):
        (c,) = accumulate(b.ctx, c, p, dt)
    (avg,) = twap(b.ctx, c0, c, t0, t0 + z3.Sum(dts))
    lo = z3.If(prices[0] < prices[1], prices[0], prices[1])
    lo = z3.If(lo < prices[2], lo, prices[2])
    hi = z3.If(prices[0] > prices[1], prices[0], prices[1])
    hi = z3.If(hi > prices[2], hi, prices[2])
    prop = z3.And(z3.Not(b.ctx.reverted()), lo <= avg, avg <= hi)
    return b.done(
        "the TWAP over a window of three price segments lies within [min, max] of the prices; no overflow",
        "cumulative start <= 2^192, tStart <= 2^64, prices <= 1e30 WAD, segment lengths <= 2^32 s", prop,
        ("accumulate", "twap"), observed={"twap": avg},
    )


def orcl05() -> Obligation:
    b = Builder("ORCL-05")
    answer = b.var("answer", U, "feed units", hi=AMOUNT_MAX)
    decimals = b.var("decimals", "uint8", "decimals", hi=36)
    (wad,) = to_wad(b.ctx, answer, decimals)
    scale = z3.IntVal(1)
    for k in range(36, -1, -1):
        scale = z3.If(z3.Or(decimals - 18 == k, 18 - decimals == k), z3.IntVal(10**k), scale)
    prop = z3.And(
        z3.Not(b.ctx.reverted()),
        z3.Implies(decimals <= 18, wad == answer * scale),  # exact
        z3.Implies(decimals > 18, z3.And(wad * scale <= answer, answer < (wad + 1) * scale)),  # floor
    )
    return b.done(
        "toWad scales exactly: decimals <= 18 multiplies by 10^(18-decimals) without loss or overflow; more "
        "decimals divide by 10^(decimals-18), rounding down by less than one WAD unit",
        "answer <= 2^128, decimals <= 36", prop, ("toWad",), observed={"wad": wad},
    )


OBLIGATIONS = {"ORCL-01": orcl01, "ORCL-02": orcl02, "ORCL-03": orcl03, "ORCL-04": orcl04, "ORCL-05": orcl05}
