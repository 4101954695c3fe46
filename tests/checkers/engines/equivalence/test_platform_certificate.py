"""`verify diff --base platform-v1` on the platform itself: the working tree (v2's open-interest caps, funding
clamp and keeper batch, v3's launch phases and bands) is certified selector by selector and exits 0; each bad
upgrade, as a mutant of it (`--mutant NAME`), exits 1 naming the variable or selector. Real forge + halmos runs: the base build is kept per
commit (.verify-cache/diff-base), the mutants are the session's cached builds."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from checkers import cli, toolchain
from checkers.certificate import deployable, external_selectors
from checkers.target import Target
from checkers.engines.upgrade import manifest

BASE = "platform-v1"


def _have_base() -> bool:
    probe = subprocess.run(["git", "rev-parse", "-q", "--verify", f"{BASE}^{{commit}}"], cwd=toolchain.REPO_ROOT,
                           capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _have_base(), reason=f"no {BASE} tag in this clone (./setup.sh creates it "
                                "from the release commit; a shallow clone lacks that commit)")


def diff(tmp: Path, *extra: str) -> tuple[int, dict]:
    out = tmp / "out"
    code = cli.main(["diff", "--base", BASE, "--out", str(out), "--no-progress", "--cache-dir", str(tmp / "cache"),
                     *extra])
    return code, json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def v2(tmp_path_factory) -> tuple[int, dict]:
    return diff(tmp_path_factory.mktemp("v2"), "--only", "UPG,EQV")


def test_v2_is_certified_with_every_selector_listed(v2) -> None:
    code, results = v2
    certificate = results["diff"]["certificate"]
    assert code == 0, results["diff"]["lines"]
    listed = {(row["contract"], row["signature"]) for row in certificate}
    assert len(listed) == len(certificate)  # one row per selector
    expected = {(name, s.signature) for name, art in deployable(Target(toolchain.PLATFORM_PROJECT)).items()
                for s in external_selectors(art)}
    assert expected <= listed
    statuses = {row["status"] for row in certificate}
    assert statuses == {"unchanged", "compared", "declared", "added"}
    declared = {(c, s) for (c, s) in manifest.load(toolchain.PLATFORM_PROJECT)}
    assert {(r["contract"], r["signature"]) for r in certificate if r["status"] == "declared"} == declared
    compared = [r for r in certificate if r["status"] == "compared"]
    assert compared and all(r["verdict"] == "HOLDS_BOUNDED" for r in compared), \
        [r for r in compared if r["verdict"] != "HOLDS_BOUNDED"]
    rows = {(r["contract"], r["signature"]): r for r in certificate}
    # the oracle's report path, which the solver does not finish in 900 s, runs the same code, moved
    report = rows[("DataStreamOracle", "updatePriceFromReport(bytes32,bytes)")]
    assert report["status"] == "unchanged" and "labels moved" in report["detail"], report
    moved = [r for r in certificate if r["status"] == "unchanged" and "labels moved" in r["detail"]]
    assert len(moved) > 100
    assert {r["signature"] for r in certificate if r["status"] == "added"} >= {
        "setOpenInterestCap(uint256,uint256)", "setMaxFundingRate(int256)", "setMaxBatch(uint256)",
        "setLaunchControl(address)", "setForwarder(address)", "advancePhase(uint8)"}


@pytest.mark.parametrize("mutant, needle", [
    ("M21_StorageSlotInserted", "_upgradeFlags inserted before it"),
    ("M26_NamespaceIdChanged", "erc7201:ccperp.storage.LiquidationEngine"),
    ("M27_InitializerUnguarded", "DataStreamOracle.initialize has no initializer"),
    ("M28_UpgradeUnrestricted", "_authorizeUpgrade has no access restriction"),
    ("M22_SelectorRemoved", "observationCount(bytes32)"),
], ids=["variable-inserted-in-namespace", "namespace-id-changed", "initializer-unguarded", "anyone-upgrades",
        "selector-removed"])
def test_each_structural_bad_upgrade_fails_naming_what(mutant_builds, tmp_path, mutant, needle) -> None:
    code, results = diff(tmp_path, "--mutant", mutant, "--only", "UPG")
    assert code == 1
    violated = [f for f in results["findings"] if f["verdict"] == "VIOLATED"]
    assert violated
    assert needle in json.dumps(results["diff"]["lines"]) + json.dumps([f["summary"] for f in violated])


def test_a_silent_liquidation_change_is_caught_with_a_replay(mutant_builds, tmp_path) -> None:
    """M01: isLiquidatable uses <= (a health factor of exactly 1 becomes liquidatable), in a function v2 did not
    declare as changed: the certificate compares PerpetualTrading.isLiquidatable and finds the input."""
    selector = "EQV-PerpetualTrading.isLiquidatable(uint256)"
    code, results = diff(tmp_path, "--mutant", "M01_LiquidationLessOrEqual", "--only", f"UPG,{selector}")
    assert code == 1
    row = next(r for r in results["diff"]["certificate"]
               if (r["contract"], r["signature"]) == ("PerpetualTrading", "isLiquidatable(uint256)"))
    assert row["verdict"] == "VIOLATED", row
    found = next(f for f in results["findings"] if f["spec_id"] == selector)
    assert found["evidence"]["counterexample"]["inputs"]
    assert "replay reproduced: return data differs" in found["summary"]
    # the other compared selectors are listed as not compared in this narrowed run, never as certified
    skipped = [r for r in results["diff"]["certificate"] if r["status"] == "compared" and r["spec"] != selector]
    assert skipped and all(r["verdict"] == "SKIPPED" and "outside --only" in r["detail"] for r in skipped)
