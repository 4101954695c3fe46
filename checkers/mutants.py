"""Known-bad contract variants under contracts/mutants/, each naming the spec(s) it breaks.

A mutant is a small patch against the platform's src/ with its metadata in a comment block before the diff:

    # name: M12_ReceiverNoSenderCheck
    # mutant-of: src/CrossChainReceiver.sol
    # breaks: CCIP-02
    # description: the (chain, sender) allowlist check is missing
    --- a/src/CrossChainReceiver.sol
    +++ b/src/CrossChainReceiver.sol
    @@ -120,7 +120,6 @@
    ...

It is applied strictly (checkers/mutate/patches.py): a patch whose context no longer matches the source is an
error naming the mutant. The older form, a full copy `<name>.sol` of the file with `/// @custom:mutant-of`,
`@custom:breaks` and `@custom:description` tags, is still read so a branch that adds one keeps working; convert
it with `python -m checkers.mutate.convert contracts/mutants/<name>.sol`.

`build_mutant` copies the project (with its build cache), puts the mutant in place and builds src/.
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
from checkers.mutate import patches
from checkers.mutate.workspace import FORGE_CACHE, rebase_cache
from checkers.target import Target, copy_project, scratch_dir

MUTANTS_DIR = toolchain.PLATFORM_PROJECT / "mutants"
SUFFIXES = (".patch", ".sol")  # the patch form, then the legacy full copy
HEADER_KEYS = ("name", "mutant-of", "breaks", "description")
_TAG = re.compile(r"@custom:(mutant-of|breaks|description)\s+(.+?)\s*$", re.MULTILINE)
_FIELD = re.compile(r"^#\s*(name|mutant-of|breaks|description)\s*:\s*(.+?)\s*$")


@dataclass(frozen=True)
class Mutant:
    name: str  # file stem, e.g. "M01_LiquidationLessOrEqual"
    path: Path  # the .patch (or a legacy full .sol copy)
    replaces: str  # source path relative to the Foundry project, e.g. "src/CrossChainReceiver.sol"
    breaks: tuple[str, ...]  # spec ids
    description: str

    def text(self, project: Path = toolchain.PLATFORM_PROJECT) -> str:
        """The mutated source of `replaces`: the patch applied to the project's file (strictly), or the copy."""
        if self.path.suffix != ".patch":
            return self.path.read_text()
        original = project / self.replaces
        if not original.exists():
            raise SpecError(f"{self.name}: mutant-of names {self.replaces}, which does not exist in {project}")
        return patches.apply(patches.parse(self.path.read_text(), self.name), original.read_text(), self.name)


def parse_mutant(path: Path) -> Mutant:
    if path.suffix == ".patch":
        return _parse_patch(path)
    tags: dict[str, str] = {}
    for key, value in _TAG.findall(path.read_text()):
        tags.setdefault(key, value)
    missing = [k for k in ("mutant-of", "breaks", "description") if k not in tags]
    if missing:
        raise SpecError(f"{path}: mutant header lacks @custom:{', @custom:'.join(missing)}")
    return Mutant(path.stem, path, tags["mutant-of"], _ids(tags["breaks"]), tags["description"])


def _parse_patch(path: Path) -> Mutant:
    patch = patches.parse(path.read_text(), path.stem)
    fields: dict[str, str] = {}
    for line in patch.header:
        match = _FIELD.match(line)
        if match:
            fields.setdefault(match.group(1), match.group(2))
    missing = [k for k in HEADER_KEYS if k not in fields]
    if missing:
        raise SpecError(f"{path}: mutant header lacks {', '.join(f'# {k}:' for k in missing)}")
    if fields["name"] != path.stem:
        raise SpecError(f"{path}: header name {fields['name']!r} differs from the file name {path.stem!r}")
    if fields["mutant-of"] != patch.path:
        raise SpecError(f"{path}: mutant-of {fields['mutant-of']} but the diff changes {patch.path}")
    return Mutant(path.stem, path, fields["mutant-of"], _ids(fields["breaks"]), fields["description"])


