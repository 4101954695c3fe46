"""One frozen settings object, filled in layers: defaults -> pyproject.toml [tool.verify] -> command line.

The halmos pattern without its 2,000-line main: every layer is a plain mapping of field name to value,
validated in one place, so a bad value says where it came from in one line (ConfigError).
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.errors import ConfigError

FORMATS = ("md", "html", "sarif", "junit", "json")


@dataclass(frozen=True)
class Config:
    engines: tuple[str, ...] = ()  # empty = every engine a spec names
    only: tuple[str, ...] = ()  # spec ids, id prefixes ("LIQ") or categories ("oracle"); empty = all
    jobs: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    timeout: float = 60.0  # seconds per (spec, engine) check; the runner kills a check at 1.5x + 15 s
    out: Path = Path("out")
    formats: tuple[str, ...] = FORMATS
    cache: bool = True
    cache_dir: Path = toolchain.REPO_ROOT / ".verify-cache" / "results"
    project: Path | None = None  # any Foundry or Hardhat project: only generic specs run on it
    platform: Path = toolchain.PLATFORM_PROJECT
    strict: bool = True  # UNKNOWN / VACUOUS / ERROR (and specs with every check SKIPPED) fail with exit 3
    progress: bool = True

    def engine_settings(self) -> dict[str, Any]:
        """The settings that can change an engine's verdict (part of every cache key)."""
        return {"timeout": self.timeout}


_TYPES: dict[str, type] = {
    "engines": tuple, "only": tuple, "jobs": int, "timeout": float, "out": Path, "formats": tuple, "cache": bool,
    "cache_dir": Path, "project": Path, "platform": Path, "strict": bool, "progress": bool,
}


def _coerce(name: str, value: Any, where: str, base: Path) -> Any:
    kind = _TYPES.get(name)
    if kind is None:
        raise ConfigError(f"{where}: unknown setting {name!r} (known: {', '.join(sorted(_TYPES))})")
    if value is None:
        return None
    if kind is tuple:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {name} must be a list of strings or a comma-separated string")
        return tuple(v.strip() for v in value)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be true or false, not {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: {name} must be a positive integer, not {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{where}: {name} must be a positive number of seconds, not {value!r}")
        return float(value)
    if kind is Path:
        if not isinstance(value, (str, Path)) or not str(value):
            raise ConfigError(f"{where}: {name} must be a path")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    raise AssertionError(kind)  # pragma: no cover


def read_pyproject(path: Path) -> dict[str, Any]:
    """The [tool.verify] table of a pyproject.toml ({} when the file or the table is absent)."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("verify", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.verify] must be a table")
    return {k.replace("-", "_"): v for k, v in table.items()}


def build_config(
    cli: Mapping[str, Any] | None = None,
    pyproject: Path | None = toolchain.REPO_ROOT / "pyproject.toml",
    cwd: Path | None = None,
) -> Config:
    """Defaults, then pyproject.toml [tool.verify] (paths relative to that file), then the command line
    (paths relative to the working directory; None means "not given")."""
    values: dict[str, Any] = {}
    if pyproject is not None:
        for name, value in read_pyproject(pyproject).items():
            values[name] = _coerce(name, value, f"{pyproject} [tool.verify]", pyproject.parent)
    for name, value in (cli or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}", cwd or Path.cwd())
    config = dataclasses.replace(Config(), **values)
    unknown = sorted(set(config.formats) - set(FORMATS))
    if unknown:
        raise ConfigError(f"format {unknown[0]!r} is unknown (known: {', '.join(FORMATS)})")
    if config.project is not None and not _is_project(config.project):
        raise ConfigError(f"--project {config.project}: not a Foundry project (no foundry.toml) nor a Hardhat "
                          f"project (no hardhat.config.*)")
    return config


def _is_project(root: Path) -> bool:
    from checkers.layout import HARDHAT_CONFIGS

    return (root / "foundry.toml").exists() or any((root / name).exists() for name in HARDHAT_CONFIGS)
