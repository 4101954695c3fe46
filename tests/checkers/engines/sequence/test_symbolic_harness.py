"""Harness conventions: the argument domain recorded with every sequence verdict comes from the act_ NatSpec."""
from __future__ import annotations

from checkers.engines.sequence.harness import argument_domain


def _artifact(params_doc: dict[str, str]) -> dict:
    abi = [
        {"type": "function", "name": "act_withdraw", "inputs": [{"name": "choice", "type": "uint256"}]},
        {"type": "function", "name": "act_borrow", "inputs": [{"name": "amount", "type": "uint256"}]},
        {"type": "function", "name": "property", "inputs": []},
    ]
    devdoc = {"methods": {"act_withdraw(uint256)": {"params": params_doc}}}
    return {"abi": abi, "metadata": {"output": {"devdoc": devdoc}}}


def test_documented_choice_and_full_width_arguments() -> None:
    domain = argument_domain(_artifact({"choice": "(low 2 bits) selects  1 share\n   or all shares"}))
    assert domain == ("act_ arguments: act_withdraw(choice (low 2 bits) selects 1 share or all shares)"
                      " | act_borrow(amount: any uint256)")


def test_no_act_functions_no_domain() -> None:
    assert argument_domain({"abi": [{"type": "function", "name": "property", "inputs": []}]}) == ""


# --- coverage: a bounded pass needs every act_ to have succeeded at least once --------------------------------

import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from checkers import toolchain  # noqa: E402
from checkers.base import Severity, Spec, Verdict  # noqa: E402
from checkers.engines.fuzz.engine import FuzzChecker  # noqa: E402
from checkers.engines.sequence.checker import Coverage  # noqa: E402
from checkers.target import Target  # noqa: E402

_SPEC = Spec("SEQ-01", "t", "r", Severity.HIGH, "solvency", (), engines=("fuzz",))
_ACTS = [{"name": "act_withdraw"}, {"name": "act_supply"}]


def test_coverage_lists_every_claimed_act_and_names_those_that_never_succeeded() -> None:
    coverage = Coverage.of(_ACTS, {"act_supply": 12, "act_unrelated": 3}, "calls", "the campaign")
    assert dict(coverage.succeeded) == {"act_withdraw": 0, "act_supply": 12}
    assert coverage.never() == ("act_withdraw",)
    assert coverage.render() == "act_withdraw 0, act_supply 12 (calls in the campaign)"


def test_no_violation_with_an_act_that_never_succeeded_is_vacuous_not_holds() -> None:
    target = Target(root=Path("/nonexistent"), label="platform")
    vacuous = FuzzChecker().bounded(_SPEC, target, Coverage.of(_ACTS, {"act_supply": 5}, "calls", "the campaign"), "passed",
                                    time.monotonic())
    assert vacuous.verdict is Verdict.VACUOUS
    assert vacuous.summary.startswith("act_withdraw never succeeded")
    assert vacuous.evidence.bounds["act_succeeded"] == "act_withdraw 0, act_supply 5 (calls in the campaign)"
    holds = FuzzChecker().bounded(_SPEC, target, Coverage.of(_ACTS, {"act_withdraw": 1, "act_supply": 5}, "calls", "the campaign"),
                                  "passed", time.monotonic())
    assert holds.verdict is Verdict.HOLDS_BOUNDED and holds.summary == "passed"


_SYMBOLIC = toolchain.PLATFORM_PROJECT / "test" / "symbolic"


@pytest.mark.parametrize("stem", sorted(p.stem for p in (_SYMBOLIC / "harness").glob("SEQ*.sol")))
def test_every_platform_harness_follows_the_coverage_and_liveness_conventions(stem: str) -> None:
    """check_ calls its act_ without try/catch (halmos must see the reverts), test_deploy exists (DEPLOY-01), and
    every act_ has a test_live_ witness (LIVE-01)."""
    acts = set(re.findall(r"function act_(\w+)\(", (_SYMBOLIC / "harness" / f"{stem}.sol").read_text()))
    tests = (_SYMBOLIC / f"{stem}.t.sol").read_text()
    assert acts and acts == set(re.findall(r"function test_live_(\w+)\(", tests))
    assert "function test_deploy()" in tests
    for name, body in re.findall(r"function check_(\w+)\([^)]*\) public \{(.*?)\n    \}", tests, re.S):
        assert "try " not in body, f"{stem}.check_{name} swallows the act_'s revert"
