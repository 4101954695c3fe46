"""Seeded, stratified order over a mutant catalogue: every file, then every operator, gets its turn.

A uniform sample of the ~4,000 generated mutants would be half CR/RR statement deletions in the three biggest
files. The campaign instead walks a deterministic order: files in a seeded order, round-robin; within a file its
operators in a seeded order, round-robin; within one (file, operator) stratum a seeded shuffle. The first N that
compile (and are not triaged as equivalent) are the sample, so the same seed and catalogue give the same sample.
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from checkers.mutate.generate import GeneratedMutant

SAMPLER = "stratified round-robin (files, then operators within a file; seeded shuffle within each stratum)"


def order(mutants: Sequence[GeneratedMutant], seed: int) -> list[GeneratedMutant]:
    """Every mutant once, in the sampling order for `seed`."""
    rng = random.Random(seed)
    strata: dict[str, dict[str, list[GeneratedMutant]]] = {}
    for m in sorted(mutants, key=lambda m: m.id):
        strata.setdefault(m.file, {}).setdefault(m.operator, []).append(m)
    files = sorted(strata)
    rng.shuffle(files)
    cycles: dict[str, list[str]] = {}
    for f in files:
        ops = sorted(strata[f])
        rng.shuffle(ops)
        cycles[f] = ops
        for op in ops:
            rng.shuffle(strata[f][op])
    out: list[GeneratedMutant] = []
    turn = {f: 0 for f in files}
    while len(out) < len(mutants):
        for f in files:
            ops = [op for op in cycles[f] if strata[f][op]]
            if not ops:
                continue
            # the next operator of this file's cycle that still has mutants
            cycle = cycles[f]
            for step in range(len(cycle)):
                op = cycle[(turn[f] + step) % len(cycle)]
                if strata[f][op]:
                    out.append(strata[f][op].pop(0))
                    turn[f] = (turn[f] + step + 1) % len(cycle)
                    break
    return out
