"""SARIF 2.1.0 for code scanning: one rule per spec, one result per (spec, engine, target) finding.

kind/level: VIOLATED fail/error; ACCEPTED_RISK fail/note with an external suppression carrying the
justification; UNKNOWN open/warning; VACUOUS review/warning; ERROR fail/warning (a tool failure, not a code
defect); SKIPPED notApplicable/none; PROVED and HOLDS_BOUNDED pass/none. Every result has a location (the
finding's own, else the declaration of the first contract the spec names).
"""
from __future__ import annotations

import json
from typing import Any

from checkers.base import Verdict
from checkers.results import RunResults
from reports.view import cx_lines, replay_command

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_KIND = {
    Verdict.PROVED: ("pass", "none"), Verdict.HOLDS_BOUNDED: ("pass", "none"), Verdict.VIOLATED: ("fail", "error"),
    Verdict.ACCEPTED_RISK: ("fail", "note"), Verdict.UNKNOWN: ("open", "warning"),
    Verdict.VACUOUS: ("review", "warning"), Verdict.ERROR: ("fail", "warning"),
    Verdict.SKIPPED: ("notApplicable", "none"), Verdict.NO_FINDING: ("pass", "none"),
    Verdict.NOT_APPLICABLE: ("notApplicable", "none"),
}
_SECURITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def _location(file: str, line: int, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": max(1, int(line))}}}
    if message:
        loc["message"] = {"text": message}
    return loc


def render(results: RunResults) -> str:
    specs = {s.id: s for s in results.specs}
    rule_index = {s.id: i for i, s in enumerate(results.specs)}
    rules = [{
        "id": s.id, "name": s.id.replace("-", ""), "shortDescription": {"text": s.title},
        "fullDescription": {"text": s.rationale},
        "defaultConfiguration": {"level": "error" if s.severity.value in ("critical", "high") else "warning"},
        "properties": {"category": s.category, "severity": s.severity.value, "engines": list(s.engines),
                       "security-severity": _SECURITY[s.severity.value], "tags": ["security", s.category]},
    } for s in results.specs]
    roots = results.targets
    out_results = []
    for c in results.platform_checks():  # mutant findings are expected violations: the kill matrix has them
        f = c.finding
        spec = specs.get(f.spec_id)
        kind, level = _KIND[f.verdict]
        root = roots.get(f.target, "")
        locations = [_location(f"{root}/{loc.file}".lstrip("/") if root and not loc.file.startswith(root) else loc.file,
                               loc.line) for loc in f.evidence.locations]
        if not locations:
            locations = [_location(loc["file"], loc["line"]) for loc in results.locations.get(f.spec_id, [])]
        if not locations:
            locations = [_location("pyproject.toml", 1, "spec names no contract")]
        text = f"[{f.verdict.name}] {f.spec_id} ({f.engine}, {f.target}): {f.summary}"
        if f.evidence.counterexample is not None:
            text += " | counterexample: " + "; ".join(cx_lines(f)) + f" | replay: {replay_command(f)}"
        result: dict[str, Any] = {
            "ruleId": f.spec_id, "kind": kind, "level": level, "message": {"text": text},
            "locations": locations[:1], "relatedLocations": [dict(l, id=i) for i, l in enumerate(locations[1:], 1)],
            "properties": {"verdict": f.verdict.name, "original_verdict": c.original.name, "engine": f.engine,
                           "target": f.target, "duration_s": f.duration_s, "cached": c.cached},
            "partialFingerprints": {"verifyCheck/v1": f"{f.spec_id}:{f.engine}:{f.target}"},
        }
        if not result["relatedLocations"]:
            del result["relatedLocations"]
        if f.spec_id in rule_index:
            result["ruleIndex"] = rule_index[f.spec_id]
        if f.verdict == Verdict.ACCEPTED_RISK and spec is not None:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": spec.accepted_risk or ""}]
        out_results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "verify", "informationUri": "https://example.invalid/ccperp-verify",
                                "semanticVersion": "0.1.0", "rules": rules}},
            "automationDetails": {"id": f"verify/{results.command}/"},
            "versionControlProvenance": [{"repositoryUri": "file:///ccperp-verify",
                                          "revisionId": results.source.get("commit") or "unknown"}],
            "invocations": [{"executionSuccessful": True, "exitCode": int(results.exit_code()),
                             "properties": {"tools": results.tools, "strict": results.strict}}],
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "repository root"}}},
            "results": out_results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
