"""The platform design's testing protocol, driven on a local deployment (tools/deploy_local.sh --keep) with real
transactions, step by step, so that the monitor can be watched reacting to each: calm launch, load, a 20 % price
drop, a keeper outage, a stale primary feed, CCIP failures.

  python -m checkers.monitor.scenario --rpc-url URL --deployment FILE [--only STEP[,STEP...]]

Steps run in the order below and build on each other (load needs calm's phase 3 and funded pools, price_drop the
positions load opens, ...); --only runs a subset, in that order, on a chain already brought there.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from eth_account.signers.local import LocalAccount

from checkers.deployment.automation_node import ANVIL_KEY4, run_round
from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment, load as load_deployment
from checkers.errors import ConfigError, VerifyError
from checkers.monitor.driver import Driver, ScenarioError, anvil_account
from checkers.monitor.operations import (FAILED, FEEDS, LINK, LONG, PROCESSED, SHORT, SOURCE_FALLBACK, SOURCE_PRIMARY,
                                         USDC, WAD, Operations, Order, emitted)

ALICE, LENDER, DEPOSITOR = 5, 14, 15  # anvil account indices; 0-4 are the deployment's (deployer, owners, node)
TRADERS = tuple(range(6, 14))  # 6-9 funded by anvil, 10-13 derived from its mnemonic
BASE = {"BTC/USD": 50_000, "ETH/USD": 3_000}
LENDER_SUPPLY, INSURANCE, COUNTERPARTY = 5_000_000 * USDC, 50_000 * USDC, 100_000 * USDC  # per stack
CALM_MOVES_BPS = (30, -20, 60, -40, 10, -70, 40, -30, 20, 0)  # off the base price, one per 12 s tick
CALM_MIN_HEALTH = 105 * WAD // 100
FALLBACK_AFTER = 90  # DataStreamOracle.FALLBACK_AFTER
OUTAGE_TICKS = 8  # keeper outage: 12 s ticks, each mining blocks with fresh prices and no Automation
MAX_ROUNDS = 60
CCIP_FAILURES = 4  # CrossChainReceiver pauses on the fourth failure within FAILURE_WINDOW
ENFORCED_PAUSE = bytes.fromhex("d93c0665")  # OpenZeppelin Pausable's EnforcedPause()


@dataclass(frozen=True)
class StepResult:
    step: str
    blocks: int  # mined during the step
    transactions: int  # sent by the scenario during the step
    seconds: float  # wall time
    facts: Mapping[str, int | str] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ the steps

def calm(ops: Operations) -> dict[str, int | str]:
    """Launch as the design's §9 says (each stack's Safe advances LaunchControl to phase 2, then 3), pools and
    funds seeded, Alice's story (10,000 USDC, a 10x long of 2 BTC at 50,000 on ethereum), then two minutes of small
    moves with fresh prices: the baseline on which no alert may fire, which this step checks at every tick."""
    drv, start = ops.drv, ops.drv.block()
    for feed, usd in BASE.items():  # fresh prices first: the handover's 1-day delay left them stale
        ops.set_price(feed, usd)
    ops.push()
    for stack in drv.stacks:
        launch = drv.module(stack, "LaunchControl")
        for phase in (2, 3):
            if launch.functions.phase().call() < phase:
                drv.as_safe(stack, launch, "advancePhase", phase)
    lender, alice = anvil_account(LENDER), anvil_account(ALICE)
    drv.fund_gas([lender, alice])
    sent = []
    for stack in drv.stacks:
        pool, trading = drv.module(stack, "CrossChainLendingPool"), drv.module(stack, "PerpetualTrading")
        sent += ops.send_funding(lender, LENDER_SUPPLY + INSURANCE + COUNTERPARTY, (pool.address, trading.address))
        sent += [drv.send(lender, pool.functions.supply(drv.d.usdc, LENDER_SUPPLY), f"{stack} supply"),
                 drv.send(lender, trading.functions.fundInsurance(drv.d.usdc, INSURANCE), f"{stack} insurance"),
                 drv.send(lender, trading.functions.fundCounterparty(drv.d.usdc, COUNTERPARTY), f"{stack} house")]
    vault = drv.module("ethereum", "CrossChainVault")
    sent += ops.send_funding(alice, 10_000 * USDC, (vault.address,))
    sent.append(drv.send(alice, vault.functions.depositCollateral(drv.d.usdc, 10_000 * USDC), "Alice deposits"))
    drv.wait(sent)
    alice_order = Order(ALICE, "ethereum", "BTC/USD", LONG, 10, 10_000 * USDC)
    [position] = ops.opened("ethereum", drv.wait([ops.send_open(alice, alice_order)]))
    healths = []
    for move in CALM_MOVES_BPS:
        drv.advance(12)
        healths += _check_calm(ops, start)
        for feed, usd in BASE.items():
            ops.set_price(feed, usd * (10_000 + move) / 10_000)
        ops.push()
    healths += _check_calm(ops, start)
    return {"phase": 3, "alice_position": position, "ticks": len(CALM_MOVES_BPS),
            "min_health_factor": f"{min(healths) / WAD:.3f}"}


def _check_calm(ops: Operations, start: int) -> list[int]:
    """Nothing abnormal since `start`: no trip, primaries fresh, every position above 1.05, no failed message,
    nothing paused. Returns each stack's lowest health factor (stacks with positions)."""
    problems, healths = [], []
    for stack in ops.drv.stacks:
        for feed in FEEDS:
            age, source = ops.primary_age(stack, feed), ops.latest(stack, feed)[2]
            if age > FALLBACK_AFTER or source != SOURCE_PRIMARY:
                problems.append(f"{stack} {feed} primary {age} s old (source {source})")
        health = ops.min_health(stack)
        if health is not None:
            healths.append(health)
            if health < CALM_MIN_HEALTH:
                problems.append(f"{stack}: a position's health factor is {health / WAD:.3f}")
        if ops.logs(stack, "DataStreamOracle", "CircuitBreakerTripped", start):
            problems.append(f"{stack}: circuit breaker tripped")
        if ops.logs(stack, "CrossChainReceiver", "MessageFailed", start):
            problems.append(f"{stack}: a CCIP message failed")
    problems += [f"{m} paused" for m in ops.paused_modules()]
    if problems:
        raise ScenarioError(f"calm: {'; '.join(problems)}")
    return healths


