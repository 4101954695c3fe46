"""What each CrossChainVault function must achieve: effects on the books and balances to the unit, liveness, events,
refusals (Foundry property tests in contracts/test/integrity/VaultIntegrity.t.sol, engine `props`).

The safety specs say the vault never pays out what it does not owe; these say it does what it is asked: a deposit is
credited, a lock reaches trading, a cross-chain send carries exactly the user's tokens in the right message, a
setter takes effect. Style: Certora's integrity / no-DoS / view-consistency rules for Aave and Morpho.
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_V = "CrossChainVault"


_spec = partial(integrity_spec, _V, "solvency")


SPECS = (
    _spec("INT-VAULT-01", "depositCollateral credits exactly the amount to the caller and totalCollateral, takes "
                          "exactly that many tokens, leaves others alone, emits CollateralDeposited; refuses zero and "
                          "unsupported tokens",
          "A deposit that is not credited (or credited to the wrong books) loses the user's funds; the books must "
          "move by the tokens received, to the unit (ERC-4626 deposit integrity).",
          ("depositCollateral", "collateralOf", "totalCollateral"), Severity.CRITICAL),
    _spec("INT-VAULT-02", "withdrawCollateral debits and pays exactly the amount, emits CollateralWithdrawn; refuses "
                          "more than the caller's own free collateral; works while paused and after delisting",
          "Free collateral must always be withdrawable (the design's withdraw-to-safety exemption) and never beyond "
          "one's own balance.", ("withdrawCollateral",), Severity.CRITICAL),
    _spec("INT-VAULT-03", "lockCollateral debits exactly the amount from the user's free collateral and sends it to "
                          "the trading module, emits CollateralLocked; refuses beyond free collateral, zero, strangers",
          "Every leveraged open goes through this lock: a lock that reverts blocks trading, one that over-debits "
          "or pays the wrong party moves users' money.", ("lockCollateral",)),
    _spec("INT-VAULT-04", "releaseCollateral credits exactly what trading sent back (also while paused), emits "
                          "CollateralReleased; refuses an unbacked release and strangers",
          "Closing and liquidating must return margin to the trader's free balance; a release not backed by "
          "returned tokens would be paid from other users' collateral.", ("releaseCollateral",), Severity.CRITICAL),
    _spec("INT-VAULT-05", "creditCrossChainDeposit credits exactly the forwarded tokens (vault fully backed), emits "
                          "CrossChainDepositCredited; refuses unbacked, unsupported, zero and non-receiver calls",
          "The destination side of a cross-chain deposit: the user's tokens crossed the bridge and must be credited, "
          "but only what actually arrived.", ("creditCrossChainDeposit",), Severity.CRITICAL, "ccip"),
    _spec("INT-VAULT-06", "processCrossChainWithdrawal pays the user exactly the forwarded tokens, touches nobody's "
                          "collateral, emits CrossChainWithdrawalPaid; refuses to pay beyond what was forwarded",
          "A cross-chain withdrawal must reach the user's wallet and must never be paid from others' collateral.",
          ("processCrossChainWithdrawal",), Severity.CRITICAL, "ccip"),
    _spec("INT-VAULT-07", "depositCrossChain takes the caller's tokens and sends exactly them in an ASSET_DEPOSIT "
                          "message for the caller (next nonce, configured gas limit) to the chain's receiver, pays the "
                          "fee from the vault's own LINK, returns the router's id, emits CrossChainDepositSent with "
                          "id, chain, user, token, amount and fee; refuses unsupported chain/token, no receiver, zero, "
                          "and a fee only LINK collateral could pay",
          "A send whose message names the wrong user, kind or amount credits the wrong account on the destination; "
          "LINK held as collateral must never be spent on fees (CCIP best practices: fees in LINK held by the "
          "sender). The router and LINK token the sends use are what initialize stored (router(), linkToken()).",
          ("depositCrossChain", "messageNonce", "initialize", "router", "linkToken"), Severity.CRITICAL, "ccip"),
    _spec("INT-VAULT-08", "requestCrossChainWithdrawal debits exactly the amount and sends exactly those tokens in an "
                          "ASSET_WITHDRAWAL message for the caller, pays the fee, returns the router's id, emits "
                          "CrossChainWithdrawalRequested; refuses beyond the caller's free collateral",
          "The debit here and the payment there must be the same amount, for the same user, in the same message.",
          ("requestCrossChainWithdrawal",), Severity.CRITICAL, "ccip"),
    _spec("INT-VAULT-09", "quoteFee equals the fee the next deposit or withdrawal send actually charges; refuses a "
                          "chain without a receiver",
          "Front-ends fund sends from this quote; a quote that under-reports makes sends fail (view consistency).",
          ("quoteFee",), Severity.MEDIUM, "ccip"),
    _spec("INT-VAULT-10", "add/removeSupportedToken and add/removeSupportedChain set the flags, emit "
                          "TokenSupportSet/ChainSupportSet and take effect (deposits and sends allowed or refused; a "
                          "delisted token stays withdrawable); zero token refused; admin only",
          "A token listed but never marked supported makes the vault unusable for it; a removed chain must stop "
          "sends.", ("addSupportedToken", "removeSupportedToken", "addSupportedChain", "removeSupportedChain",
                     "supportedTokens", "supportedChains"), Severity.MEDIUM, "access"),
    _spec("INT-VAULT-11", "setRemoteReceiver and setCcipGasLimit store their value, emit RemoteReceiverSet / "
                          "CcipGasLimitSet, and the next message is addressed to that receiver with that gas limit; "
                          "zero refused; admin only",
          "Messages sent to a stale receiver or with a gas limit the receiver cannot run in are lost or stuck "
          "(CCIP: extraArgs gas limit must cover ccipReceive).", ("setRemoteReceiver", "setCcipGasLimit",
                                                                  "remoteReceivers", "ccipGasLimit"),
          Severity.MEDIUM, "ccip"),
    _spec("INT-VAULT-12", "over any sequence of deposits, withdrawals, locks and releases, collateralOf equals each "
                          "user's ledger to the unit, totalCollateral is their sum, and the vault holds at least that",
          "The views are what trading, the receiver and users act on; they must agree with what the state-changing "
          "functions did (Certora view-consistency rules).", ("collateralOf", "totalCollateral"),
          Severity.CRITICAL),
    _spec("INT-VAULT-13", "setLaunchControl wires the stack's LaunchControl (launchControl reports it, "
                          "LaunchControlSet), after which its Phase 1 withdrawal caps apply; unwired the vault is "
                          "launched (no caps); zero refused; admin only",
          "A vault left unwired at launch has no Phase 1 caps at all; one a stranger can rewire has none either.",
          ("setLaunchControl", "launchControl"), Severity.HIGH, "access"),
)
