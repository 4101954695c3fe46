"""Shared set-up for the runner/CLI/cache tests: the tiny Foundry project, fixture specs, fake engines."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import fake_engine
from checkers import cli, engines
from checkers.base import Severity, Spec
from checkers.catalogue import validate_declarations

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny"


def spec(id: str, contracts=("Counter",), engines_=("fake",), **kw) -> Spec:
    kw.setdefault("title", f"title of {id}")
    return Spec(id=id, rationale=f"why {id}", severity=Severity.HIGH, category="solvency", contracts=contracts,
                engines=engines_, **kw)


def fixture_specs() -> tuple[Spec, ...]:
    return (
        spec("FIX-01", ("Counter",)),
        spec("FIX-02", ("Vault",)),
        spec("FIX-03", ("Counter", "Vault"), engines_=("fake", "fake2")),
    )


_BUILT: list[Path] = []


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory) -> Path:
    """The tiny project built once per session (each test module imports this fixture, hence _BUILT);
    tests copy it with its build cache to change it."""
    from checkers.target import Target

    if not _BUILT:
        root = tmp_path_factory.mktemp("tiny") / "tiny"
        shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("out", "cache"))
        Target.build(root)
        _BUILT.append(root)
    return _BUILT[0]


@pytest.fixture
def env(monkeypatch, tmp_path, tiny_built):
    """Fake engines registered, fixture specs in the catalogue, a private cache, a private copy of the project."""
    monkeypatch.setitem(engines.ENGINES, "fake", "fake_engine:FakeChecker")
    monkeypatch.setitem(engines.ENGINES, "fake2", "fake_engine:OtherChecker")
    monkeypatch.setitem(engines.ENGINES, "offline", "fake_engine:OfflineChecker")
    monkeypatch.setitem(engines.ENGINES, "missing", "no_such_module.engine:Nope")
    monkeypatch.setattr(fake_engine, "BEHAVIOUR", {"FIX-01": "proved", "FIX-02": "proved", "FIX-03": "proved"})
    monkeypatch.setattr(fake_engine.OtherChecker, "OTHER", {})
    monkeypatch.setattr(fake_engine, "PREPARE", {})
    log = tmp_path / "calls.log"
    monkeypatch.setenv(fake_engine.LOG_ENV, str(log))
    monkeypatch.delenv("COLUMNS", raising=False)  # console width 160 whatever the calling shell exports
    specs = {"value": fixture_specs()}
    monkeypatch.setattr(cli, "load_specs", lambda: validate_declarations(specs["value"], {}))
    project = tmp_path / "proj"
    shutil.copytree(tiny_built, project, symlinks=True)

    class Env:
        root = project
        calls = log
        cache = tmp_path / "cache"
        out = tmp_path / "out"

        @staticmethod
        def set_specs(value):
            specs["value"] = tuple(value)

        @staticmethod
        def argv(*args: str) -> list[str]:
            """The command with the fixture's settings, as far as the command takes them (list takes none)."""
            fixed = {"--platform": str(project), "--cache-dir": str(Env.cache), "--out": str(Env.out),
                     "--no-progress": None, "--timeout": "5"}
            takes = {"list": (), "report": ("--out",), "baseline": ("--platform",)}.get(args[0], tuple(fixed))
            return [*args, *(w for o in takes for w in (o, fixed[o]) if w is not None)]

        @staticmethod
        def ran() -> list[str]:
            return log.read_text().splitlines() if log.exists() else []

    return Env


def one_line_error(capsys) -> str:
    """The captured stderr is one `verify: error: ...` line and no traceback; returns it."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("verify: error: ")
    return lines[0]
