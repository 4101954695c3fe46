"""PAUSE-01: every external/public state-changing function of a pausable contract is `whenNotPaused`
(or calls `_requireNotPaused`), or is exempt by the NatSpec tag `@custom:pause-exempt <reason>` (or by the
spec's exemptions). pause()/unpause() themselves are exempt. Functions inherited from libraries outside
src/ (OpenZeppelin's grantRole…) are out of scope; a CCIP receiver's ccipReceive is always in scope."""
from __future__ import annotations

from slither.core.declarations import Contract
from slither.detectors.abstract_detector import DetectorClassification

from checkers.engines.slither import flow
from checkers.engines.slither.ccip import is_receiver, receive_entry
from checkers.engines.slither.common import WIKI_BASE, RuleDetector, internal_reach, natspec_tag, runs_once

EXEMPT_TAG = "pause-exempt"


def is_pausable(contract: Contract) -> bool:
    return (any(b.name in ("Pausable", "PausableUpgradeable") for b in contract.inheritance)
            or any(m.name == "whenNotPaused" for m in contract.modifiers))


class PauseCoverage(RuleDetector):
    ARGUMENT = "pause-coverage"
    HELP = "state-changing entry point of a pausable contract not gated by whenNotPaused"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.HIGH
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "Pause coverage"
    WIKI_DESCRIPTION = "Every state-changing entry point of a Pausable module is whenNotPaused or documented exempt."
    WIKI_EXPLOIT_SCENARIO = "During an incident the guardian pauses trading, but openPosition lacks the modifier."
    WIKI_RECOMMENDATION = "Add whenNotPaused, or tag the function `/// @custom:pause-exempt <reason>`."
    SPEC_IDS = ("PAUSE-01",)

    def _detect(self) -> list:
        results: list = []
        self.exempt: dict[str, str] = {}
        for contract in self.src_contracts():
            if not is_pausable(contract):
                continue
            self.examined.add(contract.name)
            functions = self.entry_points(contract)
            entry = receive_entry(contract) if is_receiver(contract) else None
            if entry is not None and entry not in functions:
                functions.append(entry)
            for f in functions:
                if {g.name for g in internal_reach(f)} & {"_pause", "_unpause"} or runs_once(f):
                    continue  # pause()/unpause(); an initializer runs once, through the proxy, at deployment
                reason = natspec_tag(f, EXEMPT_TAG)
                if reason:
                    self.exempt[f"{contract.name}.{f.name}"] = reason
                    continue
                if flow.walk(f).of("notpaused"):
                    continue
                self.report(results, f, f"{contract.name}.{f.name} changes state but is not whenNotPaused "
                                        f"(nor tagged @custom:{EXEMPT_TAG})")
        return results


DETECTORS = (PauseCoverage,)
