"""The base side of `verify diff`: the project at a git commit, extracted and built once per commit.

Builds are kept under .verify-cache/diff-base/<commit>/ (the last KEEP of them): a second `diff` against the same
base reuses the build instead of recompiling. A build is marked complete only when it succeeded; an interrupted or
failed one is removed, so a half-built base is never reused.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from checkers import toolchain
from checkers.atomic import locked
from checkers.errors import ConfigError

BASE_CACHE = toolchain.REPO_ROOT / ".verify-cache" / "diff-base"
KEEP = 3
COMPLETE = ".complete-asm"  # marks a finished build; renamed when builds gained the legacy assembly


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def resolve(ref: str, project: Path) -> tuple[Path, Path, str]:
    """(repository top, project path inside it, full commit id) for `ref`; one-line errors otherwise."""
    top = _git(["rev-parse", "--show-toplevel"], project)
    if top.returncode != 0:
        raise ConfigError(f"{project}: not inside a git repository (verify diff needs one)")
    repo = Path(top.stdout.strip())
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], repo)
    if commit.returncode != 0:
        raise ConfigError(f"--base {ref}: not a git commit in {repo}")
    return repo, project.resolve().relative_to(repo.resolve()), commit.stdout.strip()


def _extract(repo: Path, rel: Path, commit: str, into: Path) -> Path:
    archive = into / "base.tar"
    proc = _git(["archive", "--format=tar", "-o", str(archive), commit, "--", str(rel)], repo)
    if proc.returncode != 0:
        first = next((line.strip() for line in proc.stderr.splitlines() if line.strip()), "")
        raise ConfigError(f"--base {commit[:10]}: {rel} does not exist at that commit ({first})")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    for sibling in ("node_modules", "tools"):  # the platform's foundry.toml points at ../node_modules, ../tools
        if (repo / sibling).exists() and not (into / sibling).exists():
            (into / sibling).symlink_to(repo / sibling)
    return into / rel


def base_root(ref: str, project: Path, build, say=lambda line: print(line, file=sys.stderr, flush=True)) -> tuple[Path, str]:
    """The built project at `ref` (building it the first time) and the commit id. `build(root)` compiles."""
    repo, rel, commit = resolve(ref, project)
    cached = BASE_CACHE / commit
    if (cached / COMPLETE).exists():
        say(f"base {ref} ({commit[:10]}): reusing the build in {cached}")
        cached.touch()
        return cached / rel, commit
    BASE_CACHE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with locked(cached):  # two diffs against one base: one builds, the other reuses
        if (cached / COMPLETE).exists():
            return cached / rel, commit
        say(f"base {ref} ({commit[:10]}): extracting and building (first diff against this commit; kept for the next)")
        shutil.rmtree(cached, ignore_errors=True)  # a partial tree from an interrupted build
        cached.mkdir()
        try:  # built where it stays: the build caches' absolute paths remain valid for the engines' later builds
            build(_extract(repo, rel, commit, cached))
            (cached / COMPLETE).write_text(commit + "\n")
        except BaseException:
            shutil.rmtree(cached, ignore_errors=True)
            raise
    say(f"base {ref} ({commit[:10]}): built in {time.monotonic() - started:.0f} s")
    _prune()
    return cached / rel, commit


def _prune() -> None:
    builds = sorted((p for p in BASE_CACHE.iterdir() if (p / COMPLETE).exists()), key=lambda p: p.stat().st_mtime,
                    reverse=True)
    for old in builds[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
