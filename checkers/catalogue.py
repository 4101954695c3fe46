"""Load and validate the spec catalogue. Every problem names the spec it is in."""
from __future__ import annotations

import re
from collections.abc import Iterable

from checkers.base import Spec
from checkers.engines import engine_names
from checkers.errors import SpecError
from checkers.mutants import Mutant, load_mutants
from checkers.target import Target

SPEC_ID = re.compile(r"^[A-Z]{2,6}(-[A-Z]{2,6})?-\d{2}$")  # SOLV-01, INT-POOL-01
CATEGORIES = frozenset(
    {"solvency", "liquidation", "lending", "funding", "oracle", "ccip", "automation", "emergency", "access",
     "upgrade", "structure", "liveness"}
)


def validate_declarations(specs: Iterable[Spec], mutants: dict[str, Mutant]) -> tuple[Spec, ...]:
    """Checks that need no build: ids, categories, engines, mutants, accepted-risk justifications."""
    seen: set[str] = set()
    known_engines = engine_names()
    checked = []
    for spec in specs:
        where = f"spec {spec.id}"
        if not SPEC_ID.match(spec.id):
            raise SpecError(f"{where}: id must look like ABC-01")
        if spec.id in seen:
            raise SpecError(f"{where}: duplicate id")
        seen.add(spec.id)
        if spec.category not in CATEGORIES:
            raise SpecError(f"{where}: unknown category {spec.category!r}")
        if not spec.title.strip() or not spec.rationale.strip():
            raise SpecError(f"{where}: title and rationale are required")
        if not spec.engines:
            raise SpecError(f"{where}: names no engine")
        for engine in spec.engines:
            if engine not in known_engines:
                raise SpecError(f"{where}: unknown engine {engine!r} (known: {', '.join(sorted(known_engines))})")
        for mutant in spec.mutants:
            if mutant not in mutants:
                raise SpecError(f"{where}: unknown mutant {mutant!r} (no contracts/mutants/{mutant}.patch)")
        if spec.accepted_risk is not None and not spec.accepted_risk.strip():
            raise SpecError(f"{where}: accepted_risk needs a justification")
        if spec.platform_only is not None and (spec.generic or not spec.platform_only.strip()):
            raise SpecError(f"{where}: platform_only needs a reason and contradicts generic=True")
        for function in list(spec.functions) + list(spec.exemptions):
            if "." not in function:
                raise SpecError(f"{where}: function {function!r} must be written Contract.function")
        checked.append(spec)
    for mutant in mutants.values():
        for spec_id in mutant.breaks:
            if spec_id not in seen:
                raise SpecError(f"mutant {mutant.name}: @custom:breaks names unknown spec {spec_id}")
    return tuple(checked)


def validate_against_target(specs: Iterable[Spec], target: Target) -> None:
    """Every contract and function a (non-generic) spec names must exist in the compiled target."""
    for spec in specs:
        if spec.generic:
            continue
        for contract in spec.contracts:
            if contract not in target.artifacts:
                raise SpecError(f"spec {spec.id}: names contract {contract!r}, which {target.root} does not compile")
        for qualified in list(spec.functions) + list(spec.exemptions):
            contract, function = qualified.split(".", 1)
            artifact = target.artifacts.get(contract)
            if artifact is None:
                raise SpecError(f"spec {spec.id}: names contract {contract!r}, which {target.root} does not compile")
            if function not in artifact.function_names() and not _declared_in_source(target, artifact.source, function):
                raise SpecError(f"spec {spec.id}: {contract} has no function {function!r}")


def load_catalogue() -> tuple[Spec, ...]:
    """The catalogue with its declarations validated (no build needed)."""
    from specs import all_specs

    return validate_declarations(all_specs(), load_mutants())


def _declared_in_source(target: Target, source: str, function: str) -> bool:
    """Internal and private functions are not in the ABI: look for their declaration in the source."""
    path = target.root / source
    return path.exists() and re.search(rf"\bfunction\s+{re.escape(function)}\s*\(", path.read_text()) is not None
