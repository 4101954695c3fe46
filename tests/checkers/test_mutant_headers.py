"""Mutant headers are parsed strictly: a mutant that names nothing it breaks is rejected."""
from __future__ import annotations

from pathlib import Path

import pytest

from checkers.errors import SpecError
from checkers.mutants import parse_mutant


def test_header_parsed(tmp_path: Path) -> None:
    path = tmp_path / "MX_Example.sol"
    path.write_text(
        "/// @custom:mutant-of src/A.sol\n/// @custom:breaks LIQ-01, SOLV-02\n/// @custom:description off by one\n"
    )
    mutant = parse_mutant(path)
    assert (mutant.name, mutant.replaces, mutant.breaks) == ("MX_Example", "src/A.sol", ("LIQ-01", "SOLV-02"))


def test_header_missing_breaks_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "MX_Bad.sol"
    path.write_text("/// @custom:mutant-of src/A.sol\n/// @custom:description x\n")
    with pytest.raises(SpecError, match="MX_Bad.sol: mutant header lacks @custom:breaks"):
        parse_mutant(path)
