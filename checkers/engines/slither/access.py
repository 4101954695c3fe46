"""ACC-01: every function writing configuration state is role-guarded; ACC-02: admin rotation exists and is
two-step (propose, then accept by the new admin), as OpenZeppelin's Ownable2Step and
AccessControlDefaultAdminRules do. Incidents: unguarded setters (e.g. the 2021 Poly Network keeper change,
2022 Nomad's replica initialisation) and admin keys handed to a wrong address in one step."""
from __future__ import annotations

import re

from slither.core.declarations import Contract
from slither.core.solidity_types import ElementaryType
from slither.detectors.abstract_detector import DetectorClassification

from checkers.engines.slither import flow, storage
from checkers.engines.slither.common import WIKI_BASE, RuleDetector, runs_once

_NOUNS = ("Feed|Market|Chain|Sender|Token|Asset|Allowlist|Keeper|Liquidator|Oracle|Router|Supported|Allowed|"
          "Updater|Forwarder|Module|Receiver|Destination|Source|Config|Params?|Parameters")
SETTER = re.compile(
    rf"^_?(set|configure|config|allowlist|whitelist|blacklist|enable|disable|toggle|register|unregister|"
    rf"update(\w*)(Config|Params?|Parameters|Threshold|Fees?|Heartbeat|Delay|Router|Oracle|Feed|Allowlist|Limits?)|"
    rf"(add|remove|allow|disallow)({_NOUNS}))([A-Z_0-9]|$)"
)
CONFIG_VAR = re.compile(
    r"(?i)(fee|threshold|heartbeat|config|router|oracle|deviation|allowlist|allowed|whitelist|limit|delay|"
    r"cooldown|param|registry|keeper|forwarder|treasury|maxleverage|liquidationbonus|maintenancemargin|"
    r"initialmargin|interestrate|ratemodel)"
)
ADMIN_VAR = re.compile(r"(?i)^(?:[is]_|_)?(owner|admin|governance|governor|guardian)$")  # i_owner, s_admin


class UnguardedConfigSetter(RuleDetector):
    ARGUMENT = "unguarded-config-setter"
    HELP = "function writing configuration state without a caller check"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "Unguarded configuration setter"
    WIKI_DESCRIPTION = ("Functions that replace, from their arguments, state other functions read (by effect: not "
                        "keyed by the caller, not a running total, not a one-time initializer), and functions named "
                        "like setters or writing configuration-named state, must check msg.sender.")
    WIKI_EXPLOIT_SCENARIO = "Anyone points the oracle at their own feed and liquidates everyone."
    WIKI_RECOMMENDATION = "Add onlyRole(ADMIN_ROLE) (or onlyOwner)."
    SPEC_IDS = ("ACC-01",)

    def _detect(self) -> list:
        results: list = []
        for contract in self.src_contracts():
            for f in self.entry_points(contract):
                self.examined.add(contract.name)  # by effect, every state-changing entry point is looked at
                if runs_once(f):
                    continue
                trace = flow.walk(f)
                written = storage.written(f)
                config = sorted(v for v in written if CONFIG_VAR.search(storage.member(v))) or _configured(
                    f, trace, contract)
                if not SETTER.match(f.name) and not config:
                    continue
                if any("caller" in e.tags for e in trace.of("guard")):
                    continue
                writes = trace.of("write")
                if writes and all("caller" in e.tags for e in writes):
                    continue  # only the caller's own entries (e.g. a per-user preference)
                what = f" (writes {', '.join(config)})" if config else ""
                self.report(results, f, f"{contract.name}.{f.name} writes configuration without a caller check{what}")
        return results


def _configured(f, trace: flow.Trace, contract: Contract) -> list[str]:
    """By effect: state `f` sets to a value its caller chose (an argument; not read-modify-write, not keyed by or
    holding the caller), at a location its caller chose (a scalar, or a mapping entry keyed by an argument, not a
    fresh record keyed by a counter), that another function of the contract reads: what configures it."""
    mappings = storage.mapping_names(contract, declared_only=True)  # a base's private mappings too
    replaced = {e.name for e in trace.of("write")
                if "input" in e.value and "caller" not in e.tags and f"sv:{e.name}" not in e.value
                and (e.name not in mappings or "input" in e.key)}
    if not replaced:
        return []
    read_elsewhere = {name for g in contract.functions if g is not f and g.is_implemented
                      for name in storage.read(g)}
    return sorted(replaced & read_elsewhere)


