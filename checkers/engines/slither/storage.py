"""Storage as the rules see it: plain state variables and ERC-7201 namespaced members, under one set of names.

OpenZeppelin 5 (and many projects after it) keep state in a struct at a fixed slot instead of in state variables:

    /// @custom:storage-location erc7201:example.main
    struct MainStorage { mapping(bytes32 => bool) processed; address owner; }
    function _getMainStorage() private pure returns (MainStorage storage $) { assembly { $.slot := LOCATION } }
    function f(bytes32 id) external { MainStorage storage $ = _getMainStorage(); $.processed[id] = true; }

Slither lists no state variable for `$.processed` (it is a member of a local storage pointer). Here a *namespace
root* is a storage pointer to a struct that comes from
  - an accessor: a function returning one storage pointer to a struct that is annotated
    `@custom:storage-location erc7201:<id>`, or that is internal/private, pure and binds it in inline assembly
    (Diamond-style `layout()` library functions included), or
  - inline assembly in the function itself (`S storage $; assembly { $.slot := LOCATION }`, which SlithIR turns
    into an assignment of a slot value to a struct pointer);
and each member of a root is a *slot* named `<StructName>.<member>` (a `Slot`, with the member's type: rules ask
whether it is a mapping, an address...). Everything under a member (`$.positions[id].size`, a local
`Position storage p = $.positions[id]`) belongs to that member, as `positions[id].size` belongs to `positions`.

flow.Walker tags and emits slots exactly like state variables (`state`, `sv:<name>`, write events); the helpers
below give rules one view of both: `variables(contract)`, `written(function)`, `read(function)`, `member(name)`.
On code with no namespace they return what Slither's state-variable APIs return.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from slither.core.cfg.node import NodeType
from slither.core.declarations import Contract, Function
from slither.core.declarations.structure import Structure
from slither.core.solidity_types import MappingType, Type, UserDefinedType
from slither.slithir.operations import Assignment

ERC7201 = re.compile(r"@custom:storage-location\s+erc7201:([\w.\-]+)")


@dataclass(frozen=True)
class Slot:
    """A member of a namespaced struct, seen as a state variable named `<StructName>.<member>`."""

    struct: str
    member: str
    type: Type | None = None
    namespace: str | None = None  # the erc7201 id, when the struct is annotated

    @property
    def name(self) -> str:
        return f"{self.struct}.{self.member}"

    is_constant = False
    is_immutable = False


def member(name: str) -> str:
    """The member part of a storage name (`MainStorage.owner` -> `owner`; a plain variable's name unchanged):
    what naming conventions (admin, configuration, lock variables) are matched against."""
    return name.rsplit(".", 1)[-1]


# -- recognising namespaces ------------------------------------------------------------------------------------
def struct_of(variable) -> Structure | None:
    """The struct a storage pointer variable points to, or None."""
    t = getattr(variable, "type", None)
    if isinstance(t, UserDefinedType) and isinstance(t.type, Structure):
        return t.type
    return None


@lru_cache(maxsize=4096)
def _file_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text().splitlines())
    except OSError:
        return ()


_NAMESPACES: "weakref.WeakKeyDictionary[Structure, str | None]" = weakref.WeakKeyDictionary()


def namespace_id(structure: Structure) -> str | None:
    """The `erc7201:<id>` of a struct's `@custom:storage-location` NatSpec (the comment block right above it)."""
    try:
        return _NAMESPACES[structure]
    except (KeyError, TypeError):
        pass
    found = None
    mapping = structure.source_mapping
    if mapping is not None and mapping.lines:
        lines = _file_lines(mapping.filename.absolute)
        index = mapping.lines[0] - 2
        while index >= 0:
            text = lines[index].strip()
            if not text.startswith(("///", "/*", "*", "*/", "//")):
                break
            match = ERC7201.search(text)
            if match:
                found = match.group(1)
                break
            index -= 1
    try:
        _NAMESPACES[structure] = found
    except TypeError:
        pass
    return found


def _binds_slot(ir) -> Structure | None:
    """`$.slot := X` as SlithIR has it: a struct storage pointer assigned a value that is not such a pointer."""
    if not isinstance(ir, Assignment):
        return None
    target = struct_of(ir.lvalue)
    if target is None or getattr(ir.lvalue, "location", None) != "storage":
        return None
    return target if struct_of(ir.rvalue) is None else None


_ACCESSORS: "weakref.WeakKeyDictionary[Function, Structure | None]" = weakref.WeakKeyDictionary()


def accessor_struct(function) -> Structure | None:
    """The namespaced struct `function` returns a storage pointer to (an accessor such as `_getMainStorage()`),
    or None. An unannotated struct counts only from an internal/private pure function without parameters that binds
    it in assembly: a generic slot helper (`StorageSlot.getAddressSlot(bytes32)`) is not a namespace."""
    if not isinstance(function, Function):
        return None
    try:
        return _ACCESSORS[function]
    except KeyError:
        pass
    found = None
    returns = function.returns if function.is_implemented else []
    if len(returns) == 1 and returns[0].location == "storage":
        target = struct_of(returns[0])
        if target is not None:
            if namespace_id(target) is not None:
                found = target
            elif (function.visibility in ("internal", "private") and function.pure and not function.parameters
                  and any(n.type == NodeType.ASSEMBLY or any(_binds_slot(ir) for ir in n.irs)
                          for n in function.nodes)):
                found = target
    _ACCESSORS[function] = found
    return found


def assembly_roots(function: Function) -> dict:
    """Local struct pointers bound to a slot by inline assembly in `function` itself -> their struct."""
    try:
        return _ROOTS[function]
    except KeyError:
        pass
    _ROOTS[function] = roots = _assembly_roots(function)
    return roots


_ROOTS: "weakref.WeakKeyDictionary[Function, dict]" = weakref.WeakKeyDictionary()


def _assembly_roots(function: Function) -> dict:
    roots = {}
    for node in function.nodes:
        for ir in node.irs:
            target = _binds_slot(ir)
            if target is not None:
                roots[ir.lvalue] = target
    return roots


def namespaced_structs(contract: Contract) -> list[Structure]:
    """The namespaced structs a contract uses: annotated ones it (or a base) declares, those its functions' accessors
    return and those its functions bind in assembly."""
    found: dict[Structure, None] = {}
    for c in (contract, *contract.inheritance):
        for s in c.structures_declared:
            if namespace_id(s) is not None:
                found[s] = None
    for f in contract.functions:
        target = accessor_struct(f)
        if target is not None:
            found[target] = None
        for target in assembly_roots(f).values():
            found[target] = None
    return list(found)


def slots(structure: Structure) -> list[Slot]:
    ns = namespace_id(structure)
    return [Slot(structure.name, e.name, e.type, ns) for e in structure.elems_ordered]


# -- what rules ask -----------------------------------------------------------------------------------------------
def variables(contract: Contract) -> list:
    """The contract's storage: its state variables (Slither's, inherited included), then its namespaced members."""
    return list(contract.state_variables) + [s for st in namespaced_structs(contract) for s in slots(st)]


def mapping_names(contract: Contract, declared_only: bool = False) -> set[str]:
    """Names of the contract's storage mappings (with `declared_only`, state variables as declared in the contract
    and each base, private ones of bases included, as `state_variables_declared` lists them)."""
    if declared_only:
        plain = {v.name for c in (contract, *contract.inheritance) for v in c.state_variables_declared
                 if isinstance(v.type, MappingType)}
    else:
        plain = {v.name for v in contract.state_variables if isinstance(v.type, MappingType)}
    return plain | {s.name for st in namespaced_structs(contract) for s in slots(st) if isinstance(s.type, MappingType)}


_ACCESSES: "weakref.WeakKeyDictionary[Function, tuple[frozenset[str], frozenset[str]]]" = weakref.WeakKeyDictionary()


def namespaced_access(function: Function) -> tuple[frozenset[str], frozenset[str]]:
    """(slots read, slots written) by `function`, its modifiers (up to `_`) and the internal calls it makes, as the
    flow walk sees them."""
    try:
        return _ACCESSES[function]
    except KeyError:
        pass
    if not touches_namespace(function):
        _ACCESSES[function] = (frozenset(), frozenset())
        return _ACCESSES[function]
    from checkers.engines.slither import flow  # flow imports this module

    walker = flow.Walker()
    trace = walker.run(function)
    names = {s.name for s in walker.slots.values()}
    written = frozenset(e.name for e in trace.of("write") if e.name in names)
    result = (frozenset(walker.slot_reads), written)
    _ACCESSES[function] = result
    return result


def touches_namespace(function: Function) -> bool:
    """Whether `function`, a modifier of it or a function it calls can reach namespaced storage at all (calls an
    accessor, binds a slot in assembly or takes a struct storage pointer): the walk is skipped otherwise."""
    try:
        return _TOUCHES[function]
    except KeyError:
        pass
    _TOUCHES[function] = found = _touches(function)
    return found


_TOUCHES: "weakref.WeakKeyDictionary[Function, bool]" = weakref.WeakKeyDictionary()


def _touches(function: Function) -> bool:
    todo, seen = [function], set()
    while todo:
        f = todo.pop()
        if f in seen or not isinstance(f, Function):
            continue
        seen.add(f)
        if accessor_struct(f) is not None or assembly_roots(f):
            return True
        if any(p.location == "storage" and struct_of(p) is not None for p in f.parameters):
            return True
        for call in list(f.internal_calls) + list(getattr(f, "library_calls", [])):
            todo.append(getattr(call, "function", call))
        todo.extend(getattr(f, "modifiers", []))
    return False


def written(function: Function) -> set[str]:
    """Names of the storage `function` writes (with its internal calls): Slither's state variables and slots.
    Where a namespace is reachable, constants are left out: Slither lists `LOCATION` as written by
    `assembly { $.slot := LOCATION }`."""
    plain = function.all_state_variables_written()
    if not touches_namespace(function):
        return {v.name for v in plain}
    return {v.name for v in plain if not v.is_constant} | set(namespaced_access(function)[1])


def read(function: Function) -> set[str]:
    """Names of the storage `function` reads (with its internal calls): Slither's state variables and slots."""
    return {v.name for v in function.all_state_variables_read()} | set(namespaced_access(function)[0])
