"""Interim command: list the Z3 specs and run them, printing each verdict and its evidence.

    python -m checkers.engines.z3 [SPEC_ID ...] [--target-mutant NAME] [--project DIR] [--no-build]
                                 [--timeout S] [--list]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from checkers import toolchain
from checkers.base import Spec
from checkers.errors import VerifyError


def _z3_specs() -> list[Spec]:
    from checkers.catalogue import load_catalogue
    from checkers.errors import SpecError
    from specs import all_specs

    try:
        specs = load_catalogue()
    except SpecError as exc:  # another owner's declarations may be mid-work: say so, keep going
        print(f"warning: catalogue validation failed ({exc.message}); using the raw declarations", file=sys.stderr)
        specs = all_specs()
    return [s for s in specs if "z3" in s.engines]


def _target(args: argparse.Namespace):
    from checkers.target import Target

    if args.target_mutant:
        from checkers.mutants import build_mutant, load_mutants

        mutants = load_mutants()
        if args.target_mutant not in mutants:
            raise VerifyError(f"unknown mutant {args.target_mutant!r} (contracts/mutants/*.patch)")
        return build_mutant(mutants[args.target_mutant])
    root = Path(args.project) if args.project else toolchain.PLATFORM_PROJECT
    return Target(root=root.resolve()) if args.no_build else Target.build(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checkers.engines.z3", description=__doc__.splitlines()[0])
    parser.add_argument("spec_ids", nargs="*", metavar="SPEC_ID")
    parser.add_argument("--target-mutant", metavar="NAME")
    parser.add_argument("--project", metavar="DIR", help="Foundry project (default: contracts/)")
    parser.add_argument("--no-build", action="store_true", help="use the project's existing out/")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per-spec solver timeout")
    parser.add_argument("--list", action="store_true", help="list the Z3 specs and exit")
    args = parser.parse_args(argv)
    try:
        from checkers.engines.z3.engine import Z3Checker

        specs = _z3_specs()
        if args.spec_ids:
            unknown = sorted(set(args.spec_ids) - {s.id for s in specs})
            if unknown:
                raise VerifyError(f"no Z3 spec named {', '.join(unknown)}")
            specs = [s for s in specs if s.id in args.spec_ids]
        if args.list:
            for s in specs:
                print(f"{s.id:8} {s.severity.value:8} {s.title}")
            return 0
        target = _target(args)
        engine = Z3Checker()
        ok = engine.available()
        if not ok.ok:
            raise VerifyError(f"z3 engine unavailable: {ok.reason}")
        start = time.monotonic()
        worst = 0
        for spec in specs:
            for f in engine.check(spec, target, args.timeout):
                shown = "ACCEPTED_RISK" if f.verdict.name == "VIOLATED" and spec.accepted_risk else f.verdict.name
                print(f"{f.spec_id:8} {shown:13} {f.duration_s:6.2f}s  {f.summary}")
                ev = f.evidence
                if ev.domain:
                    print(f"{'':8} domain: {ev.domain}")
                if ev.counterexample:
                    cex = ev.counterexample
                    print(f"{'':8} counterexample: " + ", ".join(f"{k}={v}" for k, v in cex.inputs.items()))
                    if cex.state:
                        print(f"{'':8} observed: " + ", ".join(f"{k}={v}" for k, v in cex.state.items()))
                if spec.accepted_risk and f.verdict.name == "VIOLATED":
                    print(f"{'':8} accepted risk: {spec.accepted_risk}")
                if not (f.verdict.passes or (f.verdict.name == "VIOLATED" and spec.accepted_risk)):
                    worst = max(worst, 1 if f.verdict.name == "VIOLATED" else 3)
        print(f"{len(specs)} specs on {target.label} in {time.monotonic() - start:.2f} s")
        return worst
    except VerifyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
