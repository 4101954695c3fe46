"""A mutation campaign in one run: toolkit vs forge kill rates per operator and per file, and seconds per mutant.

    flock /tmp/heavy.lock .venv/bin/python bench/bench_mutate.py --sample 60 --seed 11 [--out DIR] [-- --engines z3]
    .venv/bin/python bench/bench_mutate.py --from out/mutation/mutation.json     # re-print a finished campaign
    .venv/bin/python bench/bench_mutate.py --build-compare                      # incremental vs plain copy build
    .venv/bin/python bench/bench_mutate.py --build-floor                        # the least a mutant's build costs

Runs `verify mutate` (the platform, every spec with the result cache, and the forge suite) and prints the matrix
from its mutation.json. Target: < 20 s per mutant on the 2-core machine. --build-compare times the one-line-change
build that dominated the old per-mutant cost: `forge build src` in a plain copy of contracts/ vs in a copy whose
forge cache is rebased (checkers/mutate/workspace.py), for one PerpMath mutant. --build-floor times what every
mutant must compile before any judge runs (in the campaign's optimizer-off reference copy, a comment added to one
src file: src/, then the tests and harnesses that import it), beside the per-mutant target.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 20.0


def pct(value) -> str:
    return "   -" if value is None else f"{100 * value:3.0f}%"


def print_matrix(data: dict) -> None:
    s = data["summary"]
    print(f"generator {data['generator']}; {data['catalogue']['mutants']} mutants generated")
    print(f"sampler   {data['sampler']}; seed {data['seed']}; requested {data['requested']}")
    for title, key in (("operator", "per_operator"), ("file", "per_file")):
        print(f"\n{title:<30} {'n':>3} {'toolkit':>13} {'forge':>13} {'either':>6} {'no-compile':>10}")
        for name, g in data[key].items():
            print(f"{name:<30} {g['evaluated']:>3} {g['toolkit_killed']:>5} ({pct(g['toolkit_rate'])}) "
                  f"{g['forge_killed']:>5} ({pct(g['forge_rate'])}) {g['either']:>6} {g['uncompilable']:>10}")
    print(f"\nevaluated {s['evaluated']}, did not compile {s['uncompilable']}, equivalent {s['equivalent']}")
    print(f"toolkit kill rate {pct(s['toolkit_rate'])}   forge kill rate {pct(s['forge_rate'])}   "
          f"either {s['either_killed']}/{s['evaluated']}")
    per = s["seconds_per_mutant"]
    verdict = "-" if per is None else ("ok" if per < TARGET_S else "MISSED")
    print(f"seconds per mutant {per} (target < {TARGET_S:.0f} s: {verdict}); mean build {s['mean_build_s']} s, "
          f"specs {s['mean_specs_s']} s, forge {s['mean_forge_s']} s (specs and forge run side by side)")
    survivors = [m for m in data["mutants"] if m["id"] in set(data["survivors"])]
    print(f"survivors ({len(survivors)}):")
    for m in survivors:
        print(f"  {m['file']}:{m['line']} {m['operator']:<5} {m['after'][:70]}")


def build_compare() -> None:
    from checkers import toolchain
    from checkers.mutate.workspace import copy_for_mutant
    from checkers.target import Target, copy_project, scratch_dir

    project = toolchain.PLATFORM_PROJECT
    Target.build(project)
    times = {}
    for label in ("plain copy", "rebased copy"):
        scratch = scratch_dir("bench-mutate-")
        copy = copy_project(project, scratch) if label == "plain copy" else copy_for_mutant(project, scratch)
        math = copy / "src" / "libraries" / "PerpMath.sol"
        math.write_text(math.read_text().replace("return hf < WAD;", "return hf <= WAD;"))
        started = time.monotonic()
        Target.build(copy, paths=("src",))
        times[label] = time.monotonic() - started
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"forge build src after a one-line PerpMath change: plain copy {times['plain copy']:.1f} s, "
          f"rebased copy {times['rebased copy']:.1f} s ({times['plain copy'] / times['rebased copy']:.1f}x)")


FLOOR_FILES = ("src/LiquidationEngine.sol", "src/PositionManager.sol", "src/libraries/PerpMath.sol")


def build_floor() -> None:
    from checkers import toolchain
    from checkers.mutate.workspace import copy_for_mutant, reference_copy
    from checkers.target import Target, scratch_dir

    scratch = scratch_dir("bench-floor-")
    try:
        started = time.monotonic()
        reference = reference_copy(toolchain.PLATFORM_PROJECT, scratch, optimize=False)
        Target.build(reference)
        print(f"reference build (optimizer off, src and tests): {time.monotonic() - started:.1f} s")
        for name in FLOOR_FILES:
            copy = copy_for_mutant(reference, scratch / Path(name).stem)
            (copy / name).write_text((copy / name).read_text() + "\n// a comment: the least a mutant changes\n")
            started = time.monotonic()
            Target.build(copy, paths=("src",))
            src = time.monotonic() - started
            Target.build(copy)
            total = time.monotonic() - started
            print(f"{name:<32} src/ {src:5.1f} s, then its tests {total - src:5.1f} s: {total:5.1f} s per mutant "
                  f"before any judge ({total / TARGET_S:.1f}x the {TARGET_S:.0f} s target)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, help="report directory (default: a scratch dir, kept)")
    parser.add_argument("--from", dest="source", type=Path, help="print an existing mutation.json instead")
    parser.add_argument("--build-compare", action="store_true", help="only time the incremental build")
    parser.add_argument("--build-floor", action="store_true", help="only time a mutant's least possible build")
    parser.add_argument("extra", nargs="*", help="extra `verify mutate` options after --")
    args = parser.parse_args()
    if args.build_compare:
        build_compare()
        return
    if args.build_floor:
        build_floor()
        return
    if args.source:
        print_matrix(json.loads(args.source.read_text()))
        return
    out = args.out or Path(subprocess.check_output(["mktemp", "-d", "/tmp/bench-mutate-XXXX"], text=True).strip())
    cmd = [sys.executable, "-m", "checkers.cli", "mutate", "--sample", str(args.sample), "--seed", str(args.seed),
           "--out", str(out), *args.extra]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"verify mutate exited {proc.returncode}")
    print(f"\ncampaign wall time {time.monotonic() - started:.0f} s; reports in {out}\n")
    print_matrix(json.loads((out / "mutation.json").read_text()))


if __name__ == "__main__":
    main()
