"""Fast paths for Manticore 0.3.7's EVM memory, installed by the worker before any run.

Manticore keeps EVM memory as an SMT array even when every byte is concrete. On the platform's memory-heavy
code (ABI-encoded CCIP messages, SafeERC20) a single *concrete* harness call did not finish in 97 s; profiles
showed 95% of the time in `EVM._load` -> `simplify`, for two reasons: `Array.read_BE` indexes with an
unsimplified `address + offset`, so even bytes held in the concrete cache miss it and every MLOAD becomes an
if-then-else over every written index, whose simplification copies the whole store chain; and every call frame
re-disassembles its bytecode and copies calldata byte by byte through `simplify`.

The patches only short-circuit cases whose result is already determined, so Manticore's semantics (and every
symbolic path) are unchanged:
- MLOAD / read_buffer at a concrete offset assemble the bytes from the concrete cache (each byte a constant or
  the symbolic expression stored there); a byte never written reads as 0 only when the memory never saw a write
  at a symbolic index; anything else falls back to Manticore's code;
- a fully concrete buffer handed to a callee, a log, a hash or a return becomes `bytes`;
- stores of concrete values at concrete offsets write byte constants; array stores at a concrete index skip
  re-simplifying the index; CALLDATACOPY at concrete offsets copies byte by byte without reading the memory it
  overwrites;
- each distinct bytecode is disassembled once per process (JUMPDESTs and decoded instructions), not per frame.
Measured on SEQ-03's two-delivery harness call (M13): concrete call >97 s (unfinished) -> 2.4 s; symbolic
choice of both messages 28 s (bench/bench_symbolic.py has the current figures).
"""
from __future__ import annotations

from typing import Any


