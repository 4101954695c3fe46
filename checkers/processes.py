"""Every process a check starts dies with the check, and its temp workspaces go with it.

Killing the engine worker's process group is not enough: halmos, the Manticore worker and their solvers run in
sessions of their own (`run_bounded`, start_new_session=True), so they would outlive it under PID 1. Three
mechanisms, used by the runner (checkers/runner.py) and run_bounded (checkers/engines/sequence/checker.py):

- a scope per engine worker: a scratch directory that is the worker's TMPDIR (so halmos's, Manticore's and our
  own temp workspaces land in it and are removed with it) and holds a log of the sessions the worker started;
- the worker is a child subreaper (Linux prctl): a tool's orphaned children re-parent to the worker, not to
  PID 1, so they stay in its process tree;
- `kill_tree` freezes a tree (SIGSTOP until no new descendant appears, so nothing forks past it), then SIGKILLs
  every member and every process group they lead; `end_scope` also kills the logged sessions (the worker may have
  died first, leaving them under PID 1) and removes the scratch directory.
Linux only (/proc); elsewhere the process-group kills still apply.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SESSIONS = "sessions"  # in a scope: one "pid starttime" line per session the worker started
TMP = "tmp"
_PR_SET_CHILD_SUBREAPER = 36
_scope: Path | None = None  # set in a worker by adopt()


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int  # clock ticks since boot: with the pid, identifies one process (pids are reused)


def info(pid: int) -> ProcInfo | None:
    """The /proc/<pid>/stat fields we need, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name may contain spaces and parentheses
    return ProcInfo(pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0], int(fields[19]))


def all_processes() -> list[ProcInfo]:
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            proc = info(int(entry))
            if proc is not None:
                found.append(proc)
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie has finished: it only waits for its parent to collect it)."""
    proc = info(pid)
    return proc is not None and proc.state not in ("Z", "X")


def descendants(pid: int, table: Iterable[ProcInfo] | None = None) -> list[ProcInfo]:
    children: dict[int, list[ProcInfo]] = {}
    for proc in table if table is not None else all_processes():
        children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def kill_tree(pid: int, include_root: bool = True) -> None:
    """SIGKILL `pid` (unless include_root is False), every descendant, and every process group one of them leads.

    The tree is frozen first (SIGSTOP, repeated until no new member appears) so nothing forks or re-parents
    past the kill. Never signals this process or its own group."""
    me, my_group = os.getpid(), os.getpgrp()
    frozen: dict[int, ProcInfo] = {}
    root = info(pid)
    if include_root and root is not None:
        frozen[pid] = root
        _signal(pid, signal.SIGSTOP)
    for _ in range(100):
        new = [p for p in descendants(pid) if p.pid not in frozen and p.pid != me]
        if not new:
            break
        for proc in new:
            frozen[proc.pid] = proc
            _signal(proc.pid, signal.SIGSTOP)
    groups = {p.pgid for p in frozen.values() if p.pgid == p.pid} - {my_group}
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for proc in frozen.values():
        _signal(proc.pid, signal.SIGKILL)


def kill_session(sid: int, started: int) -> None:
    """Kill whatever is left of the session `sid` that a worker started at `started` (clock ticks): its leader if
    it still runs, and any process of that session (or descended from it) if the leader is gone."""
    table = all_processes()
    leader = next((p for p in table if p.pid == sid), None)
    if leader is not None and leader.start != started:
        return  # the number now belongs to another process: our session ended (its number was freed)
    if leader is not None:
        kill_tree(sid)
    for proc in table:
        # A pid is not reused while a session still carries its number, so with the leader gone every process
        # of session `sid` that started no earlier than it is a leftover of it.
        if proc.sid == sid and proc.start >= started and proc.pid != os.getpid():
            kill_tree(proc.pid)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# ---- scopes: one per engine worker ----------------------------------------------------------------------
def new_scope() -> Path:
    """A scratch directory for one engine worker (created by the runner, removed by end_scope)."""
    scope = Path(tempfile.mkdtemp(prefix="verify-worker-"))
    (scope / TMP).mkdir()
    return scope


def adopt(scope: Path) -> None:
    """In the worker: temp files go under the scope, tools' orphans re-parent here, sessions are logged."""
    global _scope
    _scope = scope
    tmp = str(scope / TMP)
    os.environ["TMPDIR"] = tmp  # halmos, forge, Manticore and the tools they start
    tempfile.tempdir = tmp  # this process's tempfile calls (tempdir was cached before the fork)
    _become_subreaper()


def _become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: a tool's orphans escape to PID 1; the session log still finds them


def track(pid: int) -> int:
    """Log a session just started (run_bounded) so the runner can kill it even after the worker died; returns
    its start time for kill_session (0 if it already ended)."""
    proc = info(pid)
    started = proc.start if proc is not None else 0
    if _scope is not None:
        with open(_scope / SESSIONS, "a") as handle:
            handle.write(f"{pid} {started}\n")
    return started


def sessions(scope: Path) -> list[tuple[int, int]]:
    try:
        lines = (scope / SESSIONS).read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            out.append((int(parts[0]), int(parts[1])))
    return out


def end_scope(scope: Path) -> None:
    """After the worker was killed (or ended): kill the sessions it logged, remove its scratch directory."""
    for sid, started in sessions(scope):
        kill_session(sid, started)
    shutil.rmtree(scope, ignore_errors=True)


def end_children() -> None:
    """In a worker about to exit: kill what the tools left behind (orphans adopted by this subreaper)."""
    kill_tree(os.getpid(), include_root=False)
