"""The invariant catalogue: one module per concern, each exporting `SPECS: tuple[Spec, ...]`.

Modules are discovered, so adding a concern means adding a module. Validation lives in
checkers.catalogue (ids unique, engines and mutants known, contracts and functions compiled).
"""
from __future__ import annotations

import importlib
import pkgutil

from checkers.base import Spec


def all_specs() -> tuple[Spec, ...]:
    specs: list[Spec] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        specs.extend(getattr(module, "SPECS", ()))
    return tuple(specs)
