"""An engine that behaves like halmos or the Manticore worker: it starts a real tool in a session of its own
(run_bounded, start_new_session=True), which starts a solver in yet another session, and leaves a temp workspace.

Every pid and path goes to the fake engine's log (FAKE_ENGINE_LOG) as it appears, so a test can wait for the
tool to be running, then interrupt or time out the check and prove that nothing survived.
  worker <pid>    the engine's worker process (for the tests' own clean-up)
  session <pid>   the tool run_bounded started (a session leader)
  solver <pid>    the tool's own child, in a new session (like halmos's or Manticore's solver)
  workspace <dir> a temp directory the engine made (like manticore-ws-*, halmos-*)
BEHAVIOUR (spec id -> "hang" | "die" | "leak"): the engine waits for the tool forever, dies under it, or the tool
exits at once leaving its solver running (the check then reports HOLDS_BOUNDED).
"""
from __future__ import annotations

import os
import tempfile
import threading
import time

from checkers.base import Availability, Checker, Finding, Verdict
from checkers.engines.sequence.checker import run_bounded

BEHAVIOUR: dict[str, str] = {}
LOG_ENV = "FAKE_ENGINE_LOG"
START = ('echo "session $$" >> "$LOG"; '
         'setsid sh -c \'echo "solver $$" >> "$LOG"; exec sleep 3600\' </dev/null >/dev/null 2>&1 & ')
TOOL = START + "exec sleep 3600"  # runs until killed
QUITTER = START + "while ! grep -q solver \"$LOG\"; do sleep 0.05; done"  # exits once its solver runs


def log(line: str) -> None:
    with open(os.environ[LOG_ENV], "a") as handle:
        handle.write(line + "\n")


class SessionChecker(Checker):
    NAME = "sessions"
    DESCRIPTION = "starts a tool in its own session, which starts a solver in another"

    def available(self) -> Availability:
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return frozenset(BEHAVIOUR) or frozenset({"FIX-01"})

    def check(self, spec, target, timeout_s):
        log(f"worker {os.getpid()}")
        workspace = tempfile.mkdtemp(prefix="hygiene-ws-")
        with open(os.path.join(workspace, "state.bin"), "wb") as handle:
            handle.write(b"\0" * 1024)
        log(f"workspace {workspace}")
        env = dict(os.environ, LOG=os.environ[LOG_ENV])
        if BEHAVIOUR.get(spec.id, "hang") == "die":
            tool = threading.Thread(target=run_bounded, args=(["sh", "-c", TOOL],),
                                    kwargs={"cwd": workspace, "env": env, "timeout_s": 3600}, daemon=True)
            tool.start()
            while "solver" not in open(os.environ[LOG_ENV]).read():
                time.sleep(0.05)
            os._exit(9)  # the worker dies (segfault, OOM) while its tool and solver run in their own sessions
        if BEHAVIOUR.get(spec.id) == "leak":
            run_bounded(["sh", "-c", QUITTER], cwd=workspace, env=env, timeout_s=60)
            return [Finding(spec.id, self.NAME, Verdict.HOLDS_BOUNDED, "tool exited", target=target.label)]
        run_bounded(["sh", "-c", TOOL], cwd=workspace, env=env, timeout_s=3600)
        raise AssertionError("the tool was to run until killed")
