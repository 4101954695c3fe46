"""The platform events the monitor counts, fetched for a block range in one eth_getLogs over every stack's modules
and decoded with the platform's own ABIs (from its build)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils import event_abi_to_log_topic

from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment

# module -> the events of it the monitor reads
WATCHED = {
    "CrossChainVault": ("CrossChainDepositSent", "CrossChainWithdrawalRequested"),
    "CrossChainReceiver": ("MessageReceived", "MessageProcessed", "MessageFailed", "MessagePending",
                           "MessageAwaitingLaunch"),
    "LiquidationEngine": ("LiquidationExecuted", "LiquidationFailed", "LiquidationSkipped"),
    "DataStreamOracle": ("CircuitBreakerTripped",),
}


@dataclass(frozen=True)
class Event:
    stack: str
    module: str
    name: str
    block: int
    log_index: int
    args: dict[str, Any]


class EventReader:
    """Decodes the watched events of every stack; one request per block range."""

    def __init__(self, chain: Chain, deployment: Deployment) -> None:
        self.chain = chain
        self._decoders: dict[tuple[str, bytes], tuple[str, str, Any]] = {}
        for stack in deployment.stacks:
            for module, names in WATCHED.items():
                contract = chain.module(module, stack.modules[module])
                for name in names:
                    event = contract.events[name]()
                    topic = bytes(event_abi_to_log_topic(event.abi))
                    self._decoders[(stack.modules[module].lower(), topic)] = (stack.name, module, event)
        self.addresses = sorted({address for address, _ in self._decoders})
        self.topics = sorted({"0x" + topic.hex() for _, topic in self._decoders})

    def read(self, from_block: int, to_block: int) -> list[Event]:
        logs = self.chain.w3.eth.get_logs({"fromBlock": from_block, "toBlock": to_block,
                                           "address": [self.chain.w3.to_checksum_address(a) for a in self.addresses],
                                           "topics": [self.topics]})
        events = []
        for log in logs:
            key = (log["address"].lower(), bytes(log["topics"][0]))
            if key not in self._decoders:
                continue
            stack, module, event = self._decoders[key]
            decoded = event.process_log(log)
            events.append(Event(stack, module, decoded.event, log["blockNumber"], log["logIndex"], dict(decoded.args)))
        return sorted(events, key=lambda e: (e.block, e.log_index))

