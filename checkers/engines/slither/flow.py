"""A small interprocedural taint walk over SlithIR that every rule reads.

`walk(function, initial)` visits the modifiers (up to their `_`), then the body, inlining internal calls, and
returns an ordered trace of events: guards (conditions, with the tags of what they read), state writes (with
the tags of their index/value), external calls, pauses and try/catch regions. Tags name where a value comes
from: fields of a CCIP message ("chain", "sender", "messageId", "data"), a feed answer / timestamp ("answer",
"updatedAt"), performData ("pd"), any parameter ("param"; "input" only for the walked function's own parameters,
i.e. what its caller chose, not what an inlined callee received), storage ("state" and "sv:<name>"), external call
results ("call"), msg.sender ("caller"), block.timestamp ("now"), this ("self").
ERC-7201 namespaced members (`$.processed` through a storage pointer from an accessor or `$.slot :=` assembly, see
storage.py) are storage like state variables: tagged "state" and "sv:<Struct>.<member>", written as that name.
It is a structural approximation: branches are visited in source order and loops once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from slither.core.cfg.node import Node, NodeType
from slither.core.declarations import Function, Modifier, SolidityVariable, SolidityVariableComposed
from slither.core.declarations.structure import Structure
from slither.core.solidity_types import UserDefinedType
from slither.core.variables.state_variable import StateVariable
from slither.slithir.operations import (
    Assignment,
    Condition,
    Delete,
    EventCall,
    HighLevelCall,
    Index,
    InternalCall,
    LibraryCall,
    LowLevelCall,
    Member,
    Operation,
    OperationWithLValue,
    Return,
    Send,
    SolidityCall,
    Transfer,
    Unpack,
)
from slither.slithir.variables import Constant, ReferenceVariable, TupleVariable

from checkers.engines.slither import storage

MAX_DEPTH = 8
MESSAGE_FIELDS = {"sourceChainSelector": "chain", "sender": "sender", "messageId": "messageId",
                  "data": "data", "destTokenAmounts": "tokens"}
REPORT_FIELDS = {"price": "answer", "benchmarkPrice": "answer", "observationsTimestamp": "updatedAt",
                 "validFromTimestamp": "updatedAt", "expiresAt": "updatedAt"}
# Data Feeds v3: latestRoundData() / getRoundData(id) -> (roundId, answer, startedAt, updatedAt, answeredInRound).
# startedAt is what an L2 sequencer uptime feed's grace period is measured from.
ROUND_DATA = {1: "answer", 2: "startedAt", 3: "updatedAt"}
ROUND_READS = frozenset({"latestRoundData", "getRoundData"})
# Data Feeds v2 (AggregatorInterface): one value per call.
SCALAR_READS = {"latestAnswer": "answer", "getAnswer": "answer", "latestTimestamp": "updatedAt",
                "getTimestamp": "updatedAt"}
# Which feed a value came from ("feed:<variable>", "feed:report"): a check of one feed's values (an L2 sequencer
# uptime feed's status) does not vouch for another feed read in the same function. Keyed by the feed variable, so
# a v2 feed's latestAnswer() and latestTimestamp() count as one read, and a helper inlined in its callers keeps it.
FEED = "feed:"
REPORT_FEED = FEED + "report"
OUT_TRANSFERS = {"transfer", "safeTransfer", "send", "sendValue"}
FROM_TRANSFERS = {"transferFrom", "safeTransferFrom"}
PAUSE_FUNCTIONS = {"_pause", "pause"}
NOT_PAUSED_CHECKS = {"_requireNotPaused", "whenNotPaused", "paused"}

Tags = frozenset


@dataclass(frozen=True)
class Event:
    kind: str  # guard | write | call | transfer | pause | revert | try | notpaused | return | read
    node: Node
    tags: frozenset[str] = frozenset()
    name: str = ""  # state variable written / function called
    in_catch: bool = False
    in_try_success: bool = False
    depth: int = 0  # 1 = the walked function itself, 2 = a function it calls, ...
    value: frozenset[str] = frozenset()  # writes: the tags of the written value alone (not of the index)
    key: frozenset[str] = frozenset()  # writes: the tags of the written location (a mapping's index)


@dataclass
class Trace:
    events: list[Event] = field(default_factory=list)
    returns: dict[int, frozenset[str]] = field(default_factory=dict)  # return index -> tags

    def of(self, *kinds: str) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def first(self, *kinds: str) -> int | None:
        return next((i for i, e in enumerate(self.events) if e.kind in kinds), None)


def is_message_type(variable) -> bool:
    t = getattr(variable, "type", None)
    return isinstance(t, UserDefinedType) and isinstance(t.type, Structure) and t.type.name == "Any2EVMMessage"


# Data Streams report schemas decoded into plain values instead of a struct: the field types in order, and which
# positions are the price and the timestamps (v2/v3 crypto reports, v4 real-world-asset reports).
_REPORT_HEAD = ("bytes32", "uint32", "uint32", "uint192", "uint192", "uint32")
REPORT_TUPLES: dict[tuple[str, ...], dict[int, str]] = {
    _REPORT_HEAD + ("int192",): {1: "updatedAt", 2: "updatedAt", 5: "updatedAt", 6: "answer"},
    _REPORT_HEAD + ("int192", "int192", "int192"): {1: "updatedAt", 2: "updatedAt", 5: "updatedAt", 6: "answer"},
    _REPORT_HEAD + ("int192", "uint32"): {1: "updatedAt", 2: "updatedAt", 5: "updatedAt", 6: "answer"},
}


def report_tuple(lvalue) -> dict[int, str] | None:
    """Tags per position when an abi.decode result is a Data Streams report as plain values; else None."""
    types = getattr(lvalue, "type", None)
    if not isinstance(types, list):
        return None
    return REPORT_TUPLES.get(tuple(str(t) for t in types))


def is_report_type(t) -> bool:
    if isinstance(t, UserDefinedType) and isinstance(t.type, Structure):
        names = {e.name for e in t.type.elems_ordered}
        return bool(names & {"price", "benchmarkPrice"}) and bool(names & {"observationsTimestamp", "expiresAt"})
    return False


def catch_regions(function: Function) -> tuple[set[Node], set[Node]]:
    """(nodes inside catch clauses, nodes inside try success clauses) of one function."""
    catches: set[Node] = set()
    successes: set[Node] = set()
    for node in function.nodes:
        if node.type != NodeType.TRY:
            continue
        clauses = [s for s in node.sons if s.type == NodeType.CATCH]
        for index, clause in enumerate(clauses):
            region = {n for n in function.nodes if clause in n.dominators}
            (successes if index == 0 else catches).update(region)
    return catches, successes


class Walker:
    def __init__(self) -> None:
        self.trace = Trace()
        self._stack: list[Function] = []
        # ERC-7201: struct pointers bound to a namespace (-> struct), and references/pointers into one of its
        # members (-> the member's Slot); slot_reads: the slot names read on the walked path
        self.roots: dict = {}
        self.slots: dict = {}
        self.slot_reads: set[str] = set()

    # -- entry ---------------------------------------------------------------------------------------------
    def run(self, function: Function, initial: dict | None = None) -> Trace:
        taint: dict = {}
        for param in function.parameters:
            tags = {"param", "input"}
            if is_message_type(param):
                tags.add("msg")
            taint[param] = frozenset(tags)
        for var, tags in (initial or {}).items():
            taint[var] = frozenset(tags) | taint.get(var, frozenset())
        self.trace.returns = self._walk(function, taint, in_catch=False, in_success=False)
        return self.trace

    # -- functions ------------------------------------------------------------------------------------------
    def _walk(self, function: Function, taint: dict, in_catch: bool, in_success: bool) -> dict[int, frozenset]:
        if function in self._stack or len(self._stack) >= MAX_DEPTH:
            return {}
        self._stack.append(function)
        self.roots.update(storage.assembly_roots(function))
        returns: dict[int, frozenset] = {}
        catches, successes = catch_regions(function)
        tuples: dict = {}
        modifier_nodes: list[Node] = []
        for statement in getattr(function, "modifiers_statements", []):
            for node in statement.nodes:
                if node not in modifier_nodes:
                    modifier_nodes.append(node)
        body = [n for n in function.nodes if n not in modifier_nodes]
        stop_at_placeholder = isinstance(function, Modifier)
        for node in modifier_nodes + body:
            if stop_at_placeholder and node.type == NodeType.PLACEHOLDER:
                break
            self._node(node, taint, tuples, returns, in_catch or node in catches, in_success or node in successes)
        self._stack.pop()
        return returns

    def _node(self, node: Node, taint: dict, tuples: dict, returns: dict, in_catch: bool, in_success: bool) -> None:
        def emit(kind: str, tags=frozenset(), name: str = "", value=frozenset(), key=frozenset()) -> None:
            self.trace.events.append(Event(kind, node, frozenset(tags), name, in_catch, in_success, len(self._stack),
                                           frozenset(value), frozenset(key)))

        self._positions = _try_return_positions(node) if node.type == NodeType.TRY else None
        read_tags: set[str] = set()
        cond_tags: set[str] | None = None  # tags of the tested value itself, when the node has one
        is_guard = node.type in (NodeType.IF, NodeType.IFLOOP)
        for ir in node.irs:
            tags = self._ir(ir, taint, tuples, emit, in_catch, in_success)
            read_tags |= tags
            for v in ir.read:
                read_tags |= self._tags(v, taint)
            if isinstance(ir, Condition):
                cond_tags = set(self._tags(ir.value, taint))
            if isinstance(ir, SolidityCall):
                fname = ir.function.name
                if fname.startswith(("require(", "assert(")):
                    is_guard = True
                    if ir.arguments:
                        cond_tags = set(self._tags(ir.arguments[0], taint))
                elif fname.startswith("revert"):
                    emit("revert")
            if isinstance(ir, Return):
                for index, value in enumerate(ir.values):
                    returns[index] = returns.get(index, frozenset()) | self._tags(value, taint)
        if node.type == NodeType.THROW:
            emit("revert")
        if node.type == NodeType.TRY:
            emit("try")
        if is_guard:
            emit("guard", cond_tags if cond_tags is not None else read_tags)

    # -- operations -----------------------------------------------------------------------------------------
    def _tags(self, v, taint: dict) -> frozenset[str]:
        if isinstance(v, SolidityVariableComposed):
            return frozenset({"caller"} if v.name in ("msg.sender", "tx.origin") else
                             {"now"} if v.name == "block.timestamp" else set())
        if isinstance(v, SolidityVariable):
            return frozenset({"self"} if v.name == "this" else {"now"} if v.name == "now" else set())
        if isinstance(v, StateVariable):
            return frozenset({"state", f"sv:{v.name}"}) | taint.get(v, frozenset())
        return taint.get(v, frozenset())

    @staticmethod
    def _origin(v):
        if isinstance(v, ReferenceVariable):
            return v.points_to_origin
        return v

    def _ir(self, ir: Operation, taint: dict, tuples: dict, emit, in_catch: bool, in_success: bool) -> frozenset:
        """Propagate taint through one operation, emit its events, return the tags it produced."""
        reads = frozenset().union(*(self._tags(v, taint) for v in ir.read)) if ir.read else frozenset()
        out: frozenset = reads
        self._slot_reads(ir)
        if isinstance(ir, Member) and ir.variable_left in self.roots:
            struct = self.roots[ir.variable_left]
            member = str(ir.variable_right)
            elem = next((e for e in struct.elems_ordered if e.name == member), None)
            slot = storage.Slot(struct.name, member, elem.type if elem is not None else None,
                                storage.namespace_id(struct))
            self.slots[ir.lvalue] = slot
            out = self._tags(ir.variable_left, taint) | {"state", f"sv:{slot.name}"}
        elif isinstance(ir, Member):
            left = self._tags(ir.variable_left, taint)
            member = str(ir.variable_right)
            if ir.variable_left in self.slots:
                self.slots[ir.lvalue] = self.slots[ir.variable_left]
            if "msg" in left and member in MESSAGE_FIELDS:
                out = (left - {"msg"}) | {MESSAGE_FIELDS[member]}
            elif "report" in left and member in REPORT_FIELDS:
                out = (left - {"report"}) | {REPORT_FIELDS[member]}
            else:
                out = left
        elif isinstance(ir, Index):
            out = self._tags(ir.variable_left, taint) | self._tags(ir.variable_right, taint)
            if ir.variable_left in self.slots:
                self.slots[ir.lvalue] = self.slots[ir.variable_left]
        elif isinstance(ir, Unpack):
            per_index = tuples.get(ir.tuple)
            out = per_index.get(ir.index, frozenset()) if per_index is not None else self._tags(ir.tuple, taint)
        elif isinstance(ir, HighLevelCall) and not isinstance(ir, LibraryCall):
            name = ir.function_name.value if isinstance(ir.function_name, Constant) else str(ir.function_name)
            args = [self._tags(a, taint) for a in ir.arguments]
            view = isinstance(ir.function, Function) and (ir.function.view or ir.function.pure)
            # a view call's result is a fresh read ("call"); a state-changing call's result is an outcome ("effect")
            kind = frozenset({"call"} if view else {"effect"})
            out = kind.union(*args) if args else kind
            dest_slot = self.slots.get(ir.destination)
            feed = frozenset({FEED + (dest_slot.name if dest_slot is not None else _name(self._origin(ir.destination)))})
            if name in SCALAR_READS:
                out = out | {SCALAR_READS[name]} | feed
                emit("read", out, name)
            if name in ROUND_READS and isinstance(ir.lvalue, TupleVariable):
                def slot(i: int) -> frozenset:
                    return feed | ({"call", ROUND_DATA[i]} if i in ROUND_DATA else {"call"})
                # `try f() returns (uint80, int256 a, uint256, uint256 u, uint80)`: Slither numbers the UNPACKs
                # over the named components only; map them back to their positions
                positions = self._positions if self._positions else list(range(5))
                tuples[ir.lvalue] = {k: slot(pos) for k, pos in enumerate(positions)}
                emit("read", out | feed, name)
            if self._is_out_transfer(name, ir.arguments, taint, offset=0):
                emit("transfer", out, name)
            if name in PAUSE_FUNCTIONS:
                emit("pause", out, name)
            if name == "paused":
                emit("notpaused", out, name)
            if not view:
                emit("call", out, name)
        elif isinstance(ir, LibraryCall):
            name = ir.function_name.value if isinstance(ir.function_name, Constant) else str(ir.function_name)
            args = [self._tags(a, taint) for a in ir.arguments]
            out = frozenset().union(*args) if args else frozenset()
            if self._is_out_transfer(name, ir.arguments, taint, offset=1):
                emit("transfer", out, name)
                emit("call", out, name)
            callee = ir.function
            writes = isinstance(callee, Function) and not (callee.view or callee.pure)
            params = callee.parameters if isinstance(callee, Function) else []
            for position, arg in enumerate(ir.arguments):
                origin = self._origin(arg)
                slot = self.slots.get(arg)
                if isinstance(origin, StateVariable) or slot is not None:
                    name = origin.name if isinstance(origin, StateVariable) else slot.name
                    out = out | {"state", f"sv:{name}"}
                    by_ref = position < len(params) and params[position].location == "storage"
                    if writes and by_ref:
                        other = frozenset().union(*(self._tags(a, taint) for a in ir.arguments if a is not arg))
                        emit("write", other, name)
            if isinstance(callee, Function) and callee.is_implemented and callee.visibility in ("internal", "private"):
                # an internal library function is inlined code: walk it like an internal call
                out = out | self._inline(callee, ir, taint, tuples, out, in_catch, in_success)
            self._bind_accessor(callee, ir)
        elif isinstance(ir, InternalCall):
            callee = ir.function
            if isinstance(callee, Function):
                if callee.name in PAUSE_FUNCTIONS:
                    emit("pause", reads, callee.name)
                if callee.name in NOT_PAUSED_CHECKS:
                    emit("notpaused", reads, callee.name)
                out = self._inline(callee, ir, taint, tuples, reads, in_catch, in_success)
                self._bind_accessor(callee, ir)
        elif isinstance(ir, LowLevelCall):
            out = reads | {"call"}
            emit("call", out, str(ir.function_name))
            if ir.call_value is not None and not (isinstance(ir.call_value, Constant) and ir.call_value.value == 0):
                emit("transfer", out, "call{value}")
        elif isinstance(ir, (Transfer, Send)):
            emit("transfer", reads, type(ir).__name__.lower())
            emit("call", reads, type(ir).__name__.lower())
        elif isinstance(ir, SolidityCall):
            if ir.function.name.startswith("abi.decode") and ir.lvalue is not None and is_report_type(ir.lvalue.type):
                out = reads | {"report", REPORT_FEED}
                emit("read", out, "Data Streams report")
            elif ir.function.name.startswith("abi.decode") and isinstance(ir.lvalue, TupleVariable):
                fields = report_tuple(ir.lvalue)
                if fields is not None:
                    tuples[ir.lvalue] = {i: reads | {"call", REPORT_FEED, fields[i]} if i in fields
                                         else reads | {"call", REPORT_FEED} for i in range(len(ir.lvalue.type))}
                    emit("read", reads | {REPORT_FEED}, "Data Streams report")
        elif isinstance(ir, EventCall):
            return frozenset()
        # state writes
        if isinstance(ir, OperationWithLValue) and ir.lvalue is not None and not isinstance(ir, (Member, Index)):
            origin = self._origin(ir.lvalue)
            slot = self.slots.get(ir.lvalue) if isinstance(ir.lvalue, ReferenceVariable) else None
            if isinstance(origin, StateVariable) or slot is not None:
                index_tags = self._tags(ir.lvalue, taint)
                cleared = frozenset({"zero"}) if _writes_zero(ir) else frozenset()
                emit("write", index_tags | reads, origin.name if slot is None else slot.name, value=reads | cleared,
                     key=index_tags)
            elif isinstance(ir, Assignment):
                # a pointer copied (`$ = TMP`, `Position storage p = $.positions[id]`) points where its source does
                if ir.rvalue in self.roots:
                    self.roots[ir.lvalue] = self.roots[ir.rvalue]
                elif ir.rvalue in self.slots:
                    self.slots[ir.lvalue] = self.slots[ir.rvalue]
        if isinstance(ir, Delete):
            origin = self._origin(ir.variable)
            slot = self.slots.get(ir.variable)
            if isinstance(origin, StateVariable) or slot is not None:
                emit("write", self._tags(ir.variable, taint), origin.name if slot is None else slot.name,
                     value=frozenset({"zero"}), key=self._tags(ir.variable, taint))
        if isinstance(ir, OperationWithLValue) and ir.lvalue is not None:
            if isinstance(ir.lvalue, ReferenceVariable) and not isinstance(ir, (Member, Index)):
                pass  # writing through a reference keeps the reference's (index) tags
            else:
                taint[ir.lvalue] = out
        return out

    def _bind_accessor(self, callee, ir: Operation) -> None:
        """`$ = _getMainStorage()`: the call's result is a namespace root."""
        struct = storage.accessor_struct(callee)
        if struct is not None and getattr(ir, "lvalue", None) is not None:
            self.roots[ir.lvalue] = struct

    def _slot_reads(self, ir: Operation) -> None:
        """Record the slots an operation consumes (not the Member/Index steps that only locate one)."""
        if isinstance(ir, (Member, Index)) or not self.slots:
            return
        for v in ir.read:
            slot = self.slots.get(v)
            if slot is not None:
                self.slot_reads.add(slot.name)

    def _inline(self, callee: Function, ir: Operation, taint: dict, tuples: dict, reads: frozenset, in_catch: bool,
                in_success: bool) -> frozenset:
        """Walk an internal (or internal library) callee with the arguments' tags; the tags it returns."""
        offset = len(ir.arguments) - len(callee.parameters)  # `using L for T`: the bound value is argument 0
        for p, a in zip(callee.parameters, ir.arguments[max(offset, 0):]):  # storage pointers passed along
            if a in self.roots:
                self.roots[p] = self.roots[a]
            elif a in self.slots:
                self.slots[p] = self.slots[a]
        inner = {p: self._tags(a, taint) | {"param"} for p, a in zip(callee.parameters, ir.arguments[max(offset, 0):])}
        returned = self._walk(callee, inner, in_catch, in_success)
        extra = frozenset({"state"}) if callee.all_state_variables_read() else frozenset()
        if isinstance(ir.lvalue, TupleVariable):
            tuples[ir.lvalue] = {i: t | extra for i, t in returned.items()}
            return reads | extra
        return (frozenset().union(*returned.values()) if returned else reads) | extra

    def _is_out_transfer(self, name: str, args: list, taint: dict, offset: int) -> bool:
        if name in OUT_TRANSFERS:
            return True
        if name in FROM_TRANSFERS and len(args) >= offset + 2:
            return "self" not in self._tags(args[offset + 1], taint)
        return False


