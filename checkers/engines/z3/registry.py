"""Every modelled PerpMathHarness function and every obligation, by name / spec id."""
from __future__ import annotations

from typing import Callable

from checkers.engines.z3 import funding, health, interest, liquidation, oracle, shares
from checkers.engines.z3.obligation import Obligation
from checkers.engines.z3.solidity import ModelFunction

FAMILIES = (health, liquidation, interest, shares, funding, oracle)

MODELS: dict[str, ModelFunction] = {m.name: m for family in FAMILIES for m in family.MODELS}
OBLIGATIONS: dict[str, Callable[[], Obligation]] = {
    spec_id: build for family in FAMILIES for spec_id, build in family.OBLIGATIONS.items()
}
