"""Z3 engine timings: each spec's decision, all specs with conformance, and Alice's counterexample.

    .venv/bin/python bench/bench_z3.py [--project DIR] [--no-build] [--repeat N]

Uses the platform's built harness (contracts/, built incrementally unless --no-build). Prints seconds and
the ratio to each target: every spec decides in < 2 s, all specs together (conformance included, fresh
process state) < 20 s, the Alice counterexample (SOLV-03, obligation built and solved) < 1 s.
Wall and CPU seconds are both printed: on a shared machine the wall time grows with the load average
(printed), the CPU time does not; a target counts as met when the wall time meets it, and "met on CPU"
is printed when only the CPU time does.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers import toolchain  # noqa: E402
from checkers.target import Target  # noqa: E402

SPEC_TARGET_S, ALL_TARGET_S, ALICE_TARGET_S = 2.0, 20.0, 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=str(toolchain.PLATFORM_PROJECT))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="decide each spec N times, report the best")
    args = parser.parse_args()
    root = Path(args.project).resolve()
    target = Target(root=root) if args.no_build else Target.build(root)

    from checkers.engines.z3 import conformance
    from checkers.engines.z3.engine import Z3Checker
    from checkers.engines.z3.prover import decide
    from checkers.engines.z3.registry import OBLIGATIONS
    from specs import all_specs

    specs = [s for s in all_specs() if s.id in OBLIGATIONS]
    engine = Z3Checker()

    # 1. everything as the runner does it: conformance (once, cached) + every spec, from a cold process state
    started, cpu_started = time.monotonic(), time.process_time()
    findings = {s.id: engine.check(s, target, 10.0)[0] for s in specs}
    total, total_cpu = time.monotonic() - started, time.process_time() - cpu_started
    report = conformance.run(target)

    # 2. each spec's decision alone (obligation built + solver queries), best of --repeat
    print(f"{'spec':8} {'verdict':9} {'wall s':>7} {'cpu s':>7} {'/2 s':>6}")
    worst = worst_cpu = 0.0
    for spec in specs:
        best, best_cpu = min(_timed(lambda: decide(OBLIGATIONS[spec.id](), 10.0)) for _ in range(args.repeat))
        worst, worst_cpu = max(worst, best), max(worst_cpu, best_cpu)
        print(f"{spec.id:8} {findings[spec.id].verdict.name:9} {best:7.3f} {best_cpu:7.3f} "
              f"{best / SPEC_TARGET_S:6.2f}")

    # 3. Alice's counterexample: build the naive obligation and solve it
    alice, alice_cpu = min(_timed(lambda: decide(OBLIGATIONS["SOLV-03"](), 10.0)) for _ in range(max(args.repeat, 3)))
    cex = findings["SOLV-03"].evidence.counterexample

    print()
    print(f"conformance: {report.total_calls} inputs over {len(report.calls)} functions in {report.seconds:.2f} s "
          f"({1000 * report.seconds / max(report.total_calls, 1):.2f} ms per input, EVM + model), "
          f"mismatches: {len(report.mismatches)}")
    rows = [("slowest spec decision", worst, worst_cpu, SPEC_TARGET_S),
            (f"all {len(specs)} specs incl. conformance", total, total_cpu, ALL_TARGET_S),
            ("Alice counterexample (SOLV-03)", alice, alice_cpu, ALICE_TARGET_S)]
    verdicts = []
    for label, wall, cpu, goal in rows:
        verdict = "met" if wall < goal else "met on CPU" if cpu < goal else "MISSED"
        verdicts.append(verdict)
        print(f"{label}: {wall:.3f} s wall, {cpu:.3f} s CPU (target < {goal:g} s, ratio {wall / goal:.2f}): {verdict}")
    print("Alice: " + (cex.explanation if cex else "no counterexample"))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 1 if "MISSED" in verdicts else 0


def _timed(fn) -> tuple[float, float]:
    start, cpu = time.monotonic(), time.process_time()
    fn()
    return time.monotonic() - start, time.process_time() - cpu


if __name__ == "__main__":
    sys.exit(main())
