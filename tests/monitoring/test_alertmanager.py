"""monitoring/alertmanager: the config loads, every alert of rules.yml reaches Slack (and email when critical), the
Slack message carries the spec and replay annotations, and no real secret is committed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitoring_support import ALERTMANAGER_CONFIG, SystemTool, alerts, load_yaml

RECEIVERS_BY_SEVERITY = {"critical": "email,slack", "warning": "slack"}  # amtool prints them in routing order
SLACK_PLACEHOLDER = "https://hooks.slack.com/services/REPLACE/WITH/WEBHOOK"
SMTP_PLACEHOLDER = "REPLACE_WITH_SMTP_PASSWORD"


def _receiver(name: str) -> dict:
    [receiver] = [r for r in load_yaml(ALERTMANAGER_CONFIG)["receivers"] if r["name"] == name]
    return receiver


def test_amtool_checks_the_config(amtool: SystemTool) -> None:
    result = amtool("check-config", str(ALERTMANAGER_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 templates" in result.stdout  # templates/*.tmpl found relative to the config


@pytest.mark.parametrize("alert", alerts(), ids=lambda a: a["alert"])
def test_every_alert_routes_by_severity(amtool: SystemTool, alert: dict) -> None:
    """critical: email and Slack; warning: Slack only (amtool resolves the routing tree offline)."""
    labels = {"alertname": alert["alert"], "stack": "ethereum", **alert["labels"]}
    result = amtool("config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}",
                    *(f"{key}={value}" for key, value in labels.items()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == RECEIVERS_BY_SEVERITY[alert["labels"]["severity"]]


def test_alerts_are_grouped_per_alert_and_stack() -> None:
    assert load_yaml(ALERTMANAGER_CONFIG)["route"]["group_by"] == ["alertname", "stack"]


def test_a_critical_inhibits_the_warnings_of_its_stack() -> None:
    [rule] = load_yaml(ALERTMANAGER_CONFIG)["inhibit_rules"]
    assert rule["source_matchers"] == ['severity="critical"']
    assert rule["target_matchers"] == ['severity="warning"']
    assert rule["equal"] == ["stack"]


def test_the_slack_message_carries_spec_and_replay(amtool: SystemTool, tmp_path: Path) -> None:
    [slack] = _receiver("slack")["slack_configs"]
    alert = next(a for a in alerts() if a["labels"]["severity"] == "critical")
    labels = {"alertname": alert["alert"], "stack": "polygon", **alert["labels"]}
    annotations = {**alert["annotations"], "description": "rendered description"}
    data = {"receiver": "slack", "status": "firing", "externalURL": "http://127.0.0.1:9093",
            "alerts": [{"status": "firing", "labels": labels, "annotations": annotations,
                        "startsAt": "2024-01-01T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                        "generatorURL": "", "fingerprint": "0"}],
            "groupLabels": {"alertname": alert["alert"], "stack": "polygon"}, "commonLabels": labels,
            "commonAnnotations": annotations}
    (tmp_path / "data.json").write_text(json.dumps(data))
    result = amtool("template", "render", f"--template.glob={ALERTMANAGER_CONFIG.parent / 'templates' / '*.tmpl'}",
                    f"--template.text={slack['title']}\n{slack['text']}", f"--template.data={tmp_path / 'data.json'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{alert['alert']} on polygon" in result.stdout
    for text in (alert["annotations"]["summary"], "rendered description", alert["annotations"]["spec"],
                 alert["annotations"]["replay"]):
        assert text in result.stdout


def test_secrets_are_placeholders() -> None:
    """The committed config carries no webhook or password: deployments use api_url_file / auth_password_file."""
    [slack] = _receiver("slack")["slack_configs"]
    [email] = _receiver("email")["email_configs"]
    assert slack["api_url"] == SLACK_PLACEHOLDER
    assert email["auth_password"] == SMTP_PLACEHOLDER
    assert email["smarthost"] == "smtp.example.org:587"
    assert email["to"].endswith("@example.org") and email["from"].endswith("@example.org")
