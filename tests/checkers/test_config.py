"""Settings are layered defaults -> pyproject [tool.verify] -> command line, in one frozen object."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from checkers.config import FORMATS, Config, build_config
from checkers.errors import ConfigError


def _pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    return path


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    config = build_config({}, pyproject=tmp_path / "absent.toml")
    assert config.timeout == 60.0 and config.strict is True and config.cache is True
    assert config.formats == FORMATS and config.jobs >= 1 and config.engines == ()


def test_pyproject_then_command_line(tmp_path: Path) -> None:
    py = _pyproject(tmp_path, '[tool.verify]\ntimeout = 12\nstrict = false\nengines = ["z3"]\nout = "reports-out"\n')
    config = build_config({"timeout": None, "engines": None}, pyproject=py)
    assert (config.timeout, config.strict, config.engines) == (12.0, False, ("z3",))
    assert config.out == tmp_path / "reports-out"  # relative to the pyproject that said it
    config = build_config({"timeout": 3.5, "engines": "slither,z3", "strict": True}, pyproject=py, cwd=tmp_path / "x")
    assert (config.timeout, config.engines, config.strict) == (3.5, ("slither", "z3"), True)


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().timeout = 1  # type: ignore[misc]


@pytest.mark.parametrize("body, message", [
    ("[tool.verify\ntimeout = 1", "not valid TOML"),
    ("[tool.verify]\ntimeout = -1", "timeout must be a positive number"),
    ("[tool.verify]\nstrict = \"yes\"", "strict must be true or false"),
    ("[tool.verify]\njobs = 0", "jobs must be a positive integer"),
    ("[tool.verify]\ncolour = true", "unknown setting 'colour'"),
    ("[tool.verify]\nformats = [\"pdf\"]", "format 'pdf' is unknown"),
    ("[tool]\nverify = 3", "[tool.verify] must be a table"),
])
def test_malformed_config_is_one_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_config({}, pyproject=_pyproject(tmp_path, body))
    assert message in info.value.message and "\n" not in info.value.message


def test_project_must_be_foundry(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a Foundry project"):
        build_config({"project": str(tmp_path)}, pyproject=None)


def test_repo_pyproject_is_valid() -> None:
    """The shipped [tool.verify] table must load (CI runs with it)."""
    config = build_config({})
    assert config.strict is True
