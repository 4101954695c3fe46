"""What `verify deployment` checks on a live deployment (design §5 security finalization, §8 checklist, §9 launch):
the items that can be read on-chain. Declared like specs (frozen, with the rationale an auditor reads), but not in the
catalogue: they check a deployment, not the contracts (module name starts with "_": not discovered as SPECS)."""
from __future__ import annotations

from checkers.base import Severity, Spec

_ALL = ("DataStreamOracle", "PositionManager", "CrossChainVault", "CrossChainLendingPool", "LiquidationEngine",
        "PerpetualTrading", "CrossChainReceiver", "LaunchControl")


def _item(id: str, title: str, rationale: str, severity: Severity, category: str,
          contracts: tuple[str, ...] = _ALL) -> Spec:
    return Spec(id=id, title=title, rationale=rationale, severity=severity, category=category, contracts=contracts,
                engines=("deployment",))


CHECKLIST = (
    _item("DPL-01", "Every module's admin and guardian is its stack's Safe (at least 2 of 3), no admin transfer is "
                    "pending, and no EOA holds DEFAULT_ADMIN_ROLE or GUARDIAN_ROLE",
          "Security finalization: multi-sig control of critical functions. One leaked deployer key that still holds "
          "a role can upgrade, reconfigure or pause the platform alone.", Severity.CRITICAL, "access"),
    _item("DPL-02", "Markets (leverage cap 10-100x, threshold 8,000-9,000 bps), feeds (heartbeat 91-3,600 s), "
                    "circuit breakers (enabled, 1-15 %, 60-3,600 s) and the liquidation interval (<= 300 s) are in "
                    "the design's bands",
          "Parameter verification: a value outside a band is a configuration the launch review meant to rule out.",
          Severity.HIGH, "oracle", ("PerpetualTrading", "DataStreamOracle", "LiquidationEngine")),
    _item("DPL-03", "The guardian (the stack's Safe) can pause and unpause every module (simulated on an anvil fork)",
          "Emergency pause tested on all modules: a module nobody can pause keeps running through an incident.",
          Severity.CRITICAL, "emergency"),
    _item("DPL-04", "The liquidation upkeep is registered for the engine, funded at least 3x its minimum balance, and "
                    "the engine accepts performUpkeep from its forwarder only",
          "An unfunded upkeep stops liquidations silently; an engine that accepts other callers can be driven by "
          "any authorised key instead of Automation.", Severity.HIGH, "automation", ("LiquidationEngine",)),
    _item("DPL-05", "Every CCIP lane is allowlisted both ways: each vault sends to the other stack's receiver, which "
                    "allows that vault on that chain",
          "A lane open one way only strands every transfer sent the other way (the receiver refuses it).",
          Severity.HIGH, "ccip", ("CrossChainVault", "CrossChainReceiver")),
    _item("DPL-06", "The CCIP fee of every message type on every lane is quoted by the router (getFee)",
          "Cross-chain message fees calculated for all flows: a flow whose fee cannot be quoted cannot be funded.",
          Severity.MEDIUM, "ccip", ("CrossChainVault",)),
    _item("DPL-07", "The stack's launch phase, what it allows, and every module that reads it wired to it (an unwired "
                    "module behaves as phase 3); in phase 1 the USDC withdrawal caps are set",
          "Mainnet launch sequence: a module that escaped the phase opens what the launch keeps closed.",
          Severity.HIGH, "access", ("LaunchControl", "PerpetualTrading", "CrossChainVault", "LiquidationEngine",
                                    "CrossChainReceiver")),
)
