"""Conventions shared by the sequence engines (manticore, halmos, fuzz) and the replay generator.

One spec id, one harness pair under the project's `test/symbolic/`:
- `harness/<ID>.sol`, contract `<ID>Harness` (ID = spec id without the dash, e.g. SEQ01): the concrete set-up in
  its constructor (no cheatcodes, so Manticore can run it), one `act_<name>(...)` function per symbolic
  transaction (ignoring msg.sender), `property()` the invariant, and `uint256 violations` in slot 0, incremented
  by an act_ call that leaves the property false.
- `<ID>.t.sol`, contract `<ID>Symbolic` (forge-std Test): `check_<name>(args)` for halmos and `testFuzz_<name>(args)`
  for Foundry, each calling `act_<name>(args)` and asserting the property, and `invariant_*` over the act_ functions.
Because check_/testFuzz_<name> pass their arguments verbatim to act_<name>, every counterexample becomes a
sequence of harness calls that the replay generator can write out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import keccak

HARNESS_DIR = Path("test") / "symbolic"
STATIC_TYPES = ("uint", "int", "address", "bool", "bytes")


@dataclass(frozen=True)
class Call:
    """One harness call of a counterexample: `act_withdraw(uint256)` with its ABI-encoded arguments."""

    signature: str
    calldata: str  # hex without 0x: selector + arguments
    args: tuple[str, ...] = ()  # decimal strings (addresses and bytes as 0x-hex)

    def render(self) -> str:
        return f"{self.signature.split('(')[0]}({', '.join(self.args)})"


@dataclass(frozen=True)
class Harness:
    spec_id: str
    root: Path

    @property
    def stem(self) -> str:
        return self.spec_id.replace("-", "")

    @property
    def harness_contract(self) -> str:
        return f"{self.stem}Harness"

    @property
    def test_contract(self) -> str:
        return f"{self.stem}Symbolic"

    @property
    def harness_source(self) -> str:
        return str(HARNESS_DIR / "harness" / f"{self.stem}.sol")

    @property
    def test_source(self) -> str:
        return str(HARNESS_DIR / f"{self.stem}.t.sol")

    def exists(self) -> bool:
        return (self.root / self.harness_source).exists() and (self.root / self.test_source).exists()

    def artifact(self, out_dir: str = "out") -> dict[str, Any]:
        path = self.root / out_dir / f"{self.stem}.sol" / f"{self.harness_contract}.json"
        return json.loads(path.read_text())


def signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(_canonical(i) for i in item.get('inputs', []))})"


def _canonical(param: dict[str, Any]) -> str:
    return param["type"]


def selector(sig: str) -> str:
    return keccak(text=sig)[:4].hex()


def actions(abi: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The harness's act_ functions: name, signature, selector, argument types."""
    found = []
    for item in abi:
        if item.get("type") == "function" and item["name"].startswith("act_"):
            sig = signature(item)
            found.append(
                {"name": item["name"], "signature": sig, "selector": selector(sig),
                 "types": [i["type"] for i in item.get("inputs", [])], "n_args": len(item.get("inputs", []))}
            )
    return found


def argument_domain(artifact: dict[str, Any]) -> str:
    """What the act_ arguments range over, from the harness's NatSpec (`@param`): a symbolic choice among listed
    amounts where the harness says so, else any value of the type. Recorded as the domain of every verdict."""
    methods = (artifact.get("metadata") or {}).get("output", {}).get("devdoc", {}).get("methods", {})
    parts = []
    for item in artifact.get("abi", []):
        if item.get("type") != "function" or not item["name"].startswith("act_"):
            continue
        documented = methods.get(signature(item), {}).get("params", {})
        args = [f"{p['name']} {' '.join(documented[p['name']].split())}" if p["name"] in documented
                else f"{p['name']}: any {p['type']}" for p in item.get("inputs", [])]
        parts.append(f"{item['name']}({'; '.join(args)})")
    return "act_ arguments: " + " | ".join(parts) if parts else ""


def encode_args(types: list[str], values: list[int]) -> str:
    """ABI encoding of static arguments (every act_ argument is a static word)."""
    words = []
    for ty, value in zip(types, values):
        if not ty.startswith(STATIC_TYPES) or ty.endswith("]") or ty in ("bytes", "string"):
            raise ValueError(f"act_ argument type {ty} is not a static word")
        words.append((value % (1 << 256)).to_bytes(32, "big").hex())
    return "".join(words)


def decode_args(types: list[str], data_hex: str) -> tuple[str, ...]:
    """Render the words of `data_hex` (arguments only) as decimal strings in the contract's units."""
    out = []
    for index, ty in enumerate(types):
        word = data_hex[64 * index: 64 * (index + 1)]
        value = int(word or "0", 16)
        if ty.startswith("int"):
            bits = int(ty[3:] or 256)
            value &= (1 << bits) - 1
            if value >= 1 << (bits - 1):
                value -= 1 << bits
        if ty == "address":
            out.append("0x" + f"{value:040x}"[-40:])
        elif ty.startswith("bytes"):
            out.append("0x" + word)
        elif ty == "bool":
            out.append("true" if value else "false")
        else:
            out.append(str(value))
    return tuple(out)


def call_from_calldata(abi_actions: list[dict[str, Any]], calldata_hex: str) -> Call:
    """A harness call from raw calldata (Manticore, Foundry invariant sequences)."""
    data = calldata_hex.removeprefix("0x")
    sel = data[:8]
    for action in abi_actions:
        if action["selector"] == sel:
            return Call(action["signature"], data, decode_args(action["types"], data[8:]))
    return Call(f"0x{sel}", data, ())


def call_for_action(abi_actions: list[dict[str, Any]], name: str, values: list[int]) -> Call:
    """The act_<name> call carrying the arguments a check_/testFuzz_<name> counterexample gave."""
    action = next((a for a in abi_actions if a["name"] == f"act_{name}"), None)
    if action is None:
        raise KeyError(f"harness has no act_{name} for check_/testFuzz_{name}")
    data = action["selector"] + encode_args(action["types"], values)
    return Call(action["signature"], data, decode_args(action["types"], data[8:]))


def mutant_project(mutant_name: str, into: Path, project: Path | None = None) -> Path:
    """A copy of the platform with one mutant in place, not built: the sequence engines compile only what their
    harness needs (forge's sparse test builds, halmos's and Manticore's own out dirs). Use
    checkers.mutants.build_mutant when a full build of the mutant is wanted."""
    import shutil

    from checkers import toolchain
    from checkers.mutants import load_mutants, write_mutant
    from checkers.target import copy_project

    project = project or toolchain.PLATFORM_PROJECT
    mutant = load_mutants()[mutant_name]
    dest = copy_project(project, into)
    write_mutant(mutant, dest)
    shutil.rmtree(dest / "mutants", ignore_errors=True)
    shutil.rmtree(dest / "out-symbolic", ignore_errors=True)  # the engines' ledger belongs to one target
    for persisted in ("fuzz", "invariant"):  # failures persisted by an earlier forge run are not this target's
        shutil.rmtree(dest / "cache" / persisted, ignore_errors=True)
    return dest
