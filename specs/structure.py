"""Structure (Slither): checks-effects-interactions, and triage of Slither's built-in detectors."""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import landed

EXPECTED_MUTANTS = {"CEI-01": ("M16_VaultTransferBeforeDebit",), "STRUCT-01": ()}

SPECS = (
    Spec(
        id="CEI-01",
        title="No state write after an outgoing token/ETH transfer on fund-moving paths (checks-effects-interactions)",
        rationale=(
            "Reentrancy through a transfer made before the balance is debited drained The DAO (2016), Cream "
            "Finance (2021) and Fei/Rari (2022, ~$80M). Debit first, transfer last."
        ),
        severity=Severity.HIGH,
        category="structure",
        contracts=("CrossChainVault", "CrossChainLendingPool", "PerpetualTrading", "LiquidationEngine"),
        engines=("slither",),
        mutants=landed(*EXPECTED_MUTANTS["CEI-01"]),
        generic=True,
    ),
    Spec(
        id="STRUCT-01",
        title="No unreviewed finding of Slither's built-in detectors (High/Medium/Low impact) on src/",
        rationale=(
            "Built-in detectors catch known bug classes (reentrancy, unchecked returns, uninitialised state); "
            "each finding is either fixed or triaged in the committed baseline slither-baseline.json with a "
            "reason, so a new, unreviewed finding fails the gate instead of drowning in noise."
        ),
        severity=Severity.MEDIUM,
        category="structure",
        contracts=(),
        engines=("slither",),
        mutants=(),
        platform_only=("triages Slither's built-in findings against the platform's reviewed "
                       "slither-baseline.json; on other code every finding would be 'unreviewed'"),
    ),
)
