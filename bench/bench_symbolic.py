"""Sequence engines: Manticore vs halmos time on the same property (ratio), then each engine's time per SEQ spec
on the platform and on the spec's mutant. Run: .venv/bin/python bench/bench_symbolic.py [--fixture-only]

Engines run fastest first (fuzz, halmos, manticore), as in `verify all`. Prints wall times and verdicts.
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
from checkers.base import Severity, Spec  # noqa: E402
from checkers.fuzz.engine import FuzzChecker  # noqa: E402
from checkers.halmos_runs.engine import HalmosChecker  # noqa: E402
from checkers.manticore_runs.engine import ManticoreChecker  # noqa: E402
from checkers.symbolic_harness import mutant_project  # noqa: E402
from checkers.target import Target, copy_project  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "symbolic"


def _timed(engine, spec, target, budget):
    started = time.monotonic()
    [finding] = engine.check(spec, target, budget)
    return time.monotonic() - started, finding


def _fixture(scratch: Path, broken: str | None) -> Target:
    into = scratch / (broken or "correct")
    into.mkdir(parents=True)
    root = copy_project(FIXTURE, into)
    if broken:
        shutil.copyfile(FIXTURE / "broken" / f"{broken}.sol", root / "src" / "MiniVault.sol")
    return Target(root=root, label=broken or "platform")


def ratio_on_fixture(scratch: Path) -> None:
    spec = Spec("SEQ-01", "fixture vault", "bench", Severity.HIGH, "solvency", ("MiniVault",), engines=("halmos",))
    print("== Manticore vs halmos, same property (fixture vault SEQ-01, broken withdraw), warm builds")
    target = _fixture(scratch, "WithdrawNoLiquidityCheck")
    for engine in (HalmosChecker(), ManticoreChecker(budget_s=300)):
        engine.check(spec, target, 600)  # warm the engine's build
    t_h, f_h = _timed(HalmosChecker(), spec, target, 600)
    t_m, f_m = _timed(ManticoreChecker(budget_s=300), spec, target, 600)
    print(f"halmos    {t_h:7.1f} s  {f_h.verdict.name}  {f_h.summary}")
    print(f"manticore {t_m:7.1f} s  {f_m.verdict.name}  {f_m.summary}")
    print(f"ratio manticore/halmos = {t_m / max(t_h, 1e-9):.1f}x")


def per_spec_on_platform(scratch: Path, budget: float) -> None:
    from specs.sequences import SPECS

    from checkers.mutants import load_mutants

    known = load_mutants()
    platform = Target(root=copy_project(toolchain.PLATFORM_PROJECT, scratch / "platform"), label="platform")
    print(f"== per SEQ spec, platform and mutant (budget {budget:g} s per engine run)")
    total = 0.0
    for spec in SPECS:
        targets = [platform]
        for name in spec.mutants:
            if name in known:
                into = scratch / name
                into.mkdir()
                targets.append(Target(root=mutant_project(name, into), label=name))
            else:
                print(f"{spec.id}: mutant {name} not present, skipped")
        for target in targets:
            for engine in (FuzzChecker(), HalmosChecker(), ManticoreChecker()):
                seconds, finding = _timed(engine, spec, target, budget)
                total += seconds
                print(f"{spec.id} {target.label:32s} {engine.NAME:9s} {seconds:7.1f} s  {finding.verdict.name:13s} "
                      f"{finding.summary[:90]}")
    print(f"total symbolic stage: {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture-only", action="store_true")
    parser.add_argument("--budget", type=float, default=300.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-symbolic-"))
    os.environ.setdefault("VERIFY_OUT_DIR", str(scratch / "out"))
    try:
        ratio_on_fixture(scratch)
        if not args.fixture_only:
            per_spec_on_platform(scratch, args.budget)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