def install() -> None:
    """Patch Manticore's classes in this process (the worker's); a second call does nothing."""
    from manticore.core.smtlib.expression import ArrayProxy, BitVecConcat, BitVecConstant, Constant, Expression
    from manticore.core.smtlib.visitors import simplify
    from manticore.platforms import evm as platform_evm

    if getattr(platform_evm.EVM, "_verify_fast_paths", False):
        return
    platform_evm.EVM._verify_fast_paths = True

    def concrete(value: Any) -> int | None:
        if isinstance(value, int):
            return value
        if isinstance(value, Constant) and not value.taint:
            return value.value
        return None

    def only_concrete_writes(memory: Any) -> bool:
        written = memory.written
        if all(isinstance(index, Constant) for index in written):
            return True
        # Walking a chain through an ArraySlice records `index - offset` unsimplified: fold those once.
        folded = {simplify(index) for index in written}
        if not all(isinstance(index, Constant) for index in folded):
            return False
        memory._written = folded
        return True

    def cached_bytes(memory: Any, offset: int, size: int) -> list[Any] | None:
        """Each byte as an int or the expression stored there; None when one cannot be known without the array."""
        cache = memory._concrete_cache
        out: list[Any] = []
        zero_checked = False
        for i in range(size):
            entry = cache.get(offset + i)
            if entry is None:
                if not zero_checked:
                    if not only_concrete_writes(memory):
                        return None
                    zero_checked = True
                out.append(0)
                continue
            byte = concrete(entry)
            out.append(entry if byte is None else byte)
        return out

    # -------------------------------------------------------------------------------------- arrays
    original_proxy_store = ArrayProxy.store

    def proxy_store(self, index, value):
        if not (isinstance(index, int) or (isinstance(index, Constant) and not index.taint)):
            return original_proxy_store(self, index, value)
        index = self.cast_index(index)
        if not isinstance(value, Expression):
            value = self.cast_value(value)
        self._concrete_cache[index.value] = value
        self.written.add(index)
        self._array = self._array.store(index, value)
        return self

    ArrayProxy.store = proxy_store

    # -------------------------------------------------------------------------------------- memory
    evm_class = platform_evm.EVM
    original_store = evm_class._store
    original_load = evm_class._load
    original_read_buffer = evm_class.read_buffer
    original_calldatacopy = evm_class.CALLDATACOPY

    def _store(self, offset, value, size=1):
        offset_c, value_c = concrete(offset), concrete(value)
        if offset_c is None or value_c is None:
            return original_store(self, offset, value, size)
        memory = self.memory
        for i, byte in enumerate((value_c % (1 << (8 * size))).to_bytes(size, "big")):
            memory.store(offset_c + i, byte)
        self._publish("did_evm_write_memory", offset, value, size)

    def _load(self, offset, size=1):
        offset_c = concrete(offset)
        entries = cached_bytes(self.memory, offset_c, size) if offset_c is not None else None
        if entries is None:
            return original_load(self, offset, size)
        if all(isinstance(b, int) for b in entries):
            value = int.from_bytes(bytes(entries), "big")
        else:
            operands = tuple(BitVecConstant(size=8, value=b) if isinstance(b, int) else b for b in entries)
            value = simplify(BitVecConcat(size_dest=8 * size, operands=operands))
            if isinstance(value, Constant) and not value.taint:
                value = value.value
        self._publish("did_evm_read_memory", offset, value, size)
        return value

    def read_buffer(self, offset, size):
        offset_c, size_c = concrete(offset), concrete(size)
        if offset_c is not None and size_c:
            entries = cached_bytes(self.memory, offset_c, size_c)
            if entries is not None and all(isinstance(b, int) for b in entries):
                self._allocate(offset, size_c)
                return bytes(entries)
        return original_read_buffer(self, offset, size)

    def CALLDATACOPY(self, mem_offset, data_offset, size):
        m, d, n = concrete(mem_offset), concrete(data_offset), concrete(size)
        cache = getattr(self.data, "_concrete_cache", None)
        limit = platform_evm.consts.calldata_max_size
        if None in (m, d, n) or cache is None or (limit >= 0 and n > limit):
            return original_calldatacopy(self, mem_offset, data_offset, size)
        self._use_calldata(data_offset, size)
        self._allocate(mem_offset, size)
        length = len(self.data)
        for i in range(n):
            j = d + i
            if j >= length:
                byte = 0
            else:
                byte = concrete(cache.get(j))
                if byte is None:
                    byte = self.data[j]  # symbolic calldata byte: keep the expression
            self._store(m + i, byte)

    evm_class._store = _store
    evm_class._load = _load
    evm_class.read_buffer = read_buffer
    evm_class.CALLDATACOPY = CALLDATACOPY

    # -------------------------------------------------------------------------------------- bytecode
    real_asm = platform_evm.EVMAsm
    code_cache: dict[bytes, tuple[frozenset[int], dict[int, Any]]] = {}
    skip_disassembly = [False]

    class _Assembler:
        """Stands in for pyevmasm inside EVM.__init__ so its per-frame linear disassembly can be skipped."""

        def disassemble_all(self, code, *args, **kwargs):
            if skip_disassembly[0]:
                return ()
            return real_asm.disassemble_all(code, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(real_asm, name)

    original_init = evm_class.__init__

    def __init__(self, constraints, address, data, caller, value, bytecode, *args, **kwargs):
        if not isinstance(bytecode, (bytes, bytearray)):
            return original_init(self, constraints, address, data, caller, value, bytecode, *args, **kwargs)
        key = bytes(bytecode)
        entry = code_cache.get(key)
        if entry is None:
            jumpdests = frozenset(i.pc for i in real_asm.disassemble_all(key + bytes(32)) if i.mnemonic == "JUMPDEST")
            entry = code_cache[key] = (jumpdests, {})
        skip_disassembly[0] = True
        try:
            original_init(self, constraints, address, data, caller, value, bytecode, *args, **kwargs)
        finally:
            skip_disassembly[0] = False
        self._valid_jumpdests = set(entry[0])
        self._decoding_cache = entry[1]  # decoded instructions depend only on the code (one fork per run)

    platform_evm.EVMAsm = _Assembler()
    evm_class.__init__ = __init__
