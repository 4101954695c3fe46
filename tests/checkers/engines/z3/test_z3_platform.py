"""On the platform every Z3 spec is PROVED, except the two naive readings, VIOLATED with Alice's numbers."""
from __future__ import annotations

import pytest

from checkers.base import Verdict
from checkers.engines.z3 import conformance
from checkers.engines.z3.registry import MODELS, OBLIGATIONS

NAIVE = {"SOLV-03", "LIQ-05"}
WAD, USDC = 10**18, 10**6


@pytest.fixture(scope="module")
def platform_findings(platform_target, z3_engine, z3_specs):
    return {sid: z3_engine.check(spec, platform_target, 10.0)[0] for sid, spec in sorted(z3_specs.items())}


def test_every_spec_has_an_obligation(z3_specs) -> None:
    assert set(z3_specs) == set(OBLIGATIONS)


@pytest.mark.parametrize("spec_id", sorted(set(OBLIGATIONS) - NAIVE))
def test_proved_on_platform(spec_id, platform_findings) -> None:
    finding = platform_findings[spec_id]
    assert finding.verdict == Verdict.PROVED, finding.summary
    assert "model and bytecode agree on" in finding.summary  # PROVED names its conformance evidence
    assert finding.engine == "z3" and finding.target == "platform"
    assert finding.evidence.domain and finding.evidence.assumptions and finding.evidence.locations
    assert int(finding.evidence.bounds["conformance_inputs"]) >= 200


@pytest.mark.parametrize("spec_id", sorted(NAIVE))
def test_naive_readings_violated_with_alice(spec_id, platform_findings, z3_specs) -> None:
    finding = platform_findings[spec_id]
    assert finding.verdict == Verdict.VIOLATED, finding.summary  # the runner maps it to ACCEPTED_RISK
    assert z3_specs[spec_id].accepted_risk
    cex = finding.evidence.counterexample
    assert cex is not None
    assert cex.inputs["collateral"] == str(10_000 * USDC)
    assert cex.inputs["entryPrice"] == str(50_000 * WAD)
    assert cex.inputs["price"] == str(42_500 * WAD)
    assert cex.state["value"] == str(85_000 * USDC)
    assert int(cex.state["owed"]) >= 90_000 * USDC
    assert "85,000" in cex.explanation and "90,000" in cex.explanation


def test_alice_shortfall_split(platform_findings) -> None:
    state = platform_findings["SOLV-03"].evidence.counterexample.state
    assert int(state["repaid"]) == 85_000 * USDC
    assert int(state["repaid"]) + int(state["covered"]) + int(state["badDebt"]) == int(state["owed"])
    assert state["penalty"] == "0"  # nothing is left for the penalty after the pool


def test_conformance_covers_every_function(platform_target) -> None:
    report = conformance.run(platform_target)
    assert report.error is None
    assert report.mismatches == {}
    assert set(report.calls) == set(MODELS)
    assert all(n >= conformance.RANDOM_PER_FUNCTION for n in report.calls.values()), report.calls


def test_conformance_counterexample_calls_replayed(platform_target) -> None:
    calls = [("liquidationSplit", (85_000 * USDC, 90_000 * USDC, 10_000 * USDC, 500, 0)),
             ("breachesCircuitBreaker", (50_000 * WAD, 42_500 * WAD, 1_000))]
    assert conformance.check_calls(platform_target, calls) is None


def test_interim_command_lists_and_runs(platform_target, capsys) -> None:
    from checkers.engines.z3.__main__ import main

    assert main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert all(sid in listed for sid in OBLIGATIONS)
    code = main(["SOLV-02", "SOLV-03", "--project", str(platform_target.root), "--no-build"])
    out = capsys.readouterr().out
    assert code == 0
    assert "SOLV-02  PROVED" in out and "SOLV-03  ACCEPTED_RISK" in out and "counterexample:" in out
