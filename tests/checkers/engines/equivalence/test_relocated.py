"""The relocation argument (checkers/engines/equivalence/relocated.py): a selector whose code is the same
instruction for instruction, labels moved, is shown unchanged; any other difference on its paths is not."""
from __future__ import annotations

import copy

import pytest

from checkers import toolchain
from checkers.assembly import assemblies
from checkers.certificate import external_selectors
from checkers.engines.equivalence import relocated
from checkers.engines.equivalence.relocated import Assembly, same_code
from checkers.target import Target

A, B = "aabbccdd", "11223344"


def items(text: str) -> list[dict]:
    """'PUSH 80 | MSTORE | tag 1 | PUSH [tag] 2' -> solc legacy assembly items."""
    out = []
    for part in (p.strip() for p in text.split("|") if p.strip()):
        if part.startswith("PUSH [tag]"):
            out.append({"name": "PUSH [tag]", "value": part.split()[-1]})
        elif " " in part:
            name, value = part.rsplit(" ", 1)
            out.append({"name": name, "value": value})
        else:
            out.append({"name": part})
    return out


def assembly(runtime: str, creation: str = "PUSH 80 | PUSH 40 | MSTORE") -> Assembly:
    return Assembly.from_legacy({".code": items(creation), ".data": {"0": {".code": items(runtime)}}})


DISPATCH = (f"PUSH 80 | PUSH 40 | MSTORE | PUSH 4 | CALLDATASIZE | LT | PUSH [tag] {{fail}} | JUMPI | PUSH 0 | "
            f"CALLDATALOAD | PUSH E0 | SHR | DUP1 | PUSH {A.upper()} | EQ | PUSH [tag] {{a}} | JUMPI | DUP1 | "
            f"PUSH {B.upper()} | EQ | PUSH [tag] {{b}} | JUMPI | tag {{fail}} | JUMPDEST | PUSH 0 | DUP1 | REVERT | ")
# selector A: a check on the call value, then an internal call (a return label) that reads storage slot 7
FUNCTION_A = ("tag {a} | JUMPDEST | CALLVALUE | DUP1 | ISZERO | PUSH [tag] {ok} | JUMPI | PUSH 0 | DUP1 | REVERT | "
              "tag {ok} | JUMPDEST | POP | PUSH [tag] {ret} | PUSH [tag] {helper} | JUMP | tag {ret} | JUMPDEST | "
              "PUSH 0 | MSTORE | PUSH 20 | PUSH 0 | RETURN | ")
HELPER = "tag {helper} | JUMPDEST | PUSH {slot} | SLOAD | SWAP1 | JUMP | "
FUNCTION_B = "tag {b} | JUMPDEST | PUSH {value} | PUSH 1 | SSTORE | STOP | "

V1 = dict(fail=1, a=2, b=3, ok=4, ret=5, helper=6, slot=7, value=1)


def platform(**changes) -> Assembly:
    v = V1 | changes
    extra = v.pop("extra", "")
    return assembly((DISPATCH + FUNCTION_A + extra + HELPER + FUNCTION_B).format(**v))


def test_code_moved_and_relabelled_is_the_same_code() -> None:
    moved = platform(fail=11, a=12, b=13, ok=14, ret=15, helper=16,
                     extra="tag 99 | JUMPDEST | PUSH 5 | PUSH 6 | SSTORE | STOP | ")  # a block inserted before the helper
    for selector in (A, B):
        outcome = same_code(platform(), moved, selector)
        assert outcome.same, outcome.reason
    assert "identical, labels moved" in same_code(platform(), moved, A).reason


def test_a_change_in_another_function_leaves_this_one_the_same() -> None:
    changed = platform(value=2)
    assert same_code(platform(), changed, A).same
    outcome = same_code(platform(), changed, B)
    assert not outcome.same and outcome.reason == "PUSH 1 / PUSH 2"


def test_a_change_behind_an_internal_call_is_found() -> None:
    outcome = same_code(platform(), platform(slot=8), A)  # the helper reads another slot
    assert not outcome.same and outcome.reason == "PUSH 7 / PUSH 8"


def test_a_selector_the_dispatcher_reaches_another_way_is_not_shown() -> None:
    # the jump into A pushes a number instead of a label
    text = (DISPATCH + FUNCTION_A + HELPER + FUNCTION_B).format(**V1).replace("PUSH [tag] 2 | JUMPI", "PUSH 2 | JUMPI", 1)
    computed = assembly(text)
    outcome = same_code(platform(), computed, A)
    assert not outcome.same and "dispatcher" in outcome.reason


def test_immutables_count_only_with_the_same_constructor() -> None:
    body = (DISPATCH + "tag {a} | JUMPDEST | PUSHIMMUTABLE 42 | PUSH 0 | SSTORE | STOP | tag {b} | JUMPDEST | STOP")
    old = assembly(body.format(**V1), "PUSH 80 | PUSH 40 | MSTORE | ADDRESS | ASSIGNIMMUTABLE 42")
    same_ctor = assembly(body.format(**(V1 | {"a": 20})), "PUSH 80 | PUSH 40 | MSTORE | ADDRESS | ASSIGNIMMUTABLE 42")
    other_ctor = assembly(body.format(**V1), "PUSH 80 | PUSH 40 | MSTORE | CALLER | ASSIGNIMMUTABLE 42")
    assert same_code(old, same_ctor, A).same
    outcome = same_code(old, other_ctor, A)
    assert not outcome.same and "constructors differ" in outcome.reason


