"""End to end: anvil on 127.0.0.1 (random port), the platform deployed by tools/deploy_local.sh, `verify monitor`
following it, a real Prometheus (Debian's package) scraping the monitor with monitoring/prometheus/rules.yml loaded,
and the scenario driver playing the design's testing protocol. Through Prometheus's HTTP API: each expected alert
fires during its step and none fires during the calm part (calm, load). Everything stops by itself."""
from __future__ import annotations

import shutil
import signal
import subprocess
import time

import pytest

from checkers import toolchain
from checkers.deployment.chain import Chain
from checkers.deployment.file import load
from checkers.deployment.fork import free_port
from checkers.deployment.local_chain import local_deployment
from checkers.monitor import scenario
from checkers.monitor.prometheus_server import PrometheusServer
from checkers.processes import kill_tree

pytestmark = pytest.mark.skipif(shutil.which("prometheus") is None,
                                reason="Debian package prometheus not installed (./setup.sh installs it as root)")

CALM = ("calm", "load")
EXPECTED = {  # step -> alerts that must fire while it runs
    "price_drop": {"CcperpPriceDeviation", "CcperpCircuitBreakerTripped", "CcperpPositionsNearLiquidation"},
    "liquidation_delay": {"CcperpLiquidationOverdue"},
    "stale_feed": {"CcperpOracleStale"},
    "ccip_failures": {"CcperpCcipFailures", "CcperpModulePaused"},
}
SCRAPE_S = 1.0


@pytest.fixture(scope="module")
def run(platform_target):
    """The whole story once: (prometheus answers kept as data, step windows, scenario results, monitor exit code)."""
    with local_deployment() as deployed:
        deployment = load(deployed.file)
        chain = Chain(deployed.rpc_url)
        scenario.refresh_prices(chain, deployment)  # the handover's 1-day delay left every price stale
        port = free_port()
        monitor = subprocess.Popen(
            [str(toolchain.venv_bin("verify")), "monitor", "--rpc-url", deployed.rpc_url, "--deployment",
             str(deployed.file), "--listen", f"127.0.0.1:{port}", "--poll", "0.25"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            assert "serving" in monitor.stdout.readline()
            with PrometheusServer(f"127.0.0.1:{port}", interval_s=SCRAPE_S) as prometheus:
                prometheus.wait_for("ccperp_monitor_block")
                windows: dict[str, list[float]] = {}

                def settle() -> None:
                    """Until Prometheus has scraped the monitor at the chain's head and evaluated the rules on it."""
                    head = chain.w3.eth.block_number
                    prometheus.wait_for(f"ccperp_monitor_block >= {head}", timeout_s=120)
                    time.sleep(3 * SCRAPE_S)

                def on_step(step: str, moment: str) -> None:
                    if moment != "start":
                        settle()
                    windows.setdefault(step, []).append(time.time())

                results = scenario.run(chain, deployment, on_step=on_step)
                firing = {step: prometheus.firing(times[0], times[-1]) for step, times in windows.items()}
                totals = {name: prometheus.value(expr) for name, expr in {
                    "liquidations": "sum(ccperp_liquidations_succeeded_total)",
                    "latency_count": "sum(ccperp_ccip_message_latency_seconds_count)",
                    "stale_checks": "sum(ccperp_oracle_stale_checks_total)",
                    "positions_seen": "max_over_time(sum(ccperp_positions_open)[10m:1s])"}.items()}
        finally:
            monitor.send_signal(signal.SIGTERM)
            try:
                code = monitor.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_tree(monitor.pid)
                code = None
        yield firing, results, totals, code


def test_no_alert_fires_during_the_calm_part(run) -> None:
    firing, _, _, _ = run
    for step in CALM:
        assert firing[step] == {}, f"{step}: {sorted(firing[step])}"


@pytest.mark.parametrize("step", sorted(EXPECTED))
def test_each_expected_alert_fires_in_its_step(run, step) -> None:
    firing, _, _, _ = run
    assert EXPECTED[step] <= set(firing[step]), f"{step}: fired {sorted(firing[step])}"


def test_the_design_metrics_reached_prometheus(run) -> None:
    _, results, totals, _ = run
    assert totals["positions_seen"] >= 100  # the load run's concurrent positions
    assert totals["liquidations"] >= 1  # by the engine's upkeep, through the forwarder
    assert totals["latency_count"] >= 1  # CCIP messages matched by messageId
    assert totals["stale_checks"] >= 1


def test_the_monitor_stops_cleanly(run) -> None:
    assert run[3] == 0
