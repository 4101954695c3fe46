"""CLI conventions (issue 17, point 3): per-subcommand options and help, --version, option/command mismatches as
one-line errors, --out checked before anything runs, `report` under the policy asked for, console width and note
clipping, shell completion."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import fake_engine
import pytest
from verify_fixtures import env, one_line_error, spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli, cli_parser, toolchain

RUN = {"--engines", "--only", "--jobs", "--timeout", "--out", "--format", "--no-cache", "--strict", "--no-strict",
       "--no-progress"}
# What each subcommand's handler reads (written out here, not read from cli_parser, so the test checks the choice).
EXPECTED = {
    "all": RUN | {"--project", "--shard"},
    "list": {"--only", "--engines", "--project"},
    "check": RUN - {"--only"} | {"--project", "--shard"},
    "mutants": RUN,
    "mutate": RUN - {"--format", "--strict", "--no-strict"} | {"--project", "--sample", "--seed", "--operators",
                                                              "--files", "--no-forge", "--no-specs", "--optimize",
                                                              "--first-kill", "--list"},
    "report": {"--out", "--format", "--strict", "--no-strict"},
    "baseline": {"--project"},
    "diff": RUN | {"--base", "--project", "--mutant"},
    "merge": {"--out", "--format", "--strict", "--no-strict"},
}


def _help(command: str, capsys) -> str:
    assert cli.main([command, "--help"]) == 0
    return capsys.readouterr().out


def _options(text: str) -> dict[str, str]:
    """Option string -> its help text, from argparse's "options:" section."""
    section = text.split("\noptions:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    found: dict[str, str] = {}
    for i, line in enumerate(section):
        match = re.match(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$", line)
        if not match:
            continue
        rest = match.group(2) or (section[i + 1].strip() if i + 1 < len(section)
                                  and section[i + 1].startswith(" " * 8) else "")
        for option in re.findall(r"--?[a-z][a-z-]*", match.group(1)):
            found[option] = rest
    return found


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_help_lists_exactly_the_options_the_command_uses(command, capsys) -> None:
    text = _help(command, capsys)
    options = _options(text)
    assert set(options) - {"-h", "--help"} == EXPECTED[command]
    assert all(options.values()), f"options without help: {[o for o, h in options.items() if not h]}"
    description = text.split("\n\n")[1]
    assert not description.startswith(("options:", "positional")) and len(description) > 40, description


def test_docs_table_matches_the_parser() -> None:
    """docs/verify.md's option table says which command takes which option: it must agree with `--help`."""
    doc = (toolchain.REPO_ROOT / "docs" / "verify.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith("| `--")]
    header = next(line for line in doc.splitlines() if line.startswith("| option | meaning |"))
    commands = [c.strip() for c in header.strip("|").split("|")[2:]]
    documented = {c: set() for c in commands}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for command, mark in zip(commands, cells[2:]):
            if mark == "x":
                documented[command] |= set(re.findall(r"--[a-z-]+", cells[0]))
    own = {"mutate": {"--sample", "--seed", "--operators", "--files", "--no-forge", "--no-specs", "--optimize",
                      "--first-kill", "--list"},
           "diff": {"--base", "--mutant"}}
    assert {c: documented[c] | own.get(c, set()) for c in commands} == EXPECTED


def test_top_level_help_describes_every_command(capsys) -> None:
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in EXPECTED:
        assert re.search(rf"^    {command}\s+\S", text, re.M), command
    assert "--version" in text


def test_every_option_has_help_text() -> None:
    parser = cli_parser.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, command in commands.items():
        assert command.description, name
        for action in command._actions:
            if action.dest in ("platform", "cache_dir"):
                continue  # hidden on purpose (tests and CI layouts)
            assert action.help and action.help.strip(), f"{name} {action.option_strings or action.dest}"


def test_version(capsys) -> None:
    import importlib.metadata

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"verify {importlib.metadata.version('ccperp-verify')}\n"


def test_version_without_installed_metadata(monkeypatch) -> None:
    import importlib.metadata
    import tomllib

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    pyproject = tomllib.loads((toolchain.REPO_ROOT / "pyproject.toml").read_text())
    assert cli_parser.package_version() == pyproject["project"]["version"]


@pytest.mark.parametrize("command, option", [("list", "--jobs 2"), ("report", "--timeout 5"), ("baseline", "--out x")])
def test_an_option_the_command_does_not_use_is_an_error(command, option, env, capsys, monkeypatch) -> None:
    # On the fixture project, and nothing may build: with the old parser `baseline --out x` rewrote the baseline.
    monkeypatch.setattr(cli, "_build_target", lambda config: pytest.fail("built a target"))
    assert cli.main([*env.argv(command), *option.split()]) == 2
    line = one_line_error(capsys)
    assert f"unrecognized arguments: {option}" in line and f"verify {command} --help" in line


def test_check_rejects_only(env, capsys) -> None:
    """`check` used to replace --only with its spec ids without a word; now --only is not a check option."""
    assert cli.main([*env.argv("check", "FIX-01"), "--only", "FIX-02"]) == 2
    assert "check takes spec ids; --only is for all, mutants, mutate and diff" in one_line_error(capsys)
    assert env.ran() == []


# ---- --out ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["all", "check", "mutants", "mutate", "diff", "report"])
def test_out_pointing_at_a_file_fails_before_anything_runs(command, env, capsys, monkeypatch, tmp_path) -> None:
    built = []
    monkeypatch.setattr(cli, "_build_target", lambda config: built.append(config))
    monkeypatch.setattr(cli, "load_specs", lambda: built.append("catalogue"))
    a_file = tmp_path / "report.txt"
    a_file.write_text("not a directory")
    extra = {"check": ["FIX-01"], "diff": ["--base", "HEAD"]}.get(command, [])
    assert cli.main([*env.argv(command, *extra), "--out", str(a_file)]) == 2
    assert one_line_error(capsys) == f"verify: error: --out {a_file}: is a file, not a directory"
    assert env.ran() == [] and built == []


def test_out_under_a_file_fails_before_anything_runs(env, capsys, tmp_path) -> None:
    a_file = tmp_path / "report.txt"
    a_file.write_text("not a directory")
    assert cli.main([*env.argv("all"), "--out", str(a_file / "sub")]) == 2
    assert one_line_error(capsys) == f"verify: error: --out {a_file / 'sub'}: {a_file} is a file, not a directory"
    assert env.ran() == []


# ---- report --strict -----------------------------------------------------------------------------------
def test_report_regates_under_the_policy_asked_for(env, capsys) -> None:
    fake_engine.BEHAVIOUR["FIX-02"] = "unknown"
    assert cli.main([*env.argv("all"), "--no-strict"]) == 0
    ran = len(env.ran())
    assert cli.main([*env.argv("report"), "--strict"]) == 3
    assert json.loads((env.out / "results.json").read_text())["exit_code"] == 3
    assert cli.main([*env.argv("report"), "--no-strict"]) == 0
    assert cli.main(env.argv("report")) == 0, "no flag: the stored run's policy"
    assert len(env.ran()) == ran, "report runs nothing"
    assert cli.main([*env.argv("all"), "--strict"]) == 3
    assert cli.main(env.argv("report")) == 3
    assert "<error" in (env.out / "junit.xml").read_text()
    assert cli.main([*env.argv("report"), "--no-strict"]) == 0
    assert "<error" not in (env.out / "junit.xml").read_text(), "the reports follow the new policy too"


# ---- console -------------------------------------------------------------------------------------------
def test_console_honours_columns_when_not_a_terminal(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert cli.console_width(is_terminal=False) == 100 and cli.console_width(is_terminal=True) == 100
    monkeypatch.delenv("COLUMNS")
    assert cli.console_width(is_terminal=False) == 160 and cli.console_width(is_terminal=True) is None


def test_long_note_is_clipped_at_a_word_and_fits_columns(monkeypatch, capsys) -> None:
    from checkers.base import Finding, Verdict
    from checkers.results import CheckResult, RunResults
    from reports.console import print_summary

    note = " ".join(f"tok{i:02d}" for i in range(60))  # 359 characters
    results = RunResults("all", [spec("FIX-01")], [CheckResult(Finding("FIX-01", "fake", Verdict.PROVED, note),
                                                               Verdict.PROVED)])
    monkeypatch.setenv("COLUMNS", "100")
    print_summary(results, cli._console())
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    tokens = re.findall(r"tok\d*", out)
    assert all(re.fullmatch(r"tok\d\d", t) for t in tokens), "a word was cut"
    assert 10 < len(tokens) < 60 and re.search(rf"{tokens[-1]}…", out)


# ---- shell completion ----------------------------------------------------------------------------------
def _complete(line: str, monkeypatch) -> list[str]:
    import argcomplete

    monkeypatch.setenv("_ARGCOMPLETE", "1")
    monkeypatch.setenv("_ARGCOMPLETE_IFS", "\n")
    monkeypatch.setenv("COMP_LINE", line)
    monkeypatch.setenv("COMP_POINT", str(len(line)))
    stream = io.StringIO()

    def done(code: int = 0) -> None:
        raise SystemExit(code)

    class Finder(argcomplete.CompletionFinder):
        def _init_debug_stream(self) -> None:  # fd 9 is pytest's faulthandler's: argcomplete would take it
            argcomplete.io.debug_stream = sys.stderr

    with pytest.raises(SystemExit):
        Finder()(cli_parser.build_parser(), output_stream=stream, exit_method=done)
    return [w.strip() for w in stream.getvalue().split("\n") if w.strip()]


def test_completion_of_spec_ids_engines_and_options(monkeypatch) -> None:
    assert _complete("verify check LIQ-0", monkeypatch) == ["LIQ-01", "LIQ-02", "LIQ-03", "LIQ-04", "LIQ-05"]
    assert _complete("verify --eng", monkeypatch) == []  # engines is a subcommand option
    assert _complete("verify all --eng", monkeypatch) == ["--engines"]
    assert _complete("verify --ver", monkeypatch) == ["--version"]
    assert _complete("verify all --engines z3,sl", monkeypatch) == ["z3,slither"]
    assert "halmos" in _complete("verify all --engines ", monkeypatch)
    assert _complete("verify list --jo", monkeypatch) == []
    assert _complete("verify rep", monkeypatch) == ["report"]


def test_completion_through_the_entry_point(tmp_path) -> None:
    """What `eval "$(register-python-argcomplete verify)"` runs: the entry module answers on fd 8."""
    answer = tmp_path / "completions"
    line = "verify check LIQ-0"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n", "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "PYTHONPATH": str(toolchain.REPO_ROOT)}
    proc = subprocess.run(["bash", "-c", f'"$0" -m checkers.cli 8>"$1"', sys.executable, str(answer)], env=env,
                          cwd=toolchain.REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert answer.read_text().split() == ["LIQ-01", "LIQ-02", "LIQ-03", "LIQ-04", "LIQ-05"]