def test_a_string_constant_counts_by_its_bytes() -> None:
    body = DISPATCH + "tag {a} | JUMPDEST | PUSH 40 | PUSH data D1 | PUSH 0 | CODECOPY | STOP | tag {b} | JUMPDEST | STOP"
    def built(data: str, a: int = 2) -> Assembly:
        return Assembly.from_legacy({".code": [], ".data": {"0": {".code": items(body.format(**(V1 | {"a": a}))),
                                                                   ".data": {"D1": data}}}})
    assert same_code(built("6162"), built("6162", a=30), A).same
    outcome = same_code(built("6162"), built("6163"), A)
    assert not outcome.same and "other bytes" in outcome.reason


def test_a_receive_branch_is_not_taken_by_a_call_with_a_selector() -> None:
    receive = "CALLDATASIZE | ISZERO | PUSH [tag] 77 | JUMPI | "
    text = (DISPATCH + FUNCTION_A + HELPER + FUNCTION_B).format(**V1)
    text = text.replace("PUSH 0 | CALLDATALOAD", receive + "PUSH 0 | CALLDATALOAD", 1) + " | tag 77 | JUMPDEST | BALANCE | STOP"
    with_receive = assembly(text)
    assert same_code(with_receive, with_receive, A).same


def test_a_dispatcher_that_is_not_solcs_is_not_shown() -> None:
    outcome = same_code(assembly("POP | STOP"), assembly("POP | STOP"), A)
    assert not outcome.same and outcome.reason == "dispatcher: not solc's"


def test_without_assembly_nothing_is_shown() -> None:
    empty = Assembly.from_legacy({})
    assert not same_code(empty, platform(), A).same


# ---- on the platform's real code ---------------------------------------------------------------------------

def _relabelled(legacy: dict, shift: int) -> dict:
    """The same code with every runtime label renumbered (what a change elsewhere does to it)."""
    moved = copy.deepcopy(legacy)
    for item in moved[".data"]["0"][".code"]:
        if item["name"] in ("tag", "PUSH [tag]"):
            item["value"] = str(int(item["value"]) + shift)
    return moved


@pytest.fixture(scope="module")
def oracle() -> tuple[dict, list]:
    target = Target(toolchain.PLATFORM_PROJECT)
    code = assemblies(target, {"DataStreamOracle"})["DataStreamOracle"]
    art = target.artifact("DataStreamOracle")
    legacy = art.legacy_assembly or {".code": list(code.creation),
                                     ".data": {"0": {".code": list(code.runtime), ".data": code.runtime_data}}}
    return legacy, external_selectors(art)


def test_every_oracle_selector_is_its_own_code_relabelled(oracle) -> None:
    legacy, selectors = oracle
    old, new = Assembly.from_legacy(legacy), Assembly.from_legacy(_relabelled(legacy, 10_000))
    results = {s.signature: same_code(old, new, s.selector[2:]) for s in selectors}
    assert all(r.same for r in results.values()), {k: r.reason for k, r in results.items() if not r.same}
    assert results["updatePriceFromReport(bytes32,bytes)"].blocks > 100  # the long path the solver cannot finish


def test_one_changed_constant_on_the_report_path_is_found(oracle) -> None:
    legacy, selectors = oracle
    report = next(s for s in selectors if s.signature == "updatePriceFromReport(bytes32,bytes)")
    old = Assembly.from_legacy(legacy)
    # change, one at a time, the last pushed constant of every block this selector reaches: each is found
    reached = _blocks_reached(old, report.selector[2:])
    tampered_found = 0
    for start in sorted(reached)[:: max(1, len(reached) // 12)]:
        position = _last_push(old.runtime, start)
        if position is None:
            continue
        tampered = _relabelled(legacy, 0)
        item = tampered[".data"]["0"][".code"][position]
        item["value"] = format(int(item["value"], 16) ^ 1, "X")
        outcome = same_code(old, Assembly.from_legacy(tampered), report.selector[2:])
        assert not outcome.same, f"a changed PUSH at {position} went unnoticed"
        tampered_found += 1
    assert tampered_found >= 8


def _blocks_reached(asm: Assembly, selector: str) -> set[int]:
    assert same_code(asm, asm, selector).same
    walk = relocated._Lockstep(asm, asm)
    ends = relocated._dispatch(asm.runtime, asm.runtime_tags, int(selector, 16))
    for end in ends.values():
        walk.same_end(end, end)
    walk.run()
    return {i for i, _ in walk.seen}


def _last_push(runtime: tuple, start: int) -> int | None:
    """The last plain PUSH of the block starting at `start` (before its next label)."""
    found = None
    for position in range(start + 1, len(runtime)):
        name = runtime[position].get("name")
        if name == "tag":
            break
        if name == "PUSH":
            found = position
    return found
