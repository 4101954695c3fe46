"""One compilation feeds every engine: build a Foundry project once and load its artefacts."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from checkers import compilers, imports, toolchain
from checkers.atomic import locked
from checkers.compiler_output import first_error
from checkers.errors import BuildError
from checkers.layout import ProjectLayout, layout

BUILD_TIMEOUT_S = 600


@dataclass(frozen=True)
class Artifact:
    name: str
    source: str  # path relative to the project root, e.g. "src/PerpetualTrading.sol"
    abi: list[dict[str, Any]]
    bytecode: str  # creation bytecode, 0x-prefixed
    deployed_bytecode: str
    storage_layout: dict[str, Any] | None
    # solc's legacy assembly (creation code, runtime as sub-assembly 0), when the build asked for it
    legacy_assembly: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def function_names(self) -> set[str]:
        return {item["name"] for item in self.abi if item.get("type") == "function"}


@dataclass
class Target:
    """A built Foundry project. `label` is "platform", a mutant name, or the project path."""

    root: Path
    label: str = "platform"
    generic: bool = False  # a user's project (--project): an empty rule scope is NOT_APPLICABLE, not VACUOUS
    _artifacts: dict[str, Artifact] = field(default_factory=dict, repr=False)

    @property
    def layout(self) -> ProjectLayout:
        return layout(self.root)

    @property
    def out_dir(self) -> Path:
        return self.layout.out

    @classmethod
    def build(
        cls, root: Path, label: str = "platform", force: bool = False, paths: tuple[str, ...] = (),
        generic: bool = False, extra_args: tuple[str, ...] = (),
    ) -> "Target":
        """Build with forge; `paths` limits the build to those source paths (e.g. ("src",) for mutants);
        `extra_args` go to forge as they are (checkers/assembly.py: another output directory, more outputs)."""
        root = root.resolve()
        lay = layout(root)  # a Foundry or a Hardhat project, or a one-line error
        with locked(build_lock(root)):  # two processes building one project would race on its out/ and cache/
            return cls._build(root, lay, label, force, paths, generic, extra_args)

    @classmethod
    def _build(cls, root: Path, lay: ProjectLayout, label: str, force: bool, paths: tuple[str, ...],
               generic: bool, extra_args: tuple[str, ...] = ()) -> "Target":
        # The platform is built with its pinned 0.8.24; a user's project with the release each pragma asks for.
        use = [] if generic else ["--use", str(toolchain.solc())]
        cmd = [str(toolchain.forge()), "build", "--root", str(root), *use, "--build-info",
               *(["--force"] if force else []), *extra_args, *paths]
        env = toolchain.tool_env() | lay.forge_env()
        if generic:
            env |= compilers.build_env(root) | imports.build_env(root)
        proc = _forge(cmd, root, env)
        requirement = compilers.missing_requirement(proc.stdout + proc.stderr) if generic else None
        if requirement:  # an imported library's pragma that no installed release meets: fetch it, once
            compilers.ensure_entry(compilers.provide(requirement, "an imported file"))
            proc = _forge(cmd, root, env)
        if proc.returncode != 0 and generic:  # the same paths, another API (OpenZeppelin 4 under 5's paths)
            proc = next((retry for retry in (_forge(cmd, root, env | imports.remapping_env(choice))
                                             for choice in imports.api_fallbacks(root)) if retry.returncode == 0),
                        proc)
        if proc.returncode != 0:
            raise BuildError(f"{root}: Solidity build failed: "
                             f"{first_error(proc.stdout + proc.stderr) or f'forge exited {proc.returncode}'}")
        return cls(root=root, label=label, generic=generic)

    @cached_property
    def artifacts(self) -> dict[str, Artifact]:
        """Artefacts of the project's own sources (its src/ or contracts/), keyed by contract name."""
        found: dict[str, Artifact] = {}
        src = self.layout.src + "/"
        for path in sorted(self.out_dir.glob("*.sol/*.json")):
            data = json.loads(path.read_text())
            source = data.get("metadata", {}).get("settings", {}).get("compilationTarget", {})
            source_path = next(iter(source), "")
            if not source_path.startswith(src):
                continue
            name = path.stem
            found[name] = Artifact(
                name=name,
                source=source_path,
                abi=data.get("abi", []),
                bytecode=data.get("bytecode", {}).get("object", "0x"),
                deployed_bytecode=data.get("deployedBytecode", {}).get("object", "0x"),
                storage_layout=data.get("storageLayout"),
                legacy_assembly=data.get("legacyAssembly"),
            )
        return found

    def artifact(self, name: str) -> Artifact:
        try:
            return self.artifacts[name]
        except KeyError:
            raise BuildError(f"{self.root}: no compiled contract named {name!r} under src/") from None


def build_lock(root: Path) -> Path:
    """The lock every forge build of `root` holds, kept out of the project (a user's tree stays untouched)."""
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return toolchain.REPO_ROOT / ".verify-cache" / "locks" / f"build-{digest}"


def _forge(cmd: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)


def copy_project(root: Path, into: Path) -> Path:
    """Copy a Foundry project with its build cache (incremental rebuilds), without broadcast/ logs."""
    dest = into / root.name
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("broadcast", ".git"), symlinks=True)
    # The platform's foundry.toml points at ../node_modules and ../tools: keep those reachable.
    for sibling in ("node_modules", "tools"):
        link = into / sibling
        if not link.exists():
            link.symlink_to(toolchain.REPO_ROOT / sibling)
    return dest


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
