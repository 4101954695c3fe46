"""Imports as users wrote them: a compatibility map from the Chainlink and OpenZeppelin paths real projects use to
the packages this toolkit installs, so a file compiles as published.

For every import of the project's own sources that the project's remappings (`forge remappings`: foundry.toml,
remappings.txt, auto-detected libs) do not resolve, `compat_remappings` finds the file it meant:
  - Remix-style pinned specifiers, `@chainlink/contracts@1.4.0/src/...`, `@openzeppelin/contracts@4.9.3/...`;
  - old layouts: Chainlink's `src/v0.8/interfaces/X.sol` (now `src/v0.8/shared/interfaces/`), `src/v0.6`/`v0.7`
    (kept in @chainlink/contracts 0.8.0), CCIP's `src/v0.8/ccip/...` (now `contracts/...`);
  - OpenZeppelin 3 / 4 / 5 (paths that moved or went away between majors: `security/`, `utils/Counters.sol`,
    `math/SafeMath.sol`): a project whose OpenZeppelin imports all exist in one installed release gets that release
    for the whole package, so its files never mix majors.
Each answer is a forge remapping (`FOUNDRY_REMAPPINGS`, merged with the project's own): a package prefix, or for a
file that moved, that one file.
"""
from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from checkers import toolchain
from checkers.compilers import code_of, own_sources, pragmas, satisfies

PACKAGES = toolchain.REPO_ROOT / "node_modules"
# Each package name users import, with the installed folders that may hold what they meant, newest first.
RELEASES: dict[str, tuple[str, ...]] = {
    "@chainlink/contracts": ("@chainlink/contracts", "@chainlink/contracts-0.8.0"),
    "@chainlink/contracts-ccip": ("@chainlink/contracts-ccip", "@chainlink/contracts-ccip-1.4.0",  # 1.4: src/v0.8/ccip
                                 "@chainlink/contracts-ccip-0.7.3"),  # the 2023 beta API (EVMExtraArgsV1.strict)
    "@chainlink/local": ("@chainlink/local",),
    "@openzeppelin/contracts": ("@openzeppelin/contracts", "@openzeppelin/contracts-5.0.2",
                                "@openzeppelin/contracts-4.9.6", "@openzeppelin/contracts-4.8.3",
                                "@openzeppelin/contracts-3.4.2"),
    "@openzeppelin/contracts-upgradeable": ("@openzeppelin/contracts-upgradeable",),
    "solady": ("solady",),
    "forge-std": ("@layerzerolabs/toolbox-foundry/lib/forge-std",),  # `forge init`'s lib/forge-std, not checked out
}
# Packages whose files moved between each other (OwnerIsCreator went from contracts-ccip to contracts; CCIP's files
# once lived in contracts/src/v0.8/ccip): a moved file is also looked for there, after the package's own releases.
RELATED: dict[str, tuple[str, ...]] = {
    "@chainlink/contracts-ccip": ("@chainlink/contracts",),
    "@chainlink/contracts": ("@chainlink/contracts-ccip",),
}
# Checkouts of a package under another name (CCIP's pre-npm git submodule).
PREFIX_ALIASES = {"chainlink-ccip/contracts/": "@chainlink/contracts-ccip/"}
# Compiler releases a choice of library release is checked against (any pragma pair one of them meets compiles).
_PROBES = [(0, 8, patch) for patch in range(38)] + [(0, 7, 6), (0, 6, 12), (0, 5, 17)]
_VENDORED_OZ = re.compile(r"/vendor/openzeppelin-solidity/v(\d+\.\d+\.\d+)/contracts/(.+)$")
_IMPORT = re.compile(r"""^\s*import\s+(?:[^"';]*?\s+from\s+)?["']([^"']+)["']""", re.MULTILINE)
_PINNED = re.compile(r"^(@[^/@]+/[^/@]+)@(\d[^/]*)/(.+)$")
REMAPPINGS_TIMEOUT_S = 60


def project_imports(root: Path) -> dict[str, list[str]]:
    """Package imports (not ./ or ../) of the project's own sources: path -> the pragma requirements of the files
    importing it (one scan serves both what to resolve and which releases those files can compile with)."""
    found: dict[str, list[str]] = {}
    for path in own_sources(root):
        code = code_of(path)
        requirements = pragmas(code)
        for match in _IMPORT.finditer(code):
            if not match.group(1).startswith("."):
                found.setdefault(match.group(1), []).extend(requirements)
    return found


