"""CCIP receiver rules (CCIP-01..05), after Chainlink's CCIP best practices for receivers:
verify the router, verify (source chain, sender), make delivery idempotent, never let a failing message
revert the delivery (defensive receiver: catch, store, retry), and stop processing when failures pile up.

A receiver is any concrete contract inheriting CCIPReceiver or declaring `_ccipReceive`/`ccipReceive`;
its receive path is the `ccipReceive` entry point with its modifiers and every internal call it makes.
"""
from __future__ import annotations

from slither.core.declarations import Contract, Function
from slither.detectors.abstract_detector import DetectorClassification

from checkers.engines.slither import flow, storage
from checkers.engines.slither.common import WIKI_BASE, RuleDetector, internal_reach, non_lock_writes

EFFECTS = ("write", "call", "transfer", "pause")
ALLOWLIST_SOURCES = {"state", "call"}


MESSAGE_TAGS = frozenset({"messageId", "data", "sender", "chain"})  # values derived from the delivered message


def is_receiver(contract: Contract) -> bool:
    if any(base.name == "CCIPReceiver" for base in contract.inheritance):
        return True
    if any(f.name in ("_ccipReceive", "ccipReceive") and f.is_implemented for f in contract.functions):
        return True
    return _message_entry(contract) is not None


def receive_entry(contract: Contract) -> Function | None:
    """`ccipReceive`, or else the entry point that takes a delivered message, whatever it is called."""
    for f in contract.functions:
        if (f.name == "ccipReceive" and not f.is_shadowed and f.is_implemented
                and f.visibility in ("external", "public")):
            return f
    return _message_entry(contract)


def _message_entry(contract: Contract) -> Function | None:
    for f in contract.functions:
        if (not f.is_shadowed and f.is_implemented and f.visibility in ("external", "public")
                and any(flow.is_message_type(p) for p in f.parameters)):
            return f
    return None


def handler(contract: Contract) -> Function | None:
    """Where to point the finding: the contract's own `_ccipReceive` (or the entry point)."""
    for f in contract.functions:
        if f.name == "_ccipReceive" and not f.is_shadowed and f.is_implemented:
            return f
    return receive_entry(contract)


class CcipBase(RuleDetector):
    def receivers(self) -> list[tuple[Contract, Function]]:
        found = []
        for c in self.src_contracts():
            if not is_receiver(c):
                continue
            entry = receive_entry(c)
            if entry is not None:
                self.examined.add(c.name)
                found.append((c, entry))
        return found

    def where(self, contract: Contract, entry: Function):
        return finding_site(self, contract, entry)


def finding_site(detector, contract: Contract, entry: Function):
    """Where a receive path's finding is shown: the project's own `_ccipReceive` override when it has one, else
    the entry point if the project declares it, else the contract (Chainlink's inherited code is not shown)."""
    target = handler(contract)
    return target if target is not None and detector.in_src(target) else (
        entry if detector.in_src(entry) else contract)


class CcipRouterOnly(CcipBase):
    ARGUMENT = "ccip-router-only"
    HELP = "CCIP message handling reachable by callers other than the router"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.HIGH
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "CCIP receiver not router-only"
    WIKI_DESCRIPTION = ("ccipReceive (and any other public path into _ccipReceive) must check msg.sender against "
                        "the router.")
    WIKI_EXPLOIT_SCENARIO = "Anyone calls ccipReceive with a forged Any2EVMMessage that credits a deposit."
    WIKI_RECOMMENDATION = "Keep CCIPReceiver's onlyRouter on ccipReceive; expose no other path into _ccipReceive."
    SPEC_IDS = ("CCIP-01",)

    def _detect(self) -> list:
        results: list = []
        for contract, entry in self.receivers():
            if not any("caller" in e.tags for e in flow.walk(entry).of("guard")):
                self.report(results, entry if self.in_src(entry) else contract,
                            f"{contract.name}.ccipReceive does not check msg.sender against the router")
            for f in contract.functions:
                if f is entry or f.is_shadowed or not f.is_implemented or f.visibility not in ("public", "external"):
                    continue
                if f.name != "_ccipReceive" and not any(g.name == "_ccipReceive" for g in internal_reach(f)):
                    continue
                if not any("caller" in e.tags for e in flow.walk(f).of("guard")):
                    self.report(results, f, f"{contract.name}.{f.name} reaches _ccipReceive without a router check")
        return results


class CcipSenderAllowlist(CcipBase):
    ARGUMENT = "ccip-sender-allowlist"
    HELP = "CCIP message processed before its (source chain, sender) is checked against an allowlist"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "CCIP (chain, sender) allowlist missing or late"
    WIKI_DESCRIPTION = ("Before any state change or external call, the receive path must compare "
                        "message.sourceChainSelector and the decoded message.sender with stored allowlists.")
    WIKI_EXPLOIT_SCENARIO = "An attacker's contract on any CCIP chain sends a message that the receiver executes."
    WIKI_RECOMMENDATION = "Check allowlistedSourceChains[chain] and allowlistedSenders[sender] first; revert."
    SPEC_IDS = ("CCIP-02",)

    def _detect(self) -> list:
        results: list = []
        for contract, entry in self.receivers():
            trace = flow.walk(entry)
            events = [e for e in trace.events if e.kind != "write" or e in non_lock_writes(trace.events)]
            first = next((i for i, e in enumerate(events) if e.kind in EFFECTS), len(events))
            before = [e for e in events[:first] if e.kind == "guard" and e.tags & ALLOWLIST_SOURCES]
            missing = [field for field in ("chain", "sender") if not any(field in e.tags for e in before)]
            if not missing:
                continue
            later = [f for f in missing if any(e.kind == "guard" and f in e.tags for e in events[first:])]
            what = " and ".join("source chain" if f == "chain" else "sender" for f in missing)
            suffix = " (checked only after a state change)" if later == missing else ""
            self.report(results, self.where(contract, entry),
                        f"{contract.name} does not check the message's {what} against an allowlist before "
                        f"changing state{suffix}")
        return results


