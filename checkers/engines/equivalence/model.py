"""The state behind an equivalence counterexample, read from the solver's model of halmos's query.

halmos prints only the scalar inputs of a counterexample; the replay also needs the storage the two versions
started from and the answers external calls got. Both are functions in the model (halmos's generic storage:
one array per key width; the responder: halmos_ext_havoc_<bits>), written by the solver as `ite` chains over
concrete points. This reads those points from the dumped `*.smt2.out` of a satisfiable query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils import keccak

from checkers.engines.equivalence.halmos_ext import RESPONSE_BYTES

HARNESS = "0x7fa9385be102ac3eac297483dd6233d62b3e1496"  # halmos deploys the test contract here
OFFSET_BITS = 257  # halmos GenericStorage.simple_hash: Concat(hashed words, 0^257) + offset


@dataclass
class State:
    storage: dict[int, int] = field(default_factory=dict)  # slot -> value
    answers: dict[bytes, bytes] = field(default_factory=dict)  # call data -> return data
    default_answer: bytes = b""


def _tokens(text: str) -> list:
    stack: list[list] = [[]]
    for token in re.findall(r"\(|\)|[^\s()]+", text):
        if token == "(":
            stack.append([])
        elif token == ")":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    return stack[0]


def _bv(node) -> tuple[int, int] | None:
    """(value, width) of `(_ bvV W)`."""
    if isinstance(node, list) and len(node) == 3 and node[0] == "_" and node[1].startswith("bv"):
        return int(node[1][2:]), int(node[2])
    return None


def _points(body) -> tuple[dict[int, int], int | None]:
    """An ite chain `(ite (= x!0 K) V rest)` -> {K: V}, else value."""
    points: dict[int, int] = {}
    while isinstance(body, list) and body and body[0] == "ite":
        condition, then, body = body[1], body[2], body[3]
        key = _bv(condition[2]) if isinstance(condition, list) and len(condition) == 3 else None
        value = _bv(then)
        if key and value:
            points[key[0]] = value[0]
    last = _bv(body)
    return points, (last[0] if last else None)


def _slot(index: int, width: int) -> int | None:
    """The storage slot of a generic-storage array index of `width` bits (see OFFSET_BITS)."""
    if width == 256:
        return index
    hashed_bits = width - OFFSET_BITS
    if hashed_bits < 256:
        return None
    offset, hashed = index & ((1 << OFFSET_BITS) - 1), index >> OFFSET_BITS
    if hashed_bits == 256:
        base = hashed
        return (int.from_bytes(keccak(base.to_bytes(32, "big")), "big") + offset) % (1 << 256)
    key = hashed >> (hashed_bits - 256)
    rest_bits = hashed_bits - 256
    rest = hashed & ((1 << rest_bits) - 1)
    inner = rest if rest_bits == 256 else _slot(rest, rest_bits)
    if inner is None:
        return None
    digest = keccak(key.to_bytes(32, "big") + inner.to_bytes(32, "big"))
    return (int.from_bytes(digest, "big") + offset) % (1 << 256)


def read(directory: Path) -> State | None:
    """The state of the first satisfiable query under `directory` (halmos --dump-smt-directory), or None."""
    for out in sorted(directory.rglob("*.smt2.out"), key=lambda p: int(re.sub(r"\D", "", p.name.split(".")[0]) or 0)):
        text = out.read_text()
        if not text.startswith("sat"):
            continue
        state = State()
        for definition in _tokens(text[3:]):
            for item in definition if isinstance(definition, list) else []:
                if not (isinstance(item, list) and len(item) == 5 and item[0] == "define-fun"):
                    continue
                name, body = item[1], item[4]
                initial = re.fullmatch(rf"storage_{HARNESS}_(\d+)_00", name)
                if initial:
                    width = int(initial.group(1))
                    points, _ = _points(body)
                    for index, value in points.items():
                        slot = _slot(index, width)
                        if slot is not None and value:
                            state.storage[slot] = value
                havoc = re.fullmatch(r"halmos_ext_havoc_(\d+)", name)
                if havoc:
                    bits = int(havoc.group(1))
                    points, default = _points(body)
                    for key, value in points.items():
                        state.answers[key.to_bytes(bits // 8, "big")] = value.to_bytes(RESPONSE_BYTES, "big")
                    if default:
                        state.default_answer = default.to_bytes(RESPONSE_BYTES, "big")
        return state
    return None
