"""Ties each Z3 model to the compiled PerpMathHarness: same inputs, same outputs, same reverts.

Every modelled function is executed in-process with titanoboa (py-evm, ~0.5 ms a call) on boundary values,
>= 200 seeded random inputs, and every counterexample a proof produces. The model side is the very Z3 term
the proofs use (built once per function from symbolic inputs), evaluated by substituting the concrete
inputs and simplifying, so a mismatch here is a mismatch between the proofs and the bytecode.
Runs once per target per process (cached by harness bytecode, per function as specs ask for them).
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import z3

from checkers.engines.z3.registry import MODELS
from checkers.engines.z3.solidity import INT_MAX, INT_MIN, UINT_MAX, Ctx, ModelFunction, fresh

SEED = 20_240_501
RANDOM_PER_FUNCTION = 200
HARNESS = "PerpMathHarness"
WAD = 10**18
USDC = 10**6
NOW = 1_700_000_000

Value = int | bool
Outcome = tuple[str, tuple[Value, ...]]  # ("ok", outputs) or ("revert", ())


@dataclass(frozen=True)
class Mismatch:
    function: str
    args: tuple[Value, ...]
    names: tuple[str, ...]
    bytecode: Outcome
    model: Outcome

    def describe(self) -> str:
        return f"{self.function}: bytecode {_show(self.bytecode)}, model {_show(self.model)}"


@dataclass
class Report:
    target: str
    calls: dict[str, int] = field(default_factory=dict)  # function -> inputs compared
    mismatches: dict[str, Mismatch] = field(default_factory=dict)  # function -> first mismatch
    error: str | None = None  # the harness could not be deployed / called
    seconds: float = 0.0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def _show(outcome: Outcome) -> str:
    kind, values = outcome
    if kind == "revert":
        return "reverts"
    return "returns " + ", ".join(str(v) for v in values)


# ---------------------------------------------------------------- the model side
class ModelEval:
    """The model's term over symbolic inputs, evaluated concretely by substitution."""

    def __init__(self, fn: ModelFunction) -> None:
        self.fn = fn
        self.vars = [fresh(f"{fn.name}.{name}", t) for name, t in fn.params]
        ctx = Ctx()
        self.outputs = fn.body(ctx, *self.vars)
        self.revert = ctx.reverted()

    def __call__(self, args: Sequence[Value]) -> Outcome:
        pairs = [(v, z3.BoolVal(bool(a)) if z3.is_bool(v) else z3.IntVal(int(a))) for v, a in zip(self.vars, args)]
        if z3.is_true(z3.simplify(z3.substitute(self.revert, *pairs))):
            return ("revert", ())
        values: list[Value] = []
        for term, abi_type in zip(self.outputs, self.fn.outputs):
            r = z3.simplify(z3.substitute(term, *pairs)) if isinstance(term, z3.ExprRef) else term
            values.append(z3.is_true(r) if abi_type == "bool" else r.as_long())  # type: ignore[union-attr]
        return ("ok", tuple(values))


_EVALS: dict[str, ModelEval] = {}


def model_eval(name: str) -> ModelEval:
    if name not in _EVALS:
        _EVALS[name] = ModelEval(MODELS[name])
    return _EVALS[name]


# ---------------------------------------------------------------- the bytecode side
class Harness:
    """PerpMathHarness of one target, deployed in titanoboa's in-process EVM."""

    def __init__(self, bytecode_hex: str) -> None:
        import boa  # heavy import: only when conformance runs
        from eth.exceptions import VMError

        self._boa = boa
        self._vm_error = VMError
        self.address, _ = boa.env.deploy_code(bytecode=bytes.fromhex(bytecode_hex.removeprefix("0x")))

    def call(self, fn: ModelFunction, args: Sequence[Value]) -> Outcome:
        from eth_abi import decode, encode
        from eth_utils import keccak

        data = keccak(text=fn.signature)[:4] + encode([t for _, t in fn.params], list(args))
        try:
            computation = self._boa.env.raw_call(self.address, data=data)
        except self._vm_error:
            return ("revert", ())
        if computation.is_error:
            return ("revert", ())
        return ("ok", tuple(decode(list(fn.outputs), computation.output)))


