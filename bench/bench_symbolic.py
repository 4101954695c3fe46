"""Sequence engines, measured in one run: Manticore vs halmos on the same property (ratios), the symbolic stage on
the platform (cold = with each engine's build, warm = exploration only), the cost of a second transaction
(halmos invariant depth, Manticore tx depth: 1 vs 2 per SEQ spec, on a cold copy of the platform) and every SEQ
mutant per engine (with DEPLOY-01/LIVE-01 for theirs).

Run: .venv/bin/python bench/bench_symbolic.py [--fixture-only] [--no-mutants] [--no-depth]

Engines run fastest first (fuzz, halmos, manticore), as in `verify all`, with their default bounds (Manticore
60 s per harness). Prints wall seconds and verdicts; the issue's targets are checked at the end (printed, not
asserted: these machines are shared and noisy).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers import toolchain  # noqa: E402
from checkers.base import Finding, Severity, Spec  # noqa: E402
from checkers.engines.fuzz.engine import FuzzChecker  # noqa: E402
from checkers.engines.halmos.engine import HalmosChecker  # noqa: E402
from checkers.engines.manticore.engine import ManticoreChecker  # noqa: E402
from checkers.engines.sequence.checker import SequenceChecker  # noqa: E402
from checkers.engines.sequence.harness import mutant_project  # noqa: E402
from checkers.target import Target, copy_project  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "symbolic"
CHECK_TIMEOUT_S = 600.0


def engines() -> list[SequenceChecker]:
    return [FuzzChecker(), HalmosChecker(), ManticoreChecker()]


def timed(engine: SequenceChecker, spec: Spec, target: Target) -> tuple[float, Finding]:
    started = time.monotonic()
    [finding] = engine.check(spec, target, CHECK_TIMEOUT_S)
    return time.monotonic() - started, finding


def line(label: str, engine: str, seconds: float, finding: Finding) -> None:
    print(f"  {label:34s} {engine:9s} {seconds:7.1f} s  {finding.verdict.name:13s} {finding.summary[:80]}")


def fixture_ratio(scratch: Path) -> None:
    spec = Spec("SEQ-01", "fixture vault", "bench", Severity.HIGH, "solvency", ("MiniVault",), engines=("halmos",))
    root = copy_project(FIXTURE, scratch / "fixture")
    shutil.copyfile(FIXTURE / "broken" / "WithdrawNoLiquidityCheck.sol", root / "src" / "MiniVault.sol")
    target = Target(root=root, label="WithdrawNoLiquidityCheck")
    print("== Manticore vs halmos, same property: fixture vault SEQ-01, broken withdraw (warm builds)")
    for engine in (HalmosChecker(), ManticoreChecker()):
        engine.check(spec, target, CHECK_TIMEOUT_S)
    t_h, f_h = timed(HalmosChecker(), spec, target)
    t_m, f_m = timed(ManticoreChecker(), spec, target)
    line(target.label, "halmos", t_h, f_h)
    line(target.label, "manticore", t_m, f_m)
    print(f"  ratio manticore/halmos = {t_m / max(t_h, 1e-9):.2f}x")


def platform_stage(scratch: Path) -> dict[str, dict[str, float]]:
    from specs.sequences import SPECS

    platform = Target(root=copy_project(toolchain.PLATFORM_PROJECT, scratch / "platform"), label="platform")
    warm: dict[str, dict[str, float]] = {}
    for phase in ("cold", "warm"):
        print(f"== symbolic stage on the platform, {phase} (SEQ specs x 3 engines + DEPLOY-01/LIVE-01 on fuzz, "
              f"one after another)")
        total = 0.0
        for spec in SPECS:
            for engine in engines():
                if engine.NAME not in spec.engines:
                    continue
                seconds, finding = timed(engine, spec, platform)
                total += seconds
                warm.setdefault(spec.id, {})[engine.NAME] = seconds
                line(spec.id, engine.NAME, seconds, finding)
        print(f"  total {phase}: {total:.1f} s ({total / 60:.1f} min; target: under 5 min)")
    print("== Manticore vs halmos on the same SEQ property, platform, warm")
    for spec_id, times in warm.items():
        if "manticore" in times and "halmos" in times:
            print(f"  {spec_id}: manticore {times['manticore']:.1f} s, halmos {times['halmos']:.1f} s, "
                  f"ratio {times['manticore'] / max(times['halmos'], 1e-9):.2f}x")
    return warm


def depth_cost(scratch: Path) -> None:
    """What a second transaction costs: halmos invariant_ at depth 2 and Manticore with two transactions, each
    on a fresh copy of the platform (cold: the engine's own build included, as in a cold `verify all`), beside
    depth 1 on the same copy right after (warm)."""
    from specs.sequences import SEQUENCE_SPECS

    print("== transaction depth 1 vs 2 on the platform (cold = first check on a fresh copy, with its build)")
    variants = (("halmos", lambda d: HalmosChecker(invariant_depth=0 if d == 1 else d)),
                ("manticore", lambda d: ManticoreChecker(tx_depth=d)))
    for name, make in variants:
        root = copy_project(toolchain.PLATFORM_PROJECT, scratch / f"depth-{name}")
        platform = Target(root=root, label="platform")
        for spec in SEQUENCE_SPECS:
            for depth in (2, 1):
                seconds, finding = timed(make(depth), spec, platform)
                line(f"{spec.id} depth {depth}", name, seconds, finding)


def mutants(scratch: Path) -> None:
    from checkers.mutants import load_mutants
    from specs.sequences import SPECS

    known = load_mutants()
    print("== every SEQ mutant, each engine (first run per mutant includes that engine's build)")
    slowest_manticore: list[tuple[str, float, str]] = []
    for spec in SPECS:
        for name in spec.mutants:
            if name not in known:
                print(f"  {spec.id}: mutant {name} not present, skipped")
                continue
            into = scratch / name
            into.mkdir()
            target = Target(root=mutant_project(name, into), label=name)
            for engine in engines():
                if engine.NAME not in spec.engines:
                    continue
                seconds, finding = timed(engine, spec, target)
                line(f"{spec.id} {name}", engine.NAME, seconds, finding)
                if engine.NAME == "manticore":
                    explore = seconds - float(finding.evidence.bounds.get("setup_s", 0) or 0)
                    slowest_manticore.append((name, explore, finding.verdict.name))
    print("== Manticore on the SEQ mutants (exploration seconds, build excluded; target: under 60 s each)")
    for name, seconds, verdict in slowest_manticore:
        print(f"  {name:34s} {seconds:6.1f} s  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture-only", action="store_true")
    parser.add_argument("--no-mutants", action="store_true")
    parser.add_argument("--no-depth", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-symbolic-"))
    os.environ.setdefault("VERIFY_OUT_DIR", str(scratch / "out"))
    started = time.monotonic()
    try:
        fixture_ratio(scratch)
        if not args.fixture_only:
            platform_stage(scratch)
            if not args.no_depth:
                depth_cost(scratch)
            if not args.no_mutants:
                mutants(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"bench wall time: {time.monotonic() - started:.0f} s, load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
