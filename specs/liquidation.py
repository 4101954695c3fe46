"""Liquidation eligibility and penalty (Z3 over PerpMath's health factor and waterfall)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_H = "PerpMathHarness"
_HEALTH = (f"{_H}.positionValue", f"{_H}.equity", f"{_H}.maintenanceRequirement", f"{_H}.healthFactor",
           f"{_H}.isLiquidatable")

SPECS = (
    Spec(
        id="LIQ-01",
        title="A position with HF >= 1e18 is never liquidatable (liquidatable iff equity < maintenance)",
        rationale=(
            "The platform has one health factor, equity / maintenance requirement (docs/platform.md section 1). "
            "Liquidating a healthy position is theft of the trader's margin (Aave v3 refuses a liquidation "
            "unless HF < 1: ValidationLogic.validateLiquidationCall, HEALTH_FACTOR_NOT_BELOW_THRESHOLD). Proved with the exact rule: liquidatable "
            "iff equity <= 0 or equity < requirement, and no overflow in the domain."
        ),
        severity=Severity.CRITICAL,
        category="liquidation",
        contracts=(_H,),
        functions=_HEALTH,
        engines=("z3",),
        mutants=("M01_LiquidationLessOrEqual",),
    ),
    Spec(
        id="LIQ-02",
        title="Liquidation eligibility is monotone in price (a long healthy at p stays healthy above p)",
        rationale=(
            "If a price rise could make a long liquidatable, keepers could liquidate on favourable moves. "
            "The raw HF value is not monotone (the requirement is rounded up, so HF can dip by rounding); the "
            "property that matters, eligibility, is. Standard sanity property of margin engines (dYdX, GMX)."
        ),
        severity=Severity.HIGH,
        category="liquidation",
        contracts=(_H,),
        functions=_HEALTH,
        engines=("z3",),
    ),
    Spec(
        id="LIQ-03",
        title="The penalty comes only from what is left after the pool is repaid and is <= ceil(5% of collateral)",
        rationale=(
            "A penalty taken before the pool is repaid turns a trader's shortfall into lenders' bad debt while "
            "the insurance fund profits (docs/platform.md section 2, Alice). Aave v3 caps the liquidation bonus by the "
            "collateral; the platform caps it at penaltyBps (500 = 5%) of collateral, rounded up."
        ),
        severity=Severity.HIGH,
        category="liquidation",
        contracts=(_H,),
        functions=(f"{_H}.liquidationSplit",),
        engines=("z3",),
        mutants=("M03_PenaltyBeforePool",),
    ),
    Spec(
        id="LIQ-04",
        title="Opening is never immediately liquidatable (healthyAtOpen implies HF >= 1e18 at entry)",
        rationale=(
            "openSizes admits a leverage only when the maintenance requirement fits the collateral; a position "
            "liquidatable at once would hand its margin to the first keeper (initial vs maintenance margin, "
            "as every perp exchange separates them)."
        ),
        severity=Severity.HIGH,
        category="liquidation",
        contracts=(_H,),
        functions=(f"{_H}.openSizes",) + _HEALTH + (f"{_H}.debtWithInterest",),
        engines=("z3",),
    ),
    Spec(
        id="LIQ-05",
        title="Naive: the story's 'value/debt < 80%' rule agrees with the platform's health factor",
        rationale=(
            "docs/platform.md section 1: value/debt < 80% triggers only below 36,000 for "
            "Alice (bad debt 18,000 by then); at 42,500 her value/debt is 94% while equity is -5,000. Kept as a "
            "spec so the disagreement is shown as a counterexample."
        ),
        severity=Severity.MEDIUM,
        category="liquidation",
        contracts=(_H,),
        functions=_HEALTH + (f"{_H}.openSizes",),
        engines=("z3",),
        accepted_risk=(
            "The platform does not use the story's value/debt reading: it liquidates on HF = equity / "
            "maintenance requirement < 1 (5% maintenance on current notional, ~47,368 for Alice), proved in "
            "LIQ-01/LIQ-02. The naive rule is documented as rejected in docs/platform.md section 1."
        ),
    ),
)
