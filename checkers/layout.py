"""Where a project keeps its sources and where forge writes its build: a Foundry project (foundry.toml's `src`,
`out`, `cache_path`) or a Hardhat project (hardhat.config.*: sources in contracts/, libraries in node_modules/).

A Hardhat project is built with forge too, configured through the environment (no file is written into the
project) and into its own out/cache folders, so Hardhat's own `cache/` and `artifacts/` are never touched.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkers.errors import BuildError

HARDHAT_CONFIGS = ("hardhat.config.js", "hardhat.config.ts", "hardhat.config.cjs", "hardhat.config.mjs")
HARDHAT_OUT, HARDHAT_CACHE = "out-verify", "cache-verify"


@dataclass(frozen=True)
class ProjectLayout:
    root: Path
    src: str  # e.g. "src" (Foundry) or "contracts" (Hardhat)
    out: Path
    cache: Path
    kind: str = "foundry"  # "foundry" | "hardhat"

    @property
    def build_info_dir(self) -> Path:
        return self.out / "build-info"

    @property
    def config_files(self) -> tuple[Path, ...]:
        """The files whose content changes how the project builds."""
        names = ("foundry.toml", "remappings.txt") if self.kind == "foundry" else HARDHAT_CONFIGS + ("package.json",)
        return tuple(self.root / name for name in names)

    def forge_env(self) -> dict[str, str]:
        """What forge needs beyond the project's own files (nothing for a Foundry project)."""
        if self.kind == "foundry":
            return {}
        return {"FOUNDRY_SRC": self.src, "FOUNDRY_TEST": "test", "FOUNDRY_SCRIPT": "scripts",
                "FOUNDRY_LIBS": "[node_modules]", "FOUNDRY_OUT": HARDHAT_OUT, "FOUNDRY_CACHE_PATH": HARDHAT_CACHE}


def layout(root: Path) -> ProjectLayout:
    """The layout of the project at `root`; a one-line BuildError when it is neither kind."""
    root = root.resolve()
    toml = root / "foundry.toml"
    if toml.exists():
        try:
            profile = tomllib.loads(toml.read_text()).get("profile", {}).get("default", {})
        except tomllib.TOMLDecodeError as exc:
            raise BuildError(f"{toml}: invalid TOML: {exc}") from None
        src = str(profile.get("src", "src")).strip("/").removeprefix("./")
        return ProjectLayout(root, src, root / str(profile.get("out", "out")),
                             root / str(profile.get("cache_path", "cache")))
    if any((root / name).exists() for name in HARDHAT_CONFIGS):
        return ProjectLayout(root, "contracts", root / HARDHAT_OUT, root / HARDHAT_CACHE, kind="hardhat")
    raise BuildError(f"{root}: not a Foundry project (no foundry.toml) nor a Hardhat project (no hardhat.config.*)")


def is_src_path(relative: str, src: str) -> bool:
    """A path relative to the project root lies under its own src/ (not node_modules/…/src/)."""
    return relative.replace("\\", "/").removeprefix("./").startswith(src + "/")
