"""What the equivalence engine is asked to compare, written by `verify diff` and read by the engine's workers.

The plan travels in a JSON file named by VERIFY_EQUIVALENCE_PLAN (the runner forks its workers, so the
environment is the simplest channel), one entry per contract whose implementation changed: the two creation
codes and the selectors to compare. Each selector is one generated spec, EQV-<Contract>.<signature>, whose
definition carries the hashes of both codes, so the result cache never serves a verdict for other code.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from checkers.base import Severity, Spec
from checkers.engines.equivalence.harness import Selector

PLAN_ENV = "VERIFY_EQUIVALENCE_PLAN"
SPEC_PREFIX = "EQV-"


@dataclass(frozen=True)
class ContractPlan:
    contract: str
    source: str  # head source path, relative to the project root
    old_code: str  # creation code (hex, no 0x)
    new_code: str
    old_args: str  # Solidity expressions for the constructor arguments (harness.constructor_arguments)
    new_args: str
    selectors: tuple[Selector, ...]

    def code_hash(self) -> str:
        text = ":".join((self.old_code, self.new_code, self.old_args, self.new_args))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def spec_id(contract: str, signature: str) -> str:
    return f"{SPEC_PREFIX}{contract}.{signature}"


def spec_for(plan: ContractPlan, selector: Selector, base: str) -> Spec:
    return Spec(
        id=spec_id(plan.contract, selector.signature),
        title=f"{plan.contract}.{selector.signature} behaves as in {base}",
        rationale=(f"Not declared changed in the upgrade manifest, so the new implementation must do what the old "
                   f"one did: same success, return data, events and storage from any state, for any caller and "
                   f"call data (codes {plan.code_hash()})."),
        severity=Severity.HIGH,
        category="upgrade",
        contracts=(plan.contract,),
        functions=(f"{plan.contract}.{selector.signature.split('(')[0]}",),
        engines=("equivalence",),
        platform_only=None,
    )


def write(path: Path, plans: list[ContractPlan]) -> None:
    doc = {p.contract: {**asdict(p), "selectors": [asdict(s) for s in p.selectors]} for p in plans}
    path.write_text(json.dumps(doc))


def load() -> dict[str, ContractPlan]:
    name = os.environ.get(PLAN_ENV)
    if not name:
        return {}
    doc: dict[str, Any] = json.loads(Path(name).read_text())
    return {contract: ContractPlan(entry["contract"], entry["source"], entry["old_code"], entry["new_code"],
                                   entry["old_args"], entry["new_args"], tuple(Selector(s["signature"], s["selector"], tuple(s["inputs"]), s["payable"])
                                         for s in entry["selectors"]))
            for contract, entry in doc.items()}
