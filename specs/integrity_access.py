"""PlatformAccessUpgradeable's pause on every module: pause sets paused() and blocks a representative state change, unpause
restores it, only the guardian does either (Foundry property tests in contracts/test/integrity/AccIntegrity.t.sol,
engine `props`).

The emergency safety specs say paused modules refuse state changes; these also say the pause takes effect on each
module and that unpausing brings the module back (a module that cannot be unpaused is a permanent DoS).
"""
from __future__ import annotations

from checkers.base import Severity, Spec


def _spec(id: str, title: str, rationale: str, module: str, action: str, severity: Severity = Severity.HIGH) -> Spec:
    return Spec(id=id, title=title, rationale=rationale, severity=severity, category="emergency",
                contracts=("PlatformAccessUpgradeable", module),
                functions=(f"{module}.pause", f"{module}.unpause", f"{module}.paused", f"{module}.{action}"),
                engines=("props",))


_WHY = "The design: every module pauses; paused modules reject state changes; unpause restores operation."

SPECS = (
    _spec("INT-ACC-01", "CrossChainVault: pause sets paused() and refuses deposits; unpause restores them",
          _WHY, "CrossChainVault", "depositCollateral"),
    _spec("INT-ACC-02", "CrossChainReceiver: paused, deliveries are only stored Pending and retries refused; "
                        "unpaused, the pending message is processed on retry and new deliveries directly",
          _WHY + " A paused receiver must not lose messages.", "CrossChainReceiver", "retryFailedMessage"),
    _spec("INT-ACC-03", "DataStreamOracle: pause refuses price updates (reads continue); unpause restores them",
          _WHY, "DataStreamOracle", "updatePrice"),
    _spec("INT-ACC-04", "CrossChainLendingPool: pause refuses supply; unpause restores it",
          _WHY, "CrossChainLendingPool", "supply"),
    _spec("INT-ACC-05", "PositionManager: pause refuses remote position records; unpause restores them",
          _WHY, "PositionManager", "recordRemotePosition"),
    _spec("INT-ACC-06", "LiquidationEngine: pause refuses liquidation; unpause lets the keeper liquidate the "
                        "unhealthy position", _WHY, "LiquidationEngine", "liquidate"),
    _spec("INT-ACC-07", "PerpetualTrading: pause refuses opening positions; unpause restores it",
          _WHY, "PerpetualTrading", "openPosition"),
    Spec(id="INT-ACC-08",
         title="on every module only GUARDIAN_ROLE pauses and unpauses (strangers refused with the role named); a "
               "granted guardian can, a revoked one cannot; double pause / unpause of a running module refused",
         rationale="An unguarded pause is a one-transaction DoS of the platform; an unguarded unpause defeats the "
                   "emergency stop.",
         severity=Severity.CRITICAL, category="access", contracts=("PlatformAccessUpgradeable",),
         functions=("PlatformAccessUpgradeable.pause", "PlatformAccessUpgradeable.unpause", "PlatformAccessUpgradeable.paused"), engines=("props",)),
    Spec(id="INT-ACC-09",
         title="on every module the admin rotates in two steps with the design's one-day delay: proposed by the "
               "admin, accepted by the new admin only after 1 day (any earlier acceptance refused), and the old "
               "admin then holds no admin role",
         rationale="Admin key rotation is a security-finalization step of the design; the delay is the window in "
                   "which a wrong or hostile proposal is seen and cancelled. A shorter delay (the campaign's "
                   "surviving mutant: 1 day -> 1 hour) passed every other spec and the whole forge suite.",
         severity=Severity.HIGH, category="access", contracts=("PlatformAccessUpgradeable",),
         functions=("PlatformAccessUpgradeable.beginDefaultAdminTransfer", "PlatformAccessUpgradeable.acceptDefaultAdminTransfer",
                    "PlatformAccessUpgradeable.defaultAdminDelay", "PlatformAccessUpgradeable.defaultAdmin"),
         engines=("props",), mutants=("M25_AdminDelayShortened",)),
)
