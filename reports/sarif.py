"""SARIF 2.1.0 for code scanning: one rule per spec, one result per (spec, engine, target) check that ran.

kind/level (SARIF 2.1.0 section 3.27.10: a kind other than `fail` takes level `none`):
  VIOLATED fail/error; ACCEPTED_RISK fail/note with an external suppression carrying the justification;
  PROVED, HOLDS_BOUNDED, NO_FINDING pass/none; NOT_APPLICABLE notApplicable/none; UNKNOWN open/none;
  VACUOUS review/none.
ERROR (the engine or its input failed) and SKIPPED (the engine is unavailable) say nothing about the code: they
are tool execution notifications (level error, and warning or note), not results, and any ERROR makes
`executionSuccessful` false. Every result has a real file:line relative to the project root (reports/locations.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.base import Verdict
from checkers.results import CheckResult, RunResults, SpecResult
from reports.locations import Place, Sources, places
from reports.outcome import check_outcome
from reports.view import cx_lines, replay_command

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_KIND = {
    Verdict.PROVED: ("pass", "none"), Verdict.HOLDS_BOUNDED: ("pass", "none"), Verdict.NO_FINDING: ("pass", "none"),
    Verdict.NOT_APPLICABLE: ("notApplicable", "none"), Verdict.ACCEPTED_RISK: ("fail", "note"),
    Verdict.VIOLATED: ("fail", "error"), Verdict.UNKNOWN: ("open", "none"), Verdict.VACUOUS: ("review", "none"),
}
NOTIFIED = (Verdict.ERROR, Verdict.SKIPPED)
_SECURITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def _location(place: Place) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": place.uri, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": max(1, int(place.line))}}}
    if place.message:
        loc["message"] = {"text": place.message}
    return loc


def _result(c: CheckResult, results: RunResults, sources: Sources, rule_index: dict[str, int]) -> dict[str, Any]:
    f = c.finding
    kind, level = _KIND[f.verdict]
    found = [_location(p) for p in places(f, results, sources)]
    text = f"[{f.verdict.name}] {f.spec_id} ({f.engine}, {f.target}): {f.summary}"
    if f.evidence.counterexample is not None:
        text += " | counterexample: " + "; ".join(cx_lines(f)) + f" | replay: {replay_command(f)}"
    result: dict[str, Any] = {
        "ruleId": f.spec_id, "kind": kind, "level": level, "message": {"text": text}, "locations": found[:1],
        "properties": {"verdict": f.verdict.name, "original_verdict": c.original.name, "engine": f.engine,
                       "target": f.target, "duration_s": f.duration_s, "cached": c.cached},
        "partialFingerprints": {"verifyCheck/v1": f"{f.spec_id}:{f.engine}:{f.target}"},
    }
    if len(found) > 1:
        result["relatedLocations"] = [dict(loc, id=i) for i, loc in enumerate(found[1:], 1)]
    if f.spec_id in rule_index:
        result["ruleIndex"] = rule_index[f.spec_id]
    spec = next((s for s in results.specs if s.id == f.spec_id), None)
    if f.verdict == Verdict.ACCEPTED_RISK and spec is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": spec.accepted_risk or ""}]
    return result


def _notification(c: CheckResult, results: RunResults, summaries: dict[str, SpecResult],
                  rule_index: dict[str, int]) -> dict[str, Any]:
    f = c.finding
    if f.verdict == Verdict.ERROR:
        level = "error"
    else:  # SKIPPED: a warning when it fails the gate (strict, every engine of the spec skipped)
        level = "warning" if check_outcome(c, summaries[f.spec_id], results.strict).status.fails_gate else "note"
    note: dict[str, Any] = {
        "level": level,
        "message": {"text": f"{f.spec_id} ({f.engine}, {f.target}): {f.verdict.name}: {f.summary}"},
        "properties": {"verdict": f.verdict.name, "engine": f.engine, "target": f.target, "spec": f.spec_id},
    }
    if f.spec_id in rule_index:
        note["associatedRule"] = {"id": f.spec_id, "index": rule_index[f.spec_id]}
    return note


def render(results: RunResults, project: Path = toolchain.REPO_ROOT) -> str:
    """`results` with paths already relative (reports.paths); `project` is the real root to read sources from."""
    sources = Sources(project)
    rule_index = {s.id: i for i, s in enumerate(results.specs)}
    rules = [{
        "id": s.id, "name": s.id.replace("-", ""), "shortDescription": {"text": s.title},
        "fullDescription": {"text": s.rationale},
        "defaultConfiguration": {"level": "error" if s.severity.value in ("critical", "high") else "warning"},
        "properties": {"category": s.category, "severity": s.severity.value, "engines": list(s.engines),
                       "security-severity": _SECURITY[s.severity.value], "tags": ["security", s.category]},
    } for s in results.specs]
    checks = results.platform_checks()  # mutant findings are expected violations: the kill matrix has them
    out_results = [_result(c, results, sources, rule_index) for c in checks if c.finding.verdict not in NOTIFIED]
    summaries = {s.spec_id: s for s in results.spec_results()}
    notifications = [_notification(c, results, summaries, rule_index) for c in checks if c.finding.verdict in NOTIFIED]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "verify", "informationUri": "https://example.invalid/ccperp-verify",
                                "semanticVersion": "0.1.0", "rules": rules}},
            "automationDetails": {"id": f"verify/{results.command}/"},
            "versionControlProvenance": [{"repositoryUri": "file:///ccperp-verify",
                                          "revisionId": results.source.get("commit") or "unknown"}],
            "invocations": [{
                "executionSuccessful": not any(c.finding.verdict == Verdict.ERROR for c in checks),
                "exitCode": int(results.exit_code()), "toolExecutionNotifications": notifications,
                "properties": {"tools": results.tools, "strict": results.strict}}],
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the project root"}}},
            "results": out_results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
