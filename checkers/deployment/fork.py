"""Pause and unpause simulated on an anvil fork of the deployment (`anvil --fork-url`): the guardian (the stack's
Safe) is impersonated on the fork, so nothing is ever sent to the real chain. The fork listens on 127.0.0.1 on a free
port and is stopped when the check ends, whatever happens."""
from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator

from checkers import toolchain
from checkers.deployment.chain import Chain
from checkers.deployment.checklist import Outcome
from checkers.deployment.file import Deployment
from checkers.errors import ConfigError
from checkers.processes import kill_tree

START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def forked(rpc_url: str) -> Iterator[Chain]:
    port = free_port()
    proc = subprocess.Popen([str(toolchain.anvil()), "--fork-url", rpc_url, "--host", "127.0.0.1", "--port", str(port),
                             "--disable-code-size-limit", "--silent"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise ConfigError(f"--rpc-url {rpc_url}: anvil could not fork it "
                                  f"({(proc.stderr.read() or b'').decode(errors='replace').strip()[:200]})")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise ConfigError(f"--rpc-url {rpc_url}: the anvil fork did not start in {START_TIMEOUT_S} s")
                time.sleep(0.2)
        yield Chain(f"http://127.0.0.1:{port}")
    finally:
        kill_tree(proc.pid)
        proc.wait()


def pausable(rpc_url: str, d: Deployment) -> Outcome:
    """Every module paused and unpaused by its stack's Safe, on a fork."""
    out = Outcome()
    with forked(rpc_url) as fork:
        w3 = fork.w3
        for s in d.stacks:
            w3.provider.make_request("anvil_impersonateAccount", [s.safe])
            w3.provider.make_request("anvil_setBalance", [s.safe, hex(10**18)])
            for name, address in s.modules.items():
                m = fork.module(name, address)
                problem = _pause_cycle(w3, m, s.safe)
                if problem:
                    out.problems.append(f"{s.name}.{name}: the guardian (Safe {s.safe}) cannot {problem}: fix: "
                                        f"grantRole(GUARDIAN_ROLE, {s.safe}) through the Safe")
                else:
                    out.seen.append(f"{s.name}.{name}: paused and unpaused by the Safe (fork at block {fork.block})")
    return out


def _pause_cycle(w3, module, guardian: str) -> str | None:
    was_paused = module.functions.paused().call()
    steps = (("unpause", False), ("pause", True)) if was_paused else (("pause", True), ("unpause", False))
    for fn, expected in steps:
        try:
            tx = getattr(module.functions, fn)().transact({"from": guardian})
            ok = w3.eth.wait_for_transaction_receipt(tx, timeout=30).status == 1
        except Exception:  # noqa: BLE001 - a revert (missing role) is the finding
            ok = False
        if not ok or module.functions.paused().call() != expected:
            return f"{fn} it"
    return None