def project_remappings(root: Path) -> list[tuple[str, str]]:
    """The project's effective remappings (prefix, target), as forge resolves them."""
    try:
        done = subprocess.run([str(toolchain.forge()), "remappings"], cwd=root, env=toolchain.tool_env(),
                              capture_output=True, text=True, timeout=REMAPPINGS_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return []
    pairs = []
    for line in done.stdout.splitlines():
        prefix, sep, target = line.strip().partition("=")
        if sep:
            pairs.append((prefix.split(":")[-1], target))
    return pairs


def resolves(path: str, root: Path, remappings: Iterable[tuple[str, str]]) -> bool:
    """Whether the project itself resolves `path` (longest matching remapping, else relative to its root)."""
    matching = [(prefix, target) for prefix, target in remappings if path.startswith(prefix)]
    if matching:
        prefix, target = max(matching, key=lambda pair: len(pair[0]))
        resolved = Path(target + path[len(prefix):])
        return (resolved if resolved.is_absolute() else root / resolved).is_file()
    return (root / path).is_file()


def _split(path: str) -> tuple[str, str | None, str] | None:
    """(package, pinned version or None, path inside the package) for a known package; None otherwise."""
    for old, new in PREFIX_ALIASES.items():
        if path.startswith(old):
            path = new + path[len(old):]
    pinned = _PINNED.match(path)
    if pinned:
        package, version, rest = pinned.groups()
    else:
        package = next((name for name in sorted(RELEASES, key=len, reverse=True) if path.startswith(name + "/")), None)
        if package is None:
            return None
        version, rest = None, path[len(package) + 1:]
    return (package, version, rest) if package in RELEASES else None


def _folders(package: str, version: str | None) -> list[Path]:
    """Installed folders for `package`, the one matching a pinned version's major (and minor) first."""
    folders = [PACKAGES / name for name in RELEASES[package] if (PACKAGES / name).is_dir()]
    if version is None:
        return folders

    def distance(folder: Path) -> tuple[int, int]:
        installed = _version_of(folder)
        asked = [int(p) for p in re.findall(r"\d+", version)[:2]] + [0, 0]
        return (abs(installed[0] - asked[0]) * 100, abs(installed[1] - asked[1]))

    return sorted(folders, key=distance)


def _version_of(folder: Path) -> tuple[int, int]:
    try:
        parts = json.loads((folder / "package.json").read_text())["version"].split(".")
        return int(parts[0]), int(parts[1])
    except (OSError, ValueError, KeyError, IndexError):
        return (0, 0)


def locate(path: str) -> Path | None:
    """The installed file an import meant: the same path in a release of its package, else the one file of that
    name in the package (preferring the same parent folder name), in the releases' order."""
    vendored = _VENDORED_OZ.search(path)
    if vendored:  # Chainlink's vendored OpenZeppelin copy of release X: that release of OpenZeppelin
        return locate(f"@openzeppelin/contracts@{vendored.group(1)}/{vendored.group(2)}")
    split = _split(path)
    if split is None:
        return None
    package, version, rest = split
    folders = _folders(package, version)
    for folder in folders:
        if (folder / rest).is_file():
            return folder / rest
    related = [PACKAGES / name for name in RELATED.get(package, ()) if (PACKAGES / name).is_dir()]
    return next((found for folder in folders + related if (found := _moved(folder, rest)) is not None), None)


def _moved(folder: Path, rest: str) -> Path | None:
    """The file of `rest`'s name in one installed release (preferring the same parent folder name, then the
    shortest path), outside its tests and nested packages."""
    wanted = Path(rest)
    same_name = [p for p in folder.rglob(wanted.name) if "test" not in p.relative_to(folder).parts
                 and "node_modules" not in p.relative_to(folder).parts]
    if not same_name:
        return None
    same_parent = [p for p in same_name if p.parent.name == wanted.parent.name]
    return min(same_parent or same_name, key=lambda p: len(p.parts))


def whole_package(package: str, version: str | None, rests: list[str],
                  importers: tuple[str, ...] = ()) -> Path | None:
    """The first installed release of `package` (nearest a pinned version first) that holds every one of `rests` as
    written and whose files' pragmas one compiler can meet together with the importing files' (`importers`, their
    pragma requirements): a project keeps one release of a package for all its imports (never two OpenZeppelin
    majors), and a file pinned to 0.8.19 gets OpenZeppelin 4.9 rather than 5 (^0.8.20)."""
    for folder in _folders(package, version):
        if all((folder / rest).is_file() for rest in rests) and _compilable(
                list(importers) + [r for rest in rests for r in pragmas(code_of(folder / rest))]):
            return folder
    return None


def _compilable(requirements: list[str]) -> bool:
    try:
        return any(all(satisfies(probe, r) for r in requirements) for probe in _PROBES)
    except ValueError:
        return True  # a requirement we cannot read: let the compiler say


def baseline(own: list[tuple[str, str]]) -> list[str]:
    """Remappings for the packages the project does not map itself, and the pinned OpenZeppelin specifiers the
    installed Chainlink packages import (`@openzeppelin/contracts@5.0.2/...`)."""
    mapped = {prefix for prefix, _ in own}
    found = [f"{name}/={PACKAGES / folders[0]}/" for name, folders in RELEASES.items()
             if f"{name}/" not in mapped and (PACKAGES / folders[0]).is_dir()]
    for folder in sorted(PACKAGES.glob("@openzeppelin/contracts-[0-9]*")):
        prefix = "@openzeppelin/contracts@" + folder.name.removeprefix("contracts-") + "/"
        if prefix not in mapped:
            found.append(f"{prefix}={folder}/")
    return found


def _pairs(remappings: list[str]) -> list[tuple[str, str]]:
    return [(r.split("=", 1)[0], r.split("=", 1)[1]) for r in remappings]


def compat_remappings(root: Path, imports: dict[str, list[str]] | None = None,
                      own: list[tuple[str, str]] | None = None) -> list[str]:
    """Remappings that make the project's imports resolve as written: the baseline for packages it does not map,
    then, for imports still unresolved, a whole release of their package (or pinned specifier) when one holds all
    of them, else the one file each meant. Empty when the project imports no package."""
    imports = project_imports(root) if imports is None else imports
    if not imports:
        return []
    own = project_remappings(root) if own is None else own
    remappings = baseline(own)
    ours = [path for path in imports if not resolves(path, root, own)]  # what the project leaves to this map
    groups: dict[tuple[str, str | None], list[str]] = {}
    for path in ours:
        split = _split(path)
        if split is not None:
            groups.setdefault((split[0], split[1]), []).append(split[2])
    handled: set[str] = set()
    for (package, version), rests in groups.items():
        prefix = f"{package}@{version}/" if version else f"{package}/"
        asking = tuple(r for path, rs in imports.items() if path.startswith(prefix) for r in rs)
        folder = whole_package(package, version, rests, asking)
        if folder is None:
            continue
        remappings = [r for r in remappings if not r.startswith(prefix + "=")] + [f"{prefix}={folder}/"]
        handled |= {prefix + rest for rest in rests}
    for path in ours:
        if path not in handled and not resolves(path, root, own + _pairs(remappings)):
            target = locate(path)
            if target is not None:
                remappings.append(f"{path}={target}")
    return remappings


def api_fallbacks(root: Path) -> list[list[str]]:
    """Other releases to try when the project does not compile with the first choice, best first.

    Paths do not tell an API apart: `@openzeppelin/contracts/access/Ownable.sol` exists in OpenZeppelin 4 and 5,
    but a contract calling OZ 4's argument-less `Ownable()` constructor only compiles against 4; CCIP's 2023 beta
    `EVMExtraArgsV1{gasLimit, strict}` only against contracts-ccip 0.7. For each package with several installed
    releases that the project imports unpinned (under its name or an alias) and does not map itself: every other
    major release that holds each of those imports (as written, or the file of that name where it moved) and
    meets their importers' pragmas, for all of them at once (the project never mixes two releases)."""
    imports = project_imports(root)
    own = project_remappings(root)
    first = compat_remappings(root, imports, own)
    choices: list[list[str]] = []
    for package, names in RELEASES.items():
        wanted = {p: split[2] for p in imports if not resolves(p, root, own)
                  and (split := _split(p)) is not None and split[0] == package and split[1] is None}
        if len(names) < 2 or not wanted:
            continue
        prefix = package + "/"
        asking = [r for p in wanted for r in imports[p]]
        current = next((r.split("=", 1)[1] for r in first if r.startswith(prefix + "=")), None)
        majors = {_version_of(Path(current))[0]} if current else set()  # one try per major: APIs change there
        for folder in _folders(package, None):
            major = _version_of(folder)[0]
            if major in majors:
                continue
            files = {p: (folder / rest if (folder / rest).is_file() else _moved(folder, rest))
                     for p, rest in wanted.items()}
            if None in files.values():
                continue
            if _compilable(asking + [r for file in files.values() for r in pragmas(code_of(file))]):
                majors.add(major)
                kept = [r for r in first if not r.startswith(prefix) and r.split("=", 1)[0] not in files]
                choices.append(kept + [f"{prefix}={folder}/"] + [f"{p}={file}" for p, file in files.items()
                                                                 if file != folder / p.removeprefix(prefix)])
    return choices


def build_env(root: Path) -> dict[str, str]:
    """forge's environment for the project's imports (FOUNDRY_REMAPPINGS is merged with the project's own)."""
    remappings = compat_remappings(root)
    return remapping_env(remappings)


def remapping_env(remappings: list[str]) -> dict[str, str]:
    """forge reads FOUNDRY_REMAPPINGS one per line (a comma-separated value is taken as one remapping)."""
    return {"FOUNDRY_REMAPPINGS": "\n".join(remappings)} if remappings else {}
