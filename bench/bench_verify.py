"""Cold vs warm `verify all` on the platform, and what a one-contract change re-runs.

    .venv/bin/python bench/bench_verify.py [--contract DataStreamOracle] [--keep]

Works on a scratch copy of contracts/ (the repository's build and result caches are not touched):
  cold  = fresh copy without forge's out/ and cache/, empty result cache (compile + every check)
  warm  = the same command again, nothing changed (targets: < 5 s and >= 20x faster than cold)
  touch = a comment appended to one contract, then again: how many checks re-ran, and which
Targets: cold < 180 s, warm < 5 s, cold/warm >= 20.
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

from checkers.target import copy_project, scratch_dir  # noqa: E402


def run(project: Path, cache: Path, out: Path, extra: list[str]) -> tuple[float, dict, int]:
    cmd = [sys.executable, "-m", "checkers.cli", "all", "--platform", str(project), "--cache-dir", str(cache),
           "--out", str(out), "--no-progress", *extra]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if proc.returncode == 2:
        sys.exit(f"verify failed: {proc.stderr.strip()}")
    return elapsed, json.loads((out / "results.json").read_text()), proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contract", default="DataStreamOracle", help="contract (src/<name>.sol) to touch")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("extra", nargs="*", help="extra verify options, e.g. --jobs 2")
    args = parser.parse_args()

    scratch = scratch_dir("bench-verify-")
    project = copy_project(ROOT / "contracts", scratch)
    for generated in ("out", "cache"):
        shutil.rmtree(project / generated, ignore_errors=True)
    cache, out = scratch / "results-cache", scratch / "out"

    cold, cold_res, code = run(project, cache, out, args.extra)
    warm, warm_res, _ = run(project, cache, out, args.extra)
    source = project / "src" / f"{args.contract}.sol"
    source.write_text(source.read_text() + "\n// bench: touched\n")
    touched, touched_res, _ = run(project, cache, out, args.extra)

    total = cold_res["stats"]["checks"]
    reran = [f"{f['spec_id']}/{f['engine']}" for f in touched_res["findings"] if not f["cached"]]
    ratio = cold / warm if warm else float("inf")
    print(f"specs {len(cold_res['specs'])}, checks {total}, exit code {code}, verdicts {cold_res['counts']}")
    print(f"cold  verify all: {cold:7.2f} s   (target < 180 s: {'ok' if cold < 180 else 'MISSED'})")
    print(f"warm  verify all: {warm:7.2f} s   (target < 5 s: {'ok' if warm < 5 else 'MISSED'}), "
          f"{warm_res['stats']['cached']}/{total} from cache")
    print(f"ratio cold/warm : {ratio:7.1f} x (target >= 20x: {'ok' if ratio >= 20 else 'MISSED'})")
    print(f"touch {args.contract}.sol: {touched:.2f} s, re-ran {len(reran)}/{total} checks: {', '.join(reran) or '-'}")
    if args.keep:
        print(f"scratch kept at {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
