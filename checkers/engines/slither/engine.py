"""SlitherChecker: one Slither analysis per target root per process, shared by every spec and detector.

Verdicts (documented choice):
- a custom detector reports a finding on a contract of the target's src/  -> VIOLATED, with the
  SourceLocation(file, line, contract, function) of each finding;
- no finding in a non-empty scope -> NO_FINDING (never PROVED): a structural rule is a pattern match over
  SlithIR, not a proof of runtime behaviour. Evidence.notes names the contracts in scope (and PAUSE-01's
  exemptions), Evidence.domain the domain, Evidence.assumptions the rule and its approximation;
- an empty scope -> VACUOUS on the platform (and its mutants) when the spec names contracts, or when the spec
  names contracts present in the target that the rule does not recognise (e.g. a receiver no longer recognised
  as a CCIP receiver); NOT_APPLICABLE in a generic (--project) run: nothing of the kind exists there;
- STRUCT-01: Slither's built-in detectors (impact High/Medium/Low; informational and optimization are not
  gated) on src/: every finding must be in <project>/slither-baseline.json with a reason, else VIOLATED; all
  triaged -> NO_FINDING (a triage statement, not a proof);
- missing build, Solidity error, malformed baseline -> ERROR with one line; Slither crash -> ERROR.
"""
from __future__ import annotations

import inspect
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, SourceLocation, Spec, Verdict
from checkers.errors import VerifyError
from checkers.engines.slither import baseline as baseline_mod
from checkers.engines.slither import build
from checkers.engines.slither.detectors import CUSTOM_DETECTORS, STRUCT_SPEC, by_spec

MAX_LOCATIONS = 20
GATED_IMPACTS = ("High", "Medium", "Low")
_QUIET = ("Slither", "ContractSolcParsing", "FunctionSolc", "CryticCompile", "Detectors", "SlitherSolcParsing")


@dataclass(frozen=True)
class RuleFinding:
    detector: str
    spec_ids: tuple[str, ...]
    file: str
    line: int
    contract: str
    function: str
    message: str
    impact: str = ""

    @property
    def location(self) -> SourceLocation:
        return SourceLocation(self.file, self.line, self.contract or None, self.function or None)

    @property
    def baseline_key(self) -> tuple[str, str, str, str]:
        return (self.detector, self.file, self.contract, self.function)


@dataclass
class Analysis:
    root: Path
    src: str
    custom: list[RuleFinding]
    examined: dict[str, set[str]]  # detector argument -> contracts in its scope
    exempt: dict[str, str]  # Contract.function -> NatSpec @custom:pause-exempt reason
    contracts: frozenset[str]
    functions: int
    parse_s: float  # crytic-compile + Slither parsing of the build-info
    custom_s: float  # our detectors
    builtin_s: float = 0.0  # Slither's built-in detectors (run on first need)
    _slither: object = field(default=None, repr=False)
    _owned: dict = field(default_factory=dict, repr=False)
    _builtin: list[RuleFinding] | None = field(default=None, repr=False)

    @property
    def builtin(self) -> list[RuleFinding]:
        """Built-in detector findings on src/, computed once on the already parsed build."""
        with _LOCK:
            if self._builtin is None:
                started = time.monotonic()
                with _quiet():
                    self._builtin = _run_detectors(self._slither, self._owned, builtin_detectors(), set())[0]
                self.builtin_s = time.monotonic() - started
            return self._builtin


_CACHE: dict[tuple, Analysis] = {}
_LOCK = threading.RLock()


def builtin_detectors() -> list[type]:
    from slither.detectors import all_detectors
    from slither.detectors.abstract_detector import AbstractDetector, DetectorClassification

    gated = {DetectorClassification.HIGH, DetectorClassification.MEDIUM, DetectorClassification.LOW}
    return [d for _, d in sorted(inspect.getmembers(all_detectors, inspect.isclass))
            if issubclass(d, AbstractDetector) and d is not AbstractDetector and d.IMPACT in gated]


def analyse(root: Path) -> Analysis:
    """The cached analysis of a built project (redone when forge writes a new build)."""
    lay = build.layout(root)
    key = (str(lay.root), build.fingerprint(lay))
    with _LOCK:
        if key not in _CACHE:
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]  # one analysis per root: drop the previous build's
            _CACHE[key] = _run(lay)
        return _CACHE[key]


