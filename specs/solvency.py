"""Solvency of the liquidation waterfall (Z3 over PerpMath.liquidationSplit and the health composition)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_H = "PerpMathHarness"

SPECS = (
    Spec(
        id="SOLV-02",
        title="Liquidation conserves value: repaid + insurance + bad debt == owed",
        rationale=(
            "A liquidation must account for every unit of the debt: the pool is repaid from the position's "
            "proceeds, the insurance fund covers what it can of the shortfall, and the rest is recorded as bad "
            "debt (Aave v3 records deficits, Morpho Blue's liquidate realises bad debt explicitly against "
            "suppliers). Penalty and the trader's remainder come only out of proceeds - repaid. An accounting gap "
            "here silently creates or destroys money (Euler, March 2023: an unchecked path left unaccounted "
            "bad debt that drained the pools)."
        ),
        severity=Severity.CRITICAL,
        category="solvency",
        contracts=(_H,),
        functions=(f"{_H}.liquidationSplit",),
        engines=("z3",),
        mutants=("M03_PenaltyBeforePool",),
    ),
    Spec(
        id="SOLV-03",
        title="Naive: a liquidated trader's debt, interest and 5% penalty are all paid from her collateral",
        rationale=(
            "The story's reading of Alice's liquidation (docs/platform.md section 2): 10,000 USDC collateral, 100,000 "
            "long at 50,000, 90,000 borrowed; at 42,500 the position is worth 85,000 against 90,000+ owed, so "
            "'repays 90,000 + interest' and 'charges 5% penalty' cannot both come from her collateral. Kept as "
            "a spec so the shortfall is shown as a counterexample instead of being hidden."
        ),
        severity=Severity.HIGH,
        category="solvency",
        contracts=(_H,),
        functions=(f"{_H}.liquidationSplit", f"{_H}.positionValue", f"{_H}.debtWithInterest", f"{_H}.openSizes",
                   f"{_H}.healthFactor"),
        engines=("z3",),
        accepted_risk=(
            "Gap losses beyond the collateral are inherent to leveraged positions (the price gapped 15% in one "
            "update while the 10% circuit breaker held liquidation back). Mitigation, proved in SOLV-02: the "
            "waterfall repays the pool first, the insurance fund covers the shortfall it can, and what nobody "
            "can pay is recorded as bad debt (event) and written off against lenders; the penalty is taken "
            "only from what is left (zero for Alice)."
        ),
    ),
)