class CcipReplayGuard(CcipBase):
    ARGUMENT = "ccip-replay-guard"
    HELP = "CCIP messageId not recorded and checked"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "CCIP replay guard missing"
    WIKI_DESCRIPTION = ("The receive path must read a stored key derived from the message (its messageId, an id "
                        "decoded from its data, a per-sender nonce) in a check and record it outside any catch.")
    WIKI_EXPLOIT_SCENARIO = "A message re-delivered (manual execution, retry path) credits a deposit twice."
    WIKI_RECOMMENDATION = "if (processed[messageId]) revert; processed[messageId] = true; before processing."
    SPEC_IDS = ("CCIP-03",)

    def _detect(self) -> list:
        results: list = []
        for contract, entry in self.receivers():
            trace = flow.walk(entry)
            # by effect: a mapping read in a check with a message-derived key and written with one on the path
            checked = {t[3:] for e in trace.of("guard") if e.tags & MESSAGE_TAGS
                       for t in e.tags if t.startswith("sv:")}
            # a record marks the key as seen: not a balance cleared (a zero written) or moved (read-modify-write)
            recorded = {e.name for e in trace.of("write") if e.tags & MESSAGE_TAGS and not e.in_catch
                        and "zero" not in e.value and f"sv:{e.name}" not in e.value}
            mappings = storage.mapping_names(contract)
            if not checked & recorded & mappings:  # a capped total checked and summed is not a replay guard
                detail = ("records it but never checks it" if recorded else
                          "checks it but never records it" if checked else "neither checks nor records it")
                self.report(results, self.where(contract, entry),
                            f"{contract.name} has no replay guard keyed by the message ({detail} in storage)")
        return results


class CcipFailureIsolation(CcipBase):
    ARGUMENT = "ccip-failure-isolation"
    HELP = "a failing CCIP message reverts the delivery instead of being stored for retry"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "CCIP failures not caught and stored"
    WIKI_DESCRIPTION = ("Processing must run inside try/catch; the catch stores the failed message (no revert) "
                        "and another function lets an operator retry it (Chainlink's DefensiveExample).")
    WIKI_EXPLOIT_SCENARIO = "One malformed message reverts; its tokens stay stuck until manual execution."
    WIKI_RECOMMENDATION = "try this.process(message) {} catch { failed[messageId] = ...; emit MessageFailed(...); }"
    SPEC_IDS = ("CCIP-04",)

    def _detect(self) -> list:
        results: list = []
        for contract, entry in self.receivers():
            trace = flow.walk(entry)
            where = self.where(contract, entry)
            if not trace.of("try"):
                self.report(results, where, f"{contract.name} processes messages without try/catch: "
                                            "a failure reverts the whole delivery")
                continue
            caught = [e for e in trace.events if e.in_catch]
            try_depths = {e.depth for e in trace.of("try")}
            if any(e.kind == "revert" and e.depth in try_depths for e in caught):
                self.report(results, where, f"{contract.name} reverts inside its catch block")
            stored = {e.name for e in non_lock_writes(caught)}
            if not stored:
                self.report(results, where, f"{contract.name} does not store failed messages in its catch block")
                continue
            receive_path = internal_reach(entry)
            retry = [
                f for f in contract.functions
                if f not in receive_path and not f.is_shadowed and f.visibility in ("public", "external")
                and not (f.view or f.pure) and stored & storage.read(f)
            ]
            if not retry:
                self.report(results, where, f"{contract.name} stores failed messages ({', '.join(sorted(stored))}) "
                                            "but no function reads them back for a retry")
        return results


class CcipFailurePause(CcipBase):
    ARGUMENT = "ccip-failure-pause"
    HELP = "repeated CCIP failures never pause cross-chain processing"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "No failure-threshold pause"
    WIKI_DESCRIPTION = "The failure path must count failures and pause the receiver past a threshold (>3/hour)."
    WIKI_EXPLOIT_SCENARIO = "A compromised source keeps sending failing messages; nobody is stopped automatically."
    WIKI_RECOMMENDATION = "In the catch block: count failures in a window; if count > threshold, _pause()."
    SPEC_IDS = ("CCIP-05",)

    def _detect(self) -> list:
        results: list = []
        for contract, entry in self.receivers():
            trace = flow.walk(entry)
            caught = [e for e in trace.events if e.in_catch]
            pauses = [e for e in caught if e.kind == "pause" or (e.kind == "write" and "paus" in e.name.lower())]
            where = self.where(contract, entry)
            if not pauses:
                self.report(results, where, f"{contract.name}'s failure path never pauses processing")
            elif not any(e.kind == "guard" and "state" in e.tags for e in caught):
                self.report(results, where,
                            f"{contract.name} pauses on the first failure, not past a counted threshold")
        return results


DETECTORS = (CcipRouterOnly, CcipSenderAllowlist, CcipReplayGuard, CcipFailureIsolation, CcipFailurePause)
