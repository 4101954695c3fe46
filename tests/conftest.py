"""Shared fixtures: the platform built once per test session."""
from __future__ import annotations

import pytest

from checkers import toolchain
from checkers.atomic import locked
from checkers.mutants import MUTANT_BUILDS, build_mutant, load_mutants
from checkers.target import Target


@pytest.fixture(scope="session")
def platform_target() -> Target:
    return Target.build(toolchain.PLATFORM_PROJECT)


class MutantBuilds(dict):
    """Mutant builds made on first use: a test pays only for the mutants it runs on. build_mutant keeps each
    build under .verify-cache/mutants (later sessions and `verify mutants` reuse it); a per-mutant lock keeps the
    two pytest-xdist workers from building the same mutant twice."""

    def __missing__(self, name: str) -> Target:
        mutant = load_mutants()[name]
        with locked(MUTANT_BUILDS / f"test-build-{name}"):
            target = build_mutant(mutant)
        self[name] = target
        return target


@pytest.fixture(scope="session")
def mutant_builds(platform_target: Target) -> MutantBuilds:
    """Every mutant, built when a test first asks for it (a failed build raises, naming the mutant)."""
    return MutantBuilds()
