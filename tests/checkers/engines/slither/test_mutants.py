"""Every structural mutant — one whose @custom:breaks names a spec the slither engine checks — is VIOLATED.

Mutants are discovered at collection time, so mutants landing later are covered without editing this file.
Builds are shared with the other mutant tests (checkers.mutants.build_mutant caches them)."""
from __future__ import annotations

import pytest

from checkers.base import Severity, Spec, Verdict
from checkers.mutants import load_mutants
from checkers.engines.slither.engine import SlitherChecker

SUPPORTED = SlitherChecker().supported_specs()
STRUCTURAL = {name: m for name, m in load_mutants().items() if set(m.breaks) & SUPPORTED}


def _spec(spec_id: str) -> Spec:
    try:
        from specs import all_specs

        return next(s for s in all_specs() if s.id == spec_id)
    except StopIteration:  # spec module not importable yet: a bare declaration is enough for the engine
        return Spec(spec_id, "t", "r", Severity.HIGH, "structure", (), engines=("slither",), generic=True)


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structural_mutant_is_violated(name: str, mutant_builds) -> None:
    mutant = STRUCTURAL[name]
    target = mutant_builds[name]
    for spec_id in sorted(set(mutant.breaks) & SUPPORTED):
        [finding] = SlitherChecker().check(_spec(spec_id), target, 120)
        assert finding.verdict is Verdict.VIOLATED, f"{name} not caught by {spec_id}: {finding.summary}"
        assert finding.evidence.locations, f"{name}/{spec_id}: no source location"


def test_mutant_list_is_discovered() -> None:
    assert all(set(m.breaks) & SUPPORTED for m in STRUCTURAL.values())
