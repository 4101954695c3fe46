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


def test_findings_name_the_namespaced_member(fixture_analysis: Analysis) -> None:
    """Namespaced storage is reported under a stable `<Struct>.<member>` name."""
    messages = {f.message.split(": ", 1)[-1] for f in fixture_analysis.custom}
    for expected in ("BadNsVault.withdraw writes VaultStorage.balances after safeTransfer",
                     "BadNsEthVault.withdraw writes EthVaultStorage.balances after call{value}",
                     "BadNsCustomOwner.setOwner sets OwnerStorage.owner from an argument in one step",
                     "BadNsStuckOwner.AdminStorage.admin can never be rotated",
                     "(writes PoolStorage.weights)",
                     "(feed OracleStorage.feed)"):
        assert any(expected in m for m in messages), expected


def test_plain_storage_is_what_slither_lists(fixture_analysis: Analysis) -> None:
    """Without a namespace, the storage helpers the rules use return Slither's own state-variable view."""
    from checkers.engines.slither import storage

    units = fixture_analysis._slither.compilation_units
    plain = [c for u in units for c in u.contracts if not storage.namespaced_structs(c)]
    assert len(plain) > 50
    for c in plain:
        assert [v.name for v in storage.variables(c)] == [v.name for v in c.state_variables], c.name
        for f in c.functions:
            assert storage.written(f) == {v.name for v in f.all_state_variables_written()}, f.canonical_name
            assert storage.accessor_struct(f) is None, f.canonical_name  # StorageSlot's helpers are no namespace
            assert storage.read(f) == {v.name for v in f.all_state_variables_read()}, f.canonical_name


def test_namespaces_are_recognised(fixture_analysis: Analysis) -> None:
    from checkers.engines.slither import storage

    contracts = {c.name: c for u in fixture_analysis._slither.compilation_units for c in u.contracts}
    receiver = contracts["GoodNsReceiver"]
    names = {s.name for s in storage.variables(receiver) if isinstance(s, storage.Slot)}
    assert {"ReceiverStorage.processed", "PausableStorage._paused"} <= names  # the project's and OpenZeppelin's
    assert "ReceiverStorage.processed" in storage.mapping_names(receiver)
    [accessor] = [f for f in receiver.functions if f.name == "_s"]
    assert storage.namespace_id(storage.accessor_struct(accessor)) == "fixture.storage.Receiver"
    eth = contracts["BadNsEthVault"]  # unannotated struct bound by assembly in the function itself
    assert [s.name for s in storage.variables(eth)] == ["SLOT", "EthVaultStorage.balances"]  # its constant too
    [withdraw] = [f for f in eth.functions if f.name == "withdraw"]
    assert storage.written(withdraw) == {"EthVaultStorage.balances"}  # not SLOT (Slither lists it as written)
    assert "EthVaultStorage.balances" in storage.read(withdraw)