def _require_phase3(ops: Operations, step: str) -> None:
    """Cross-chain steps need phase 3 on every stack (calm launches it)."""
    phases = {s: ops.drv.module(s, "LaunchControl").functions.phase().call() for s in ops.drv.stacks}
    if any(phase < 3 for phase in phases.values()):
        raise ScenarioError(f"{step}: needs phase 3 on every stack, found {phases}: run calm first")


def position_plan() -> tuple[Order, ...]:
    """104 orders from 8 traders, 26 per stack and market: 5 longs at 5x or more that a 20 % fall leaves with no
    equity (liquidatable: 20 in all), 21 that stay healthy through it (longs at 2-3x, shorts up to the market's cap).
    Collateral 500, 1,000 or 2,000 USDC."""
    at_risk = {"BTC/USD": (5, 8, 10, 12, 17), "ETH/USD": (5, 10, 25, 50, 100)}
    healthy = {"BTC/USD": ((LONG, 2), (LONG, 3), (SHORT, 3), (SHORT, 5), (SHORT, 10), (SHORT, 17)),
               "ETH/USD": ((LONG, 2), (LONG, 3), (SHORT, 5), (SHORT, 20), (SHORT, 50), (SHORT, 100))}
    orders = []
    for stack in ("ethereum", "polygon"):
        for market in BASE:
            legs = [(LONG, lev) for lev in at_risk[market]] + [healthy[market][i % 6] for i in range(21)]
            for side, leverage in legs:
                n = len(orders)
                orders.append(Order(TRADERS[n % len(TRADERS)], stack, market, side, leverage,
                                    (500, 1_000, 2_000)[n % 3] * USDC))
    return tuple(orders)