def compare(harness: Harness, fn: ModelFunction, args: Sequence[Value]) -> Mismatch | None:
    got = harness.call(fn, args)
    want = model_eval(fn.name)(args)
    if got == want:
        return None
    return Mismatch(fn.name, tuple(args), tuple(n for n, _ in fn.params), got, want)


# ---------------------------------------------------------------- inputs
EDGES: dict[str, tuple[Value, ...]] = {
    "uint256": (0, 1, 2, 9_999, 10_000, WAD - 1, WAD, WAD + 1, 2**128, 2**255, UINT_MAX - 1, UINT_MAX),
    "int256": (INT_MIN, INT_MIN + 1, -WAD, -1, 0, 1, WAD, INT_MAX),
    "uint8": (0, 1, 6, 8, 17, 18, 19, 36, 95, 96, 255),
    "bool": (False, True),
}

# A realistic call per function: edge values are swapped into it one parameter at a time.
TYPICAL: dict[str, tuple[Value, ...]] = {
    "positionValue": (100_000 * USDC, 50_000 * WAD, 42_500 * WAD, True),
    "equity": (85_000 * USDC, 90_000 * USDC, 12 * USDC),
    "maintenanceRequirement": (100_000 * USDC, 50_000 * WAD, 42_500 * WAD, 500),
    "healthFactor": (6_000 * USDC, 5_000 * USDC),
    "isLiquidatable": (WAD,),
    "openSizes": (10_000 * USDC, 10, 500),
    "liquidationSplit": (85_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 3_000 * USDC),
    "accrueIndex": (WAD, 500, 365 * 24 * 3600),
    "debtWithInterest": (90_000 * USDC, WAD, 1_050_000_000_000_000_000),
    "toSharesDown": (1_000 * USDC, 5_000_000 * USDC, 5_250_000 * USDC),
    "toSharesUp": (1_000 * USDC, 5_000_000 * USDC, 5_250_000 * USDC),
    "toAssetsDown": (1_000 * USDC, 5_000_000 * USDC, 5_250_000 * USDC),
    "accrueFunding": (3 * WAD, 25, 3600),
    "fundingOwed": (100_000 * USDC, 5 * WAD // 100, WAD // 100, True),
    "breachesCircuitBreaker": (50_000 * WAD, 42_500 * WAD, 1_000),
    "accumulate": (10**30, 50_000 * WAD, 60),
    "twap": (10**30, 10**30 + 50_000 * WAD * 600, NOW, NOW + 600),
    "selectSource": (NOW, NOW - 30, True, True, NOW - 10, 5_000_000_000_000, 3_600, 90),
    "toWad": (5_000_000_000_000, 8),
}


def _special_cases() -> dict[str, list[tuple[Value, ...]]]:
    """Exact boundaries a random input almost never hits (rounding edges, thresholds, the story's numbers)."""
    cases: dict[str, list[tuple[Value, ...]]] = {name: [] for name in MODELS}
    cases["isLiquidatable"] += [(WAD - 1,), (WAD,), (WAD + 1,), (0,), (UINT_MAX,)]
    cases["healthFactor"] += [(e, r) for e, r in ((5, 5), (0, 5), (-1, 5), (5, 0), (0, 0), (INT_MAX, 1),
                                                 (10_000 * USDC, 5_000 * USDC), (4_999, 5_000), (5_000, 4_999))]
    for last in (10_000, 50_000 * WAD, 1, 3):
        for bps in (1_000, 0, 10_000):
            step = last * bps // 10_000
            for nxt in (last + step, last - step, last + step + 1, last - step - 1, last):
                if nxt >= 0:
                    cases["breachesCircuitBreaker"].append((last, nxt, bps))
    cases["selectSource"].append((NOW, NOW - 10, True, True, NOW - 10, 1, 3_600, 90))
    for p_age in (0, 89, 90, 91, 3_599, 3_600, 3_601, -1):
        for valid in (True, False):
            for fb in ("none", "fresh", "stale", "zero", "future", "edge"):
                fb_ts, answer, has = {
                    "none": (NOW, 1, False), "fresh": (NOW - 5, 7, True), "stale": (NOW - 3_601, 7, True),
                    "zero": (NOW - 5, 0, True), "future": (NOW + 1, 7, True), "edge": (NOW - 3_600, 7, True),
                }[fb]
                cases["selectSource"].append((NOW, NOW - p_age, valid, has, fb_ts, answer, 3_600, 90))
    cases["liquidationSplit"] += [
        (85_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 0),
        (85_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 10_000 * USDC),
        (95_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 0),
        (90_200 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 0),
        (90_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 0),
        (0, 0, 0, 0, 0), (1, 0, 1, 1, 0), (7, 3, 3, 3_333, 1),
    ]
    cases["openSizes"] += [(10_000 * USDC, 10, 500), (10_000 * USDC, 20, 500), (10_000 * USDC, 21, 500), (1, 0, 1),
                           (0, 0, 0), (1, 1, 10_000), (1, 2, 10_000)]
    cases["toWad"] += [(12_345, d) for d in range(0, 40)] + [(UINT_MAX, 95), (UINT_MAX, 96), (7, 255), (2**200, 0)]
    for s, a in ((0, 0), (1, 0), (0, 1), (10, 10), (10, 9), (9, 10), (10**12, 10**12 - 1)):
        for x in (0, 1, 9, 10, 11, 10**6):
            cases["toSharesDown"].append((x, s, a))
            cases["toSharesUp"].append((x, s, a))
            cases["toAssetsDown"].append((x, s, a))
    for size in (1, WAD, 3 * WAD + 1, 100_000 * USDC):
        for now, entry in ((WAD, 0), (0, WAD), (7, 3), (-7, 3), (WAD // 3, -WAD // 7)):
            cases["fundingOwed"] += [(size, now, entry, True), (size, now, entry, False)]
    cases["accrueFunding"] += [(0, r, dt) for r in (25, -25, 1, -1, 0) for dt in (0, 1, 3_599, 3_600, 7_200)]
    cases["accrueIndex"] += [(WAD, 500, 0), (WAD, 0, 10**9), (WAD, 1, 1), (2**128, 10**6, 2**40)]
    cases["debtWithInterest"] += [(0, WAD, WAD), (1, WAD, WAD + 1), (90_000 * USDC, WAD, WAD), (5, 0, 5), (0, 0, 0),
                                  (7, 3, 3)]
    cases["positionValue"] += [(100_000 * USDC, 50_000 * WAD, p, long) for p in (0, 50_000 * WAD, 100_000 * WAD,
                                                                                100_000 * WAD + 1) for long in (True, False)]
    cases["maintenanceRequirement"] += [(100_000 * USDC, 50_000 * WAD, 50_000 * WAD, 500), (1, 1, 1, 1), (0, 1, 1, 1)]
    cases["twap"] += [(5, 5, 10, 10), (6, 5, 1, 2), (0, 100, 0, 3)]
    cases["accumulate"] += [(UINT_MAX, 0, 0), (UINT_MAX, 1, 1), (0, 2**128, 2**128)]
    return cases


_SPECIAL = _special_cases()


def _random_value(rng: random.Random, abi_type: str, typical: Value) -> Value:
    if abi_type == "bool":
        return rng.random() < 0.5
    r = rng.random()
    if abi_type == "uint8":
        return rng.randrange(0, 40) if r < 0.8 else rng.randrange(0, 256)
    signed = abi_type == "int256"
    lo, hi = (INT_MIN, INT_MAX) if signed else (0, UINT_MAX)
    if r < 0.4:  # around the realistic value
        v = int(typical) * rng.randrange(0, 2_000_001) // 1_000_000 + rng.randrange(-3, 4)
    elif r < 0.6:
        v = rng.randrange(0, 1_000)
    elif r < 0.8:
        v = rng.randrange(0, 2**128)
    elif r < 0.9:
        v = rng.randrange(0, 2**256)
    else:
        v = rng.choice(EDGES[abi_type])
    if signed and rng.random() < 0.3:
        v = -v
    return min(max(v, lo), hi)


def _select_source_random(rng: random.Random) -> tuple[Value, ...]:
    def ts() -> int:
        return NOW - rng.choice((rng.randrange(-100, 200), rng.randrange(0, 8_000), rng.randrange(3_500, 3_700)))

    heartbeat = rng.choice((3_600, 60, 86_400, rng.randrange(0, 10_000)))
    answer = rng.choice((0, -1, 1, rng.randrange(1, 10**12)))
    return (NOW, ts(), rng.random() < 0.7, rng.random() < 0.6, ts(), answer, heartbeat, rng.choice((90, 0, 120)))


RANDOM_OVERRIDES: dict[str, Callable[[random.Random], tuple[Value, ...]]] = {"selectSource": _select_source_random}


def inputs_for(fn: ModelFunction, seed: int = SEED, count: int = RANDOM_PER_FUNCTION) -> list[tuple[Value, ...]]:
    """Boundary values (edge per parameter + special cases), then `count` seeded random inputs."""
    typical = TYPICAL[fn.name]
    out: list[tuple[Value, ...]] = [typical]
    for i, (_, abi_type) in enumerate(fn.params):
        for edge in EDGES[abi_type]:
            out.append(typical[:i] + (edge,) + typical[i + 1:])
    out += _SPECIAL[fn.name]
    rng = random.Random(f"{seed}:{fn.name}")
    make = RANDOM_OVERRIDES.get(fn.name)
    for _ in range(count):
        out.append(make(rng) if make else tuple(_random_value(rng, t, typ) for (_, t), typ in zip(fn.params, typical)))
    return out


# ---------------------------------------------------------------- running it, cached per target
_CACHE: dict[tuple[str, str, str], tuple[Report, Harness | None]] = {}
_LOCK = threading.RLock()


def run(target, functions: Iterable[str] | None = None) -> Report:  # target: checkers.target.Target
    """Compare the named modelled functions (default: all) with the target's compiled harness.

    Cached per harness bytecode (see _key) and per function: each function of a target is compared once per process,
    and the report accumulates as specs ask for more functions.
    """
    key = _key(target)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _deploy(target)
        report, harness = _CACHE[key]
        if harness is not None:
            start = time.monotonic()
            for name in sorted(functions) if functions is not None else sorted(MODELS):
                if name not in report.calls and report.error is None:
                    _compare_function(report, harness, name)
            report.seconds += time.monotonic() - start
        return report


def _key(target) -> tuple[str, str, str]:
    """The harness bytecode decides the outcome: targets with identical PerpMathHarness bytecode (the platform
    and every mutant of another file; solc's metadata hash covers PerpMath's source) share one comparison."""
    try:
        code = target.artifact(HARNESS).bytecode
    except Exception:
        return (str(target.root), target.label, "")
    return ("", "", hashlib.sha256(code.encode()).hexdigest())


def harness_for(target) -> Harness | None:
    key = _key(target)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _deploy(target)
        return _CACHE[key][1]


def check_calls(target, calls: Iterable[tuple[str, tuple[Value, ...]]]) -> Mismatch | None:
    """Compare the concrete calls a counterexample makes (each model function at the cex's arguments)."""
    harness = harness_for(target)
    if harness is None:
        return None
    with _LOCK:
        for name, args in calls:
            mismatch = compare(harness, MODELS[name], args)
            if mismatch is not None:
                return mismatch
    return None


def _deploy(target) -> tuple[Report, Harness | None]:
    start = time.monotonic()
    report = Report(target=target.label)
    try:
        harness = Harness(target.artifact(HARNESS).bytecode)
    except Exception as exc:  # a missing artefact or a deploy failure: ERROR without counterexample
        report.error = f"cannot deploy {HARNESS}: {exc}"
        harness = None
    report.seconds = time.monotonic() - start
    return report, harness


def _compare_function(report: Report, harness: Harness, name: str) -> None:
    fn = MODELS[name]
    cases = inputs_for(fn)
    report.calls[name] = 0
    for args in cases:
        try:
            mismatch = compare(harness, fn, args)
        except Exception as exc:
            report.error = f"{name}{args}: {type(exc).__name__}: {exc}"
            return
        report.calls[name] += 1
        if mismatch is not None:
            report.mismatches[name] = mismatch
            return
