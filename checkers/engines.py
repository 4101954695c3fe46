"""Engine registry: name -> Checker class, imported lazily so one broken engine cannot stop the others."""
from __future__ import annotations

import importlib

from checkers.base import Checker

# name -> "module:Class". Engines register here as they land.
ENGINES: dict[str, str] = {
    "z3": "checkers.z3_models.engine:Z3Checker",
    "slither": "checkers.slither_rules.engine:SlitherChecker",
    "manticore": "checkers.manticore_runs.engine:ManticoreChecker",
    "halmos": "checkers.halmos_runs.engine:HalmosChecker",
    "fuzz": "checkers.fuzz.engine:FuzzChecker",
    "upgrade": "checkers.upgrade.engine:UpgradeChecker",
}


def engine_names() -> frozenset[str]:
    return frozenset(ENGINES)


def load_engine(name: str) -> Checker:
    """Instantiate an engine. Raises ImportError/AttributeError when its module is broken or absent."""
    module_name, class_name = ENGINES[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()