def load(ops: Operations) -> dict[str, int | str]:
    """At least 100 concurrent positions from 8 traders on both markets and stacks, sent as bursts (each trader's
    nonces kept locally, every receipt awaited at the end), then CCIP deposits and a withdrawal between the
    stacks, each processed on arrival (phase 3)."""
    drv = ops.drv
    _require_phase3(ops, "load")
    for feed, usd in BASE.items():
        ops.set_price(feed, usd)
    ops.push()
    plan = position_plan()
    traders = {i: anvil_account(i) for i in TRADERS}
    drv.fund_gas(traders.values())
    deposits: dict[tuple[int, str], int] = {}
    for o in plan:
        deposits[o.trader, o.stack] = deposits.get((o.trader, o.stack), 0) + o.collateral
    vaults = {s: drv.module(s, "CrossChainVault") for s in drv.stacks}
    sent = []
    for i, account in traders.items():
        total = sum(amount for (t, _), amount in deposits.items() if t == i) + 10_000 * USDC  # + CCIP money
        sent += ops.send_funding(account, total, [v.address for v in vaults.values()])
        sent += [drv.send(account, vaults[s].functions.depositCollateral(drv.d.usdc, deposits[i, s]), f"{s} deposit")
                 for s in drv.stacks if (i, s) in deposits]
    drv.wait(sent)
    ops.push()
    receipts = drv.wait([ops.send_open(traders[o.trader], o) for o in plan])
    opened = {s: ops.opened(s, receipts) for s in drv.stacks}
    if sum(len(ids) for ids in opened.values()) != len(plan):
        raise ScenarioError(f"load: {len(plan)} positions sent, {sum(map(len, opened.values()))} opened")
    messages = _ccip_round_trip(ops, traders[TRADERS[0]])
    return {"positions_opened": len(plan), "traders": len(traders),
            "open_positions": sum(len(ops.open_ids(s)) for s in drv.stacks),
            "at_risk": sum(1 for o in plan if o.side == LONG and o.leverage >= 5),
            "ccip_messages_processed": messages}


def _ccip_round_trip(ops: Operations, trader: LocalAccount) -> int:
    """ethereum -> polygon twice (deposits), polygon -> ethereum (a withdrawal of collateral, and a deposit): each
    message is delivered inside ccipSend (the local simulator) and must be processed at once."""
    drv, selector, amount = ops.drv, ops.drv.d.chain_selector, 1_000 * USDC
    moves = (("ethereum", "polygon", "depositCrossChain"), ("ethereum", "polygon", "depositCrossChain"),
             ("polygon", "ethereum", "requestCrossChainWithdrawal"), ("polygon", "ethereum", "depositCrossChain"))
    for source, destination, fn in moves:
        vault = drv.module(source, "CrossChainVault")
        receipt = drv.transact(trader, getattr(vault.functions, fn)(selector, drv.d.usdc, amount),
                               f"{source} -> {destination} {fn}")
        event = "CrossChainDepositSent" if fn == "depositCrossChain" else "CrossChainWithdrawalRequested"
        [sent] = emitted(vault, event, receipt)
        status = drv.module(destination, "CrossChainReceiver").functions.messageStatus(sent.args.messageId).call()
        if status != PROCESSED:
            raise ScenarioError(f"load: {fn} {source} -> {destination}: message status {status}, not processed")
    return len(moves)


