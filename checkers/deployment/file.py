"""The deployment file (DeployPlatform's DEPLOYMENT_FILE): addresses of both stacks and the shared infrastructure."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from checkers.errors import ConfigError

MODULES = ("DataStreamOracle", "PositionManager", "CrossChainVault", "CrossChainLendingPool", "LiquidationEngine",
           "PerpetualTrading", "CrossChainReceiver", "LaunchControl")


@dataclass(frozen=True)
class Stack:
    name: str
    modules: Mapping[str, str]  # module name -> proxy address (checksummed)
    safe: str
    forwarder: str
    upkeep_id: int


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    chain_selector: int
    router: str
    link: str
    usdc: str
    registry: str
    deployer: str
    stacks: tuple[Stack, ...]


def load(path: Path) -> Deployment:
    """The deployment at `path`, or a one-line ConfigError naming the file and what is wrong with it."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"--deployment {path}: no such file (tools/deploy_local.sh writes one)") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--deployment {path}: not a JSON deployment file ({exc})") from None
    try:
        stacks = tuple(_stack(name, body) for name, body in sorted(data["stacks"].items()))
        return Deployment(int(data["chainId"]), int(data["chainSelector"]), _address(data["router"]),
                          _address(data["link"]), _address(data["usdc"]), _address(data["automationRegistry"]),
                          _address(data["deployer"]), stacks)
    except KeyError as exc:
        raise ConfigError(f"--deployment {path}: missing {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"--deployment {path}: {exc}") from None


def _stack(name: str, body: Mapping[str, Any]) -> Stack:
    return Stack(name, {m: _address(body[m]) for m in MODULES}, _address(body["Safe"]), _address(body["forwarder"]),
                 int(body["upkeepId"]))


def _address(value: Any) -> str:
    from web3 import Web3

    if not isinstance(value, str) or not Web3.is_address(value):
        raise ValueError(f"{value!r} is not an address")
    return Web3.to_checksum_address(value)
