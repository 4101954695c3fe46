"""JUnit XML: one test case per (spec, engine, target); classname = spec id, name = engine [@ target]."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from checkers.base import Verdict
from checkers.results import RunResults
from reports.view import cx_lines, replay_command


def render(results: RunResults) -> str:
    suites = ET.Element("testsuites", name="verify")
    by_target: dict[str, list] = {}
    for c in results.platform_checks():  # findings on mutants are judged by the kill matrix suite below
        by_target.setdefault(c.finding.target, []).append(c)
    titles = {s.id: s.title for s in results.specs}
    for target, checks in by_target.items():
        suite = ET.SubElement(suites, "testsuite", name=f"verify.{target}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        total = 0.0
        for c in checks:
            f = c.finding
            counts["tests"] += 1
            total += f.duration_s
            case = ET.SubElement(suite, "testcase", classname=f.spec_id, name=f.engine,
                                 time=f"{f.duration_s:.3f}")
            text = "\n".join([titles.get(f.spec_id, ""), f.summary, *cx_lines(f),
                              f"replay: {replay_command(f)}" if f.evidence.counterexample else ""]).strip()
            if f.verdict == Verdict.VIOLATED:
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=f"VIOLATED: {f.summary}", type="VIOLATED").text = text
            elif f.verdict in (Verdict.ERROR, Verdict.UNKNOWN, Verdict.VACUOUS):
                if results.strict:
                    counts["errors"] += 1
                    ET.SubElement(case, "error", message=f"{f.verdict.name}: {f.summary}",
                                  type=f.verdict.name).text = text
                else:
                    ET.SubElement(case, "system-out").text = f"{f.verdict.name} (not strict): {text}"
            elif f.verdict == Verdict.SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f.summary)
            else:
                ET.SubElement(case, "system-out").text = f"{f.verdict.name}: {text}"
        for key, value in counts.items():
            suite.set(key, str(value))
        suite.set("time", f"{total:.3f}")
    if results.mutants:
        suite = ET.SubElement(suites, "testsuite", name="verify.mutants", tests=str(len(results.mutants)),
                              failures=str(sum(not m.killed for m in results.mutants)), errors="0", skipped="0")
        for m in results.mutants:
            case = ET.SubElement(suite, "testcase", classname="mutants", name=m.name, time="0")
            if not m.killed:
                why = f"build failed: {m.error}" if m.error else f"not caught by {', '.join(m.missed_by)}"
                ET.SubElement(case, "failure", message=f"mutant survived: {why}", type="SURVIVED").text = \
                    f"{m.description}\nmust be caught by: {', '.join(m.breaks)}"
            else:
                ET.SubElement(case, "system-out").text = "caught by " + ", ".join(
                    f"{s} ({'/'.join(e)})" for s, e in m.caught_by.items())
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
