"""Engine registry: name -> Checker class, imported lazily so one broken engine cannot stop the others."""
from __future__ import annotations

import importlib

from checkers.base import Checker

# name -> "module:Class", fastest first: the runner starts engines in this order, so on a sequence spec fuzz and
# halmos give their verdicts before Manticore, the slowest, spends its budget.
ENGINES: dict[str, str] = {
    "upgrade": "checkers.engines.upgrade.engine:UpgradeChecker",
    "z3": "checkers.engines.z3.engine:Z3Checker",
    "slither": "checkers.engines.slither.engine:SlitherChecker",
    "props": "checkers.engines.props.engine:PropertyTestChecker",
    "fuzz": "checkers.engines.fuzz.engine:FuzzChecker",
    "halmos": "checkers.engines.halmos.engine:HalmosChecker",
    "equivalence": "checkers.engines.equivalence.engine:EquivalenceChecker",
    "manticore": "checkers.engines.manticore.engine:ManticoreChecker",
}


def engine_rank(name: str) -> int:
    """Position in the fastest-first order; engines not registered go last."""
    order = list(ENGINES)
    return order.index(name) if name in ENGINES else len(order)


def engine_names() -> frozenset[str]:
    return frozenset(ENGINES)


def load_engine(name: str) -> Checker:
    """Instantiate an engine. Raises ImportError/AttributeError when its module is broken or absent."""
    module_name, class_name = ENGINES[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()
