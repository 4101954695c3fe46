# PYTHON_ARGCOMPLETE_OK (shell completion: docs/verify.md)
"""`verify`: one command for CI, auditors and upgrade reviewers.

  verify all                    every spec on the platform (or, with --project, the generic specs on any project)
  verify list                   the catalogue: specs, engines, mutants
  verify check SPEC_ID...       the named specs only
  verify mutants                every spec on the platform, and every mutant against the specs it must break
  verify mutate                 generated mutants (slither-mutate), sampled by seed: specs vs forge kill matrix
  verify report                 re-render the reports from the last results.json in --out
  verify baseline               write contracts/upgrade-baseline.json (storage layouts, selectors) from the platform
  verify diff --base REF        layouts, selectors and every spec's verdict: platform at REF vs the working tree
  verify merge PATH...          join the results.json of `--shard K/N` runs into one set of reports
  verify deployment --rpc-url URL --deployment FILE   a live deployment against the launch checklist (read-only)
  verify monitor --rpc-url URL --deployment FILE      watch it every block, Prometheus metrics on --listen

Exit codes: see checkers.results (0 pass, 1 violated, 2 usage/input error, 3 inconclusive under --strict).
User errors print one line (`verify: error: ...`) and never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.base import Spec, Verdict
from checkers.cli_parser import COMMAND_OPTIONS, build_parser
from checkers.config import Config, build_config
from checkers.errors import ConfigError, SpecError, VerifyError
from checkers.results import SCHEMA_VERSION, CheckResult, ExitCode, RunResults, from_json, summarise_spec
from checkers.shard import Shard

COMMANDS = tuple(COMMAND_OPTIONS)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except VerifyError as exc:
        print(f"verify: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("verify: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in the toolkit: still one line, traceback on demand
        if os.environ.get("VERIFY_DEBUG"):
            raise
        print(f"verify: internal error: {type(exc).__name__}: {exc} (VERIFY_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return int(ExitCode.USAGE)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (docs/verify.md); exits when it does
        import argcomplete

        argcomplete.autocomplete(parser)
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return int(ExitCode.USAGE)
    if extra:
        raise ConfigError(_unrecognised(args.command, extra))
    cli = {k: getattr(args, k, None) for k in ("engines", "only", "jobs", "timeout", "out", "formats", "cache",
                                               "project", "platform", "cache_dir", "strict", "progress")}
    local = Path.cwd() / "pyproject.toml"  # the project you stand in, else the toolkit's own
    config = build_config(cli, pyproject=local if local.exists() else toolchain.REPO_ROOT / "pyproject.toml")
    if "out" in COMMAND_OPTIONS[args.command]:
        _check_out(config.out)  # before anything runs: a file there would fail only after every check
    if args.command == "check":
        config = _with(config, only=tuple(args.spec_ids))
    handler = {"all": cmd_all, "list": cmd_list, "check": cmd_all, "mutants": cmd_mutants, "report": cmd_report,
               "baseline": cmd_baseline, "diff": cmd_diff, "mutate": cmd_mutate, "merge": cmd_merge,
               "deployment": cmd_deployment, "monitor": cmd_monitor}[args.command]
    return int(handler(config, args))


def _unrecognised(command: str, extra: list[str]) -> str:
    if command == "check" and any(a == "--only" or a.startswith("--only=") for a in extra):
        return "check takes spec ids; --only is for all, mutants, mutate and diff (see `verify check --help`)"
    return f"{command}: unrecognized arguments: {' '.join(extra)} (see `verify {command} --help`)"


def _check_out(out: Path) -> None:
    """--out must be a directory or not exist yet (nor may any of its parents be a file)."""
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                where = "" if path == out else f" {path}"
                raise ConfigError(f"--out {out}:{where} is a file, not a directory")
            return


def _with(config: Config, **changes: Any) -> Config:
    import dataclasses

    return dataclasses.replace(config, **changes)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=console_width(sys.stdout.isatty()))


def console_width(is_terminal: bool) -> int | None:
    """COLUMNS when set (also when piped: CI logs choose their width); else the terminal's, else 160."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if is_terminal else 160


