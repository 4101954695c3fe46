"""Mutant builds happen in copies: the main project is never touched (its build stamp still matches, so the next
`verify all` does not rebuild), a failed build leaves no scratch copy behind, and a copy carries no state that
earlier runs recorded about the platform."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from verify_fixtures import tiny_built  # noqa: F401 - fixture

from checkers import mutants, runner, target
from checkers.errors import BuildError
from checkers.mutants import Mutant, build_mutant
from checkers.target import Target, copy_project


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under the project (build outputs included): mtime and size."""
    found = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            stat = (Path(dirpath) / name).lstat()
            found[str(Path(dirpath, name).relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return found


@pytest.fixture
def project(tiny_built, tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(mutants, "MUTANT_BUILDS", tmp_path / "mutant-builds")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    root = copy_project(tiny_built, tmp_path / "main")
    runner.build_target(root, "platform")  # writes the build stamp
    return root


def _mutant(tmp_path: Path, project: Path, edit: tuple[str, str]) -> Mutant:
    path = tmp_path / "M1_CounterOffByOne.sol"
    path.write_text((project / "src" / "Counter.sol").read_text().replace(*edit))
    return Mutant(path.stem, path, "src/Counter.sol", ("FIX-01",), "off by one")


def test_a_mutant_build_leaves_the_main_project_untouched(project, tmp_path, monkeypatch) -> None:
    (project / "out-symbolic").mkdir()
    (project / "out-symbolic" / "ledger.json").write_text("{}")  # recorded on the platform
    (project / "cache" / "invariant").mkdir()
    before = _tree(project)
    built = build_mutant(_mutant(tmp_path, project, ("count += 1", "count += 2")), project=project, reuse=False)
    assert (built.root / "src" / "Counter.sol").read_text() != (project / "src" / "Counter.sol").read_text()
    assert _tree(project) == before, "a mutant build changed the main project"
    stamp = (project / "cache" / runner.BUILD_STAMP).read_text()
    assert stamp == runner._build_inputs(project.resolve()), "the main build stamp no longer matches"

    def no_build(*args, **kwargs):
        raise AssertionError("the main project was rebuilt after a mutant build")

    monkeypatch.setattr(target.Target, "build", classmethod(no_build))
    runner.build_target(project, "platform")
    assert not (built.root / "out-symbolic").exists() and not (built.root / "cache" / "invariant").exists()
    assert os.listdir(tmp_path / "tmp") == [], "scratch copies left behind"


def test_a_failed_mutant_build_leaves_no_scratch_copy(project, tmp_path) -> None:
    broken = _mutant(tmp_path, project, ("count += 1", "count += ;"))
    with pytest.raises(BuildError):
        build_mutant(broken, project=project, reuse=False)
    assert os.listdir(tmp_path / "tmp") == [], "a failed build left its scratch copy (a full project) behind"
    assert isinstance(Target(project).artifact("Counter"), target.Artifact)
