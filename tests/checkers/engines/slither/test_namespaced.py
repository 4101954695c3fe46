"""ERC-7201 namespaced storage (OpenZeppelin 5): every rule sees state kept in a `/// @custom:storage-location
erc7201:<id>` struct and reached through a `$` storage pointer (an `_s()` / `_getXStorage()` accessor binding it
with `assembly { $.slot := LOCATION }`, or the same assembly in the function itself) like a plain state variable.
Fixtures: tests/fixtures/slither/src/namespaced/, each the bug of a plain bad fixture with its state namespaced."""
from __future__ import annotations

import re

import pytest

from checkers.engines.slither.engine import Analysis

NS_RECEIVERS_OK = ("GoodNsReceiver",)
NS_CASES = {
    "ccip-router-only": (("BadNsRouterReceiver",), NS_RECEIVERS_OK),
    "ccip-sender-allowlist": (("BadNsOrderReceiver",), NS_RECEIVERS_OK),
    "ccip-replay-guard": (("BadNsReplayReceiver", "BadNsClearedBalanceReceiver"), NS_RECEIVERS_OK),
    "ccip-failure-isolation": (("BadNsCatchRevertReceiver", "BadNsNoRetryReceiver"), NS_RECEIVERS_OK),
    "ccip-failure-pause": (("BadNsNoPauseReceiver",), NS_RECEIVERS_OK),
    "oracle-unchecked-read": (("BadNsSequencerOnlyReader",), ("GoodNsSequencerAwareReader",)),
    "upkeep-blind-perform": (("BadNsUpkeep",), ("GoodNsUpkeep",)),
    "pause-coverage": (("BadNsPausable",), ("GoodNsPausable",) + NS_RECEIVERS_OK),
    "unguarded-config-setter": (("BadNsUnnamedSetter", "BadNsKeeperConfig"),
                                ("GoodNsConfig", "GoodNsUserState", "GoodNsCustomOwner", "GoodNsRoleMapAdmin",
                                 "GoodNsPausable") + NS_RECEIVERS_OK),
    "one-step-admin-rotation": (("BadNsCustomOwner", "BadNsStuckOwner", "BadNsRoleMapAdmin"),
                                ("GoodNsCustomOwner", "GoodNsRoleMapAdmin", "GoodNsConfig") + NS_RECEIVERS_OK),
    "cei-transfer-before-write": (("BadNsVault", "BadNsEthVault", "BadNsPayoutReceiver"),
                                  ("GoodNsVault", "GoodNsPausable") + NS_RECEIVERS_OK),
}


def _about(finding, contract: str) -> bool:
    return finding.contract == contract or re.search(rf"\b{contract}\b", finding.message) is not None


@pytest.mark.parametrize("detector", sorted(NS_CASES))
@pytest.mark.parametrize("side", ["bad", "good"])
def test_namespaced_storage(detector: str, side: str, fixture_analysis: Analysis) -> None:
    bad, good = NS_CASES[detector]
    findings = [f for f in fixture_analysis.custom if f.detector == detector]
    if side == "bad":
        missed = [c for c in bad if not any(_about(f, c) for f in findings)]
        assert not missed, f"{detector} missed {missed}"
    else:
        wrong = {c: [f.message for f in findings if _about(f, c)] for c in good}
        wrong = {c: m for c, m in wrong.items() if m}
        assert not wrong, f"{detector} flagged good {wrong}"
