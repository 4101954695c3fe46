"""`verify deployment` on the platform as tools/deploy_local.sh deploys it (both stacks, through the Safe, Phase 1,
Automation): exit 0; each of six misconfigurations, made on the kept anvil (impersonating the Safe where the
contracts allow the change, writing storage where they refuse it, as a deployment of an older version would hold it),
makes it exit 1 naming the item. Every change is undone with an anvil snapshot. One deployment serves the module:
it is also what checks tools/deploy_local.sh itself (every address printed, the deployment file, the handover)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak
from web3 import Web3

from checkers import cli
from checkers.deployment.automation_node import ANVIL_KEY4, run_round
from checkers.deployment.chain import Chain
from checkers.deployment.file import MODULES, load
from checkers.deployment.local_chain import local_deployment

TRADING_NAMESPACE = 0xe1cb051e77297f7ca06ae8f306c6715358a889afe608372a8ee6f2244c765800
TRADING_MARKETS = 3  # PerpetualTradingStorage._markets
TRADING_LAUNCH_CONTROL = 13  # PerpetualTradingStorage.launchControl (v3)
MARKET_MAX_LEVERAGE = 2  # Market.maxLeverage
REGISTRY_UPKEEPS = 2  # LocalAutomationRegistry._upkeeps


@pytest.fixture(scope="module")
def deployed(platform_target):
    with local_deployment("test") as deployment:
        yield deployment


def _verify(deployed, tmp_path: Path, capsys) -> tuple[int, dict, str]:
    rpc, file, _ = deployed
    code = cli.main(["deployment", "--rpc-url", rpc, "--deployment", str(file), "--out", str(tmp_path / "out")])
    return code, json.loads((tmp_path / "out" / "results.json").read_text()), capsys.readouterr().out


def test_deploy_local_prints_both_stacks_and_writes_the_deployment_file(deployed) -> None:
    _, file, stdout = deployed
    addresses = dict(re.findall(r"^\s*(\S+) (0x[0-9a-fA-F]{40})\s*$", stdout, re.MULTILINE))
    deployment = json.loads(file.read_text())
    for stack in ("Ethereum", "Polygon"):
        for module in MODULES:
            assert deployment["stacks"][stack.lower()][module].lower() == addresses[f"{stack}.{module}"].lower()
        assert deployment["stacks"][stack.lower()]["Safe"].lower() == addresses[f"{stack}.Safe"].lower()
    assert len(set(addresses.values())) == len(addresses)  # every contract at its own address
    assert "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" in stdout
    assert "every module's admin is its stack's Safe" in stdout  # acceptAdmin ran after the delay


def test_the_deployment_as_deployed_passes(deployed, tmp_path, capsys) -> None:
    code, results, out = _verify(deployed, tmp_path, capsys)
    assert code == 0, out
    verdicts = {f["spec_id"]: f["verdict"] for f in results["findings"]}
    assert verdicts == {f"DPL-0{i}": "HOLDS_BOUNDED" for i in range(1, 8)}, verdicts
    assert "fee" in out and "Phase 1: allowlisted traders only" in out


class _Node:
    """The kept anvil: impersonated transactions, raw storage, snapshots."""

    def __init__(self, rpc: str, file: Path) -> None:
        self.chain = Chain(rpc)
        self.w3 = self.chain.w3
        self.d = load(file)
        self.eth, self.polygon = {s.name: s for s in self.d.stacks}["ethereum"], {s.name: s for s in
                                                                                  self.d.stacks}["polygon"]

    def rpc(self, method: str, *params):
        reply = self.w3.provider.make_request(method, list(params))
        assert "error" not in reply, reply
        return reply.get("result")

    def send(self, sender: str, module: str, address: str, fn: str, *args) -> None:
        self.rpc("anvil_impersonateAccount", sender)
        self.rpc("anvil_setBalance", sender, hex(10**18))
        tx = getattr(self.chain.module(module, address).functions, fn)(*args).transact({"from": sender})
        assert self.w3.eth.wait_for_transaction_receipt(tx).status == 1

    def store(self, address: str, slot: int, value: int) -> None:
        self.rpc("anvil_setStorageAt", address, "0x%064x" % slot, "0x%064x" % value)

    def load(self, address: str, slot: int) -> int:
        return int.from_bytes(self.w3.eth.get_storage_at(address, slot), "big")


def _mapping_slot(key: int, slot: int) -> int:
    return int.from_bytes(keccak(encode(["uint256", "uint256"], [key, slot])), "big")


def _eoa_admin(n: _Node) -> None:
    eoa = "0x00000000000000000000000000000000000E0A00"
    trading = n.eth.modules["PerpetualTrading"]
    n.send(n.eth.safe, "PerpetualTrading", trading, "beginDefaultAdminTransfer", eoa)
    n.rpc("evm_increaseTime", 86_401)
    n.rpc("evm_mine")
    n.send(eoa, "PerpetualTrading", trading, "acceptDefaultAdminTransfer")


def _leverage_150x(n: _Node) -> None:  # addMarket refuses it: as a pre-bands deployment would hold it
    market = _mapping_slot(1, TRADING_NAMESPACE + TRADING_MARKETS)
    n.store(n.eth.modules["PerpetualTrading"], market + MARKET_MAX_LEVERAGE, 150)


def _upkeep_underfunded(n: _Node) -> None:  # admin (20 bytes) | balance (uint96) share the upkeep's second slot
    slot = _mapping_slot(n.eth.upkeep_id, REGISTRY_UPKEEPS) + 1
    admin_bits = n.load(n.d.registry, slot) & ((1 << 160) - 1)
    n.store(n.d.registry, slot, admin_bits | (10**18 << 160))  # 1 LINK, below 3 x 20.32 (5M gas)


def _lane_one_way(n: _Node) -> None:
    n.send(n.polygon.safe, "CrossChainReceiver", n.polygon.modules["CrossChainReceiver"], "setAllowedSender",
           n.eth.modules["CrossChainVault"], False)


def _phase3_behaviour_in_phase1(n: _Node) -> None:  # setLaunchControl refuses 0: as an unwired (v2) module holds it
    n.store(n.eth.modules["PerpetualTrading"], TRADING_NAMESPACE + TRADING_LAUNCH_CONTROL, 0)


def _unpausable_module(n: _Node) -> None:
    pool = n.eth.modules["CrossChainLendingPool"]
    guardian = n.chain.module("CrossChainLendingPool", pool).functions.GUARDIAN_ROLE().call()
    n.send(n.eth.safe, "CrossChainLendingPool", pool, "revokeRole", guardian, n.eth.safe)


@pytest.mark.parametrize("misconfigure, item, needle", [
    (_eoa_admin, "DPL-01", "ethereum.PerpetualTrading: admin is 0x00000000000000000000000000000000000E0A00 (an EOA)"),
    (_leverage_150x, "DPL-02", "ethereum ETH/USD: leverage cap 150x outside 10-100 x"),
    (_upkeep_underfunded, "DPL-04", "ethereum: upkeep 1 underfunded: 1.0000 LINK < 3 x 20.3200"),
    (_lane_one_way, "DPL-05", "lane ethereum -> polygon not allowlisted: fix: polygon receiver: setAllowedSender("),
    (_phase3_behaviour_in_phase1, "DPL-07", "ethereum.PerpetualTrading: reads launch control 0x0000000000000000000000"
                                            "000000000000000000, not the stack's"),
    (_unpausable_module, "DPL-03", "ethereum.CrossChainLendingPool: the guardian (Safe"),
], ids=["eoa-admin", "leverage-150x", "upkeep-underfunded", "lane-one-way", "phase3-in-phase1", "unpausable"])
def test_each_misconfiguration_fails_naming_the_item(deployed, tmp_path, capsys, misconfigure, item, needle) -> None:
    rpc, file, _ = deployed
    node = _Node(rpc, file)
    snapshot = node.rpc("evm_snapshot")
    try:
        misconfigure(node)
        code, results, out = _verify(deployed, tmp_path, capsys)
    finally:
        assert node.rpc("evm_revert", snapshot)
    assert code == 1, out
    [finding] = [f for f in results["findings"] if f["spec_id"] == item]
    assert finding["verdict"] == "VIOLATED"
    assert needle in finding["summary"], finding["summary"]
    assert "fix:" in finding["summary"]


def test_bad_input_is_one_line(deployed, tmp_path, capsys) -> None:
    rpc, _, _ = deployed
    bad = tmp_path / "bad.json"
    bad.write_text('{"stacks": {}}')
    assert cli.main(["deployment", "--rpc-url", rpc, "--deployment", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "missing 'chainId'" in capsys.readouterr().err
    assert not (tmp_path / "o" / "results.json").exists()


_MOCK_USDC = [{"type": "function", "name": n, "stateMutability": "nonpayable", "outputs": [],
               "inputs": [{"name": "a", "type": "address"}, {"name": "b", "type": "uint256"}]}
              for n in ("mint", "approve")]


def test_the_automation_node_liquidates_through_the_forwarder(deployed) -> None:
    """Alice (allowlisted through the Safe) opens 10x BTC/USD at 50,000; at 45,000 she is under water; one round of
    the node: the registry's checkUpkeep simulated, performUpkeep sent by the node's key, forwarded to the engine."""
    rpc, file, _ = deployed
    n = _Node(rpc, file)
    s, usdc = n.eth, n.w3.eth.contract(address=n.d.usdc, abi=_MOCK_USDC)
    alice, lender = (Web3.to_checksum_address(a) for a in ("0x" + "a11ce".zfill(40), "0x" + "1e4d".zfill(40)))
    btc = keccak(b"BTC/USD")
    snapshot = n.rpc("evm_snapshot")
    try:
        n.send(s.safe, "LaunchControl", s.modules["LaunchControl"], "setAllowlisted", alice, True)
        n.send(n.d.deployer, "DataStreamOracle", s.modules["DataStreamOracle"], "updatePrice", btc, 50_000 * 10**8)
        for who, spender, amount in ((lender, s.modules["CrossChainLendingPool"], 1_000_000 * 10**6),
                                     (alice, s.modules["CrossChainVault"], 10_000 * 10**6)):
            n.rpc("anvil_impersonateAccount", who)
            n.rpc("anvil_setBalance", who, hex(10**18))
            for fn, args in (("mint", (who, amount)), ("approve", (spender, amount))):
                n.w3.eth.wait_for_transaction_receipt(getattr(usdc.functions, fn)(*args).transact({"from": who}))
        n.send(lender, "CrossChainLendingPool", s.modules["CrossChainLendingPool"], "supply", n.d.usdc, 1_000_000 * 10**6)
        n.send(alice, "CrossChainVault", s.modules["CrossChainVault"], "depositCollateral", n.d.usdc, 10_000 * 10**6)
        n.send(alice, "PerpetualTrading", s.modules["PerpetualTrading"], "openPosition", "BTC/USD", 0,
               100_000 * 10**6, 10, n.d.usdc)
        trading = n.chain.module("PerpetualTrading", s.modules["PerpetualTrading"])
        [position] = trading.functions.openPositionIds().call()
        assert [r.needed for r in run_round(n.chain, n.d, ANVIL_KEY4)] == [False, False], "healthy: nothing to do"
        n.rpc("evm_increaseTime", 31)
        n.send(n.d.deployer, "DataStreamOracle", s.modules["DataStreamOracle"], "updatePrice", btc, 45_000 * 10**8)
        rounds = {r.stack: r for r in run_round(n.chain, n.d, ANVIL_KEY4)}
        assert rounds["ethereum"].needed and rounds["ethereum"].proposed == 1 and rounds["ethereum"].performed
        assert not rounds["polygon"].needed
        assert trading.functions.openPositionIds().call() == [], f"position {position} liquidated"
    finally:
        assert n.rpc("evm_revert", snapshot)