# ---- catalogue ----------------------------------------------------------------------------------------
def load_specs() -> tuple[Spec, ...]:
    """The validated catalogue (tests replace this to run on fixture specs)."""
    from checkers.catalogue import load_catalogue

    return load_catalogue()


def _selected(config: Config, args: argparse.Namespace, also_known=lambda token: False) -> list[Spec]:
    """The selection (every --only token must name something: _check_only)."""
    from checkers.runner import select_specs

    specs = load_specs()
    if args.command == "check":
        known = {s.id for s in specs}
        unknown = [i for i in args.spec_ids if i.upper() not in known]
        if unknown:
            raise SpecError(f"unknown spec id {unknown[0]} (see `verify list`)")
    _check_only(config, specs, also_known)
    if config.engines:
        from checkers.engines import engine_names

        bad = sorted(set(config.engines) - engine_names())
        if bad:
            raise ConfigError(f"--engines: unknown engine {bad[0]!r} (known: {', '.join(sorted(engine_names()))})")
    selected = select_specs(specs, config)
    if not selected:
        raise SpecError("no spec matches the selection" + (" (only generic specs run with --project)"
                                                           if config.project else ""))
    return selected


def _check_only(config: Config, specs: list[Spec] | tuple[Spec, ...], also_known=lambda token: False) -> None:
    """An --only token that names nothing (and that `also_known` does not claim) is an error, not silently dropped
    beside tokens that do match."""
    from checkers.runner import only_matches

    for token in config.only or ():
        if not also_known(token) and not any(only_matches(token, s) for s in specs):
            raise SpecError(f"--only {token}: names no spec id, id prefix or category (see `verify list`)")


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    from checkers.mutants import load_mutants
    from checkers.runner import select_specs
    from reports.console import print_catalogue

    specs = load_specs()
    _check_only(config, specs)
    specs = select_specs(specs, config)
    mutants = load_mutants()
    names = {s.id: sorted(set(s.mutants) | {m.name for m in mutants.values() if s.id in m.breaks}) for s in specs}
    print_catalogue(specs, names, len(mutants), _console())  # titles escaped: ORCL-04's "[min, max]" shows
    return int(ExitCode.PASS)


# ---- running ------------------------------------------------------------------------------------------
def _build_target(config: Config):
    from checkers.runner import build_target

    if config.project is not None:
        return build_target(config.project, label=config.project.name, generic=True)
    if not (config.platform / "foundry.toml").exists():
        raise ConfigError(f"{config.platform}: the platform project is missing (no foundry.toml)")
    return build_target(config.platform, label="platform")


