"""Every modelled PerpMathHarness function and every obligation, by name / spec id."""
from __future__ import annotations

from typing import Callable

from checkers.z3_models import funding, health, interest, liquidation, oracle, shares
from checkers.z3_models.obligation import Obligation
from checkers.z3_models.solidity import ModelFunction

FAMILIES = (health, liquidation, interest, shares, funding, oracle)

MODELS: dict[str, ModelFunction] = {m.name: m for family in FAMILIES for m in family.MODELS}
OBLIGATIONS: dict[str, Callable[[], Obligation]] = {
    spec_id: build for family in FAMILIES for spec_id, build in family.OBLIGATIONS.items()
}
