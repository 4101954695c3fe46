"""The upgrade certificate: for every external selector of every contract, what `verify diff` can say about it.

  unchanged   the contract's runtime bytecode is identical (compiler metadata aside), or the code this selector
              reaches is, instruction for instruction, with only jump labels moved (engines/equivalence/relocated.py)
  compared    the code changed: the selector goes to the equivalence engine (a generated EQV-* spec)
  declared    listed in the upgrade manifest as changed on purpose: the specs naming it are re-verified
  added       new in this version (nothing to compare with)
  removed     gone from this version (a regression for callers)
The rows are built here from the two builds; the verdicts of the compared selectors and of the re-verified
specs are filled in by `verify diff` once the runner has them. It sits in the framework, not in an engine, because
it joins two engines' data: the upgrade engine's selectors and manifest, the equivalence engine's plan.
"""
from __future__ import annotations

from dataclasses import dataclass

import checkers.engines.equivalence.harness as harness
from checkers.assembly import code_changed
from checkers.engines.equivalence.relocated import Assembly, same_code
from checkers.engines.equivalence.plan import ContractPlan, spec_id
from checkers.engines.upgrade.baseline import selectors_of, signature_of
from checkers.engines.upgrade.manifest import Declared
from checkers.target import Artifact, Target


@dataclass(frozen=True)
class Row:
    contract: str
    signature: str
    selector: str
    status: str  # unchanged | compared | declared | added | removed
    detail: str = ""
    spec: str | None = None  # the EQV-* spec of a compared selector


def external_selectors(art: Artifact) -> list[harness.Selector]:
    sigs = selectors_of(art.abi)
    out = []
    for item in art.abi:
        if item.get("type") != "function":
            continue
        signature = signature_of(item)
        out.append(harness.Selector(signature, sigs[signature], tuple(item.get("inputs", [])),
                                    item.get("stateMutability") == "payable"))
    return sorted(out, key=lambda s: s.signature)


def deployable(target: Target) -> dict[str, Artifact]:
    return {name: art for name, art in target.artifacts.items()
            if art.deployed_bytecode.removeprefix("0x") and art.source.startswith(target.layout.src + "/")}


def build(base: Target, head: Target, declared: dict[tuple[str, str], Declared],
          assemblies: tuple[dict[str, Assembly], dict[str, Assembly]] = ({}, {})) -> tuple[list[Row], list[ContractPlan]]:
    """`assemblies`: (base, head) legacy assemblies of the contracts the relocation argument may read (none for a
    contract whose sources could use a jump label as a number: `verify diff` leaves those out)."""
    rows: list[Row] = []
    plans: list[ContractPlan] = []
    old_all, new_all = deployable(base), deployable(head)
    for name in sorted(set(old_all) | set(new_all)):
        old, new = old_all.get(name), new_all.get(name)
        if new is None:
            rows += [Row(name, s.signature, s.selector, "removed", "the contract is gone") for s in external_selectors(old)]
            continue
        new_selectors = external_selectors(new)
        if old is None:
            rows += [Row(name, s.signature, s.selector, "added", "new contract") for s in new_selectors]
            continue
        old_by_selector = {s.selector: s for s in external_selectors(old)}
        same_bytecode = not code_changed(old, new)
        old_asm, new_asm = assemblies[0].get(name), assemblies[1].get(name)
        compared = []
        for sel in new_selectors:
            if sel.selector not in old_by_selector:
                rows.append(Row(name, sel.signature, sel.selector, "added"))
            elif same_bytecode:
                rows.append(Row(name, sel.signature, sel.selector, "unchanged", "runtime bytecode identical"))
            elif (name, sel.signature) in declared:
                rows.append(Row(name, sel.signature, sel.selector, "declared", declared[(name, sel.signature)].reason))
            elif old_asm and new_asm and (moved := same_code(old_asm, new_asm, sel.selector.removeprefix("0x"))).same:
                rows.append(Row(name, sel.signature, sel.selector, "unchanged", f"the code it reaches: {moved.reason}"))
            else:
                compared.append(sel)
                rows.append(Row(name, sel.signature, sel.selector, "compared", spec=spec_id(name, sel.signature)))
        kept = {s.selector for s in new_selectors}
        rows += [Row(name, s.signature, s.selector, "removed", "selector no longer exists")
                 for s in old_by_selector.values() if s.selector not in kept]
        if compared:
            plans.append(ContractPlan(name, new.source, old.bytecode.removeprefix("0x"), new.bytecode.removeprefix("0x"),
                                      harness.constructor_arguments(old.abi), harness.constructor_arguments(new.abi),
                                      tuple(compared)))
    return rows, plans
