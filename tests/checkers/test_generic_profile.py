"""The generic profile of --project (issue 13): on a user's project only the generic specs run, the reports say which
platform specs were not applied and why, NOT_APPLICABLE shows where a rule had nothing to look at, and the exit code
covers the generic findings only."""
from __future__ import annotations

import json
from pathlib import Path

import fake_engine
import pytest
from jsonschema import Draft202012Validator
from verify_fixtures import env, spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli, toolchain
from checkers.base import Severity, Spec
from checkers.catalogue import load_catalogue, validate_declarations
from checkers.errors import SpecError
from checkers.profile import generic_profile

SCHEMA = toolchain.REPO_ROOT / "reports" / "schemas" / "results.schema.json"
RECEIVER = Path(__file__).resolve().parent.parent / "fixtures" / "generic_receiver"
# The rules meaningful on any code (changing this set is a decision: docs/verify.md, generic profile).
GENERIC = {"ACC-01", "ACC-02", "AUTO-01", "CCIP-01", "CCIP-02", "CCIP-03", "CCIP-04", "PAUSE-01", "ORCL-10",
           "CEI-01", "UPG-03"}
DECLARED = {"CCIP-05", "STRUCT-01", "UPG-01", "UPG-02"}  # generic kinds kept to the platform, with a reason


def test_the_catalogue_marks_exactly_the_generic_rules() -> None:
    specs = load_catalogue()
    assert {s.id for s in specs if s.generic} == GENERIC
    assert {s.id for s in specs if s.platform_only} == DECLARED
    profile = generic_profile(specs)
    assert set(profile["applied"]) == GENERIC
    assert len(profile["applied"]) + len(profile["not_applied"]) == len(specs)
    declared = {e["spec_id"]: e["reason"] for e in profile["not_applied"] if e["declared"]}
    assert declared.keys() == DECLARED and "3 failures per hour" in declared["CCIP-05"]
    assert all(e["reason"].startswith("checks the platform's contracts (") for e in profile["not_applied"]
               if not e["declared"])


@pytest.mark.parametrize("changes", [{"generic": True, "platform_only": "a policy"}, {"platform_only": "  "}])
def test_platform_only_needs_a_reason_and_is_not_generic(changes) -> None:
    bad = Spec("FIX-09", "t", "r", Severity.LOW, "structure", (), engines=("slither",), **changes)
    with pytest.raises(SpecError, match="FIX-09: platform_only"):
        validate_declarations([bad], {})


def test_exit_code_covers_the_generic_findings_only(env, capsys) -> None:
    """A platform spec that would fail is not applied (and says so); a generic one that fails still fails."""
    fake_engine.BEHAVIOUR.update({"FIX-01": "violated", "FIX-02": "proved"})
    env.set_specs([spec("FIX-01"), spec("FIX-02", ("Vault",), generic=True)])
    assert cli.main([*env.argv("all"), "--project", str(env.root)]) == 0
    data = json.loads((env.out / "results.json").read_text())
    assert [s["spec_id"] for s in data["spec_results"]] == ["FIX-02"] and data["exit_code"] == 0
    assert data["profile"] == {"name": "generic", "applied": ["FIX-02"], "not_applied": [
        {"spec_id": "FIX-01", "reason": "checks the platform's contracts (Counter)", "declared": False}]}
    assert "1 generic specs applied, 1 platform specs not applied" in capsys.readouterr().out
    fake_engine.BEHAVIOUR["FIX-02"] = "violated"
    assert cli.main([*env.argv("all"), "--project", str(env.root), "--no-cache"]) == 1
    assert cli.main([*env.argv("all")]) == 1  # the platform run applies both, and has no profile
    assert json.loads((env.out / "results.json").read_text())["profile"] is None


def test_a_ccip_receiver_without_pause_logic_passes(tmp_path, capsys) -> None:
    """The real catalogue and the slither engine on a user's receiver with no pause, no triage baseline and no
    upgrade baseline: CCIP-05, STRUCT-01 and UPG-* are not applied (they made every real project exit 1)."""
    out = tmp_path / "out"
    argv = ["all", "--project", str(RECEIVER), "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
            "--no-progress", "--jobs", "1"]
    assert cli.main(argv) == 0
    console = capsys.readouterr().out
    data = json.loads((out / "results.json").read_text())
    verdicts = {s["spec_id"]: s["verdict"] for s in data["spec_results"]}
    assert set(verdicts) == GENERIC == {f["spec_id"] for f in data["findings"]}
    nothing_to_check = {"AUTO-01", "PAUSE-01", "ORCL-10", "CEI-01", "UPG-03"}  # UPG-03: nothing upgradeable
    assert {i for i, v in verdicts.items() if v == "NOT_APPLICABLE"} == nothing_to_check
    assert {i for i, v in verdicts.items() if v == "NO_FINDING"} == GENERIC - nothing_to_check
    assert DECLARED <= {e["spec_id"] for e in data["profile"]["not_applied"]}
    Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    platform = len(load_catalogue()) - len(GENERIC)
    header = f"generic profile (--project): {len(GENERIC)} generic specs applied, {platform} platform specs not applied"
    assert header in " ".join(console.split())
    report = (out / "report.md").read_text()
    assert header in report.replace("\\", "") and "## Platform specs not applied" in report
    assert "| CCIP-05 | the pause after more than 3 failures per hour is this platform's emergency policy" in report
    html = (out / "report.html").read_text()
    assert header in html and "Platform specs not applied" in html and "UPG-02" in html
    junit = (out / "junit.xml").read_text()
    assert "CCIP-05" not in junit and "STRUCT-01" not in junit and "UPG-01" not in junit


def test_only_narrows_what_is_reported_as_not_applied(tmp_path) -> None:
    out = tmp_path / "out"
    assert cli.main(["all", "--project", str(RECEIVER), "--only", "CCIP-04,CCIP-05,LIQ-01", "--out", str(out),
                     "--cache-dir", str(tmp_path / "cache"), "--no-progress", "--jobs", "1"]) == 0
    profile = json.loads((out / "results.json").read_text())["profile"]
    assert profile["applied"] == ["CCIP-04"]
    assert [(e["spec_id"], e["declared"]) for e in profile["not_applied"]] == [("CCIP-05", True), ("LIQ-01", False)]
