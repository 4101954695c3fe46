"""CCIP receiver safety (Slither structural rules over every receiver, generic over any Foundry project).

Anchors: Chainlink CCIP "Best practices" (verify the router, verify source chain and sender, design for
idempotency, handle failures without reverting — the DefensiveExample pattern) and incidents where bridges
executed forged or replayed messages: Nomad (Aug 2022, any message accepted, ~$190M), Wormhole (Feb 2022,
forged verification, ~$320M), Poly Network (Aug 2021, unchecked cross-chain caller, ~$610M).
"""
from __future__ import annotations

from checkers.base import Severity, Spec
from specs._slither_common import landed

_R = ("CrossChainReceiver",)
_E = ("slither",)

EXPECTED_MUTANTS = {
    "CCIP-01": ("M14_ReceiverNotRouterOnly",),
    "CCIP-02": ("M12_ReceiverNoSenderCheck",),
    "CCIP-03": ("M13_ReceiverNoReplayGuard",),
    "CCIP-04": ("M15_ReceiverRevertsOnFailure",),
    "CCIP-05": ("M17_ReceiverNoFailurePause",),
}

SPECS = (
    Spec(
        id="CCIP-01",
        title="_ccipReceive is reachable only through the router (ccipReceive checks msg.sender == router)",
        rationale=(
            "CCIP best practices: 'verify the router address' — without onlyRouter anyone can call ccipReceive "
            "with a forged Any2EVMMessage and credit deposits or trigger liquidations. Poly Network (2021) lost "
            "~$610M to a cross-chain entry point that trusted its caller."
        ),
        severity=Severity.CRITICAL,
        category="ccip",
        contracts=_R,
        engines=_E,
        mutants=landed(*EXPECTED_MUTANTS["CCIP-01"]),
        generic=True,
    ),
    Spec(
        id="CCIP-02",
        title="(source chain, sender) is checked against an allowlist before any state change",
        rationale=(
            "CCIP best practices: 'verify source chain and sender' — the router delivers messages from any "
            "sender on any lane; without an allowlist an attacker's contract on another chain is trusted. "
            "Nomad (2022) accepted unproven messages and was drained by copy-paste transactions."
        ),
        severity=Severity.CRITICAL,
        category="ccip",
        contracts=_R,
        engines=_E,
        mutants=landed(*EXPECTED_MUTANTS["CCIP-02"]),
        generic=True,
    ),
    Spec(
        id="CCIP-03",
        title="Every messageId is recorded and checked: a message is processed at most once",
        rationale=(
            "A message re-delivered (manual execution after a failure, a retry path) must not credit twice; CCIP "
            "docs ask receivers to be idempotent. Replay of a processed message is the classic bridge double "
            "spend. Bytecode counterpart: SEQ-03."
        ),
        severity=Severity.CRITICAL,
        category="ccip",
        contracts=_R,
        engines=_E,
        mutants=landed(*EXPECTED_MUTANTS["CCIP-03"]),
        generic=True,
    ),
    Spec(
        id="CCIP-04",
        title="Processing failures are caught and stored for retry; they do not revert the delivery",
        rationale=(
            "Chainlink's DefensiveExample: ccipReceive should not revert — catch the failure, store the message "
            "and let an operator retry it, so one bad message neither blocks the lane (ordered execution) nor "
            "strands its tokens until manual execution."
        ),
        severity=Severity.HIGH,
        category="ccip",
        contracts=_R,
        engines=_E,
        mutants=landed(*EXPECTED_MUTANTS["CCIP-04"]),
        generic=True,
    ),
    Spec(
        id="CCIP-05",
        title="More than a threshold of failures (3 per hour) pauses cross-chain processing",
        rationale=(
            "The design's emergency protocol: repeated CCIP failures indicate a compromised or broken source; "
            "automatic pausing bounds the damage before a human reacts (Ronin 2022 went unnoticed for 6 days)."
        ),
        severity=Severity.HIGH,
        category="ccip",
        contracts=_R,
        engines=_E,
        mutants=landed(*EXPECTED_MUTANTS["CCIP-05"]),
        platform_only=("the pause after more than 3 failures per hour is this platform's emergency policy, not a "
                       "rule every CCIP receiver must follow"),
    ),
)
