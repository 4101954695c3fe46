"""Compile what users have: a solc-js release per Solidity pragma, 0.6.x to the newest 0.8.x.

forge picks a compiler per file from its pragma when a project does not pin one, among the releases installed in
its compiler folder (svm's layout, `<data>/svm/<version>/solc-<version>`; `<data>` is `$XDG_DATA_HOME` when
`~/.svm` does not exist). No native solc is reachable here, so each entry is a small script that runs
tools/solc-wrapper.js over one solc-js release:
  - a pinned set installed by ./setup.sh from npm (package.json aliases `solc-<version>`, plus `solc` 0.8.24);
  - any other release a project needs, fetched from the npm registry on first use into `.solc/npm/`.
`build_env(root)` makes sure every release the project's pragmas and foundry.toml `solc`/`solc_version` call
for is installed and returns the environment forge needs to find them (offline: forge never downloads).
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkers import toolchain
from checkers.errors import BuildError

HOME = toolchain.REPO_ROOT / ".solc"  # forge's data folder for user projects: HOME/svm/<version>/solc-<version>
SVM = HOME / "svm"
FETCHED = HOME / "npm"  # releases fetched on first use (npm install --prefix)
WRAPPER = toolchain.REPO_ROOT / "tools" / "solc-wrapper.js"
NPM_TIMEOUT_S = 300
SKIPPED_DIRS = frozenset({"node_modules", "lib", "out", "cache", "broadcast", ".git"})
_PRAGMA = re.compile(r"^\s*pragma\s+solidity\s+([^;]+);", re.MULTILINE)
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_MISSING = re.compile(r"No solc version installed that matches the version requirement: ([^\n]+)")

Version = tuple[int, int, int]


# ---- versions and pragma requirements --------------------------------------------------------------------
def parse_version(text: str) -> Version:
    parts = [int(p) for p in text.strip().lstrip("v=").split(".") if p != ""]
    parts += [0] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def _comparator(token: str) -> list[tuple[str, Version]]:
    """One comparator of a pragma as (operator, version) bounds, caret and tilde expanded."""
    match = re.match(r"^(\^|~|>=|<=|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})(?:\.[xX*])?$", token.strip())
    if not match:
        raise ValueError(f"unreadable version requirement {token!r}")
    op, text = match.group(1) or "=", match.group(2)
    version = parse_version(text)
    given = text.count(".") + 1
    if op == "^":  # ^0.8.19 -> >=0.8.19 <0.9.0 ; ^1.2.3 -> <2.0.0
        upper = (version[0] + 1, 0, 0) if version[0] else (0, version[1] + 1, 0)
        return [(">=", version), ("<", upper)]
    if op == "~":  # ~0.8.19 -> >=0.8.19 <0.9.0 ; ~0 -> <1.0.0
        upper = (version[0], version[1] + 1, 0) if given >= 2 else (version[0] + 1, 0, 0)
        return [(">=", version), ("<", upper)]
    if op == "=" and given < 3:  # =0.8 means any 0.8.x
        upper = (version[0], version[1] + 1, 0) if given == 2 else (version[0] + 1, 0, 0)
        return [(">=", version), ("<", upper)]
    return [(op, version)]


def _holds(version: Version, op: str, bound: Version) -> bool:
    return {"=": version == bound, ">=": version >= bound, "<=": version <= bound, ">": version > bound,
            "<": version < bound}[op]


def satisfies(version: Version, requirement: str) -> bool:
    """Whether `version` meets a pragma requirement (`^0.8.0`, `>=0.6.0 <0.9.0`, `0.7.6 || ^0.8.0`, `0.6.0 - 0.7.6`)."""
    for alternative in requirement.split("||"):
        text = re.sub(r"(\^|~|>=|<=|>|<|=)\s+", r"\1", alternative.strip())
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
        bounds = ([(">=", parse_version(hyphen.group(1))), ("<=", parse_version(hyphen.group(2)))] if hyphen
                  else [b for token in text.split() for b in _comparator(token)])
        if all(_holds(version, op, bound) for op, bound in bounds):
            return True
    return False


def newest(candidates: list[Version], requirement: str) -> Version | None:
    fitting = [v for v in candidates if satisfies(v, requirement)]
    return max(fitting) if fitting else None


def render(version: Version) -> str:
    return ".".join(str(p) for p in version)


# ---- what a project asks for -------------------------------------------------------------------------------
def own_sources(root: Path) -> list[Path]:
    """The project's own .sol files: not dependencies, not build output (forge names artefact folders X.sol)."""
    return [path for path in sorted(root.rglob("*.sol")) if path.is_file()
            and not any(part in SKIPPED_DIRS or part.startswith(("out-", "cache-"))
                        for part in path.relative_to(root).parts[:-1])]


def requirements(root: Path) -> dict[str, str]:
    """Pragma requirement -> the first file (relative to root) that states it, over the project's own sources."""
    found: dict[str, str] = {}
    for path in own_sources(root):
        for requirement in pragmas(code_of(path)):
            found.setdefault(requirement, str(path.relative_to(root)))
    return found


