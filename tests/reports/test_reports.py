"""Every report format: SARIF and JSON validated against their schemas, JUnit parsed, HTML has the matrix."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from sample_results import sample

import reports
from checkers.results import from_json, to_json
from reports import FILES, render, write_reports

SCHEMAS = Path(reports.__file__).parent / "schemas"


def test_sarif_validates_against_the_official_schema() -> None:
    schema = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text())
    log = json.loads(render(sample(), "sarif"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    # 12 platform checks: the ERROR and the SKIPPED one are tool notifications; mutant findings stay out
    assert len(results) == 10 and all(r["locations"] for r in results)
    by = {(r["ruleId"], r["properties"]["engine"], r["properties"]["target"]): r for r in results}
    violated = by[("LIQ-01", "halmos", "platform")]
    assert (violated["kind"], violated["level"]) == ("fail", "error")
    uri = violated["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "contracts/src/LiquidationEngine.sol"
    accepted = by[("SOLV-03", "z3", "platform")]
    assert accepted["suppressions"][0]["justification"].startswith("the insurance fund")
    assert by[("LIQ-01", "z3", "platform")]["kind"] == "pass"


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The validation above can fail: a result without a message is refused."""
    schema = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text())
    log = json.loads(render(sample(), "sarif"))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_json_validates_and_round_trips() -> None:
    schema = json.loads((SCHEMAS / "results.schema.json").read_text())
    data = json.loads(render(sample(), "json"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == "2.0" and data["exit_code"] == 1
    again = to_json(from_json(data))
    assert again == data
    named = json.loads(json.dumps(data))
    named["specs"][0]["id"] = "INT-POOL-01"  # the integrity specs' three-part ids (checkers.catalogue.SPEC_ID)
    jsonschema.Draft202012Validator(schema).validate(named)
    data["findings"][0]["verdict"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_junit_has_one_testcase_per_spec_and_engine() -> None:
    root = ET.fromstring(render(sample(), "junit"))
    cases = root.findall(".//testcase")
    assert len(cases) == 12 + 2  # platform spec x engine, then one per mutant
    platform = root.find("testsuite[@name='verify.platform']")
    assert platform is not None
    assert (platform.get("tests"), platform.get("failures"), platform.get("errors"), platform.get("skipped")) == \
        ("12", "1", "4", "1")
    failure = platform.find("testcase[@classname='LIQ-01'][@name='halmos']/failure")
    assert failure is not None and "collateral = 10000000000000000000000" in failure.text
    assert "forge test --match-path test/replay/LIQ01.t.sol" in failure.text
    mutants = root.find("testsuite[@name='verify.mutants']")
    assert mutants.get("failures") == "1"
    assert mutants.find("testcase[@name='M99_Survivor']/failure").get("message") == \
        "mutant survived: not caught by CCIP-02"


def test_html_is_self_contained_with_the_matrix() -> None:
    html = render(sample(), "html")
    assert "Traceability matrix" in html and "<table>" in html
    for spec_id in ("LIQ-01", "SOLV-03", "LEND-01", "ORCL-03", "SEQ-01", "CCIP-02", "FUND-01", "UPG-01", "PAUSE-01"):
        assert f">{spec_id}<" in html
    for engine in ("z3", "halmos", "manticore", "slither", "upgrade"):
        assert f">{engine}</th>" in html
    assert "engines disagree: halmos found a violation, z3 found none (PROVED)" in html
    assert "forge test --match-path test/replay/LIQ01.t.sol -vvvv" in html
    assert "the insurance fund and the bad-debt record" in html and "rate_bits=64" in html
    assert "0123456789abcdef" in html and "M99_Survivor" in html and "survived" in html
    assert "&lt;title&gt; &amp; more" in html  # escaped
    assert "http://" not in html.replace("http://json-schema", "") and "<link" not in html and "<script" not in html


def test_markdown_sections() -> None:
    md = render(sample(), "md")
    for section in ("## Traceability matrix", "## Counterexamples", "## Assumptions and bounds ledger",
                    "## Accepted-risk ledger", "## Mutant kill matrix", "## Tools and versions"):
        assert section in md
    assert "| LIQ-01 |" in md


def test_reports_are_written_atomically(tmp_path: Path, monkeypatch) -> None:
    write_reports(sample(), tmp_path, ["md", "html"])
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert set(before) == {FILES["json"], FILES["md"], FILES["html"]}

    def boom(_):
        raise RuntimeError("template broke")

    monkeypatch.setattr("reports.html.render", boom)
    changed = sample()
    changed.command = "check"
    with pytest.raises(RuntimeError):
        write_reports(changed, tmp_path, ["md", "html"])
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before, "no partial or mixed reports"
