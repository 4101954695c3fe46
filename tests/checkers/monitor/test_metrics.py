"""The metric declarations follow Prometheus's conventions, checked by Prometheus's own linter where installed."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from prometheus_client import generate_latest

from checkers.catalogue import load_catalogue
from checkers.monitor.metrics import METRICS, Metrics, exposed_names


def test_names_units_and_types_follow_the_conventions() -> None:
    for m in METRICS:
        assert m.name.startswith("ccperp_"), m.name
        assert m.name.endswith("_total") == (m.kind == "counter"), m.name
        assert not any(u in m.name for u in ("_milliseconds", "_minutes", "_hours", "_percent")), m.name  # base units
        assert "position_id" not in m.labels and "message_id" not in m.labels  # no unbounded labels
    assert len({m.name for m in METRICS}) == len(METRICS)


def test_every_spec_a_metric_names_is_in_the_catalogue() -> None:
    ids = {s.id for s in load_catalogue()}
    assert {spec for m in METRICS for spec in m.specs} <= ids


def test_the_exposition_passes_promtool_check_metrics() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not found: Debian package prometheus not installed (./setup.sh installs it)")
    metrics = Metrics()
    metrics["ccperp_position_health_factor"].set(("ethereum",), [0.9, 1.5])
    metrics["ccperp_ccip_message_latency_seconds"].labels("polygon").observe(3)
    metrics["ccperp_liquidations_attempted_total"].labels("ethereum").inc()
    text = generate_latest(metrics.registry)
    done = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    exposed = {line.split("{")[0].split(" ")[0] for line in text.decode().splitlines() if not line.startswith("#")}
    assert exposed <= exposed_names()