def _ids(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def header(mutant: Mutant) -> str:
    """The comment block a mutant patch starts with."""
    return "".join(f"# {key}: {value}\n" for key, value in (
        ("name", mutant.name), ("mutant-of", mutant.replaces), ("breaks", ", ".join(mutant.breaks)),
        ("description", mutant.description)))


def load_mutants(directory: Path = MUTANTS_DIR) -> dict[str, Mutant]:
    found: dict[str, Mutant] = {}
    for path in sorted(p for suffix in SUFFIXES for p in directory.glob(f"*{suffix}")):
        mutant = parse_mutant(path)
        if mutant.name in found:
            raise SpecError(f"{path}: mutant {mutant.name} exists twice ({found[mutant.name].path.name})")
        found[mutant.name] = mutant
    return dict(sorted(found.items()))


def mutant_path(name: str, directory: Path = MUTANTS_DIR) -> Path | None:
    """The file declaring mutant `name`, if it exists (either form)."""
    return next((directory / f"{name}{s}" for s in SUFFIXES if (directory / f"{name}{s}").exists()), None)


def check_applies(mutants: list[Mutant], project: Path = toolchain.PLATFORM_PROJECT) -> None:
    """Every patch still applies to the project's sources (PatchError naming the first stale one); a legacy
    full copy has nothing to apply."""
    for mutant in mutants:
        if mutant.path.suffix == ".patch":
            mutant.text(project)


def write_mutant(mutant: Mutant, root: Path, source: Path | None = None) -> None:
    """Put `mutant` in place in the project copy at `root` (patched against `source`, default `root`)."""
    text = mutant.text(source or root)
    (root / mutant.replaces).write_text(text)


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
        raise SpecError(f"{mutant.path}: mutant-of names {mutant.replaces}, which does not exist")
    text = mutant.text(project)  # a stale patch stops here, before any copying
    final = MUTANT_BUILDS / f"{mutant.name}-{_build_key(mutant, project)}" / project.name
    if reuse and (final / ".built").exists():
        return Target(root=final, label=mutant.name)
    scratch = scratch_dir(f"mutant-{mutant.name}-")
    try:  # the scratch copy (a full project, ~100 MB with out/) goes whether the build succeeds, fails or is
        # interrupted; a successful build has been moved out of it by then
        copy = copy_project(project, scratch)
        # forge's cache names library sources by absolute path: rebased, the copy rebuilds only what the mutant
        # changes
        rebase_cache(copy / FORGE_CACHE, str(project.resolve().parent), str(scratch.resolve()))
        (copy / mutant.replaces).write_text(text)
        shutil.rmtree(copy / "mutants", ignore_errors=True)
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
        else:
            rebase_cache(final / FORGE_CACHE, str(scratch.resolve()), str(final.parent.resolve()))
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


def type_errors(mutant: Mutant, project: Path = toolchain.PLATFORM_PROJECT) -> list[str]:
    """Every compile error of the project's src/ with `mutant` in place, from solc's analysis alone (parsing, name
    resolution, type checking; no code generation): seconds where a build takes half a minute. For the checks
    that only need to know a mutant compiles; the engines build it (build_mutant)."""
    import json
    import subprocess
    import tomllib

    settings = tomllib.loads((project / "foundry.toml").read_text())["profile"]["default"]
    sources = {path: {"content": (project / path).read_text()} for path in _importers(project, mutant.replaces)}
    sources[mutant.replaces] = {"content": mutant.text(project)}
    request = {"language": "Solidity", "sources": sources,
               "settings": {"remappings": settings.get("remappings", []), "evmVersion": settings.get("evm_version"),
                            "outputSelection": {"*": {"": ["ast"]}}}}
    done = subprocess.run([str(toolchain.REPO_ROOT / "tools" / "solc"), "--standard-json", "--base-path", str(project),
                           "--allow-paths", str(toolchain.REPO_ROOT / "node_modules")],
                          input=json.dumps(request), capture_output=True, text=True, cwd=project, timeout=300)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        return [f"solc gave no answer: {(done.stderr or done.stdout).strip()[-300:]}"]
    return [e["formattedMessage"] for e in answer.get("errors", []) if e.get("severity") == "error"]


def _importers(project: Path, replaced: str) -> set[str]:
    """The src/ files that import `replaced`, directly or through other src/ files (relative imports): the ones
    a change to it can break. Everything they import is read by solc's import callback."""
    imports: dict[str, set[str]] = {}
    for file in (project / "src").rglob("*.sol"):
        path = str(file.relative_to(project))
        targets = re.findall(r'^\s*import\s+[^;]*?["\'](\.{1,2}/[^"\']+)["\']', file.read_text(), re.MULTILINE)
        imports[path] = {os.path.normpath(os.path.join(os.path.dirname(path), t)) for t in targets}
    found, frontier = set(), {replaced}
    while frontier:
        frontier = {p for p, targets in imports.items() if targets & frontier} - found
        found |= frontier
    return found
