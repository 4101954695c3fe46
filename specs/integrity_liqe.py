"""What each LiquidationEngine function must achieve: a liquidatable position CAN be liquidated (by a keeper, by
Automation, from another chain), healthy ones are refused or skipped, the configuration does what it says, and the
views agree with PositionManager and the oracle (Foundry property tests in
contracts/test/integrity/LiqeIntegrity.t.sol, engine `props`).

Liveness is the point: an engine whose wiring always reverts is as unsafe as one that liquidates healthy positions,
and only a spec that calls it WITHOUT try/catch sees it. Style: Certora's no-DoS / liveness rules.
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_E = "LiquidationEngine"


_spec = partial(integrity_spec, _E, "automation")


SPECS = (
    _spec("INT-LIQE-01", "an authorised keeper CAN liquidate a liquidatable position through liquidate() (closed, "
                         "debt off the pool's books, LiquidationExecuted); healthy positions, strangers, pauses and an "
                         "unwired engine are refused",
          "If no keeper can liquidate, losses grow past the collateral into lenders' bad debt (the liquidation "
          "DoS of Compound's and Venus' incidents).", ("liquidate",), Severity.CRITICAL, "liquidation"),
    _spec("INT-LIQE-02", "checkUpkeep finds exactly the liquidatable positions (HF < 1 by the formula) in list order, "
                         "performUpkeep on its performData liquidates them all, keeps the healthy, reports the counts, "
                         "restarts the interval; a healthy id handed to it is skipped",
          "Chainlink Automation is the platform's liquidator: an upkeep that finds nothing, or performs nothing, "
          "leaves unhealthy positions open.", ("checkUpkeep", "performUpkeep"), Severity.CRITICAL),
    _spec("INT-LIQE-03", "liquidateFromRemote liquidates a liquidatable position and skips a healthy one (no revert), "
                         "reporting both; only the receiver may ask",
          "A cross-chain liquidation request that always reverts is retried forever and never liquidates.",
          ("liquidateFromRemote",), Severity.HIGH, "ccip"),
    _spec("INT-LIQE-04", "authorizeLiquidator lets a new keeper liquidate, revokeLiquidator takes it away; admin only, "
                         "never zero, reported",
          "The keeper set is the engine's access control: an authorisation that does not take effect is a DoS, a "
          "revocation that does not is a compromised bot left running.",
          ("authorizeLiquidator", "revokeLiquidator"), Severity.MEDIUM, "access"),
    _spec("INT-LIQE-05", "setLiquidationInterval governs checkUpkeep (none before lastUpkeep + interval, then upkeep) and "
                         "refuses an interval above the band (300 s); "
                         "setPerpetualTrading wires the engine; setAssetFeed maps the feed assetPrice reads; admin only",
          "Configuration that does not take effect silently stops (or floods) Automation.",
          ("setLiquidationInterval", "setPerpetualTrading", "setAssetFeed"), Severity.MEDIUM),
    _spec("INT-LIQE-06", "healthFactor equals PositionManager's HF and the formula's; assetPrice is the oracle's price "
                         "of the mapped feed and refuses an unmapped asset",
          "Keepers and dashboards read the engine's views: a view that disagrees with what liquidation decides on "
          "misdirects them (view-consistency rules).", ("healthFactor", "assetPrice"), Severity.MEDIUM,
          "liquidation"),
    _spec("INT-LIQE-07", "setMaxBatch(b) bounds one upkeep (v2): checkUpkeep proposes at most b liquidatable "
                         "positions, performUpkeep liquidates at most b of the ids it is given; maxBatch reports b "
                         "(MAX_BATCH until set); 0 and more than MAX_BATCH are refused; admin only",
          "The batch keeps performUpkeep under the Automation gas limit: a bound that does not apply makes every "
          "upkeep on a crowded book run out of gas, which stops liquidations altogether.",
          ("setMaxBatch", "maxBatch", "checkUpkeep", "performUpkeep"), Severity.HIGH),
)
