"""Unified diffs against a project's sources: made with difflib, applied strictly.

A mutant is stored as a small patch, never as a full copy of the file, so it keeps applying while the rest of the
file evolves, and stops with an error naming it as soon as the code it changes does not match any more:
  - every hunk's context and removed lines must match the file exactly (no fuzz, no whitespace leniency);
  - a hunk may sit at another line than it says only if its old block occurs exactly once in the file
    (lines were added or removed above it): the code it changes is still unambiguous;
  - a patch changes exactly one file.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from checkers.errors import SpecError

NO_EOL = "\\ No newline at end of file"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(SpecError):
    """A patch does not apply (stale context) or is malformed. One line, exit 2."""


@dataclass(frozen=True)
class Hunk:
    old_start: int  # 1-based, as written in the @@ line
    old: tuple[str, ...]  # context and removed lines, each with its line ending
    new: tuple[str, ...]  # context and added lines

    @property
    def header(self) -> str:
        return f"@@ -{self.old_start},{len(self.old)} @@"


@dataclass(frozen=True)
class FilePatch:
    path: str  # relative to the project root, e.g. "src/libraries/PerpMath.sol"
    hunks: tuple[Hunk, ...]
    header: tuple[str, ...]  # the lines before `---` (a mutant's metadata)


def make_diff(path: str, before: str, after: str, context: int = 3) -> str:
    """`git diff`-style unified diff of one file (a/ and b/ prefixes), '' when nothing changed."""
    lines = list(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                      f"a/{path}", f"b/{path}", n=context))
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:  # the last line of a file without a final newline
            out.append(line + "\n" + NO_EOL + "\n")
    return "".join(out)


def parse(text: str, name: str) -> FilePatch:
    """The one file patch in `text`; `name` (the mutant) is what every error message starts with."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and not lines[i].startswith("--- "):
        i += 1
    header = tuple(line.rstrip("\n") for line in lines[:i])
    if i + 1 >= len(lines) or not lines[i + 1].startswith("+++ "):
        raise PatchError(f"{name}: not a unified diff (no ---/+++ file header)")
    old_path, new_path = _strip_prefix(lines[i][4:]), _strip_prefix(lines[i + 1][4:])
    if old_path != new_path:
        raise PatchError(f"{name}: a mutant patch changes one file in place ({old_path} -> {new_path})")
    i += 2
    hunks: list[Hunk] = []
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- "):
            raise PatchError(f"{name}: a mutant patch changes exactly one file (found a second --- header)")
        match = _HUNK.match(line)
        if not match:
            if line.strip():
                raise PatchError(f"{name}: line {i + 1}: expected a hunk header, found {line.strip()[:60]!r}")
            i += 1
            continue
        old_len = int(match.group(2) or "1")
        new_len = int(match.group(4) or "1")
        old: list[str] = []
        new: list[str] = []
        prev = " "
        i += 1
        while i < len(lines) and (len(old) < old_len or len(new) < new_len or lines[i].startswith("\\")):
            body = lines[i]
            tag, content = body[:1], body[1:]
            if tag == "\\":  # "\ No newline at end of file": the previous line has no line ending
                for block in ((old, new) if prev == " " else (old,) if prev == "-" else (new,)):
                    block[-1] = block[-1].rstrip("\n")
            elif tag in (" ", "-", "+"):
                if tag in " -":
                    old.append(content)
                if tag in " +":
                    new.append(content)
                prev = tag
            elif body in ("\n", ""):  # an empty context line whose leading space an editor stripped
                old.append("\n")
                new.append("\n")
                prev = " "
            else:
                raise PatchError(f"{name}: line {i + 1}: not a diff line: {body.strip()[:60]!r}")
            i += 1
        if len(old) != old_len or len(new) != new_len:
            raise PatchError(f"{name}: hunk {line.strip()} is truncated ({len(old)}/{old_len} old lines, "
                             f"{len(new)}/{new_len} new lines)")
        hunks.append(Hunk(int(match.group(1)), tuple(old), tuple(new)))
    if not hunks:
        raise PatchError(f"{name}: the patch has no hunk")
    return FilePatch(old_path, tuple(hunks), header)


def apply(patch: FilePatch, original: str, name: str) -> str:
    """The patched text, or PatchError naming the mutant, the file and the first hunk that no longer matches."""
    lines = original.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0  # lines[:cursor] are consumed
    for number, hunk in enumerate(patch.hunks, 1):
        at = _locate(lines, hunk, cursor)
        if at is None:
            raise PatchError(f"{name}: stale patch: hunk {number} ({hunk.header}) does not match {patch.path}"
                             f"{_first_difference(lines, hunk)}; regenerate it against the current source")
        out.extend(lines[cursor:at])
        out.extend(hunk.new)
        cursor = at + len(hunk.old)
    out.extend(lines[cursor:])
    return "".join(out)


def _locate(lines: list[str], hunk: Hunk, cursor: int) -> int | None:
    size = len(hunk.old)
    stated = max(hunk.old_start - 1, 0) if size else hunk.old_start  # "-0,0" (or "-n,0") inserts after line n
    if stated >= cursor and tuple(lines[stated:stated + size]) == hunk.old:
        return stated
    if not size:
        return None
    found = [i for i in range(cursor, len(lines) - size + 1) if tuple(lines[i:i + size]) == hunk.old]
    return found[0] if len(found) == 1 else None


def _first_difference(lines: list[str], hunk: Hunk) -> str:
    start = max(hunk.old_start - 1, 0)
    for k, expected in enumerate(hunk.old):
        found = lines[start + k] if start + k < len(lines) else None
        if found != expected:
            shown = "end of file" if found is None else repr(found.rstrip("\n").strip()[:50])
            return f" (line {start + k + 1}: expected {expected.rstrip(chr(10)).strip()[:50]!r}, found {shown})"
    return " (its context also occurs elsewhere: ambiguous)"


def _strip_prefix(path: str) -> str:
    path = path.rstrip("\n").split("\t")[0].strip()
    return path[2:] if path.startswith(("a/", "b/")) else path
