"""A mutation campaign on a copy of the tiny project with one forge test: who kills which mutant is known in advance.

- spec FIX-01 ("reset zeroes the counter") is checked by a source-reading engine: VIOLATED when `count = 0;` is
  gone from src/Counter.sol, so it kills the reset mutants and nothing else;
- test/Counter.t.sol checks `increment`, so forge kills the increment mutants (a failing test, or tests that no
  longer compile when increment stops being external) and none of the reset ones;
- the two FHR mutants of reset survive both; one is triaged as equivalent and leaves the denominators.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from verify_fixtures import spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli, engines
from checkers.base import Availability, Checker, Finding, Verdict
from checkers.catalogue import validate_declarations

COUNTER_TEST = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Counter} from "../src/Counter.sol";

contract CounterTest {
    Counter internal c;

    function setUp() public {
        c = new Counter();
    }

    function test_increment() public {
        c.increment();
        require(c.count() == 1, "increment adds one");
    }
}
"""


class SourceChecker(Checker):
    """FIX-01: reset must zero the counter (read from the target's source)."""

    NAME = "srcfake"
    DESCRIPTION = "test engine reading src/Counter.sol"

    def available(self) -> Availability:
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return frozenset({"FIX-01"})

    def check(self, spec, target, timeout_s):
        lines = (target.root / "src" / "Counter.sol").read_text().splitlines()
        ok = any(line.strip() == "count = 0;" for line in lines)
        return [Finding(spec.id, self.NAME, Verdict.PROVED if ok else Verdict.VIOLATED,
                        "reset zeroes" if ok else "reset leaves the count", target=target.label)]


@pytest.fixture
def project(tmp_path, tiny_built, monkeypatch) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(tiny_built, root, symlinks=True)
    (root / "test").mkdir()
    (root / "test" / "Counter.t.sol").write_text(COUNTER_TEST)
    monkeypatch.setitem(engines.ENGINES, "srcfake", f"{__name__}:SourceChecker")
    monkeypatch.setattr(cli, "load_specs",
                        lambda: validate_declarations((spec("FIX-01", ("Counter",), engines_=("srcfake",)),), {}))
    return root


def test_campaign_kill_matrix(project: Path, tmp_path: Path, capsys) -> None:
    (project / "mutants").mkdir()
    (project / "mutants" / "equivalent.toml").write_text(
        '[equivalent]\n"Counter-FHR-L12-61650a8d" = "reset is never called internally: private vs internal alike"\n'
        '"Counter-ROR-L1-00000000" = "a mutant the generator no longer makes"\n')
    out = tmp_path / "out"
    argv = ["mutate", "--platform", str(project), "--cache-dir", str(tmp_path / "cache" / "results"), "--out",
            str(out), "--no-progress", "--timeout", "20", "--files", "Counter", "--operators", "CR,RR,FHR",
            "--sample", "50", "--seed", "5"]
    assert cli.main(argv) == 0
    stdout = capsys.readouterr().out
    assert "seed 5" in stdout and "stratified round-robin" in stdout and "slither-mutate" in stdout
    data = json.loads((out / "mutation.json").read_text())
    runs = {m["id"]: m for m in data["mutants"]}
    expected = {  # id: (status, toolkit killed, forge status)
        "Counter-CR-L13-db04a770": ("evaluated", True, "pass"),
        "Counter-RR-L13-2427eec4": ("evaluated", True, "pass"),
        "Counter-CR-L9-62b64515": ("evaluated", False, "fail"),
        "Counter-RR-L9-fd16348c": ("evaluated", False, "fail"),
        "Counter-FHR-L8-d5bf0870": ("evaluated", False, "build-error"),
        "Counter-FHR-L8-d9f1ff81": ("evaluated", False, "build-error"),
        "Counter-FHR-L12-8ddea728": ("evaluated", False, "pass"),
        "Counter-FHR-L12-61650a8d": ("equivalent", False, None),
    }
    assert set(runs) == set(expected)
    for mutant_id, (status, toolkit, forge) in expected.items():
        run = runs[mutant_id]
        assert run["status"] == status, mutant_id
        assert run["toolkit"]["killed"] == toolkit, mutant_id
        assert (run["forge"] or {}).get("status") == forge, mutant_id
        if toolkit:
            assert run["toolkit"]["by"] == ["FIX-01/srcfake"]
    assert runs["Counter-CR-L9-62b64515"]["forge"]["failed"] == ["CounterTest.test_increment"]
    s = data["summary"]
    assert (s["evaluated"], s["equivalent"], s["toolkit_killed"], s["forge_killed"]) == (7, 1, 2, 4)
    assert data["survivors"] == ["Counter-FHR-L12-8ddea728"]
    assert data["equivalent_stale"] == ["Counter-ROR-L1-00000000"]
    assert data["per_operator"]["FHR"] == {**data["per_operator"]["FHR"], "evaluated": 3, "forge_killed": 2,
                                           "toolkit_killed": 0, "equivalent": 1}
    assert data["seed"] == 5 and data["generator"].startswith("slither-mutate")
    assert "optimizer off" in data["builds"]  # both judges saw the reference's unoptimized bytecode
    assert (out / "mutants" / "Counter-CR-L9-62b64515.diff").read_text().startswith("--- a/src/Counter.sol")
    markdown = (out / "mutation.md").read_text()
    assert "| FHR | 3 |" in markdown and "src/Counter.sol:12 FHR" in markdown


