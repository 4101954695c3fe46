"""What the platform's bots, users and operators do, as the scenario needs it: the updater bot pushes prices to both
stacks, users fund wallets and open positions, the operator keeps the Automation upkeeps funded; plus the views the
scenario checks its story with (health factors, liquidatable positions, events in a block range). Every change goes
through a contract's own entry point (driver.Driver)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.logs import DISCARD

from checkers.deployment.chain import REGISTRY_ABI, _fn
from checkers.monitor.driver import Driver, ScenarioError

FEEDS = {"BTC/USD": keccak(b"BTC/USD"), "ETH/USD": keccak(b"ETH/USD")}
PRICE_DECIMALS = 8  # of pushed prices and of the fallback aggregators' answers
WAD = 10**18
USDC = 10**6
LINK = 10**18
LONG, SHORT = 0, 1  # IPerpetualTrading.Side
PROCESSED, FAILED = 1, 2  # CrossChainReceiver.MessageStatus
SOURCE_PRIMARY, SOURCE_FALLBACK = 1, 2  # DataStreamOracle.latestPrice's source


def _tx(name: str, inputs: list[tuple[str, str]]) -> dict[str, Any]:
    return {**_fn(name, inputs, []), "stateMutability": "nonpayable"}


TOKEN_ABI = [_tx("mint", [("address", "to"), ("uint256", "amount")]),  # MockUSDC's: anyone mints
             _tx("approve", [("address", "spender"), ("uint256", "amount")])]  # ERC-20 (USDC, LINK)
AGGREGATOR_ABI = [_tx("updateAnswer", [("int256", "answer")])]  # MockV3Aggregator: public
FAUCET_ABI = [_tx("requestLinkFromFaucet", [("address", "to"), ("uint256", "amount")])]  # CCIPLocalSimulator
REGISTRY_OPS_ABI = [_tx("addFunds", [("uint256", "id"), ("uint96", "amount")]),
                    _fn("getBalance", [("uint256", "id")], ["uint96"]),
                    _fn("getMinBalance", [("uint256", "id")], ["uint96"]),
                    *(e for e in REGISTRY_ABI if e["type"] == "event")]
_TRANSFER = keccak(text="Transfer(address,address,uint256)")
UPKEEP_FUNDED_MINIMUMS = 3  # the operator keeps each upkeep above 3 x its minimum balance (verify deployment's DPL-04)
UPKEEP_TOP_UP = 20 * LINK


def emitted(contract: Any, event: str, receipt: Any) -> list[Any]:
    """`event` logs in `receipt` emitted by `contract` itself (web3's process_receipt decodes every log whose
    signature matches, whoever emitted it: both stacks' contracts share their events)."""
    return [log for log in getattr(contract.events, event)().process_receipt(receipt, errors=DISCARD)
            if log.address == contract.address]


@dataclass(frozen=True)
class Order:
    """One position a trader opens: size = collateral x leverage (USDC units)."""

    trader: int  # anvil account index
    stack: str
    market: str
    side: int
    leverage: int
    collateral: int

    @property
    def size(self) -> int:
        return self.collateral * self.leverage


class Operations:
    """The scenario's hands: one Driver, the prices the updater bot pushes (USD x 10^8 per feed)."""

    def __init__(self, driver: Driver) -> None:
        self.drv = driver
        oracle = driver.module("ethereum", "DataStreamOracle")
        self.prices = {feed: oracle.functions.primaryPrice(fid).call()[0] // 10**(18 - PRICE_DECIMALS)
                       for feed, fid in FEEDS.items()}
        self.usdc = driver.contract(driver.d.usdc, TOKEN_ABI)
        self.registry = driver.contract(driver.d.registry, REGISTRY_OPS_ABI)
        self.observe: Callable[[], None] = lambda: None  # set by scenario.run: a watcher's moment to look

    # ---------------------------------------------------------------- prices

    def set_price(self, feed: str, usd: float) -> None:
        self.prices[feed] = round(usd * 10**PRICE_DECIMALS)

    def push(self, feeds: Iterable[str] = tuple(FEEDS)) -> list[Any]:
        """The updater bot (deployer, UPDATER_ROLE) pushes the current price of `feeds` to every stack's oracle."""
        sent = []
        for stack in self.drv.stacks:
            oracle = self.drv.module(stack, "DataStreamOracle")
            for feed in feeds:
                call = oracle.functions.updatePrice(FEEDS[feed], self.prices[feed])
                sent.append(self.drv.send(self.drv.deployer, call, f"{stack} updatePrice({feed}, {self.prices[feed]})"))
        return self.drv.wait(sent)

    def tick(self, seconds: int, feeds: Iterable[str] = tuple(FEEDS)) -> list[Any]:
        """Chain time passes (a block mined at the new time), then the bot pushes `feeds`."""
        self.drv.advance(seconds)
        return self.push(feeds)

    def update_fallback(self, feed: str) -> int:
        """The fallback aggregator(s) of `feed` (one per distinct address across stacks) answer the current price
        now; returns how many were updated."""
        aggregators = {self.drv.module(s, "DataStreamOracle").functions.getFeed(FEEDS[feed]).call()[4]
                       for s in self.drv.stacks}
        self.drv.wait([self.drv.send(self.drv.deployer, self.drv.contract(a, AGGREGATOR_ABI).functions.updateAnswer(
            self.prices[feed]), f"fallback {feed} updateAnswer") for a in sorted(aggregators)])
        return len(aggregators)

    def latest(self, stack: str, feed: str) -> tuple[int, int, int]:
        """(price WAD, updatedAt, source) the stack's oracle serves for `feed` (reverts while it refuses one)."""
        return self.drv.module(stack, "DataStreamOracle").functions.latestPrice(FEEDS[feed]).call()

    def primary_age(self, stack: str, feed: str) -> int:
        timestamp = self.drv.module(stack, "DataStreamOracle").functions.primaryPrice(FEEDS[feed]).call()[1]
        return self.drv.now() - timestamp

    # ---------------------------------------------------------------- users

    def send_funding(self, account: LocalAccount, amount: int, spenders: Iterable[str]) -> list[tuple[bytes, str]]:
        """`account` mints `amount` MockUSDC to itself and approves each spender for all of it (not awaited)."""
        sent = [self.drv.send(account, self.usdc.functions.mint(account.address, amount), "USDC mint")]
        sent += [self.drv.send(account, self.usdc.functions.approve(spender, amount), "USDC approve")
                 for spender in spenders]
        return sent

    def send_open(self, account: LocalAccount, order: Order) -> tuple[bytes, str]:
        trading = self.drv.module(order.stack, "PerpetualTrading")
        call = trading.functions.openPosition(order.market, order.side, order.size, order.leverage, self.drv.d.usdc)
        return self.drv.send(account, call, f"{order.stack} openPosition{order}")

    def opened(self, stack: str, receipts: Iterable[Any]) -> list[int]:
        """Ids of the positions the receipts opened on `stack` (PositionOpened)."""
        trading = self.drv.module(stack, "PerpetualTrading")
        return [log.args.positionId for r in receipts for log in emitted(trading, "PositionOpened", r)]

    # ---------------------------------------------------------------- views

    def open_ids(self, stack: str) -> list[int]:
        return self.drv.module(stack, "PerpetualTrading").functions.openPositionIds().call()

    def liquidatable(self, stack: str) -> list[int]:
        trading = self.drv.module(stack, "PerpetualTrading")
        return [i for i in self.open_ids(stack) if trading.functions.isLiquidatable(i).call()]

    def min_health(self, stack: str) -> int | None:
        """The lowest health factor (WAD) of the stack's open positions; None without any."""
        pm = self.drv.module(stack, "PositionManager")
        factors = [pm.functions.calculateHealthFactor(i).call() for i in self.open_ids(stack)]
        return min(factors) if factors else None

    def paused_modules(self) -> list[str]:
        return [f"{s.name}.{m}" for s in self.drv.d.stacks for m in s.modules
                if self.drv.module(s.name, m).functions.paused().call()]

    def logs(self, stack: str, module: str, event: str, from_block: int, **filters: Any) -> list[Any]:
        """`event` logs of the stack's `module` from `from_block` to the head."""
        head = self.drv.block()
        return [] if from_block > head else getattr(self.drv.module(stack, module).events, event).get_logs(
            from_block=from_block, to_block=head, argument_filters=filters or None)

    # ---------------------------------------------------------------- the operator

    def keep_upkeeps_funded(self) -> int:
        """Tops up (registry.addFunds, open to anyone) every upkeep below UPKEEP_FUNDED_MINIMUMS x its minimum
        balance with LINK from the CCIP simulator's public faucet. Returns the LINK (juels) added."""
        calls, link, me = self.registry.functions, self.drv.contract(self.drv.d.link, TOKEN_ABI), self.drv.deployer
        low = [s for s in self.drv.d.stacks if calls.getBalance(s.upkeep_id).call()
               < UPKEEP_FUNDED_MINIMUMS * calls.getMinBalance(s.upkeep_id).call()]
        for s in low:
            self.drv.wait([
                self.drv.send(me, self._faucet.functions.requestLinkFromFaucet(me.address, UPKEEP_TOP_UP), "faucet"),
                self.drv.send(me, link.functions.approve(self.registry.address, UPKEEP_TOP_UP), "LINK approve"),
                self.drv.send(me, calls.addFunds(s.upkeep_id, UPKEEP_TOP_UP), f"{s.name} upkeep addFunds")])
        return len(low) * UPKEEP_TOP_UP

    def upkeeps_reverted(self, from_block: int) -> dict[str, int]:
        """Per stack, performs since `from_block` whose forwarded performUpkeep reverted (the registry's
        UpkeepPerformed with success false: the node's transaction itself was mined)."""
        head = self.drv.block()
        logs = [] if from_block > head else self.registry.events.UpkeepPerformed.get_logs(
            from_block=from_block, to_block=head, argument_filters={"success": False})
        by_id = {s.upkeep_id: s.name for s in self.drv.d.stacks}
        counts = {s.name: 0 for s in self.drv.d.stacks}
        for log in logs:
            counts[by_id[log.args.id]] += 1
        return counts

    @cached_property
    def _faucet(self):
        """The CCIPLocalSimulator: LINK's whole supply was minted to it (the first Transfer from address 0), and
        its requestLinkFromFaucet is public. The deployment file does not name it."""
        minted = self.drv.w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": self.drv.d.link,
                                           "topics": [_TRANSFER, b"\x00" * 32]})
        if not minted:
            raise ScenarioError("LINK: no mint found: cannot locate the CCIP simulator's faucet")
        simulator = self.drv.w3.to_checksum_address(minted[0]["topics"][2][-20:])
        return self.drv.contract(simulator, FAUCET_ABI)

