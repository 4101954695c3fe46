"""Generate mutants of a built Foundry project with slither-mutate's mutators (the field tool), in process.

slither-mutate's own runner rewrites the source in place, recompiles it with crytic-compile and runs a test
command for every mutant, minutes per file here. We use only its mutator classes: each `_mutate()` returns the
patches (byte span, replacement, line) it would try, computed from Slither's IR of the already-built project. Each
becomes a unified diff against src/ (checkers/mutate/patches.py) and a stable id
`<file stem>-<operator>-L<line>-<hash>`; the campaign applies that diff in a copy, so generated and hand-written
mutants go through one strict applier.

Two quirks of the mutators (slither-analyzer 0.11) are normalised, not hidden (counted in `stats`):
  - ROR and FHR give the span of the sub-expression (or the header) but a replacement for the whole statement
    (or function): the replacement is applied to the statement/function text they quote;
  - MIA's `!(...)` quotes the whole statement of a ternary: it is applied to the condition's span.
A patch whose quoted text is not in the file is dropped (`unplaceable`), a no-op is dropped (`noop`), and two
operators producing the same mutated file keep the first (`duplicate`). Operators run in alphabetical order.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from checkers.errors import BuildError
from checkers.mutate import patches

EXCLUDED_DIRS = ("interfaces", "harness")  # declarations only / test harnesses, not platform logic
CATALOGUE_FORMAT = "1"


@dataclass(frozen=True)
class GeneratedMutant:
    id: str  # e.g. "PerpMath-ROR-L70-1a2b3c4d"
    file: str  # relative to the project root, e.g. "src/libraries/PerpMath.sol"
    operator: str  # slither-mutate's mutator NAME (ROR, AOR, CR, ...)
    line: int
    contract: str
    before: str  # the first changed line, as in the source (stripped)
    after: str  # what it becomes ("" when the line is deleted)
    diff: str  # unified diff against the project (a/<file> b/<file>)


@dataclass(frozen=True)
class Catalogue:
    generator: str  # "slither-mutate (slither-analyzer 0.11.6)"
    files: tuple[str, ...]  # the files mutated
    mutants: tuple[GeneratedMutant, ...]
    stats: dict[str, Any] = field(default_factory=dict)  # raw, noop, duplicate, unplaceable, normalised, errors

    def by_id(self) -> dict[str, GeneratedMutant]:
        return {m.id: m for m in self.mutants}


def generator_name() -> str:
    try:
        return f"slither-mutate (slither-analyzer {metadata.version('slither-analyzer')})"
    except metadata.PackageNotFoundError:
        return "slither-mutate (slither-analyzer absent)"


def mutable_files(root: Path) -> tuple[str, ...]:
    """Every .sol under src/ except interfaces/ and harness/ (nine files on the platform)."""
    src = root / "src"
    return tuple(str(p.relative_to(root)) for p in sorted(src.rglob("*.sol"))
                 if not set(p.relative_to(src).parts[:-1]) & set(EXCLUDED_DIRS))


def operators() -> dict[str, type]:
    """slither-mutate's mutators by NAME."""
    from slither.tools.mutator.mutators import all_mutators
    from slither.tools.mutator.mutators.abstract_mutator import AbstractMutator

    found = {}
    for name in dir(all_mutators):
        value = getattr(all_mutators, name)
        if isinstance(value, type) and issubclass(value, AbstractMutator) and value is not AbstractMutator:
            found[value.NAME] = value
    return dict(sorted(found.items()))


def catalogue_key(root: Path, files: tuple[str, ...]) -> str:
    """Changes with the mutated sources, the tool's version and this module."""
    digest = hashlib.sha256(CATALOGUE_FORMAT.encode())
    digest.update(generator_name().encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(patches.__file__).read_bytes())
    for rel in files:
        digest.update(rel.encode())
        digest.update((root / rel).read_bytes())
    return digest.hexdigest()[:20]


def load_or_generate(root: Path, cache_dir: Path) -> Catalogue:
    """The catalogue of every mutant of `root` (a built project), cached per source hash under `cache_dir`."""
    files = mutable_files(root)
    if not files:
        raise BuildError(f"{root}: no Solidity file under src/ to mutate")
    path = cache_dir / f"catalogue-{catalogue_key(root, files)}.json"
    if path.exists():
        try:
            return from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError):
            pass  # unreadable: regenerate
    catalogue = generate(root, files)
    from checkers.cache import write_atomic

    write_atomic(path, json.dumps(to_json(catalogue)))
    return catalogue


