"""A mutation campaign: sampled generated mutants, each built in a copy and judged by the spec catalogue and by
the forge suite.

Per mutant: apply its diff strictly in a copy of the campaign's reference build of the platform (built once,
optimizer off unless --optimize; workspace.copy_for_mutant: forge rebuilds only the mutated file and its
importers), build src/ and the tests, run every selected spec through the runner with the result cache (a spec whose contracts' compiled inputs do not include the mutated file hits the platform's cached
verdict, which is exactly the verdict it would get again: the key hashes their bytecode and every source in their
metadata), then `forge test` without the symbolic harnesses.
  - toolkit kill: some spec's finding is VIOLATED on the mutant (checkers.results.kills) while it is not on the
    platform (a spec already violated on the platform, e.g. an accepted risk, cannot tell a mutant apart);
  - forge kill: a failing test, tests that no longer compile against the mutant, or a hang;
  - a mutant that does not compile is discarded and counted; one triaged as equivalent is listed, not run.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkers.base import Spec
from checkers.config import Config
from checkers.errors import BuildError, VerifyError
from checkers.mutate import patches, precheck
from checkers.mutate.generate import Catalogue, GeneratedMutant
from checkers.mutate.sample import SAMPLER, order
from checkers.mutate.workspace import SuiteOutcome, SuiteRun, copy_for_mutant, forge_suite, reference_copy
from checkers.runner import terminate_as_interrupt
from checkers.target import Target

Log = Callable[[str], None]


@dataclass(frozen=True)
class MutantRun:
    mutant: GeneratedMutant
    status: str  # "evaluated", "uncompilable", "equivalent", "error"
    toolkit_by: tuple[str, ...] = ()  # "SPEC/engine" whose finding is VIOLATED on the mutant
    forge: SuiteOutcome | None = None
    checks: int = 0  # (spec, engine) checks planned on the mutant
    checks_ran: int = 0  # of which not answered by the cache
    build_s: float = 0.0
    specs_s: float = 0.0
    forge_s: float = 0.0
    seconds: float = 0.0
    note: str = ""
    engine_s: tuple[tuple[str, float], ...] = ()  # engine -> seconds of its checks that ran (not cached)

    @property
    def toolkit_killed(self) -> bool:
        return bool(self.toolkit_by)

    @property
    def forge_killed(self) -> bool:
        return self.forge is not None and self.forge.kills


@dataclass(frozen=True)
class Campaign:
    generator: str
    sampler: str
    seed: int
    requested: int
    catalogue: Catalogue
    candidates: int  # mutants in the catalogue after --operators/--files filters
    toolkit: bool
    forge: bool
    engines: tuple[str, ...]
    specs: tuple[str, ...]
    platform_violated: tuple[str, ...]  # specs VIOLATED on the platform itself: they cannot kill a mutant
    baseline_forge: SuiteOutcome | None
    runs: tuple[MutantRun, ...]
    equivalent_stale: tuple[str, ...]  # triaged ids the generator no longer produces
    baseline_s: float
    wall_s: float
    precheck: str  # "solc-js type check" or why it was skipped
    notes: tuple[str, ...] = field(default_factory=tuple)
    optimize: bool = False  # the solc optimizer in the reference and mutant builds
    first_kill: bool = False  # the specs stopped at the first engine tier that killed a mutant

    @property
    def evaluated(self) -> list[MutantRun]:
        return [r for r in self.runs if r.status == "evaluated"]


def select(catalogue: Catalogue, operators: Sequence[str] = (), files: Sequence[str] = ()) -> list[GeneratedMutant]:
    """Mutants whose operator is in `operators` and whose file matches one of `files` (a path or stem), if given."""
    ops = {o.upper() for o in operators}
    known = {m.operator for m in catalogue.mutants}
    bad = sorted(ops - known)
    if bad:
        raise VerifyError(f"--operators: unknown operator {bad[0]} (generated: {', '.join(sorted(known))})")
    wanted = {f.lower() for f in files}
    if wanted:
        stems = {Path(f).stem.lower() for f in catalogue.files} | {f.lower() for f in catalogue.files}
        missing = sorted(wanted - stems)
        if missing:
            raise VerifyError(f"--files: {missing[0]} is not a mutated file ({', '.join(catalogue.files)})")
    return [m for m in catalogue.mutants if (not ops or m.operator in ops)
            and (not wanted or m.file.lower() in wanted or Path(m.file).stem.lower() in wanted)]


def run_campaign(platform: Target, specs: Sequence[Spec], config: Config, catalogue: Catalogue, seed: int,
                 sample: int, equivalent: dict[str, str], toolkit: bool = True, forge: bool = True,
                 operators: Sequence[str] = (), files: Sequence[str] = (), log: Log = lambda _: None,
                 checkpoint: Callable[[Campaign], None] = lambda _: None, optimize: bool = False,
                 first_kill: bool = False) -> Campaign:
    """Evaluate the first `sample` mutants of the seeded order that compile; `checkpoint` gets the campaign so
    far after every mutant (a long campaign that is stopped still leaves its matrix). SIGTERM stops it like
    Ctrl-C: the mutant's forge run and copies are removed.

    Every judgement is made against a reference copy of the platform (optimizer off unless `optimize`), not
    the platform's own build: the specs' and the forge suite's baselines and every mutant come from it."""
    scratch = Path(tempfile.mkdtemp(prefix="verify-mutate-ref-"))
    try:
        with terminate_as_interrupt():
            log(f"reference: copying the platform, optimizer {'on' if optimize else 'off'}, building src/ and tests")
            reference = _build_reference(platform, scratch, optimize)
            return _run(reference, specs, config, catalogue, seed, sample, equivalent, toolkit, forge, operators,
                        files, log, checkpoint, optimize, first_kill)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _build_reference(platform: Target, scratch: Path, optimize: bool) -> Target:
    root = reference_copy(platform.root, scratch, optimize)
    try:
        return Target.build(root, label="reference")
    except BuildError as exc:
        raise VerifyError(f"the unmutated platform does not build in the campaign's reference copy "
                          f"(optimizer {'on' if optimize else 'off'}): {exc.message}") from None


