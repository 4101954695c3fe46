"""Storage layouts and selectors of a built target, the committed baseline, and the comparison.

Types in solc's storageLayout carry AST ids (t_struct(Position)1234_storage) that change with any edit, so the
baseline records each variable by (label, slot, offset, type label, bytes) and each struct by its members.

State kept in an ERC-7201 namespace (a struct tagged `@custom:storage-location erc7201:<id>`, reached through an
assembly-set storage pointer) is not in solc's storageLayout at all (solc 0.8.24), so it is read from the AST: each
namespace of a src/ contract (its own or a src/ base's) is recorded as its ordered members (label, type), and every
struct reachable from them by its members. Within a namespace the members are laid out from the namespace's slot like
a contract's state variables, so the same append-only rule applies: same members, same order, same types, new
members only at the end.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkers.target import Target

BASELINE_NAME = "upgrade-baseline.json"
BASELINE_ENV = "VERIFY_UPGRADE_BASELINE"  # `verify diff --base REF` points the engine at REF's layouts
SCHEMA_VERSION = "1"


def baseline_path(target: Target) -> Path:
    override = os.environ.get(BASELINE_ENV)
    return Path(override) if override else target.root / BASELINE_NAME


def _type_label(types: dict[str, Any], type_id: str) -> str:
    return str(types.get(type_id, {}).get("label", type_id))


def storage_of(layout: dict[str, Any] | None) -> dict[str, Any]:
    layout = layout or {}
    types = layout.get("types") or {}
    variables = [
        {"label": v["label"], "slot": str(v["slot"]), "offset": int(v["offset"]),
         "type": _type_label(types, v["type"]), "bytes": str(types.get(v["type"], {}).get("numberOfBytes", ""))}
        for v in layout.get("storage", [])
    ]
    structs = {}
    for info in types.values():
        if info.get("encoding") == "inplace" and info.get("members") is not None:
            structs[info["label"]] = [
                {"label": m["label"], "slot": str(m["slot"]), "offset": int(m["offset"]),
                 "type": _type_label(types, m["type"])} for m in info["members"]
            ]
    return {"variables": variables, "structs": dict(sorted(structs.items()))}


_LOCATION = re.compile(r"@custom:storage-location\s+(erc7201:[\w.$-]+)")
_STRUCT_REF = re.compile(r"struct ([\w.]+)")


def ast_nodes(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from ast_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from ast_nodes(value)


def _src_asts(target: Target) -> list[dict[str, Any]]:
    """One AST per src/ source unit (every artefact of a file carries the file's AST)."""
    asts, seen = [], set()
    for art in target.artifacts.values():
        if art.source in seen:
            continue
        seen.add(art.source)
        path = target.out_dir / Path(art.source).name / f"{art.name}.json"
        try:
            ast = json.loads(path.read_text()).get("ast")
        except (OSError, ValueError):
            ast = None
        if ast:
            asts.append(ast)
    return asts


def _members(struct: dict[str, Any]) -> list[dict[str, str]]:
    return [{"label": m.get("name", ""), "type": str(m.get("typeDescriptions", {}).get("typeString", ""))}
            for m in struct.get("members", [])]


def natspec_text(node: dict[str, Any]) -> str:
    doc = node.get("documentation")
    return str(doc.get("text", "")) if isinstance(doc, dict) else str(doc or "")


def namespaces(target: Target) -> dict[str, dict[str, Any]]:
    """contract name -> {"namespaces": {erc7201 id: members}, "structs": {struct label: members}} for the src/
    contracts that keep state in ERC-7201 namespaces (their own or a src/ base's)."""
    contracts: dict[int, dict[str, Any]] = {}
    structs: dict[str, dict[str, Any]] = {}
    for ast in _src_asts(target):
        for node in ast_nodes(ast):
            if node.get("nodeType") == "ContractDefinition" and isinstance(node.get("id"), int):
                contracts[node["id"]] = node
            elif node.get("nodeType") == "StructDefinition" and node.get("canonicalName"):
                structs[node["canonicalName"]] = node
    out: dict[str, dict[str, Any]] = {}
    for contract in contracts.values():
        spaces: dict[str, list[dict[str, str]]] = {}
        for base_id in contract.get("linearizedBaseContracts", []):
            for node in contracts.get(base_id, {}).get("nodes", []):
                match = _LOCATION.search(natspec_text(node)) if node.get("nodeType") == "StructDefinition" else None
                if match:
                    spaces.setdefault(match.group(1), _members(node))
        if not spaces:
            continue
        reached: dict[str, list[dict[str, str]]] = {}
        pending = [m["type"] for members in spaces.values() for m in members]
        while pending:
            for name in _STRUCT_REF.findall(pending.pop()):
                label = f"struct {name}"
                if label not in reached and name in structs:
                    reached[label] = _members(structs[name])
                    pending += [m["type"] for m in reached[label]]
        out[contract["name"]] = {"namespaces": dict(sorted(spaces.items())), "structs": reached}
    return out


def canonical_type(param: dict[str, Any]) -> str:
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(canonical_type(c) for c in param.get("components", [])) + ")" + kind[len("tuple"):]
    return kind


def signature_of(item: dict[str, Any]) -> str:
    """An ABI function entry's canonical signature, e.g. `open((uint256,address),bool)`."""
    return f"{item['name']}({','.join(canonical_type(p) for p in item.get('inputs', []))})"


def selectors_of(abi: list[dict[str, Any]]) -> dict[str, str]:
    """signature -> 0x selector of every external/public function."""
    from eth_utils import function_signature_to_4byte_selector  # lazy: the cache imports this module

    out = {}
    for item in abi:
        if item.get("type") == "function":
            signature = signature_of(item)
            out[signature] = "0x" + function_signature_to_4byte_selector(signature).hex()
    return dict(sorted(out.items()))


def snapshot(target: Target) -> dict[str, Any]:
    """The baseline document for every deployable contract under src/ (interfaces and libraries without
    storage are kept for selectors only when they have an ABI)."""
    contracts = {}
    spaced = namespaces(target)
    for name, art in sorted(target.artifacts.items()):
        if not art.abi and not (art.storage_layout or {}).get("storage") and name not in spaced:
            continue
        storage = storage_of(art.storage_layout)
        if name in spaced:
            storage["namespaces"] = spaced[name]["namespaces"]
            for label, members in spaced[name]["structs"].items():
                storage["structs"].setdefault(label, members)
            storage["structs"] = dict(sorted(storage["structs"].items()))
        contracts[name] = {"source": art.source, "storage": storage, "selectors": selectors_of(art.abi)}
    return {"schema_version": SCHEMA_VERSION, "contracts": contracts}


def load_baseline(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.get("schema_version") != SCHEMA_VERSION or "contracts" not in data:
        raise ValueError(f"{path}: not an upgrade baseline (schema_version {SCHEMA_VERSION} expected)")
    return data


@dataclass(frozen=True)
class Change:
    contract: str
    kind: str  # "moved", "retyped", "removed", "inserted", "struct-changed", "selector-removed", "contract-removed",
    #            "namespace-moved", "namespace-changed"
    detail: str
    inputs: dict[str, str]


def layout_changes(base: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Append-only: every baseline variable keeps label, slot, offset and type; new variables only after the
    last baseline one; struct members only appended."""
    changes: list[Change] = []
    for name, old in base["contracts"].items():
        cur = new["contracts"].get(name)
        if cur is None:
            if old["storage"]["variables"] or old["storage"].get("namespaces"):
                changes.append(Change(name, "contract-removed", f"{name} no longer compiles",
                                      {"contract": name}))
            continue
        old_vars, new_vars = old["storage"]["variables"], cur["storage"]["variables"]
        for i, var in enumerate(old_vars):
            match = new_vars[i] if i < len(new_vars) else None
            if match == var:
                continue
            moved = next((v for v in new_vars if v["label"] == var["label"]), None)
            if moved is None:
                kind, detail = "removed", f"{name}.{var['label']} (slot {var['slot']}) was removed"
            elif (moved["slot"], moved["offset"]) != (var["slot"], var["offset"]):
                kind = "moved"
                detail = (f"{name}.{var['label']} moved from slot {var['slot']}+{var['offset']} "
                          f"to slot {moved['slot']}+{moved['offset']}")
                if match is not None and match["label"] != var["label"]:
                    kind, detail = "inserted", detail + f" ({match['label']} inserted before it)"
            elif moved["type"] != var["type"]:
                kind, detail = "retyped", f"{name}.{var['label']} changed type {var['type']} -> {moved['type']}"
            else:
                kind, detail = "moved", f"{name}.{var['label']} changed position in the declaration order"
            changes.append(Change(name, kind, detail, {
                "contract": name, "variable": var["label"], "baseline_slot": var["slot"],
                "baseline_offset": str(var["offset"]), "baseline_type": var["type"],
                "new_slot": moved["slot"] if moved else "absent", "new_type": moved["type"] if moved else "absent"}))
        for struct, members in old["storage"]["structs"].items():
            now = cur["storage"]["structs"].get(struct)
            if now is not None and now[: len(members)] != members:
                changes.append(Change(name, "struct-changed", f"struct {struct} members not append-only",
                                      {"contract": name, "struct": struct,
                                       "baseline_members": ",".join(m["label"] for m in members),
                                       "new_members": ",".join(m["label"] for m in now)}))
        for space, members in old["storage"].get("namespaces", {}).items():
            spaces = cur["storage"].get("namespaces", {})
            changes += _namespace_changes(name, space, members, spaces.get(space), spaces)
    return changes


def _namespace_changes(name: str, space: str, members: list[dict[str, str]],
                       now: list[dict[str, str]] | None, spaces: dict[str, list[dict[str, str]]]) -> list[Change]:
    """A namespace's members are its slots in order: the baseline's must be a prefix of the new ones. A namespace
    whose members now sit under another id has moved: the new code reads its state from an empty slot."""
    if now is None:
        moved = next((other for other, theirs in spaces.items() if theirs[: len(members)] == members), None)
        if moved is not None:
            return [Change(name, "namespace-moved", f"{name}'s ERC-7201 namespace {space} moved to {moved}: the new "
                           f"code reads its state from an empty slot", {"contract": name, "namespace": space,
                                                                         "new_namespace": moved})]
        return [Change(name, "removed", f"{name}'s ERC-7201 namespace {space} was removed",
                       {"contract": name, "namespace": space})]
    for i, member in enumerate(members):
        match = now[i] if i < len(now) else None
        if match == member:
            continue
        j = next((k for k, m in enumerate(now) if m["label"] == member["label"]), None)
        if j is None:
            kind, detail = "removed", f"{name}.{member['label']} (member {i} of {space}) was removed"
        elif j != i:
            new_here = match is not None and all(m["label"] != match["label"] for m in members)
            kind = "inserted" if new_here else "moved"
            detail = f"{name}.{member['label']} moved from member {i} to member {j} of {space}"
            if kind == "inserted":
                detail += f" ({match['label']} inserted before it)"
        else:
            kind, detail = "retyped", f"{name}.{member['label']} changed type {member['type']} -> {now[j]['type']}"
        return [Change(name, kind, detail, {
            "contract": name, "namespace": space, "variable": member["label"], "baseline_member": str(i),
            "baseline_type": member["type"], "new_member": "absent" if j is None else str(j),
            "new_type": "absent" if j is None else now[j]["type"]})]
    return []


def selector_changes(base: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for name, old in base["contracts"].items():
        cur = new["contracts"].get(name, {"selectors": {}})
        kept = set(cur["selectors"].values())
        for signature, selector in old["selectors"].items():
            if selector not in kept:
                changes.append(Change(name, "selector-removed", f"{name}.{signature} ({selector}) was removed",
                                      {"contract": name, "signature": signature, "selector": selector}))
    return changes


def added_selectors(base: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for name, cur in new["contracts"].items():
        old = set(base["contracts"].get(name, {"selectors": {}})["selectors"].values())
        out += [f"{name}.{sig}" for sig, sel in cur["selectors"].items() if sel not in old]
    return out
