"""The scenario driver (checkers/monitor/scenario.py) on the platform as tools/deploy_local.sh deploys it: the six
steps run once on one deployment; at the end of each step (on_step) the contracts' own views are read, and each
step's story is checked against them and against the events of its blocks, not against the facts the driver reports.
Also: the CLI runs a step and prints one line for it, and bad input is one line on stderr with exit 2."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from eth_utils import keccak

from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment, load
from checkers.deployment.fork import free_port
from checkers.monitor import scenario
from checkers.monitor.operations import FAILED, SOURCE_FALLBACK, SOURCE_PRIMARY, USDC, WAD
from checkers.deployment.local_chain import local_deployment

BTC, ETH = keccak(b"BTC/USD"), keccak(b"ETH/USD")


@dataclass(frozen=True)
class Views:
    """What the contracts say at the end of a step, per stack."""

    block: int
    phase: dict[str, int]
    positions: dict[str, dict[int, Any]]  # open id -> getPosition
    liquidatable: dict[str, set[int]]
    paused: set[str]  # "stack.Module"
    prices: dict[str, dict[bytes, tuple[int, int, int]]]  # latestPrice per feed
    receiver: dict[str, tuple[bool, int, int]]  # paused, recentFailures, storedMessageCount


def _views(chain: Chain, d: Deployment) -> Views:
    m = {s.name: {name: chain.module(name, address).functions for name, address in s.modules.items()}
         for s in d.stacks}
    positions = {s: {i: f["PositionManager"].getPosition(i).call()
                     for i in f["PerpetualTrading"].openPositionIds().call()} for s, f in m.items()}
    return Views(
        chain.w3.eth.block_number,
        {s: f["LaunchControl"].phase().call() for s, f in m.items()},
        positions,
        {s: {i for i in positions[s] if f["PerpetualTrading"].isLiquidatable(i).call()} for s, f in m.items()},
        {f"{s}.{name}" for s, f in m.items() for name, calls in f.items() if calls.paused().call()},
        {s: {feed: tuple(f["DataStreamOracle"].latestPrice(feed).call()) for feed in (BTC, ETH)} for s, f in m.items()},
        {s: (f["CrossChainReceiver"].paused().call(), f["CrossChainReceiver"].recentFailures().call(),
             f["CrossChainReceiver"].storedMessageCount().call()) for s, f in m.items()})


@dataclass(frozen=True)
class Run:
    chain: Chain
    file: Path
    d: Deployment
    results: list[scenario.StepResult]
    start: dict[str, int]  # step -> head block when it started
    end: dict[str, Views]
    cli_out: str

    def logs(self, stack: str, module: str, event: str, step: str | None = None, **filters: Any) -> list[Any]:
        """`event` logs of the stack's module, within `step`'s blocks (or the whole run)."""
        address = {s.name: s for s in self.d.stacks}[stack].modules[module]
        first = self.start[step] + 1 if step else 0
        last = self.end[step].block if step else self.chain.w3.eth.block_number
        return getattr(self.chain.module(module, address).events, event).get_logs(
            from_block=first, to_block=last, argument_filters=filters or None)


@pytest.fixture(scope="module")
def run(platform_target) -> Iterator[Run]:
    with local_deployment("scenario") as (rpc, file, _):
        chain, d = Chain(rpc), load(file)
        snapshot = chain.w3.provider.make_request("evm_snapshot", [])["result"]
        cli_out = _cli(["--rpc-url", rpc, "--deployment", str(file), "--only", "calm"])
        assert chain.w3.provider.make_request("evm_revert", [snapshot])["result"]
        start, end = {}, {}

        def on_step(step: str, when: str) -> None:
            if when == "start":
                start[step] = chain.w3.eth.block_number
            elif when == "end":  # not at "observe": mid-step a breaker may be active and the price unreadable
                end[step] = _views(chain, d)

        yield Run(chain, file, d, scenario.run(chain, d, on_step=on_step), start, end, cli_out)


def _cli(argv: list[str], code: int = 0) -> str:
    """scenario.main's exit code must be `code`; returns its stdout (exit 0) or stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert scenario.main(argv) == code, err.getvalue()
    return out.getvalue() if code == 0 else err.getvalue()


def test_every_step_ran_in_order_and_reports_itself(run: Run) -> None:
    assert [r.step for r in run.results] == list(scenario.ALL_STEPS)
    for r in run.results:
        assert r.blocks > 0 and r.transactions > 0 and r.seconds > 0, r
        print(f"{r.step}: {r.seconds:.1f} s, {r.blocks} blocks, {r.transactions} transactions, {dict(r.facts)}")
    [line] = run.cli_out.splitlines()
    assert line.startswith("calm: ") and "transactions" in line and "alice_position=1" in line


def test_calm_launches_both_stacks_and_nothing_abnormal_happens(run: Run) -> None:
    views = run.end["calm"]
    assert views.phase == {"ethereum": 3, "polygon": 3}
    [(alice, position)] = views.positions["ethereum"].items()
    trader, _, _, _, is_long, size, entry, collateral, principal, *_ = position
    assert (is_long, size, entry, collateral, principal) == (True, 100_000 * USDC, 50_000 * WAD, 10_000 * USDC,
                                                             90_000 * USDC)
    assert views.positions["polygon"] == {} and views.liquidatable == {"ethereum": set(), "polygon": set()}
    assert views.paused == set()
    for stack in ("ethereum", "polygon"):
        assert run.logs(stack, "DataStreamOracle", "CircuitBreakerTripped", "calm") == []
        assert run.logs(stack, "CrossChainReceiver", "MessageFailed", "calm") == []
        assert all(source == SOURCE_PRIMARY for _, _, source in views.prices[stack].values())
        gaps = _update_gaps(run, stack, "calm")
        assert max(gaps) <= 90, gaps  # the primary never went stale


