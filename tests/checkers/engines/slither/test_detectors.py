"""Each detector flags its bad fixture contracts and stays quiet on the good ones."""
from __future__ import annotations

import re

import pytest

from checkers.engines.slither.detectors import CUSTOM_DETECTORS, by_spec
from checkers.engines.slither.engine import Analysis

RECEIVERS_OK = ("GoodReceiver", "GoodDefensiveReceiver")
CASES = {
    "ccip-router-only": (("BadRouterReceiver", "BadBackdoorReceiver"), RECEIVERS_OK),
    "ccip-sender-allowlist": (("BadSenderReceiver", "BadOrderReceiver"), RECEIVERS_OK),
    "ccip-replay-guard": (("BadReplayReceiver", "BadPayloadKeyReceiver", "BadCustomEntryReceiver",
                           "BadCapOnlyReceiver", "BadAbstractReplayReceiver",
                           "BadClearedBalanceReceiver"),
                          RECEIVERS_OK + ("GoodPayloadKeyReceiver", "GoodCustomEntryReceiver")),
    "ccip-failure-isolation": (("BadRevertReceiver", "BadCatchRevertReceiver"), RECEIVERS_OK),
    "ccip-failure-pause": (("BadNoPauseReceiver",), RECEIVERS_OK),
    "oracle-unchecked-read": (("BadFeedNoStaleness", "BadFeedNoAnswerCheck", "BadStreamReader",
                               "BadLatestAnswerReader", "BadRoundDataReader", "UncheckedPriceLib",
                               "BadStreamTupleReader", "BadSequencerOnlyReader"),
                              ("GoodFeedReader", "GoodStreamReader", "GoodLatestAnswerReader",
                               "GoodSequencerAwareReader", "CheckedPriceLib", "RawRoundLib", "GoodLibraryCaller",
                               "GoodStreamTupleReader")),
    "upkeep-blind-perform": (("BadUpkeep",), ("GoodUpkeep",)),
    "pause-coverage": (("BadPausable",), ("GoodPausable",) + RECEIVERS_OK),
    "unguarded-config-setter": (("BadConfig", "BadUnnamedSetter"),
                                ("GoodConfig", "GoodOwned", "GoodUserState", "GoodRecords") + RECEIVERS_OK),
    "one-step-admin-rotation": (("BadOneStepOwned", "BadPlainAccessControl", "BadCustomOwner", "BadImmutableOwner",
                                 "BadRoleMapAdmin"),
                                ("GoodOwned", "GoodConfig", "GoodCustomOwner", "GoodRoleMapAdmin") + RECEIVERS_OK),
    "cei-transfer-before-write": (("BadVault", "BadEthVault", "BadPayoutReceiver"),
                                  ("GoodVault", "GoodPausable") + RECEIVERS_OK),
}


def _about(finding, contract: str) -> bool:
    return finding.contract == contract or re.search(rf"\b{contract}\b", finding.message) is not None


def test_every_detector_has_cases_and_at_least_eight() -> None:
    assert len(CUSTOM_DETECTORS) >= 8
    assert {d.ARGUMENT for d in CUSTOM_DETECTORS} == set(CASES)


def test_every_detector_is_bound_to_a_spec() -> None:
    assert all(d.SPEC_IDS for d in CUSTOM_DETECTORS)
    assert set(by_spec()) == {"CCIP-01", "CCIP-02", "CCIP-03", "CCIP-04", "CCIP-05", "ORCL-10", "AUTO-01",
                              "PAUSE-01", "ACC-01", "ACC-02", "CEI-01"}


@pytest.mark.parametrize("detector", sorted(CASES))
def test_flags_bad_and_not_good(detector: str, fixture_analysis: Analysis) -> None:
    bad, good = CASES[detector]
    findings = [f for f in fixture_analysis.custom if f.detector == detector]
    for contract in bad:
        assert any(_about(f, contract) for f in findings), f"{detector} missed {contract}"
    for contract in good:
        wrong = [f.message for f in findings if _about(f, contract)]
        assert not wrong, f"{detector} flagged good {contract}: {wrong}"
    for contract in bad + good:
        assert contract in fixture_analysis.examined[detector] or detector == "cei-transfer-before-write"


def test_findings_carry_file_line_contract_function(fixture_analysis: Analysis) -> None:
    finding = next(f for f in fixture_analysis.custom  # the plain fixture's (src/namespaced/ has its own)
                   if f.detector == "upkeep-blind-perform" and not f.file.startswith("src/namespaced/"))
    assert (finding.file, finding.contract, finding.function) == ("src/automation/Upkeeps.sol", "BadUpkeep",
                                                                  "performUpkeep")
    assert finding.line == 48


def test_natspec_exemptions_are_reported(fixture_analysis: Analysis) -> None:
    assert fixture_analysis.exempt["GoodPausable.emergencyWithdraw"].startswith("users must be able to leave")
