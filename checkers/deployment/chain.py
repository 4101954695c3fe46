"""Read-only access to a deployment over JSON-RPC: the platform's ABIs from its build, small hand-written ABIs for
Safe, the Automation registry and the CCIP router (only the calls the checklist makes)."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from checkers.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from checkers.deployment.file import Deployment


def _fn(name: str, inputs: list[tuple[str, str]], outputs: list[str], components: dict[str, list] | None = None
        ) -> dict[str, Any]:
    def param(kind: str, i: int) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": f"a{i}", "type": kind}
        if kind.startswith("tuple"):
            entry["components"] = (components or {})[kind]
        return entry
    return {"type": "function", "name": name, "stateMutability": "view",
            "inputs": [param(k, i) for i, (k, _) in enumerate(inputs)],
            "outputs": [param(k, i) for i, k in enumerate(outputs)]}


_TOKEN_AMOUNT = [{"name": "token", "type": "address"}, {"name": "amount", "type": "uint256"}]
_MESSAGE = [{"name": "receiver", "type": "bytes"}, {"name": "data", "type": "bytes"},
            {"name": "tokenAmounts", "type": "tuple[]", "components": _TOKEN_AMOUNT},
            {"name": "feeToken", "type": "address"}, {"name": "extraArgs", "type": "bytes"}]
SAFE_ABI = [_fn("getOwners", [], ["address[]"]), _fn("getThreshold", [], ["uint256"])]
REGISTRY_ABI = [_fn("getUpkeep", [("uint256", "id")], ["address", "uint32", "address", "uint96", "address"]),
                {**_fn("checkUpkeep", [("uint256", "id")], ["bool", "bytes"]), "stateMutability": "nonpayable"},
                {**_fn("performUpkeep", [("uint256", "id"), ("bytes", "data")], ["bool"]),
                 "stateMutability": "nonpayable"},
                _fn("getBalance", [("uint256", "id")], ["uint96"]), _fn("getMinBalance", [("uint256", "id")], ["uint96"]),
                _fn("getForwarder", [("uint256", "id")], ["address"]),
                {"type": "event", "name": "UpkeepPerformed", "anonymous": False, "inputs": [  # success: the forwarded call's
                    {"name": "id", "type": "uint256", "indexed": True},
                    {"name": "success", "type": "bool", "indexed": True},
                    {"name": "totalPayment", "type": "uint96", "indexed": False},
                    {"name": "gasUsed", "type": "uint256", "indexed": False}]}]
ROUTER_ABI = [_fn("getFee", [("uint64", "selector"), ("tuple", "message")], ["uint256"], {"tuple": _MESSAGE})]


class Chain:
    """One RPC endpoint: contracts by module name (the platform's ABI) and the infrastructure's."""

    def __init__(self, rpc_url: str) -> None:
        from web3 import Web3

        self.rpc_url = rpc_url
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))
        try:
            self.block = self.w3.eth.block_number
        except Exception as exc:  # noqa: BLE001 - any transport failure is the same user error
            raise ConfigError(f"--rpc-url {rpc_url}: cannot read the chain ({type(exc).__name__})") from None

    @cached_property
    def _abis(self) -> dict[str, list[dict[str, Any]]]:
        from checkers import toolchain
        from checkers.target import Target

        artifacts = Target(root=toolchain.PLATFORM_PROJECT).artifacts
        if "PerpetualTrading" not in artifacts:
            raise ConfigError("the platform is not built (contracts/out): run ./setup.sh")
        return {name: a.abi for name, a in artifacts.items()}

    def module(self, name: str, address: str):
        return self.w3.eth.contract(address=address, abi=self._abis[name])

    def safe(self, address: str):
        return self.w3.eth.contract(address=address, abi=SAFE_ABI)

    def registry(self, address: str):
        return self.w3.eth.contract(address=address, abi=REGISTRY_ABI)

    def router(self, address: str):
        return self.w3.eth.contract(address=address, abi=ROUTER_ABI)

    def is_eoa(self, address: str) -> bool:
        return len(self.w3.eth.get_code(address)) == 0

    def role_holders(self, contract, role: bytes) -> set[str]:
        """Every account granted `role` on `contract` since genesis (RoleGranted logs) that still holds it."""
        event = contract.events.RoleGranted
        logs = event.get_logs(from_block=0, to_block=self.block, argument_filters={"role": role})
        return {log.args.account for log in logs if contract.functions.hasRole(role, log.args.account).call()}


def connect(rpc_url: str, deployment_file: str) -> tuple["Deployment", Chain]:
    """The deployment file and the chain behind `rpc_url`, which must be the chain it was deployed on (otherwise a
    one-line ConfigError naming both ids)."""
    from pathlib import Path

    from checkers.deployment.file import load

    deployment = load(Path(deployment_file))
    chain = Chain(rpc_url)
    if chain.w3.eth.chain_id != deployment.chain_id:
        raise ConfigError(f"--rpc-url {rpc_url}: chain id {chain.w3.eth.chain_id}, but {deployment_file} was "
                          f"deployed on {deployment.chain_id}")
    return deployment, chain
