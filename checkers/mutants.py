"""Known-bad contract variants under contracts/mutants/, each naming the spec(s) it breaks.

A mutant is a full copy of one platform source file with one deliberate defect and a header:

    /// @custom:mutant-of src/CrossChainReceiver.sol
    /// @custom:breaks CCIP-02
    /// @custom:description the (chain, sender) allowlist check is missing

`build_mutant` copies the project (with its build cache), puts the mutant in place and builds it.
"""
from __future__ import annotations

import hashlib
import os
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


MUTANT_BUILDS = toolchain.REPO_ROOT / ".verify-cache" / "mutants"
_HASHED_DIRS = ("src", "test", "script")
# Left out of a mutant's copy: the mutants themselves, the sequence engines' cross-check ledger, and failures
# forge persisted for the platform's fuzz/invariant runs (forge replays them first on the copy). The build caches
# (cache/, out/, out-halmos/, out-manticore/...) are kept: the mutant's build is incremental.
_PLATFORM_STATE = ("mutants", "out-symbolic", "cache/fuzz", "cache/invariant")


def build_mutant(mutant: Mutant, project: Path = toolchain.PLATFORM_PROJECT, reuse: bool = True) -> Target:
    """Build the platform with `mutant` in place of the file it replaces.

    Builds are kept under .verify-cache/mutants/<name>-<hash>, keyed by the mutant and every project
    source, so tests, `verify mutants` and engines share one build per mutant and a source change
    rebuilds. A build is made in a scratch copy and moved into place only when it succeeded.
    """
    if not (project / mutant.replaces).exists():
        raise SpecError(f"{mutant.path}: @custom:mutant-of names {mutant.replaces}, which does not exist")
    final = MUTANT_BUILDS / f"{mutant.name}-{_build_key(mutant, project)}" / project.name
    if reuse and (final / ".built").exists():
        return Target(root=final, label=mutant.name)
    scratch = scratch_dir(f"mutant-{mutant.name}-")
    try:  # the scratch copy (a full project, ~100 MB with out/) goes whether the build succeeds, fails or is
        # interrupted; a successful build has been moved out of it by then
        copy = copy_project(project, scratch)
        shutil.copyfile(mutant.path, copy / mutant.replaces)
        for state in _PLATFORM_STATE:  # what earlier runs recorded about the platform is not the mutant's
            shutil.rmtree(copy / state, ignore_errors=True)
        # src/ only: engines read src/ artefacts, and the sequence engines compile their own harnesses under
        # test/ against the mutant. Recompiling every test that imports the mutated file would cost minutes.
        Target.build(copy, label=mutant.name, paths=("src",))
        (copy / ".built").write_text(mutant.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            for sibling in ("node_modules", "tools"):
                if not (final.parent / sibling).exists():
                    (final.parent / sibling).symlink_to(toolchain.REPO_ROOT / sibling)
            os.replace(copy, final)  # atomic: a concurrent builder of the same key loses harmlessly
        except OSError:
            if not (final / ".built").exists():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Target(root=final, label=mutant.name)


def _build_key(mutant: Mutant, project: Path) -> str:
    digest = hashlib.sha256(mutant.path.read_bytes())
    digest.update((project / "foundry.toml").read_bytes())
    for directory in _HASHED_DIRS:
        for path in sorted((project / directory).rglob("*.sol")):
            digest.update(str(path.relative_to(project)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
