"""Core types every engine, spec and report shares (docs/architecture.md).

Engines never import each other; they meet only in `Finding`.
"""
from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from checkers.target import Target


class Verdict(enum.IntEnum):
    """Outcome of one (spec, engine) check. The integer order is the *display* order (best first, worst last);
    it never decides the gate: `checkers.results.gate` does, from the evidence (docs/verify.md, "Verdicts").

    Words say exactly what was shown:
      PROVED          unbounded: a Z3 proof over the stated domain (with its conformance evidence), or an exact
                      layout / selector comparison
      HOLDS_BOUNDED   no violation within the recorded bounds, and every action claimed was exercised
      NO_FINDING      a structural rule (pattern match over the code) found no instance in a non-empty scope;
                      not a proof of runtime behaviour
      NOT_APPLICABLE  the rule had nothing in scope in a generic (--project) run
      ACCEPTED_RISK   violated, but a ledger entry explains why and what mitigates it
      VIOLATED        with a counterexample
      UNKNOWN         timeout, solver unknown, path explosion
      VACUOUS         nothing was exercised (empty scope on the platform, an action that never succeeded), or a
                      mutant not caught
      ERROR           engine or input failure
      SKIPPED         engine unavailable, stated why
    """

    PROVED = 0
    HOLDS_BOUNDED = 1
    NO_FINDING = 2
    NOT_APPLICABLE = 3
    ACCEPTED_RISK = 4
    VIOLATED = 5
    UNKNOWN = 6
    VACUOUS = 7
    ERROR = 8
    SKIPPED = 9

    @property
    def passes(self) -> bool:
        """Whether this verdict lets a required spec pass the gate (exit code 0)."""
        return self in PASSING

    @property
    def inconclusive(self) -> bool:
        """Verdicts that fail the gate only under the strict policy (exit code 3)."""
        return self in (Verdict.UNKNOWN, Verdict.VACUOUS, Verdict.ERROR)

    @property
    def holds(self) -> bool:
        """A check that looked and found nothing wrong (the opposite side of a cross-engine disagreement)."""
        return self in (Verdict.PROVED, Verdict.HOLDS_BOUNDED, Verdict.NO_FINDING)


PASSING = frozenset({Verdict.PROVED, Verdict.HOLDS_BOUNDED, Verdict.NO_FINDING, Verdict.NOT_APPLICABLE,
                     Verdict.ACCEPTED_RISK})

# One line per verdict for legends (console, Markdown, HTML) and docs: the definitions above, in users' words.
LEGEND: dict[Verdict, str] = {
    Verdict.PROVED: "unbounded proof over the stated domain (Z3, with the model's conformance to the bytecode "
                    "stated), or an exact layout/selector comparison",
    Verdict.HOLDS_BOUNDED: "no violation within the recorded bounds (runs, depth, budget); every action claimed "
                           "succeeded at least once",
    Verdict.NO_FINDING: "a structural rule found no instance in its (named) scope; not a proof of runtime behaviour",
    Verdict.NOT_APPLICABLE: "the rule had nothing in scope in this project (generic mode)",
    Verdict.ACCEPTED_RISK: "violated, but the accepted-risk ledger explains why and what mitigates it",
    Verdict.VIOLATED: "a counterexample was found (concrete values, replay test where the engine makes one)",
    Verdict.UNKNOWN: "inconclusive: timeout, solver unknown or path explosion; never a pass",
    Verdict.VACUOUS: "nothing was exercised (empty scope, an action that never succeeded) or a mutant survived",
    Verdict.ERROR: "the engine or its input failed",
    Verdict.SKIPPED: "the engine is unavailable here (reason stated)",
}


class Severity(enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


@dataclass(frozen=True)
class Spec:
    """A frozen declaration of one property. Engines bind to it by `id`."""

    id: str  # stable, e.g. "SOLV-01"
    title: str
    rationale: str  # why it matters, with the incident or reference it comes from
    severity: Severity
    category: str  # solvency, liquidation, lending, oracle, ccip, emergency, access, upgrade
    contracts: tuple[str, ...]  # contract names as compiled, e.g. ("PerpetualTrading",)
    functions: tuple[str, ...] = ()  # "Contract.function" names the spec concerns
    engines: tuple[str, ...] = ()  # engine names, e.g. ("z3", "slither")
    mutants: tuple[str, ...] = ()  # mutant names (file stems under contracts/mutants/) that must violate it
    accepted_risk: str | None = None  # justification when a violation is accepted and mitigated
    exemptions: Mapping[str, str] = field(default_factory=dict)  # "Contract.function" -> reason
    generic: bool = False  # applies to any Foundry or Hardhat project (--project), not only the platform
    # Why a spec of a generic kind (a CCIP or structure rule) still applies to the platform only: a platform policy
    # or a committed platform baseline. Said in --project reports; None for generic specs and for specs whose
    # platform contracts say it.
    platform_only: str | None = None


@dataclass(frozen=True)
class SourceLocation:
    file: str  # path relative to the project root
    line: int
    contract: str | None = None
    function: str | None = None
    end_line: int | None = None


@dataclass(frozen=True)
class Counterexample:
    """Concrete values that violate a spec, in the contract's units."""

    inputs: Mapping[str, str]  # name -> value as a decimal string (exact, no float)
    call_sequence: tuple[str, ...] = ()  # e.g. ("deposit(100)", "withdraw(100)")
    state: Mapping[str, str] = field(default_factory=dict)  # observed values after the sequence
    explanation: str = ""


@dataclass(frozen=True)
class Evidence:
    counterexample: Counterexample | None = None
    replay_test: str | None = None  # path of a generated Foundry test that reproduces the finding
    replay_command: str | None = None
    solver: str | None = None
    bounds: Mapping[str, str] = field(default_factory=dict)  # e.g. {"tx_depth": "2", "fuzz_runs": "256"}
    assumptions: tuple[str, ...] = ()
    domain: str | None = None  # the input domain a proof covers
    locations: tuple[SourceLocation, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Finding:
    spec_id: str
    engine: str
    verdict: Verdict
    summary: str  # one line an auditor reads first
    evidence: Evidence = field(default_factory=Evidence)
    duration_s: float = 0.0
    target: str = "platform"  # "platform", a mutant name, or a project path


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str = ""


class Checker(ABC):
    """One engine. Subclasses declare metadata as class constants, in Slither's detector style."""

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]

    @abstractmethod
    def available(self) -> Availability:
        """Whether the engine can run here; when not, the reason (e.g. "yices-smt2 not found")."""

    @abstractmethod
    def supported_specs(self) -> frozenset[str]:
        """Spec ids this engine has an implementation for."""

    @abstractmethod
    def check(self, spec: Spec, target: "Target", timeout_s: float) -> list[Finding]:
        """Check one spec on one target. Must not raise for engine failures: return ERROR findings."""

    def prepare(self, target: "Target") -> None:
        """Per-target set-up a batch of checks shares (an engine's own build of the harnesses), run once by the
        runner's worker before the batch and outside every check's clock: a cold build must not eat the budget
        of the first check (and turn it UNKNOWN). Raise to fail it; every check of the batch then reports ERROR
        with the reason. It depends on the project alone, so `python -m checkers.prebuild` may run it ahead of the
        first run. Default: nothing to prepare."""

    def prepare_batch(self, target: "Target", specs: "Sequence[Spec]") -> None:
        """The set-up of one batch: what the runner's worker calls, with the batch's (uncached) specs, under the
        same rules as prepare(). For an engine whose shared work depends on which checks run (the equivalence
        engine compares only the selectors of the batch). Default: prepare(target)."""
        self.prepare(target)
