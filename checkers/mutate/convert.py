"""Convert legacy full-copy mutants (contracts/mutants/<name>.sol) into patches against src/.

    python -m checkers.mutate.convert contracts/mutants/M23_Example.sol [...] [--keep]

For each file: the difference between src/ and the copy, less the `/// @custom:` header lines the copy carries,
becomes `<name>.patch` (header block + unified diff). The conversion is proved before anything is written or
deleted: applying the new patch strictly to src/ gives exactly the copy without its header lines, and the copy
differs from src/ in at least one line of code. The .sol is deleted unless --keep.
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

from checkers import toolchain
from checkers.errors import SpecError, VerifyError
from checkers.mutants import Mutant, header, parse_mutant
from checkers.mutate import patches

_HEADER_LINE = re.compile(r"^\s*///\s*@custom:(mutant-of|breaks|description)\b")


def without_header(original: str, copy: str) -> str:
    """`copy` with the header insertions undone: every inserted run of lines that holds @custom: tags and
    otherwise only blank lines is dropped; every other difference from `original` is kept."""
    a, b = original.splitlines(keepends=True), copy.splitlines(keepends=True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        inserted = b[j1:j2]
        if tag == "insert" and any(_HEADER_LINE.match(x) for x in inserted) \
                and all(_HEADER_LINE.match(x) or not x.strip() for x in inserted):
            continue
        out.extend(a[i1:i2] if tag == "equal" else inserted)
    return "".join(out)


def convert(path: Path, project: Path = toolchain.PLATFORM_PROJECT) -> tuple[Mutant, str]:
    """(mutant, patch text) for the legacy copy at `path`, proved to reproduce it."""
    mutant = parse_mutant(path)
    source = project / mutant.replaces
    if not source.exists():
        raise SpecError(f"{path}: @custom:mutant-of names {mutant.replaces}, which does not exist")
    original = source.read_text()
    expected = without_header(original, path.read_text())
    if expected == original:
        raise SpecError(f"{path}: identical to {mutant.replaces} apart from its header: not a mutant")
    if any(_HEADER_LINE.match(line) for line in expected.splitlines()):
        raise SpecError(f"{path}: its @custom: header lines are not a block of their own; move them together")
    text = header(mutant) + patches.make_diff(mutant.replaces, original, expected)
    applied = patches.apply(patches.parse(text, mutant.name), original, mutant.name)
    if applied != expected:  # the proof: the patch reproduces the copy, byte for byte
        raise SpecError(f"{path}: the generated patch does not reproduce the copy (bug in the converter)")
    return mutant, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checkers.mutate.convert", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the .sol copies")
    parser.add_argument("--project", type=Path, default=toolchain.PLATFORM_PROJECT)
    args = parser.parse_args(argv)
    try:
        converted = [(path, *convert(path, args.project)) for path in args.files]
    except VerifyError as exc:
        print(f"convert: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    for path, mutant, text in converted:  # written only once every file converted and proved
        target = path.with_suffix(".patch")
        target.write_text(text)
        if not args.keep:
            path.unlink()
        changed = sum(1 for line in text.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        print(f"{path.name} -> {target.name}: {changed} changed lines, proved equal to the copy without its header")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
