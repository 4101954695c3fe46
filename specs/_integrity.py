"""The one shape every `INT-*` declaration shares (specs/integrity_*.py): checked by the `props` engine, functions
named relative to the contract under test."""
from __future__ import annotations

from checkers.base import Severity, Spec


def integrity_spec(contract: str, default_category: str, id: str, title: str, rationale: str,
                   functions: tuple[str, ...], severity: Severity = Severity.HIGH, category: str | None = None,
                   contracts: tuple[str, ...] | None = None) -> Spec:
    """An integrity spec of `contract`; a function given without a contract prefix is `contract`'s."""
    return Spec(id=id, title=title, rationale=rationale, severity=severity, category=category or default_category,
                contracts=contracts or (contract,),
                functions=tuple(f if "." in f else f"{contract}.{f}" for f in functions), engines=("props",))
