"""The runtime monitor's cost per block against the number of open positions (10, 100, 1,000 on anvil), and its lag
behind the chain head at a 2 s block time. Target (issue "Runtime monitor"): keeps up with 2 s blocks at 1,000
positions on the 2-core machine.

    .venv/bin/python bench/bench_monitor.py [--positions 10,100,1000] [--seconds 30]

One throwaway deployment (tools/deploy_local.sh on a free port), brought to phase 3 by the scenario's calm step;
positions are opened (2x, 100 USDC, both stacks and markets, eight traders) up to each level. At each level:
  - cost: 12 blocks with price updates, each evaluated by Monitor.poll() (one eth_getLogs, one batch of lens calls):
    wall seconds per block (median, max) and requests per block;
  - lag: anvil switched to interval mining (a block every 2 s), prices pushed every block, the monitor following
    for --seconds: the largest head lag seen (blocks) and the busy share of the 2 s budget (processing / 2 s).
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time

from checkers.deployment.chain import Chain
from checkers.deployment.file import load
from checkers.deployment.local_chain import local_deployment
from checkers.monitor import scenario
from checkers.monitor.driver import Driver, anvil_account
from checkers.monitor.follow import Monitor
from checkers.monitor.operations import FEEDS, LONG, SHORT, USDC, Operations, Order

BLOCK_TIME_S = 2
TRADERS = tuple(range(6, 14))


def open_up_to(ops: Operations, target: int) -> int:
    """Opens small 2x positions until `target` are open across both stacks; returns the count."""
    drv = ops.drv
    have = sum(len(ops.open_ids(s)) for s in drv.stacks)
    orders = [Order(TRADERS[n % len(TRADERS)], ("ethereum", "polygon")[n % 2], ("BTC/USD", "ETH/USD")[(n // 2) % 2],
                    (LONG, SHORT)[(n // 4) % 2], 2, 100 * USDC) for n in range(max(0, target - have))]
    traders = {i: anvil_account(i) for i in TRADERS}
    drv.fund_gas(traders.values())
    sent = []
    for i, account in traders.items():
        mine = [o for o in orders if o.trader == i]
        for stack in drv.stacks:
            amount = sum(o.collateral for o in mine if o.stack == stack)
            if amount:
                vault = drv.module(stack, "CrossChainVault")
                sent += ops.send_funding(account, amount, (vault.address,))
                sent.append(drv.send(account, vault.functions.depositCollateral(drv.d.usdc, amount), "deposit"))
    drv.wait(sent)
    ops.push()
    for start in range(0, len(orders), 200):  # bursts of 200, every receipt awaited
        drv.wait([ops.send_open(traders[o.trader], o) for o in orders[start:start + 200]])
    return sum(len(ops.open_ids(s)) for s in drv.stacks)


def cost(ops: Operations, monitor: Monitor, blocks: int = 12) -> tuple[float, float, float]:
    """(median s/block, max s/block, requests/block) over `blocks` blocks with price updates."""
    monitor.poll()
    seconds, requests = [], []
    for _ in range(blocks):
        ops.drv.advance(1)
        for c in monitor.poll():
            seconds.append(c.seconds)
            requests.append(c.rpc_requests + 1)  # + the range's eth_getLogs
    return statistics.median(seconds), max(seconds), statistics.mean(requests)


def lag(ops: Operations, monitor: Monitor, duration_s: float) -> tuple[int, float, int]:
    """(largest head lag in blocks, busy share of the block time, blocks evaluated) with a block every 2 s."""
    rpc = ops.drv.rpc
    rpc("evm_setAutomine", False)
    rpc("evm_setIntervalMining", BLOCK_TIME_S)
    stop, worst, busy, evaluated = threading.Event(), 0, 0.0, 0

    def bot() -> None:  # the updater bot: a price update in every block
        while not stop.is_set():
            oracle = ops.drv.module("ethereum", "DataStreamOracle")
            ops.drv.send(ops.drv.deployer, oracle.functions.updatePrice(FEEDS["BTC/USD"], ops.prices["BTC/USD"]),
                         "price")
            stop.wait(BLOCK_TIME_S)

    thread = threading.Thread(target=bot, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        monitor.poll()
        while time.monotonic() - started < duration_s:
            head = ops.drv.w3.eth.block_number
            worst = max(worst, head - (monitor.last_block or head))
            costs = monitor.poll()
            busy += sum(c.seconds for c in costs)
            evaluated += len(costs)
            time.sleep(0.25)
    finally:
        stop.set()
        thread.join(timeout=10)
        rpc("evm_setIntervalMining", 0)
        rpc("evm_setAutomine", True)
    return worst, busy / (time.monotonic() - started), evaluated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--positions", default="10,100,1000")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    levels = [int(n) for n in args.positions.split(",")]
    with local_deployment("bench-monitor") as deployed:
        chain, deployment = Chain(deployed.rpc_url), load(deployed.file)
        scenario.run(chain, deployment, ("calm",))
        ops = Operations(Driver(chain, deployment))
        print(f"{'positions':>9} {'s/block p50':>11} {'s/block max':>11} {'requests/block':>14} "
              f"{'max lag (blocks)':>16} {'busy share of 2 s':>17} {'blocks':>6}")
        for level in levels:
            opened = open_up_to(ops, level)
            monitor = Monitor(chain, deployment)
            p50, worst, requests = cost(ops, monitor)
            max_lag, share, evaluated = lag(ops, monitor, args.seconds)
            print(f"{opened:>9} {p50:>11.3f} {worst:>11.3f} {requests:>14.1f} {max_lag:>16} {share:>17.1%} "
                  f"{evaluated:>6}", flush=True)
        print(f"target: keep up with {BLOCK_TIME_S} s blocks at 1,000 positions (max lag <= 1 block, busy share < 100 %)")


if __name__ == "__main__":
    main()
