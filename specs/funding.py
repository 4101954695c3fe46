"""Funding payments (Z3 over PerpMath.accrueFunding and fundingOwed)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_H = "PerpMathHarness"

SPECS = (
    Spec(
        id="FUND-01",
        title="Funding nets to zero between a long and a short of equal size",
        rationale=(
            "Funding is a transfer between longs and shorts; asymmetric rounding mints or burns value each "
            "period (perpetual protocols such as dYdX and Synthetix settle funding as a zero-sum transfer)."
        ),
        severity=Severity.HIGH,
        category="funding",
        contracts=(_H,),
        functions=(f"{_H}.fundingOwed",),
        engines=("z3",),
        mutants=("M05_FundingAsymmetric",),
    ),
    Spec(
        id="FUND-02",
        title="Funding accrual follows the sign of the rate and grows with time",
        rationale=(
            "A positive rate (longs pay) must never lower the cumulative index and a longer period must never "
            "accrue less; otherwise a keeper can flip who pays by choosing when to accrue (rate in ppm per hour: "
            "'25 = 0.0025% hourly' in the design)."
        ),
        severity=Severity.MEDIUM,
        category="funding",
        contracts=(_H,),
        functions=(f"{_H}.accrueFunding",),
        engines=("z3",),
    ),
)
