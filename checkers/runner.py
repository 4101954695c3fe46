"""Plan (spec, engine, target) checks, answer what the cache can, run the rest in parallel with timeouts.

Each batch of checks for one engine runs in its own forked process (up to `jobs` at once) so an engine's
in-process warm-up is shared by its checks, a crash or a hung solver costs one check and never the run:
  - an exception in check()           -> ERROR finding (the engine contract says check() must not raise)
  - the process dies (segfault, OOM)   -> ERROR finding for the check it was on; the rest of its batch is re-queued
  - a check runs past 1.5 x timeout + 15 s -> the process is killed, UNKNOWN finding, the rest re-queued
  - the engine's shared set-up (Checker.prepare, e.g. halmos's and Manticore's harness builds) runs once per
    batch before its first check, outside the checks' clocks; it fails -> ERROR for each check of the batch
  - whenever a worker ends (done, died, timed out, or the run was interrupted) every process it started is
    killed, including tools in sessions of their own, and its temp workspaces are removed (checkers/processes.py)
  - the engine cannot be imported, or available().ok is False -> SKIPPED with the reason
Accepted risk is applied here (VIOLATED + spec.accepted_risk -> ACCEPTED_RISK, evidence kept).
"""
from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from checkers import processes
from checkers.base import Checker, Finding, Spec, Verdict
from checkers.cache import ResultCache, TargetHasher, check_key
from checkers.config import Config
from checkers.engines import ENGINES, engine_rank, load_engine
from checkers.layout import layout
from checkers.mutants import Mutant, build_mutant
from checkers.results import CheckResult, MutantResult, apply_accepted_risk, kills
from checkers.target import Target

GRACE_FACTOR = 1.5
GRACE_S = 15.0
SETUP_LIMIT_S = 900.0  # an engine's shared set-up (Checker.prepare: a cold build) before the batch's first check


@dataclass(frozen=True)
class PlannedCheck:
    spec: Spec
    engine: str
    target: Target
    key: str


@dataclass
class _Running:
    process: Any
    conn: Connection
    engine: str
    target: Target
    indices: list[int]
    scope: Path  # the worker's scratch directory (TMPDIR, session log): processes.new_scope()
    done: set[int] = field(default_factory=set)
    current: int | None = None
    started: float = 0.0  # when the current check started (before the first: when the worker started)


ProgressHook = Callable[[PlannedCheck, CheckResult | None, list[PlannedCheck]], None]


def select_specs(specs: Sequence[Spec], config: Config) -> list[Spec]:
    """--only (ids, id prefixes or categories) and --engines (specs with at least one selected engine)."""
    selected = list(specs)
    if config.only:
        selected = [s for s in selected if any(only_matches(w, s) for w in config.only)]
    if config.engines:
        selected = [s for s in selected if set(s.engines) & set(config.engines)]
    if config.project is not None:
        selected = [s for s in selected if s.generic]
    return selected


def only_matches(token: str, spec: Spec) -> bool:
    """An --only token names `spec`: its id, a leading part of its id (LIQ, INT-LAUNCH) or its category."""
    token = token.upper()
    return spec.id.upper() == token or spec.id.upper().startswith(token + "-") or spec.category.upper() == token


def plan(specs: Iterable[Spec], target: Target, config: Config, hasher: TargetHasher | None = None) -> list[PlannedCheck]:
    hasher = hasher or TargetHasher(target)
    settings = config.engine_settings()
    checks = []
    for spec in specs:
        for engine in spec.engines:
            if config.engines and engine not in config.engines:
                continue
            checks.append(PlannedCheck(spec, engine, target, check_key(spec, engine, target, hasher, settings)))
    return checks


def run_checks(checks: Sequence[PlannedCheck], config: Config, on_progress: ProgressHook | None = None) -> list[CheckResult]:
    """Every planned check gets exactly one CheckResult (in plan order), whatever the engines do."""
    cache = ResultCache(config.cache_dir, enabled=config.cache)
    results: dict[int, CheckResult] = {}
    misses: list[int] = []
    for i, check in enumerate(checks):
        findings = cache.get(check.key)
        if findings is not None:
            results[i] = _accept(check, findings, cached=True)
            _notify(on_progress, check, results[i], [])
        else:
            misses.append(i)

    engines: dict[str, Checker | str] = {}
    for name in sorted({checks[i].engine for i in misses}):
        engines[name] = _load(name)

    batches: deque[tuple[str, Target, list[int]]] = deque()
    for name in sorted(engines, key=lambda n: (engine_rank(n), n)):
        engine = engines[name]
        group = [i for i in misses if checks[i].engine == name]
        for i in list(group):
            skip = _skip_reason(engine, checks[i])
            if skip is not None:
                verdict, summary = skip
                finding = Finding(checks[i].spec.id, name, verdict, summary, target=checks[i].target.label)
                results[i] = _accept(checks[i], [finding], cached=False)
                _notify(on_progress, checks[i], results[i], [])
                group.remove(i)
        by_target: dict[str, list[int]] = {}
        for i in group:
            by_target.setdefault(checks[i].target.label, []).append(i)
        for indices in by_target.values():
            chunks = max(1, min(config.jobs, len(indices)))
            for c in range(chunks):
                batches.append((name, checks[indices[0]].target, indices[c::chunks]))

    _execute(batches, checks, engines, config, cache, results, on_progress)
    return [results[i] for i in range(len(checks))]


