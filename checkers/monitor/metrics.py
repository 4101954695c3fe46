"""The monitor's Prometheus metrics: one declaration per metric (name, type, labels, help, the specs it watches).

The declarations are the contract between the monitor, the alert rules (monitoring/prometheus/rules.yml), the
Grafana dashboard and their tests: every expression they use must name a metric declared here. Names follow
Prometheus's conventions: `ccperp_` namespace, base units in the name (`_seconds`, `_ratio`), `_total` only on
counters, no unbounded labels (no position ids: a distribution is a histogram, the worst case a gauge).
Token amounts are in whole tokens (the token's decimals applied), labelled by token symbol.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import GaugeHistogramMetricFamily
from prometheus_client.registry import Collector

Kind = Literal["gauge", "counter", "histogram", "gauge_histogram"]

HEALTH_BUCKETS = (0.5, 0.8, 0.9, 1.0, 1.05, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
LATENCY_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 3600.0)
PROCESSING_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class MetricSpec:
    name: str  # as exposed (a counter's name includes _total)
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    specs: tuple[str, ...] = ()  # catalogue ids whose runtime form this metric is
    buckets: tuple[float, ...] = ()


METRICS: tuple[MetricSpec, ...] = (
    # oracle: staleness, fallback, deviation, breaker
    MetricSpec("ccperp_oracle_primary_age_seconds", "gauge",
               "Block time minus the primary (Data Streams) price's timestamp; the fallback takes over past 90 s",
               ("stack", "feed"), ("ORCL-02", "INT-ORCL-08")),
    MetricSpec("ccperp_oracle_price_age_seconds", "gauge",
               "Age of the price the platform reads now (latestPrice: primary, else fallback)",
               ("stack", "feed"), ("ORCL-01", "INT-ORCL-08")),
    MetricSpec("ccperp_oracle_fallback_active", "gauge",
               "1 when the platform reads the fallback feed (primary older than 90 s), else 0",
               ("stack", "feed"), ("ORCL-02",)),
    MetricSpec("ccperp_oracle_price_usd", "gauge", "The price the platform reads now, in USD",
               ("stack", "feed"), ("INT-ORCL-08",)),
    MetricSpec("ccperp_oracle_price_deviation_ratio", "gauge",
               "|price - reference| / reference, the reference being the oldest price read in the last hour of "
               "chain time (a 20% drop in two 10% steps shows as 0.2)", ("stack", "feed"), ("ORCL-03",)),
    MetricSpec("ccperp_oracle_circuit_breaker_tripped", "gauge",
               "1 while the feed's circuit breaker is tripped (updates rejected until the cooldown ends)",
               ("stack", "feed"), ("INT-ORCL-06",)),
    MetricSpec("ccperp_oracle_circuit_breaker_trips_total", "counter", "CircuitBreakerTripped events",
               ("stack", "feed"), ("INT-ORCL-06",)),
    MetricSpec("ccperp_oracle_checks_total", "counter", "Blocks at which the feed was evaluated",
               ("stack", "feed")),
    MetricSpec("ccperp_oracle_stale_checks_total", "counter",
               "Blocks at which the feed's primary was older than 90 s (staleness rate = this / checks)",
               ("stack", "feed"), ("ORCL-02",)),
    # CCIP
    MetricSpec("ccperp_ccip_messages_sent_total", "counter",
               "CCIP messages sent by a vault (CrossChainDepositSent / CrossChainWithdrawalRequested)",
               ("source", "destination", "type"), ("INT-VAULT-07", "INT-VAULT-08")),
    MetricSpec("ccperp_ccip_messages_received_total", "counter",
               "CCIP deliveries to a receiver by outcome: processed, failed, pending (paused), awaiting_launch",
               ("stack", "outcome"), ("CCIP-04", "INT-RECV-05")),
    MetricSpec("ccperp_ccip_receiver_failures_last_hour", "gauge",
               "The receiver's own count of failed messages in the last hour (recentFailures); the fourth pauses it",
               ("stack",), ("CCIP-05", "INT-RECV-09")),
    MetricSpec("ccperp_ccip_stored_messages", "gauge",
               "Messages the receiver keeps for retry (failed or pending)", ("stack",), ("CCIP-04",)),
    MetricSpec("ccperp_ccip_messages_in_flight", "gauge",
               "Messages sent towards this stack and not yet delivered to its receiver", ("destination",)),
    MetricSpec("ccperp_ccip_message_latency_seconds", "histogram",
               "Chain time from a message's send (by messageId) to its delivery on the destination stack",
               ("destination",), (), LATENCY_BUCKETS),
    # liquidations and positions
    MetricSpec("ccperp_liquidations_attempted_total", "counter",
               "Liquidations attempted by the engine (LiquidationExecuted + LiquidationFailed)", ("stack",),
               ("INT-LIQE-01", "INT-LIQE-02")),
    MetricSpec("ccperp_liquidations_succeeded_total", "counter", "LiquidationExecuted events", ("stack",),
               ("INT-LIQE-01", "INT-LIQE-02")),
    MetricSpec("ccperp_liquidations_skipped_total", "counter",
               "LiquidationSkipped events (the position was healthy again when its turn came)", ("stack",)),
    MetricSpec("ccperp_positions_became_liquidatable_total", "counter",
               "Positions seen crossing into liquidatable (HF < 1); success rate = succeeded / this", ("stack",),
               ("LIQ-01",)),
    MetricSpec("ccperp_positions_open", "gauge", "Open positions", ("stack",)),
    MetricSpec("ccperp_positions_liquidatable", "gauge", "Open positions with HF < 1", ("stack",), ("LIQ-01",)),
    MetricSpec("ccperp_positions_below_health_margin", "gauge",
               "Open positions with HF below 1.05 (the alert margin), liquidatable ones included", ("stack",),
               ("LIQ-01",)),
    MetricSpec("ccperp_position_health_factor_min", "gauge", "The lowest HF of any open position (no position: "
               "absent)", ("stack",), ("LIQ-01",)),
    MetricSpec("ccperp_position_health_factor", "gauge_histogram",
               "Health factors of the open positions at the last evaluated block (a snapshot, not cumulative)",
               ("stack",), ("LIQ-01", "INT-PM-05"), HEALTH_BUCKETS),
    MetricSpec("ccperp_liquidation_overdue_blocks", "gauge",
               "Blocks the longest-liquidatable open position has stayed liquidatable (0: none)", ("stack",),
               ("INT-LIQE-02",)),
    # pool and funds
    MetricSpec("ccperp_lending_pool_assets", "gauge", "Lending pool totalAssets, whole tokens", ("stack", "token"),
               ("INT-POOL-06",)),
    MetricSpec("ccperp_lending_pool_borrows", "gauge", "Lending pool totalBorrows, whole tokens",
               ("stack", "token"), ("INT-POOL-06",)),
    MetricSpec("ccperp_lending_pool_cash", "gauge", "Lending pool cash, whole tokens", ("stack", "token"),
               ("INT-POOL-06",)),
    MetricSpec("ccperp_lending_pool_bad_debt", "gauge", "Bad debt the pool has written off, whole tokens",
               ("stack", "token"), ("LIQ-03", "INT-TRADE-08")),
    MetricSpec("ccperp_lending_pool_solvency_ratio", "gauge",
               "Tokens the pool holds / the cash its books promise (below 1: lent-out or lost funds)",
               ("stack", "token"), ("SEQ-01",)),
    MetricSpec("ccperp_insurance_fund", "gauge", "PerpetualTrading's insurance fund, whole tokens",
               ("stack", "token"), ("INT-TRADE-03", "INT-TRADE-07")),
    MetricSpec("ccperp_counterparty_balance", "gauge", "PerpetualTrading's counterparty book, whole tokens",
               ("stack", "token"), ("INT-TRADE-04",)),
    # modules
    MetricSpec("ccperp_module_paused", "gauge", "1 while the module is paused", ("stack", "module"),
               ("PAUSE-01", "INT-ACC-08")),
    MetricSpec("ccperp_launch_phase", "gauge", "LaunchControl's phase (1, 2, 3)", ("stack",), ("INT-LAUNCH-01",)),
    # the monitor itself
    MetricSpec("ccperp_monitor_block", "gauge", "The last block the monitor evaluated"),
    MetricSpec("ccperp_monitor_chain_timestamp_seconds", "gauge", "The timestamp of the last evaluated block"),
    MetricSpec("ccperp_monitor_head_lag_blocks", "gauge", "Chain head minus the last evaluated block"),
    MetricSpec("ccperp_monitor_block_processing_seconds", "histogram", "Wall time to evaluate one block",
               (), (), PROCESSING_BUCKETS),
    MetricSpec("ccperp_monitor_rpc_requests_total", "counter", "JSON-RPC requests the monitor sent", ("method",)),
    MetricSpec("ccperp_monitor_errors_total", "counter", "Blocks whose evaluation failed (retried)", ("stage",)),
)

BY_NAME = {m.name: m for m in METRICS}


def exposed_names() -> set[str]:
    """Every series name a scrape can contain (histograms add _bucket, _sum, _count; gauge histograms _bucket,
    _gsum, _gcount)."""
    names = set()
    for m in METRICS:
        if m.kind == "histogram":
            names |= {f"{m.name}_bucket", f"{m.name}_sum", f"{m.name}_count"}
        elif m.kind == "gauge_histogram":
            names |= {f"{m.name}_bucket", f"{m.name}_gsum", f"{m.name}_gcount"}
        else:
            names.add(m.name)
    return names


class SnapshotHistogram(Collector):
    """A gauge histogram: the distribution of a set of values at one moment, replaced on every `set` (position
    health factors at the last block; a cumulative histogram would count each position once per block)."""

    def __init__(self, spec: MetricSpec) -> None:
        self.spec = spec
        self._values: dict[tuple[str, ...], list[float]] = {}

    def set(self, label_values: tuple[str, ...], values: list[float]) -> None:
        self._values[label_values] = list(values)

    def collect(self):
        family = GaugeHistogramMetricFamily(self.spec.name, self.spec.help, labels=self.spec.labels)
        for labels, values in sorted(self._values.items()):
            buckets = [(_bound(b), sum(1 for v in values if v <= b)) for b in self.spec.buckets]
            buckets.append(("+Inf", len(values)))
            family.add_metric(list(labels), buckets, gsum_value=sum(values))
        yield family


def _bound(value: float) -> str:
    return repr(float(value))


class Metrics:
    """The live metric objects of one monitor, in a registry of their own (tests run several monitors)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        disable_created_metrics()  # the *_created series only add noise to every counter and histogram
        self.registry = registry or CollectorRegistry()
        self._by_name: dict[str, Gauge | Counter | Histogram | SnapshotHistogram] = {}
        for m in METRICS:
            if m.kind == "gauge":
                metric: Gauge | Counter | Histogram | SnapshotHistogram = Gauge(m.name, m.help, m.labels,
                                                                               registry=self.registry)
            elif m.kind == "gauge_histogram":
                metric = SnapshotHistogram(m)
                self.registry.register(metric)
            elif m.kind == "counter":  # prometheus_client appends _total itself
                metric = Counter(m.name.removesuffix("_total"), m.help, m.labels, registry=self.registry)
            else:
                metric = Histogram(m.name, m.help, m.labels, buckets=m.buckets, registry=self.registry)
            self._by_name[m.name] = metric

    def __getitem__(self, name: str):
        return self._by_name[name]
