"""The evaluator on hand-made snapshots and events: each derived metric moves exactly as the spec it watches says."""
from __future__ import annotations

from dataclasses import replace

import pytest

from checkers.monitor.evaluate import Evaluator, Naming
from checkers.monitor.events import Event
from checkers.monitor.lens import WAD, FeedView, PositionView, Snapshot, TokenView
from checkers.monitor.metrics import BY_NAME, Metrics

BTC = b"\x01" * 32
T0 = 1_000_000


def _naming() -> Naming:
    return Naming(feed=lambda stack, feed_id: "BTC/USD", token=lambda address: "USDC",
                  destination=lambda stack, args: "polygon" if stack == "ethereum" else "ethereum")


def _feed(price: float, primary_age: int = 10, source: int = 1, readable: bool = True, tripped_at: int = 0) -> FeedView:
    return FeedView(BTC, 8, readable, int(price * WAD), T0 - primary_age, source, T0 - primary_age, True, tripped_at,
                    300)


def _snap(block: int = 1, timestamp: int = T0, feeds=(), positions=(), tokens=(), **kw) -> Snapshot:
    base = dict(stack="ethereum", block=block, timestamp=timestamp, paused={"CrossChainReceiver": False}, phase=3,
                recent_failures=0, stored_messages=0, open_positions=len(positions), feeds=tuple(feeds),
                tokens=tuple(tokens), positions=tuple(positions))
    return Snapshot(**{**base, **kw})


def _hf(pid: int, hf: float) -> PositionView:
    return PositionView(pid, True, int(hf * WAD))


@pytest.fixture
def ev() -> Evaluator:
    return Evaluator(Metrics(), _naming())


def value(ev: Evaluator, name: str, *labels: str) -> float | None:
    """The sample of a declared metric, its label values given in declaration order."""
    return ev.metrics.registry.get_sample_value(name, dict(zip(BY_NAME[name].labels, labels)))


def test_a_primary_older_than_90_s_counts_as_stale_and_the_fallback_is_reported(ev) -> None:
    ev.block([_snap(feeds=[_feed(50_000, primary_age=90)])], [], T0)
    assert value(ev, "ccperp_oracle_stale_checks_total", "ethereum", "BTC/USD") == 0  # 90 s is still fresh
    ev.block([_snap(2, T0, feeds=[_feed(50_000, primary_age=91, source=2)])], [], T0)
    assert value(ev, "ccperp_oracle_stale_checks_total", "ethereum", "BTC/USD") == 1
    assert value(ev, "ccperp_oracle_checks_total", "ethereum", "BTC/USD") == 2
    assert value(ev, "ccperp_oracle_primary_age_seconds", "ethereum", "BTC/USD") == 91
    assert value(ev, "ccperp_oracle_fallback_active", "ethereum", "BTC/USD") == 1


def test_deviation_is_against_the_oldest_price_of_the_last_hour(ev) -> None:
    for i, price in enumerate((50_000, 45_000, 40_000)):  # two 10-11 % steps: 20 % over the hour
        ev.block([_snap(i + 1, T0 + 60 * i, feeds=[replace(_feed(price), primary_timestamp=T0 + 60 * i)])], [],
                 T0)
    assert value(ev, "ccperp_oracle_price_deviation_ratio", "ethereum", "BTC/USD") == pytest.approx(0.2)
    later = T0 + 120 + 3601  # an hour on, the window holds only the latest price
    ev.block([_snap(4, later, feeds=[replace(_feed(40_000), primary_timestamp=later)])], [], later)
    assert value(ev, "ccperp_oracle_price_deviation_ratio", "ethereum", "BTC/USD") == 0


def test_an_unreadable_feed_has_no_served_price_but_keeps_its_primary_age(ev) -> None:
    ev.block([_snap(feeds=[_feed(50_000)])], [], T0)
    ev.block([_snap(2, feeds=[_feed(0, readable=False, tripped_at=T0)])], [], T0)
    assert value(ev, "ccperp_oracle_price_usd", "ethereum", "BTC/USD") is None
    assert value(ev, "ccperp_oracle_primary_age_seconds", "ethereum", "BTC/USD") == 10
    assert value(ev, "ccperp_oracle_circuit_breaker_tripped", "ethereum", "BTC/USD") == 1


