"""JUnit XML: one test case per (spec, engine, target); classname = spec id, name = engine.

A test case fails exactly when its check fails the gate under the run's policy (reports/outcome.py): VIOLATED is a
<failure>; what fails only under strict (ERROR, VACUOUS, an UNKNOWN no engine decided, a spec every engine
skipped) is an <error> under strict and <skipped> otherwise. Surviving mutants and verdicts that got worse in
`verify diff` get their own suites, judged the same way.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from checkers.results import RunResults
from reports.outcome import Outcome, Status, certificate_cell, certificate_outcome, check_outcome, mutant_outcome, \
    unchecked_spec_outcome
from reports.view import cx_lines, evidence_items, replay_command

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0, even escaped


def _clean(text: str) -> str:
    return _XML_INVALID.sub("?", text)


class _Suite:
    def __init__(self, parent: ET.Element, name: str) -> None:
        self.element = ET.SubElement(parent, "testsuite", name=name)
        self.counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self.time = 0.0

    def case(self, classname: str, name: str, outcome: Outcome, detail: str, time: float = 0.0) -> None:
        self.counts["tests"] += 1
        self.time += time
        case = ET.SubElement(self.element, "testcase", classname=_clean(classname), name=_clean(name),
                             time=f"{time:.3f}")
        if outcome.status.fails_gate:  # <failure> or <error>, with the evidence as its text
            self.counts["failures" if outcome.status == Status.FAILURE else "errors"] += 1
            ET.SubElement(case, outcome.status.value, message=_clean(outcome.reason),
                          type=_clean(outcome.kind)).text = _clean(detail)
            return
        if outcome.status == Status.SKIPPED:
            self.counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=_clean(outcome.reason))
        if detail:
            ET.SubElement(case, "system-out").text = _clean(detail)

    def close(self) -> None:
        for key, value in self.counts.items():
            self.element.set(key, str(value))
        self.element.set("time", f"{self.time:.3f}")


def render(results: RunResults) -> str:
    suites = ET.Element("testsuites", name="verify")
    titles = {s.id: s.title for s in results.specs}
    summaries = {s.spec_id: s for s in results.spec_results()}
    by_target: dict[str, list] = {}
    for c in results.platform_checks():  # findings on mutants are judged by the kill matrix suite below
        by_target.setdefault(c.finding.target, []).append(c)
    checked = {c.finding.spec_id for c in results.platform_checks()}
    main = next(iter(results.targets), "platform")
    for spec_id in summaries.keys() - checked:
        by_target.setdefault(main, [])
    for target, checks in by_target.items():
        suite = _Suite(suites, f"verify.{target}")
        for c in checks:
            f = c.finding
            evidence = evidence_items(f, results.targets.get(f.target, ""))
            lines = [f"{f.verdict.name}: {f.summary}", titles.get(f.spec_id, ""), *cx_lines(f),
                     *(f"{label}: {text}" for label, text in evidence)]
            if f.evidence.counterexample is not None:
                lines.append(f"replay: {replay_command(f)}")
            suite.case(f.spec_id, f.engine, check_outcome(c, summaries[f.spec_id], results.strict),
                       "\n".join(line for line in lines if line), f.duration_s)
        if target == main:
            for spec_id in sorted(summaries.keys() - checked):
                suite.case(spec_id, "(no engine)", unchecked_spec_outcome(summaries[spec_id], results.strict),
                           titles.get(spec_id, ""))
        suite.close()
    if results.mutants:
        suite = _Suite(suites, "verify.mutants")
        for m in results.mutants:
            suite.case("mutants", m.name, mutant_outcome(m, results.strict),
                       f"{m.description}\nmust be caught by: {', '.join(m.breaks)}")
        suite.close()
    if results.diff and results.diff.get("verdicts"):
        suite = _Suite(suites, f"verify.diff.{results.diff.get('base')}")
        worse = set(results.diff.get("worse") or ())
        for spec_id, change in results.diff["verdicts"].items():
            text = f"{change.get('base')} -> {change.get('head')}"
            outcome = Outcome(Status.FAILURE, "WORSE", f"verdict got worse: {text}") if spec_id in worse else \
                Outcome(Status.PASS, "UNCHANGED" if change.get("base") == change.get("head") else "CHANGED", text)
            suite.case("diff", spec_id, outcome, text)
        suite.close()
    if results.diff and results.diff.get("certificate"):
        suite = _Suite(suites, f"verify.certificate.{results.diff.get('base')}")
        for e in results.diff["certificate"]:
            suite.case("certificate", f"{e['contract']}.{e['signature']}", certificate_outcome(e, results.strict),
                       f"{e['selector']} {e['status']}: {certificate_cell(e)}")
        suite.close()
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
