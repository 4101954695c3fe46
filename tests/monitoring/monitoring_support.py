"""Shared helpers for the monitoring assets' tests (monitoring/): the files, the Debian tools that check them, and
the metric names a PromQL expression reads, so that rules and dashboard are held to checkers/monitor/metrics.py."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from checkers.monitor.metrics import exposed_names
from checkers.toolchain import REPO_ROOT, SETUP_HINT

MONITORING = REPO_ROOT / "monitoring"
RULES = MONITORING / "prometheus" / "rules.yml"
RULES_TESTS = MONITORING / "prometheus" / "rules.test.yml"
PROMETHEUS_CONFIG = MONITORING / "prometheus" / "prometheus.yml"
ALERTMANAGER_CONFIG = MONITORING / "alertmanager" / "alertmanager.yml"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "ccperp.json"
PROVISIONING = MONITORING / "grafana" / "provisioning"
TOOL_TIMEOUT = 60  # seconds; each check takes well under one


@dataclass(frozen=True)
class SystemTool:
    """A checker from a Debian package (promtool from prometheus, amtool from prometheus-alertmanager)."""
    path: Path

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.path), *args], cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT, check=False)


def find_system_tool(name: str, package: str) -> SystemTool:
    """The tool on PATH, else the test is skipped (saying which package is missing), never passed silently."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"Debian package {package} not installed: {SETUP_HINT}")
    return SystemTool(Path(found))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@lru_cache(maxsize=None)
def rules() -> tuple[dict[str, Any], ...]:
    """Every rule of rules.yml, alerts and recordings, in file order."""
    return tuple(rule for group in load_yaml(RULES)["groups"] for rule in group["rules"])


def alerts() -> tuple[dict[str, Any], ...]:
    return tuple(rule for rule in rules() if "alert" in rule)


def recording_names() -> set[str]:
    return {rule["record"] for rule in rules() if "record" in rule}


def declared_names() -> set[str]:
    """The series names an expression may read: the monitor's, Prometheus's `up`, our recording rules."""
    return exposed_names() | {"up"} | recording_names()


# PromQL words that look like series names once grouping clauses, matchers and ranges are gone.
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
                       "group_right", "inf", "nan"})
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
# A whole identifier (not part of a number like 1e-06) that is not a function call.
_IDENTIFIER = re.compile(r"(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()")


def metric_names(expr: str) -> set[str]:
    """The series names `expr` selects: label names and values, durations, functions and keywords left out."""
    text = _STRINGS.sub('""', expr)
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    return {name for name in _IDENTIFIER.findall(text) if name.lower() not in _KEYWORDS}
