"""Same code, moved: does a selector run exactly the same instructions in two builds, jump labels aside?

Adding or changing one function of a contract moves every other function's code (solc renumbers its jump labels
and the dispatcher grows), so the runtime bytecode differs for every selector even when most of them run the same
instructions as before. Comparing those with the solver costs minutes per contract and, for a long path, does not
finish (the oracle's `updatePriceFromReport`). This module proves the common case without a solver, on solc's
legacy assembly, where a jump label is `PUSH [tag] n` and never a number:

1. The dispatcher, from the first instruction, is run by a small abstract interpreter knowing only the selector
   (call value and call data size are symbolic, a branch on them is followed both ways) until it takes the jump
   of `selector == s`. Every branch must end the same way in both builds: the same revert, or the selector's
   entry with the same stack and memory (labels paired).
2. From each pair of entries, the reachable code is walked in lockstep: every instruction must be equal
   (opcode and operand), except that a pushed label in one build may be a different label in the other, and
   then the two labelled blocks are compared the same way. The walk ends when every reached pair is compared.

If both hold, the selector's execution is the same sequence of operations on the same state in both builds:
same success, return data, storage writes, logs and external calls, for every state and call. That is an
unbounded statement, so a selector passing it needs no bounded comparison. Anything this module does not
model (immutables set by a differing constructor, code or data references, a value the dispatcher computes in a
way it does not know) makes it answer "not shown", and the selector goes to the solver as before: it never
guesses. Sound under one assumption, checked by the caller: no internal function pointer is kept in storage
(a stored label would be a number from the other build).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Item = dict[str, Any]

TERMINATORS = frozenset({"JUMP", "STOP", "RETURN", "REVERT", "INVALID", "SELFDESTRUCT"})
# references to code or data this comparison does not relate between builds: a selector reaching one is not shown
# (`PUSH data` is allowed when both builds hold the same bytes under it, wherever each placed them: solc pushes it
# only as the source of a CODECOPY, the way it copies a long string constant)
UNMODELLED = frozenset({"PUSH #[$]", "PUSH [$]", "PUSHSIZE", "PUSHLIB", "PUSHDEPLOYADDRESS", "ASSIGNIMMUTABLE",
                        "VERBATIM", "CODESIZE", "PUSH [ErrorTag]"})
# what the creation code may do around the constructor: return the runtime (sub-assembly 0), set immutables
CONSTRUCTOR_ONLY = frozenset({"PUSH #[$]", "PUSH [$]", "PUSHSIZE", "CODESIZE", "ASSIGNIMMUTABLE"})
MAX_DISPATCH_STEPS = 2_000
U256 = (1 << 256) - 1


@dataclass(frozen=True)
class Assembly:
    """One build's runtime (and creation) code as solc's legacy assembly items, with each label's position."""

    runtime: tuple[Item, ...]
    creation: tuple[Item, ...]
    runtime_tags: dict[str, int] = field(hash=False, compare=False)
    creation_tags: dict[str, int] = field(hash=False, compare=False)
    runtime_data: dict[str, Any] = field(hash=False, compare=False)  # `PUSH data` key -> the bytes (hex)

    @classmethod
    def from_legacy(cls, legacy: dict[str, Any]) -> "Assembly":
        creation = tuple(legacy.get(".code", ()))
        sub = legacy.get(".data", {}).get("0", {})
        runtime = tuple(sub.get(".code", ()))
        return cls(runtime, creation, _tags(runtime), _tags(creation), dict(sub.get(".data", {})))


def _tags(items: tuple[Item, ...]) -> dict[str, int]:
    return {str(item.get("value")): i for i, item in enumerate(items) if item.get("name") == "tag"}


@dataclass(frozen=True)
class Outcome:
    same: bool
    reason: str  # why not, or what was compared
    blocks: int = 0  # pairs of labelled blocks compared


def same_code(old: Assembly, new: Assembly, selector: str) -> Outcome:
    """Whether the 4-byte `selector` (hex, no 0x) runs the same code in both builds, labels aside."""
    if not old.runtime or not new.runtime:
        return Outcome(False, "no legacy assembly in the build")
    value = int(selector, 16)
    try:
        ends_old, ends_new = _dispatch(old.runtime, old.runtime_tags, value), _dispatch(new.runtime, new.runtime_tags, value)
    except _NotModelled as why:
        return Outcome(False, f"dispatcher: {why}")
    except IndexError:  # more taken from the stack than the dispatcher put there
        return Outcome(False, "dispatcher: not solc's")
    if set(ends_old) != set(ends_new):
        return Outcome(False, "the dispatcher branches differently")
    walk = _Lockstep(old, new)
    try:
        for branch, end_old in ends_old.items():
            end_new = ends_new[branch]
            if not walk.same_end(end_old, end_new):
                return Outcome(False, f"the dispatcher ends differently ({end_old[0]} / {end_new[0]})")
        walk.run()
    except _Differs as why:
        return Outcome(False, str(why))
    if walk.immutables and not _same_constructor(old, new):
        return Outcome(False, "reads immutables, and the constructors differ")
    return Outcome(True, f"{walk.compared} instructions in {len(walk.seen)} blocks identical, labels moved",
                   len(walk.seen))


