"""CEI-01: checks-effects-interactions on fund-moving paths: no state write after an outgoing token/ETH
transfer in the same call (The DAO 2016, Cream/Fei Rari 2021-22 reentrancy losses). Incoming pulls
(transferFrom(..., address(this), ...)) are not outgoing; writes after `_` in modifiers (reentrancy
locks) are ignored."""
from __future__ import annotations

from slither.detectors.abstract_detector import DetectorClassification

from checkers.engines.slither import flow
from checkers.engines.slither.ccip import finding_site, is_receiver, receive_entry
from checkers.engines.slither.common import WIKI_BASE, RuleDetector, non_lock_writes


class TransferBeforeWrite(RuleDetector):
    ARGUMENT = "cei-transfer-before-write"
    HELP = "state written after an outgoing token/ETH transfer"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "Transfer before state update"
    WIKI_DESCRIPTION = "On a path that sends tokens or ETH out, every state write must happen before the transfer."
    WIKI_EXPLOIT_SCENARIO = "A token with hooks re-enters withdraw before the balance is debited and drains the vault."
    WIKI_RECOMMENDATION = "Debit balances first, transfer last."
    SPEC_IDS = ("CEI-01",)

    def _detect(self) -> list:
        results: list = []
        for contract in self.src_contracts():
            for f in self._entries(contract):
                trace = flow.walk(f)
                transfers = [i for i, e in enumerate(trace.events) if e.kind == "transfer"]
                if not transfers:
                    continue
                self.examined.add(contract.name)
                after = non_lock_writes(trace.events[transfers[0] + 1:])
                if after:
                    t = trace.events[transfers[0]]
                    names = ", ".join(sorted({e.name for e in after}))
                    line = t.node.source_mapping.lines[0] if t.node.source_mapping.lines else "?"
                    where = f if self.in_src(f) else finding_site(self, contract, f)  # an inherited ccipReceive
                    self.report(results, where, f"{contract.name}.{f.name} writes {names} after {t.name} (line {line})")
        return results

    def _entries(self, contract) -> list:
        """The contract's own entry points, and its CCIP receive entry (inherited from Chainlink's CCIPReceiver, it
        runs the project's _ccipReceive: tokens it sends out count like any other path's)."""
        entries = self.entry_points(contract)
        entry = receive_entry(contract) if is_receiver(contract) else None
        return entries + [entry] if entry is not None and entry not in entries else entries


DETECTORS = (TransferBeforeWrite,)