def _update_gaps(run: Run, stack: str, step: str) -> list[int]:
    """Seconds between consecutive accepted BTC/USD primary updates within the step."""
    times = [log.args.timestamp for log in run.logs(stack, "DataStreamOracle", "PriceUpdated", step, feedId=BTC)]
    return [b - a for a, b in zip(times, times[1:])]


def test_load_opens_over_100_positions_and_ccip_messages_flow(run: Run) -> None:
    views = run.end["load"]
    positions = [p for stack in views.positions.values() for p in stack.values()]
    assert len(positions) >= 100
    assert len({p[0] for p in positions}) >= 5  # traders
    for stack, open_positions in views.positions.items():
        assert {p[2] for p in open_positions.values()} == {1, 2}, stack  # both markets
    leverage = {round(p[5] / p[7]) for p in positions}
    assert {2, 3, 5, 17, 100} <= leverage
    assert views.liquidatable == {"ethereum": set(), "polygon": set()}
    processed = sum(len(run.logs(s, "CrossChainReceiver", "MessageProcessed", "load")) for s in views.phase)
    assert processed >= 4
    assert all(stored == 0 for _, _, stored in views.receiver.values())


def test_price_drop_trips_the_btc_breaker_once_per_stack(run: Run) -> None:
    views = run.end["price_drop"]
    for stack in ("ethereum", "polygon"):
        assert len(run.logs(stack, "DataStreamOracle", "CircuitBreakerTripped", feedId=BTC)) == 1
        assert run.logs(stack, "DataStreamOracle", "CircuitBreakerTripped", feedId=ETH) == []
        assert len(run.logs(stack, "DataStreamOracle", "CircuitBreakerReset", "price_drop", feedId=BTC)) == 1
        assert views.prices[stack][BTC][0] == 40_000 * WAD and views.prices[stack][BTC][2] == SOURCE_PRIMARY
        assert views.prices[stack][ETH][0] == 2_400 * WAD
    liquidatable = sum(map(len, views.liquidatable.values()))
    assert liquidatable >= 20 and 1 in views.liquidatable["ethereum"]  # Alice's among them


def test_every_liquidatable_position_is_liquidated_by_automation_after_the_outage(run: Run) -> None:
    before, after = run.end["price_drop"], run.end["liquidation_delay"]
    for s in run.d.stacks:
        assert before.liquidatable[s.name] and not before.liquidatable[s.name] & set(after.positions[s.name])
        assert after.liquidatable[s.name] == set()
        executed = run.logs(s.name, "LiquidationEngine", "LiquidationExecuted", "liquidation_delay")
        assert {log.args.positionId for log in executed} == before.liquidatable[s.name]
        assert {log.args.caller for log in executed} == {s.forwarder}  # registry -> forwarder -> engine
        assert min(log.blockNumber for log in executed) - run.start["liquidation_delay"] >= 8  # the outage
    healthy = sum(map(len, after.positions.values()))
    assert healthy == sum(map(len, before.positions.values())) - sum(map(len, before.liquidatable.values()))


def test_stale_primary_makes_the_oracle_serve_the_fallback(run: Run) -> None:
    for s in run.d.stacks:
        oracle = run.chain.module("DataStreamOracle", s.modules["DataStreamOracle"]).functions
        [resumed] = run.logs(s.name, "DataStreamOracle", "PriceUpdated", "stale_feed", feedId=BTC)
        price, updated_at, source = oracle.latestPrice(BTC).call(block_identifier=resumed.blockNumber - 1)
        primary_at = oracle.primaryPrice(BTC).call(block_identifier=resumed.blockNumber - 1)[1]
        assert source == SOURCE_FALLBACK and price == 40_000 * WAD
        assert updated_at - primary_at > 90
        assert run.end["stale_feed"].prices[s.name][BTC][2] == SOURCE_PRIMARY


def test_four_failed_deliveries_pause_the_receiver(run: Run) -> None:
    views = run.end["ccip_failures"]
    assert views.receiver["polygon"] == (True, 4, 4)
    assert views.receiver["ethereum"][0] is False
    assert {"polygon.CrossChainReceiver", "polygon.CrossChainVault"} == views.paused
    failed = run.logs("polygon", "CrossChainReceiver", "MessageFailed", "ccip_failures")
    assert len(failed) == 4 and all(log.args.reason[:4] == scenario.ENFORCED_PAUSE for log in failed)
    receiver = run.chain.module("CrossChainReceiver", run.d.stacks[1].modules["CrossChainReceiver"]).functions
    assert all(receiver.messageStatus(log.args.messageId).call() == FAILED for log in failed)
    assert len(run.logs("polygon", "CrossChainReceiver", "CrossChainProcessingPaused", "ccip_failures")) == 1


def test_bad_input_is_one_line_and_exit_2(run: Run, tmp_path) -> None:
    file = run.file
    for argv, needle in ((["--rpc-url", "http://127.0.0.1:1", "--deployment", str(tmp_path / "none.json")],
                          "no such file"),
                         (["--rpc-url", f"http://127.0.0.1:{free_port()}", "--deployment", str(file)],
                          "cannot read the chain"),
                         (["--rpc-url", run.chain.rpc_url, "--deployment", str(file), "--only", "calm,bogus"],
                          "unknown step(s) bogus")):
        err = _cli(argv, code=2)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert err.startswith("scenario: error: ") and needle in err, err
