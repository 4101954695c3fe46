"""Known-bad contract variants under contracts/mutants/, each naming the spec(s) it breaks.

A mutant is a full copy of one platform source file with one deliberate defect and a header:

    /// @custom:mutant-of src/CrossChainReceiver.sol
    /// @custom:breaks CCIP-02
    /// @custom:description the (chain, sender) allowlist check is missing

`build_mutant` copies the project (with its build cache), puts the mutant in place and builds it.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from checkers import toolchain
from checkers.errors import SpecError
from checkers.target import Target, copy_project, scratch_dir

MUTANTS_DIR = toolchain.PLATFORM_PROJECT / "mutants"
_TAG = re.compile(r"@custom:(mutant-of|breaks|description)\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Mutant:
    name: str  # file stem, e.g. "M01_ReceiverNoSenderCheck"
    path: Path
    replaces: str  # source path relative to the Foundry project, e.g. "src/CrossChainReceiver.sol"
    breaks: tuple[str, ...]  # spec ids
    description: str


def parse_mutant(path: Path) -> Mutant:
    tags: dict[str, str] = {}
    for key, value in _TAG.findall(path.read_text()):
        tags.setdefault(key, value)
    missing = [k for k in ("mutant-of", "breaks", "description") if k not in tags]
    if missing:
        raise SpecError(f"{path}: mutant header lacks @custom:{', @custom:'.join(missing)}")
    breaks = tuple(s.strip() for s in tags["breaks"].split(",") if s.strip())
    return Mutant(path.stem, path, tags["mutant-of"], breaks, tags["description"])


def load_mutants(directory: Path = MUTANTS_DIR) -> dict[str, Mutant]:
    return {m.name: m for m in (parse_mutant(p) for p in sorted(directory.glob("*.sol")))}


def build_mutant(mutant: Mutant, project: Path = toolchain.PLATFORM_PROJECT) -> Target:
    """Build the platform with `mutant` in place of the file it replaces, in a scratch copy."""
    if not (project / mutant.replaces).exists():
        raise SpecError(f"{mutant.path}: @custom:mutant-of names {mutant.replaces}, which does not exist")
    copy = copy_project(project, scratch_dir(f"mutant-{mutant.name}-"))
    shutil.copyfile(mutant.path, copy / mutant.replaces)
    shutil.rmtree(copy / "mutants", ignore_errors=True)
    return Target.build(copy, label=mutant.name)