def _run(reference: Target, specs: Sequence[Spec], config: Config, catalogue: Catalogue, seed: int, sample: int,
         equivalent: dict[str, str], toolkit: bool, forge: bool, operators: Sequence[str], files: Sequence[str],
         log: Log, checkpoint: Callable[[Campaign], None], optimize: bool, first_kill: bool) -> Campaign:
    started = time.monotonic()
    candidates = select(catalogue, operators, files)
    platform_violated: tuple[str, ...] = ()
    if toolkit:
        log(f"reference: {len(specs)} specs (cached verdicts are reused)")
        results = _check(reference, specs, config)
        platform_violated = tuple(sorted({r.finding.spec_id for r in results if _kills(r)}))
        if platform_violated:
            log(f"reference: {', '.join(platform_violated)} VIOLATED on the unmutated platform: excluded as killers")
    baseline_forge = None
    if forge:
        with tempfile.TemporaryDirectory(prefix="verify-mutate-base-") as scratch:
            baseline_forge = forge_suite(copy_for_mutant(reference.root, Path(scratch)), fail_fast=False)
        if baseline_forge.status != "pass":
            raise VerifyError(f"forge test does not pass on the unmutated project ({baseline_forge.status}: "
                              f"{', '.join(baseline_forge.failed[:3]) or baseline_forge.detail}): fix it first")
        log(f"reference: forge suite passes ({baseline_forge.tests} tests, {baseline_forge.seconds:.1f} s)")
    baseline_s = time.monotonic() - started

    runs: list[MutantRun] = []
    queue = order(candidates, seed)
    evaluated = 0
    position = 0
    precheck_note = "solc-js type check (checkers/mutate/analyse.js)"
    stale = tuple(sorted(i for i in equivalent if i not in catalogue.by_id()))

    def snapshot() -> Campaign:
        return Campaign(catalogue.generator, SAMPLER, seed, sample, catalogue, len(candidates), toolkit, forge,
                        tuple(config.engines), tuple(s.id for s in specs), platform_violated, baseline_forge,
                        tuple(runs), stale, round(baseline_s, 2), round(time.monotonic() - started, 2), precheck_note,
                        optimize=optimize, first_kill=first_kill)

    while evaluated < sample and position < len(queue):
        batch: list[GeneratedMutant] = []
        while position < len(queue) and len(batch) < (sample - evaluated) + 4:
            m = queue[position]
            position += 1
            if m.id in equivalent:
                runs.append(MutantRun(m, "equivalent", note=equivalent[m.id]))
                log(f"{m.id}: triaged equivalent ({equivalent[m.id]})")
                continue
            batch.append(m)
        checked_at = time.monotonic()
        verdicts = precheck.type_check(reference.root, [(m.id, m.file, _mutated_text(reference.root, m))
                                                       for m in batch])
        share = (time.monotonic() - checked_at) / max(1, len(batch))
        if verdicts is None:
            precheck_note = "skipped (the unmutated sources do not type-check with analyse.js)"
            verdicts = {}
        for m in batch:
            if evaluated >= sample:
                break
            error = verdicts.get(m.id)
            if error:
                runs.append(MutantRun(m, "uncompilable", seconds=round(share, 2), note=error))
                log(f"{m.id}: does not compile ({error[:100]})")
                continue
            run = _evaluate(m, reference, specs, config, platform_violated, toolkit, forge, share, first_kill)
            runs.append(run)
            if run.status == "evaluated":
                evaluated += 1
                log(_line(evaluated, sample, run))
            else:
                log(f"{m.id}: {run.status} ({run.note[:100]})")
            checkpoint(snapshot())
    return snapshot()


def _mutated_text(root: Path, mutant: GeneratedMutant) -> str:
    return patches.apply(patches.parse(mutant.diff, mutant.id), (root / mutant.file).read_text(), mutant.id)


