"""The fixture project (good and bad contract per detector), built and analysed once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from checkers.engines.slither.engine import Analysis, analyse
from checkers.target import Target

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "slither"


@pytest.fixture(scope="session")
def fixture_target() -> Target:
    return Target.build(FIXTURE, label="slither-fixture")


@pytest.fixture(scope="session")
def fixture_analysis(fixture_target: Target) -> Analysis:
    return analyse(fixture_target.root)
