"""A proof obligation: typed inputs, stated assumptions, the property, and what to show in a counterexample."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import z3

from checkers.engines.z3.solidity import Ctx, fresh, type_range

# Domain bounds shared by the specs (stated in every PROVED finding).
AMOUNT_MAX = 2**128  # collateral-token amounts, shares, debt
PRICE_MAX = 10**30  # WAD prices: up to 1e12 USD per unit
ENTRY_MIN = 10**10  # WAD: an entry price of at least 1e-8 USD per unit (keeps equity * 1e18 below 2^256)
INDEX_MAX = 2**100  # WAD borrow index: up to ~1.27e12 times its start
WAD = 10**18
BPS = 10_000
USDC = 10**6


@dataclass
class Obligation:
    spec_id: str
    claim: str  # the property in words
    domain: str  # the input domain in words
    inputs: dict[str, z3.ExprRef]  # reported name -> variable
    units: dict[str, str]  # reported name -> unit ("WAD", "USDC (6 decimals)", "bps", "s", ...)
    assumptions: list[tuple[str, z3.BoolRef]]
    prop: z3.BoolRef
    ctx: Ctx
    uses: tuple[str, ...]  # model functions the property rests on
    observed: dict[str, z3.ExprRef] = field(default_factory=dict)  # derived values shown with a counterexample
    hints: list[z3.BoolRef] = field(default_factory=list)  # a preferred counterexample, tried first
    # Auxiliary lemmas: each is proved valid under the assumptions first, then assumed in the main query
    # (sound: they are theorems of the same model; they only spare Z3 nonlinear search).
    lemmas: list[tuple[str, z3.BoolRef]] = field(default_factory=list)
    # Subterms replaced by fresh constants in a first, cheaper main query once the lemmas are proved.
    # Sound: the abstraction over-approximates (its unsat implies the concrete unsat); if it is sat the
    # concrete query decides instead, so a counterexample is always a real one.
    abstract: list[z3.ExprRef] = field(default_factory=list)
    explain: Callable[[dict[str, int]], str] | None = None  # counterexample values -> explanation


class Builder:
    """Declares typed inputs and assumptions; every input carries its ABI type range."""

    def __init__(self, spec_id: str) -> None:
        self.spec_id = spec_id
        self.ctx = Ctx()
        self.inputs: dict[str, z3.ExprRef] = {}
        self.units: dict[str, str] = {}
        self.assumptions: list[tuple[str, z3.BoolRef]] = []

    def var(self, name: str, abi_type: str, unit: str = "", lo: int | None = None, hi: int | None = None) -> z3.ExprRef:
        v = fresh(name, abi_type)
        self.inputs[name] = v
        self.units[name] = unit or abi_type
        if abi_type != "bool":
            self.assumptions.append((f"{name} is a {abi_type}", type_range(abi_type, v)))
        if lo is not None or hi is not None:
            lo_text = "" if lo is None else f"{_fmt(lo)} <= "
            hi_text = "" if hi is None else f" <= {_fmt(hi)}"
            conds = [c for c in ((v >= lo) if lo is not None else None, (v <= hi) if hi is not None else None) if c is not None]
            self.assumptions.append((f"{lo_text}{name}{hi_text}", z3.And(*conds)))
        return v

    def assume(self, text: str, condition: z3.BoolRef) -> None:
        self.assumptions.append((text, condition))

    def done(self, claim: str, domain: str, prop: z3.BoolRef, uses: tuple[str, ...], **extra: object) -> Obligation:
        return Obligation(
            spec_id=self.spec_id, claim=claim, domain=domain, inputs=self.inputs, units=self.units,
            assumptions=self.assumptions, prop=prop, ctx=self.ctx, uses=uses, **extra,  # type: ignore[arg-type]
        )


def _fmt(n: int) -> str:
    for base in (2, 10):
        for e in range(8, 257):
            if base**e == n:
                return f"{base}^{e}"
    return str(n)


def usd(amount: int, decimals: int) -> str:
    """A contract amount as a human figure, e.g. 85000000000 (6 decimals) -> '85,000'."""
    whole, frac = divmod(amount, 10**decimals)
    text = f"{whole:,}"
    return text + (f".{str(frac).rjust(decimals, '0').rstrip('0')}" if frac else "")
