"""Every known-bad variant under contracts/mutants/ applies strictly to src/, changes it, and compiles (solc's
analysis of the mutated file and every src/ file importing it: the engines' tests build the mutants they run on)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from checkers.mutants import load_mutants, type_errors

MUTANTS = load_mutants()


def test_at_least_ten_mutants() -> None:
    assert len(MUTANTS) >= 10, sorted(MUTANTS)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_compiles_and_differs(name: str, platform_target) -> None:
    mutant = MUTANTS[name]
    original = (platform_target.root / mutant.replaces).read_text()
    patched = mutant.text(platform_target.root)  # strict: a stale patch raises, naming the mutant
    assert patched != original, f"{name} is identical to {mutant.replaces}"
    assert type_errors(mutant, platform_target.root) == [], name


def test_a_mutant_that_does_not_compile_is_reported(platform_target, tmp_path) -> None:
    mutant = MUTANTS["M01_LiquidationLessOrEqual"]
    copy = tmp_path / "Broken.sol"  # a full-copy mutant: its text is the file
    copy.write_text(mutant.text(platform_target.root) + '\ncontract B { function f() public { uint x = "a"; x; } }\n')
    errors = type_errors(replace(mutant, name="broken", path=copy), platform_target.root)
    assert len(errors) == 1 and "TypeError" in errors[0] and mutant.replaces in errors[0], errors
