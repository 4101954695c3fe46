"""Cross-check of the sequence engines: each records its verdict per (target, spec); a later engine that
disagrees (one VIOLATED, another HOLDS_BOUNDED) says so in its finding and names both.

Engines never import each other; they meet in this small ledger file under the target's build directory
(`<root>/out-symbolic/ledger.json`). `cross_check(findings)` does the same for a list of findings (runner use).
Parallel workers record at the same time: each record is a read-modify-write under an exclusive lock, written
atomically (checkers/atomic.py), so no entry is lost and no reader sees half a file.
Each entry carries a fingerprint of the target's sources and harnesses: an entry recorded before either changed
(an earlier run on another version) is never compared.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from checkers.atomic import locked, write_atomic
from checkers.base import Finding, Verdict

LEDGER = Path("out-symbolic") / "ledger.json"
_COMPARED = (Verdict.VIOLATED, Verdict.HOLDS_BOUNDED)


def _load(root: Path) -> dict:
    path = root / LEDGER
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def fingerprint(root: Path) -> str:
    """Hash of what the sequence engines read: the contracts under src/ and the harnesses under test/symbolic/."""
    digest = hashlib.sha256()
    for base in (root / "src", root / "test" / "symbolic"):
        for path in sorted(base.rglob("*.sol")) if base.is_dir() else ():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def record(root: Path, finding: Finding, version: str | None = None) -> None:
    """Store `finding`'s verdict for its (spec, engine); `version` is `fingerprint(root)` when the caller has it."""
    entry = {
        "verdict": finding.verdict.name, "bounds": dict(finding.evidence.bounds), "summary": finding.summary,
        "fingerprint": version or fingerprint(root),
    }
    path = root / LEDGER
    with locked(path):
        data = _load(root)
        data.setdefault(finding.spec_id, {})[finding.engine] = entry
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True))


def _disagreement_note(engine: str, verdict: Verdict, others: dict[str, dict]) -> str:
    notes = []
    for other, entry in sorted(others.items()):
        if other == engine or entry["verdict"] not in (v.name for v in _COMPARED):
            continue
        if entry["verdict"] != verdict.name:
            notes.append(
                f"engines disagree: {engine} says {verdict.name}, {other} says {entry['verdict']} "
                f"(bounds {engine}: see evidence; {other}: "
                + ", ".join(f"{k}={v}" for k, v in sorted(entry["bounds"].items())) + ")"
            )
    return "; ".join(notes)


def annotate_disagreement(root: Path, finding: Finding, version: str | None = None) -> Finding:
    """Return `finding` with a disagreement note when an engine recorded earlier on this version of the target
    disagrees (`version` as for `record`)."""
    if finding.verdict not in _COMPARED:
        return finding
    current = version or fingerprint(root)
    entries = {engine: entry for engine, entry in _load(root).get(finding.spec_id, {}).items()
               if entry.get("fingerprint") == current}
    note = _disagreement_note(finding.engine, finding.verdict, entries)
    return _with_note(finding, note) if note else finding


def cross_check(findings: Iterable[Finding]) -> list[Finding]:
    """Annotate every VIOLATED/HOLDS_BOUNDED finding that another engine contradicts on the same (spec, target)."""
    findings = list(findings)
    table: dict[tuple[str, str], dict[str, dict]] = {}
    for f in findings:
        if f.verdict in _COMPARED:
            table.setdefault((f.spec_id, f.target), {})[f.engine] = {
                "verdict": f.verdict.name, "bounds": dict(f.evidence.bounds)}
    out = []
    for f in findings:
        note = _disagreement_note(f.engine, f.verdict, table.get((f.spec_id, f.target), {})) if f.verdict in _COMPARED else ""
        out.append(_with_note(f, note) if note and note not in f.evidence.notes else f)
    return out


def _with_note(finding: Finding, note: str) -> Finding:
    notes = f"{finding.evidence.notes}; {note}" if finding.evidence.notes else note
    evidence = dataclasses.replace(finding.evidence, notes=notes)
    return dataclasses.replace(finding, evidence=evidence, summary=f"{finding.summary} [cross-check: {note.split(' (')[0]}]")