class OneStepAdminRotation(RuleDetector):
    ARGUMENT = "one-step-admin-rotation"
    HELP = "admin rotation missing or done in one step"
    IMPACT = DetectorClassification.MEDIUM
    CONFIDENCE = DetectorClassification.HIGH
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "Admin rotation not two-step"
    WIKI_DESCRIPTION = ("Admin rotation must be propose-then-accept (Ownable2Step, AccessControlDefaultAdminRules "
                        "or a pending-admin pattern); a contract with an admin must be able to rotate it.")
    WIKI_EXPLOIT_SCENARIO = "transferOwnership(typo) locks the protocol's admin functions forever."
    WIKI_RECOMMENDATION = "Use Ownable2Step or AccessControlDefaultAdminRules."
    SPEC_IDS = ("ACC-02",)

    def _detect(self) -> list:
        results: list = []
        for contract in self.src_contracts():
            names = {b.name for b in contract.inheritance} | {contract.name}
            if names & {"AccessControlDefaultAdminRules", "AccessControlDefaultAdminRulesUpgradeable",
                        "Ownable2Step", "Ownable2StepUpgradeable", "Ownable2StepMsgSender",
                        "ConfirmedOwnerWithProposal"}:
                self.examined.add(contract.name)
                continue
            if names & {"Ownable", "OwnableUpgradeable"}:
                self.examined.add(contract.name)
                self.report(results, contract, f"{contract.name} inherits Ownable: transferOwnership hands over "
                                               "in one step (use Ownable2Step)")
                continue
            if names & {"AccessControl", "AccessControlUpgradeable"}:
                self.examined.add(contract.name)
                self.report(results, contract, f"{contract.name} inherits plain AccessControl: DEFAULT_ADMIN_ROLE is "
                                               "granted in one step (use AccessControlDefaultAdminRules)")
                continue
            self._custom(contract, results)
        return results

    def _custom(self, contract: Contract, results: list) -> None:
        admins = [v for v in storage.variables(contract) if ADMIN_VAR.match(storage.member(v.name))
                  and isinstance(v.type, ElementaryType) and v.type.name == "address" and not v.is_constant]
        self._granted_from_argument(contract, {v.name for v in admins}, results)
        for admin in admins:
            self.examined.add(contract.name)
            # an initializer's write is the first assignment, not a hand-over: it neither rotates nor counts
            writers = [f for f in self.entry_points(contract, src_only=False)
                       if admin.name in storage.written(f) and not runs_once(f)]
            if not writers:
                self.report(results, contract, f"{contract.name}.{admin.name} can never be rotated")
                continue
            for f in writers:
                direct = [e for e in flow.walk(f).of("write") if e.name == admin.name and "param" in e.tags]
                if direct:
                    self.report(results, f, f"{contract.name}.{f.name} sets {admin.name} from an argument in one "
                                            "step (propose, then accept by the new admin)")

    def _granted_from_argument(self, contract: Contract, named: set[str], results: list) -> None:
        """Admin state found by effect, whatever its name: a variable read in a caller check that depends on no
        argument (`msg.sender == controller`, `permissions[msg.sender] == Role.ADMIN`) in front of a function that
        writes other state. Setting it to a value an argument chose (`permissions[account] = role`), rather than
        to the caller accepting it, hands admin power over in one step. Revocations (a constant written) and
        running totals are not grants."""
        entries = [(f, flow.walk(f)) for f in self.entry_points(contract, src_only=False) if not runs_once(f)]
        checks = {f: {t[3:] for e in trace.of("guard") if "caller" in e.tags and not e.tags & {"param", "input"}
                      for t in e.tags if t.startswith("sv:")} for f, trace in entries}
        guarding = set().union(*checks.values()) if checks else set()
        roles = {v for f, trace in entries for v in checks[f] if {e.name for e in trace.of("write")} - guarding}
        if roles - named:
            self.examined.add(contract.name)  # it has an admin map: its hand-over was looked at
        for f, trace in entries:
            grants = sorted({e.name for e in trace.of("write") if e.name in roles - named and "param" in e.value
                             and "caller" not in e.key and "caller" not in e.value and f"sv:{e.name}" not in e.value})
            if grants:
                self.report(results, f, f"{contract.name}.{f.name} sets {', '.join(grants)} (who may administer "
                                        f"{contract.name}) from an argument in one step (propose, then accept by "
                                        "the new admin)")


DETECTORS = (UnguardedConfigSetter, OneStepAdminRotation)
