"""halmos 0.3.3 with the three cheatcodes the equivalence harness needs, registered at the halmos cheat address.

  logDigest() -> bytes           the logs emitted so far in the calling frame (and its non-reverted subcalls),
                                 topics and data concatenated: "same events" compares these bytes.
  storageMark() -> uint256       a fresh word naming the caller's storage as it is now (kept here, by name).
  storageEqual(uint256,uint256)  1 when the storage named by the two marks is equal for every slot, else 0:
                                 an SMT array equality, so a difference in any mapping entry is a counterexample.
  havoc(bytes) -> bytes          RESPONSE_BYTES of return data that are a function of the call data only (an
                                 uninterpreted function per call-data length): external contracts answer
                                 arbitrarily, but the same question gets the same answer in both versions.

and three changes to execution:
- address resolution: a call to an address read from (symbolic) storage goes to the harness's responder contract
  (registered with `responder(address)`), not to one of the implementations under comparison;
- symbolic memory offsets and sizes (a string or array whose length is read from storage or from an external
  answer): halmos 0.3.3 stops such a path ("symbolic memory offset"). Before each instruction that needs a concrete
  offset or size, the path is split over up to ENUMERATED values the operand can take below halmos's memory limit
  (each split adds `operand == value` to the path, which halmos then substitutes). Values beyond those are not
  explored: each path cut that way is counted, per check function, in the file named by $HALMOS_EXT_CUT_PATHS,
  and the engine states the count as a bound;
- a storage key derived from the hash of empty data (a mapping keyed by keccak256 of an empty string) is kept as
  the hash term (halmos 0.3.3 fails on it with "Invalid argument index").
Run as `python -m checkers.engines.equivalence.halmos_ext <halmos arguments>`.
"""
from __future__ import annotations

import itertools
import sys

from eth_utils import function_signature_to_4byte_selector


def _selector(signature: str) -> int:
    return int.from_bytes(function_signature_to_4byte_selector(signature), "big")


LOG_DIGEST = _selector("logDigest()")
STORAGE_MARK = _selector("storageMark()")
STORAGE_EQUAL = _selector("storageEqual(uint256,uint256)")
HAVOC = _selector("havoc(bytes)")
RESPONDER = _selector("responder(address)")
RESPONSE_BYTES = 1024  # 32 words: a struct answer (a 13-field Position) fits; a longer one reverts in both versions
ENUMERATED = 4  # values per symbolic memory offset or size
ENUMERATION_TIMEOUT_MS = 10_000
CUT_PATHS_ENV = "HALMOS_EXT_CUT_PATHS"
# opcode -> stack positions (0 = top) that halmos needs concrete: memory offsets and sizes
MEMORY_OPERANDS = {
    0x51: (0,), 0x52: (0,), 0x53: (0,),  # MLOAD MSTORE MSTORE8
    0x20: (0, 1),  # SHA3
    0x35: (0,), 0x37: (0, 2), 0x39: (0, 2), 0x3C: (1, 3), 0x3E: (0, 1, 2),  # CALLDATALOAD/COPY CODECOPY EXT.. RETURNDATACOPY
    0x5E: (0, 1, 2),  # MCOPY
    0xA0: (0, 1), 0xA1: (0, 1), 0xA2: (0, 1), 0xA3: (0, 1), 0xA4: (0, 1),  # LOG0-4
    0xF0: (1, 2), 0xF5: (1, 2),  # CREATE CREATE2
    0xF1: (3, 4, 5, 6), 0xF2: (3, 4, 5, 6), 0xF4: (2, 3, 4, 5), 0xFA: (2, 3, 4, 5),  # CALL CALLCODE DELEGATE/STATICCALL
    0xF3: (0, 1), 0xFD: (0, 1),  # RETURN REVERT
}
RUN_ANCHOR = "insn: Instruction = ex.insn\n"