def price_drop(ops: Operations) -> dict[str, int | str]:
    """BTC/USD falls 20 % in two steps on both stacks: 45,000 (exactly the 10 % bound: accepted), then 40,000
    (11.1 %: trips the breaker, refused for its 300 s cooldown, accepted after it). ETH/USD falls 20 % in steps of at
    most 10 % (3,000 -> 2,700 -> 2,430 -> 2,400), fresh all along, so only BTC/USD trips."""
    drv, start = ops.drv, ops.drv.block()
    breakers = {s: drv.module(s, "DataStreamOracle").functions for s in drv.stacks}
    for btc, eth in ((45_000, 2_700), (40_000, 2_430)):
        ops.set_price("BTC/USD", btc)
        ops.set_price("ETH/USD", eth)
        ops.tick(12)
    tripped = {s: b.circuitBreaker(FEEDS["BTC/USD"]).call() for s, b in breakers.items()}
    if any(t[3] == 0 for t in tripped.values()):
        raise ScenarioError(f"price_drop: 40,000 after 45,000 did not trip every BTC/USD breaker ({tripped})")
    ops.observe()  # breakers tripped, 20 % below the hour's first price, positions near or past liquidation
    ops.set_price("ETH/USD", 2_400)
    reopens = max(t[3] + t[1] for t in tripped.values())  # trippedAt + cooldown
    while drv.now() < reopens:
        ops.tick(min(30, reopens - drv.now()), ("ETH/USD",))
    ops.push(("BTC/USD",))
    trips = {s: len(ops.logs(s, "DataStreamOracle", "CircuitBreakerTripped", start)) for s in drv.stacks}
    for stack in drv.stacks:
        price, _, source = ops.latest(stack, "BTC/USD")
        if price != 40_000 * WAD or source != SOURCE_PRIMARY:
            raise ScenarioError(f"price_drop: after the cooldown {stack} serves BTC/USD {price / WAD} (source {source})")
    return {"breaker_trips": sum(trips.values()), **{f"breaker_trips_{s}": n for s, n in trips.items()},
            "liquidatable": sum(len(ops.liquidatable(s)) for s in drv.stacks)}


