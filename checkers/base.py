"""Core types every engine, spec and report shares (DESIGN section 4).

Engines never import each other; they meet only in `Finding`.
"""
from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from checkers.target import Target


class Verdict(enum.IntEnum):
    """Outcome of one (spec, engine) check, ordered by badness as DESIGN section 4 lists them."""

    PROVED = 0  # unbounded, for all inputs in the stated domain
    HOLDS_BOUNDED = 1  # no violation within recorded bounds
    VIOLATED = 2  # with a counterexample
    ACCEPTED_RISK = 3  # violated, but a ledger entry explains why and what mitigates it
    UNKNOWN = 4  # timeout, solver unknown, path explosion
    VACUOUS = 5  # assumptions unsatisfiable, or a mutant not caught
    ERROR = 6  # engine or input failure
    SKIPPED = 7  # engine unavailable, stated why

    @property
    def passes(self) -> bool:
        """Whether this verdict lets a required spec pass the gate (exit code 0)."""
        return self in (Verdict.PROVED, Verdict.HOLDS_BOUNDED, Verdict.ACCEPTED_RISK)

    @property
    def inconclusive(self) -> bool:
        """Verdicts that fail the gate only under the strict policy (exit code 3)."""
        return self in (Verdict.UNKNOWN, Verdict.VACUOUS, Verdict.ERROR)


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
    generic: bool = False  # applies to any Foundry project (--project), not only the platform


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
