"""Shared fixtures: the platform built once per test session."""
from __future__ import annotations

import pytest

from checkers import toolchain
from checkers.target import Target


@pytest.fixture(scope="session")
def platform_target() -> Target:
    return Target.build(toolchain.PLATFORM_PROJECT)
