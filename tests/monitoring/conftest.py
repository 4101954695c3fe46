"""Fixtures for the monitoring assets' tests: the Debian checkers, found once per session (skipped when absent)."""
from __future__ import annotations

import pytest

from monitoring_support import SystemTool, find_system_tool


@pytest.fixture(scope="session")
def promtool() -> SystemTool:
    return find_system_tool("promtool", "prometheus")


@pytest.fixture(scope="session")
def amtool() -> SystemTool:
    return find_system_tool("amtool", "prometheus-alertmanager")
