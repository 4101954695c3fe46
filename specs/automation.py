"""Chainlink Automation (Slither): performUpkeep re-validates instead of trusting performData."""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import landed

EXPECTED_MUTANTS = {"AUTO-01": ("M10_UpkeepTrustsPerformData",)}

SPECS = (
    Spec(
        id="AUTO-01",
        title="performUpkeep re-validates the checkUpkeep condition instead of acting on performData blindly",
        rationale=(
            "Chainlink Automation docs: performData is computed off-chain by checkUpkeep at an earlier block and "
            "performUpkeep must re-verify the condition on-chain; acting blindly liquidates positions that became "
            "healthy again (price recovered, margin added) between check and perform."
        ),
        severity=Severity.HIGH,
        category="automation",
        contracts=("LiquidationEngine",),
        engines=("slither",),
        mutants=landed(*EXPECTED_MUTANTS["AUTO-01"]),
        generic=True,
    ),
)
