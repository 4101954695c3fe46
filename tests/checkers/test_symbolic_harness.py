"""Harness conventions: the argument domain recorded with every sequence verdict comes from the act_ NatSpec."""
from __future__ import annotations

from checkers.symbolic_harness import argument_domain


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
