"""Where a SARIF result points: a real file and line, relative to the project root, for every finding.

In order of preference:
  1. the finding's own locations (Slither findings, Z3's modelled functions); a location the engine could only
     pin to line 1 of a contract (the upgrade engine) is moved to the declaration of the variable, struct or
     function its counterexample names, else to the contract's declaration;
  2. a sequence counterexample (`SEQ01Harness()`, `act_withdraw(5)`, ...): the platform function that the last
     act_ call reaches, with the act_ function in the harness as a related location (the act_ function alone
     when the call cannot be followed);
  3. the declarations of the contracts the spec names (RunResults.locations);
  4. the spec's own declaration under specs/ when the project is the toolkit repo;
  5. the target's foundry.toml (the project as a whole), said so in the location's message.
Sources are read from the project root at render time; a file that is gone only costs the refinement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from checkers import toolchain
from checkers.base import Finding, SourceLocation
from checkers.results import RunResults
from checkers.engines.sequence.harness import Harness
from reports.view import in_project

_CONTRACT = r"^\s*(abstract\s+)?(contract|library|interface)\s+{}\b"
_FUNCTION = r"\bfunction\s+{}\s*\("
_STRUCT = r"^\s*struct\s+{}\b"
_VARIABLE = (r"^\s*(mapping\s*\(.*\)|[A-Za-z_][\w.]*(\[\w*\])*)\s+"
             r"((public|private|internal|constant|immutable|override|transient)\s+)*{}\s*(;|=(?!=))")
_HARNESS_CALL = re.compile(r"^(\w+)Harness\(\)$")
_DOTTED_CALL = re.compile(r"\b[A-Za-z_]\w*\.(\w+)\s*[({]")
_LOCAL_CALL = re.compile(r"(?<![.\w])(_\w+)\s*\(")


@dataclass(frozen=True)
class Place:
    uri: str  # relative to the project root (%SRCROOT%)
    line: int
    message: str | None = None


class Sources:
    """The project's files, read once each, to find declarations."""

    def __init__(self, project: Path, repo: Path = toolchain.REPO_ROOT) -> None:
        self.project = project
        self.is_repo = project.resolve() == repo.resolve()
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, uri: str) -> list[str] | None:
        if uri not in self._lines:
            try:
                self._lines[uri] = (self.project / uri).read_text(errors="replace").splitlines()
            except (OSError, ValueError):
                self._lines[uri] = None
        return self._lines[uri]

    def find(self, uri: str, pattern: str, after: int = 0) -> int | None:
        """1-based line of the first match at or after line `after`."""
        regex = re.compile(pattern)
        for number, text in enumerate(self.lines(uri) or (), 1):
            if number >= after and regex.search(text):
                return number
        return None

    def body(self, uri: str, start: int) -> list[str]:
        """The lines of the function declared at `start`, up to the next function declaration."""
        lines = self.lines(uri) or []
        out = []
        for text in lines[start:]:
            if re.match(r"^\s*function\b", text):
                break
            out.append(text)
        return out


def target_uri(results: RunResults, label: str, file: str) -> str:
    return in_project(results.targets.get(label, ""), file)


def places(f: Finding, results: RunResults, sources: Sources) -> list[Place]:
    own = [_refined(f, target_uri(results, f.target, loc.file), loc, sources) for loc in f.evidence.locations]
    if own:
        return own
    sequence = _sequence_places(f, results, sources)
    if sequence:
        return sequence
    declared = [Place(loc["file"], int(loc.get("line") or 1)) for loc in results.locations.get(f.spec_id, [])]
    if declared:
        return declared
    if sources.is_repo:
        for path in sorted((sources.project / "specs").glob("*.py")):
            uri = str(path.relative_to(sources.project))
            line = sources.find(uri, rf"""\bid\s*=\s*["']{re.escape(f.spec_id)}["']""")
            if line:
                return [Place(uri, line, f"declaration of {f.spec_id} (the finding names no source location)")]
    config = target_uri(results, f.target, "foundry.toml")
    return [Place(config, 1, "the project as a whole (the finding names no source location)")]


def _refined(f: Finding, uri: str, loc: SourceLocation, sources: Sources) -> Place:
    if loc.line > 1 or not loc.contract:
        return Place(uri, loc.line)
    start = sources.find(uri, _CONTRACT.format(re.escape(loc.contract)))
    if start is None:
        return Place(uri, max(1, loc.line))
    inputs = f.evidence.counterexample.inputs if f.evidence.counterexample else {}
    line = None
    if inputs.get("variable"):
        line = sources.find(uri, _VARIABLE.format(re.escape(inputs["variable"])), start)
    elif inputs.get("struct"):
        line = sources.find(uri, _STRUCT.format(re.escape(inputs["struct"])), start)
    elif inputs.get("signature"):
        line = sources.find(uri, _FUNCTION.format(re.escape(inputs["signature"].split("(")[0])), start)
    return Place(uri, line or start)


def _sequence_places(f: Finding, results: RunResults, sources: Sources) -> list[Place]:
    cx = f.evidence.counterexample
    if cx is None or not cx.call_sequence or not _HARNESS_CALL.match(cx.call_sequence[0]):
        return []
    acts = [call.split("(")[0] for call in cx.call_sequence[1:] if call.startswith("act_")]
    if not acts:
        return []
    harness = target_uri(results, f.target, Harness(f.spec_id, Path(".")).harness_source)
    act = acts[-1]
    act_line = sources.find(harness, _FUNCTION.format(re.escape(act)))
    if act_line is None:
        return []
    here = Place(harness, act_line, f"{act} in the harness (the last call of the counterexample)")
    for name in _called(sources, harness, act_line):
        for loc in results.locations.get(f.spec_id, []):
            line = sources.find(loc["file"], _FUNCTION.format(re.escape(name)))
            if line is not None:
                return [Place(loc["file"], line, f"{loc.get('contract') or ''}.{name}, called by {act}"), here]
    return [here]


def _called(sources: Sources, uri: str, start: int, depth: int = 2) -> list[str]:
    """Names of external calls (`pool.withdraw(...)`) in a harness function, following its own helpers."""
    body = sources.body(uri, start)
    names = [m[1] for text in body for m in _DOTTED_CALL.finditer(text)]
    if depth > 0:
        for helper in dict.fromkeys(m[1] for text in body for m in _LOCAL_CALL.finditer(text)):
            line = sources.find(uri, _FUNCTION.format(re.escape(helper)))
            if line is not None and line != start:
                names += _called(sources, uri, line, depth - 1)
    return list(dict.fromkeys(names))
