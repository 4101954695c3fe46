"""Storage layouts and selectors of a built target, the committed baseline, and the comparison.

Types in solc's storageLayout carry AST ids (t_struct(Position)1234_storage) that change with any edit, so the
baseline records each variable by (label, slot, offset, type label, bytes) and each struct by its members.
"""
from __future__ import annotations

import json
import os
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
    for name, art in sorted(target.artifacts.items()):
        if not art.abi and not (art.storage_layout or {}).get("storage"):
            continue
        contracts[name] = {"source": art.source, "storage": storage_of(art.storage_layout),
                           "selectors": selectors_of(art.abi)}
    from checkers.engines.upgrade.structure import namespaces

    found = namespaces(target)
    return {"schema_version": SCHEMA_VERSION, "contracts": contracts,
            "namespaces": {ns: {"struct": info["struct"], "source": info["source"], "members": info["members"]}
                           for ns, info in sorted(found.items())}}


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
            if old["storage"]["variables"]:
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
    return changes + namespace_changes(base, new)


def namespace_changes(base: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """ERC-7201: a namespace keeps its id (its slot) and its members are only appended, in the same order and
    types. A namespace whose struct now lives under another id has moved: the new code reads empty storage."""
    changes = []
    new_spaces = new.get("namespaces", {})
    for ns, old in base.get("namespaces", {}).items():
        cur = new_spaces.get(ns)
        if cur is None:
            moved_to = next((n for n, info in new_spaces.items() if info["struct"] == old["struct"]), None)
            where = f"now erc7201:{moved_to}" if moved_to else "no longer declared"
            changes.append(Change(old["struct"], "namespace-moved",
                                  f"namespace erc7201:{ns} ({old['struct']}) {where}: the state stored there is lost",
                                  {"namespace": ns, "struct": old["struct"], "new_namespace": moved_to or "absent"}))
            continue
        members, now = [tuple(m) for m in old["members"]], [tuple(m) for m in cur["members"]]
        if now[: len(members)] != members:
            first = next(i for i, m in enumerate(members) if i >= len(now) or now[i] != m)
            got = f"{now[first][0]} ({now[first][1]})" if first < len(now) else "nothing"
            changes.append(Change(old["struct"], "namespace-changed",
                                  f"namespace erc7201:{ns} ({old['struct']}): member {first} was {members[first][0]} "
                                  f"({members[first][1]}), is {got}: members may only be appended",
                                  {"namespace": ns, "struct": old["struct"], "member_index": str(first),
                                   "baseline_member": members[first][0], "new_member": got}))
    return changes


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