def _evaluate(m: GeneratedMutant, reference: Target, specs: Sequence[Spec], config: Config,
              platform_violated: tuple[str, ...], toolkit: bool, forge: bool, precheck_s: float,
              first_kill: bool = False) -> MutantRun:
    """Build src/ in a copy of the reference (a mutant that does not compile stops here), then its tests in the
    same copy, once for both judges; then the forge suite in a second copy of that build (nothing left to
    compile) while the specs run in the first (two forge runs must not share a cache)."""
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="verify-mutate-"))
    suite: SuiteRun | None = None
    try:
        copy = copy_for_mutant(reference.root, scratch / "specs")
        (copy / m.file).write_text(_mutated_text(reference.root, m))
        try:
            target = Target.build(copy, label=m.id, paths=("src",))
        except BuildError as exc:
            return MutantRun(m, "uncompilable", build_s=round(time.monotonic() - started, 2),
                             seconds=round(time.monotonic() - started + precheck_s, 2), note=exc.message)
        _build_tests(copy)
        built = time.monotonic()
        if forge:
            suite = SuiteRun(copy_for_mutant(copy, scratch / "forge"))
        by: tuple[str, ...] = ()
        checks = ran = 0
        engine_s: dict[str, float] = {}
        if toolkit:
            results = _check_mutant(target, specs, config, platform_violated, first_kill)
            checks, ran = len(results), sum(not r.cached for r in results)
            by = tuple(sorted({f"{r.finding.spec_id}/{r.finding.engine}" for r in results
                               if _kills(r) and r.finding.spec_id not in platform_violated}))
            for r in results:
                if not r.cached:
                    engine_s[r.finding.engine] = engine_s.get(r.finding.engine, 0.0) + (r.finding.duration_s or 0.0)
        checked = time.monotonic()
        outcome = suite.wait() if suite is not None else None
        done = time.monotonic()
        return MutantRun(m, "evaluated", by, outcome, checks, ran, round(built - started, 2),
                         round(checked - built, 2), outcome.seconds if outcome else 0.0,
                         round(done - started + precheck_s, 2),
                         engine_s=tuple(sorted((e, round(t, 1)) for e, t in engine_s.items())))
    finally:
        if suite is not None:
            suite.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _build_tests(root: Path) -> None:
    """The tests and harnesses against the mutated src/. If they do not compile against it, the forge suite
    reports that as its build error (a kill) and the spec engines report what they can."""
    try:
        Target.build(root, label="tests")
    except BuildError:
        pass


# Engines grouped by cost, cheapest first. With `first_kill`, a mutant killed by one group is not shown to the next.
ENGINE_TIERS: tuple[frozenset[str], ...] = (
    frozenset({"upgrade", "z3", "slither"}), frozenset({"props", "fuzz"}), frozenset({"halmos"}),
    frozenset({"manticore"}),
)


def _tier(engine: str) -> int:
    """An engine's tier; an engine outside ENGINE_TIERS gets a tier of its own after them, in registry order."""
    from checkers.engines import engine_rank

    return next((i for i, tier in enumerate(ENGINE_TIERS) if engine in tier), len(ENGINE_TIERS) + engine_rank(engine))


def _check_mutant(target: Target, specs: Sequence[Spec], config: Config, platform_violated: tuple[str, ...],
                  first_kill: bool = False):
    """The checks tier by tier (ENGINE_TIERS, cheapest first), each tier's checks in parallel.

    A spec already killed by an earlier tier is not checked again (its slower engines could only confirm the
    kill); with `first_kill`, nothing further runs once any spec killed the mutant (the kill rate is the same, the
    "killed by" list shows the cheapest killers only). A surviving mutant always meets every engine of every spec.
    """
    from checkers.runner import plan, run_checks

    os.environ.setdefault("VERIFY_OUT_DIR", str(Path(config.out).resolve()))
    checks = plan(specs, target, config)
    results: dict[int, Any] = {}
    killed: set[str] = set()
    for tier in sorted({_tier(c.engine) for c in checks}):
        if first_kill and killed:
            break
        batch = [i for i, c in enumerate(checks) if _tier(c.engine) == tier and c.spec.id not in killed]
        results.update(zip(batch, run_checks([checks[i] for i in batch], config)))
        killed |= {checks[i].spec.id for i in batch if _kills(results[i]) and checks[i].spec.id not in platform_violated}
    return [results[i] for i in sorted(results)]


def _check(target: Target, specs: Sequence[Spec], config: Config):
    from checkers.runner import plan, run_checks

    os.environ.setdefault("VERIFY_OUT_DIR", str(Path(config.out).resolve()))
    return run_checks(plan(specs, target, config), config)


def _kills(result) -> bool:
    from checkers.results import kills

    return kills(result)


def _line(n: int, total: int, run: MutantRun) -> str:
    toolkit = ("killed by " + ", ".join(run.toolkit_by)) if run.toolkit_by else "survived"
    forge = "-" if run.forge is None else ("killed" if run.forge_killed else "survived")
    return (f"[{n}/{total}] {run.mutant.id}: toolkit {toolkit}; forge {forge} "
            f"({run.seconds:.1f} s: build {run.build_s:.1f}, specs {run.specs_s:.1f} [{run.checks_ran} ran], "
            f"forge {run.forge_s:.1f})")
