"""The Slither-checked spec declarations: every id of the brief, generic (but CCIP-05 and STRUCT-01, which say why),
bound to the slither engine, and every mutant the catalogue assigns to them exists in contracts/mutants (specs list
only landed mutants, so this test is what fails while one is missing)."""
from __future__ import annotations

import pytest

from checkers.mutants import load_mutants
from checkers.engines.slither.engine import SlitherChecker
from specs import access, automation, ccip, emergency, oracle_reads, structure

MODULES = (ccip, oracle_reads, emergency, access, automation, structure)
IDS = {"CCIP-01", "CCIP-02", "CCIP-03", "CCIP-04", "CCIP-05", "ORCL-10", "PAUSE-01", "ACC-01", "ACC-02",
       "AUTO-01", "CEI-01", "STRUCT-01"}


def test_ids_and_engine() -> None:
    specs = [s for m in MODULES for s in m.SPECS]
    assert {s.id for s in specs} == IDS
    assert all(s.engines == ("slither",) and s.rationale for s in specs)
    # Generic but for a platform policy (CCIP-05) and the platform's triage baseline (STRUCT-01), which say why.
    assert {s.id for s in specs if not s.generic} == {"CCIP-05", "STRUCT-01"}
    assert all(s.platform_only for s in specs if not s.generic)
    assert IDS <= SlitherChecker().supported_specs()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_expected_mutants_have_landed(module) -> None:
    landed = load_mutants()
    for spec in module.SPECS:
        expected = module.EXPECTED_MUTANTS[spec.id]
        missing = [n for n in expected if n not in landed]
        assert not missing, f"{spec.id}: mutants not in contracts/mutants yet: {missing}"
        assert spec.mutants == expected
        for name in expected:
            assert spec.id in landed[name].breaks, f"{name} does not declare @custom:breaks {spec.id}"
