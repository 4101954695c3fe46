"""Type-check candidate mutants in one solc-js process before building any of them.

A forge build of a mutant that does not compile still costs a solc-js start and a full analysis (~5 s here);
slither-mutate's mutators produce many (a commented-out declaration, `revert()` in a modifier list). analyse.js
loads the compiler once and runs parse + analysis only (no code generation) per variant, ~1 s each. A mutant it
rejects would fail `forge build` too; one it accepts is still built by forge, which has the last word.
If the unmutated sources do not type-check this way (imports it cannot resolve), the pre-check is skipped.
"""
from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Sequence
from pathlib import Path

ANALYSER = Path(__file__).with_name("analyse.js")
TIMEOUT_S = 1800


def type_check(root: Path, variants: Sequence[tuple[str, str, str]]) -> dict[str, str | None] | None:
    """{id: None (compiles) | first error} for (id, file, content) variants of `root`; None if unusable."""
    if not variants:
        return {}
    request = {"remappings": _remappings(root), "evmVersion": _setting(root, "evm_version", "cancun"),
               "sources": {str(p.relative_to(root)): p.read_text() for p in sorted((root / "src").rglob("*.sol"))},
               "variants": [{"id": i, "file": f, "content": c} for i, f, c in variants]}
    try:
        proc = subprocess.run(["node", str(ANALYSER)], input=json.dumps(request), cwd=root, capture_output=True,
                              text=True, timeout=TIMEOUT_S)
        result = json.loads(proc.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if not isinstance(result, dict) or "__baseline__" in result:
        return None
    return {i: result.get(i) for i, _, _ in variants}


def _profile(root: Path) -> dict:
    try:
        return tomllib.loads((root / "foundry.toml").read_text()).get("profile", {}).get("default", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _setting(root: Path, key: str, default: str) -> str:
    return str(_profile(root).get(key, default))


def _remappings(root: Path) -> list[str]:
    found = [str(r) for r in _profile(root).get("remappings", [])]
    extra = root / "remappings.txt"
    if extra.exists():
        found += [line.strip() for line in extra.read_text().splitlines() if line.strip()]
    return found
