"""The Z3 engine: conformance of the models against the target's bytecode, then the proof of each spec."""
from __future__ import annotations

import re
import threading
import time
import traceback
from pathlib import Path

from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, SourceLocation, Spec, Verdict
from checkers.engines.z3 import conformance
from checkers.engines.z3.obligation import Obligation
from checkers.engines.z3.prover import Decision, decide
from checkers.engines.z3.registry import OBLIGATIONS

LIBRARY = "src/libraries/PerpMath.sol"
SOLVER = "z3 (Int arithmetic with uint256/int256 range constraints and revert predicates)"
_LOCK = threading.Lock()  # z3's default context is not thread-safe
_OBLIGATIONS: dict[str, Obligation] = {}


def obligation(spec_id: str) -> Obligation:
    if spec_id not in _OBLIGATIONS:
        _OBLIGATIONS[spec_id] = OBLIGATIONS[spec_id]()
    return _OBLIGATIONS[spec_id]


class Z3Checker(Checker):
    NAME = "z3"
    DESCRIPTION = "Z3 proofs over whole domains of the platform's money math (PerpMath), tied to the bytecode"

    def available(self) -> Availability:
        try:
            import z3  # noqa: F401
        except ImportError as exc:
            return Availability(False, f"z3-solver not importable: {exc}")
        try:
            import boa  # noqa: F401
        except ImportError as exc:
            return Availability(False, f"titanoboa (conformance EVM) not importable: {exc}")
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return frozenset(OBLIGATIONS)

    def check(self, spec: Spec, target, timeout_s: float) -> list[Finding]:
        start = time.monotonic()
        if spec.id not in OBLIGATIONS:
            return [self._finding(spec, target, Verdict.SKIPPED, f"no Z3 model for {spec.id}", start=start)]
        try:
            with _LOCK:
                return [self._check(spec, target, timeout_s, start)]
        except Exception as exc:  # engine failure: ERROR, never raise
            tb = traceback.format_exc(limit=3)
            return [self._finding(spec, target, Verdict.ERROR, f"z3 engine crashed: {type(exc).__name__}: {exc}",
                                  Evidence(solver=SOLVER, notes=tb), start)]

    # ------------------------------------------------------------------ internals
    def _check(self, spec: Spec, target, timeout_s: float, start: float) -> Finding:
        ob = obligation(spec.id)
        report = conformance.run(target, ob.uses)
        if report.error:
            return self._finding(spec, target, Verdict.ERROR, f"conformance could not run: {report.error}",
                                 Evidence(solver=SOLVER), start)
        for name in ob.uses:
            if name in report.mismatches:
                return self._mismatch(spec, target, report.mismatches[name], start)
        decision = decide(ob, timeout_s)
        base = dict(solver=SOLVER, domain=ob.domain, locations=_locations(target.root, ob.uses), assumptions=tuple(text for text, _ in ob.assumptions),
                    bounds={"conformance_inputs": str(sum(report.calls.get(n, 0) for n in ob.uses)),
                            "conformance_seed": str(conformance.SEED)})
        lemma_note = ("; auxiliary lemmas proved first: " + "; ".join(t for t, _ in ob.lemmas)) if ob.lemmas else ""
        compared = sum(report.calls.get(n, 0) for n in ob.uses)
        notes = (f"the models of {', '.join(ob.uses)} agree with {target.label}'s compiled PerpMathHarness "
                 f"(titanoboa) on {compared} inputs: boundary values and {conformance.RANDOM_PER_FUNCTION} seeded "
                 f"random inputs per function{lemma_note}")
        if decision.verdict == Verdict.PROVED:
            return self._finding(spec, target, Verdict.PROVED,
                                 f"model proved for every input in the domain: {ob.claim}; model and bytecode "
                                 f"agree on {compared} inputs", Evidence(**base, notes=notes), start)
        if decision.verdict == Verdict.VACUOUS:
            return self._finding(spec, target, Verdict.VACUOUS, f"vacuous: {decision.reason}",
                                 Evidence(**base, notes=notes), start)
        if decision.verdict == Verdict.UNKNOWN:
            return self._finding(spec, target, Verdict.UNKNOWN,
                                 f"undecided within {timeout_s:g} s: {decision.reason}", Evidence(**base, notes=notes),
                                 start)
        mismatch = conformance.check_calls(target, decision.call_args)  # the counterexample on the bytecode too
        if mismatch is not None:
            return self._mismatch(spec, target, mismatch, start)
        cex = self._counterexample(ob, decision)
        return self._finding(spec, target, Verdict.VIOLATED, f"violated: {ob.claim} - {cex.explanation}",
                             Evidence(**base, counterexample=cex, notes=notes + "; the counterexample's calls were "
                                      "replayed on the bytecode with the same results"), start)

    @staticmethod
    def _counterexample(ob: Obligation, d: Decision) -> Counterexample:
        inputs = {name: _dec(v) for name, v in d.values.items()}
        state = {name: _dec(v) for name, v in d.observed.items()}
        units = ", ".join(f"{n} in {u}" for n, u in ob.units.items() if u not in ("bool",))
        if ob.explain is not None:
            explanation = ob.explain({**d.values, **d.observed})  # type: ignore[arg-type]
        else:
            explanation = "inputs " + ", ".join(f"{k}={v}" for k, v in inputs.items())
        calls = tuple(f"{fn}({', '.join(_dec(a) for a in args)})" for fn, args in d.call_args)
        return Counterexample(inputs=inputs, call_sequence=calls, state=state,
                              explanation=f"{explanation} (units: {units})")

    def _mismatch(self, spec: Spec, target, m: conformance.Mismatch, start: float) -> Finding:
        cex = Counterexample(
            inputs={n: _dec(v) for n, v in zip(m.names, m.args)},
            call_sequence=(f"PerpMathHarness.{m.function}({', '.join(_dec(a) for a in m.args)})",),
            state={"bytecode": conformance._show(m.bytecode), "model": conformance._show(m.model)},
            explanation=f"model and bytecode disagree: {m.describe()}",
        )
        # The compiled code does not compute what the proved model computes: the property the proof stood for is
        # not established for the code, and these concrete inputs show the code departing from it. VIOLATED
        # (exit 1), with the inputs as the counterexample; ERROR stays for an engine that failed to run.
        return self._finding(
            spec, target, Verdict.VIOLATED,
            f"conformance mismatch in {m.function}: the compiled code departs from the proved model "
            f"({m.describe()})",
            Evidence(counterexample=cex, solver=SOLVER, locations=_locations(target.root, (m.function,))), start,
        )

    def _finding(self, spec: Spec, target, verdict: Verdict, summary: str, evidence: Evidence | None = None,
                 start: float | None = None) -> Finding:
        return Finding(spec_id=spec.id, engine=self.NAME, verdict=verdict, summary=summary,
                       evidence=evidence or Evidence(), duration_s=time.monotonic() - (start or time.monotonic()),
                       target=getattr(target, "label", str(target)))


def _dec(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _locations(root: Path, functions: tuple[str, ...]) -> tuple[SourceLocation, ...]:
    """Where each modelled function is defined in the target's PerpMath (for SARIF and the report)."""
    try:
        lines = (Path(root) / LIBRARY).read_text().splitlines()
    except OSError:
        return ()
    found = []
    for name in functions:
        pattern = re.compile(rf"\bfunction\s+{re.escape(name)}\s*\(")
        line = next((i for i, text in enumerate(lines, 1) if pattern.search(text)), None)
        if line is not None:
            found.append(SourceLocation(file=LIBRARY, line=line, contract="PerpMath", function=name))
    return tuple(found)
