"""Upgrade safety (docs/verify.md, Upgrades): a new version keeps the storage layout and the external selectors.

Both are checked by the "upgrade" engine against contracts/upgrade-baseline.json (written by `verify baseline`
from the released platform), and by `verify diff --base REF` against the platform at a git ref.
"""
from __future__ import annotations

from checkers.base import Severity, Spec

SPECS = (
    Spec(
        id="UPG-01",
        title="Storage layout is append-only against the committed baseline",
        rationale=(
            "Behind a proxy, the new implementation reads the old contract's storage slots. A variable inserted "
            "before existing ones, removed or retyped makes every later slot mean something else (the Audius "
            "2022 governance takeover and the Parity wallet incidents came from storage collisions). Every "
            "baseline variable must keep its label, slot, offset and type; struct members may only be appended."
        ),
        severity=Severity.CRITICAL,
        category="upgrade",
        contracts=(),  # every contract in the baseline; the cache hashes the whole src/ tree
        engines=("upgrade",),
        mutants=("M21_StorageSlotInserted", "M26_NamespaceIdChanged"),
        platform_only="compares with the platform's released contracts/upgrade-baseline.json (verify baseline)",
    ),
    Spec(
        id="UPG-02",
        title="External function selectors are kept across an upgrade",
        rationale=(
            "Keepers (Chainlink Automation performUpkeep), the CCIP router (ccipReceive) and integrators call the "
            "platform by selector: removing or renaming an external function silently breaks them after the "
            "upgrade. Every selector in the baseline ABI must still be present."
        ),
        severity=Severity.HIGH,
        category="upgrade",
        contracts=(),
        engines=("upgrade",),
        mutants=("M22_SelectorRemoved",),
        platform_only="compares with the platform's released contracts/upgrade-baseline.json (verify baseline)",
    ),
    Spec(
        id="UPG-03",
        title="Upgradeable implementations are initialised once, upgraded only by the admin, and read their ERC-7201 slots",
        rationale=(
            "An implementation left initialisable (Parity's library wallet, 2017: initialised by a stranger, then "
            "self-destructed, $150M frozen), an initializer callable twice, an `_authorizeUpgrade` without an "
            "access check (anyone swaps in their own code), a namespace annotation that does not match the slot "
            "the code reads, and a proxy function whose selector shadows one of the implementation: each turns an "
            "upgrade path into a takeover. OpenZeppelin upgrades-core and slither-check-upgradeability check these."
        ),
        severity=Severity.CRITICAL,
        category="upgrade",
        contracts=(),
        engines=("upgrade",),
        mutants=("M27_InitializerUnguarded", "M28_UpgradeUnrestricted"),
        generic=True,
    ),
)
