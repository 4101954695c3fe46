"""Following the chain: every new block is evaluated (its events, then every stack's state at its end), read-only.

Per block: one eth_getLogs for the range since the last evaluated block and one JSON-RPC batch of lens calls (one
per stack and page of positions). When the monitor falls more than `max_catchup` blocks behind, it evaluates the
head only (the events of the skipped blocks are still counted, stamped with the head's time) and says so in
ccperp_monitor_head_lag_blocks before catching up.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment
from checkers.monitor.evaluate import Evaluator, Naming
from checkers.monitor.events import EventReader
from checkers.monitor.lens import PAGE_SIZE, Lens
from checkers.monitor.metrics import Metrics

MAX_CATCHUP = 20


@dataclass(frozen=True)
class BlockCost:
    block: int
    positions: int
    seconds: float
    rpc_requests: int


class Monitor:
    def __init__(self, chain: Chain, deployment: Deployment, metrics: Metrics | None = None,
                 page_size: int = PAGE_SIZE, max_catchup: int = MAX_CATCHUP) -> None:
        self.chain = chain
        self.deployment = deployment
        self.metrics = metrics or Metrics()
        self.lens = Lens(chain.w3, deployment, page_size)
        self.events = EventReader(chain, deployment)
        self.evaluator = Evaluator(self.metrics, _naming(chain, deployment))
        self.max_catchup = max_catchup
        self.last_block: int | None = None
        self._open_counts: dict[str, int] = {}

    def _rpc(self, method: str, n: int = 1) -> None:
        self.metrics["ccperp_monitor_rpc_requests_total"].labels(method).inc(n)

    def poll(self) -> list[BlockCost]:
        """Evaluates every block since the last one up to the head; returns what each cost."""
        head = self.chain.w3.eth.block_number
        self._rpc("eth_blockNumber")
        first = head if self.last_block is None else self.last_block + 1
        if first > head:
            self.metrics["ccperp_monitor_head_lag_blocks"].set(0)
            return []
        events = self.events.read(first, head)
        self._rpc("eth_getLogs")
        blocks = list(range(first, head + 1))
        if len(blocks) > self.max_catchup:
            self.metrics["ccperp_monitor_head_lag_blocks"].set(len(blocks) - 1)
            blocks = [head]
        costs = []
        for block in blocks:
            started, calls = time.monotonic(), self.lens.calls
            snapshots = self.lens.snapshots(block, self._open_counts)
            self._rpc("eth_call", self.lens.calls - calls)
            mine = [e for e in events if e.block <= block and (self.last_block is None or e.block > self.last_block)]
            self.evaluator.block(snapshots, mine, snapshots[0].timestamp)
            self._open_counts = {s.stack: s.open_positions for s in snapshots}
            self.last_block = block
            seconds = time.monotonic() - started
            self.metrics["ccperp_monitor_block"].set(block)
            self.metrics["ccperp_monitor_chain_timestamp_seconds"].set(snapshots[0].timestamp)
            self.metrics["ccperp_monitor_head_lag_blocks"].set(head - block)
            self.metrics["ccperp_monitor_block_processing_seconds"].observe(seconds)
            costs.append(BlockCost(block, sum(s.open_positions for s in snapshots), seconds,
                                   self.lens.calls - calls))
        return costs

    def run(self, stop: threading.Event, poll_s: float = 1.0, until_block: int | None = None) -> None:
        """Polls until `stop` is set (or `until_block` is evaluated); a failed poll is counted and retried."""
        while not stop.is_set():
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 - a node hiccup must not end the watch; it is counted
                self.metrics["ccperp_monitor_errors_total"].labels(type(exc).__name__).inc()
            if until_block is not None and self.last_block is not None and self.last_block >= until_block:
                return
            stop.wait(poll_s)


def _naming(chain: Chain, deployment: Deployment) -> Naming:
    """Feed names from each oracle's getFeed, token symbols from the token, destinations from each vault's remote
    receiver (both stacks of a local deployment share one chain selector, so the receiver tells them apart)."""
    receivers = {s.modules["CrossChainReceiver"].lower(): s.name for s in deployment.stacks}
    stacks = {s.name: s for s in deployment.stacks}

    @lru_cache(maxsize=None)
    def feed(stack: str, feed_id: bytes) -> str:
        oracle = chain.module("DataStreamOracle", stacks[stack].modules["DataStreamOracle"])
        return oracle.functions.getFeed(bytes(feed_id)).call()[0]

    @lru_cache(maxsize=None)
    def token(address: str) -> str:
        erc20 = chain.w3.eth.contract(address=chain.w3.to_checksum_address(address), abi=_SYMBOL_ABI)
        try:
            return erc20.functions.symbol().call()
        except Exception:  # noqa: BLE001 - a token without symbol() is named by its address
            return address

    @lru_cache(maxsize=None)
    def remote(stack: str, chain_selector: int) -> str:
        vault = chain.module("CrossChainVault", stacks[stack].modules["CrossChainVault"])
        return receivers.get(vault.functions.remoteReceivers(chain_selector).call().lower(), f"chain-{chain_selector}")

    return Naming(feed, token, lambda stack, args: remote(stack, args["destChainSelector"]))


_SYMBOL_ABI = [{"type": "function", "name": "symbol", "stateMutability": "view", "inputs": [],
                "outputs": [{"name": "", "type": "string"}]}]