def test_overdue_blocks_count_from_when_a_position_became_liquidatable(ev) -> None:
    ev.block([_snap(10, positions=[_hf(1, 1.2), _hf(2, 2.0)])], [], T0)
    assert value(ev, "ccperp_liquidation_overdue_blocks", "ethereum") == 0
    ev.block([_snap(11, positions=[_hf(1, 0.99), _hf(2, 1.04)])], [], T0)
    ev.block([_snap(17, positions=[_hf(1, 0.95), _hf(2, 1.04)])], [], T0)
    assert value(ev, "ccperp_liquidation_overdue_blocks", "ethereum") == 6
    assert value(ev, "ccperp_positions_liquidatable", "ethereum") == 1
    assert value(ev, "ccperp_positions_below_health_margin", "ethereum") == 2
    assert value(ev, "ccperp_positions_became_liquidatable_total", "ethereum") == 1  # once, not once per block
    assert value(ev, "ccperp_position_health_factor_min", "ethereum") == pytest.approx(0.95)
    assert ev.metrics.registry.get_sample_value("ccperp_position_health_factor_bucket",
                                                {"stack": "ethereum", "le": "1.0"}) == 1
    ev.block([_snap(18, positions=[_hf(2, 1.04)])], [], T0)  # liquidated
    assert value(ev, "ccperp_liquidation_overdue_blocks", "ethereum") == 0
    assert ev.metrics.registry.get_sample_value("ccperp_position_health_factor_gcount", {"stack": "ethereum"}) == 1


def _event(name: str, block: int, stack: str = "ethereum", **args) -> Event:
    return Event(stack, "m", name, block, 0, args)


def test_ccip_messages_are_matched_by_id_for_latency_and_in_flight(ev) -> None:
    sent = [_event("CrossChainDepositSent", 1, messageId=b"a" * 32, destChainSelector=1),
            _event("CrossChainWithdrawalRequested", 1, messageId=b"b" * 32, destChainSelector=1)]
    ev.block([_snap(1)], sent, T0)
    assert value(ev, "ccperp_ccip_messages_in_flight", "polygon") == 2
    assert value(ev, "ccperp_ccip_messages_sent_total", "ethereum", "polygon", "deposit") == 1
    received = [_event("MessageReceived", 2, "polygon", messageId=b"a" * 32),
                _event("MessageFailed", 2, "polygon", messageId=b"a" * 32)]
    ev.block([_snap(2, stack="polygon")], received, T0 + 30)
    assert value(ev, "ccperp_ccip_messages_in_flight", "polygon") == 1
    assert value(ev, "ccperp_ccip_messages_received_total", "polygon", "failed") == 1
    registry = ev.metrics.registry
    assert registry.get_sample_value("ccperp_ccip_message_latency_seconds_sum", {"destination": "polygon"}) == 30
    assert registry.get_sample_value("ccperp_ccip_message_latency_seconds_bucket",
                                     {"destination": "polygon", "le": "15.0"}) == 0


def test_liquidation_events_count_attempts_and_successes(ev) -> None:
    events = [_event("LiquidationExecuted", 1, positionId=1), _event("LiquidationFailed", 1, positionId=2),
              _event("LiquidationSkipped", 1, positionId=3), _event("CircuitBreakerTripped", 1, feedId=BTC)]
    ev.block([_snap(1)], events, T0)
    assert value(ev, "ccperp_liquidations_attempted_total", "ethereum") == 2
    assert value(ev, "ccperp_liquidations_succeeded_total", "ethereum") == 1
    assert value(ev, "ccperp_liquidations_skipped_total", "ethereum") == 1
    assert value(ev, "ccperp_oracle_circuit_breaker_trips_total", "ethereum", "BTC/USD") == 1


def test_pool_amounts_are_in_whole_tokens_and_solvency_is_held_over_cash(ev) -> None:
    token = TokenView("0x" + "11" * 20, 6, 1_000_000_000, 400_000_000, 600_000_000, 5_000_000, 540_000_000, 7_000_000, 0)
    ev.block([_snap(tokens=[token], paused={"CrossChainReceiver": True}, recent_failures=4)], [], T0)
    assert value(ev, "ccperp_lending_pool_assets", "ethereum", "USDC") == 1000
    assert value(ev, "ccperp_lending_pool_bad_debt", "ethereum", "USDC") == 5
    assert value(ev, "ccperp_insurance_fund", "ethereum", "USDC") == 7
    assert value(ev, "ccperp_lending_pool_solvency_ratio", "ethereum", "USDC") == pytest.approx(0.9)
    assert value(ev, "ccperp_module_paused", "ethereum", "CrossChainReceiver") == 1
    assert value(ev, "ccperp_ccip_receiver_failures_last_hour", "ethereum") == 4


def test_a_delivery_logged_before_its_send_is_matched_too(ev) -> None:
    """Chainlink Local's router delivers inside ccipSend: the receiver's log precedes the vault's."""
    events = [_event("MessageReceived", 5, "polygon", messageId=b"c" * 32),
              _event("CrossChainDepositSent", 5, messageId=b"c" * 32, destChainSelector=1)]
    ev.block([_snap(5), _snap(5, stack="polygon")], events, T0)
    assert value(ev, "ccperp_ccip_messages_in_flight", "polygon") == 0
    assert ev.metrics.registry.get_sample_value("ccperp_ccip_message_latency_seconds_count",
                                                {"destination": "polygon"}) == 1
