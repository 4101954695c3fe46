"""Oracle decisions: source selection, circuit breaker, TWAP, decimals (Z3 over PerpMath)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_H = "PerpMathHarness"

SPECS = (
    Spec(
        id="ORCL-01",
        title="A stale, future-dated or invalid primary price is never selected",
        rationale=(
            "Chainlink's guidance is to check updatedAt against the feed's heartbeat; a missing staleness check "
            "is among the most frequent oracle audit findings, and the May 2022 LUNA crash (Venus, Blizz) "
            "showed the damage of prices that no longer follow the market. selectSource must never return "
            "the primary beyond the heartbeat, nor a fallback that is stale or non-positive."
        ),
        severity=Severity.CRITICAL,
        category="oracle",
        contracts=(_H,),
        functions=(f"{_H}.selectSource",),
        engines=("z3",),
        mutants=("M18_SelectSourceStale",),
    ),
    Spec(
        id="ORCL-02",
        title="The fallback feed is used only when the primary is older than 90 s",
        rationale=(
            "The design's fallback rule: Data Streams first, the Data Feed only when the stream is more than "
            "90 s old. Switching earlier mixes sources needlessly; never switching keeps a stale price."
        ),
        severity=Severity.HIGH,
        category="oracle",
        contracts=(_H,),
        functions=(f"{_H}.selectSource",),
        engines=("z3",),
    ),
    Spec(
        id="ORCL-03",
        title="Circuit breaker bound is exactly 1,000 bps: a move <= 10% passes, > 10% trips",
        rationale=(
            "docs/platform.md section 3: the oracle set-up configures a 10% breaker while the emergency protocol speaks of "
            "15%+. The contract enforces the per-feed bound (1,000 bps), compared as products so there is no "
            "rounding slack; Alice's 15% move trips it (docs/platform.md section 3). Mango Markets (2022) shows "
            "what unbounded single-update moves allow."
        ),
        severity=Severity.HIGH,
        category="oracle",
        contracts=(_H,),
        functions=(f"{_H}.breachesCircuitBreaker",),
        engines=("z3",),
        mutants=("M06_BreakerOffByOne",),
    ),
    Spec(
        id="ORCL-04",
        title="The TWAP lies within [min, max] of the prices in its window",
        rationale=(
            "A time-weighted average outside the observed range means the accumulator or the division is wrong "
            "(Uniswap v2's price0CumulativeLast design, which the platform's accumulator follows)."
        ),
        severity=Severity.MEDIUM,
        category="oracle",
        contracts=(_H,),
        functions=(f"{_H}.accumulate", f"{_H}.twap"),
        engines=("z3",),
    ),
    Spec(
        id="ORCL-05",
        title="toWad scales feed answers exactly (no loss up to 18 decimals, floor above)",
        rationale=(
            "Chainlink USD feeds have 8 decimals, Data Streams 18; a wrong scale factor misprices every "
            "position by orders of magnitude (decimal mismatch bugs are a recurring audit finding)."
        ),
        severity=Severity.HIGH,
        category="oracle",
        contracts=(_H,),
        functions=(f"{_H}.toWad",),
        engines=("z3",),
    ),
)
