"""Reviewed equivalent mutants: contracts/mutants/equivalent.toml maps a generated mutant id to a one-line reason.

An equivalent mutant changes the code but not its behaviour (e.g. `i++` for `++i` as a loop increment), so no test
or spec can kill it. Triaged ones are listed apart and left out of every kill-rate denominator. An entry whose id
the generator no longer produces (the source moved) is reported as stale so the file stays reviewed.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from checkers import toolchain
from checkers.errors import SpecError

EQUIVALENT_FILE = toolchain.PLATFORM_PROJECT / "mutants" / "equivalent.toml"


def load_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """{mutant id: reason}; a missing file is an empty triage."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("equivalent", {})
    if not isinstance(table, dict):
        raise SpecError(f"{path}: [equivalent] must be a table of \"mutant id\" = \"reason\"")
    out: dict[str, str] = {}
    for key, reason in table.items():
        if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
            raise SpecError(f"{path}: {key}: the reason must be one non-empty line")
        out[key] = reason.strip()
    return out