# ---- 1. the dispatcher ---------------------------------------------------------------------------------------

class _NotModelled(Exception):
    pass


@dataclass(frozen=True)
class _Label:
    tag: str


@dataclass(frozen=True)
class _Sym:
    term: tuple


def _dispatch(items: tuple[Item, ...], tags: dict[str, int], selector: int) -> dict[tuple, tuple]:
    """Every way the dispatcher can end for a call with `selector`: {branch decisions: end}. An end is
    ("revert", data) / ("stop",) / ("enter", position, stack, memory)."""
    ends: dict[tuple, tuple] = {}
    pending: list[tuple[int, tuple, tuple, tuple]] = [(0, (), (), ())]  # (pc, stack, memory writes in order, branch)
    steps = 0
    while pending:
        pc, stack_in, memory, branch = pending.pop()
        stack = list(stack_in)
        while True:
            steps += 1
            if steps > MAX_DISPATCH_STEPS or pc >= len(items):
                raise _NotModelled("does not reach the selector")
            item = items[pc]
            name, arg = item.get("name", ""), item.get("value")
            if name in ("tag", "JUMPDEST"):
                pc += 1
            elif name == "PUSH":
                stack.append(int(arg, 16))
                pc += 1
            elif name == "PUSH [tag]":
                stack.append(_Label(str(arg)))
                pc += 1
            elif name.startswith("DUP"):
                stack.append(stack[-int(name[3:])])
                pc += 1
            elif name.startswith("SWAP"):
                n = int(name[4:])
                stack[-1], stack[-1 - n] = stack[-1 - n], stack[-1]
                pc += 1
            elif name == "POP":
                stack.pop()
                pc += 1
            elif name in _PURE:
                arity = _PURE[name][0]
                operands = [stack.pop() for _ in range(arity)]
                stack.append(_evaluate(name, operands, selector))
                pc += 1
            elif name in ("CALLVALUE", "CALLDATASIZE"):
                stack.append(_Sym((name,)))
                pc += 1
            elif name == "CALLDATALOAD":
                offset = stack.pop()
                if offset != 0:
                    raise _NotModelled("reads call data beyond the selector word")
                stack.append(_Sym(("CALLDATALOAD0",)))
                pc += 1
            elif name == "MSTORE":
                offset, value = stack.pop(), stack.pop()
                if not isinstance(offset, int):
                    raise _NotModelled("stores to a computed memory address")
                memory += ((offset, value),)
                pc += 1
            elif name == "JUMP":
                pc = _target(stack.pop(), tags)
            elif name == "JUMPI":
                target, condition = stack.pop(), stack.pop()
                if isinstance(condition, _Sym):
                    pending.append((_target(target, tags), tuple(stack), memory, branch + ((condition, True),)))
                    branch += ((condition, False),)
                    pc += 1
                elif condition != 0 and _matches(items, pc, selector):
                    ends[branch] = ("enter", _target(target, tags), tuple(stack), memory)
                    break
                else:
                    pc = _target(target, tags) if condition != 0 else pc + 1
            elif name == "REVERT":
                offset, size = stack.pop(), stack.pop()
                ends[branch] = ("revert", offset, size, memory)
                break
            elif name == "STOP":
                ends[branch] = ("stop",)
                break
            else:
                raise _NotModelled(f"meets {name} before the selector's entry")
    return ends


def _matches(items: tuple[Item, ...], pc: int, selector: int) -> bool:
    """`PUSH selector EQ PUSH [tag] JUMPI`: the jump solc's dispatcher takes into a function."""
    window = [items[i].get("name") for i in range(max(0, pc - 3), pc)]
    return window == ["PUSH", "EQ", "PUSH [tag]"] and int(items[pc - 3].get("value", "0"), 16) == selector


def _target(value: Any, tags: dict[str, int]) -> int:
    if not isinstance(value, _Label) or value.tag not in tags:
        raise _NotModelled("jumps to a computed address")
    return tags[value.tag]


