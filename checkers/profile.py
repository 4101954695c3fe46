"""The generic profile of a --project run: which selected specs it applies, which platform specs it leaves out, why.

On a user's project only the rules meaningful on any code run (Spec.generic); a platform policy (CCIP-05's three
failures per hour), a committed platform baseline (STRUCT-01, UPG-*) or a platform contract means nothing there.
The reports say what was left out (results.json `profile`), so a short report is not mistaken for a full one.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checkers.base import Spec

MAX_CONTRACTS = 3  # contracts named in a default reason


def not_applied_reason(spec: Spec) -> str:
    """The spec's own reason (Spec.platform_only), else the platform contracts it checks."""
    if spec.platform_only:
        return spec.platform_only
    if spec.contracts:
        shown = ", ".join(spec.contracts[:MAX_CONTRACTS])
        more = len(spec.contracts) - MAX_CONTRACTS
        return f"checks the platform's contracts ({shown}{f' and {more} more' if more > 0 else ''})"
    return "a platform-specific spec (not marked generic)"


def generic_profile(candidates: Sequence[Spec]) -> dict[str, Any]:
    """`candidates`: the specs the selection (--only, --engines) picked before genericity is applied. A not-applied
    entry is `declared` when the spec states its own reason (a generic kind kept to the platform): headers name
    those."""
    return {"name": "generic", "applied": [s.id for s in candidates if s.generic],
            "not_applied": [{"spec_id": s.id, "reason": not_applied_reason(s), "declared": s.platform_only is not None}
                            for s in candidates if not s.generic]}
