"""Shared set-up for the sequence-engine tests: the tiny vault fixture (tests/fixtures/symbolic), correct and
with one of its broken variants in place, each copied once per session next to node_modules/tools."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from checkers.base import Severity, Spec
from checkers.target import Target, copy_project

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "symbolic"
BROKEN = ("WithdrawNoLiquidityCheck", "WithdrawIgnoresInsurance", "WithdrawDoubleDebit")
# Variants that break no safety property but make a check vacuous: withdraw never succeeds (LIVE-01 is violated,
# SEQ-01 must be VACUOUS), the set-up reverts (DEPLOY-01 is violated, SEQ-01 must be VACUOUS).
NOT_LIVE = ("WithdrawAlwaysReverts", "ConstructorReverts")
# Safe for any one withdraw, broken by two in a row: found only by checks that explore two transactions.
DEPTH_TWO = "WithdrawFixedCap"
SPEC = Spec(id="SEQ-01", title="fixture vault solvency", rationale="engine tests", severity=Severity.HIGH,
            category="solvency", contracts=("MiniVault",), engines=("fuzz", "halmos", "manticore"))
_SCRATCH = Path(tempfile.mkdtemp(prefix="symbolic-tests-"))
atexit.register(shutil.rmtree, _SCRATCH, True)


@lru_cache(maxsize=None)
def fixture_target(variant: str = "correct") -> Target:
    """The fixture as a Target labelled `variant` ("correct" is labelled "platform"), not built: every engine
    compiles what it needs itself."""
    into = _SCRATCH / variant
    into.mkdir(parents=True, exist_ok=True)
    root = copy_project(FIXTURE, into)
    if variant != "correct":
        shutil.copyfile(FIXTURE / "broken" / f"{variant}.sol", root / "src" / "MiniVault.sol")
    shutil.rmtree(root / "broken", ignore_errors=True)
    return Target(root=root, label="platform" if variant == "correct" else variant)


def out_dir(name: str) -> Path:
    path = _SCRATCH / "out" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
