"""AUTO-01: performUpkeep re-validates what checkUpkeep claimed (Chainlink Automation docs: "performUpkeep
can be called by anyone / with stale data — always revalidate conditions"); acting on performData blindly
lets a stale or crafted performData liquidate healthy positions."""
from __future__ import annotations

from slither.detectors.abstract_detector import DetectorClassification

from checkers.engines.slither import flow
from checkers.engines.slither.common import WIKI_BASE, RuleDetector

FRESH = {"state", "call"}


class UpkeepBlindPerform(RuleDetector):
    ARGUMENT = "upkeep-blind-perform"
    HELP = "performUpkeep acts on performData without re-validating on-chain state"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "performUpkeep trusts performData"
    WIKI_DESCRIPTION = ("performUpkeep must contain a condition that reads current state (or a view call) about the "
                        "items performData names, e.g. `if (!isLiquidatable(id)) continue;`.")
    WIKI_EXPLOIT_SCENARIO = "performData computed before a price recovery liquidates now-healthy positions."
    WIKI_RECOMMENDATION = "Re-check the checkUpkeep condition for each item inside performUpkeep."
    SPEC_IDS = ("AUTO-01",)

    def _detect(self) -> list:
        results: list = []
        for contract in self.src_contracts():
            for f in contract.functions:
                if f.name != "performUpkeep" or f.is_shadowed or not f.is_implemented:
                    continue
                self.examined.add(contract.name)
                initial = {p: {"pd"} for p in f.parameters}
                trace = flow.walk(f, initial)
                uses_pd = any("pd" in e.tags for e in trace.events)
                ok = any(e.tags & FRESH and ("pd" in e.tags or not uses_pd) for e in trace.of("guard"))
                if not ok:
                    self.report(results, f, f"{contract.name}.performUpkeep acts on performData without "
                                            "re-validating the condition against current state")
        return results


DETECTORS = (UpkeepBlindPerform,)
