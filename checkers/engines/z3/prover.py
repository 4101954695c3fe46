"""Decide an obligation: assumptions satisfiable? then is the negated property satisfiable?

Each query runs on a fresh (non-incremental) solver so that Z3 may pick its nonlinear tactics; the
per-spec timeout is shared by the queries of that spec.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import z3

from checkers.base import Verdict
from checkers.engines.z3.obligation import Obligation


@dataclass
class Decision:
    verdict: Verdict  # PROVED, VIOLATED, VACUOUS or UNKNOWN
    values: dict[str, int | bool] = field(default_factory=dict)  # counterexample inputs
    observed: dict[str, int | bool] = field(default_factory=dict)  # derived values at the counterexample
    call_args: list[tuple[str, tuple[int | bool, ...]]] = field(default_factory=list)  # model calls at the cex
    reason: str = ""
    seconds: float = 0.0


def _check(constraints: list[z3.BoolRef], deadline: float) -> tuple[z3.CheckSatResult, z3.ModelRef | None, str]:
    remaining_ms = int((deadline - time.monotonic()) * 1000)
    if remaining_ms <= 0:
        return z3.unknown, None, "timeout"
    solver = z3.Solver()
    solver.set(timeout=remaining_ms)
    solver.add(*constraints)
    result = solver.check()
    if result == z3.sat:
        return result, solver.model(), ""
    return result, None, solver.reason_unknown() if result == z3.unknown else ""


def _value(model: z3.ModelRef, term: z3.ExprRef) -> int | bool:
    v = model.eval(term, model_completion=True)
    if z3.is_bool(v):
        return z3.is_true(v)
    if z3.is_rational_value(v) and not z3.is_int_value(v):
        return int(v.numerator_as_long() // v.denominator_as_long())
    return v.as_long()  # type: ignore[union-attr]


def decide(ob: Obligation, timeout_s: float) -> Decision:
    start = time.monotonic()
    deadline = start + timeout_s
    assumptions = [c for _, c in ob.assumptions]
    result = z3.unknown
    if ob.hints:  # a satisfiable hinted instance already shows the assumptions are satisfiable
        result, _, why = _check(assumptions + ob.hints, deadline)
    if result != z3.sat:
        result, _, why = _check(assumptions, deadline)
    if result == z3.unsat:
        return Decision(Verdict.VACUOUS, reason="the assumptions are unsatisfiable", seconds=time.monotonic() - start)
    if result == z3.unknown:
        return Decision(Verdict.UNKNOWN, reason=f"solver: {why} (assumptions)", seconds=time.monotonic() - start)
    for text, lemma in ob.lemmas:
        result, _, why = _check(assumptions + [z3.Not(lemma)], deadline)
        if result != z3.unsat:
            reason = "timeout" if result == z3.unknown else "it has a counterexample (engine bug)"
            return Decision(Verdict.UNKNOWN, reason=f"auxiliary lemma '{text}' not proved: {why or reason}",
                            seconds=time.monotonic() - start)
    assumptions = assumptions + [lemma for _, lemma in ob.lemmas]
    negated = assumptions + [z3.Not(ob.prop)]
    if ob.abstract:
        pairs = [(t, z3.FreshConst(t.sort(), "abs")) for t in ob.abstract]
        result, _, _ = _check([z3.substitute(c, *pairs) for c in negated], deadline)
        if result == z3.unsat:
            return Decision(Verdict.PROVED, seconds=time.monotonic() - start)
    model = None
    if ob.hints:  # a preferred counterexample (e.g. Alice's numbers); never decides a proof
        result, model, _ = _check(negated + ob.hints, deadline)
    if model is None:
        result, model, why = _check(negated, deadline)
    seconds = time.monotonic() - start
    if result == z3.unsat:
        return Decision(Verdict.PROVED, seconds=seconds)
    if result == z3.unknown or model is None:
        return Decision(Verdict.UNKNOWN, reason=f"solver: {why or 'unknown'}", seconds=seconds)
    values = {name: _value(model, var) for name, var in ob.inputs.items()}
    observed = {name: _value(model, term) for name, term in ob.observed.items()}
    calls = [
        (call.function, tuple(_value(model, a) for a in call.args))
        for call in ob.ctx.calls
        if z3.is_true(model.eval(call.guard, model_completion=True))
    ]
    return Decision(Verdict.VIOLATED, values, observed, calls, seconds=seconds)
