"""Safe (1.4.1) transactions from Python, as contracts/script/SafeMultisig.sol makes them: the Safe's own
getTransactionHash (an eth_call, so the hash is whatever the deployed Safe computes), signed by owners' keys with no
message prefix, the 65-byte {r}{s}{v} signatures concatenated in ascending owner-address order (Safe rejects any other
order), then execTransaction sent by any account. A call, value 0, no refund: safeTxGas, baseGas, gasPrice 0, gasToken
and refundReceiver address(0)."""
from __future__ import annotations

from typing import Any, Sequence

from eth_account import Account
from eth_account.signers.local import LocalAccount

from checkers.deployment.chain import _fn

ZERO = "0x" + "00" * 20
CALL = 0  # Enum.Operation.Call
_TX_FIELDS = [("address", "to"), ("uint256", "value"), ("bytes", "data"), ("uint8", "operation"),
              ("uint256", "safeTxGas"), ("uint256", "baseGas"), ("uint256", "gasPrice"), ("address", "gasToken"),
              ("address", "refundReceiver")]
SAFE_TX_ABI = [_fn("nonce", [], ["uint256"]),
               _fn("getTransactionHash", [*_TX_FIELDS, ("uint256", "nonce")], ["bytes32"]),
               {**_fn("execTransaction", [*_TX_FIELDS, ("bytes", "signatures")], ["bool"]),
                "stateMutability": "payable"}]


def signatures(tx_hash: bytes, owners: Sequence[LocalAccount]) -> bytes:
    """Each owner's ECDSA signature of the Safe transaction hash itself (v 27/28), sorted by owner address."""
    ordered = sorted(owners, key=lambda owner: int(owner.address, 16))
    return b"".join(Account.unsafe_sign_hash(tx_hash, owner.key).signature for owner in ordered)


def exec_call(w3, safe: str, to: str, data: bytes, owners: Sequence[LocalAccount]) -> Any:
    """The execTransaction call (a web3 ContractFunction, not sent) that makes `safe` call `to` with `data`, signed
    by `owners` for the Safe's current nonce. Send it once: the next Safe transaction needs the nonce after it."""
    contract = w3.eth.contract(address=safe, abi=SAFE_TX_ABI)
    args = (to, 0, data, CALL, 0, 0, 0, ZERO, ZERO)
    tx_hash = contract.functions.getTransactionHash(*args, contract.functions.nonce().call()).call()
    return contract.functions.execTransaction(*args, signatures(tx_hash, owners))