def code_of(path: Path) -> str:
    """A Solidity file's text without its comments ("" when it cannot be read): what pragma and import scans read."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL)


def pragmas(code: str) -> list[str]:
    """The `pragma solidity` requirements in comment-free code, whitespace normalised."""
    return [" ".join(match.group(1).split()) for match in _PRAGMA.finditer(code)]


def configured_version(root: Path) -> str | None:
    """foundry.toml's `solc`/`solc_version` when it is a version (a path is the user's own compiler)."""
    try:
        profile = tomllib.loads((root / "foundry.toml").read_text()).get("profile", {}).get("default", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = profile.get("solc_version") or profile.get("solc")
    return value if isinstance(value, str) and _VERSION.match(value.strip()) else None


# ---- installed releases --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    version: Version
    package: Path  # a solc-js package folder (soljson.js, wrapper.js)


def installed() -> dict[Version, Release]:
    """The pinned releases from node_modules and the ones fetched earlier."""
    found: dict[Version, Release] = {}
    for base in (toolchain.REPO_ROOT / "node_modules", FETCHED / "node_modules"):
        for package in sorted(base.glob("solc*")):
            manifest = package / "package.json"
            if not (package / "soljson.js").is_file() or not manifest.is_file():
                continue
            version = parse_version(json.loads(manifest.read_text())["version"].split("-")[0])
            found.setdefault(version, Release(version, package))
    return found


def ensure_entry(release: Release) -> Path:
    """svm's entry for one release: a script running the wrapper over its solc-js package."""
    name = render(release.version)
    entry = SVM / name / f"solc-{name}"
    if entry.is_file():
        return entry
    full = subprocess.run(
        ["node", "-e", "const p=process.argv[1];"
                       "console.log(require(p+'/wrapper.js')(require(p+'/soljson.js')).version())", str(release.package)],
        capture_output=True, text=True, timeout=120)
    if full.returncode != 0:
        raise BuildError(f"solc-js {name} in {release.package} does not load: {full.stderr.strip()[:200]}")
    version = full.stdout.strip().split(".Emscripten")[0]
    entry.parent.mkdir(parents=True, exist_ok=True)
    script = (f"#!/bin/sh\nSOLC_JS_PACKAGE='{release.package}' SOLC_JS_VERSION='{version}' "
              f"exec node '{WRAPPER}' \"$@\"\n")
    partial = entry.with_suffix(".partial")
    partial.write_text(script)
    partial.chmod(0o755)
    partial.replace(entry)
    return entry


def fetch(version: Version) -> Release:
    """Install one solc-js release from the npm registry into FETCHED (a one-line error when it cannot)."""
    name = render(version)
    FETCHED.mkdir(parents=True, exist_ok=True)
    if not (FETCHED / "package.json").exists():
        (FETCHED / "package.json").write_text('{"private": true}\n')
    try:
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix",
                               str(FETCHED), f"solc-{name}@npm:solc@{name}"],
                              capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"cannot fetch solc {name} from the npm registry: {exc}") from None
    if done.returncode != 0:
        reason = next((line for line in done.stderr.splitlines() if "ERR!" in line and line.strip()), "npm failed")
        raise BuildError(f"cannot fetch solc {name} from the npm registry ({reason.strip()[:200]})")
    return Release(version, FETCHED / "node_modules" / f"solc-{name}")


def releases() -> list[Version]:
    """Every solc-js release on the npm registry (asked once per day; the answer is kept in HOME)."""
    cache = HOME / "releases.json"
    if cache.is_file() and time.time() - cache.stat().st_mtime < 86400:
        names = json.loads(cache.read_text())
    else:
        try:
            done = subprocess.run(["npm", "view", "solc", "versions", "--json"], capture_output=True, text=True,
                                  timeout=NPM_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"cannot list solc releases on the npm registry: {exc}") from None
        if done.returncode != 0:
            raise BuildError("cannot list solc releases on the npm registry (npm view solc versions failed)")
        names = json.loads(done.stdout)
        HOME.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(names))
    return [parse_version(n) for n in names if _VERSION.match(n)]


def provide(requirement: str, where: str) -> Release:
    """The newest installed release meeting `requirement`, else the newest on the registry, fetched."""
    have = installed()
    try:
        local = newest(list(have), requirement)
        if local is not None:
            return have[local]
        remote = newest(releases(), requirement)
    except ValueError as exc:
        raise BuildError(f"{where}: {exc}") from None
    if remote is None:
        raise BuildError(f"{where}: no solc release meets `pragma solidity {requirement}`")
    return fetch(remote)


def build_env(root: Path) -> dict[str, str]:
    """Install what the project's pragmas and foundry.toml call for; forge's environment to find it offline."""
    asked = requirements(root)
    pinned = configured_version(root)
    if pinned:
        asked = {f"={pinned}": "foundry.toml"}
    for requirement, where in asked.items():
        ensure_entry(provide(requirement, where))
    return {"XDG_DATA_HOME": str(HOME), "FOUNDRY_OFFLINE": "true"}


def missing_requirement(forge_output: str) -> str | None:
    """The requirement forge found no installed release for (a library's pragma the scan did not see)."""
    match = _MISSING.search(forge_output)
    return match.group(1).strip() if match else None


def install_pinned() -> list[str]:
    """./setup.sh: an svm entry for every pinned release in node_modules; their versions."""
    ready = []
    for release in sorted(installed().values(), key=lambda r: r.version):
        ensure_entry(release)
        ready.append(render(release.version))
    return ready


if __name__ == "__main__":
    import sys

    try:
        print("solc-js releases ready: " + ", ".join(install_pinned()))
    except BuildError as exc:
        print(f"compilers: {exc.message}", file=sys.stderr)
        sys.exit(1)