def _notify(hook: ProgressHook | None, check: PlannedCheck, result: CheckResult | None, running: list[PlannedCheck]) -> None:
    if hook is not None:
        hook(check, result, running)


def _load(name: str) -> Checker | str:
    """The engine, or the one-line reason it cannot run (becomes SKIPPED)."""
    if name not in ENGINES:
        return f"engine {name!r} is not registered"
    try:
        engine = load_engine(name)
    except Exception as exc:  # noqa: BLE001 - an engine that cannot load must not stop the others
        return f"engine {name} cannot be loaded ({type(exc).__name__}: {_one_line(str(exc))})"
    try:
        availability = engine.available()
    except Exception as exc:  # noqa: BLE001
        return f"engine {name}: available() failed ({type(exc).__name__}: {_one_line(str(exc))})"
    if not availability.ok:
        return f"engine {name} unavailable: {availability.reason}"
    return engine


def _skip_reason(engine: Checker | str, check: PlannedCheck) -> tuple[Verdict, str] | None:
    if isinstance(engine, str):
        return Verdict.SKIPPED, engine
    try:
        supported = engine.supported_specs()
    except Exception as exc:  # noqa: BLE001
        return Verdict.ERROR, f"engine {check.engine}: supported_specs() failed ({type(exc).__name__}: {exc})"
    if check.spec.id not in supported:
        return Verdict.ERROR, (f"spec {check.spec.id} names engine {check.engine}, which has no implementation "
                               f"for it")
    return None


def _accept(check: PlannedCheck, findings: list[Finding], cached: bool) -> CheckResult:
    """One CheckResult per check: the worst of the engine's findings, with accepted risk applied."""
    findings = [f for f in findings if isinstance(f, Finding)] or [
        Finding(check.spec.id, check.engine, Verdict.ERROR, "engine returned no finding", target=check.target.label)]
    # A counterexample is never hidden behind a worse-ranked verdict of the same engine.
    worst = max(findings, key=lambda f: (f.verdict == Verdict.VIOLATED, f.verdict if f.verdict != Verdict.SKIPPED else -1))
    worst = replace(worst, spec_id=check.spec.id, engine=check.engine, target=check.target.label)
    result = apply_accepted_risk(check.spec, worst)
    return replace(result, cached=cached)


def _worker(engine: Checker, specs: list[tuple[int, Spec]], root: Path, label: str, generic: bool,
            timeout: float, conn: Connection, scope: Path) -> None:
    """Runs in a forked child. Never raises: every outcome goes back as a message."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _DEFERRED)  # forked while the runner held them (_signals_deferred)
    os.setpgrp()  # its own process group: a timeout kills the engine's subprocesses (forge, halmos) too
    processes.adopt(scope)  # temp files under the scope, tools' orphans re-parent here, sessions logged
    target = Target(root=root, label=label, generic=generic)
    setup_error = _prepare(engine, target, [spec for _, spec in specs])
    for index, spec in specs:
        conn.send(("start", index))
        started = time.monotonic()
        try:
            if setup_error is not None:
                findings = [Finding(spec.id, engine.NAME, Verdict.ERROR, setup_error, target=label)]
            else:
                findings = engine.check(spec, target, timeout)
            if not isinstance(findings, list) or not all(isinstance(f, Finding) for f in findings):
                raise TypeError(f"check() returned {type(findings).__name__}, not a list of Finding")
        except BaseException as exc:  # noqa: BLE001 - the engine contract: a crash is an ERROR finding
            findings = [Finding(spec.id, engine.NAME, Verdict.ERROR,
                                f"engine crashed: {type(exc).__name__}: {_one_line(str(exc))}", target=label)]
        elapsed = time.monotonic() - started
        findings = [f if f.duration_s else replace(f, duration_s=round(elapsed, 3)) for f in findings]
        try:
            conn.send(("done", index, findings))
        except Exception as exc:  # noqa: BLE001 - unpicklable evidence
            conn.send(("done", index, [Finding(spec.id, engine.NAME, Verdict.ERROR,
                                               f"engine result could not be transferred: {exc}", target=label)]))
    processes.end_children()  # anything a tool left running (adopted by this subreaper) ends with the batch
    conn.close()


def _prepare(engine: Checker, target: Target, specs: list[Spec]) -> str | None:
    """Run the engine's shared set-up for this batch (Checker.prepare_batch); the reason when it failed."""
    try:
        engine.prepare_batch(target, specs)
    except Exception as exc:  # noqa: BLE001 - a failed set-up is an ERROR of each check it was for
        return f"engine set-up failed: {type(exc).__name__}: {_one_line(str(exc))}"
    return None


