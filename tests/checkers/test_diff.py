"""checkers/diff.py: which base build a diff needs, and which certificate comparisons `--only` keeps."""
from __future__ import annotations

from checkers.base import Severity, Spec
from checkers.diff import _compares, _eq_selected, _runs_tests


def _spec(id: str, *engines: str) -> Spec:
    return Spec(id=id, title=id, rationale="", severity=Severity.LOW, category="upgrade", contracts=("C",),
                engines=engines)


def test_upgrade_checks_alone_need_only_the_base_sources():
    assert not _runs_tests([_spec("UPG-03", "upgrade")])
    assert not _runs_tests([])


def test_any_other_engine_needs_the_base_tests_built():
    assert _runs_tests([_spec("UPG-03", "upgrade"), _spec("INT-TRADE-01", "props")])
    assert _runs_tests([_spec("SOLV-01", "z3", "halmos")])


def test_only_keeps_all_one_contract_or_one_comparison():
    eq = [_spec("EQV-PerpetualTrading.pool()"), _spec("EQV-PerpetualTrading.oracle()"),
          _spec("EQV-CrossChainVault.router()")]
    assert _eq_selected(eq, None) == eq
    assert _eq_selected(eq, ["eqv"]) == eq
    assert _eq_selected(eq, ["EQV-PerpetualTrading"]) == eq[:2]
    assert _eq_selected(eq, ["EQV-CrossChainVault.router()"]) == eq[2:]
    assert _eq_selected(eq, ["UPG"]) == []


def test_the_relocation_argument_is_made_only_when_selectors_are_compared():
    assert _compares(None) and _compares(()) and _compares(("UPG", "EQV")) and _compares(("eqv-Book",))
    assert not _compares(("UPG",)) and not _compares(("UPG-03", "LIQ-01"))
