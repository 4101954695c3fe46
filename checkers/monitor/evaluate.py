"""The runtime form of the specs: each block's snapshots and events turned into the metrics of metrics.py.

State kept across blocks (the monitor is the only place that sees time pass): when each open position became
liquidatable (overdue blocks, positions that crossed the line), each feed's prices over the last hour of chain
time (deviation), and the CCIP messages sent and not yet delivered (latency, in flight, matched by messageId).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from checkers.monitor.events import Event
from checkers.monitor.lens import WAD, Snapshot
from checkers.monitor.metrics import Metrics

STALE_AFTER_S = 90  # DataStreamOracle.FALLBACK_AFTER: the design's "staleness > 90 s"
HEALTH_MARGIN = 1.05  # positions below this HF count as near liquidation
DEVIATION_WINDOW_S = 3600
MESSAGE_TYPES = {"CrossChainDepositSent": "deposit", "CrossChainWithdrawalRequested": "withdrawal"}
OUTCOMES = {"MessageProcessed": "processed", "MessageFailed": "failed", "MessagePending": "pending",
            "MessageAwaitingLaunch": "awaiting_launch"}


@dataclass(frozen=True)
class Naming:
    """Names the chain does not carry in every read: feed ids, token symbols, which stack a receiver belongs to."""
    feed: Callable[[str, bytes], str]  # (stack, feed id) -> "BTC/USD"
    token: Callable[[str], str]  # address -> symbol
    destination: Callable[[str, dict], str]  # (sending stack, send event args) -> destination stack


@dataclass
class Evaluator:
    metrics: Metrics
    naming: Naming
    liquidatable_since: dict[tuple[str, int], int] = field(default_factory=dict)
    prices: dict[tuple[str, str], deque[tuple[int, float]]] = field(default_factory=dict)
    in_flight: dict[bytes, tuple[str, int]] = field(default_factory=dict)  # messageId -> (destination, sent at)
    # messageId -> (destination, delivered at) for deliveries seen before their send: a router that delivers inside
    # ccipSend (Chainlink Local) logs the delivery before the sending vault logs the send
    delivered_first: dict[bytes, tuple[str, int]] = field(default_factory=dict)

    def block(self, snapshots: Sequence[Snapshot], events: Iterable[Event], timestamp: int) -> None:
        """One evaluated block at `timestamp`: its events first (they happened in it or, catching up, in the blocks
        skipped since the last one: stamped with this block's time), then the state at its end."""
        for event in events:
            self._event(event, timestamp)
        for snap in snapshots:
            self._snapshot(snap)
        destinations = {d for d, _ in self.in_flight.values()} | {s.stack for s in snapshots}
        for destination in destinations:
            self.metrics["ccperp_ccip_messages_in_flight"].labels(destination).set(
                sum(1 for d, _ in self.in_flight.values() if d == destination))

    # ---------------------------------------------------------------- events

    def _event(self, e: Event, timestamp: int) -> None:
        m = self.metrics
        if e.name in MESSAGE_TYPES:
            destination = self.naming.destination(e.stack, e.args)
            m["ccperp_ccip_messages_sent_total"].labels(e.stack, destination, MESSAGE_TYPES[e.name]).inc()
            message = bytes(e.args["messageId"])
            if message in self.delivered_first:
                stack, delivered = self.delivered_first.pop(message)
                m["ccperp_ccip_message_latency_seconds"].labels(stack).observe(max(0, delivered - timestamp))
            else:
                self.in_flight[message] = (destination, timestamp)
        elif e.name == "MessageReceived":
            message = bytes(e.args["messageId"])
            sent = self.in_flight.pop(message, None)
            if sent is not None:
                m["ccperp_ccip_message_latency_seconds"].labels(e.stack).observe(max(0, timestamp - sent[1]))
            else:  # its send comes later in the same block, or came before the monitor started (never matched)
                self.delivered_first[message] = (e.stack, timestamp)
                for old in [k for k, (_, t) in self.delivered_first.items() if t < timestamp - DEVIATION_WINDOW_S]:
                    del self.delivered_first[old]
        elif e.name in OUTCOMES:
            m["ccperp_ccip_messages_received_total"].labels(e.stack, OUTCOMES[e.name]).inc()
        elif e.name == "LiquidationExecuted":
            m["ccperp_liquidations_attempted_total"].labels(e.stack).inc()
            m["ccperp_liquidations_succeeded_total"].labels(e.stack).inc()
        elif e.name == "LiquidationFailed":
            m["ccperp_liquidations_attempted_total"].labels(e.stack).inc()
        elif e.name == "LiquidationSkipped":
            m["ccperp_liquidations_skipped_total"].labels(e.stack).inc()
        elif e.name == "CircuitBreakerTripped":
            m["ccperp_oracle_circuit_breaker_trips_total"].labels(e.stack, self.naming.feed(e.stack, e.args["feedId"])).inc()

    # ---------------------------------------------------------------- state

    def _snapshot(self, s: Snapshot) -> None:
        m = self.metrics
        for counter in ("ccperp_liquidations_attempted_total", "ccperp_liquidations_succeeded_total",
                        "ccperp_liquidations_skipped_total", "ccperp_positions_became_liquidatable_total"):
            m[counter].labels(s.stack)  # every stack's counters exist from the first block, at 0
        for outcome in OUTCOMES.values():
            m["ccperp_ccip_messages_received_total"].labels(s.stack, outcome)
        for module, paused in s.paused.items():
            m["ccperp_module_paused"].labels(s.stack, module).set(int(paused))
        m["ccperp_launch_phase"].labels(s.stack).set(s.phase)
        m["ccperp_ccip_receiver_failures_last_hour"].labels(s.stack).set(s.recent_failures)
        m["ccperp_ccip_stored_messages"].labels(s.stack).set(s.stored_messages)
        self._feeds(s)
        self._positions(s)
        self._tokens(s)

    def _feeds(self, s: Snapshot) -> None:
        m = self.metrics
        for f in s.feeds:
            name = self.naming.feed(s.stack, f.id)
            labels = (s.stack, name)
            primary_age = max(0, s.timestamp - f.primary_timestamp)
            m["ccperp_oracle_primary_age_seconds"].labels(*labels).set(primary_age)
            m["ccperp_oracle_checks_total"].labels(*labels).inc()
            stale = m["ccperp_oracle_stale_checks_total"].labels(*labels)  # present at 0: rates need both series
            if primary_age > STALE_AFTER_S:
                stale.inc()
            m["ccperp_oracle_circuit_breaker_trips_total"].labels(*labels)
            m["ccperp_oracle_circuit_breaker_tripped"].labels(*labels).set(int(f.breaker_enabled and f.tripped_at != 0))
            served = ("ccperp_oracle_price_age_seconds", "ccperp_oracle_price_usd", "ccperp_oracle_fallback_active",
                      "ccperp_oracle_price_deviation_ratio")
            if not f.readable:  # the platform cannot read a price now (breaker active, or nothing usable)
                for metric in served:
                    _remove(m[metric], labels)
                continue
            price = f.price_wad / WAD
            m["ccperp_oracle_price_age_seconds"].labels(*labels).set(max(0, s.timestamp - f.updated_at))
            m["ccperp_oracle_price_usd"].labels(*labels).set(price)
            m["ccperp_oracle_fallback_active"].labels(*labels).set(int(f.source == 2))
            window = self.prices.setdefault(labels, deque())
            window.append((s.timestamp, price))
            while len(window) > 1 and window[0][0] < s.timestamp - DEVIATION_WINDOW_S:
                window.popleft()
            reference = window[0][1]
            m["ccperp_oracle_price_deviation_ratio"].labels(*labels).set(abs(price - reference) / reference)

    def _positions(self, s: Snapshot) -> None:
        m = self.metrics
        health = [p.health_factor_wad / WAD for p in s.positions if p.readable]
        liquidatable = {p.id for p in s.positions if p.readable and p.health_factor_wad < WAD}
        m["ccperp_positions_open"].labels(s.stack).set(s.open_positions)
        m["ccperp_positions_liquidatable"].labels(s.stack).set(len(liquidatable))
        m["ccperp_positions_below_health_margin"].labels(s.stack).set(sum(1 for h in health if h < HEALTH_MARGIN))
        m["ccperp_position_health_factor"].set((s.stack,), health)
        if health:
            m["ccperp_position_health_factor_min"].labels(s.stack).set(min(health))
        else:
            _remove(m["ccperp_position_health_factor_min"], (s.stack,))
        for key in [k for k in self.liquidatable_since if k[0] == s.stack and k[1] not in liquidatable]:
            del self.liquidatable_since[key]  # liquidated, closed or healthy again
        for position in liquidatable:
            if (s.stack, position) not in self.liquidatable_since:
                self.liquidatable_since[(s.stack, position)] = s.block
                m["ccperp_positions_became_liquidatable_total"].labels(s.stack).inc()
        since = [b for (stack, _), b in self.liquidatable_since.items() if stack == s.stack]
        m["ccperp_liquidation_overdue_blocks"].labels(s.stack).set(s.block - min(since) if since else 0)

    def _tokens(self, s: Snapshot) -> None:
        m = self.metrics
        for t in s.tokens:
            labels = (s.stack, self.naming.token(t.token))
            unit = 10 ** t.decimals
            for metric, amount in (("ccperp_lending_pool_assets", t.assets), ("ccperp_lending_pool_borrows", t.borrows),
                                   ("ccperp_lending_pool_cash", t.cash), ("ccperp_lending_pool_bad_debt", t.bad_debt),
                                   ("ccperp_insurance_fund", t.insurance),
                                   ("ccperp_counterparty_balance", t.counterparty)):
                m[metric].labels(*labels).set(amount / unit)
            m["ccperp_lending_pool_solvency_ratio"].labels(*labels).set(t.held / t.cash if t.cash else 1.0)


def _remove(metric, labels: tuple[str, ...]) -> None:
    try:
        metric.remove(*labels)
    except KeyError:
        pass
