"""The Z3 specs' declarations validate; malformed declarations are rejected with a message naming the spec."""
from __future__ import annotations

import dataclasses

import pytest

from checkers.base import Severity, Spec
from checkers.catalogue import validate_against_target, validate_declarations
from checkers.errors import SpecError
from checkers.mutants import load_mutants
from specs import funding, lending, liquidation, oracle, solvency

Z3_SPECS = tuple(s for m in (solvency, liquidation, lending, funding, oracle) for s in m.SPECS)
EXPECTED = {"SOLV-02", "SOLV-03", "LIQ-01", "LIQ-02", "LIQ-03", "LIQ-04", "LIQ-05", "LEND-01", "LEND-02", "LEND-03",
            "LEND-04", "FUND-01", "FUND-02", "ORCL-01", "ORCL-02", "ORCL-03", "ORCL-04", "ORCL-05"}


def _own_mutants():
    return {n: m for n, m in load_mutants().items() if m.replaces == "src/libraries/PerpMath.sol"}


def test_ids_and_accepted_risks() -> None:
    assert {s.id for s in Z3_SPECS} == EXPECTED
    assert {s.id for s in Z3_SPECS if s.accepted_risk} == {"SOLV-03", "LIQ-05"}
    assert all(s.engines == ("z3",) and s.rationale for s in Z3_SPECS)


def test_declarations_validate() -> None:
    assert len(validate_declarations(Z3_SPECS, _own_mutants())) == len(EXPECTED)


def test_names_exist_in_compiled_target(platform_target) -> None:
    validate_against_target(Z3_SPECS, platform_target)


def _bad(**changes) -> Spec:
    return dataclasses.replace(Z3_SPECS[0], **changes)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"engines": ("z4",)}, "spec SOLV-02: unknown engine 'z4'"),
        ({"mutants": ("M99_Nope",)}, "spec SOLV-02: unknown mutant 'M99_Nope'"),
        ({"id": "solv2"}, "spec solv2: id must look like ABC-01"),
        ({"accepted_risk": "  "}, "spec SOLV-02: accepted_risk needs a justification"),
        ({"functions": ("liquidationSplit",)}, "must be written Contract.function"),
    ],
)
def test_malformed_spec_rejected(changes, message) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_declarations((_bad(**changes),), _own_mutants())


def test_unknown_function_rejected_against_target(platform_target) -> None:
    spec = _bad(functions=("PerpMathHarness.noSuchFunction",))
    with pytest.raises(SpecError, match="spec SOLV-02: PerpMathHarness has no function 'noSuchFunction'"):
        validate_against_target((spec,), platform_target)


def test_severity_is_declared() -> None:
    assert all(isinstance(s.severity, Severity) for s in Z3_SPECS)
