"""`verify diff --project` on a UUPS fixture (tests/fixtures/upgrade_project): the certificate certifies a
refactor, catches a one-input behaviour change with a replay that reproduces it, accepts a declared change, and
each bad upgrade fails naming the selector or variable. Real forge + halmos runs (about 20 s each)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from checkers import cli
from checkers.diff_base import BASE_CACHE

FIXTURE = Path(__file__).parents[3] / "fixtures" / "upgrade_project"
BOOK = "src/Book.sol"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The fixture as a git repository whose HEAD is version 1."""
    repo = tmp_path_factory.mktemp("upgrade") / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / ".gitignore").write_text("out/\ncache/\n")
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    return repo


def diff(repo: Path, tmp_path: Path, edits: list[tuple[str, str]], manifest: str | None = None) -> tuple[int, dict]:
    """Apply `edits` (old, new) to Book.sol in a copy of the released repository and run verify diff."""
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    book = work / BOOK
    text = book.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    book.write_text(text)
    if manifest is not None:
        (work / "upgrade-manifest.toml").write_text(manifest)
    out = tmp_path / "out"
    # --only UPG,EQV: the upgrade specs and the certificate's comparisons (the fixture is about upgrades; its admin, set once by
    # initialize, is never rotatable, which ACC-02 reports)
    code = cli.main(["diff", "--base", "HEAD", "--project", str(work), "--out", str(out), "--no-progress",
                     "--only", "UPG,EQV", "--cache-dir", str(tmp_path / "cache")])
    return code, json.loads((out / "results.json").read_text())


def rows(results: dict) -> dict[str, dict]:
    return {row["signature"]: row for row in results["diff"]["certificate"]}


def finding(results: dict, spec: str) -> dict:
    return next(f for f in results["findings"] if f["spec_id"] == spec)


REFACTOR = [
    ("(uint256 price, uint256 updatedAt) = _s().feed.latest();\n        if (block.timestamp - updatedAt >= 60) revert Stale();\n        return _s().collateral[trader] * price / 1e8;",
     "BookStorage storage $ = _s();\n        uint256 held = $.collateral[trader];\n        (uint256 price, uint256 updatedAt) = $.feed.latest();\n        if (!(block.timestamp - updatedAt < 60)) revert Stale();\n        return held * price / 1e8;"),
    ("$.collateral[msg.sender] += amount;\n        $.total += amount;",
     "uint256 total = $.total + amount;\n        $.collateral[msg.sender] = $.collateral[msg.sender] + amount;\n        $.total = total;"),
]


def test_a_refactor_is_certified_equivalent_selector_by_selector(released, tmp_path) -> None:
    code, results = diff(released, tmp_path, REFACTOR)
    assert code == 0
    table = rows(results)
    assert set(table) >= {"deposit(uint256)", "value(address)", "liquidatable(uint256)", "collateralOf(address)",
                          "initialize(address,address)", "upgradeToAndCall(address,bytes)"}
    for signature in ("deposit(uint256)", "value(address)"):
        assert table[signature]["status"] == "compared"
        assert table[signature]["verdict"] == "HOLDS_BOUNDED", table[signature]
    assert "equivalent on all" in table["deposit(uint256)"]["detail"]
    # the functions the refactor did not touch: same code, labels moved (the relocation argument, no solver)
    for signature in ("liquidatable(uint256)", "collateralOf(address)"):
        assert table[signature]["status"] == "unchanged" and "labels moved" in table[signature]["detail"], \
            table[signature]


