"""Pause coverage (Slither): a paused module rejects every state change except documented exemptions."""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import MODULES, landed

EXPECTED_MUTANTS = {"PAUSE-01": ("M08_TradingNoPause",)}

SPECS = (
    Spec(
        id="PAUSE-01",
        title="Every external state-changing function of a pausable module is whenNotPaused or exempt with a reason",
        rationale=(
            "The emergency protocol pauses modules during an incident (oracle deviation, CCIP failures); a single "
            "forgotten modifier keeps an attack path open while operators believe the system is frozen. "
            "Exemptions (withdraw-to-safety, repay, admin configuration) are declared on the function with the "
            "NatSpec tag `@custom:pause-exempt <reason>` (reported in the evidence) or in this spec's exemptions. "
            "Bytecode counterpart: SEQ-04."
        ),
        severity=Severity.HIGH,
        category="emergency",
        contracts=MODULES,
        engines=("slither",),
        mutants=landed(*EXPECTED_MUTANTS["PAUSE-01"]),
        generic=True,
    ),
)