def install() -> None:  # pragma: no cover - exercised through the halmos subprocess in the engine's tests
    from z3 import And, BitVec, BitVecSort, BitVecVal, Extract, Function, If, is_bv_value, simplify

    from halmos import cheatcodes
    from halmos.sevm import SEVM, GenericStorage as generic
    from halmos.bytevec import ByteVec
    from halmos.sevm import CallContext, EventLog

    def z3(x, bits: int = 256):
        if isinstance(x, int):
            return BitVecVal(x, bits)
        if isinstance(x, (bytes, bytearray)):
            return BitVecVal(int.from_bytes(x, "big"), len(x) * 8)
        return x.as_z3() if hasattr(x, "as_z3") else x

    marks: dict[str, dict] = {}
    counter = itertools.count()
    responders: list = []

    def abi_bytes(body: ByteVec) -> ByteVec:
        out = ByteVec()
        out.append(BitVecVal(32, 256))
        out.append(BitVecVal(len(body), 256))
        if len(body):
            out.append(body)
            if len(body) % 32:
                out.append(b"\x00" * (32 - len(body) % 32))
        return out

    def logs_of(ctx):
        for item in ctx.trace:
            if isinstance(item, EventLog):
                yield item
            elif isinstance(item, CallContext) and item.output.error is None:
                yield from logs_of(item)

    def log_digest(ex, arg, sevm=None, stack=None):
        body = ByteVec()
        for log in logs_of(ex.context):
            body.append(BitVecVal(len(log.topics), 256))
            for topic in log.topics:
                body.append(topic)
            data = log.data if log.data is not None else ByteVec()
            data = data if isinstance(data, ByteVec) else ByteVec(data)
            body.append(BitVecVal(len(data), 256))
            if len(data):
                body.append(data)
        return abi_bytes(body)

    def storage_mark(ex, arg, sevm=None, stack=None):
        if sevm.options.storage_layout != "generic":
            raise cheatcodes.HalmosException("storageMark needs --storage-layout generic")
        name = f"halmos_ext_mark_{next(counter)}"
        marks[name] = dict(ex.storage[ex.this()]._mapping)
        return ByteVec(BitVec(name, 256))

    def storage_equal(ex, arg, sevm=None, stack=None):
        a, b = str(z3(arg.get_word(4))), str(z3(arg.get_word(36)))
        if a not in marks or b not in marks:
            raise cheatcodes.HalmosException(f"storageEqual: unknown marks {a}, {b}")
        left, right = marks[a], marks[b]
        addr = ex.this()
        conditions = []
        for size in sorted(set(left) | set(right)):
            initial = generic.empty(addr, BitVec("k", size))
            conditions.append(left.get(size, initial) == right.get(size, initial))
        return ByteVec(If(And(conditions) if conditions else True, BitVecVal(1, 256), BitVecVal(0, 256)))

    def havoc(ex, arg, sevm=None, stack=None):
        offset = z3(arg.get_word(4))
        length = z3(arg.get_word(4 + 32))
        if not (is_bv_value(offset) and is_bv_value(length)):
            raise cheatcodes.HalmosException("havoc: symbolic call-data length")
        start, size = 4 + offset.as_long() + 32, length.as_long()
        data = z3(arg.slice(start, start + size).unwrap()) if size else BitVecVal(0, 8)
        bits = max(size, 1) * 8
        answer = Function(f"halmos_ext_havoc_{bits}", BitVecSort(bits), BitVecSort(RESPONSE_BYTES * 8))
        return abi_bytes(ByteVec(answer(data)))

    def responder(ex, arg, sevm=None, stack=None):
        responders.append(simplify(Extract(159, 0, z3(arg.get_word(4)))))
        return ByteVec()

    handlers = cheatcodes.halmos_cheat_code.handlers
    handlers.update({LOG_DIGEST: log_digest, STORAGE_MARK: storage_mark, STORAGE_EQUAL: storage_equal,
                     HAVOC: havoc, RESPONDER: responder})

    original = SEVM.resolve_address_alias

    def resolve(self, ex, target, stack, allow_branching=True):
        z3_target = z3(target)
        if responders and not is_bv_value(z3_target) and z3_target not in ex.code and z3_target not in ex.alias:
            answer = responders[-1]
            ex.path.append(z3_target == answer)
            ex.alias[z3_target] = answer
            return answer
        return original(self, ex, target, stack, allow_branching)

    SEVM.resolve_address_alias = resolve
    _install_empty_hash_keys()
    _install_enumeration()