def _execute(batches: deque, checks: Sequence[PlannedCheck], engines: dict[str, Checker | str], config: Config,
             cache: ResultCache, results: dict[int, CheckResult], on_progress: ProgressHook | None) -> None:
    ctx = multiprocessing.get_context("fork")
    running: dict[Connection, _Running] = {}
    hard_limit = config.timeout * GRACE_FACTOR + GRACE_S

    def finish(index: int, findings: list[Finding]) -> None:
        check = checks[index]
        cache.put(check.key, findings)
        results[index] = _accept(check, findings, cached=False)
        _notify(on_progress, check, results[index], [checks[r.current] for r in running.values() if r.current is not None])

    def stop(state: _Running, verdict: Verdict | None, summary: str) -> None:
        _end_worker(state)  # still listed while it runs: an interrupt here leaves it to the clean-up below
        del running[state.conn]
        state.conn.close()
        pending = [i for i in state.indices if i not in state.done]
        if state.current is None and not state.done and pending and verdict is not None:
            state.current = pending[0]  # died before its first check: blame that one, so the run cannot loop
        if state.current is not None and state.current not in state.done and verdict is not None:
            check = checks[state.current]
            finish(state.current, [Finding(check.spec.id, check.engine, verdict, summary,
                                           duration_s=round(time.monotonic() - state.started, 3),
                                           target=check.target.label)])
            state.done.add(state.current)
        rest = [i for i in state.indices if i not in state.done]
        if rest:
            batches.appendleft((state.engine, state.target, rest))

    try:
        with terminate_as_interrupt():
            _loop(batches, checks, engines, config, running, hard_limit, ctx, finish, stop, on_progress)
    finally:
        with _uninterruptible():  # interrupted: leave no engine, tool or solver running, no workspace behind
            for state in list(running.values()):
                _end_worker(state)


