"""The `verify` argument parser: which options each subcommand takes, their help, and shell completion.

Each subcommand is given only the options its handler reads (COMMAND_OPTIONS), so `verify X -h` documents what X
does and an option X would ignore is an error, not a silent no-op. Completers (argcomplete's `completer`
attribute) are plain functions: argcomplete is imported only when the shell asks for completions.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import tomllib
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from checkers import toolchain
from checkers.config import FORMATS
from checkers.errors import ConfigError

PACKAGE = "ccperp-verify"

# Options every run-type command shares. "platform" and "cache_dir" are hidden (tests and CI layouts).
_RUN = ("engines", "only", "jobs", "timeout", "out", "format", "cache", "strict", "progress", "platform",
        "cache_dir")

# name -> the options its handler reads (checkers/cli.py cmd_*; `mutate` also checkers/mutate/command.py).
COMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    "all": (*_RUN, "project", "shard"),
    "list": ("only", "engines", "project"),  # selection only: runs nothing, writes nothing
    "check": tuple(o for o in (*_RUN, "project", "shard") if o != "only"),  # spec ids replace --only
    "mutants": _RUN,  # platform only: mutants replace platform sources (no --project)
    # mutation.json/.md always, exit 0 unless input is bad: no --format, no --strict
    "mutate": tuple(o for o in (*_RUN, "project") if o not in ("format", "strict")),
    "report": ("out", "format", "strict"),  # re-renders results.json: nothing runs
    "baseline": ("project", "platform"),
    "diff": (*_RUN, "project"),  # the platform (or --project) against itself at a git ref
    "merge": ("out", "format", "strict"),  # joins shards' results.json: nothing runs
    "deployment": ("out", "format", "strict"),  # reads a live deployment: no spec selection, no engines
    "monitor": (),  # follows a live deployment and serves metrics: no reports
}

DESCRIPTIONS: dict[str, tuple[str, str]] = {  # name -> (one-line help in `verify -h`, description in `verify X -h`)
    "all": ("check every spec",
            "Check every spec of the catalogue on the platform (contracts/), or with --project the generic specs "
            "on any Foundry or Hardhat project, and write the reports to --out."),
    "list": ("list the catalogue (runs nothing)",
             "List the catalogue: each spec with its category, severity, title, engines and the hand-written "
             "mutants it must catch. Runs nothing."),
    "check": ("check the named specs",
              "Check the named specs only: exact ids as `verify list` shows them (case-insensitive). To select "
              "by id prefix or category use `verify all --only`."),
    "mutants": ("run the specs against every hand-written mutant (kill matrix)",
                "Check every spec on the platform, then every hand-written mutant (contracts/mutants/) against "
                "the specs that must catch it. A surviving mutant fails under --strict."),
    "mutate": ("generated mutants: specs vs forge kill matrix",
               "Generate mutants with slither-mutate's mutators, sample them by seed, judge each with the specs "
               "and the forge suite, and write the kill matrix (mutation.json, mutation.md, mutants/<id>.diff) "
               "to --out."),
    "report": ("re-render reports from the last results.json",
               "Re-render the reports from <out>/results.json without running anything. The exit code gates the "
               "stored findings under --strict/--no-strict (default: the policy of the stored run)."),
    "baseline": ("write upgrade-baseline.json (storage layouts, selectors)",
                 "Write upgrade-baseline.json (storage layouts and selectors) into the platform (or --project) "
                 "from its current build. Run it when a version is released, not on every edit."),
    "diff": ("compare with the platform at a git ref",
             "Compare the platform at a git ref with the working tree: storage layouts, selectors and every "
             "spec's verdict, and the upgrade certificate of every external selector. A verdict that got worse, a "
             "broken layout or selector, or a selector that behaves differently without being declared in "
             "upgrade-manifest.toml fails with exit 1. --only narrows the certificate too: EQV (every compared "
             "selector), EQV-<Contract> or a full EQV id."),
    "merge": ("join the results.json of --shard runs into one set of reports",
              "Join the results.json of `verify all --shard K/N` runs (shards 1..N of one plan: same catalogue, "
              "selection, source commit and settings) into the reports of one run: per-spec verdicts and the "
              "exit code are recomputed over every shard's findings."),
    "deployment": ("check a live deployment against the launch checklist (read-only)",
                   "Read a live deployment (--rpc-url, --deployment: the file tools/deploy_local.sh writes) and check "
                   "the launch checklist: roles held by each stack's Safe and no EOA, parameters in the design's "
                   "bands, every module pausable by its guardian (simulated on an anvil fork, never sent), the "
                   "Automation upkeep registered, funded 3x and forwarder-only, CCIP lanes allowlisted both ways with "
                   "fees quoted, and the launch phase. Each failed item names its fix."),
    "monitor": ("watch a live deployment every block and serve Prometheus metrics (read-only)",
                "Follow a live deployment (--rpc-url, --deployment) block by block, read-only, and serve the runtime "
                "form of the specs as Prometheus metrics on --listen: oracle staleness, deviation and breaker, CCIP "
                "messages matched by messageId (latency, failures per hour), liquidations attempted and succeeded "
                "against positions that were liquidatable, position health, pool solvency, bad debt, insurance "
                "fund, paused modules. Alert rules, Alertmanager routes and the Grafana dashboard are in "
                "monitoring/ (docs/monitor.md). Runs until interrupted (SIGINT/SIGTERM) or --until-block."),
}

EPILOG = ("exit codes: 0 pass, 1 some spec VIOLATED, 2 usage or input error, "
          "3 UNKNOWN/VACUOUS/ERROR (or nothing checked) under --strict")
_NO_GATE = "exit codes: 0 done, 2 usage or input error"
GATED = ("all", "check", "mutants", "report", "diff", "merge", "deployment")  # exit with the gate's code (checkers.results.gate)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2 (ConfigError), never usage text plus a message."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"{message} (see `{self.prog} --help`)")


def package_version() -> str:
    """The installed distribution's version; the source tree's pyproject when it is not installed."""
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        try:
            return tomllib.loads((toolchain.REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


# ---- completers (argcomplete calls them with the word being completed as `prefix`) -------------------
def _spec_ids() -> list[str]:
    from checkers import cli  # at completion time only: cli imports this module

    return [s.id for s in cli.load_specs()]


def _only_words() -> list[str]:
    from checkers import cli

    specs = cli.load_specs()
    return sorted({s.id for s in specs} | {s.id.split("-")[0] for s in specs} | {s.category for s in specs})


def _engine_names() -> list[str]:
    from checkers.engines import ENGINES

    return list(ENGINES)


def complete_words(words: Callable[[], Iterable[str]]) -> Callable[..., list[str]]:
    def complete(prefix: str, **_: Any) -> list[str]:
        return [w for w in words() if w.upper().startswith(prefix.upper())]

    return complete


def complete_list(words: Callable[[], Iterable[str]]) -> Callable[..., list[str]]:
    """Completes the last item of a comma-separated value ("z3,sl" -> "z3,slither"), skipping items given."""
    def complete(prefix: str, **_: Any) -> list[str]:
        head, comma, last = prefix.rpartition(",")
        given = set(head.split(",")) if comma else set()
        return [f"{head}{comma}{w}" for w in words() if w.startswith(last) and w not in given]

    return complete


# ---- options -------------------------------------------------------------------------------------------
def _add_option(parser: argparse.ArgumentParser, name: str) -> None:
    add = parser.add_argument
    if name == "engines":
        add("--engines", metavar="LIST", help="comma-separated engines to run (default: every engine a spec "
            "names)").completer = complete_list(_engine_names)  # type: ignore[attr-defined]
    elif name == "only":
        add("--only", metavar="LIST", help="comma-separated spec ids, id prefixes (LIQ) or categories (oracle) "
            "(default: every spec)").completer = complete_list(_only_words)  # type: ignore[attr-defined]
    elif name == "jobs":
        add("--jobs", type=int, metavar="N", help="checks run in parallel (default: the number of cores)")
    elif name == "timeout":
        add("--timeout", type=float, metavar="SECONDS", help="per (spec, engine) check (default 60)")
    elif name == "out":
        add("--out", metavar="DIR", help="report directory (default out/)")
    elif name == "format":
        add("--format", dest="formats", metavar="LIST",
            help=f"comma-separated report formats: {','.join(FORMATS)} (default: all; results.json is always "
                 "written)").completer = complete_list(lambda: FORMATS)  # type: ignore[attr-defined]
    elif name == "cache":
        add("--no-cache", dest="cache", action="store_const", const=False,
            help="ignore and do not update the result cache")
    elif name == "strict":
        add("--strict", dest="strict", action=argparse.BooleanOptionalAction, default=None,
            help="--strict: UNKNOWN/VACUOUS/ERROR, all-SKIPPED specs and surviving mutants fail with exit 3; "
                 "--no-strict: only VIOLATED fails (default: pyproject [tool.verify] strict, else strict)")
    elif name == "progress":
        add("--no-progress", dest="progress", action="store_const", const=False,
            help="no progress bar or per-check lines on stderr (the summary still prints)")
    elif name == "project":
        add("--project", metavar="PATH", help="any Foundry or Hardhat project: run the generic specs on it")
    elif name == "shard":
        add("--shard", type=_shard, metavar="K/N",
            help="run only the K-th of N deterministic parts of the (spec, engine, target) checks, e.g. on a CI "
                 "matrix; `verify merge` joins the parts' results.json")
    elif name == "platform":
        add("--platform", help=argparse.SUPPRESS)  # the platform project (default contracts/)
    elif name == "cache_dir":
        add("--cache-dir", dest="cache_dir", help=argparse.SUPPRESS)  # default .verify-cache/results
    else:  # pragma: no cover - a typo in COMMAND_OPTIONS
        raise AssertionError(name)


def _shard(text: str):
    from checkers.shard import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="verify", description="Formal and symbolic verification of the platform's specs.",
                    formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"verify {package_version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, options in COMMAND_OPTIONS.items():
        short, long = DESCRIPTIONS[name]
        command = sub.add_parser(name, help=short, description=long,
                                 epilog=EPILOG if name in GATED else _NO_GATE)
        if name == "check":
            command.add_argument("spec_ids", nargs="+", metavar="SPEC_ID",
                                 help="spec ids (see `verify list`)"
                                 ).completer = complete_words(_spec_ids)  # type: ignore[attr-defined]
        if name == "diff":
            command.add_argument("--base", required=True, metavar="REF", help="git ref of the released version")
            command.add_argument("--mutant", metavar="NAME",
                                 help="the platform with this mutant in place (see `verify list`) as the new version: "
                                      "would the diff catch that upgrade?")
        if name in ("deployment", "monitor"):
            command.add_argument("--rpc-url", required=True, metavar="URL", help="JSON-RPC endpoint of the chain")
            command.add_argument("--deployment", required=True, metavar="FILE",
                                 help="the deployment file (contracts/deployments/local.json after deploy_local.sh)")
        if name == "monitor":
            from checkers.monitor.command import add_arguments as add_monitor_arguments

            add_monitor_arguments(command)
        if name == "merge":
            command.add_argument("inputs", nargs="+", metavar="PATH",
                                 help="results.json files of the shards, or directories holding one")
        for option in options:
            _add_option(command, option)
        if name == "mutate":
            from checkers.mutate.command import add_arguments

            add_arguments(command)
    return parser
