"""Every known-bad variant under contracts/mutants/ applies strictly to src/, changes it, and compiles."""
from __future__ import annotations

import pytest

from checkers.mutants import load_mutants

MUTANTS = load_mutants()


def test_at_least_ten_mutants() -> None:
    assert len(MUTANTS) >= 10, sorted(MUTANTS)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_compiles_and_differs(name: str, platform_target, mutant_builds) -> None:
    mutant = MUTANTS[name]
    original = (platform_target.root / mutant.replaces).read_text()
    patched = mutant.text(platform_target.root)  # strict: a stale patch raises, naming the mutant
    assert patched != original, f"{name} is identical to {mutant.replaces}"
    target = mutant_builds[name]
    assert (target.root / mutant.replaces).read_text() == patched, f"{name}: the build is not of the patched source"
    assert target.artifacts, f"{name}: no artefacts"
