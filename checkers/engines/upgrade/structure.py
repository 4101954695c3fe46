"""Structural upgrade checks from the compiler's AST (what OpenZeppelin upgrades-core and
slither-check-upgradeability check, for UUPS implementations with ERC-7201 storage):

  namespaces      every `@custom:storage-location erc7201:<id>` struct, its members, and whether the source
                  holds the slot erc7201(<id>) it must be read from
  initializers    an upgradeable implementation disables initializers in its constructor, and every
                  initialize*/reinitialize* entry point carries the `initializer`/`reinitializer` modifier
  authorisation   `_authorizeUpgrade` is restricted (a modifier, or a check in its body), never empty
  clashes         no selector of a proxy contract in the build is also a selector of an implementation
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from eth_utils import keccak

from checkers.engines.upgrade.baseline import ast_nodes, natspec_text, selectors_of
from checkers.target import Target

NAMESPACE_TAG = re.compile(r"@custom:storage-location\s+erc7201:(\S+)")
PROXY_BASES = {"Proxy", "ERC1967Proxy", "TransparentUpgradeableProxy", "BeaconProxy"}
GUARD_CALLS = re.compile(r"^_?(check\w*|only\w*|require\w*)$", re.I)


def erc7201_slot(namespace: str) -> str:
    inner = int.from_bytes(keccak(text=namespace), "big") - 1
    return "0x" + (int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF).to_bytes(32, "big").hex()


@dataclass(frozen=True)
class Problem:
    contract: str
    kind: str  # namespace-slot | initializer-unguarded | initializers-enabled | authorize-unrestricted | selector-clash
    detail: str
    source: str
    line: int = 1


def _builds(out_dir: Path) -> tuple[dict[str, dict[str, Any]], ...]:
    """Per compilation (a build-info file): source path -> AST, newest compilation first. AST ids are consistent
    within one compilation only (forge may compile a project in several), so contracts are resolved inside their own
    build; an incremental rebuild (a mutant's) leaves the older build-info beside the new one, whose ASTs are the
    current sources: readers take the first build that has a contract or source."""
    info = out_dir / "build-info"
    files = sorted(info.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True) if info.is_dir() else []
    names = tuple(p.name for p in files)
    return _read_builds(info, names)


@lru_cache(maxsize=4)
def _read_builds(info: Path, names: tuple[str, ...]) -> tuple[dict[str, dict[str, Any]], ...]:
    """Keyed by the build-info files too: a rebuild writes a new one, so a cached read is never stale."""
    builds = []
    for name in names:
        doc = json.loads((info / name).read_text())
        sources = (doc.get("output") or {}).get("sources") or {}
        builds.append({path: entry["ast"] for path, entry in sources.items() if entry.get("ast")})
    return tuple(builds)


def _line(source_text: str | None, src: str) -> int:
    if not source_text:
        return 1
    offset = int(src.split(":")[0])
    return source_text.count("\n", 0, offset) + 1


def namespaces(target: Target) -> dict[str, dict[str, Any]]:
    """namespace id -> {"struct", "contract", "source", "members": [[name, type]], "slot_in_source"}."""
    out: dict[str, dict[str, Any]] = {}
    src = target.layout.src + "/"
    seen: set[str] = set()
    for source, ast in ((path, ast) for build in _builds(target.out_dir) for path, ast in build.items()):
        if not source.startswith(src) or source in seen:
            continue
        seen.add(source)
        text = _source_text(target.root, source)
        for node in ast_nodes(ast):
            if node.get("nodeType") != "StructDefinition":
                continue
            match = NAMESPACE_TAG.search(natspec_text(node))
            if not match:
                continue
            ns = match.group(1)
            members = [[m.get("name"), (m.get("typeDescriptions") or {}).get("typeString", "")]
                       for m in node.get("members", [])]
            members = [[n, re.sub(r"\s+(storage|memory)\s+ref$|\s+storage\s+pointer$", "", t)] for n, t in members]
            slot = erc7201_slot(ns)
            out[ns] = {"struct": node.get("canonicalName", node.get("name")), "source": source,
                       "line": _line(text, node.get("src", "0:0:0")), "members": members,
                       "slot": slot, "slot_in_source": bool(text and slot[2:] in text.lower())}
    return out


def _source_text(root: Path, source: str) -> str | None:
    path = root / source
    return path.read_text() if path.is_file() else None


def _contracts(target: Target) -> dict[str, tuple[str, dict[str, Any], dict[int, dict[str, Any]]]]:
    """Contract name -> (source, its ContractDefinition, every ContractDefinition of the build by id)."""
    found: dict[str, tuple[str, dict[str, Any], dict[int, dict[str, Any]]]] = {}
    src = target.layout.src + "/"
    for build in _builds(target.out_dir):
        by_id: dict[int, dict[str, Any]] = {}
        mine: dict[str, tuple[str, dict[str, Any]]] = {}
        for source, ast in build.items():
            for node in ast.get("nodes", []):
                if node.get("nodeType") == "ContractDefinition":
                    by_id[node["id"]] = node
                    if source.startswith(src):
                        mine.setdefault(node["name"], (source, node))
        for name, (source, node) in mine.items():
            found.setdefault(name, (source, node, by_id))
    return found


def _functions(contract: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Functions in linearisation order (most derived first)."""
    for base in contract.get("linearizedBaseContracts", []):
        for node in by_id.get(base, {}).get("nodes", []):
            if node.get("nodeType") == "FunctionDefinition":
                yield node


def _calls(node: dict[str, Any]) -> set[str]:
    return {(n.get("expression") or {}).get("name", "") for n in ast_nodes(node) if n.get("nodeType") == "FunctionCall"}


def _mentions_sender(node: dict[str, Any]) -> bool:
    return any(n.get("nodeType") == "MemberAccess" and n.get("memberName") == "sender"
               and (n.get("expression") or {}).get("name") == "msg" for n in ast_nodes(node))


def upgradeable_contracts(target: Target) -> list[str]:
    """Deployable contracts of the project deriving from OpenZeppelin's Initializable."""
    contracts = _contracts(target)
    out = []
    for name, art in target.artifacts.items():
        if name in contracts and art.deployed_bytecode.removeprefix("0x"):
            _, node, by_id = contracts[name]
            if "Initializable" in {by_id.get(b, {}).get("name") for b in node.get("linearizedBaseContracts", [])}:
                out.append(name)
    return sorted(out)


def problems(target: Target) -> list[Problem]:
    found: list[Problem] = []
    for ns, info in namespaces(target).items():
        if not info["slot_in_source"]:
            found.append(Problem(info["struct"], "namespace-slot",
                                 f"{info['struct']} is annotated erc7201:{ns} but {info['source']} never uses its "
                                 f"slot {info['slot']}: the annotation and the storage actually read disagree",
                                 info["source"], info["line"]))
    contracts = _contracts(target)
    implementations = {}
    for name, art in target.artifacts.items():
        if name not in contracts or not art.deployed_bytecode.removeprefix("0x"):
            continue
        source, node, by_id = contracts[name]
        bases = {by_id.get(b, {}).get("name") for b in node.get("linearizedBaseContracts", [])}
        text = _source_text(target.root, source)
        if bases & PROXY_BASES:
            continue
        implementations[name] = art
        if "Initializable" not in bases:
            continue
        functions = list(_functions(node, by_id))
        ctors = [f for f in functions if f.get("kind") == "constructor"]
        if not any("_disableInitializers" in _calls(c) for c in ctors):
            found.append(Problem(name, "initializers-enabled",
                                 f"{name}: no constructor calls _disableInitializers(), so anyone can initialise the "
                                 f"implementation contract itself", source, _line(text, node.get("src", "0:0:0"))))
        seen: set[str] = set()
        for f in functions:
            fname = f.get("name", "")
            if f.get("kind") != "function" or fname in seen or f.get("visibility") not in ("external", "public"):
                continue
            seen.add(fname)
            if re.match(r"^(re)?initiali[sz]e", fname, re.I):
                mods = {(m.get("modifierName") or {}).get("name") for m in f.get("modifiers", [])}
                if not mods & {"initializer", "reinitializer"}:
                    found.append(Problem(name, "initializer-unguarded",
                                         f"{name}.{fname} has no initializer/reinitializer modifier: it can be called "
                                         f"again after deployment (re-initialisation takes the contract over)",
                                         source, _line(text, f.get("src", "0:0:0"))))
        if "UUPSUpgradeable" in bases:
            auth = next((f for f in functions if f.get("name") == "_authorizeUpgrade" and f.get("implemented")), None)
            if auth is None or not (auth.get("modifiers") or _mentions_sender(auth.get("body") or {})
                                    or any(GUARD_CALLS.match(c) for c in _calls(auth.get("body") or {}))):
                where = auth or node
                found.append(Problem(name, "authorize-unrestricted",
                                     f"{name}._authorizeUpgrade has no access restriction: anyone can upgrade the "
                                     f"proxy to code of their choice", source, _line(text, where.get("src", "0:0:0"))))
    found += _clashes(target, implementations)
    return found


def _clashes(target: Target, implementations: dict[str, Any]) -> list[Problem]:
    out = []
    for path in sorted(target.out_dir.glob("*.sol/*.json")):
        if path.stem not in PROXY_BASES - {"Proxy"}:
            continue
        proxy = selectors_of(json.loads(path.read_text()).get("abi", []))
        by_selector = {sel: sig for sig, sel in proxy.items()}
        for name, art in implementations.items():
            for sig, sel in selectors_of(art.abi).items():
                if sel in by_selector:
                    out.append(Problem(name, "selector-clash",
                                       f"{name}.{sig} has selector {sel}, also {path.stem}.{by_selector[sel]}: "
                                       f"calls through the proxy never reach it", art.source))
    return out
