"""Hand-written mutants: patches with a header block (legacy full copies still read), parsed strictly; a stale
patch stops `verify mutants` with one line naming it; the converter reproduces a legacy copy exactly."""
from __future__ import annotations

from pathlib import Path

import pytest

from checkers.errors import SpecError
from checkers.mutants import Mutant, check_applies, load_mutants, mutant_path, parse_mutant
from checkers.mutate.convert import convert
from checkers.mutate.patches import PatchError, make_diff

SOURCE = "pragma solidity 0.8.24;\ncontract A {\n    function f(uint x) external pure returns (bool) {\n" \
         "        return x < 10;\n    }\n}\n"
MUTATED = SOURCE.replace("x < 10", "x <= 10")


def _write_patch(directory: Path, name: str = "MX_Example", breaks: str = "LIQ-01, SOLV-02",
                 mutant_of: str = "src/A.sol", source: str = SOURCE) -> Path:
    path = directory / f"{name}.patch"
    path.write_text(f"# name: {name}\n# mutant-of: {mutant_of}\n# breaks: {breaks}\n# description: off by one\n"
                    + make_diff("src/A.sol", source, MUTATED))
    return path


def _project(tmp_path: Path, source: str = SOURCE) -> Path:
    (tmp_path / "proj" / "src").mkdir(parents=True)
    (tmp_path / "proj" / "src" / "A.sol").write_text(source)
    return tmp_path / "proj"


def test_patch_header_parsed_and_applied(tmp_path: Path) -> None:
    project = _project(tmp_path)
    mutant = parse_mutant(_write_patch(tmp_path))
    assert (mutant.name, mutant.replaces, mutant.breaks) == ("MX_Example", "src/A.sol", ("LIQ-01", "SOLV-02"))
    assert mutant.text(project) == MUTATED


def test_header_missing_breaks_is_an_error(tmp_path: Path) -> None:
    path = _write_patch(tmp_path)
    path.write_text("".join(line + "\n" for line in path.read_text().splitlines() if not line.startswith("# breaks")))
    with pytest.raises(SpecError, match="MX_Example.patch: mutant header lacks # breaks:"):
        parse_mutant(path)


def test_header_must_agree_with_the_file_and_the_diff(tmp_path: Path) -> None:
    path = _write_patch(tmp_path, mutant_of="src/B.sol")
    with pytest.raises(SpecError, match="mutant-of src/B.sol but the diff changes src/A.sol"):
        parse_mutant(path)
    renamed = _write_patch(tmp_path, name="MY_Other")
    renamed.rename(tmp_path / "MZ_Third.patch")
    with pytest.raises(SpecError, match="header name 'MY_Other' differs"):
        parse_mutant(tmp_path / "MZ_Third.patch")


def test_legacy_sol_copy_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "MX_Legacy.sol"
    path.write_text("/// @custom:mutant-of src/A.sol\n/// @custom:breaks LIQ-01\n/// @custom:description x\n"
                    + MUTATED)
    _write_patch(tmp_path)
    found = load_mutants(tmp_path)
    assert sorted(found) == ["MX_Example", "MX_Legacy"]
    assert mutant_path("MX_Legacy", tmp_path) == path and mutant_path("MX_None", tmp_path) is None
    (tmp_path / "MX_Example.sol").write_text(path.read_text())
    with pytest.raises(SpecError, match="exists twice"):
        load_mutants(tmp_path)


def test_stale_patch_names_the_mutant(tmp_path: Path) -> None:
    project = _project(tmp_path, SOURCE.replace("return x < 10;", "return x < 11;"))
    mutant = parse_mutant(_write_patch(tmp_path, name="M99_Stale"))
    with pytest.raises(PatchError, match=r"^M99_Stale: stale patch: hunk 1 .* src/A.sol"):
        check_applies([mutant], project)


def test_verify_mutants_stops_on_a_stale_patch_with_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from checkers import cli

    project = _project(tmp_path, SOURCE.replace("return x < 10;", "return x < 11;"))
    (project / "foundry.toml").write_text("[profile.default]\n")
    stale = parse_mutant(_write_patch(tmp_path, name="M98_Stale", breaks="FIX-01"))
    monkeypatch.setattr("checkers.mutants.load_mutants", lambda: {stale.name: stale})
    monkeypatch.setattr(cli, "_build_target", lambda config: None)
    monkeypatch.setattr("checkers.catalogue.validate_against_target", lambda specs, target: None)
    monkeypatch.setattr(cli, "_selected", lambda config, args: [_spec()])
    code = cli.main(["mutants", "--platform", str(project), "--no-progress", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("verify: error: M98_Stale: stale patch"), err


def _spec():
    from checkers.base import Severity, Spec

    return Spec(id="FIX-01", title="t", rationale="r", severity=Severity.HIGH, category="solvency",
                contracts=("A",), engines=("z3",))


def test_converter_reproduces_a_legacy_copy_without_its_header(tmp_path: Path) -> None:
    project = _project(tmp_path)
    legacy = tmp_path / "MX_Conv.sol"
    lines = MUTATED.splitlines(keepends=True)
    legacy.write_text("".join(lines[:1]) + "/// @custom:mutant-of src/A.sol\n/// @custom:breaks LIQ-01\n"
                      "/// @custom:description off by one\n\n" + "".join(lines[1:]))
    mutant, text = convert(legacy, project)
    assert text.startswith("# name: MX_Conv\n# mutant-of: src/A.sol\n# breaks: LIQ-01\n")
    patch = tmp_path / "MX_Conv.patch"
    patch.write_text(text)
    assert parse_mutant(patch).text(project) == MUTATED
    assert "@custom" not in text


def test_every_platform_mutant_is_a_patch_that_applies() -> None:
    mutants = load_mutants()
    assert len(mutants) >= 22 and all(m.path.suffix == ".patch" for m in mutants.values())
    check_applies(list(mutants.values()))
    assert all(isinstance(m, Mutant) for m in mutants.values())
