"""The strict patch applier: exact context, an offset only when unambiguous, one file, errors naming the mutant."""
from __future__ import annotations

import pytest

from checkers.mutate.patches import PatchError, apply, make_diff, parse

SOURCE = "".join(f"line {i}\n" for i in range(1, 21))


def _patch(before: str, after: str, name: str = "MX") -> str:
    return "# name: MX\n" + make_diff("src/A.sol", before, after)


def test_round_trip_and_header_kept() -> None:
    after = SOURCE.replace("line 10\n", "line ten\n")
    patch = parse(_patch(SOURCE, after), "MX")
    assert patch.path == "src/A.sol" and patch.header == ("# name: MX",)
    assert apply(patch, SOURCE, "MX") == after


def test_stale_context_is_an_error_naming_the_mutant() -> None:
    patch = parse(_patch(SOURCE, SOURCE.replace("line 10\n", "line ten\n")), "M07_Example")
    edited = SOURCE.replace("line 9\n", "line nine\n")  # the code the patch changes moved on
    with pytest.raises(PatchError) as info:
        apply(patch, edited, "M07_Example")
    message = info.value.message
    assert message.startswith("M07_Example: stale patch: hunk 1") and "line 9" in message and "\n" not in message


def test_unique_offset_is_accepted_but_ambiguous_context_is_not() -> None:
    after = SOURCE.replace("line 10\n", "line ten\n")
    patch = parse(_patch(SOURCE, after), "MX")
    shifted = "header\nheader\n" + SOURCE  # two lines added above: same context, unique
    assert apply(patch, shifted, "MX") == "header\nheader\n" + after
    block = "".join(f"line {i}\n" for i in range(7, 14))
    doubled = SOURCE.replace(block, "").replace("line 1\n", "line 1\n" + block, 1) + block
    with pytest.raises(PatchError, match="does not match"):
        apply(patch, doubled, "MX")


def test_a_patch_changes_one_file_only() -> None:
    text = make_diff("src/A.sol", "a\n", "b\n") + make_diff("src/B.sol", "a\n", "b\n")
    with pytest.raises(PatchError, match="exactly one file"):
        parse(text, "MX")
    with pytest.raises(PatchError, match="not a unified diff"):
        parse("# name: MX\njust words\n", "MX")


def test_missing_final_newline_survives_the_round_trip() -> None:
    before, after = "a\nb\nc", "a\nb\nd"
    text = make_diff("src/A.sol", before, after)
    assert "\\ No newline at end of file" in text
    assert apply(parse(text, "MX"), before, "MX") == after


def test_truncated_hunk_is_rejected() -> None:
    text = make_diff("src/A.sol", SOURCE, SOURCE.replace("line 10\n", "x\n"))
    with pytest.raises(PatchError, match="truncated"):
        parse("".join(text.splitlines(keepends=True)[:-2]), "MX")