def _source(root: Path) -> dict[str, Any]:
    def git(*a: str) -> str | None:
        try:
            p = subprocess.run(["git", *a], cwd=root, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return p.stdout.strip() if p.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    return {"commit": commit, "dirty": bool(dirty)}


class _Progress:
    """Live progress on a terminal (rich); one line per finished check otherwise (CI logs)."""

    def __init__(self, total: int, enabled: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
            TimeElapsedColumn

        self.console = _console(stderr=True)
        self.live = enabled and self.console.is_terminal
        self.enabled = enabled
        self.done = 0
        self.cached = 0
        self.total = total
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=self.console, transient=True)
        self.task = self.progress.add_task("checking", total=total)

    def __enter__(self) -> "_Progress":
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()
        if self.enabled and self.cached:
            self.console.print(f"[dim]{self.cached} of {self.total} checks answered from the cache[/]")

    def __call__(self, check, result: CheckResult | None, running) -> None:
        if result is None:
            if self.live:
                names = ", ".join(f"{c.spec.id}/{c.engine}" for c in running[:3])
                self.progress.update(self.task, description=f"running {names}")
            return
        self.done += 1
        self.cached += result.cached
        if self.live:
            self.progress.update(self.task, advance=1)
        elif self.enabled and not result.cached:
            f = result.finding
            self.console.print(f"[{self.done}/{self.total}] {f.spec_id} {f.engine} @{f.target}: "
                               f"{f.verdict.name} ({f.duration_s:.1f} s)")


def _run(config: Config, targets: list[tuple[Any, list[Spec]]], shard: Shard | None = None,
         profile: dict[str, Any] | None = None) -> tuple[list[CheckResult], dict[str, Any], dict[str, Any] | None]:
    """Plan every (spec, engine, target) check, keep this shard's (--shard), run them. The third value is the
    shard record of results.json (checkers/shard.py), None without --shard."""
    from checkers.runner import plan, run_checks
    from checkers.shard import in_shard, shard_record

    started = time.monotonic()
    # Replay tests generated by the sequence engines go beside this run's reports (checkers/engines/sequence/replay.py); the
    # engines run in forked workers, which inherit the variable.
    os.environ["VERIFY_OUT_DIR"] = str(Path(config.out).resolve())
    checks = []
    for target, specs in targets:
        checks += plan(specs, target, config)
    record = None
    if shard is not None:
        keys = [(c.spec.id, c.engine, c.target.label) for c in checks]
        selected = list({s.id: s for _, specs in targets for s in specs}.values())
        record = shard_record(shard, selected, keys, profile)
        checks = [c for c, mine in zip(checks, in_shard(keys, shard)) if mine]
    with _Progress(len(checks), config.progress) as hook:
        results = run_checks(checks, config, on_progress=hook)
    stats = {"checks": len(results), "cached": sum(r.cached for r in results),
             "ran": sum(not r.cached for r in results), "wall_s": round(time.monotonic() - started, 2)}
    return results, stats, record


def _results(command: str, config: Config, specs: list[Spec], checks: list[CheckResult], target,
             stats: dict[str, Any], **extra: Any) -> RunResults:
    from checkers.cache import tool_versions
    from checkers.runner import relative_to_repo, spec_locations

    return RunResults(
        command=command, specs=specs, checks=checks,
        settings={"timeout": config.timeout, "jobs": config.jobs, "engines": list(config.engines),
                  "only": list(config.only), "cache": config.cache, "strict": config.strict},
        tools={**tool_versions(), "python": sys.version.split()[0]},
        source=_source(target.root), targets={target.label: relative_to_repo(target.root, toolchain.REPO_ROOT)},
        locations={s.id: spec_locations(s, target, toolchain.REPO_ROOT) for s in specs},
        stats=stats, generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), strict=config.strict,
        **extra,
    )


def _finish(results: RunResults, config: Config) -> int:
    from reports import write_reports
    from reports.console import print_summary

    paths = write_reports(results, config.out, config.formats)
    console = _console()
    print_summary(results, console)
    console.print(f"[dim]reports: {', '.join(str(p) for p in paths)}[/]")
    return int(results.exit_code())


def cmd_deployment(config: Config, args: argparse.Namespace) -> int:
    from checkers.deployment.command import run_deployment

    return run_deployment(config, args)


def cmd_monitor(config: Config, args: argparse.Namespace) -> int:
    from checkers.monitor.command import run_monitor

    return run_monitor(args)


def cmd_all(config: Config, args: argparse.Namespace) -> int:
    from checkers.catalogue import validate_against_target

    specs = _selected(config, args)
    profile = _profile(config)
    target = _build_target(config)
    if config.project is None:
        validate_against_target(specs, target)
    checks, stats, shard = _run(config, [(target, specs)], args.shard, profile)
    if shard is not None:  # a shard's verdicts and gate are over its own checks: only the specs it checked
        mine = {c.finding.spec_id for c in checks}
        specs = [s for s in specs if s.id in mine]
    return _finish(_results(args.command, config, specs, checks, target, stats, shard=shard, profile=profile),
                   config)