def liquidation_delay(ops: Operations) -> dict[str, int | str]:
    """A keeper outage: blocks keep coming with fresh prices while positions are liquidatable and no Automation
    node runs; then the node's rounds (registry -> forwarder -> engine), 31 s apart (the engine's 30 s interval),
    until no upkeep is needed. The operator keeps the upkeeps funded. A perform whose forwarded call reverts fails
    the step: it is charged all the same, and a few drain the upkeep (found here with the first deployment's
    500,000 gas against a batch of 20; DeployPlatform now gives 5,000,000 gas and a batch of 10)."""
    drv, start = ops.drv, ops.drv.block()
    pending = {s: set(ops.liquidatable(s)) for s in drv.stacks}
    if not any(pending.values()):
        raise ScenarioError("liquidation_delay: no liquidatable position (run load and price_drop first)")
    for _ in range(OUTAGE_TICKS):
        ops.tick(12)
    ops.observe()  # the outage: liquidatable positions left for OUTAGE_TICKS ticks' blocks
    outage_blocks, rounds, link_added = drv.block() - start, 0, 0
    while True:
        link_added += ops.keep_upkeeps_funded()
        round_start = drv.block() + 1
        needed = [r for r in run_round(drv.chain, drv.d, ANVIL_KEY4) if r.needed]
        drv.note_sent(len(needed))
        rounds += 1
        reverted = {stack: n for stack, n in ops.upkeeps_reverted(round_start).items() if n}
        if reverted:
            raise ScenarioError(f"liquidation_delay: performUpkeep reverted inside the forwarder ({reverted}): the "
                                f"upkeep's gas limit does not hold the engine's batch (setMaxBatch)")
        if not needed:
            break
        if rounds >= MAX_ROUNDS:
            raise ScenarioError(f"liquidation_delay: upkeeps still needed after {MAX_ROUNDS} rounds")
        ops.tick(31)
    left = {s: sorted(ids & set(ops.open_ids(s))) for s, ids in pending.items()}
    still = {s: ops.liquidatable(s) for s in drv.stacks}
    if any(left.values()) or any(still.values()):
        raise ScenarioError(f"liquidation_delay: not liquidated: {left}; liquidatable now: {still}")
    liquidated = sum(len(ops.logs(s, "PerpetualTrading", "PositionLiquidated", start)) for s in drv.stacks)
    return {"liquidatable": sum(map(len, pending.values())), "liquidated": liquidated,
            "outage_blocks": outage_blocks, "upkeep_rounds": rounds,
            "link_added": link_added // LINK}


def stale_feed(ops: Operations) -> dict[str, int | str]:
    """The BTC/USD primary goes silent on both stacks for 100 s of chain time (ETH/USD stays fresh) while the
    fallback aggregator answers fresh prices: the oracle serves the fallback (latestPrice source 2). Then the
    primary resumes and is served again."""
    drv = ops.drv
    silent_from = drv.now()
    for _ in range(5):
        ops.tick(20, ("ETH/USD",))
        ops.update_fallback("BTC/USD")
    served = {s: ops.latest(s, "BTC/USD") for s in drv.stacks}
    silent = drv.now() - silent_from
    if any(source != SOURCE_FALLBACK for _, _, source in served.values()):
        raise ScenarioError(f"stale_feed: after {silent} s without a primary update: {served}")
    ops.observe()  # the primary is past 90 s and the fallback serves
    ops.push(("BTC/USD",))
    resumed = {s: ops.latest(s, "BTC/USD")[2] for s in drv.stacks}
    if any(source != SOURCE_PRIMARY for source in resumed.values()):
        raise ScenarioError(f"stale_feed: the primary does not serve again after resuming: {resumed}")
    return {"primary_silent_seconds": silent, "fallback_served": len(served),
            "fallback_price": served["ethereum"][0] // WAD}


def ccip_failures(ops: Operations, victim: str = "polygon", source: str = "ethereum") -> dict[str, int | str]:
    """An operator pauses the destination vault (the Safe, GUARDIAN), then four cross-chain deposits arrive: the
    vault's creditCrossChainDeposit is whenNotPaused, so each one's processing reverts (EnforcedPause), the receiver
    stores it as failed, and the fourth failure within the hour pauses the receiver itself. (Storing a failed
    delivery costs the receiver ~560k gas: under the vault's first default of 500,000 the delivery ran out of gas
    and no failure was ever recorded; DeployPlatform now sets 1,000,000, and a deposit that would revert fails
    the step, naming why.)"""
    drv, start = ops.drv, ops.drv.block()
    _require_phase3(ops, "ccip_failures")
    receiver, vault = drv.module(victim, "CrossChainReceiver"), drv.module(victim, "CrossChainVault")
    if receiver.functions.paused().call():
        raise ScenarioError(f"ccip_failures: the {victim} receiver is already paused")
    drv.as_safe(victim, vault, "pause")
    depositor, origin = anvil_account(DEPOSITOR), drv.module(source, "CrossChainVault")
    drv.fund_gas([depositor])
    drv.wait(ops.send_funding(depositor, CCIP_FAILURES * 100 * USDC, (origin.address,)))
    deposit = origin.functions.depositCrossChain(drv.d.chain_selector, drv.d.usdc, 100 * USDC)
    revert = drv.simulate(depositor, deposit)
    if revert is not None:
        raise ScenarioError(f"ccip_failures: the deposit would revert (CCIP gas limit "
                            f"{origin.functions.ccipGasLimit().call()}): {drv.describe(revert)}")
    failed = []
    for n in range(CCIP_FAILURES):
        receipt = drv.transact(depositor, deposit, f"{source} -> {victim} deposit {n + 1}")
        [sent] = emitted(origin, "CrossChainDepositSent", receipt)
        [fail] = emitted(receiver, "MessageFailed", receipt)
        if fail.args.messageId != sent.args.messageId or fail.args.reason[:4] != ENFORCED_PAUSE:
            raise ScenarioError(f"ccip_failures: deposit {n + 1} failed for another reason: {fail.args.reason.hex()}")
        if receiver.functions.messageStatus(sent.args.messageId).call() != FAILED:
            raise ScenarioError(f"ccip_failures: deposit {n + 1} is not stored as failed")
        failed.append(sent.args.messageId)
        if receiver.functions.paused().call() != (n + 1 == CCIP_FAILURES):
            raise ScenarioError(f"ccip_failures: after {n + 1} failure(s) the receiver's paused() is "
                                f"{n + 1 != CCIP_FAILURES}")
    paused_events = ops.logs(victim, "CrossChainReceiver", "CrossChainProcessingPaused", start)
    return {"stack": victim, "failed_messages": len(failed),
            "recent_failures": receiver.functions.recentFailures().call(), "receiver_paused": 1,
            "processing_paused_events": len(paused_events)}


STEPS: dict[str, Callable[[Operations], dict[str, int | str]]] = {
    f.__name__: f for f in (calm, load, price_drop, liquidation_delay, stale_feed, ccip_failures)}
ALL_STEPS: tuple[str, ...] = tuple(STEPS)


# ------------------------------------------------------------------------------------------------ running

def refresh_prices(chain: Chain, deployment: Deployment) -> None:
    """The updater bot pushes the base prices to every stack (a deployment just handed over has stale ones)."""
    ops = Operations(Driver(chain, deployment))
    for feed, usd in BASE.items():
        ops.set_price(feed, usd)
    ops.push()


def selected(steps: Sequence[str]) -> tuple[str, ...]:
    """`steps` in ALL_STEPS order; a name that is not a step is a ConfigError."""
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise ConfigError(f"unknown step(s) {', '.join(unknown)}: the steps are {', '.join(ALL_STEPS)}")
    return tuple(s for s in ALL_STEPS if s in steps)


def run(chain: Chain, deployment: Deployment, steps: Sequence[str] = ALL_STEPS,
        on_step: Callable[[str, str], None] | None = None) -> list[StepResult]:
    """Runs `steps` (in ALL_STEPS order) on the deployment; on_step(step, "start" | "end") around each, and
    on_step(step, "observe") inside a step where a passing condition holds (a tripped breaker, a keeper outage, a
    silent primary) that the step itself then clears: a watcher's moment to look."""
    names = selected(steps)
    ops = Operations(Driver(chain, deployment))
    results = []
    for name in names:
        ops.observe = (lambda step=name: on_step(step, "observe")) if on_step else (lambda: None)
        if on_step:
            on_step(name, "start")
        block, sent, began = ops.drv.block(), ops.drv.sent, time.monotonic()
        facts = STEPS[name](ops)
        results.append(StepResult(name, ops.drv.block() - block, ops.drv.sent - sent,
                                  round(time.monotonic() - began, 2), facts))
        if on_step:
            on_step(name, "end")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checkers.monitor.scenario", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--deployment", required=True, type=Path)
    parser.add_argument("--only", help=f"comma-separated steps among {','.join(ALL_STEPS)} (default: all)")
    args = parser.parse_args(argv)
    try:
        steps = selected([s.strip() for s in args.only.split(",") if s.strip()] if args.only else ALL_STEPS)
        deployment = load_deployment(args.deployment)
        for r in run(Chain(args.rpc_url), deployment, steps):
            facts = " ".join(f"{k}={v}" for k, v in r.facts.items())
            print(f"{r.step}: {r.blocks} blocks, {r.transactions} transactions, {r.seconds:.1f} s; {facts}", flush=True)
        return 0
    except VerifyError as exc:
        print(f"scenario: error: {exc.message}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
