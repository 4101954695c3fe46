"""Shared fixtures: the platform built once per test session."""
from __future__ import annotations

import pytest

from checkers import toolchain
from checkers.atomic import locked
from checkers.mutants import MUTANT_BUILDS, load_mutants
from checkers.runner import build_mutants
from checkers.target import Target


@pytest.fixture(scope="session")
def platform_target() -> Target:
    return Target.build(toolchain.PLATFORM_PROJECT)


@pytest.fixture(scope="session")
def mutant_builds(platform_target: Target) -> dict[str, Target]:
    """Every mutant built once per session, two at a time (one solc-js process per core).

    build_mutant keeps builds under .verify-cache/mutants, so later sessions and `verify mutants` reuse them.
    """
    with locked(MUTANT_BUILDS / "test-session"):  # pytest-xdist: one worker builds, the other then reuses
        built = build_mutants(list(load_mutants().values()), jobs=2)
    failed = {name: reason for name, reason in built.items() if isinstance(reason, str)}
    if failed:
        pytest.fail(f"mutant build(s) failed: {failed}")
    return built  # type: ignore[return-value]  # every value is a Target once nothing failed
