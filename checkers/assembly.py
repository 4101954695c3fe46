"""solc's legacy assembly of a project's own contracts, which the certificate's relocation argument reads.

A diff's base is built with it (its own build, under .verify-cache). The head is built a second time, sources only,
into an output directory of its own: asking for the assembly in the project's full build (tests and scripts too)
exhausts solc-js's memory (std::bad_alloc, measured on the platform), and other settings in the project's own
out/ and cache/ would make the next `forge test` recompile everything. An assembly is used only for code that is
byte for byte the code the other engines check (the runtime bytecode, metadata aside, equal to the artefact's).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from checkers import toolchain
from checkers.engines.equivalence.relocated import Assembly
from checkers.engines.upgrade.baseline import ast_nodes
from checkers.target import Artifact, Target

OUTPUT = "evm.legacyAssembly"
FORGE_ARGS = (f"--extra-output={OUTPUT}",)
ASSEMBLY_CACHE = toolchain.REPO_ROOT / ".verify-cache" / "assembly"
KEEP = 8  # builds kept (the most recently used): a test session builds one per temporary project


def strip_metadata(code: str) -> str:
    """Runtime bytecode without solc's CBOR metadata (its last two bytes give its length)."""
    code = code.removeprefix("0x")
    if len(code) < 4:
        return code
    length = int(code[-4:], 16) * 2 + 4
    return code[:-length] if length <= len(code) else code


def assemblies(target: Target, names: set[str]) -> dict[str, Assembly]:
    """The assembly of each of `names` whose code is the target's own; built on first use (incremental after)."""
    found = {name: art for name, art in target.artifacts.items() if name in names and art.legacy_assembly}
    if names - set(found):
        found |= _separate_build(target, names - set(found))
    return {name: Assembly.from_legacy(art.legacy_assembly) for name, art in found.items()
            if art.legacy_assembly and name in target.artifacts
            and not code_changed(art, target.artifacts[name])}


def _separate_build(target: Target, names: set[str]) -> dict[str, Artifact]:
    place = ASSEMBLY_CACHE / hashlib.sha256(str(target.root.resolve()).encode()).hexdigest()[:16]
    out = place / "out"
    place.mkdir(parents=True, exist_ok=True)
    place.touch()
    _prune()
    Target.build(target.root, label=target.label, generic=target.generic, paths=(target.layout.src,),
                 extra_args=("--out", str(out), "--cache-path", str(place / "cache"), *FORGE_ARGS))
    built = {}
    for path in sorted(out.glob("*.sol/*.json")):
        if path.stem not in names:
            continue
        data = json.loads(path.read_text())
        source = next(iter(data.get("metadata", {}).get("settings", {}).get("compilationTarget", {})), "")
        if source.startswith(target.layout.src + "/"):
            built[path.stem] = Artifact(path.stem, "", [], "", data.get("deployedBytecode", {}).get("object", "0x"),
                                        None, data.get("legacyAssembly"))
    return built


def _prune() -> None:
    builds = sorted(ASSEMBLY_CACHE.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def pointers_as_data(target: Target, names: set[str]) -> dict[str, str | None]:
    """For each contract of `names`, where its sources could treat a jump label as a number, or None. The
    relocation argument assumes solc's labels are only jumped to; an internal function pointer is a label, so it
    must not be kept in storage (the stored number would come from the other build), compared, or read by inline
    assembly. The build's artefacts are indexed once and each source is judged once, however many contracts share
    it (the platform's modules share most of OpenZeppelin)."""
    out = target.out_dir
    by_name: dict[str, list[Path]] = {}
    for path in out.rglob("*.sol/*.json"):
        by_name.setdefault(path.parent.name, []).append(path)
    judged: dict[str, str | None] = {}

    def judge(source: str) -> str | None:
        if source not in judged:
            ast = _ast(target.root, by_name, (target.root / source).resolve())
            where = "no syntax tree in the build" if ast is None else _pointer_use(ast)
            judged[source] = None if where is None else f"{source}: {where}"
        return judged[source]

    found: dict[str, str | None] = {}
    for name in sorted(names):
        art = next(out.glob(f"*.sol/{name}.json"), None)
        if art is None:
            found[name] = f"{name}: no artefact"
            continue
        sources = json.loads(art.read_text()).get("metadata", {}).get("sources", {})
        found[name] = next((why for why in map(judge, sources) if why is not None), None)
    return found


def code_changed(old: Artifact, new: Artifact) -> bool:
    """Whether two builds of a contract differ in runtime bytecode, compiler metadata aside."""
    return strip_metadata(old.deployed_bytecode) != strip_metadata(new.deployed_bytecode)


def _ast(root: Path, by_name: dict[str, list[Path]], source: Path) -> dict | None:
    """The syntax tree of `source` (resolved) from any artefact compiled from it (paths there are relative to the
    project root, or absolute for files outside it)."""
    for path in by_name.get(source.name, []):
        ast = json.loads(path.read_text()).get("ast") or {}
        if (root / ast.get("absolutePath", "")).resolve() == source:
            return ast
    return None


def _internal_function(type_string: str | None) -> bool:
    return bool(type_string) and "function (" in type_string and " external" not in type_string


def _pointer_use(ast: dict) -> str | None:
    nodes = list(ast_nodes(ast))
    pointers = {n.get("id") for n in nodes if n.get("nodeType") == "VariableDeclaration"
                and _internal_function(n.get("typeDescriptions", {}).get("typeString"))}
    structs = {m.get("id") for n in nodes if n.get("nodeType") == "StructDefinition" for m in n.get("members", [])}
    for node in nodes:
        kind = node.get("nodeType")
        if kind == "VariableDeclaration" and node.get("id") in pointers and (node.get("stateVariable")
                                                                              or node.get("id") in structs):
            return f"an internal function pointer kept in storage ({node.get('name')})"
        if kind == "BinaryOperation" and _internal_function(
                node.get("leftExpression", {}).get("typeDescriptions", {}).get("typeString")):
            return "internal function pointers compared"
        if kind == "InlineAssembly" and any(ref.get("declaration") in pointers
                                            for ref in node.get("externalReferences", [])):
            return "an internal function pointer read by inline assembly"
    return None

