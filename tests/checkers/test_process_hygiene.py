"""Nothing a check started survives it: not a tool in its own session, not that tool's solver in another session,
not a temp workspace; whether the check hits the runner's hard timeout, its worker dies, or `verify` is
interrupted (issue 12 item 5)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import hygiene_engine
import pytest
from verify_fixtures import env, spec, tiny_built  # noqa: F401 - fixtures

from checkers import engines, processes, runner
from checkers.base import Verdict
from checkers.config import Config
from checkers.engines.sequence.checker import run_bounded
from checkers.target import Target

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent.parent


@pytest.fixture
def sessions_engine(monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "sessions", "hygiene_engine:SessionChecker")
    monkeypatch.setattr(hygiene_engine, "BEHAVIOUR", {"FIX-01": "hang"})
    return hygiene_engine


@pytest.fixture(autouse=True)
def _no_sleeper_left(env):
    """Whatever a test proves, it leaves no process and no workspace behind (old code would leave both)."""
    yield
    _kill_logged(env)


def _kill_logged(env) -> None:
    """SIGKILL every worker, session and solver the fake engine logged; remove its workspaces."""
    for line in env.ran():
        kind, _, value = line.partition(" ")
        if kind in ("worker", "session", "solver") and processes.alive(int(value)):
            os.kill(int(value), signal.SIGKILL)
        if kind == "workspace":
            shutil.rmtree(value, ignore_errors=True)


def _logged(env, kind: str, count: int = 1, deadline_s: float = 60) -> list[str]:
    """The values logged under `kind`, once `count` of them are there (the tool starts asynchronously)."""
    end = time.monotonic() + deadline_s
    while True:
        values = [line.split(" ", 1)[1] for line in env.ran() if line.startswith(kind + " ")]
        if len(values) >= count or time.monotonic() > end:
            return values
        time.sleep(0.05)


def _dead(pid: int) -> bool:
    """True once `pid` has ended; a killed process can take a moment to be collected, so wait up to 10 s."""
    for _ in range(200):
        if not processes.alive(pid):
            return True
        time.sleep(0.05)
    return False


def _assert_nothing_left(env) -> None:
    pids = [int(p) for p in _logged(env, "session") + _logged(env, "solver")]
    workspaces = _logged(env, "workspace")
    assert len(pids) == 2 and len(workspaces) == 1, env.ran()
    for pid in pids:
        assert _dead(pid), f"process {pid} ({processes.info(pid)}) outlived its check"
    assert not Path(workspaces[0]).exists(), f"temp workspace {workspaces[0]} left behind"


def _run(env, specs, **config):
    cfg = Config(**{"cache_dir": env.cache, "platform": env.root, "jobs": 1, "timeout": 1, "progress": False,
                    **config})
    return runner.run_checks(runner.plan(specs, Target(env.root), cfg), cfg)


def test_hard_timeout_kills_the_tools_own_sessions_and_removes_the_workspace(env, sessions_engine,
                                                                              monkeypatch) -> None:
    monkeypatch.setattr(runner, "GRACE_S", 3.5)  # hard limit 5 s: time for the tool to start its solver
    [result] = _run(env, [spec("FIX-01", engines_=("sessions",))])
    assert result.finding.verdict == Verdict.UNKNOWN and "timed out" in result.finding.summary
    _assert_nothing_left(env)


def test_a_worker_that_dies_takes_its_tools_sessions_with_it(env, sessions_engine) -> None:
    sessions_engine.BEHAVIOUR["FIX-01"] = "die"
    [result] = _run(env, [spec("FIX-01", engines_=("sessions",))], timeout=60)
    assert result.finding.verdict == Verdict.ERROR and "exit code 9" in result.finding.summary
    _assert_nothing_left(env)


# A run started in the background by a non-interactive shell (`.ci/run &`, nohup) inherits SIGINT ignored, and
# Python then keeps it ignored (no KeyboardInterrupt): the script restores what a terminal-started verify has, so
# the test interrupts the same verify wherever pytest was started (this made it hang, then fail, in background runs).
_VERIFY = """
import signal
import sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from checkers import cli, engines
from checkers.catalogue import validate_declarations
from verify_fixtures import spec
engines.ENGINES["sessions"] = "hygiene_engine:SessionChecker"
cli.load_specs = lambda: validate_declarations((spec("FIX-01", engines_=("sessions",)),), {})
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupting_verify_kills_every_process_a_check_started(env, sig) -> None:
    pythonpath = os.pathsep.join([str(REPO), str(TESTS), os.environ.get("PYTHONPATH", "")])
    verify = subprocess.Popen([sys.executable, "-c", _VERIFY, *env.argv("all"), "--timeout", "600"],
                              env=dict(os.environ, PYTHONPATH=pythonpath), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert _logged(env, "solver"), f"the check never started its tool: {verify.poll()} {env.ran()}"
        verify.send_signal(sig)
        _, err = verify.communicate(timeout=120)
    finally:
        # whatever happened, nothing of this run may outlive the test (or hold its pipes: communicate would wait)
        if verify.poll() is None:
            os.killpg(verify.pid, signal.SIGKILL)  # verify and its workers (its own session)
            _kill_logged(env)  # the tools, in sessions of their own
            verify.communicate(timeout=30)
    assert verify.returncode == 130 and "interrupted" in err, err
    _assert_nothing_left(env)


def test_run_bounded_leaves_nothing_of_a_tool_that_exited() -> None:
    """A tool that exits leaving a solver running in its session (halmos leaving yices behind)."""
    done = run_bounded(["sh", "-c", "sleep 3600 </dev/null >/dev/null 2>&1 & echo $!"], cwd=Path.cwd(),
                       env=dict(os.environ), timeout_s=60)
    [pid] = [int(line) for line in done.stdout.split()]
    try:
        assert _dead(pid), processes.info(pid)
    finally:
        if processes.alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_daemon_a_finished_tool_left_in_its_own_session_ends_with_the_worker(env, sessions_engine) -> None:
    """The tool exits normally but leaves a solver in a new session: it re-parents to the worker (a subreaper),
    not to PID 1, and the worker kills it before it exits."""
    sessions_engine.BEHAVIOUR["FIX-01"] = "leak"
    [result] = _run(env, [spec("FIX-01", engines_=("sessions",))], timeout=60)
    assert result.finding.verdict == Verdict.HOLDS_BOUNDED, result.finding.summary
    _assert_nothing_left(env)


def test_kill_tree_reaches_grandchildren_in_other_sessions() -> None:
    parent = subprocess.Popen(["sh", "-c", "setsid sh -c 'echo $$; exec sleep 3600' </dev/null & exec sleep 3600"],
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    grandchild = int(parent.stdout.readline())
    try:
        assert processes.info(grandchild).sid == grandchild != processes.info(parent.pid).sid
        processes.kill_tree(parent.pid)
        parent.wait()
        assert _dead(grandchild)
    finally:
        for pid in (parent.pid, grandchild):
            if processes.alive(pid):
                os.kill(pid, signal.SIGKILL)
        parent.stdout.close()
