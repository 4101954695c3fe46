"""What every rule detector shares: scope (contracts and functions of the project's own src/), NatSpec tags,
result shape. Detectors are plain Slither `AbstractDetector`s; `SPEC_IDS` binds each to the catalogue."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from slither.core.declarations import Contract, Function
from slither.detectors.abstract_detector import AbstractDetector

from checkers.engines.slither import flow, storage

WIKI_BASE = "checkers/engines/slither/README.md#"  # rule documentation in this package
LOCK_VARS = re.compile(r"(?i)^_?(status|locked|entered|reentrancy\w*)$")


class RuleDetector(AbstractDetector):
    """Base of our detectors: scope helpers and de-duplicated results."""

    SPEC_IDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, compilation_unit, slither, logger) -> None:
        super().__init__(compilation_unit, slither, logger)
        self.examined: set[str] = set()  # contracts the rule applied to (VACUOUS when a named one is missing)
        self._seen: set[tuple[str, str]] = set()

    # -- scope ----------------------------------------------------------------------------------------------
    def src_files(self) -> frozenset[str]:
        owned = getattr(self.slither, "verify_owned", None)
        unit = self.compilation_unit.crytic_compile_compilation_unit.unique_id
        if owned is not None and unit in owned:
            return owned[unit]
        src = getattr(self.slither, "verify_src", "src")
        return frozenset(
            c.source_mapping.filename.used for c in self.compilation_unit.contracts
            if c.source_mapping.filename.used.startswith(src + "/")
        )

    def src_contracts(self, concrete: bool = True, libraries: bool = False) -> list[Contract]:
        """The project's own contracts, libraries only with `libraries` (rules about code paths want them; rules
        about deployed entry points do not); with `concrete`, abstract ones only where nothing derives from them."""
        files = self.src_files()
        own = [c for c in self.compilation_unit.contracts
               if c.source_mapping.filename.used in files and not c.is_interface and (libraries or not c.is_library)]
        if not concrete:
            return own
        # An abstract contract is looked at through the concrete ones deriving from it; one that nothing in the
        # project derives from (a base published alone, deployed by another repository) is looked at itself.
        derived = {base for c in own if not c.is_abstract for base in c.inheritance}
        return [c for c in own if not c.is_abstract or c not in derived]

    def in_src(self, function: Function) -> bool:
        return flow.declared_in(function, self.src_files())

    def entry_points(self, contract: Contract, state_changing: bool = True, src_only: bool = True) -> list[Function]:
        found = []
        for f in contract.functions:
            if f.is_shadowed or not f.is_implemented or f.is_constructor or f.visibility not in ("public", "external"):
                continue
            if state_changing and (f.view or f.pure):
                continue
            if src_only and not self.in_src(f):
                continue
            found.append(f)
        return found

    # -- results --------------------------------------------------------------------------------------------
    def report(self, results: list, where, message: str) -> None:
        key = (getattr(where, "canonical_name", None) or where.name, message)
        if key in self._seen:
            return
        self._seen.add(key)
        results.append(self.generate_result([where, f": {message}\n"]))


def natspec_tag(function: Function, tag: str) -> str | None:
    """Text after `@custom:<tag>` in the NatSpec block right above the function, or None."""
    mapping = function.source_mapping
    if mapping is None or not mapping.lines:
        return None
    lines = _file_lines(mapping.filename.absolute)
    index = mapping.lines[0] - 2
    block: list[str] = []
    while index >= 0:
        text = lines[index].strip()
        if text.startswith(("///", "/*", "*", "*/")):
            block.append(text)
            index -= 1
            continue
        break
    text = " ".join(re.sub(r"^(/\*\*|/\*|\*/|///|\*)\s?", "", line).strip() for line in reversed(block))
    match = re.search(rf"@custom:{re.escape(tag)}\s+(.+?)\s*(?=@\w|\*/|$)", text)
    return match.group(1).strip() or None if match else None


@lru_cache(maxsize=256)
def _file_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def internal_reach(function: Function, depth: int = 8) -> set[Function]:
    """Functions and modifiers reachable from `function` through internal calls."""
    seen: set[Function] = set()
    todo = [(function, 0)]
    while todo:
        f, d = todo.pop()
        if f in seen or d > depth:
            continue
        seen.add(f)
        for call in f.internal_calls:
            callee = getattr(call, "function", call)
            if isinstance(callee, Function):
                todo.append((callee, d + 1))
        for m in getattr(f, "modifiers", []):
            todo.append((m, d + 1))
    return seen


def non_lock_writes(events) -> list:
    return [e for e in events if e.kind == "write" and not LOCK_VARS.match(storage.member(e.name))]


INITIALIZERS = frozenset({"initializer", "reinitializer", "onlyInitializing"})


def runs_once(f) -> bool:
    """An initializer: its writes happen once, at deployment (guarded by the Initializable state, not a caller)."""
    return any(m.name in INITIALIZERS for m in f.modifiers)
