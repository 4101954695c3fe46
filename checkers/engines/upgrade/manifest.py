"""The upgrade manifest: the functions an upgrade changes on purpose, each with the reason (written by the user).

    # contracts/upgrade-manifest.toml
    [[changed]]
    function = "PerpetualTrading.openPosition(uint256,bool,uint256,uint256)"
    reason = "per-market open-interest cap"

A declared function is not compared with the old version; `verify diff` re-verifies every spec naming it on the
new version instead. Anything else that behaves differently is a regression.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from checkers.errors import ConfigError

MANIFEST_NAME = "upgrade-manifest.toml"


@dataclass(frozen=True)
class Declared:
    contract: str
    signature: str  # name(types)
    reason: str


def load(root: Path) -> dict[tuple[str, str], Declared]:
    """(contract, signature) -> declaration; no manifest -> nothing declared."""
    path = root / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        doc = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    out = {}
    for n, entry in enumerate(doc.get("changed", []), start=1):
        where = f"{path}: [[changed]] #{n}"
        function, reason = entry.get("function"), entry.get("reason")
        if not isinstance(function, str) or "." not in function or "(" not in function or not function.endswith(")"):
            raise ConfigError(f"{where}: function must be \"Contract.name(types)\", got {function!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{where}: {function} needs a reason")
        contract, signature = function.split(".", 1)
        out[(contract, signature.replace(" ", ""))] = Declared(contract, signature.replace(" ", ""), reason.strip())
    return out


def check_known(declared: dict[tuple[str, str], Declared], head_selectors: dict[str, dict[str, str]], root: Path) -> None:
    """Every declared function exists in the new version (a typo must not silently skip a comparison)."""
    for (contract, signature) in declared:
        if signature not in head_selectors.get(contract, {}):
            raise ConfigError(f"{root / MANIFEST_NAME}: {contract}.{signature} is not an external function of the "
                              f"new version")
