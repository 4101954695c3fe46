"""What CrossChainReceiver must achieve: each message type reaches its handler with its fields, failures are stored
and retried, replays refused, the allowlist setters take effect, the failure pause works (Foundry property tests in
contracts/test/integrity/RecvIntegrity.t.sol, engine `props`).

The CCIP safety specs say what must be refused; these say what must happen: an allowlisted deposit is credited (a
receiver that stores every deposit as failed passes every safety spec).
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_R = "CrossChainReceiver"


_spec = partial(integrity_spec, _R, "ccip")


SPECS = (
    _spec("INT-RECV-01", "an allowlisted ASSET_DEPOSIT is credited, not stored as failed: the user's collateral grows "
                         "by exactly the delivered token amount, the tokens reach the vault, status Processed, nothing "
                         "stored; MessageReceived/CrossChainDepositCredited/MessageProcessed emitted; end to end "
                         "through the CCIP simulator",
          "The user's tokens crossed the bridge: a receiver that parks them as failed (or credits the body's figures "
          "instead of what arrived) loses or inflates deposits. Survivor of the 18-mutant campaign.",
          ("ccipReceive", "processMessage", "CrossChainVault.creditCrossChainDeposit"), Severity.CRITICAL,
          contracts=(_R, "CrossChainVault")),
    _spec("INT-RECV-02", "an allowlisted ASSET_WITHDRAWAL pays the user exactly the delivered amount through the vault "
                         "and touches no collateral; status Processed, events emitted",
          "The other half of a cross-chain withdrawal: the debit on the source must arrive in the user's wallet.",
          ("ccipReceive", "CrossChainVault.processCrossChainWithdrawal"), Severity.CRITICAL,
          contracts=(_R, "CrossChainVault")),
    _spec("INT-RECV-03", "a POSITION_UPDATE from any allowlisted chain reaches the position manager once with its "
                         "source chain, remote id, trader and size delta; MessageProcessed emitted",
          "Cross-chain positions are only as right as the fields delivered to the position manager.",
          ("ccipReceive",)),
    _spec("INT-RECV-04", "a POSITION_LIQUIDATION reaches the liquidation engine once with its position id",
          "A cross-chain liquidation request that never reaches the engine leaves an unhealthy position open.",
          ("ccipReceive",)),
    _spec("INT-RECV-05", "a failing message does not revert the delivery: it is stored intact (getFailedMessage), "
                         "counted, MessageFailed with the reason; a retry that fails keeps it; a retry that succeeds "
                         "runs the handler with the stored fields, clears it, emits MessageRetried; a failed deposit "
                         "is credited on retry; operators only",
          "CCIP best practice (defensive receiver): failures are stored for retry, never lost and never stuck at the "
          "router.", ("retryFailedMessage", "getFailedMessage", "failedMessages", "storedMessageCount")),
    _spec("INT-RECV-06", "a message id already delivered (processed, failed or pending) is refused on redelivery and "
                         "its handler does not run again; a deposit is credited once",
          "A replayed deposit would credit twice (CCIP messageId replay guard).", ("ccipReceive", "messageStatus"),
          Severity.CRITICAL),
    _spec("INT-RECV-07", "setAllowedSourceChain/setAllowedSender set the allowlist, emit their events and take effect: "
                         "accepted only from an allowed chain AND sender; refused deliveries leave no trace; admin only",
          "An allowlist that cannot be extended blocks a new chain; one that cannot be revoked keeps a compromised "
          "sender live.", ("setAllowedSourceChain", "setAllowedSender", "allowedSourceChains", "allowedSenders"),
          Severity.HIGH, "access"),
    _spec("INT-RECV-08", "only the router delivers (ccipReceive) and only the receiver itself runs processMessage; "
                         "refusals leave no trace and the router's delivery still works",
          "processMessage skips the allowlist and replay checks: callable by anyone it would bypass them.",
          ("ccipReceive", "processMessage"), Severity.CRITICAL),
    _spec("INT-RECV-09", "recentFailures counts the failures within the last hour; the fourth failure within one hour "
                         "pauses processing (CrossChainProcessingPaused), three never do; while paused deliveries are "
                         "Pending and not processed; unpause resets the window and a retry processes them",
          "The design: more than 3 failures in an hour pauses cross-chain processing; nothing is lost meanwhile.",
          ("recentFailures", "ccipReceive", "retryFailedMessage", "unpause"), Severity.HIGH, "emergency"),
    _spec("INT-RECV-10", "supportsInterface is true exactly for the CCIP receiver, ERC-165 and access-control ids; "
                         "getFailedMessage refuses an unstored id; an undelivered id is Unknown; initialize (the "
                         "constructor before the proxy) stores the vault, position manager and liquidation engine, "
                         "refuses a zero one, and runs once",
          "The CCIP router only calls receivers that report IAny2EVMMessageReceiver via ERC-165; a wrong answer "
          "silently drops every message's data.", ("supportsInterface", "getFailedMessage", "messageStatus",
                                                        "initialize", "vault", "positionManager", "liquidationEngine"),
          Severity.MEDIUM),
    _spec("INT-RECV-11", "setLaunchControl wires the stack's LaunchControl (launchControl reports it, "
                         "LaunchControlSet), after which deliveries before Phase 3 are kept pending "
                         "(MessageAwaitingLaunch); unwired the receiver processes them; zero refused; admin only",
          "A receiver left unwired processes cross-chain transfers from the first day of a launch that was meant "
          "to keep them off for a week.", ("setLaunchControl", "launchControl"), Severity.HIGH, "ccip"),
)
