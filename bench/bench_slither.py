"""The whole Slither pass over the platform (parse the build-info, 11 custom detectors, Slither's
High/Medium/Low built-ins, every slither spec's verdict) against the bare compile it reads.

    .venv/bin/python bench/bench_slither.py [--project DIR] [--scope src|all]

Works on a scratch copy of the project (never builds inside contracts/). The bare compile is
`forge build --build-info --force` (with --scope src: `--skip test --skip script`, the sources the Slither
pass reads). Prints wall and CPU seconds (CPU of forge/solc children for the compile), the ratio
slither/compile and the ratio to the 20 s target. On a shared machine wall time grows with the load
average (printed); CPU time does not.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers import toolchain  # noqa: E402
from checkers.target import Target, copy_project, scratch_dir  # noqa: E402

TARGET_S = 20.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=str(toolchain.PLATFORM_PROJECT))
    parser.add_argument("--scope", choices=("src", "all"), default="src")
    args = parser.parse_args()
    scratch = scratch_dir("bench-slither-")
    try:
        project = copy_project(Path(args.project).resolve(), scratch)
        cmd = [str(toolchain.forge()), "build", "--use", str(toolchain.solc()), "--build-info", "--force"]
        if args.scope == "src":
            cmd += ["--skip", "test", "--skip", "script"]
        cpu0, wall0 = _children_cpu(), time.monotonic()
        proc = subprocess.run(cmd, cwd=project, env=toolchain.tool_env(), capture_output=True, text=True)
        compile_wall, compile_cpu = time.monotonic() - wall0, _children_cpu() - cpu0
        if proc.returncode != 0:
            print(f"bare compile failed: {(proc.stdout + proc.stderr).strip().splitlines()[-1]}", file=sys.stderr)
            return 2

        from checkers.engines.slither.engine import SlitherChecker, analyse
        from specs import all_specs

        engine = SlitherChecker()
        target = Target(root=project, label="platform")
        specs = [s for s in all_specs() if s.id in engine.supported_specs()]
        cpu0, wall0 = time.process_time() + _children_cpu(), time.monotonic()
        verdicts = {s.id: engine.check(s, target, 120)[0].verdict.name for s in specs}
        slither_wall, slither_cpu = time.monotonic() - wall0, time.process_time() + _children_cpu() - cpu0
        analysis = analyse(project)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    load = os.getloadavg()[0]
    print(f"load average (1 min): {load:.1f} on {os.cpu_count()} cores")
    print(f"bare compile ({args.scope}):     wall {compile_wall:6.1f} s   cpu {compile_cpu:6.1f} s")
    print(f"slither pass:              wall {slither_wall:6.1f} s   cpu {slither_cpu:6.1f} s   "
          f"(parse {analysis.parse_s:.1f} s, custom detectors {analysis.custom_s:.2f} s, "
          f"built-ins {analysis.builtin_s:.1f} s; {len(analysis.contracts)} contracts, "
          f"{analysis.functions} functions)")
    print(f"slither / compile:         wall {slither_wall / compile_wall:5.2f}x   "
          f"cpu {slither_cpu / compile_cpu:5.2f}x")
    met = "met" if slither_wall < TARGET_S else ("met on CPU" if slither_cpu < TARGET_S else "NOT met")
    print(f"slither pass / 20 s target: {slither_wall / TARGET_S:5.2f} ({met})")
    print("verdicts: " + ", ".join(f"{k}={v}" for k, v in sorted(verdicts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
