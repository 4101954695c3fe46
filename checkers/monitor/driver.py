"""Real transactions on a local anvil deployment, for the scenario: anvil's well-known keys (its mnemonic), nonces
kept per account so that many transactions can be in flight at once, receipts awaited together, a revert reported
with the platform's own error name, chain time passed with evm_increaseTime + evm_mine. Platform state changes only
through the contracts' entry points (the stack's Safe for admin and guardian calls); the only anvil cheat used is
anvil_setBalance, for gas money."""
from __future__ import annotations

from functools import cache, cached_property
from typing import Any, Iterable

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import function_signature_to_4byte_selector
from web3.exceptions import ContractLogicError

from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment
from checkers.errors import VerifyError
from checkers.monitor import safe_tx

MNEMONIC = "test test test test test test test test test test test junk"
DEPLOYER = 0  # keeps the operational roles: oracle UPDATER, LIQUIDATOR bot, receiver OPERATOR
SAFE_SIGNERS = (1, 2)  # two of the three Safe owners (accounts 1-3)
GAS_LIMIT = 3_000_000  # every transaction's limit: no estimate, so that one may depend on another still in flight
GAS_MONEY = 100 * 10**18
RECEIPT_TIMEOUT_S = 120


class ScenarioError(VerifyError):
    """The chain did not do what the scenario's story expects (a revert, a missing event, a wrong state)."""

    exit_code = 1


@cache
def anvil_account(index: int) -> LocalAccount:
    """Account `index` of anvil's default mnemonic (0 is the deployer, 1-3 the Safe owners, 4 the Automation node)."""
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


class Driver:
    """One scenario's view of the chain: contracts by stack, transactions sent and counted."""

    def __init__(self, chain: Chain, deployment: Deployment) -> None:
        self.chain, self.w3, self.d = chain, chain.w3, deployment
        self.stacks = {s.name: s for s in deployment.stacks}
        self.deployer = anvil_account(DEPLOYER)
        self.sent = 0  # transactions sent so far (StepResult counts the difference)
        self._nonces: dict[str, int] = {}

    # ---------------------------------------------------------------- contracts and chain state

    def module(self, stack: str, name: str):
        return self.chain.module(name, self.stacks[stack].modules[name])

    def contract(self, address: str, abi: list[dict[str, Any]]):
        return self.w3.eth.contract(address=address, abi=abi)

    def rpc(self, method: str, *params: Any) -> Any:
        reply = self.w3.provider.make_request(method, list(params))
        if "error" in reply:
            raise ScenarioError(f"{method}: {reply['error']}")
        return reply.get("result")

    def block(self) -> int:
        return self.w3.eth.block_number

    def now(self) -> int:
        """The latest block's timestamp (chain time)."""
        return self.w3.eth.get_block("latest").timestamp

    def advance(self, seconds: int) -> None:
        """Chain time moves `seconds` ahead and a block is mined at the new time (anvil's block times otherwise
        follow the wall clock: a burst of transactions spans seconds, not one second per block)."""
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")

    def fund_gas(self, accounts: Iterable[LocalAccount]) -> None:
        """ETH for gas only (anvil_setBalance): platform balances are never written, only gas money."""
        for account in accounts:
            self.rpc("anvil_setBalance", account.address, hex(GAS_MONEY))

    # ---------------------------------------------------------------- transactions

    def send(self, account: LocalAccount, call: Any, what: str) -> tuple[bytes, str]:
        """Signs and sends `call` (a web3 ContractFunction) from `account` with the account's next nonce, without
        waiting. Returns (transaction hash, what) for wait()."""
        address = account.address
        if address not in self._nonces:
            self._nonces[address] = self.w3.eth.get_transaction_count(address, "pending")
        tx = call.build_transaction({"from": address, "nonce": self._nonces[address], "gas": GAS_LIMIT,
                                     "gasPrice": self._gas_price, "chainId": self.d.chain_id})
        try:
            tx_hash = self.w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        except Exception as exc:  # noqa: BLE001 - refused by the node: the nonce was not used
            self._nonces.pop(address, None)
            raise ScenarioError(f"{what}: the node refused the transaction ({exc})") from None
        self._nonces[address] += 1
        self.sent += 1
        return tx_hash, what

    def wait(self, sent: Iterable[tuple[bytes, str]]) -> list[Any]:
        """Every receipt of `sent`, in order; a reverted one fails the scenario, naming it and its revert reason
        (replayed at its parent block: with automine each transaction has a block of its own)."""
        receipts = []
        for tx_hash, what in sent:
            try:
                receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=RECEIPT_TIMEOUT_S,
                                                                   poll_latency=0.05)
            except Exception:  # noqa: BLE001 - web3's TimeExhausted
                raise ScenarioError(f"{what}: not mined within {RECEIPT_TIMEOUT_S} s") from None
            if receipt.status != 1:
                raise ScenarioError(f"{what}: reverted in block {receipt.blockNumber} ({self._reason(tx_hash)})")
            receipts.append(receipt)
        return receipts

    def note_sent(self, count: int) -> None:
        """Counts transactions another component sent for the scenario (the Automation node's performUpkeep)."""
        self.sent += count

    def transact(self, account: LocalAccount, call: Any, what: str) -> Any:
        """send, then wait for its receipt."""
        return self.wait([self.send(account, call, what)])[0]

    def as_safe(self, stack: str, contract: Any, fn: str, *args: Any) -> Any:
        """contract.fn(*args) called by the stack's Safe: a Safe transaction signed by two of its owners, sent by
        the deployer (any account may send it)."""
        data = bytes.fromhex(contract.encode_abi(fn, args=list(args))[2:])
        owners = [anvil_account(i) for i in SAFE_SIGNERS]
        call = safe_tx.exec_call(self.w3, self.stacks[stack].safe, contract.address, data, owners)
        return self.transact(self.deployer, call, f"{stack} Safe: {fn}{tuple(args)}")

    @cached_property
    def _gas_price(self) -> int:
        return 2 * self.w3.eth.gas_price + 10**9

    @cached_property
    def _errors(self) -> dict[bytes, str]:
        """4-byte selector -> error signature, over the platform's ABIs."""
        found = {}
        for abi in self.chain._abis.values():
            for item in abi:
                if item.get("type") == "error":
                    signature = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
                    found[function_signature_to_4byte_selector(signature)] = item["name"]
        return found

    def simulate(self, account: LocalAccount, call: Any) -> str | None:
        """What `call` would revert with if `account` sent it now (an eth_call: its revert data, 0x-hex), or None
        when it would not revert."""
        try:
            call.call({"from": account.address, "gas": GAS_LIMIT})
        except ContractLogicError as exc:
            return exc.data if isinstance(exc.data, str) else str(exc)
        return None

    def describe(self, revert: str) -> str:
        """Revert data with the platform's error name when it is one of the platform's errors."""
        name = self._errors.get(bytes.fromhex(revert[2:10])) if revert.startswith("0x") and len(revert) >= 10 else None
        return f"{name}, data {revert}" if name else revert

    def _reason(self, tx_hash: bytes) -> str:
        tx = self.w3.eth.get_transaction(tx_hash)
        try:
            self.w3.eth.call({"from": tx["from"], "to": tx["to"], "data": tx["input"], "gas": tx["gas"]},
                             block_identifier=self.w3.eth.get_transaction_receipt(tx_hash).blockNumber - 1)
        except ContractLogicError as exc:
            return self.describe(exc.data if isinstance(exc.data, str) else str(exc))
        return "no revert when replayed"
