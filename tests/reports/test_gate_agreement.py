"""JUnit and SARIF agree with the gate: a CI dashboard is red exactly when `verify` exits non-zero."""
from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET

import pytest

from checkers.base import Finding, Severity, Spec, Verdict
from checkers.results import CheckResult, MutantResult, RunResults
from reports import render


def _spec(spec_id: str, engines: tuple[str, ...] = ("z3", "halmos")) -> Spec:
    return Spec(id=spec_id, title=f"{spec_id} title", rationale="why", severity=Severity.HIGH, category="c",
                contracts=(), engines=engines)


def _results(verdicts: dict[str, Verdict], strict: bool, mutants: list[MutantResult] | None = None,
             diff: dict | None = None) -> RunResults:
    checks = [CheckResult(Finding("LIQ-01", engine, v, f"{engine} said {v.name}"), v) for engine, v in verdicts.items()]
    return RunResults(command="all", specs=[_spec("LIQ-01")], checks=checks, targets={"platform": "contracts"},
                      strict=strict, mutants=mutants or [], diff=diff)


def _junit(results: RunResults) -> ET.Element:
    return ET.fromstring(render(results, "junit"))


def _red(root: ET.Element) -> int:
    """Failures + errors over every suite, counted from the elements (not the attributes)."""
    return len(root.findall(".//testcase/failure")) + len(root.findall(".//testcase/error"))


def _outcome(root: ET.Element, engine: str) -> str:
    case = root.find(f".//testcase[@classname='LIQ-01'][@name='{engine}']")
    assert case is not None
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "pass"


VERDICTS = list(Verdict)


@pytest.mark.parametrize("strict", [True, False])
def test_junit_is_red_exactly_when_the_gate_fails(strict: bool) -> None:
    """Every pair of verdicts from two engines on one spec, under both policies."""
    disagreements = []
    for a, b in itertools.product(VERDICTS, VERDICTS):
        results = _results({"z3": a, "halmos": b}, strict)
        root = _junit(results)
        gate_red = int(results.exit_code()) != 0
        if (_red(root) > 0) != gate_red:
            disagreements.append(f"{a.name}+{b.name}: exit {int(results.exit_code())}, junit red {_red(root)}")
        suite = root.find("testsuite")
        assert int(suite.get("failures")) + int(suite.get("errors")) == _red(root)
    assert not disagreements, "\n".join(disagreements)


def test_unknown_is_skipped_when_not_strict_and_an_error_when_it_decides_the_gate() -> None:
    assert _outcome(_junit(_results({"z3": Verdict.UNKNOWN}, strict=False)), "z3") == "skipped"
    assert _outcome(_junit(_results({"z3": Verdict.UNKNOWN}, strict=True)), "z3") == "error"
    # beside a proof the spec is decided: the gate is green (exit 0), so is the dashboard
    both = _junit(_results({"z3": Verdict.PROVED, "halmos": Verdict.UNKNOWN}, strict=True))
    assert _outcome(both, "halmos") == "skipped" and _red(both) == 0
    message = both.find(".//testcase[@name='halmos']/skipped").get("message")
    assert message.startswith("UNKNOWN: halmos said UNKNOWN") and "decided by the other engines" in message


def test_inconclusive_verdicts_fail_only_under_strict() -> None:
    for verdict in (Verdict.ERROR, Verdict.VACUOUS):
        assert _outcome(_junit(_results({"z3": verdict}, strict=True)), "z3") == "error"
        assert _outcome(_junit(_results({"z3": verdict}, strict=False)), "z3") == "skipped"
    assert _outcome(_junit(_results({"z3": Verdict.VIOLATED}, strict=False)), "z3") == "failure"


def test_skipped_and_not_applicable_have_their_reason() -> None:
    root = _junit(_results({"z3": Verdict.NOT_APPLICABLE, "halmos": Verdict.SKIPPED}, strict=True))
    assert root.find(".//testcase[@name='z3']/skipped").get("message") == "not applicable: z3 said NOT_APPLICABLE"
    assert root.find(".//testcase[@name='halmos']/skipped").get("message") == "SKIPPED: halmos said SKIPPED"
    # every engine skipped: the strict gate exits 3, so the check is an error, not a quiet skip
    alone = _junit(_results({"halmos": Verdict.SKIPPED}, strict=True))
    assert _outcome(alone, "halmos") == "error"
    for verdict in (Verdict.NO_FINDING, Verdict.PROVED, Verdict.HOLDS_BOUNDED, Verdict.ACCEPTED_RISK):
        assert _outcome(_junit(_results({"z3": verdict}, strict=True)), "z3") == "pass"


@pytest.mark.parametrize("strict", [True, False])
def test_surviving_mutants_and_worse_diffs_follow_the_gate(strict: bool) -> None:
    survivor = MutantResult("M99", "src/X.sol", "no check", ("LIQ-01",), {}, ("LIQ-01",))
    results = _results({"z3": Verdict.PROVED}, strict, mutants=[survivor])
    assert (int(results.exit_code()) != 0) == strict
    assert (_red(_junit(results)) > 0) == strict
    worse = _results({"z3": Verdict.PROVED}, strict,
                     diff={"base": "v1", "lines": [], "worse": ["LIQ-01"],
                           "verdicts": {"LIQ-01": {"base": "PROVED", "head": "VACUOUS"}}})
    assert int(worse.exit_code()) == 1
    root = _junit(worse)
    assert root.find(".//testsuite[@name='verify.diff.v1']/testcase[@name='LIQ-01']/failure") is not None


def test_a_spec_no_engine_checked_is_a_test_case() -> None:
    results = RunResults(command="all", specs=[_spec("LIQ-01"), _spec("ORCL-02")],
                         checks=[CheckResult(Finding("LIQ-01", "z3", Verdict.PROVED, "ok"), Verdict.PROVED)],
                         targets={"platform": "contracts"}, strict=True)
    assert int(results.exit_code()) == 3
    root = _junit(results)
    assert root.find(".//testcase[@classname='ORCL-02']/error") is not None and _red(root) == 1


def _sarif(results: RunResults) -> dict:
    return json.loads(render(results, "sarif"))["runs"][0]


def test_sarif_levels_are_none_for_every_kind_but_fail() -> None:
    for verdict in Verdict:
        run = _sarif(_results({"z3": verdict}, strict=True))
        for result in run["results"]:
            assert result["kind"] == "fail" or result["level"] == "none", (verdict, result["kind"], result["level"])
    assert _sarif(_results({"z3": Verdict.NO_FINDING}, True))["results"][0]["kind"] == "pass"
    assert _sarif(_results({"z3": Verdict.NOT_APPLICABLE}, True))["results"][0]["kind"] == "notApplicable"


def test_sarif_engine_errors_are_notifications_and_execution_fails() -> None:
    run = _sarif(_results({"z3": Verdict.ERROR, "halmos": Verdict.PROVED}, strict=False))
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [r["properties"]["verdict"] for r in run["results"]] == ["PROVED"], "ERROR is not a code alert"
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("LIQ-01 (z3, platform): ERROR")
    assert note["associatedRule"] == {"id": "LIQ-01", "index": 0}
    ok = _sarif(_results({"z3": Verdict.PROVED, "halmos": Verdict.SKIPPED}, strict=True))["invocations"][0]
    assert ok["executionSuccessful"] is True
    assert [n["level"] for n in ok["toolExecutionNotifications"]] == ["note"]
