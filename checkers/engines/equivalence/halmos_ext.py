"""halmos 0.3.3 with the three cheatcodes the equivalence harness needs, registered at the halmos cheat address.

  logDigest() -> bytes           the logs emitted so far in the calling frame (and its non-reverted subcalls),
                                 topics and data concatenated: "same events" compares these bytes.
  storageMark() -> uint256       a fresh word naming the caller's storage as it is now (kept here, by name).
  storageEqual(uint256,uint256)  1 when the storage named by the two marks is equal for every slot, else 0:
                                 an SMT array equality, so a difference in any mapping entry is a counterexample.
  havoc(bytes) -> bytes          256 bytes of return data that are a function of the call data only (an
                                 uninterpreted function per call-data length): external contracts answer
                                 arbitrarily, but the same question gets the same answer in both versions.

and one change to address resolution: a call to an address read from (symbolic) storage goes to the harness's
responder contract (registered with `responder(address)`), not to one of the implementations under comparison.
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
RESPONSE_BYTES = 256


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


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a subprocess entry point
    install()
    from halmos.__main__ import main as halmos_main

    sys.argv = ["halmos", *(argv if argv is not None else sys.argv[1:])]
    return halmos_main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