def _install_empty_hash_keys() -> None:  # pragma: no cover - runs inside the halmos subprocess
    """A storage key derived from keccak256 of empty data (a mapping keyed by the hash of an empty string):
    halmos 0.3.3's generic storage reads the hash term's argument, which the nullary f_sha3_0 does not have."""
    from halmos.sevm import GenericStorage, normalize
    from halmos.utils import is_f_sha3_name

    decode = GenericStorage.decode.__func__

    def decode_with_empty(cls, ex, loc):
        term = normalize(loc)
        if hasattr(term, "decl") and is_f_sha3_name(term.decl().name()) and term.num_args() == 0:
            return term
        return decode(cls, ex, loc)

    GenericStorage.decode = classmethod(decode_with_empty)


def _install_enumeration() -> None:  # pragma: no cover - runs inside the halmos subprocess
    """Splits paths over the values of a symbolic memory offset or size (see the module docstring). The hook is
    put into SEVM.run's source at the point each instruction is read: halmos 0.3.3 (pinned) has no step hook."""
    import inspect
    import os
    import textwrap

    from z3 import BitVecVal, SolverFor, ULT, is_bv_value, sat

    from halmos import sevm as module
    from halmos.constants import MAX_MEMORY_SIZE
    from halmos.utils import int_of

    cut_file = os.environ.get(CUT_PATHS_ENV)

    def concrete(ex, term) -> bool:
        try:
            int_of(term, None, ex.path.concretization.substitution)
            return True
        except Exception:  # noqa: BLE001 - halmos raises NotConcreteError (and z3 errors on odd terms)
            return False

    def values(path, term) -> tuple[list[int], bool]:
        """Up to ENUMERATED values of `term` below the memory limit on this path, and whether another one exists
        (a solver of its own: halmos's path solver answers branching queries within a millisecond or gives up)."""
        solver = SolverFor("QF_AUFBV")
        solver.set(timeout=ENUMERATION_TIMEOUT_MS)
        solver.add(*path.conditions.keys())
        solver.add(ULT(term, BitVecVal(MAX_MEMORY_SIZE, term.size())))
        found: list[int] = []
        while solver.check() == sat:
            if len(found) == ENUMERATED:
                return found, True
            value = solver.model().eval(term, model_completion=True).as_long()
            found.append(value)
            solver.add(term != BitVecVal(value, term.size()))
        return found, False

    def pre_step(sevm, ex, worklist) -> None:
        positions = MEMORY_OPERANDS.get(ex.insn.opcode)
        if not positions:
            return
        stack = ex.st.stack
        for position in positions:
            if position >= len(stack):
                return
            item = stack[-1 - position]
            if getattr(item, "is_concrete", False):
                continue
            term = item.as_z3() if hasattr(item, "as_z3") else item
            if is_bv_value(term) or concrete(ex, term):
                continue
            found, more = values(ex.path, term)
            if not found:
                return  # only values past the memory limit: halmos reports the path as it would
            for value in found[1:]:
                branch = sevm.create_branch(ex, term == BitVecVal(value, term.size()), ex.pc)
                branch.path.concretization.substitution[term] = BitVecVal(value, term.size())
                worklist.push(branch)
            # halmos simplifies a condition before it records a substitution, which can change the term's shape:
            # the operand's own term is recorded as well
            ex.path.append(term == BitVecVal(found[0], term.size()))
            ex.path.concretization.substitution[term] = BitVecVal(found[0], term.size())
            if more and cut_file:
                with open(cut_file, "a") as out:
                    out.write(sevm.fun_info.name + "\n")

    source = textwrap.dedent(inspect.getsource(module.SEVM.run))
    if RUN_ANCHOR not in source:
        raise RuntimeError("halmos_ext: SEVM.run has changed (this extension is written for halmos 0.3.3)")
    indent = source.split(RUN_ANCHOR)[0].rsplit("\n", 1)[1]
    source = source.replace(RUN_ANCHOR, f"{RUN_ANCHOR}{indent}_halmos_ext_pre_step(self, ex, stack)\n", 1)
    module._halmos_ext_pre_step = pre_step
    defined: dict = {}
    exec(compile(source, module.__file__, "exec"), vars(module), defined)  # noqa: S102 - halmos's source + one line
    module.SEVM.run = defined["run"]


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a subprocess entry point
    install()
    from halmos.__main__ import main as halmos_main

    sys.argv = ["halmos", *(argv if argv is not None else sys.argv[1:])]
    return halmos_main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
