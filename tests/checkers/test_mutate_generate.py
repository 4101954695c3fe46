"""Generated mutants (slither-mutate's mutators on the tiny project) and the seeded stratified sampler."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from verify_fixtures import tiny_built  # noqa: F401 - fixture

from checkers.mutate import patches
from checkers.mutate.generate import GeneratedMutant, generate, load_or_generate, mutable_files, to_json
from checkers.mutate.sample import order

ID = re.compile(r"^(Counter|Vault)-[A-Z]+-L\d+-[0-9a-f]{8}x*$")


@pytest.fixture(scope="module")
def catalogue(tiny_built):
    return generate(tiny_built, mutable_files(tiny_built))


def test_generation_is_deterministic_and_every_diff_applies(catalogue, tiny_built) -> None:
    again = generate(tiny_built, mutable_files(tiny_built))
    assert to_json(again) == to_json(catalogue)
    assert catalogue.generator.startswith("slither-mutate (slither-analyzer ")
    assert catalogue.files == ("src/Counter.sol", "src/Vault.sol")
    assert len(catalogue.mutants) >= 20
    for m in catalogue.mutants:
        assert ID.match(m.id), m.id
        original = (tiny_built / m.file).read_text()
        mutated = patches.apply(patches.parse(m.diff, m.id), original, m.id)
        assert mutated != original and m.diff.startswith(f"--- a/{m.file}\n+++ b/{m.file}\n")
    assert {"AOR", "CR", "RR", "ASOR", "FHR"} <= {m.operator for m in catalogue.mutants}


def test_the_catalogue_is_cached_per_source(catalogue, tiny_built, tmp_path, monkeypatch) -> None:
    first = load_or_generate(tiny_built, tmp_path)
    monkeypatch.setattr("checkers.mutate.generate.generate", lambda *a: pytest.fail("regenerated"))
    assert load_or_generate(tiny_built, tmp_path) == first
    assert to_json(first) == to_json(catalogue)


def test_excluded_dirs(tmp_path: Path) -> None:
    for rel in ("src/A.sol", "src/libraries/L.sol", "src/interfaces/I.sol", "src/harness/H.sol", "test/T.sol"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert mutable_files(tmp_path) == ("src/A.sol", "src/libraries/L.sol")


def _fake(n_files: int = 3, ops: tuple[str, ...] = ("AOR", "CR", "ROR"), per: int = 4) -> list[GeneratedMutant]:
    return [GeneratedMutant(f"F{f}-{op}-L{i}-0000000{i}", f"src/F{f}.sol", op, i, f"F{f}", "a", "b", "")
            for f in range(n_files) for op in ops for i in range(per)]


def test_sampler_is_deterministic_per_seed_and_stratified() -> None:
    mutants = _fake()
    first = [m.id for m in order(mutants, 11)]
    assert first == [m.id for m in order(list(reversed(mutants)), 11)], "input order must not matter"
    assert sorted(first) == sorted(m.id for m in mutants)
    assert first != [m.id for m in order(mutants, 12)]
    ordered = order(mutants, 11)
    assert {m.file for m in ordered[:3]} == {"src/F0.sol", "src/F1.sol", "src/F2.sol"}, "every file gets a turn"
    for f in ("src/F0.sol", "src/F1.sol", "src/F2.sol"):
        first_three = [m.operator for m in ordered if m.file == f][:3]
        assert sorted(first_three) == ["AOR", "CR", "ROR"], "every operator of a file gets a turn"


def test_sampler_keeps_rare_strata() -> None:
    mutants = _fake(ops=("CR",), per=50) + [GeneratedMutant("F9-LOR-L1-00000001", "src/F9.sol", "LOR", 1, "F9", "a",
                                                            "b", "")]
    assert "F9-LOR-L1-00000001" in [m.id for m in order(mutants, 3)[:4]]
    assert Counter(m.file for m in order(mutants, 3)[:4])["src/F9.sol"] == 1