def test_precheck_rejects_what_forge_would(project: Path) -> None:
    from checkers.mutate.precheck import type_check

    vault = (project / "src" / "Vault.sol").read_text()
    variants = [("bad", "src/Vault.sol", vault.replace("function deposit() external payable",
                                                       "function deposit() private payable")),
                ("good", "src/Vault.sol", vault.replace("totalDeposits += msg.value", "totalDeposits -= msg.value"))]
    verdicts = type_check(project, variants)
    assert verdicts is not None and verdicts["good"] is None
    assert "payable" in verdicts["bad"]


def test_bad_options_are_one_line_errors(project: Path, tmp_path: Path, capsys) -> None:
    base = ["mutate", "--platform", str(project), "--cache-dir", str(tmp_path / "c" / "results"), "--no-progress",
            "--out", str(tmp_path / "o")]
    assert cli.main([*base, "--operators", "XYZ"]) == 2
    assert "unknown operator XYZ" in capsys.readouterr().err
    assert cli.main([*base, "--sample", "0"]) == 2
    assert cli.main([*base, "--no-specs", "--no-forge"]) == 2
    assert cli.main([*base, "--files", "Nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("verify: error: ") for line in err)


def _two_tier_check(tmp_path: Path, monkeypatch, tiny_built, first_kill: bool):
    """FIX-01 and FIX-03 on engines fake (first) and fake2 (next tier): fake kills FIX-01 and proves FIX-03.
    Returns the results and the (engine, spec, target) calls made."""
    import fake_engine

    from checkers.config import Config
    from checkers.mutate.campaign import _check_mutant
    from checkers.target import Target

    monkeypatch.setitem(engines.ENGINES, "fake", "fake_engine:FakeChecker")
    monkeypatch.setitem(engines.ENGINES, "fake2", "fake_engine:OtherChecker")
    monkeypatch.setattr(fake_engine, "BEHAVIOUR", {"FIX-01": "violated_on_mutant", "FIX-03": "proved"})
    log = tmp_path / "calls.log"
    monkeypatch.setenv(fake_engine.LOG_ENV, str(log))
    specs = [spec("FIX-01", ("Counter",), engines_=("fake", "fake2")),
             spec("FIX-03", ("Counter",), engines_=("fake", "fake2"))]
    config = Config(cache=False, jobs=1, timeout=5, out=tmp_path / "out", cache_dir=tmp_path / "cache")
    results = _check_mutant(Target(root=tiny_built, label="m1"), specs, config, (), first_kill=first_kill)
    return results, sorted(log.read_text().splitlines())


def test_slower_engines_only_run_where_the_spec_has_not_killed(tmp_path: Path, monkeypatch, tiny_built) -> None:
    """FIX-01: fake finds the violation, so fake2 is not asked; FIX-03: fake proves, so fake2 runs too."""
    results, calls = _two_tier_check(tmp_path, monkeypatch, tiny_built, first_kill=False)
    assert calls == ["fake FIX-01 m1", "fake FIX-03 m1", "fake2 FIX-03 m1"]
    assert [(r.finding.spec_id, r.finding.engine) for r in results] == [("FIX-01", "fake"), ("FIX-03", "fake"),
                                                                        ("FIX-03", "fake2")]


def test_first_kill_stops_the_specs_after_the_tier_that_killed(tmp_path: Path, monkeypatch, tiny_built) -> None:
    """FIX-01 is killed by fake (the first tier): with first_kill, FIX-03 is not shown to fake2 (the next tier)."""
    _, calls = _two_tier_check(tmp_path, monkeypatch, tiny_built, first_kill=True)
    assert calls == ["fake FIX-01 m1", "fake FIX-03 m1"]


def test_forge_suite_leaves_out_the_toolkit_harnesses(project: Path) -> None:
    """test/symbolic and test/integrity belong to the engines: a failing test there is not a forge kill."""
    from checkers.mutate.workspace import forge_suite

    failing = COUNTER_TEST.replace("contract CounterTest", "contract {name}").replace('== 1, "', '== 2, "')
    for folder, name in (("symbolic", "SymbolicHarness"), ("integrity", "IntegrityHarness")):
        (project / "test" / folder).mkdir()
        (project / "test" / folder / f"{name}.t.sol").write_text(
            failing.replace("{name}", name).replace("../src/", "../../src/"))
    outcome = forge_suite(project)
    assert (outcome.status, outcome.tests) == ("pass", 1), outcome


def test_reference_copy_switches_the_optimizer_off_for_every_profile(tmp_path: Path) -> None:
    from checkers import toolchain
    from checkers.mutate.workspace import set_optimizer

    toml = tmp_path / "foundry.toml"
    shutil.copy(toolchain.PLATFORM_PROJECT / "foundry.toml", toml)
    set_optimizer(toml, False)
    import tomllib

    profiles = tomllib.loads(toml.read_text())["profile"]
    assert profiles["default"]["optimizer"] is False
    assert "optimizer" not in profiles["manticore"]  # inherits the default profile's
    toml.write_text('[profile.default]\nsrc = "src"\n\n[fuzz]\nruns = 1\n')
    set_optimizer(toml, False)
    assert tomllib.loads(toml.read_text())["profile"]["default"]["optimizer"] is False
    toml.write_text("[fuzz]\nruns = 1\n")
    with pytest.raises(ValueError, match="no \\[profile.default\\]"):
        set_optimizer(toml, False)