def _profile(config: Config) -> dict[str, Any] | None:
    """--project: the generic profile (checkers/profile.py) over the specs --only/--engines select."""
    if config.project is None:
        return None
    from checkers.profile import generic_profile
    from checkers.runner import select_specs

    return generic_profile(select_specs(load_specs(), _with(config, project=None)))


def cmd_merge(config: Config, args: argparse.Namespace) -> int:
    from checkers.merge import merge, read_shards

    results = merge(read_shards([Path(p) for p in args.inputs]))
    if args.strict is not None:  # the policy asked for now (as `verify report`): re-gate
        results.strict = args.strict
    return _finish(results, config)


def cmd_mutants(config: Config, args: argparse.Namespace) -> int:
    from checkers.catalogue import validate_against_target
    from checkers.mutants import check_applies, load_mutants
    from checkers.runner import build_mutants, kill_matrix, mutant_specs

    if config.project is not None:
        raise ConfigError("verify mutants runs on the platform only (mutants replace platform sources)")
    specs = _selected(config, args)
    target = _build_target(config)
    validate_against_target(specs, target)
    mutants = [m for m in load_mutants().values() if mutant_specs(m, specs)]
    check_applies(mutants, config.platform)  # a stale patch: input error naming it (exit 2), not a survivor
    console = _console(stderr=True)
    if config.progress:
        console.print(f"[dim]building {len(mutants)} mutants (cached under .verify-cache/mutants)...[/]")
    built = build_mutants(mutants, config.jobs)
    targets = [(target, specs)]
    for m in mutants:
        if not isinstance(built[m.name], str):
            targets.append((built[m.name], mutant_specs(m, specs)))
    checks, stats, _ = _run(config, targets)
    matrix = kill_matrix(mutants, specs, built, checks)
    results = _results("mutants", config, specs, checks, target, stats, mutants=matrix)
    for label_target, _ in targets[1:]:
        results.targets[label_target.label] = str(label_target.root)
    return _finish(results, config)


def cmd_mutate(config: Config, args: argparse.Namespace) -> int:
    from checkers.mutate.command import run

    return run(config, args, lambda: _selected(config, args), lambda: _build_target(config), _console)


def cmd_report(config: Config, args: argparse.Namespace) -> int:
    path = config.out / "results.json"
    if not path.exists():
        raise ConfigError(f"{path}: no results to re-render (run `verify all --out {config.out}` first)")
    try:
        data = json.loads(path.read_text())
        results = from_json(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a verify results file ({type(exc).__name__}: {exc})") from None
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ConfigError(f"{path}: schema_version {data.get('schema_version')!r} is not supported "
                          f"({SCHEMA_VERSION}; re-run `verify all` to write it)")
    if args.strict is not None:  # the policy asked for now, not the stored run's: re-gate (results.gate)
        results.strict = args.strict
    return _finish(results, config)


def cmd_baseline(config: Config, args: argparse.Namespace) -> int:
    from checkers.cache import write_atomic
    from checkers.engines.upgrade.baseline import BASELINE_NAME, snapshot

    target = _build_target(config)
    doc = snapshot(target)
    doc["generated_from"] = _source(target.root)
    path = target.root / BASELINE_NAME
    write_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    variables = sum(len(c["storage"]["variables"]) for c in doc["contracts"].values())
    spaces = [m for c in doc["contracts"].values() for m in c["storage"].get("namespaces", {}).values()]
    selectors = sum(len(c["selectors"]) for c in doc["contracts"].values())
    in_spaces = f" + {sum(map(len, spaces))} in {len(spaces)} ERC-7201 namespaces" if spaces else ""
    print(f"wrote {path}: {len(doc['contracts'])} contracts, {variables} storage variables{in_spaces}, "
          f"{selectors} selectors")
    return int(ExitCode.PASS)


def cmd_diff(config: Config, args: argparse.Namespace) -> int:
    from checkers.diff import run_diff

    return run_diff(config, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
