"""Fixtures of the Z3 engine tests: the engine and the Z3 specs, keyed by id."""
from __future__ import annotations

import pytest

from checkers.base import Spec
from checkers.engines.z3.engine import Z3Checker


@pytest.fixture(scope="session")
def z3_engine() -> Z3Checker:
    return Z3Checker()


@pytest.fixture(scope="session")
def z3_specs() -> dict[str, Spec]:
    from specs import funding, lending, liquidation, oracle, solvency

    return {s.id: s for module in (solvency, liquidation, lending, funding, oracle) for s in module.SPECS}