def test_a_changed_comparison_is_caught_with_a_replay_that_reproduces_it(released, tmp_path) -> None:
    code, results = diff(released, tmp_path, [("return healthFactor < 1e18;", "return healthFactor <= 1e18;")])
    assert code == 1
    row = rows(results)["liquidatable(uint256)"]
    assert row["verdict"] == "VIOLATED"
    found = finding(results, "EQV-Book.liquidatable(uint256)")
    assert found["evidence"]["counterexample"]["inputs"]["arg0"] == str(10**18)
    assert "replay reproduced: return data differs" in found["summary"]
    replay = Path(found["evidence"]["replay_test"].replace("<out>", str(tmp_path / "out")))
    assert replay.is_file() and "test_new_against_base" in replay.read_text()
    # the other functions run the same code, moved: certified without the solver
    deposit = rows(results)["deposit(uint256)"]
    assert deposit["status"] == "unchanged" and "labels moved" in deposit["detail"], deposit
    out = tmp_path / "out"
    markdown = (out / "report.md").read_text()
    assert "### Upgrade certificate" in markdown and "| Book | `liquidatable(uint256)` | `0x" in markdown
    assert "VIOLATED" in markdown.split("### Upgrade certificate")[1]
    junit = (out / "junit.xml").read_text()
    suite = junit.split("verify.certificate.HEAD")[1]
    assert 'name="Book.liquidatable(uint256)"' in suite and '<failure message="compared: not equivalent' in suite
    assert "Upgrade certificate" in (out / "report.html").read_text()


def test_a_declared_change_is_not_compared(released, tmp_path) -> None:
    manifest = '[[changed]]\nfunction = "Book.liquidatable(uint256)"\nreason = "a health factor of exactly 1 is liquidatable"\n'
    code, results = diff(released, tmp_path, [("return healthFactor < 1e18;", "return healthFactor <= 1e18;")],
                         manifest)
    assert code == 0
    row = rows(results)["liquidatable(uint256)"]
    assert row["status"] == "declared" and "exactly 1" in row["detail"]


def test_a_silent_event_change_is_caught(released, tmp_path) -> None:
    code, results = diff(released, tmp_path, [("emit Deposited(msg.sender, amount);", "emit Deposited(msg.sender, $.total);")])
    assert code == 1
    assert rows(results)["deposit(uint256)"]["verdict"] == "VIOLATED"
    # the difference needs a non-zero total: the replay starts from the solver's storage, so it reproduces
    assert "replay reproduced: events differ" in finding(results, "EQV-Book.deposit(uint256)")["summary"]


@pytest.mark.parametrize("edits, needle", [
    ([("address admin;\n", "address admin;\n        uint256 fee;\n")], "fee inserted before it"),
    ([("erc7201:fixture.storage.Book", "erc7201:fixture.storage.BookV2"),
      ("0xf2663867af2a669b17a6819a7763c98814365b6a2303c92320e82d581fd9db00",
       "0x2c1e9b0d7d1dbf3cfd2ea3c2e8e1b8f8d3d7b1e1b0a0b5c6c7e8f9d0c1b2a300")], "erc7201:fixture.storage.Book"),
    ([("external initializer {", "external {")], "Book.initialize has no initializer"),
    ([("if (msg.sender != _s().admin) revert NotAdmin();", "")], "_authorizeUpgrade has no access restriction"),
    ([("    function collateralOf(address trader) external view returns (uint256) {\n        return _s().collateral[trader];\n    }\n", "")],
     "collateralOf(address) (0x1aefb107) was removed"),
], ids=["variable-inserted-in-namespace", "namespace-id-changed", "initializer-unguarded", "anyone-upgrades",
        "selector-removed"])
def test_each_bad_upgrade_fails_naming_what(released, tmp_path, edits, needle) -> None:
    code, results = diff(released, tmp_path, edits)
    assert code == 1
    text = json.dumps(results["diff"]) + json.dumps([f["summary"] + json.dumps(f["evidence"]) for f in results["findings"]
                                                     if f["verdict"] == "VIOLATED"])
    assert needle in text


def test_the_base_build_is_reused_and_no_temp_folder_is_left(released, tmp_path, capsys) -> None:
    diff(released, tmp_path / "first", [])
    capsys.readouterr()
    before = sorted(p.name for p in Path("/tmp").glob("verify-diff-*"))
    code, _ = diff(released, tmp_path / "second", [])
    assert code == 0
    err = capsys.readouterr().err
    assert "reusing the build" in err and "extracting and building" not in err
    assert sorted(p.name for p in Path("/tmp").glob("verify-diff-*")) == before
    assert not list(BASE_CACHE.glob("*.partial"))