def _try_return_positions(node: Node) -> list[int] | None:
    """Positions of the named components in a try statement's `returns (...)` list."""
    mapping = node.source_mapping
    if mapping is None:
        return None
    try:  # offsets are in bytes; Slither's .content slices characters (wrong after any non-ASCII text)
        with open(mapping.filename.absolute, "rb") as handle:
            text = handle.read()[mapping.start:mapping.start + mapping.length].decode("utf-8", "replace")
    except OSError:
        return None
    start = text.find("returns")
    if start < 0:
        return None
    depth, buf, parts = 0, "", []
    for ch in text[text.find("(", start):]:
        if ch == "(":
            depth += 1
            if depth == 1:
                continue
        elif ch == ")":
            depth -= 1
            if depth == 0:
                parts.append(buf)
                break
        if ch == "," and depth == 1:
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    named = [i for i, part in enumerate(parts) if len(part.split()) >= 2]
    return named or None


def _writes_zero(ir: Operation) -> bool:
    """`x = 0`, `x = false` (and `delete x`, tagged where it is walked): a value cleared (the "zero" tag of a
    write's value), not recorded. `x = address(0)` is not seen: SlithIR assigns it from a conversion temporary."""
    rvalue = getattr(ir, "rvalue", None)
    return isinstance(rvalue, Constant) and rvalue.value in (0, False)


def _name(variable) -> str:
    return str(getattr(variable, "name", variable))


def walk(function: Function, initial: dict | None = None) -> Trace:
    return Walker().run(function, initial)


def declared_in(function: Function, src_files: Iterable[str]) -> bool:
    files = set(src_files)
    return function.source_mapping is not None and function.source_mapping.filename.used in files
