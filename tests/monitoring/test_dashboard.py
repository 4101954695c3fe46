"""monitoring/grafana: the dashboard model is well formed (no Grafana here to load it), shows the design's four
tracked metrics in its own rows, reads only declared metrics through the datasource variable, and colours each
alerted metric at the alert's threshold; the provisioning files load it."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import combinations

import pytest

from monitoring_support import (DASHBOARD, MONITORING, PROVISIONING, alerts, declared_names, load_yaml,
                                metric_names, recording_names)

ROWS = ("Oracle staleness rate", "Cross-chain message latency", "Liquidation success rate", "Position health ratios",
        "Emergency thresholds", "Pool and funds", "Monitor")
PANEL_TYPES = {"timeseries", "stat", "gauge", "bargauge", "heatmap"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
DASHBOARD_MOUNT = "/var/lib/grafana/dashboards/ccperp"  # provisioning path; the README mounts the folder there
# An alert on one metric and a constant: `metric{...} > 90`.
THRESHOLD_ALERT = re.compile(r"(?P<metric>ccperp_\w+)(?:\{[^}]*\})?\s*(?P<op>>|<|==)\s*(?P<value>[\d.]+)")


@lru_cache(maxsize=None)
def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def panels() -> list[dict]:
    return [p for p in dashboard()["panels"] if p["type"] != "row"]


def _exprs(panel: dict) -> list[str]:
    return [target["expr"] for target in panel["targets"]]


def _steps(panel: dict) -> list[float]:
    """Threshold values above the base colour."""
    steps = panel["fieldConfig"]["defaults"].get("thresholds", {}).get("steps", [])
    return [step["value"] for step in steps if step["value"] is not None]


def test_the_model_identifies_itself() -> None:
    model = dashboard()
    assert model["uid"] == "ccperp-monitor"
    assert model["title"]
    assert 36 <= model["schemaVersion"] <= 41


def test_templating_has_the_datasource_and_stack_variables() -> None:
    variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    stack = variables["stack"]
    assert stack["type"] == "query"
    assert stack["datasource"] == DATASOURCE
    assert stack["query"]["query"] == stack["definition"] == "label_values(ccperp_positions_open, stack)"


def test_one_row_per_design_metric_then_thresholds_funds_and_monitor() -> None:
    assert tuple(p["title"] for p in dashboard()["panels"] if p["type"] == "row") == ROWS


def test_every_row_is_followed_by_panels() -> None:
    kinds = [p["type"] for p in dashboard()["panels"]]
    for index, kind in enumerate(kinds):
        if kind == "row":
            assert index + 1 < len(kinds) and kinds[index + 1] != "row", dashboard()["panels"][index]["title"]


def test_panels_have_a_known_type_and_unique_ids() -> None:
    assert {p["type"] for p in panels()} <= PANEL_TYPES
    ids = [p["id"] for p in dashboard()["panels"]]
    assert len(ids) == len(set(ids))


def test_panels_fit_the_grid_without_overlapping() -> None:
    boxes = []
    for panel in dashboard()["panels"]:
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] >= 0 and grid["y"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        boxes.append((panel["title"], grid))
    for (first, a), (second, b) in combinations(boxes, 2):
        apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                 or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
        assert apart, f"{first!r} overlaps {second!r}"


@pytest.mark.parametrize("panel", panels(), ids=lambda p: p["title"])
def test_every_panel_queries_declared_metrics_through_the_variable(panel: dict) -> None:
    assert panel["datasource"] == DATASOURCE
    assert panel["targets"], "no query"
    for target in panel["targets"]:
        assert target["datasource"] == DATASOURCE
        names = metric_names(target["expr"])
        assert names, f"no metric found in {target['expr']!r}"
        assert names <= declared_names(), f"undeclared: {sorted(names - declared_names())}"


def test_every_recording_rule_is_on_the_dashboard() -> None:
    shown = {name for panel in panels() for expr in _exprs(panel) for name in metric_names(expr)}
    assert recording_names() <= shown, sorted(recording_names() - shown)


@pytest.mark.parametrize("alert", [a for a in alerts() if THRESHOLD_ALERT.fullmatch(a["expr"])],
                         ids=lambda a: a["alert"])
def test_the_alerted_metric_changes_colour_at_the_alert_threshold(alert: dict) -> None:
    """`> N` turns at N, or up to N + 1 for metrics that only take whole (or smallest-unit) values, since
    Grafana's steps are `>=`; `< N` and `== N` turn at N."""
    rule = THRESHOLD_ALERT.fullmatch(alert["expr"])
    assert rule
    metric, op, value = rule["metric"], rule["op"], float(rule["value"])
    showing = [p for p in panels() if any(metric in metric_names(expr) for expr in _exprs(p))]
    assert showing, f"{metric} is on no panel"
    if op == ">":
        turns = [v for p in showing for v in _steps(p) if value <= v <= value + 1]
    else:
        turns = [v for p in showing for v in _steps(p) if v == value]
    assert turns, f"no panel of {metric} has a threshold at {op} {value}"


def test_the_datasource_provisioning_is_a_prometheus() -> None:
    config = load_yaml(PROVISIONING / "datasources" / "prometheus.yml")
    assert config["apiVersion"] == 1
    [source] = config["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"].startswith("http://")


def test_the_dashboard_provisioning_loads_the_dashboards_folder() -> None:
    config = load_yaml(PROVISIONING / "dashboards" / "ccperp.yml")
    assert config["apiVersion"] == 1
    [provider] = config["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == DASHBOARD_MOUNT
    mount = f"monitoring/grafana/dashboards:{DASHBOARD_MOUNT}"
    assert mount in (MONITORING / "README.md").read_text(), "the README does not mount the dashboards folder there"
    assert DASHBOARD.parent.name == "dashboards"
