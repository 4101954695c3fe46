"""Triage baseline for Slither's built-in detectors (STRUCT-01).

File: <project>/slither-baseline.json
  {"version": 1, "findings": [{"detector": "...", "file": "src/X.sol", "contract": "X", "function": "f",
                                "reason": "why this is accepted"}]}
An entry matches findings by (detector, file, contract, function) — not by line, so edits above a finding
keep its triage. Every entry needs a non-empty reason; a malformed baseline is a ConfigError.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from checkers.errors import ConfigError

FILE_NAME = "slither-baseline.json"


@dataclass(frozen=True)
class BaselineEntry:
    detector: str
    file: str
    contract: str
    function: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.detector, self.file, self.contract, self.function)


def load(path: Path) -> dict[tuple[str, str, str, str], BaselineEntry]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON: {exc}") from None
    entries: dict = {}
    for index, raw in enumerate(data.get("findings", []) if isinstance(data, dict) else []):
        try:
            entry = BaselineEntry(raw["detector"], raw["file"], raw.get("contract", ""), raw.get("function", ""),
                                  raw["reason"])
        except (KeyError, TypeError):
            raise ConfigError(f"{path}: finding #{index} needs detector, file and reason") from None
        if not entry.reason.strip():
            raise ConfigError(f"{path}: finding #{index} ({entry.detector} in {entry.file}) has an empty reason")
        entries[entry.key] = entry
    return entries


def write(path: Path, entries: list[BaselineEntry]) -> None:
    data = {
        "version": 1,
        "about": "Triaged findings of Slither's built-in detectors on src/ (STRUCT-01). Each entry needs a reason; "
                 "a finding not listed here fails the STRUCT-01 spec.",
        "findings": [e.__dict__ for e in sorted(entries, key=lambda e: e.key)],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
