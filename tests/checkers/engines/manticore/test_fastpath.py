"""The Manticore fast paths keep symbolic memory symbolic and concrete memory exact (worker configuration).

A six-instruction contract stores its calldata argument in memory, loads it back and records `arg == 42` in
storage slot 0: with a symbolic argument both outcomes stay reachable and the solver recovers 42; with a concrete
argument the flag is concrete. Memory goes through MSTORE/MLOAD, the paths the patches change.
"""
from __future__ import annotations

import pytest

from checkers import toolchain
from checkers.engines.manticore import worker

# PUSH1 4 CALLDATALOAD  PUSH1 0 MSTORE  PUSH1 0 MLOAD  PUSH1 42 EQ  PUSH1 0 SSTORE  STOP
RUNTIME = bytes.fromhex("600435" "600052" "600051" "602a14" "600055" "00")
SELECTOR = bytes.fromhex("12345678")


@pytest.fixture(scope="module")
def evm(tmp_path_factory):
    yices = toolchain.venv_bin("yices-smt2")
    if yices is None:
        pytest.skip("yices-smt2 not installed")
    worker._configure({"yices_bin": str(yices), "query_timeout_s": 30})
    from manticore.ethereum import ManticoreEVM

    def fresh():
        m = ManticoreEVM(workspace_url=f"fs:{tmp_path_factory.mktemp('ws')}")
        contract = m.create_account(balance=0, code=RUNTIME)
        caller = m.create_account(balance=10**18)
        return m, int(contract), caller

    return fresh


def test_symbolic_argument_through_memory_keeps_both_outcomes(evm):
    m, address, caller = evm()
    data = m.make_symbolic_buffer(36, name="arg")
    m.constrain(data[0:4] == SELECTOR)
    m.transaction(caller=caller, address=address, value=0, data=data, gas=100_000)
    [state] = list(m.ready_states)
    flag = state.platform.get_storage_data(address, 0)
    assert state.can_be_true(flag == 1) and state.can_be_true(flag == 0)
    state.constrain(flag == 1)
    assert int.from_bytes(bytes(state.solve_one(data))[4:], "big") == 42


@pytest.mark.parametrize(("argument", "expected"), [(42, 1), (41, 0)])
def test_concrete_argument_through_memory_is_exact(evm, argument, expected):
    m, address, caller = evm()
    m.transaction(caller=caller, address=address, value=0, data=SELECTOR + argument.to_bytes(32, "big"),
                  gas=100_000)
    [state] = list(m.ready_states)
    flag = state.platform.get_storage_data(address, 0)
    assert not isinstance(flag, int) or flag == expected
    assert state.must_be_true(flag == expected)
