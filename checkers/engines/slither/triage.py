"""List the built-in Slither findings of a built Foundry project that its baseline does not cover.

    python -m checkers.engines.slither.triage <project>                      # list new findings
    python -m checkers.engines.slither.triage <project> --add "<reason>"     # append them with that reason

Every entry needs a real reason: review each finding before adding it (edit reasons one by one after).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checkers.errors import VerifyError
from checkers.engines.slither import baseline
from checkers.engines.slither.engine import analyse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checkers.engines.slither.triage")
    parser.add_argument("project", type=Path)
    parser.add_argument("--add", metavar="REASON", help="append the new findings with this reason")
    args = parser.parse_args(argv)
    try:
        analysis = analyse(args.project)
        path = analysis.root / baseline.FILE_NAME
        entries = baseline.load(path)
        new = [f for f in analysis.builtin if f.baseline_key not in entries]
    except VerifyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    for f in new:
        print(f"{f.detector:28} {f.impact:7} {f.file}:{f.line} {f.contract}.{f.function}  {f.message[:160]}")
    if args.add:
        if not args.add.strip():
            print("error: --add needs a reason", file=sys.stderr)
            return 2
        for f in new:
            entries[f.baseline_key] = baseline.BaselineEntry(*f.baseline_key, args.add.strip())
        baseline.write(path, list(entries.values()))
        print(f"{len(new)} entr(y/ies) added to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
