"""Solidity 0.8 arithmetic over z3 Ints: exact results plus the condition under which the EVM reverts.

See the package docstring for why Int + explicit ranges and what that covers. A `Ctx` collects the revert
conditions (each guarded by the branch it sits in) and the model-function calls made while a term is built,
so one term serves both the proof and the concrete conformance evaluation.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

import z3

UINT_MAX = 2**256 - 1
INT_MIN = -(2**255)
INT_MAX = 2**255 - 1
UINT8_MAX = 255

Term = z3.ArithRef | z3.BoolRef


def type_range(abi_type: str, var: z3.ExprRef) -> z3.BoolRef:
    """The range constraint of an ABI value type."""
    if abi_type == "bool":
        return z3.BoolVal(True)
    if abi_type.startswith("uint"):
        bits = int(abi_type[4:] or 256)
        return z3.And(var >= 0, var <= 2**bits - 1)
    if abi_type.startswith("int"):
        bits = int(abi_type[3:] or 256)
        return z3.And(var >= -(2 ** (bits - 1)), var <= 2 ** (bits - 1) - 1)
    raise ValueError(f"unsupported ABI type {abi_type}")


def fresh(name: str, abi_type: str) -> z3.ExprRef:
    return z3.Bool(name) if abi_type == "bool" else z3.Int(name)


@dataclass
class Call:
    """One model-function invocation inside a composed term (for checking counterexamples on bytecode)."""

    function: str
    args: tuple[z3.ExprRef, ...]
    guard: z3.BoolRef


@dataclass
class Ctx:
    reverts: list[z3.BoolRef] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    _guards: list[z3.BoolRef] = field(default_factory=list)

    @property
    def guard(self) -> z3.BoolRef:
        return z3.And(*self._guards) if self._guards else z3.BoolVal(True)

    @contextmanager
    def when(self, condition: z3.BoolRef) -> Iterator[None]:
        """Code inside runs only when `condition` holds: its reverts are guarded by it."""
        self._guards.append(condition)
        try:
            yield
        finally:
            self._guards.pop()

    def revert_if(self, condition: z3.BoolRef) -> None:
        self.reverts.append(z3.And(self.guard, condition) if self._guards else condition)

    def reverted(self) -> z3.BoolRef:
        return z3.Or(*self.reverts) if self.reverts else z3.BoolVal(False)

    # ---------------------------------------------------------------- uint256 (checked)
    def add(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        r = a + b
        self.revert_if(r > UINT_MAX)
        return r

    def sub(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        self.revert_if(a < b)
        return a - b

    def mul(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        r = a * b
        self.revert_if(r > UINT_MAX)
        return r

    def div(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        """Unsigned `/`: truncation (= Euclidean `div` for a >= 0, b > 0); b == 0 panics."""
        self.revert_if(b == 0)
        return a / b

    def ceil_div(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        """PerpMath.ceilDiv: a == 0 ? 0 : (a - 1) / b + 1 (the division is reached only when a > 0)."""
        with self.when(a != 0):
            q = self.add(self.div(self.sub(a, 1), b), 1)
        return z3.If(a == 0, 0, q)

    def pow(self, base: int, exponent: z3.ArithRef, max_exponent: int) -> z3.ArithRef:
        """`base ** e` in uint256 for 0 <= e <= max_exponent (checked: reverts when the result overflows)."""
        result: z3.ArithRef = z3.IntVal(base**max_exponent)
        for k in range(max_exponent - 1, -1, -1):
            result = z3.If(exponent == k, z3.IntVal(base**k), result)
        first_overflow = next((k for k in range(max_exponent + 1) if base**k > UINT_MAX), None)
        if first_overflow is not None:
            self.revert_if(exponent >= first_overflow)
        return result

    # ---------------------------------------------------------------- int256 (checked)
    def _in_int(self, r: z3.ArithRef) -> z3.ArithRef:
        self.revert_if(z3.Or(r < INT_MIN, r > INT_MAX))
        return r

    def sadd(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        return self._in_int(a + b)

    def ssub(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        return self._in_int(a - b)

    def smul(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        return self._in_int(a * b)

    def sneg(self, a: z3.ArithRef) -> z3.ArithRef:
        return self._in_int(-a)

    def sdiv(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        """Signed `/` truncates toward zero; b == 0 and MIN / -1 revert."""
        self.revert_if(z3.Or(b == 0, z3.And(a == INT_MIN, b == -1)))
        return trunc_div(a, b)

    # ---------------------------------------------------------------- unchecked explicit conversions
    @staticmethod
    def to_int(a: z3.ArithRef) -> z3.ArithRef:
        """`int256(uint256)`: not checked in Solidity, the bits are reinterpreted."""
        return z3.If(a > INT_MAX, a - 2**256, a)

    @staticmethod
    def to_uint(a: z3.ArithRef) -> z3.ArithRef:
        """`uint256(int256)`: not checked either."""
        return z3.If(a < 0, a + 2**256, a)


def trunc_div(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Division truncating toward zero, from z3's Euclidean `div` by sign cases."""
    abs_a = z3.If(a >= 0, a, -a)
    abs_b = z3.If(b >= 0, b, -b)
    q = abs_a / abs_b
    return z3.If((a >= 0) == (b >= 0), q, -q)


def min_(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    return z3.If(a < b, a, b)


@dataclass(frozen=True)
class ModelFunction:
    """The model of one PerpMathHarness function: ABI signature plus a body over a Ctx."""

    name: str
    params: tuple[tuple[str, str], ...]  # (name, ABI type)
    outputs: tuple[str, ...]  # ABI types
    body: Callable[..., tuple[Term, ...]]  # body(ctx, *args) -> outputs

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(t for _, t in self.params)})"

    def __call__(self, ctx: Ctx, *args: Term) -> tuple[Term, ...]:
        """Inline the function into a composed term; its reverts join the caller's."""
        ctx.calls.append(Call(self.name, tuple(_as_expr(a, t) for a, (_, t) in zip(args, self.params)), ctx.guard))
        return self.body(ctx, *[_as_expr(a, t) for a, (_, t) in zip(args, self.params)])


def _as_expr(value: object, abi_type: str) -> z3.ExprRef:
    if isinstance(value, z3.ExprRef):
        return value
    if abi_type == "bool":
        return z3.BoolVal(bool(value))
    return z3.IntVal(int(value))  # type: ignore[arg-type]