def _end_worker(state: _Running) -> None:
    """Kill the worker and everything it started (its own sessions too), collect it, remove its scope."""
    if state.process.exitcode is None:  # not collected yet, so its pid cannot have been reused
        processes.kill_tree(state.process.pid)
    try:
        os.killpg(state.process.pid, signal.SIGKILL)  # a group member that left the tree (re-parented)
    except (ProcessLookupError, PermissionError):
        pass
    if state.process.is_alive():
        state.process.kill()
    state.process.join()
    processes.end_scope(state.scope)  # sessions that outlived a worker that died first, then the temp files


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI job cancelled) cleans up like Ctrl-C, for the runner and the mutation campaign. Only the main
    thread can install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _uninterruptible() -> Iterator[None]:
    """A second Ctrl-C must not cut the clean-up short (it would leave the rest of the workers' tools)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_DEFERRED = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM (delivered when the block ends). A worker forked inside starts with them held too and
    releases them first thing (`_worker`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _loop(batches, checks, engines, config, running, hard_limit, ctx, finish, stop, on_progress) -> None:
    while batches or running:
        while batches and len(running) < config.jobs:
            name, target, indices = batches.popleft()
            parent, child = ctx.Pipe(duplex=False)
            specs = [(i, checks[i].spec) for i in indices]
            scope = processes.new_scope()
            process = ctx.Process(target=_worker, args=(engines[name], specs, target.root, target.label, target.generic,
                                                        config.timeout, child, scope), daemon=True)
            # An interrupt between the fork and the registration would leave a worker nobody kills (it holds the
            # run's stdout and its tools run on): SIGINT/SIGTERM wait until the worker is in `running`.
            with _signals_deferred():
                try:
                    process.start()
                except BaseException:
                    processes.end_scope(scope)
                    raise
                child.close()
                running[parent] = _Running(process, parent, name, target, list(indices), scope,
                                           started=time.monotonic())
        for conn in wait(list(running), timeout=0.2):
            state = running[conn]
            try:
                message = conn.recv()
            except (EOFError, OSError):
                code = state.process.exitcode if not state.process.is_alive() else None
                state.process.join(timeout=5)
                code = state.process.exitcode if code is None else code
                stop(state, Verdict.ERROR, f"engine process died while checking (exit code {code})")
                continue
            if message[0] == "start":
                state.current, state.started = message[1], time.monotonic()
                check = checks[message[1]]
                _notify(on_progress, check, None, [checks[r.current] for r in running.values() if r.current is not None])
            else:
                _, index, findings = message
                state.done.add(index)
                state.current = None
                finish(index, findings)
        now = time.monotonic()
        for state in list(running.values()):
            if state.current is not None and now - state.started > hard_limit:
                stop(state, Verdict.UNKNOWN, f"timed out: no answer within {hard_limit:.0f} s "
                                             f"(timeout {config.timeout:g} s; the engine was stopped)")
            elif state.current is None and not state.done and now - state.started > SETUP_LIMIT_S:
                stop(state, Verdict.UNKNOWN, f"timed out: the engine's set-up (its build) took over "
                                             f"{SETUP_LIMIT_S:.0f} s; the engine was stopped")


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[0] if lines else "")[:300]


# ---- building the target ------------------------------------------------------------------------------
BUILD_STAMP = "verify-build.stamp"


def build_target(root: Path, label: str, generic: bool = False) -> Target:
    """Target.build, skipped when the compiler inputs are byte-identical to the last successful build.

    forge's own no-op build still starts the solc-js wrapper (~1-4 s here); a warm `verify all` must stay under
    5 s. The stamp (in forge's cache dir) hashes the build configuration, every .sol under src/ (or contracts/),
    test/, script/ and the toolchain lock; anything else forge would notice (a deleted out/ file) falls back to a real build.
    """
    root = root.resolve()
    lay = layout(root)
    stamp = lay.cache / BUILD_STAMP
    key = _build_inputs(root)
    if stamp.exists() and stamp.read_text() == key and lay.out.is_dir():
        return Target(root=root, label=label, generic=generic)
    target = Target.build(root, label=label, generic=generic)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)
    return target


def _build_inputs(root: Path) -> str:
    import hashlib

    from checkers import toolchain

    lay = layout(root)
    digest = hashlib.sha256()
    for extra in (*lay.config_files, toolchain.REPO_ROOT / "package-lock.json", toolchain.SOLC_WRAPPER):
        digest.update(str(extra).encode())
        digest.update(extra.read_bytes() if extra.exists() else b"-")
    for directory in (lay.src, "test", "script"):
        base = root / directory
        for path in sorted(base.rglob("*.sol")) if base.is_dir() else ():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ---- mutants ------------------------------------------------------------------------------------------
def build_mutants(mutants: Sequence[Mutant], jobs: int) -> dict[str, Target | str]:
    """Build every mutant (cached per mutant and platform sources), `jobs` at a time; a failed build is a
    one-line reason, not an exception."""

    def one(mutant: Mutant) -> Target | str:
        try:
            return build_mutant(mutant)
        except Exception as exc:  # noqa: BLE001 - BuildError or SpecError: reported in the kill matrix
            return _one_line(getattr(exc, "message", str(exc)))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip((m.name for m in mutants), pool.map(one, mutants)))


def mutant_specs(mutant: Mutant, specs: Sequence[Spec]) -> list[Spec]:
    """The specs that must catch a mutant: those it names in @custom:breaks and those naming it."""
    return [s for s in specs if s.id in mutant.breaks or mutant.name in s.mutants]


def kill_matrix(mutants: Sequence[Mutant], specs: Sequence[Spec], built: dict[str, Target | str],
                results: Sequence[CheckResult]) -> list[MutantResult]:
    out = []
    for mutant in mutants:
        expected = [s.id for s in mutant_specs(mutant, specs)]
        caught: dict[str, list[str]] = {}
        for r in results:
            if r.finding.target == mutant.name and kills(r):
                caught.setdefault(r.finding.spec_id, []).append(r.finding.engine)
        error = built[mutant.name] if isinstance(built.get(mutant.name), str) else None
        missed = tuple(s for s in expected if s not in caught)
        out.append(MutantResult(mutant.name, mutant.replaces, mutant.description, tuple(expected), caught, missed,
                                error))
    return out


# ---- default source locations (SARIF needs one per result) --------------------------------------------
def spec_locations(spec: Spec, target: Target, repo_root: Path) -> list[dict[str, Any]]:
    locations = []
    for name in spec.contracts:
        art = target.artifacts.get(name)
        if art is None:
            continue
        path = target.root / art.source
        line = 1
        try:
            for n, text in enumerate(path.read_text().splitlines(), 1):
                if re.match(rf"\s*(abstract\s+)?(contract|library|interface)\s+{re.escape(name)}\b", text):
                    line = n
                    break
        except OSError:
            pass
        locations.append({"file": relative_to_repo(path, repo_root), "line": line, "contract": name})
    return locations


def relative_to_repo(path: Path, repo_root: Path) -> str:
    try:
        return str(path.resolve().relative_to(repo_root.resolve()))
    except ValueError:
        return str(path)
