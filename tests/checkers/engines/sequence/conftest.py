"""The platform copies the sequence engines' platform tests run on (the tests are split by engine, one file each,
so that pytest-xdist runs the two heavy files side by side)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from checkers import toolchain
from checkers.engines.manticore.engine import ManticoreChecker
from checkers.engines.sequence.harness import mutant_project
from checkers.mutants import load_mutants
from checkers.target import Target, copy_project


@pytest.fixture(scope="session")
def platform_copy(platform_target, tmp_path_factory) -> Callable[[str | None], Target]:
    """A mutant's prefix (e.g. "M11"), or None -> a copy of the platform with that mutant in place, made once per
    session and not built: each engine builds what it needs. The copies inherit the platform's builds, its
    default build (session fixture) and Manticore's paris build (made here first, under the engine's lock), so
    each copy recompiles only what its mutant changes."""
    ManticoreChecker().prepare(platform_target)
    scratch = tmp_path_factory.mktemp("sequence-platform")
    copies: dict[str | None, Target] = {}

    def copy(prefix: str | None = None) -> Target:
        if prefix not in copies:
            name = next(n for n in load_mutants() if n.startswith(prefix)) if prefix else None
            into = scratch / (name or "platform")
            into.mkdir(parents=True)
            root = mutant_project(name, into) if name else copy_project(toolchain.PLATFORM_PROJECT, into)
            copies[prefix] = Target(root=root, label=name or "platform")
        return copies[prefix]

    return copy


@pytest.fixture(autouse=True)
def _out(monkeypatch, tmp_path_factory) -> None:
    """Replay tests the engines generate go to this worker's temporary folder, not the repository's out/."""
    monkeypatch.setenv("VERIFY_OUT_DIR", str(tmp_path_factory.getbasetemp() / "sequence-out"))
