"""The integrity specs of the vault, receiver, oracle and pause cover what the brief promised: every external and
public function of their contract is named by some spec of its module, every spec owns at least one property test,
and the test contract is named so the props engine attributes a reverting setUp() to these specs.

Source-level checks (no build): they fail when a function is added to a contract without an integrity spec, or a
test is renamed away from its spec.
"""
from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from checkers import toolchain
from checkers.engines.props import naming
from specs import integrity_access, integrity_launch, integrity_oracle, integrity_receiver, integrity_vault

CONTRACTS = Path(toolchain.PLATFORM_PROJECT)

# module, contract whose every external/public function must be covered, its source, the property-test contract
CASES = (
    (integrity_vault, "CrossChainVault", "src/CrossChainVault.sol", "VaultIntegrity"),
    (integrity_receiver, "CrossChainReceiver", "src/CrossChainReceiver.sol", "RecvIntegrity"),
    (integrity_oracle, "DataStreamOracle", "src/DataStreamOracle.sol", "OrclIntegrity"),
    (integrity_access, "PlatformAccessUpgradeable", "src/access/PlatformAccessUpgradeable.sol", "AccIntegrity"),
    (integrity_launch, "LaunchControl", "src/LaunchControl.sol", "LaunchIntegrity"),
)

_DECL = re.compile(r"\bfunction\s+(\w+)\s*\(([^)]*)\)([^{;]*)", re.S)


def external_functions(source: str, contract: str) -> set[str]:
    """Names of the functions `contract` itself declares external or public (interfaces in the same file excluded:
    the contract is the file's last declaration)."""
    start = re.search(rf"\bcontract\s+{contract}\b", source)
    assert start, f"contract {contract} not found"
    body = source[start.start():]
    return {name for name, _, tail in _DECL.findall(body) if re.search(r"\b(external|public)\b", tail)}


def covered(module: ModuleType, contract: str) -> set[str]:
    names: set[str] = set()
    for spec in module.SPECS:
        names |= {f.split(".", 1)[1] for f in spec.functions if f.split(".", 1)[0] == contract}
    return names


def test_external_functions_parsed() -> None:
    src = ("interface I { function i() external; }\ncontract C {\nfunction a(uint x) external view returns (uint) {}\n"
           "function _b() internal {}\nfunction c() public {}\n}")
    assert external_functions(src, "C") == {"a", "c"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[1])
def test_every_external_function_has_an_integrity_spec(case) -> None:
    module, contract, source, _ = case
    declared = external_functions((CONTRACTS / source).read_text(), contract)
    assert declared, f"no external functions parsed from {source}"
    missing = sorted(declared - covered(module, contract))
    assert not missing, f"{contract}: no {module.__name__} spec names {missing}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[1])
def test_every_spec_owns_a_property_test(case) -> None:
    module, _, _, test_contract = case
    text = (CONTRACTS / naming.TEST_DIR / f"{test_contract}.t.sol").read_text()
    assert re.search(rf"\bcontract\s+{test_contract}\b", text)
    for spec in module.SPECS:
        assert re.search(rf"function\s+{naming.prefix(spec.id)}\w+\(", text), f"{spec.id}: no test in {test_contract}"
        assert spec.engines == ("props",)
        # the engine attributes a reverting setUp() to specs whose id's second part prefixes the test contract
        assert test_contract.upper().startswith(spec.id.split("-")[1]), f"{spec.id} vs {test_contract}"
