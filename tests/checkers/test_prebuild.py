"""checkers.prebuild: the engines' shared set-up, ahead of the first `verify all`."""
from __future__ import annotations

import fake_engine
from verify_fixtures import env, tiny_built  # noqa: F401 - fixtures

from checkers import prebuild


def test_the_engines_with_a_set_up_are_found_by_their_override() -> None:
    assert {e.NAME for e in prebuild.engines_with_set_up()} == {"halmos", "manticore"}


def test_an_engine_whose_set_up_needs_the_batch_is_not_prebuilt() -> None:
    from checkers.base import Checker
    from checkers.engines import load_engine

    equivalence = load_engine("equivalence")  # compares the selectors of its batch: nothing to do ahead of time
    assert type(equivalence).prepare_batch is not Checker.prepare_batch
    assert type(equivalence).prepare is Checker.prepare


def test_each_failed_set_up_is_one_line_and_exit_1(env, capsys) -> None:
    fake_engine.PREPARE["fail"] = "forge build --ast failed\nsecond line"
    assert prebuild.main(["prebuild", str(env.root)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert "prebuild: fake: RuntimeError: forge build --ast failed" in lines
    assert all(line.endswith("RuntimeError: forge build --ast failed") for line in lines)  # one line each


def test_a_set_up_that_works_exits_0(env, capsys) -> None:
    assert prebuild.main(["prebuild", str(env.root)]) == 0
    assert capsys.readouterr().err == ""


def test_not_a_foundry_project_is_exit_2(tmp_path, capsys) -> None:
    assert prebuild.main(["prebuild", str(tmp_path)]) == 2
    assert "is not a Foundry project" in capsys.readouterr().err
