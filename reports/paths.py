"""No machine paths in reports: absolute paths become relative to the project root when rendering.

Engines record what they saw, absolute paths included (Slither's domain "... of /home/ci/repo/contracts", replay
files under the output directory, tracebacks). A report leaves the machine (CI artefacts, auditors), so every
string a renderer receives goes through `PathScrubber` first:
  the project root (the toolkit repo, or the --project root when that lies outside it)  -> relative path ("." alone)
  the toolkit repo when the project is elsewhere                                          -> relative path
  any other target root outside both (a `verify diff` base in a temp dir)                 -> the target's label
  the output directory when outside the project                                           -> "<out>"
  the Python environment                                                                  -> "<venv>"
  the home directory                                                                      -> "~"
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.results import RunResults, from_json, to_json


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _spellings(path: Path) -> list[str]:
    """The path as written and as resolved (e.g. /tmp vs /private/tmp), without a trailing slash."""
    out = {str(path).rstrip("/") or "/"}
    try:
        out.add(str(path.resolve()).rstrip("/") or "/")
    except OSError:
        pass
    return [p for p in out if p != "/"]


@dataclass(frozen=True)
class PathScrubber:
    """Ordered (absolute prefix, replacement) rules, longest prefix first."""

    project: Path  # the directory every report path is relative to (SARIF's %SRCROOT%)
    rules: tuple[tuple[str, str], ...]

    @classmethod
    def for_results(cls, results: RunResults, out_dir: Path | None = None,
                    repo: Path = toolchain.REPO_ROOT) -> "PathScrubber":
        repo = repo.resolve()
        roots = {label: Path(root) for label, root in results.targets.items()}
        absolute = {label: root for label, root in roots.items() if root.is_absolute()}
        main = next(iter(roots.values()), None)
        # A --project run outside the toolkit repo: its own root is the project root.
        project = main if main is not None and main.is_absolute() and not _inside(main.resolve(), repo) else repo
        pairs: list[tuple[Path, str]] = [(project, "")]
        if project != repo:
            pairs.append((repo, ""))
        for label, root in absolute.items():
            if not _inside(root.resolve(), project.resolve()) and not _inside(root.resolve(), repo):
                pairs.append((root, label))
        if out_dir is not None:
            out = Path(out_dir).absolute()
            if not _inside(out.resolve(), project.resolve()) and not _inside(out.resolve(), repo):
                pairs.append((out, "<out>"))
        pairs += [(Path(sys.prefix), "<venv>"), (Path.home(), "~")]
        rules: dict[str, str] = {}
        for path, replacement in pairs:
            for spelling in _spellings(path):
                rules.setdefault(spelling, replacement)
        return cls(project, tuple(sorted(rules.items(), key=lambda r: -len(r[0]))))

    def text(self, text: str) -> str:
        for prefix, replacement in self.rules:
            if prefix in text:
                text = re.sub(re.escape(prefix) + r"(/|(?![\w\-]|\.[\w\-]))", self._replacer(replacement), text)
        return text

    @staticmethod
    def _replacer(replacement: str):
        def sub(m: re.Match[str]) -> str:
            if m.group(1) == "/":  # a path below the root
                return f"{replacement}/" if replacement else ""
            return replacement or "."  # the root itself

        return sub

    def data(self, value: Any) -> Any:
        """Every string in a JSON-like structure, keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    def results(self, results: RunResults) -> RunResults:
        """A copy of the results with every path made relative (through the JSON form, which carries all of it)."""
        return from_json(self.data(to_json(results)))
