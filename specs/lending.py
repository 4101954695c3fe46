"""Lending pool math: borrow index, debt rounding, share conversions (Z3 over PerpMath)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_H = "PerpMathHarness"

SPECS = (
    Spec(
        id="LEND-01",
        title="The borrow index never decreases",
        rationale=(
            "Debt is principal * index / index at open; a decreasing index forgives debt and makes the pool "
            "insolvent (Aave v3 and Compound v2 both require a non-decreasing borrow index; Morpho Blue's "
            "totalBorrowAssets only grows with interest)."
        ),
        severity=Severity.CRITICAL,
        category="lending",
        contracts=(_H,),
        functions=(f"{_H}.accrueIndex",),
        engines=("z3",),
        mutants=("M02_InterestIndexDecreases",),
    ),
    Spec(
        id="LEND-02",
        title="Debt with interest is >= principal and rounds up",
        rationale=(
            "Rounding debt down lets borrowers repay less than they owe, one unit at a time. Lending protocols "
            "round debt up (Morpho Blue values borrow shares with toAssetsUp in its health check)."
        ),
        severity=Severity.HIGH,
        category="lending",
        contracts=(_H,),
        functions=(f"{_H}.debtWithInterest",),
        engines=("z3",),
    ),
    Spec(
        id="LEND-03",
        title="Share conversions round in the protocol's favour (deposit-then-redeem never profits)",
        rationale=(
            "ERC-4626 rounding rules (mint/withdraw round up, deposit/redeem round down) and the virtual "
            "share/asset offset stop donation and inflation attacks (OpenZeppelin ERC4626, Morpho Blue "
            "SharesMathLib). Rounding in empty markets was exploited at Hundred Finance (April 2023), Radiant "
            "(January 2024) and Sonne (May 2024)."
        ),
        severity=Severity.CRITICAL,
        category="lending",
        contracts=(_H,),
        functions=(f"{_H}.toSharesDown", f"{_H}.toSharesUp", f"{_H}.toAssetsDown"),
        engines=("z3",),
        mutants=("M04_SharesRoundUp",),
    ),
    Spec(
        id="LEND-04",
        title="Full repayment is always possible (the debt is computable without overflow and covers the loan)",
        rationale=(
            "If debtOf overflows after long accrual, no one can repay or liquidate the position and the debt is "
            "stuck forever (Aave v3 'repay type(uint256).max' semantics; Morpho Blue proves repaying all shares "
            "is always possible)."
        ),
        severity=Severity.HIGH,
        category="lending",
        contracts=(_H,),
        functions=(f"{_H}.accrueIndex", f"{_H}.debtWithInterest"),
        engines=("z3",),
    ),
)
