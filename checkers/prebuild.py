"""Run every engine's shared set-up (Checker.prepare: halmos's and Manticore's harness builds) on a project ahead
of time, so the first `verify all` after ./setup.sh spends its time checking, not compiling (the runner would
otherwise do these builds itself, outside the checks' budgets but inside the run's wall time).

    python -m checkers.prebuild [PROJECT_ROOT]      (default: the bundled platform)
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checkers import toolchain
from checkers.base import Checker
from checkers.engines import ENGINES, load_engine
from checkers.target import Target


def engines_with_set_up() -> list[Checker]:
    """The registered engines that override Checker.prepare (one that cannot be loaded has nothing to prepare;
    `verify all` reports it as SKIPPED)."""
    loaded = []
    for name in ENGINES:
        try:
            loaded.append(load_engine(name))
        except (ImportError, AttributeError):
            continue
    return [engine for engine in loaded if type(engine).prepare is not Checker.prepare]


def prebuild(root: Path) -> list[str]:
    """Each engine's set-up on `root`, two at a time (each build is one solc-js process); the failures, one
    line each."""
    target = Target(root=root, label="platform")

    def one(engine: Checker) -> str | None:
        try:
            engine.prepare(target)
        except Exception as exc:  # noqa: BLE001 - reported as one line per engine
            return f"{engine.NAME}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        return None

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [error for error in pool.map(one, engines_with_set_up()) if error]


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else toolchain.PLATFORM_PROJECT
    if not (root / "foundry.toml").is_file():
        print(f"prebuild: {root} is not a Foundry project (no foundry.toml)", file=sys.stderr)
        return 2
    errors = prebuild(root)
    for error in errors:
        print(f"prebuild: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
