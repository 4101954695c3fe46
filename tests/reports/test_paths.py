"""No report carries a machine path: everything is relative to the project root (reports/paths.py)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from checkers import toolchain
from checkers.base import Counterexample, Evidence, Finding, Severity, SourceLocation, Spec, Verdict
from checkers.results import CheckResult, RunResults
from reports import FILES, render, write_reports
from reports.console import print_summary

REPO = str(toolchain.REPO_ROOT)


def _spec(spec_id: str, engines=("slither",)) -> Spec:
    return Spec(id=spec_id, title=f"{spec_id} title", rationale="why", severity=Severity.HIGH, category="c",
                contracts=("Vault",), engines=engines)


def _check(spec_id: str, engine: str, verdict: Verdict, summary: str, evidence: Evidence = Evidence(),
           target: str = "platform") -> CheckResult:
    return CheckResult(Finding(spec_id, engine, verdict, summary, evidence, 0.1, target), verdict)


def _project_results(root: Path, out: Path) -> RunResults:
    """A --project run on `root` (outside the toolkit repo) whose engines wrote absolute paths everywhere."""
    label = root.name
    replay = out / "replay" / "SEQ01_fuzz.t.sol"
    specs = [_spec("PAUSE-01"), _spec("SEQ-01", ("fuzz",)), _spec("ORCL-01", ("z3",))]
    checks = [
        _check("PAUSE-01", "slither", Verdict.NO_FINDING, f"no finding in 1 contract(s) of {root}", Evidence(
            domain=f"every function of the 1 contracts compiled from src/ (3 functions) of {root}",
            notes=f"in scope: Vault; exempt: Vault.repay (see {root}/src/Vault.sol)",
            locations=(SourceLocation(f"{root}/src/Vault.sol", 3, "Vault"),)), label),
        _check("SEQ-01", "fuzz", Verdict.VIOLATED, "SEQ-01 violated: act_withdraw(5) (fuzz)", Evidence(
            counterexample=Counterexample({"act_withdraw(uint256)[0]": "5"}, ("SEQ01Harness()", "act_withdraw(5)"),
                                          explanation=f"see {replay}"),
            replay_test=str(replay),
            replay_command=f"cp {replay} <project>/test/verify-replay/ && forge test --root <project>"), label),
        _check("ORCL-01", "z3", Verdict.ERROR, f"z3 engine crashed: OSError: {REPO}/checkers/engines/z3/x.py",
               Evidence(notes=f'Traceback:\n  File "{REPO}/checkers/engines/z3/engine.py", line 50'), label),
    ]
    return RunResults(command="all", specs=specs, checks=checks, targets={label: str(root)},
                      locations={"PAUSE-01": [{"file": f"{root}/src/Vault.sol", "line": 3, "contract": "Vault"}]},
                      settings={"out": str(out)}, source={"commit": "abc"}, strict=True)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "machine-prefix" / "other"
    (root / "src").mkdir(parents=True)
    (root / "src" / "Vault.sol").write_text("pragma solidity 0.8.24;\n\ncontract Vault {\n}\n")
    return root


def test_no_report_contains_a_machine_path(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "machine-prefix" / "reports-out"
    results = _project_results(project, out)
    for path in write_reports(results, out, ["md", "html", "sarif", "junit"]):
        text = path.read_text()
        assert str(tmp_path) not in text and REPO not in text, path.name
    md = (out / FILES["md"]).read_text()
    assert "of ." in md and "see src/Vault.sol" in md, "the project root itself and paths below it, relative"
    assert "`cp <out>/replay/SEQ01_fuzz.t.sol <project>/" in md, "replays outside the project: under <out>"
    assert "checkers/engines/z3/x.py" in md, "toolkit paths relative to the toolkit repo"
    console = Console(file=io.StringIO(), width=300)
    print_summary(results, console)
    assert str(tmp_path) not in console.file.getvalue() and REPO not in console.file.getvalue()


def test_sarif_uris_are_relative_to_the_project_root(project: Path, tmp_path: Path) -> None:
    run = json.loads(render(_project_results(project, tmp_path / "out"), "sarif", tmp_path / "out"))["runs"][0]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]]
    assert "src/Vault.sol" in uris and not any(u.startswith("/") for u in uris)


def test_platform_paths_are_relative_to_the_repo_and_other_roots_become_labels(tmp_path: Path) -> None:
    base = tmp_path / "verify-diff-x" / "contracts"
    results = RunResults(
        command="diff", specs=[_spec("PAUSE-01")], targets={"platform": "contracts", "base@v1": str(base)},
        checks=[_check("PAUSE-01", "slither", Verdict.NO_FINDING, "ok", Evidence(
            domain=f"every function of {REPO}/contracts and {base}/src/Vault.sol"))])
    md = render(results, "md")
    assert "every function of contracts and base@v1/src/Vault.sol" in md
    assert str(tmp_path) not in md and REPO not in md


def test_a_prefix_only_matches_whole_path_components(tmp_path: Path) -> None:
    from reports.paths import PathScrubber

    scrub = PathScrubber.for_results(RunResults("all", [], [], targets={"x": str(tmp_path / "p")}))
    assert scrub.text(f"{tmp_path}/p/src/A.sol and ({tmp_path}/p).") == "src/A.sol and (.)."
    assert scrub.text(f"{tmp_path}/p2/src") == f"{tmp_path}/p2/src", "a sibling directory is not the root"
