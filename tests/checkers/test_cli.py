"""The `verify` command: every subcommand, every exit code, and bad input as one line without a traceback."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import fake_engine
import pytest
from verify_fixtures import env, one_line_error, spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli, toolchain
from checkers.mutants import Mutant
from checkers.target import Target


def test_all_passes_with_exit_0_and_writes_every_report(env, capsys) -> None:
    assert cli.main(env.argv("all")) == 0
    out = capsys.readouterr().out
    assert "FIX-01" in out and "exit code 0" in out
    assert sorted(p.name for p in env.out.iterdir()) == ["junit.xml", "report.html", "report.md", "results.json",
                                                         "results.sarif"]


@pytest.mark.parametrize("behaviour, strict, code", [
    ("violated", "--strict", 1), ("violated", "--no-strict", 1), ("unknown", "--strict", 3),
    ("unknown", "--no-strict", 0), ("crash", "--strict", 3), ("error_cx", "--strict", 3), ("bounded", "--strict", 0),
])
def test_exit_codes(env, behaviour, strict, code) -> None:
    fake_engine.BEHAVIOUR["FIX-02"] = behaviour
    assert cli.main([*env.argv("all"), strict]) == code
    assert json.loads((env.out / "results.json").read_text())["exit_code"] == code


def test_accepted_risk_passes(env, capsys) -> None:
    fake_engine.BEHAVIOUR["FIX-02"] = "violated"
    env.set_specs([spec("FIX-02", ("Vault",), accepted_risk="covered by the insurance fund")])
    assert cli.main(env.argv("all")) == 0
    assert "ACCEPTED_RISK" in capsys.readouterr().out


def test_every_check_skipped_fails_strict_only(env) -> None:
    env.set_specs([spec("FIX-01", engines_=("offline",))])
    assert cli.main(env.argv("all")) == 3
    assert cli.main([*env.argv("all"), "--no-strict"]) == 0


def test_check_runs_only_the_named_specs(env) -> None:
    assert cli.main(env.argv("check", "FIX-02")) == 0
    assert env.ran() == ["fake FIX-02 platform"]


def test_engines_and_only_filters(env) -> None:
    assert cli.main([*env.argv("all"), "--engines", "fake2"]) == 0
    assert env.ran() == ["fake2 FIX-03 platform"]
    assert cli.main([*env.argv("all"), "--only", "FIX-01", "--no-cache"]) == 0
    assert env.ran()[-1] == "fake FIX-01 platform" and len(env.ran()) == 2


def test_an_only_token_that_names_nothing_is_an_error(env, capsys) -> None:
    # beside a token that matches, a typo must not be dropped silently (the run would check less than asked)
    assert cli.main([*env.argv("all"), "--only", "FIX-01,FIX-9"]) == 2
    assert "--only FIX-9: names no spec id, id prefix or category" in capsys.readouterr().err
    assert env.ran() == []
    assert cli.main([*env.argv("list"), "--only", "BOGUS"]) == 2


def test_list_shows_the_catalogue(env, capsys) -> None:
    assert cli.main(env.argv("list")) == 0
    out = capsys.readouterr().out
    assert all(i in out for i in ("FIX-01", "FIX-02", "FIX-03")) and "fake2" in out


def test_report_rerenders_from_last_results(env, capsys) -> None:
    fake_engine.BEHAVIOUR["FIX-01"] = "violated"
    assert cli.main(env.argv("all")) == 1
    (env.out / "report.html").unlink()
    calls = len(env.ran())
    assert cli.main([*env.argv("report"), "--format", "html"]) == 1
    assert (env.out / "report.html").exists() and len(env.ran()) == calls


def test_project_runs_generic_specs_only(env, capsys) -> None:
    env.set_specs([spec("FIX-01"), spec("FIX-02", ("Vault",), generic=True)])
    assert cli.main([*env.argv("all"), "--project", str(env.root)]) == 0
    assert env.ran() == [f"fake FIX-02 {env.root.name}"]


def test_mutants_kill_matrix(env, monkeypatch, capsys, tmp_path) -> None:
    fake_engine.BEHAVIOUR.update({"FIX-01": "violated_on_mutant", "FIX-02": "proved"})
    env.set_specs([spec("FIX-01"), spec("FIX-02", ("Vault",))])
    killed = Mutant("MX_Killed", tmp_path / "a.sol", "src/Counter.sol", ("FIX-01",), "counter off by one")
    survivor = Mutant("MX_Survives", tmp_path / "b.sol", "src/Vault.sol", ("FIX-02",), "vault skips a check")
    monkeypatch.setattr("checkers.mutants.load_mutants", lambda: {m.name: m for m in (killed, survivor)})
    monkeypatch.setattr("checkers.runner.build_mutants",
                        lambda ms, jobs: {m.name: Target(env.root, label=m.name) for m in ms})
    # The fake mutants share the platform's bytes (so its cache keys): run uncached.
    assert cli.main([*env.argv("mutants"), "--no-cache"]) == 3, "a surviving mutant makes the spec VACUOUS"
    out = capsys.readouterr().out
    assert "MX_Killed" in out and "survived" in out
    data = json.loads((env.out / "results.json").read_text())
    assert {m["name"]: m["killed"] for m in data["mutants"]} == {"MX_Killed": True, "MX_Survives": False}
    assert {s["spec_id"]: s["verdict"] for s in data["spec_results"]}["FIX-02"] == "VACUOUS"
    fake_engine.BEHAVIOUR["FIX-02"] = "violated_on_mutant"
    assert cli.main([*env.argv("mutants"), "--no-cache"]) == 0


# ---- bad input: one line, documented exit code ---------------------------------------------------------
def test_unknown_spec_id(env, capsys) -> None:
    assert cli.main(env.argv("check", "NOPE-99")) == 2
    assert "unknown spec id NOPE-99" in one_line_error(capsys)


def test_missing_project(env, capsys, tmp_path) -> None:
    assert cli.main([*env.argv("all"), "--project", str(tmp_path / "nowhere")]) == 2
    assert "not a Foundry project" in one_line_error(capsys)


def test_solidity_compile_error(env, capsys) -> None:
    (env.root / "src" / "Counter.sol").write_text("pragma solidity 0.8.24;\ncontract Counter { uint x = ; }\n")
    assert cli.main(env.argv("all")) == 2
    message = one_line_error(capsys)
    assert "Solidity build failed: src/Counter.sol:2: Error (6933): Expected primary expression" in message, message


def test_broken_config(env, capsys, tmp_path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.verify]\ntimeout = 'soon'\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["all", "--platform", str(env.root), "--no-progress"]) == 2
    assert "timeout must be a positive number" in one_line_error(capsys)


def test_unknown_engine(env, capsys) -> None:
    assert cli.main([*env.argv("all"), "--engines", "mythril"]) == 2
    assert "unknown engine 'mythril'" in one_line_error(capsys)


def test_bad_usage(capsys) -> None:
    assert cli.main(["frobnicate"]) == 2
    one_line_error(capsys)
    assert cli.main(["all", "--jobs", "many"]) == 2
    one_line_error(capsys)


def test_report_without_results(env, capsys) -> None:
    assert cli.main(env.argv("report")) == 2
    assert "no results to re-render" in one_line_error(capsys)


def test_console_script_bad_input_subprocess(tmp_path) -> None:
    """The installed entry point, as CI calls it: one line on stderr, exit 2, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "checkers.cli", "check", "NOPE-99", "--no-progress",
                           "--platform", str(tmp_path)], cwd=toolchain.REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_baseline_then_diff_against_a_git_ref(env, capsys, tmp_path, monkeypatch) -> None:
    """`verify baseline` writes the layouts; `verify diff --base REF` names what changed and fails on it."""
    from specs.upgrade import SPECS as UPGRADE

    import dataclasses

    env.set_specs([spec("FIX-01"), *(dataclasses.replace(s, mutants=()) for s in UPGRADE)])
    repo = tmp_path / "repo"
    project = repo / "proj"
    shutil.copytree(env.root, project, symlinks=True)
    assert cli.main([*env.argv("baseline"), "--platform", str(project)]) == 0
    assert "2 contracts" in capsys.readouterr().out
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    (repo / ".gitignore").write_text("out/\ncache/\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    counter = project / "src" / "Counter.sol"
    counter.write_text(counter.read_text().replace("uint256 public count;", "bool public paused;\n    uint256 public count;")
                       .replace("function reset()", "function clear()"))
    fake_engine.BEHAVIOUR["FIX-01"] = "proved"
    code = cli.main([*env.argv("diff", "--base", "HEAD"), "--platform", str(project)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Counter.count moved from slot 0+0 to slot 1+0 (paused inserted before it)" in out
    assert "selector removed: Counter.reset() (0xd826f88f) was removed" in out
    assert "selector added: Counter.clear()" in out
    assert "UPG-01: PROVED -> VIOLATED (worse)" in out and "UPG-02: PROVED -> VIOLATED (worse)" in out
    data = json.loads((env.out / "results.json").read_text())
    assert data["diff"]["worse"] == ["UPG-01", "UPG-02"]
    assert cli.main([*env.argv("diff", "--base", "no-such-ref"), "--platform", str(project)]) == 2
    assert "not a git commit" in one_line_error(capsys)


GOLDEN = Path(__file__).parent / "golden" / "tiny_all.json"
_VOLATILE = {"duration_s", "generated_at", "tools", "source", "stats", "targets", "settings", "cached"}


def _stable(value):
    """results.json without timings, paths, versions and dates (golden files ignore timings)."""
    if isinstance(value, dict):
        return {k: ("/".join(Path(v).parts[-2:]) if k == "file" else _stable(v))
                for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def test_golden_results(env) -> None:
    """Verdicts, evidence and summaries of a fixed run; VERIFY_UPDATE_GOLDEN=1 rewrites the file."""
    import os

    fake_engine.BEHAVIOUR.update({"FIX-01": "violated", "FIX-02": "bounded", "FIX-03": "proved"})
    fake_engine.OtherChecker.OTHER.update({"FIX-03": "unknown"})
    env.set_specs([spec("FIX-01", accepted_risk="documented shortfall, covered by insurance"),
                   spec("FIX-02", ("Vault",)), spec("FIX-03", ("Counter", "Vault"), engines_=("fake", "fake2"))])
    # FIX-03: fake proves, fake2 is UNKNOWN -> decided by fake, the note names fake2 (docs/verify.md).
    assert cli.main(env.argv("all")) == 0
    got = _stable(json.loads((env.out / "results.json").read_text()))
    if os.environ.get("VERIFY_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(GOLDEN.read_text())


def test_unknown_alone_is_inconclusive_and_beside_a_proof_is_named(env) -> None:
    """UNKNOWN never passes by itself (strict exit 3); beside a proof the spec is decided and the note says so."""
    fake_engine.BEHAVIOUR.update({"FIX-01": "unknown", "FIX-02": "proved"})
    fake_engine.OtherChecker.OTHER.update({"FIX-02": "unknown"})
    env.set_specs([spec("FIX-01"), spec("FIX-02", engines_=("fake", "fake2"))])
    assert cli.main(env.argv("all")) == 3
    specs = {s["spec_id"]: s for s in json.loads((env.out / "results.json").read_text())["spec_results"]}
    assert specs["FIX-01"]["verdict"] == "UNKNOWN"
    assert specs["FIX-02"]["verdict"] == "PROVED"
    assert "inconclusive within budget: fake2" in specs["FIX-02"]["note"]


def test_replays_go_beside_the_run_reports(env, monkeypatch) -> None:
    from checkers.engines.sequence.replay import output_dir

    monkeypatch.setenv("VERIFY_OUT_DIR", "/nowhere")  # restored after the test
    assert cli.main(env.argv("all")) == 0
    assert output_dir() == env.out.resolve() / "replay"
