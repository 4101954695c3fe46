"""`verify mutate`: generate mutants with slither-mutate's mutators, sample by seed, judge each with the specs
and the forge suite, print and write the kill matrix (mutation.json, mutation.md, mutants/<id>.diff in --out)."""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from checkers.config import Config
from checkers.errors import ConfigError

DEFAULT_SAMPLE = 20
DEFAULT_SEED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE,
                        help=f"mutants to evaluate (default {DEFAULT_SAMPLE}); ones that do not compile are replaced")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"sampling seed (default {DEFAULT_SEED})")
    parser.add_argument("--operators", help="comma-separated slither-mutate operators (ROR,AOR,...; default all)")
    parser.add_argument("--files", help="comma-separated source files or stems to mutate (default: all of src/)")
    parser.add_argument("--no-forge", dest="forge", action="store_false", help="do not run the forge suite")
    parser.add_argument("--no-specs", dest="toolkit", action="store_false", help="do not run the spec catalogue")
    parser.add_argument("--optimize", action="store_true",
                        help="build the reference and the mutants with the solc optimizer (as the platform ships; "
                             "2.7x slower with solc-js); default off, the same for both judges")
    parser.add_argument("--first-kill", action="store_true",
                        help="stop judging a mutant with the specs once one engine tier killed it (same kill rate, "
                             "faster; 'killed by' then lists the cheapest killers only)")
    parser.add_argument("--list", dest="list_only", action="store_true",
                        help="only generate and count the mutants (per file and operator)")


def run(config: Config, args: argparse.Namespace, selected: Callable[[], list], build: Callable[[], Any],
        console: Callable[..., Any]) -> int:
    from checkers.catalogue import validate_against_target
    from checkers.mutate import matrix
    from checkers.mutate.campaign import run_campaign
    from checkers.mutate.equivalent import load_equivalent
    from checkers.mutate.generate import load_or_generate
    from checkers.results import ExitCode

    if args.sample < 1:
        raise ConfigError("--sample must be a positive number of mutants")
    if not (args.toolkit or args.forge or args.list_only):
        raise ConfigError("--no-specs and --no-forge together leave nothing to judge the mutants with")
    specs = selected() if args.toolkit and not args.list_only else []
    target = build()
    if specs and config.project is None:
        validate_against_target(specs, target)
    err = console(stderr=True)
    if config.progress:
        err.print(f"[dim]generating mutants of {target.root}/src with slither-mutate's mutators (cached)...[/]")
    catalogue = load_or_generate(target.root, Path(config.cache_dir).parent / "mutate")
    out = console()
    if args.list_only:
        _print_counts(catalogue, out)
        return int(ExitCode.PASS)
    equivalent = load_equivalent(target.root / "mutants" / "equivalent.toml")
    out.print(f"seed {args.seed}; sampler: {_sampler()}; generator: {catalogue.generator}; "
              f"{len(catalogue.mutants)} mutants generated")
    log = (lambda line: err.print(line, markup=False, highlight=False)) if config.progress else (lambda _: None)
    directory = Path(config.out)
    campaign = run_campaign(target, specs, config, catalogue, args.seed, args.sample, equivalent, args.toolkit,
                            args.forge, _split(args.operators), _split(args.files), log,
                            checkpoint=lambda partial: _write(partial, directory), optimize=args.optimize,
                            first_kill=args.first_kill)
    _write(campaign, directory)
    matrix.print_matrix(campaign, out)
    out.print(f"[dim]wrote {directory / 'mutation.json'}, {directory / 'mutation.md'}, "
              f"{directory / 'mutants'}/<id>.diff[/]")
    return int(ExitCode.PASS)


def _write(campaign, directory: Path) -> None:
    """mutation.json, mutation.md and one diff per mutant met so far (rewritten after every mutant)."""
    from checkers.cache import write_atomic
    from checkers.mutate import matrix

    (directory / "mutants").mkdir(parents=True, exist_ok=True)
    for r in campaign.runs:
        path = directory / "mutants" / f"{r.mutant.id}.diff"
        if not path.exists():
            path.write_text(r.mutant.diff)
    write_atomic(directory / "mutation.json", json.dumps(matrix.to_json(campaign), indent=2) + "\n")
    write_atomic(directory / "mutation.md", matrix.to_markdown(campaign))


def _sampler() -> str:
    from checkers.mutate.sample import SAMPLER

    return SAMPLER


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _print_counts(catalogue, console) -> None:
    from rich.table import Table

    ops = sorted({m.operator for m in catalogue.mutants})
    counts = Counter((m.file, m.operator) for m in catalogue.mutants)
    table = Table(title=f"{len(catalogue.mutants)} mutants by {catalogue.generator}", title_justify="left")
    table.add_column("file")
    for op in ops:
        table.add_column(op, justify="right")
    table.add_column("total", justify="right")
    for f in catalogue.files:
        row = [str(counts[(f, op)] or "") for op in ops]
        table.add_row(f, *row, str(sum(counts[(f, op)] for op in ops)))
    console.print(table)
    stats = {k: v for k, v in catalogue.stats.items() if k != "errors"}
    console.print(f"generation: {stats}")
    for error in catalogue.stats.get("errors", []):
        console.print(f"[yellow]mutator error: {error}[/]")