def generate(root: Path, files: tuple[str, ...]) -> Catalogue:
    from checkers.engines.slither.build import load

    slither, lay, _ = load(root)
    wanted = {str((lay.root / f).resolve()): f for f in files}
    stats: Counter[str] = Counter()
    errors: list[str] = []
    raw: list[tuple[str, str, str, dict]] = []  # (file, contract, operator, patch)
    mutators = operators()
    with tempfile.TemporaryDirectory(prefix="verify-mutate-gen-") as scratch:
        for unit in slither.compilation_units:
            for contract in unit.contracts:
                rel = wanted.get(str(Path(contract.source_mapping.filename.absolute).resolve()))
                if rel is None or contract.is_interface:
                    continue
                for name, mutator in mutators.items():
                    try:
                        found = mutator(unit, 0, "", "", contract, None, False, Path(scratch), [])._mutate()
                    except Exception as exc:  # noqa: BLE001 - one mutator failing on one contract is reported
                        errors.append(f"{name} on {contract.name}: {type(exc).__name__}: {exc}")
                        continue
                    for patch_list in found.get("patches", {}).values():
                        raw.extend((rel, contract.name, name, p) for p in patch_list)
    sources = {f: (lay.root / f).read_bytes() for f in files}
    seen: set[bytes] = set()
    mutants: dict[str, GeneratedMutant] = {}
    for rel, contract, operator, patch in raw:
        stats["raw"] += 1
        mutated = _mutated(sources[rel], operator, patch, stats)
        if mutated is None:
            continue
        if mutated == sources[rel]:
            stats["noop"] += 1
            continue
        key = hashlib.sha256(rel.encode() + b"\0" + mutated).digest()
        if key in seen:
            stats["duplicate"] += 1
            continue
        seen.add(key)
        mutant = _mutant(rel, contract, operator, int(patch["line_number"]), patch, sources[rel].decode(),
                         mutated.decode())
        while mutant.id in mutants:  # same operator, line and quoted text twice: keep both, distinct ids
            mutant = GeneratedMutant(**{**asdict(mutant), "id": mutant.id + "x"})
        mutants[mutant.id] = mutant
    stats["kept"] = len(mutants)
    return Catalogue(generator_name(), files, tuple(sorted(mutants.values(), key=lambda m: m.id)),
                     {**stats, "errors": errors})


def _mutated(source: bytes, operator: str, patch: dict, stats: Counter) -> bytes | None:
    start, end = int(patch["start"]), int(patch["end"])
    old, new = patch["old_string"].encode(), patch["new_string"].encode()
    if source[start:end] == old:
        return source[:start] + new + source[end:]
    stats["normalised"] += 1
    if operator == "MIA":  # true/false replace the condition's span; !(...) negates the condition
        if new == b"!(" + old + b")":
            new = b"!(" + source[start:end] + b")"
        return source[:start] + new + source[end:]
    at = source.find(old, max(0, start - len(old)))  # the quoted statement/function around the span
    if at == -1 or at > start or at + len(old) < end:
        stats["unplaceable"] += 1
        return None
    return source[:at] + new + source[at + len(old):]


def _mutant(rel: str, contract: str, operator: str, line: int, patch: dict, before: str, after: str) -> GeneratedMutant:
    diff = patches.make_diff(rel, before, after)
    removed = next((x[1:] for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")), "")
    added = next((x[1:] for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")), "")
    digest = hashlib.sha256(f"{rel}\0{operator}\0{patch['old_string']}\0{patch['new_string']}".encode()).hexdigest()
    return GeneratedMutant(f"{Path(rel).stem}-{operator}-L{line}-{digest[:8]}", rel, operator, line, contract,
                           removed.strip(), added.strip(), diff)


def to_json(catalogue: Catalogue) -> dict[str, Any]:
    return {"format": CATALOGUE_FORMAT, "generator": catalogue.generator, "files": list(catalogue.files),
            "stats": catalogue.stats, "mutants": [asdict(m) for m in catalogue.mutants]}


def from_json(data: dict[str, Any]) -> Catalogue:
    if data.get("format") != CATALOGUE_FORMAT:
        raise ValueError("catalogue format")
    return Catalogue(data["generator"], tuple(data["files"]), tuple(GeneratedMutant(**m) for m in data["mutants"]),
                     data.get("stats", {}))
