"""The design's parameter bands (platform-design §5, docs/platform.md §5), the toolkit's own copy: a deployment is
checked against the design, not against whatever bands its contracts were built with."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    unit: str

    def holds(self, value: int) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.low:,}-{self.high:,} {self.unit}"


LEVERAGE_CAP = Band(10, 100, "x")
LIQUIDATION_THRESHOLD = Band(8_000, 9_000, "bps of the margin at the cap")  # maxLeverage x maintenance bps
BREAKER_DEVIATION = Band(100, 1_500, "bps")
BREAKER_COOLDOWN = Band(60, 3_600, "s")
HEARTBEAT = Band(91, 3_600, "s")  # above the 90 s fallback window
LIQUIDATION_INTERVAL = Band(0, 300, "s")
UPKEEP_FUNDING_MULTIPLE = 3  # the upkeep's balance, in multiples of the registry's minimum
