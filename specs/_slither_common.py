"""Shared by the Slither-checked spec modules (leading underscore: not a spec module itself)."""
from __future__ import annotations

from checkers.mutants import mutant_path

MODULES = ("DataStreamOracle", "CrossChainVault", "CrossChainReceiver", "PositionManager", "CrossChainLendingPool",
           "LiquidationEngine", "PerpetualTrading")


def landed(*names: str) -> tuple[str, ...]:
    """The listed mutants that exist under contracts/mutants/.

    The platform helpers write them while these specs are in use; listing a mutant that has not landed yet
    would make the whole catalogue fail validation. tests/specs/test_slither_specs.py asserts every listed
    mutant exists, so a missing one still fails a test rather than being silently dropped.
    """
    return tuple(n for n in names if mutant_path(n) is not None)
