"""One stack's state at one block in one eth_call per page of positions: PlatformLens's creation code run as a call
(contracts/script/monitor/PlatformLens.sol), its constructor returning the encoded snapshot. The pages of every
stack go in one JSON-RPC batch, so a block costs one HTTP round trip whatever the number of positions."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Sequence

from checkers import toolchain
from checkers.deployment.file import MODULES, Deployment, Stack
from checkers.errors import ConfigError

LENS_MODULES = MODULES  # PlatformLens.Modules takes the deployment file's modules in this order
PAGE_SIZE = 200  # positions per call: ~60k gas each, a page stays well under anvil's 30M call gas cap
CALL_GAS = 30_000_000
WAD = 10**18


@dataclass(frozen=True)
class FeedView:
    id: bytes
    decimals: int
    readable: bool
    price_wad: int
    updated_at: int
    source: int  # 1 primary, 2 fallback
    primary_timestamp: int
    breaker_enabled: bool
    tripped_at: int
    cooldown: int


@dataclass(frozen=True)
class TokenView:
    token: str
    decimals: int
    assets: int
    borrows: int
    cash: int
    bad_debt: int
    held: int
    insurance: int
    counterparty: int


@dataclass(frozen=True)
class PositionView:
    id: int
    readable: bool
    health_factor_wad: int


@dataclass(frozen=True)
class Snapshot:
    stack: str
    block: int
    timestamp: int
    paused: dict[str, bool]  # module -> paused (modules that did not answer are left out)
    phase: int
    recent_failures: int
    stored_messages: int
    open_positions: int
    feeds: tuple[FeedView, ...]
    tokens: tuple[TokenView, ...]
    positions: tuple[PositionView, ...]


class Lens:
    """Snapshots of every stack of a deployment at a block, paged and batched."""

    def __init__(self, w3, deployment: Deployment, page_size: int = PAGE_SIZE) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.page_size = page_size
        self.calls = 0  # eth_calls sent (for the cost per block)

    @cached_property
    def _artifact(self) -> tuple[bytes, str]:
        from eth_utils import get_abi_output_types  # web3's stack loads only when the monitor runs, not with the CLI

        path = toolchain.PLATFORM_PROJECT / "out" / "PlatformLens.sol" / "PlatformLens.json"
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(f"{path}: the monitor's lens is not built: run ./setup.sh") from None
        shape = next(e for e in doc["abi"] if e.get("name") == "snapshotShape")
        return bytes.fromhex(doc["bytecode"]["object"].removeprefix("0x")), get_abi_output_types(shape)[0]

    def _calldata(self, stack: Stack, offset: int) -> str:
        from eth_abi import encode

        code, _ = self._artifact
        modules = tuple(stack.modules[m] for m in LENS_MODULES)
        args = encode(["(address,address,address,address,address,address,address,address)", "uint256", "uint256"],
                      [modules, offset, self.page_size])
        return "0x" + (code + args).hex()

    def snapshots(self, block: int, open_counts: dict[str, int] | None = None) -> list[Snapshot]:
        """Every stack at `block`. The first page of each stack tells how many positions are open; further pages
        are asked for when `open_counts` (the previous block's counts) says there are more, and again in a second
        batch when the count grew past them."""
        known = open_counts or {}
        pages = {s.name: self._pages(known.get(s.name, 0)) for s in self.deployment.stacks}
        results = self._batch(block, [(s, p) for s in self.deployment.stacks for p in range(pages[s.name])])
        missing = []
        for s in self.deployment.stacks:
            missing += [(s, p) for p in range(pages[s.name], self._pages(results[(s.name, 0)].open_positions))]
        if missing:
            results.update(self._batch(block, missing))
        out = []
        for s in self.deployment.stacks:
            first = results[(s.name, 0)]
            pages_of_stack = sorted((p, snap) for (name, p), snap in results.items() if name == s.name)
            positions = tuple(pos for _, snap in pages_of_stack for pos in snap.positions)
            out.append(replace(first, positions=positions))
        return out

    def _pages(self, positions: int) -> int:
        """Lens calls for `positions` open positions (at least one: the stack-wide state comes with the first)."""
        return max(1, -(-positions // self.page_size))

    def _batch(self, block: int, pages: Sequence[tuple[Stack, int]]) -> dict[tuple[str, int], Snapshot]:
        from eth_abi import decode

        _, shape = self._artifact
        with self.w3.batch_requests() as batch:
            for stack, page in pages:
                batch.add(self.w3.eth.call({"data": self._calldata(stack, page * self.page_size), "gas": CALL_GAS},
                                           block_identifier=block))
            raw = batch.execute()
        self.calls += len(pages)
        return {(stack.name, page): _snapshot(stack.name, decode([shape], bytes(data))[0])
                for (stack, page), data in zip(pages, raw)}


def _snapshot(stack: str, t: Sequence[Any]) -> Snapshot:
    block, timestamp, paused, paused_ok, phase, failures, stored, open_count, feeds, tokens, positions = t
    return Snapshot(stack, block, timestamp,
                    {m: p for m, p, ok in zip(LENS_MODULES, paused, paused_ok) if ok}, phase, failures, stored,
                    open_count, tuple(FeedView(*f) for f in feeds),
                    tuple(TokenView(*tk) for tk in tokens), tuple(PositionView(*p) for p in positions))
