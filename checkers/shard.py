"""`--shard K/N`: split a run's planned (spec, engine, target) checks over N machines, deterministically.

Every shard plans the same checks (same catalogue, selection and targets), orders them by (engine, target, spec)
and takes every N-th one from the K-th: each check lands in exactly one shard, and each engine's checks (alike in
cost: a halmos check is not a slither check) spread evenly over the shards. A shard records what `verify merge`
needs to prove its inputs come from one plan: the plan's fingerprint, its size and the selected spec ids in
catalogue order (checkers/merge.py).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checkers.base import Spec

CheckKey = tuple[str, str, str]  # (spec id, engine, target label)
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """"K/N" with integers 1 <= K <= N; ValueError with the reason otherwise."""
    match = _SHARD.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not K/N (two integers, e.g. 1/2)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"{text!r}: K/N needs 1 <= K <= N")
    return Shard(index, count)


def in_shard(keys: Sequence[CheckKey], shard: Shard) -> list[bool]:
    """For each planned check (in plan order), whether it belongs to `shard`."""
    order = sorted(range(len(keys)), key=lambda i: (keys[i][1], keys[i][2], keys[i][0], i))
    mine = [False] * len(keys)
    for position, i in enumerate(order):
        mine[i] = position % shard.count == shard.index - 1
    return mine


def plan_fingerprint(specs: Sequence[Mapping[str, Any]], keys: Sequence[CheckKey],
                     profile: Mapping[str, Any] | None) -> str:
    """What every shard of one plan shares: the selected specs' declarations, the planned checks, the profile."""
    doc = {"specs": list(specs), "checks": sorted(list(k) for k in keys), "profile": profile}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def shard_record(shard: Shard, specs: Sequence[Spec], keys: Sequence[CheckKey],
                 profile: Mapping[str, Any] | None) -> dict[str, Any]:
    """The `shard` object of a sharded run's results.json."""
    from checkers.results import spec_to_dict

    return {"index": shard.index, "count": shard.count, "planned_checks": len(keys),
            "plan": plan_fingerprint([spec_to_dict(s) for s in specs], keys, profile),
            "spec_ids": [s.id for s in specs]}
