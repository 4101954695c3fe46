"""Runs one Manticore harness in its own process (`python -m checkers.engines.manticore.worker job.json`).

Kept apart from the engine so a hung or crashing Manticore cannot take the runner down: the engine gives it a
wall budget and kills its process group. Results stream out as JSON lines, one per explored action, so a
violation found before the budget ends is not lost.

Shape (docs/toolchain.md, Manticore): deploy the harness concretely (its constructor sets the platform up), snapshot, then for
each `act_*` function one transaction with symbolic arguments; in every state that survives, read the
harness's `violated` flag from storage and ask the solver whether it can be set. The number of surviving states
is the act_'s coverage (Manticore drops the paths that reverted). With `tx_depth` 2, a second symbolic
transaction follows from those states, its selector any of the act_ functions (the dispatcher forks on it).
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _configure(job: dict[str, Any]) -> None:
    from manticore.utils import config

    smt = config.get_group("smt")
    smt.solver = "yices"
    smt.yices_bin = job["yices_bin"]
    smt.timeout = int(job.get("query_timeout_s", 30))
    smt.defaultunsat = False  # a solver timeout must surface as SolverUnknown, never as "unreachable"
    core = config.get_group("core")
    core.procs = 1
    core.mprocessing = "single"
    # An internal exception kills one state and ends the single worker; without fast_fail the main loop then
    # spins forever on the states left behind (FakeLock.wait returns at once). Kill the run instead; the
    # plugin below reports the exception so the engine says ERROR, not "budget exhausted".
    core.fast_fail = True
    evm = config.get_group("evm")
    evm.oog = "ignore"
    # With oog='ignore' Manticore still builds the remaining gas as one ever-growing symbolic expression
    # (fees depend on symbolic values) and simplifies it at every instruction: quadratic, minutes for a
    # single call. Gas is not part of any property checked here, so skip the accounting altogether.
    from manticore.platforms import evm as platform_evm

    platform_evm.EVM._consume = lambda self, fee: None
    from checkers.engines.manticore import fastpath

    fastpath.install()


def _crash_reporter():
    from manticore.core.plugin import Plugin

    class CrashReporter(Plugin):
        """Streams the exception that killed a state (Manticore would only log it)."""

        def will_kill_state_callback(self, state, exc):
            kind = "solver_unknown" if type(exc).__name__ in ("SolverUnknown", "SolverError") else "crash"
            _emit({"event": kind, "message": f"{type(exc).__name__}: {exc}"[:500]})

    return CrashReporter()


def run(job: dict[str, Any]) -> None:
    _configure(job)
    from manticore.core.smtlib import SolverUnknown  # noqa: F401  (import checks the install)
    from manticore.ethereum import ManticoreEVM

    started = time.monotonic()
    m = ManticoreEVM(workspace_url=job["workspace"])
    m.register_plugin(_crash_reporter())
    world = json.loads(open(job["state"]).read())
    address = int(job["harness_address"], 16)
    for account, data in sorted(world.items()):
        code = bytes.fromhex(data.get("code", "0x").removeprefix("0x"))
        m.create_account(
            address=int(account, 16), balance=int(data.get("balance", "0x0"), 16), code=code or None,
            nonce=int(data.get("nonce", "0x0"), 16),
        )
    for state in m.ready_states:  # states are saved back when the loop moves on
        for account, data in world.items():
            for slot, value in data.get("storage", {}).items():
                state.platform.set_storage_data(int(account, 16), int(slot, 16), int(value, 16))
    m.start_block(blocknumber=int(job["block"]), timestamp=int(job["timestamp"]), coinbase=0)
    attacker = m.create_account(balance=10**24, name="caller")
    if address not in {int(a, 16) for a in world}:
        _emit({"event": "error", "message": "harness account missing from the dumped state"})
        return
    _emit({"event": "setup", "seconds": round(time.monotonic() - started, 3), "accounts": len(world)})
    m.take_snapshot()
    for index, action in enumerate(job["actions"]):
        if index:
            m.goto_snapshot()
            m.take_snapshot()
        t0 = time.monotonic()
        n_args = int(action["n_args"])
        data: Any = bytes.fromhex(action["selector"])
        if n_args:
            data = m.make_symbolic_buffer(4 + 32 * n_args, name=f"data_{action['name']}")
            m.constrain(data[0:4] == bytes.fromhex(action["selector"]))
        _transact(m, job, attacker, address, data)
        if m.is_killed():
            return  # an internal exception (reported by CrashReporter) ended the run: no "done", no verdict
        states = 0
        found: dict[str, Any] | None = None
        for state in m.ready_states:
            states += 1
            flag = state.platform.get_storage_data(address, int(job["flag_slot"]))
            if state.can_be_true(flag != 0):
                state.constrain(flag != 0)
                if n_args:
                    raw = state.solve_one(data)
                    calldata = bytes(raw).hex()
                else:
                    calldata = action["selector"]
                found = {"calldata": calldata}
                break
        record = {
            "event": "action",
            "name": action["name"],
            "signature": action["signature"],
            "states": states,
            "seconds": round(time.monotonic() - t0, 3),
            "status": "violated" if found else "holds",
        }
        if found:
            record.update(found)
        _emit(record)
        if found:
            break  # one concrete violation decides the spec; the remaining act_ functions need not run
        if int(job.get("tx_depth", 1)) >= 2 and states:
            second = _second_transaction(m, job, attacker, address, action, data)
            if second is None:
                return  # killed by an internal exception (reported by CrashReporter)
            _emit(second)
            if second["status"] == "violated":
                break
    _emit({"event": "done", "seconds": round(time.monotonic() - started, 3)})


def _second_transaction(m, job: dict[str, Any], attacker, address: int, first: dict[str, Any],
                        first_data: Any) -> dict[str, Any] | None:
    """From every state the first act_ left, one more transaction calling any act_ with symbolic arguments;
    returns the "sequence" record (with both calldatas when the flag can be set), None when the run was killed."""
    from manticore.core.smtlib import Operators

    t0 = time.monotonic()
    width = max(int(a["n_args"]) for a in job["actions"])
    data = m.make_symbolic_buffer(4 + 32 * width, name=f"data_after_{first['name']}")
    choices = [data[0:4] == bytes.fromhex(a["selector"]) for a in job["actions"]]
    m.constrain(Operators.OR(*choices) if len(choices) > 1 else choices[0])
    _transact(m, job, attacker, address, data)
    if m.is_killed():
        return None
    states = 0
    calldata: list[str] | None = None
    for state in m.ready_states:
        states += 1
        flag = state.platform.get_storage_data(address, int(job["flag_slot"]))
        if state.can_be_true(flag != 0):
            state.constrain(flag != 0)
            head = bytes(state.solve_one(first_data)).hex() if int(first["n_args"]) else first["selector"]
            calldata = [head, bytes(state.solve_one(data)).hex()]
            break
    record: dict[str, Any] = {"event": "sequence", "first": first["name"], "states": states,
                              "seconds": round(time.monotonic() - t0, 3),
                              "status": "violated" if calldata else "holds"}
    if calldata:
        record["calldata"] = calldata
    return record


def main(argv: list[str]) -> int:
    job = json.loads(open(argv[1]).read())
    try:
        run(job)
    except Exception as exc:  # classify for the engine; the engine decides the verdict
        kind = "solver_unknown" if type(exc).__name__ in ("SolverUnknown", "SolverError") else "crash"
        _emit({"event": kind, "message": f"{type(exc).__name__}: {exc}"[:500]})
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))


def _transact(m: Any, job: dict[str, Any], attacker: Any, address: int, data: Any) -> None:
    """One transaction from every ready state; "every path reverted" (NoAliveStates) is an outcome, not an error."""
    try:
        m.transaction(caller=attacker, address=address, value=0, data=data, gas=job.get("tx_gas", 30_000_000))
    except Exception as exc:  # NoAliveStates: every path reverted
        if type(exc).__name__ != "NoAliveStates":
            raise
