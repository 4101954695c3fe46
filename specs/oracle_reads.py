"""Every read of a Chainlink price (feed or Data Streams report) is checked before use (Slither)."""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import landed

EXPECTED_MUTANTS = {"ORCL-10": ("M07_FallbackNoStaleness",)}

SPECS = (
    Spec(
        id="ORCL-10",
        title=("Every latestRoundData()/Data Streams report read checks staleness (timestamp vs a threshold) "
               "and answer > 0"),
        rationale=(
            "Chainlink Data Feeds docs: check updatedAt against the feed's heartbeat and reject non-positive "
            "answers; Data Streams reports carry observationsTimestamp/expiresAt for the same purpose. Stale or "
            "zero prices caused wrong liquidations and under-collateralised borrows (Venus and Blizz during "
            "LUNA, May 2022; Inverse Finance 2022). ORCL-01 proves the selection logic; this rule checks that "
            "every call site applies it."
        ),
        severity=Severity.CRITICAL,
        category="oracle",
        contracts=("DataStreamOracle",),
        engines=("slither",),
        mutants=landed(*EXPECTED_MUTANTS["ORCL-10"]),
        generic=True,
    ),
)
