"""The relocation argument against the platform's hand mutants: does it ever call a mutated function unchanged?

Run: .venv/bin/python bench/bench_relocation.py [--only M01_...,M02_...]

For every mutant in contracts/mutants (each a behaviour change that breaks a named spec), the platform is the base
and the mutant the head, as `verify diff --mutant` sees them. For every contract whose runtime code differs, each
selector is put to `same_code`. The mutated function is read from the patch (the function around its first
changed line): when it is external or public, its selector must come out "not shown"; when it is internal, at
least one selector of a changed contract must. A mutant where that fails is printed as UNSOUND. Also printed:
how many selectors the argument certified as moved (the work it spares halmos) and its time per selector.
Printed, not asserted: the mutants and machine are the bench's, not a test's.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkers import toolchain  # noqa: E402
from checkers.assembly import assemblies, code_changed  # noqa: E402
from checkers.certificate import deployable, external_selectors  # noqa: E402
from checkers.engines.equivalence.relocated import same_code  # noqa: E402
from checkers.mutants import build_mutant, load_mutants  # noqa: E402
from checkers.target import Target  # noqa: E402


def mutated_function(mutant, project: Path) -> tuple[str, bool] | None:
    """(name, external) of the function holding the patch's first changed line (in the original source, so that a
    removed function is found too)."""
    original = (project / mutant.replaces).read_text().splitlines()
    mutated = mutant.text(project).splitlines()
    first = next((i for i, (a, b) in enumerate(zip(original, mutated)) if a != b), min(len(original), len(mutated)))
    for start in range(first, -1, -1):
        found = re.search(r"\bfunction\s+(\w+)", original[start])
        if found:  # the header may span lines: up to its body or its semicolon
            header = " ".join(original[start:start + 12]).split("{")[0].split(";")[0]
            return found[1], bool(re.search(r"\)\s*[^()]*\b(external|public)\b", header))
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated mutant names")
    args = parser.parse_args()
    project = toolchain.PLATFORM_PROJECT
    head = Target.build(project, paths=("src",))
    mutants = load_mutants()
    names = [n for n in sorted(mutants) if not args.only or n in args.only.split(",")]
    totals = {"mutants": 0, "unsound": 0, "moved": 0, "flagged": 0, "selectors": 0, "seconds": 0.0}
    for name in names:
        mutant = mutants[name]
        built = build_mutant(mutant, project)
        old_all, new_all = deployable(head), deployable(built)
        changed = sorted(n for n in set(old_all) & set(new_all) if code_changed(old_all[n], new_all[n]))
        if not changed:
            print(f"{name}: no runtime code changed (layout or constructor only)")
            continue
        old_asm, new_asm = assemblies(head, set(changed)), assemblies(built, set(changed))
        flagged: set[str] = set()
        moved = 0
        started = time.monotonic()
        count = 0
        for contract in changed:
            if contract not in old_asm or contract not in new_asm:
                continue
            for sel in external_selectors(new_all[contract]):
                count += 1
                if same_code(old_asm[contract], new_asm[contract], sel.selector[2:]).same:
                    moved += 1
                else:
                    flagged.add(sel.signature.split("(")[0])
        seconds = time.monotonic() - started
        where = mutated_function(mutant, project)
        kept = {item.get("name") for c in changed for item in new_all[c].abi}
        if where is not None and where[1] and where[0] not in kept:
            sound = True  # the function was removed: UPG-02 names it, there is no selector to certify
        elif where is not None and where[1]:
            sound = where[0] in flagged
        else:
            sound = bool(flagged)
        totals["mutants"] += 1
        totals["unsound"] += not sound
        totals["moved"] += moved
        totals["flagged"] += len(flagged)
        totals["selectors"] += count
        totals["seconds"] += seconds
        target = f"{where[0]} ({'external' if where[1] else 'internal'})" if where else "?"
        print(f"{name}: {', '.join(changed)}; mutated {target}; {count} selectors: {moved} moved, "
              f"{count - moved} not shown ({', '.join(sorted(flagged))}){'' if sound else '  UNSOUND'}")
    print(f"\n{totals['mutants']} mutants with changed runtime code, {totals['unsound']} where the mutated function "
          f"was called unchanged; {totals['selectors']} selectors: {totals['moved']} certified moved, "
          f"{totals['selectors'] - totals['moved']} left to halmos; "
          f"{1000 * totals['seconds'] / max(totals['selectors'], 1):.2f} ms per selector")


if __name__ == "__main__":
    main()
