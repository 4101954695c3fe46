"""Shared fixtures: the platform built once per test session."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from checkers import toolchain
from checkers.mutants import build_mutant, load_mutants
from checkers.target import Target


@pytest.fixture(scope="session")
def platform_target() -> Target:
    return Target.build(toolchain.PLATFORM_PROJECT)


@pytest.fixture(scope="session")
def mutant_builds(platform_target: Target) -> dict[str, Target]:
    """Every mutant built once per session, two at a time (one solc-js process per core).

    build_mutant keeps builds under .verify-cache/mutants, so later sessions and `verify mutants` reuse them.
    """
    mutants = load_mutants()
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(mutants, pool.map(build_mutant, mutants.values())))