@contextmanager
def _quiet():
    levels = {name: logging.getLogger(name).level for name in _QUIET}
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _run(lay: build.ProjectLayout) -> Analysis:
    started = time.monotonic()
    with _quiet():
        slither, lay, owned = build.load(lay.root)
        slither.verify_owned = owned
        slither.verify_src = lay.src
        parsed = time.monotonic()
        custom, instances = _run_detectors(slither, owned, CUSTOM_DETECTORS, {d.ARGUMENT for d in CUSTOM_DETECTORS})
    examined: dict[str, set[str]] = {}
    exempt: dict[str, str] = {}
    for instance in instances:
        examined.setdefault(instance.ARGUMENT, set()).update(instance.examined)
        exempt.update(getattr(instance, "exempt", {}))
    mine = [c for unit in slither.compilation_units for c in unit.contracts
            if c.source_mapping.filename.used in owned.get(unit.crytic_compile_compilation_unit.unique_id, ())]
    return Analysis(lay.root, lay.src, custom, examined, exempt, frozenset(c.name for c in mine),
                    sum(len(c.functions_declared) for c in mine), parsed - started, time.monotonic() - parsed,
                    _slither=slither, _owned=owned)


def _run_detectors(slither, owned: dict, classes, custom_args: set[str]) -> tuple[list[RuleFinding], list]:
    """Run detector classes on every compilation unit; keep results located in the unit's own src/ files."""
    findings: list[RuleFinding] = []
    instances = []
    seen: set[tuple] = set()
    for unit in slither.compilation_units:
        files = owned.get(unit.crytic_compile_compilation_unit.unique_id, frozenset())
        for cls in classes:
            instance = cls(unit, slither, logging.getLogger("Detectors"))
            instances.append(instance)
            for result in instance.detect():
                finding = _to_finding(result, files, getattr(instance, "SPEC_IDS", (STRUCT_SPEC,)))
                if finding is None:
                    continue
                key = (finding.detector, finding.file, finding.line, finding.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
    return findings, instances


def _to_finding(result: dict, files: frozenset[str], spec_ids: tuple[str, ...]) -> RuleFinding | None:
    for element in result.get("elements", []):
        mapping = element.get("source_mapping") or {}
        if mapping.get("filename_short") not in files:
            continue
        contract, function = _names(element)
        lines = mapping.get("lines") or [0]
        message = result.get("description", "").strip().splitlines()[0] if result.get("description") else ""
        return RuleFinding(result["check"], tuple(spec_ids), mapping["filename_short"], lines[0], contract,
                           function, message, result.get("impact", ""))
    return None


def _names(element: dict) -> tuple[str, str]:
    kind = element.get("type")
    parent = (element.get("type_specific_fields") or {}).get("parent") or {}
    if kind == "contract":
        return element.get("name", ""), ""
    if kind == "function":
        return parent.get("name", ""), element.get("name", "")
    grand = (parent.get("type_specific_fields") or {}).get("parent") or {}
    if parent.get("type") == "function":
        return grand.get("name", ""), parent.get("name", "")
    return parent.get("name", ""), ""


class SlitherChecker(Checker):
    NAME = "slither"
    DESCRIPTION = "Custom SlithIR detectors (CCIP, oracle reads, pause, access, automation, CEI) + triaged built-ins"

    def available(self) -> Availability:
        try:
            import crytic_compile  # noqa: F401  (presence check)
            import slither  # noqa: F401

            from checkers import toolchain

            toolchain.forge()
        except (ImportError, VerifyError) as exc:
            return Availability(False, str(exc))
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return frozenset(by_spec()) | {STRUCT_SPEC}

    def check(self, spec: Spec, target, timeout_s: float) -> list[Finding]:
        started = time.monotonic()

        def finding(verdict: Verdict, summary: str, evidence: Evidence = Evidence()) -> list[Finding]:
            return [Finding(spec.id, self.NAME, verdict, summary, evidence, time.monotonic() - started, target.label)]

        if spec.id not in self.supported_specs():
            return finding(Verdict.SKIPPED, f"the slither engine has no rule for {spec.id}")
        try:
            analysis = analyse(Path(target.root))
            if spec.id == STRUCT_SPEC:
                return finding(*self._struct(analysis))
            return finding(*self._rule(spec, analysis, generic=getattr(target, "generic", False)))
        except VerifyError as exc:
            return finding(Verdict.ERROR, exc.message)
        except Exception as exc:  # an engine crash must not stop the run
            text = str(exc).strip().splitlines()
            return finding(Verdict.ERROR, f"slither crashed on {target.root}: {type(exc).__name__}: "
                                          f"{text[0] if text else ''}")

    # -- verdicts -------------------------------------------------------------------------------------------
    def _rule(self, spec: Spec, analysis: Analysis, generic: bool = False) -> tuple[Verdict, str, Evidence]:
        detectors = by_spec()[spec.id]
        args = {d.ARGUMENT for d in detectors}
        hits = [f for f in analysis.custom if f.detector in args and
                f"{f.contract}.{f.function}" not in spec.exemptions]
        rule = " ".join(d.WIKI_DESCRIPTION for d in detectors)
        domain = (f"every function of the {len(analysis.contracts)} contracts compiled from {analysis.src}/ "
                  f"({analysis.functions} functions) of {analysis.root}")
        assumptions = (
            f"structural rule ({', '.join(sorted(args))}): {rule}",
            "checked on SlithIR: modifiers then body in source order, internal calls inlined (depth 8), loops once; "
            "a structural property, not a proof of runtime behaviour",
        )
        if hits:
            first = hits[0]
            return (Verdict.VIOLATED, f"{len(hits)} finding(s): {first.message}",
                    Evidence(counterexample=Counterexample(
                        inputs={"contract": first.contract, "function": first.function,
                                "location": f"{first.file}:{first.line}"},
                        explanation="; ".join(h.message for h in hits[:MAX_LOCATIONS])),
                        locations=tuple(h.location for h in hits[:MAX_LOCATIONS]),
                        assumptions=assumptions, domain=domain))
        scope = set().union(*(analysis.examined.get(a, set()) for a in args))
        named = [c for c in spec.contracts if c in analysis.contracts]
        if named and not scope & set(named):
            return (Verdict.VACUOUS, f"the rule applied to none of {', '.join(named)} (not recognised as in scope)",
                    Evidence(assumptions=assumptions, domain=domain))
        if not scope:
            if generic:
                return (Verdict.NOT_APPLICABLE, f"nothing in scope: no contract of {analysis.src}/ is of the kind "
                                                f"the rule ({', '.join(sorted(args))}) applies to",
                        Evidence(assumptions=assumptions, domain=domain, notes="in scope: none"))
            return (Verdict.VACUOUS, f"the rule examined nothing: no contract in scope"
                                     f"{' (named: ' + ', '.join(spec.contracts) + ')' if spec.contracts else ''}",
                    Evidence(assumptions=assumptions, domain=domain, notes="in scope: none"))
        exempt = {k: v for k, v in {**analysis.exempt, **spec.exemptions}.items()} if spec.id == "PAUSE-01" else {}
        notes = f"in scope: {', '.join(sorted(scope))}"
        if exempt:
            notes += "; exempt: " + "; ".join(f"{k} ({v})" for k, v in sorted(exempt.items()))
        return (Verdict.NO_FINDING, f"no finding in {len(scope)} contract(s) in scope ({', '.join(sorted(scope))})",
                Evidence(assumptions=assumptions, domain=domain, notes=notes))

    def _struct(self, analysis: Analysis, path: Path | None = None) -> tuple[Verdict, str, Evidence]:
        path = path or analysis.root / baseline_mod.FILE_NAME
        entries = baseline_mod.load(path)
        new = [f for f in analysis.builtin if f.baseline_key not in entries]
        found_keys = {f.baseline_key for f in analysis.builtin}
        stale = [e for k, e in entries.items() if k not in found_keys]
        domain = (f"Slither {', '.join(GATED_IMPACTS)}-impact built-in detectors on {analysis.src}/ of "
                  f"{analysis.root}")
        assumptions = (f"triage baseline {path.name}: {len(entries)} entries, each with a reason",)
        notes = f"{len(analysis.builtin) - len(new)} triaged finding(s)"
        if stale:
            notes += f"; {len(stale)} baseline entr(y/ies) no longer found: " + ", ".join(
                f"{e.detector}@{e.contract}.{e.function}" for e in stale[:10])
        if new:
            return (Verdict.VIOLATED, f"{len(new)} unreviewed built-in finding(s), first: {new[0].detector} "
                                      f"{new[0].file}:{new[0].line}",
                    Evidence(counterexample=Counterexample(
                        inputs={"detector": new[0].detector, "location": f"{new[0].file}:{new[0].line}"},
                        explanation="; ".join(f"{f.detector}: {f.message}" for f in new[:MAX_LOCATIONS])),
                        locations=tuple(f.location for f in new[:MAX_LOCATIONS]),
                        assumptions=assumptions, domain=domain, notes=notes))
        return (Verdict.NO_FINDING, f"every built-in finding is triaged ({notes})",
                Evidence(assumptions=assumptions, domain=domain, notes=notes))