# name: (arity, concrete function); operands in stack order (top first)
_PURE = {
    "EQ": (2, lambda a, b: int(a == b)),
    "LT": (2, lambda a, b: int(a < b)),
    "GT": (2, lambda a, b: int(a > b)),
    "ISZERO": (1, lambda a: int(a == 0)),
    "SHR": (2, lambda shift, value: value >> shift if shift < 256 else 0),
    "SHL": (2, lambda shift, value: (value << shift) & U256 if shift < 256 else 0),
    "AND": (2, lambda a, b: a & b),
    "DIV": (2, lambda a, b: a // b if b else 0),
    "SUB": (2, lambda a, b: (a - b) & U256),
    "ADD": (2, lambda a, b: (a + b) & U256),
}


def _evaluate(name: str, operands: list[Any], selector: int) -> Any:
    if all(isinstance(o, int) for o in operands):
        return _PURE[name][1](*operands)
    if any(isinstance(o, _Label) for o in operands):
        raise _NotModelled(f"computes with a label ({name})")
    word = _Sym(("CALLDATALOAD0",))
    if name == "SHR" and operands == [224, word]:
        return selector  # the call's first four bytes
    if name == "DIV" and operands == [word, 1 << 224]:
        return selector
    size = _Sym(("CALLDATASIZE",))
    if name == "LT" and operands[0] == size and isinstance(operands[1], int) and operands[1] <= 4:
        return 0  # a call carrying a selector has at least four bytes
    if name == "ISZERO" and operands[0] == size:
        return 0  # (so the receive() branch of a contract that has one is not taken)
    return _Sym((name, *operands))


# ---- 2. the code the selector reaches -------------------------------------------------------------------------

class _Differs(Exception):
    pass


class _Lockstep:
    """Pairs of positions (old, new) to compare, each from a block start to its end."""

    def __init__(self, old: Assembly, new: Assembly) -> None:
        self.old, self.new = old, new
        self.todo: list[tuple[int, int]] = []
        self.seen: set[tuple[int, int]] = set()
        self.compared = 0
        self.immutables = False

    def same_end(self, a: tuple, b: tuple) -> bool:
        if a[0] != b[0]:
            return False
        if a[0] != "enter":
            return a == b
        _, pc_old, stack_old, memory_old = a
        _, pc_new, stack_new, memory_new = b
        if len(stack_old) != len(stack_new) or [k for k, _ in memory_old] != [k for k, _ in memory_new]:
            return False  # the same writes in the same order, to the same addresses
        values = list(zip(stack_old, stack_new)) + [(x, y) for (_, x), (_, y) in zip(memory_old, memory_new)]
        for x, y in values:
            if isinstance(x, _Label) and isinstance(y, _Label):
                self._pair(x.tag, y.tag)
            elif x != y:
                return False
        self._enqueue(pc_old, pc_new)
        return True

    def _pair(self, tag_old: str, tag_new: str) -> None:
        if tag_old not in self.old.runtime_tags or tag_new not in self.new.runtime_tags:
            raise _Differs("a label outside the runtime code")
        self._enqueue(self.old.runtime_tags[tag_old], self.new.runtime_tags[tag_new])

    def _enqueue(self, i: int, j: int) -> None:
        if (i, j) not in self.seen:
            self.seen.add((i, j))
            self.todo.append((i, j))

    def run(self) -> None:
        while self.todo:
            self._block(*self.todo.pop())

    def _block(self, i: int, j: int) -> None:
        old, new = self.old.runtime, self.new.runtime
        first = True
        while True:
            if i >= len(old) or j >= len(new):
                if i >= len(old) and j >= len(new):
                    return  # both fall off the end: STOP
                raise _Differs("one build's code ends where the other's goes on")
            a, b = old[i], new[j]
            name = a.get("name")
            if name != b.get("name"):
                raise _Differs(f"{_show(a)} / {_show(b)}")
            if name == "tag":
                if not first and (i, j) in self.seen:
                    return  # falls into a block already compared as this pair
                self.seen.add((i, j))
            elif name == "PUSH [tag]":
                self._pair(str(a.get("value")), str(b.get("value")))
            elif name in UNMODELLED:
                raise _Differs(f"reaches {name}")
            elif name == "PUSH data" and (a.get("value") not in self.old.runtime_data
                                          or self.old.runtime_data[a.get("value")]
                                          != self.new.runtime_data.get(b.get("value"))):
                raise _Differs(f"{_show(a)}: other bytes")
            elif a.get("value") != b.get("value"):
                raise _Differs(f"{_show(a)} / {_show(b)}")
            if name == "PUSHIMMUTABLE":
                self.immutables = True
            self.compared += 1
            first = False
            if name in TERMINATORS:
                return
            i, j = i + 1, j + 1


def _show(item: Item) -> str:
    return f"{item.get('name')} {item.get('value', '')}".strip()


def _same_constructor(old: Assembly, new: Assembly) -> bool:
    """The creation code, which sets the immutables, is the same instruction for instruction (labels aside)."""
    a, b = old.creation, new.creation
    if len(a) != len(b):
        return False
    pairs: dict[str, str] = {}
    for x, y in zip(a, b):
        name = x.get("name")
        if name != y.get("name"):
            return False
        if name in ("tag", "PUSH [tag]"):
            if pairs.setdefault(str(x.get("value")), str(y.get("value"))) != str(y.get("value")):
                return False
        elif name in UNMODELLED - CONSTRUCTOR_ONLY or x.get("value") != y.get("value"):
            return False
    return True
