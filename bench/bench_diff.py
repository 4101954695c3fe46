"""`verify diff` measured in one run: the upgrade certificate cold and warm, the cost of equivalence per
selector, and the anchor (halmos on a hand-written equivalence harness, bench/anchors/equivalence).

Run: .venv/bin/python bench/bench_diff.py [--platform-base REF] [--fixture-only]

  fixture   tests/fixtures/upgrade_project as a git repository (v1 committed) with one function refactored and
            one comparison changed: cold (no base build for that commit, empty result cache) then warm (same base,
            same head: the base is reused and every check cached)
  platform  `verify diff --base REF --only UPG,EQV` on the platform (the certificate and the upgrade
            specs; the other specs' base-vs-head comparison is the runner's ordinary cost): cold, then warm
  anchor    halmos 0.3.3 directly on the hand-written harness (two renamed copies, outputs compared)

Targets (issue 14): the whole certificate for the platform under 3 minutes cold on 2 cores, under 10 s warm.
Printed, not asserted: these machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers import toolchain  # noqa: E402
from checkers.assembly import ASSEMBLY_CACHE  # noqa: E402
from checkers.diff_base import BASE_CACHE, resolve  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "upgrade_project"
ANCHOR = ROOT / "bench" / "anchors" / "equivalence"
VERIFY = [sys.executable, "-m", "checkers.cli"]


def run_diff(project: Path | None, base: str, out: Path, cache: Path, only: str | None = None) -> tuple[float, dict]:
    cmd = [*VERIFY, "diff", "--base", base, "--out", str(out), "--no-progress", "--cache-dir", str(cache)]
    cmd += ["--project", str(project)] if project else []
    cmd += ["--only", only] if only else []
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if not (out / "results.json").exists():
        raise SystemExit(f"verify diff failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
    return seconds, json.loads((out / "results.json").read_text())


def forget_base(base: str, project: Path) -> None:
    _, _, commit = resolve(base, project)
    shutil.rmtree(BASE_CACHE / commit, ignore_errors=True)


def report(label: str, cold: float, warm: float, results: dict) -> None:
    rows = results["diff"]["certificate"]
    eq = [f for f in results["findings"] if f["engine"] == "equivalence"]
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    print(f"{label}: {len(rows)} selectors ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}); "
          f"exit {results['exit_code']}")
    moved = sum(1 for row in rows if row["status"] == "unchanged" and "labels moved" in row["detail"])
    print(f"  of the unchanged, {moved} by the relocation argument (same code, labels moved; no solver)")
    print(f"  cold {cold:7.1f} s   warm {warm:6.1f} s   ratio {cold / max(warm, 0.01):5.1f}x")
    if eq:
        times = sorted((f["duration_s"], f["spec_id"], f["verdict"]) for f in eq)
        total = sum(t for t, _, _ in times)
        print(f"  equivalence: {len(eq)} selectors, {total:.1f} s of halmos exploration, "
              f"{total / len(eq):.2f} s per selector (median {times[len(times) // 2][0]:.2f} s, max {times[-1][0]:.1f} s)")
        for seconds, spec, verdict in times[-3:]:
            print(f"    slowest: {spec} {verdict} {seconds:.1f} s")
    return None


def fixture() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(FIXTURE, repo)
        (repo / ".gitignore").write_text("out/\ncache/\n")
        git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
        git("init", "-q")
        git("add", "-A")
        git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "v1")
        book = repo / "src" / "Book.sol"
        book.write_text(book.read_text().replace("return healthFactor < 1e18;", "return !(healthFactor >= 1e18);")
                        .replace("if (block.timestamp - updatedAt >= 60) revert Stale();",
                                 "if (!(block.timestamp - updatedAt < 60)) revert Stale();"))
        forget_base("HEAD", repo)
        shutil.rmtree(ASSEMBLY_CACHE, ignore_errors=True)
        cache = Path(tmp) / "cache"
        cold, results = run_diff(repo, "HEAD", Path(tmp) / "cold", cache)
        warm, warm_results = run_diff(repo, "HEAD", Path(tmp) / "warm", cache)
        report("fixture (Book, UUPS + ERC-7201)", cold, warm, results)
        print(f"  warm run: {warm_results['stats']['cached']} of {warm_results['stats']['checks']} checks cached")
        eq = [f["duration_s"] for f in results["findings"] if f["engine"] == "equivalence"]
        return sum(eq) / max(len(eq), 1)


def platform(base: str) -> None:
    project = toolchain.PLATFORM_PROJECT
    forget_base(base, project)
    shutil.rmtree(ASSEMBLY_CACHE, ignore_errors=True)  # the head's assembly build too: cold means both sides
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        cache = Path(tmp) / "cache"
        cold, results = run_diff(None, base, Path(tmp) / "cold", cache, only="UPG,EQV")
        warm, _ = run_diff(None, base, Path(tmp) / "warm", cache, only="UPG,EQV")
        report(f"platform vs {base}", cold, warm, results)
        print(f"  targets: cold < 180 s: {'met' if cold < 180 else 'MISSED'}; warm < 10 s: "
              f"{'met' if warm < 10 else 'MISSED'}")


def anchor() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-anchor-") as tmp:
        project = Path(tmp) / "anchor"
        shutil.copytree(ANCHOR, project)
        (project / "foundry.toml").write_text((project / "foundry.toml").read_text() + f'solc = "{toolchain.solc()}"\n')
        cmd = [str(toolchain.venv_bin("halmos")), "--root", str(project), "--contract", "HandWrittenEquivalence",
               "--solver", "yices", "--json-output", str(Path(tmp) / "anchor.json")]
        started = time.monotonic()
        subprocess.run(cmd, cwd=project, env=toolchain.tool_env(), capture_output=True, text=True)
        wall = time.monotonic() - started
        doc = json.loads((Path(tmp) / "anchor.json").read_text())
        tests = [t for ts in doc["test_results"].values() for t in ts]
        explore = sum(float(t["time"][0]) for t in tests)
        print(f"anchor (halmos on a hand-written harness, 2 functions, outputs only): wall {wall:.1f} s "
              f"(with its build), exploration {explore:.2f} s, {explore / len(tests):.2f} s per function; "
              f"exit codes {[t['exitcode'] for t in tests]}")
        return explore / len(tests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform-base", default="platform-v1")
    parser.add_argument("--fixture-only", action="store_true")
    args = parser.parse_args()
    per_selector = fixture()
    per_function = anchor()
    print(f"equivalence per selector: certificate {per_selector:.2f} s vs hand-written anchor {per_function:.2f} s "
          f"(ratio {per_selector / max(per_function, 0.001):.1f}x: the certificate also compares storage, events, "
          f"callers, block context and external answers)")
    if not args.fixture_only:
        platform(args.platform_base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
