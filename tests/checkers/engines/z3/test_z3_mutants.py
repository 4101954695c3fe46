"""Each PerpMath mutant is caught by the specs it names: VIOLATED, by the proof or by a conformance mismatch (the
compiled code departs from the proved model), always with concrete inputs."""
from __future__ import annotations

import pytest

from checkers.base import Verdict
from checkers.mutants import load_mutants

OWN = ("M01_LiquidationLessOrEqual", "M02_InterestIndexDecreases", "M03_PenaltyBeforePool", "M04_SharesRoundUp",
       "M05_FundingAsymmetric", "M06_BreakerOffByOne", "M18_SelectSourceStale")


@pytest.mark.parametrize("name", OWN)
def test_mutant_caught(name, z3_engine, z3_specs, mutant_builds) -> None:
    mutant = load_mutants()[name]
    assert mutant.replaces == "src/libraries/PerpMath.sol"
    named = [spec for spec in z3_specs.values() if name in spec.mutants]
    assert sorted(s.id for s in named) == sorted(mutant.breaks)
    target = mutant_builds[name]
    for spec in named:
        finding = z3_engine.check(spec, target, 10.0)[0]
        assert finding.target == name
        assert finding.verdict == Verdict.VIOLATED, f"{name} not caught by {spec.id}: {finding.verdict.name} {finding.summary}"
        cex = finding.evidence.counterexample
        assert cex.inputs and all(v.lstrip("-").isdigit() or v in ("true", "false") for v in cex.inputs.values())
