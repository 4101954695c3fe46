"""SlitherChecker verdicts through the shared types, baseline triage, and one-line build errors."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from checkers.base import Severity, Spec, Verdict
from checkers.errors import BuildError
from checkers.engines.slither.engine import SlitherChecker
from checkers.target import Target

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "slither"


def _spec(spec_id: str, contracts: tuple[str, ...] = (), **extra) -> Spec:
    return Spec(id=spec_id, title="t", rationale="r", severity=Severity.HIGH, category="structure",
                contracts=contracts, engines=("slither",), generic=True, **extra)


def test_violated_with_locations(fixture_target: Target) -> None:
    [finding] = SlitherChecker().check(_spec("CCIP-01"), fixture_target, 60)
    assert finding.verdict is Verdict.VIOLATED and finding.target == "slither-fixture"
    located = {(loc.file, loc.contract, loc.function) for loc in finding.evidence.locations}
    assert ("src/ccip/BadReceivers.sol", "BadRouterReceiver", "ccipReceive") in located
    assert all(loc.line > 0 for loc in finding.evidence.locations)


def test_exemptions_in_the_spec_remove_findings(fixture_target: Target) -> None:
    spec = _spec("PAUSE-01", exemptions={"BadPausable.deposit": "fixture exemption",
                                         "BadNsPausable.deposit": "fixture exemption"})
    [finding] = SlitherChecker().check(spec, fixture_target, 60)
    assert finding.verdict is Verdict.NO_FINDING, finding.summary  # a pattern match is never PROVED
    assert finding.evidence.domain and "src/" in finding.evidence.domain
    assert "GoodPausable.emergencyWithdraw" in finding.evidence.notes


def test_named_contract_outside_the_rule_is_vacuous(fixture_target: Target) -> None:
    from checkers.engines.slither.engine import analyse

    clean = replace(analyse(fixture_target.root), custom=[])  # the fixture's findings removed: only scope matters
    verdict, summary, _ = SlitherChecker()._rule(_spec("ACC-02", ("GoodVault",)), clean)
    assert verdict is Verdict.VACUOUS and "GoodVault" in summary  # GoodVault has no admin: ACC-02 not in scope
    verdict, _, evidence = SlitherChecker()._rule(_spec("ACC-02", ("GoodOwned",)), clean)
    assert verdict is Verdict.NO_FINDING and "GoodOwned" in evidence.notes


def test_empty_scope_is_vacuous_on_the_platform_and_not_applicable_in_a_project(fixture_target: Target) -> None:
    """An empty scope once said `PROVED: no finding in 0 contract(s) in scope`."""
    from checkers.engines.slither.engine import analyse

    empty = replace(analyse(fixture_target.root), custom=[], examined={})  # no contract recognised by any rule
    verdict, summary, _ = SlitherChecker()._rule(_spec("CCIP-01", ("Receiver",)), empty)
    assert verdict is Verdict.VACUOUS and "examined nothing" in summary
    verdict, summary, _ = SlitherChecker()._rule(_spec("CCIP-01"), empty)
    assert verdict is Verdict.VACUOUS
    verdict, summary, _ = SlitherChecker()._rule(_spec("CCIP-01", ("Receiver",)), empty, generic=True)
    assert verdict is Verdict.NOT_APPLICABLE and "nothing in scope" in summary
    assert Verdict.NOT_APPLICABLE.passes and not Verdict.VACUOUS.passes


def test_struct_baseline_covers_fixture_and_flags_new(fixture_target: Target, tmp_path: Path) -> None:
    [finding] = SlitherChecker().check(_spec("STRUCT-01"), fixture_target, 60)
    assert finding.verdict is Verdict.NO_FINDING, finding.summary
    data = json.loads((FIXTURE / "slither-baseline.json").read_text())
    dropped = data["findings"].pop()
    (tmp_path / "b.json").write_text(json.dumps(data))
    from checkers.engines.slither.engine import analyse

    verdict, summary, evidence = SlitherChecker()._struct(analyse(fixture_target.root), tmp_path / "b.json")
    assert verdict is Verdict.VIOLATED and dropped["detector"] in summary
    assert evidence.locations[0].file == dropped["file"]


def test_baseline_entry_without_reason_is_an_error(fixture_target: Target, tmp_path: Path) -> None:
    from checkers.errors import ConfigError
    from checkers.engines.slither import baseline

    path = tmp_path / "b.json"
    path.write_text(json.dumps({"findings": [{"detector": "x", "file": "src/A.sol", "reason": " "}]}))
    with pytest.raises(ConfigError, match="empty reason"):
        baseline.load(path)


def test_unknown_spec_is_skipped(fixture_target: Target) -> None:
    [finding] = SlitherChecker().check(_spec("LIQ-01"), fixture_target, 60)
    assert finding.verdict is Verdict.SKIPPED


def _tiny_project(tmp_path: Path, source: str) -> Path:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    toml = (FIXTURE / "foundry.toml").read_text().replace("../../../", str(FIXTURE.parents[2]) + "/")
    (root / "foundry.toml").write_text(toml)
    (root / "src" / "A.sol").write_text(source)
    return root


def test_missing_build_is_one_error_line(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path, "// SPDX-License-Identifier: MIT\npragma solidity 0.8.24;\ncontract A {}\n")
    [finding] = SlitherChecker().check(_spec("CEI-01"), Target(root=root, label="tiny"), 60)
    assert finding.verdict is Verdict.ERROR
    assert "no build-info" in finding.summary and "\n" not in finding.summary


def test_not_a_foundry_project_is_one_error_line(tmp_path: Path) -> None:
    [finding] = SlitherChecker().check(_spec("CEI-01"), Target(root=tmp_path, label="x"), 60)
    assert finding.verdict is Verdict.ERROR and "not a Foundry project" in finding.summary
    assert "\n" not in finding.summary


def test_solidity_error_is_one_build_error_line(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path, "// SPDX-License-Identifier: MIT\npragma solidity 0.8.24;\ncontract A { uint x }\n")
    with pytest.raises(BuildError) as info:
        Target.build(root)
    assert "\n" not in info.value.message and "build failed" in info.value.message
