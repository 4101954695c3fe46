"""Access control (Slither): configuration is role-guarded and admin rotation is two-step."""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import MODULES, landed

EXPECTED_MUTANTS = {"ACC-01": ("M09_OracleUnguardedSetter",), "ACC-02": ()}

SPECS = (
    Spec(
        id="ACC-01",
        title="Every function writing configuration state is role-guarded",
        rationale=(
            "An unguarded setter lets anyone repoint an oracle, allowlist a sender or change risk parameters: "
            "Poly Network (2021) had its keeper set replaced through an unchecked path; Nomad (2022) shipped an "
            "initialisation that marked the zero root trusted. Setters are found by name (set*, configure*, "
            "add/remove<Feed|Chain|Sender|…>) and by configuration-named state they write."
        ),
        severity=Severity.CRITICAL,
        category="access",
        contracts=MODULES,
        engines=("slither",),
        mutants=landed(*EXPECTED_MUTANTS["ACC-01"]),
        generic=True,
    ),
    Spec(
        id="ACC-02",
        title="Admin rotation exists and is two-step (propose, then accept by the new admin)",
        rationale=(
            "A one-step transfer to a mistyped or unreachable address loses every admin function for good; "
            "OpenZeppelin's Ownable2Step / AccessControlDefaultAdminRules (used by PlatformAccessUpgradeable, with a 1-day "
            "delay) require the new admin to accept."
        ),
        severity=Severity.MEDIUM,
        category="access",
        contracts=MODULES,
        engines=("slither",),
        mutants=(),
        generic=True,
    ),
)
