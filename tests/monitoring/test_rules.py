"""monitoring/prometheus: the rules load and pass their unit tests, every alert says what it watches (catalogue
specs) and how to replay it, and every expression reads only metrics the monitor declares."""
from __future__ import annotations

import re

import pytest

from checkers.catalogue import load_catalogue
from checkers.monitor.metrics import BY_NAME
from monitoring_support import (PROMETHEUS_CONFIG, RULES, RULES_TESTS, SystemTool, alerts, declared_names,
                                load_yaml, metric_names, recording_names, rules)

SCENARIO_STEPS = ("calm", "load", "price_drop", "liquidation_delay", "stale_feed", "ccip_failures")
REPLAY = re.compile(r"\.venv/bin/verify all --only (?P<specs>\S+) ; scenario: \.venv/bin/python -m "
                    r"checkers\.monitor\.scenario --rpc-url URL --deployment FILE --only (?P<step>\w+)"
                    r"(?: \((?P<note>[^)]+)\))?")  # a note when the step exercises the path without firing the alert
NO_SPEC = "none"  # the monitor's own alerts (up, head lag) watch no catalogue spec


def _specs_of(expr: str) -> list[str]:
    """The catalogue specs of the declared metrics `expr` reads, in declaration order, without repeats."""
    ids: list[str] = []
    for name in sorted(metric_names(expr)):
        spec = BY_NAME.get(name)
        ids += [i for i in (spec.specs if spec else ()) if i not in ids]
    return ids


def test_promtool_checks_the_rules(promtool: SystemTool) -> None:
    result = promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_pass_their_unit_tests(promtool: SystemTool) -> None:
    result = promtool("test", "rules", str(RULES_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_checks_the_example_prometheus_config(promtool: SystemTool) -> None:
    result = promtool("check", "config", str(PROMETHEUS_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rule files found" in result.stdout  # rules.yml is loaded, not merely syntax-checked config


def test_the_scrape_config_names_the_job_the_alerts_expect() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    [job] = config["scrape_configs"]
    assert job["job_name"] == "ccperp-monitor"
    assert job["static_configs"][0]["targets"] == ["127.0.0.1:9464"]
    assert any('job="ccperp-monitor"' in rule["expr"] for rule in alerts())


def test_one_group_named_ccperp() -> None:
    assert [group["name"] for group in load_yaml(RULES)["groups"]] == ["ccperp"]


@pytest.mark.parametrize("alert", alerts(), ids=lambda a: a["alert"])
def test_every_alert_says_what_it_watches(alert: dict) -> None:
    assert alert["labels"]["severity"] in ("critical", "warning")
    annotations = alert["annotations"]
    assert annotations["summary"].strip()
    assert "$value" in annotations["description"]
    assert annotations["spec"].strip() and annotations["replay"].strip()


@pytest.mark.parametrize("alert", alerts(), ids=lambda a: a["alert"])
def test_the_spec_annotation_is_the_alerted_metrics_specs(alert: dict) -> None:
    """The spec annotation is derived from metrics.py, not chosen per alert: the two cannot drift apart."""
    expected = _specs_of(alert["expr"])
    assert alert["annotations"]["spec"] == (",".join(expected) or NO_SPEC)


def test_every_spec_named_in_an_annotation_is_in_the_catalogue() -> None:
    catalogue = {spec.id for spec in load_catalogue()}
    named = {i for alert in alerts() for i in alert["annotations"]["spec"].split(",") if i != NO_SPEC}
    assert named, "no alert names a spec"
    assert named <= catalogue, f"not in the catalogue: {sorted(named - catalogue)}"


@pytest.mark.parametrize("alert", alerts(), ids=lambda a: a["alert"])
def test_the_replay_annotation_runs_the_alerts_specs_and_a_scenario_step(alert: dict) -> None:
    annotations = alert["annotations"]
    if annotations["spec"] == NO_SPEC:
        assert annotations["replay"].startswith("none:")  # says what to look at instead
        return
    replay = REPLAY.fullmatch(annotations["replay"])
    assert replay, annotations["replay"]
    assert replay["specs"] == annotations["spec"]
    assert replay["step"] in SCENARIO_STEPS


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.get("alert") or r["record"])
def test_every_expression_reads_declared_metrics_only(rule: dict) -> None:
    names = metric_names(rule["expr"])
    assert names, f"no metric found in {rule['expr']!r}"
    assert names <= declared_names(), f"undeclared: {sorted(names - declared_names())}"


def test_recording_rules_follow_the_level_metric_operations_convention() -> None:
    for name in recording_names():
        level, metric, operations = name.split(":")
        assert level and operations and metric.startswith("ccperp_"), name


def test_every_alert_is_tested_firing_and_quiet() -> None:
    """rules.test.yml: each alert has a case where it fires (labels and annotations, spec included) and one where
    it does not; each recording rule is evaluated at least once."""
    firing: dict[str, list[dict]] = {}
    quiet: set[str] = set()
    evaluated: set[str] = set()
    for case in load_yaml(RULES_TESTS)["tests"]:
        for check in case.get("alert_rule_test", ()):
            if check.get("exp_alerts"):
                firing.setdefault(check["alertname"], []).extend(check["exp_alerts"])
            else:
                quiet.add(check["alertname"])
        evaluated |= {name for check in case.get("promql_expr_test", ()) for name in metric_names(check["expr"])}
    for alert in alerts():
        name = alert["alert"]
        assert name in quiet, f"{name}: no case where it stays quiet"
        assert name in firing, f"{name}: no case where it fires"
        for expected in firing[name]:
            assert expected["exp_labels"]["severity"] == alert["labels"]["severity"], name
            assert expected["exp_annotations"]["spec"] == alert["annotations"]["spec"], name
    untested = recording_names() - evaluated
    assert not untested, f"recording rules never evaluated: {sorted(untested)}"


@pytest.mark.parametrize(("expr", "names"), [
    ('histogram_quantile(0.95, sum by (destination, le) (rate(a_bucket{le!="+Inf", x=~"a{b}"}[5m])))', {"a_bucket"}),
    ("sum(rate(a_total[1h])) by (stack) / on (stack) group_left (feed) b > bool 1e-06", {"a_total", "b"}),
    ("level:metric:ratio_rate5m{stack=~\"$stack\"} and c offset 5m", {"level:metric:ratio_rate5m", "c"}),
    ('up{job="ccperp-monitor"} == 0', {"up"}),
    ("sum (rate (d[$__rate_interval]))", {"d"}),
])
def test_metric_names_are_found_in_promql(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names
