"""What the launch sequence must achieve (design §9, issue "Launch readiness"): LaunchControl's phase only moves
forward, and each phase's restrictions hold in the modules that read it, PerpetualTrading (who opens what),
CrossChainVault (Phase 1 withdrawal caps, cross-chain sends), CrossChainReceiver and LiquidationEngine (nothing
cross-chain before Phase 3); and once the upkeep is registered, only Automation's forwarder performs it
(Foundry property tests in contracts/test/integrity/LaunchIntegrity.t.sol, engine `props`).

Each restriction is stated both ways: what it refuses (with its reason) and what it lets through, so a launch
control that refuses everything fails as surely as one that refuses nothing. One mutant per restriction
(contracts/mutants/M32-M41).
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_L = "LaunchControl"

_spec = partial(integrity_spec, _L, "access")

SPECS = (
    _spec("INT-LAUNCH-01", "The launch phase only moves forward: initialize starts it in Phase 1, advancePhase goes "
                           "1 -> 2 -> 3 one step at a time "
                           "(PhaseAdvanced, phase() reports it); a skip, a repeat, a step back or past 3 is refused "
                           "with the current phase; admin only",
          "A phase that can be skipped opens full leverage and cross-chain transfers before the platform has run "
          "one day under watch; one that can go back strands cross-chain messages already in flight.",
          ("initialize", "advancePhase", "phase"), Severity.HIGH),
    _spec("INT-LAUNCH-02", "Phase 1: only allowlisted traders open positions, only on the launch market, at most "
                           "10x (each refused with its reason); Phase 2: every trader, every configured market, "
                           "the market's full leverage; the allowlist and launch market are the admin's, the "
                           "market fixed once Phase 2 starts",
          "The design's Phase 1 is whitelisted traders only, on a platform nobody has traded on yet: an open that "
          "bypasses the allowlist, the market or the leverage cap is exposure the launch was meant to keep small.",
          ("checkOpen", "setAllowlisted", "setLaunchMarket", "isAllowlisted", "launchMarketId",
           "PerpetualTrading.openPosition", "PerpetualTrading.setLaunchControl"), Severity.HIGH,
          contracts=(_L, "PerpetualTrading")),
    _spec("INT-LAUNCH-03", "Phase 1 withdrawal caps: each collateral withdrawal at most the per-withdrawal cap, the "
                           "day's total at most the daily cap (the next day afresh), a token without caps not "
                           "withdrawable, a refusal debits nothing; Phase 2 uncapped; caps admin-set with "
                           "0 < per-withdrawal <= per-day; only the vault's withdrawals are counted",
          "The design's Phase 1 tests small withdrawals: caps that do not hold let a bug found on day one drain the "
          "vault at once; caps that never lift lock traders' collateral after launch.",
          ("recordWithdrawal", "setWithdrawalCaps", "withdrawalCaps", "withdrawnToday",
           "CrossChainVault.withdrawCollateral", "CrossChainVault.setLaunchControl"), Severity.HIGH,
          contracts=(_L, "CrossChainVault")),
    _spec("INT-LAUNCH-04", "Nothing cross-chain before Phase 3: the vault sends no deposit or withdrawal, the "
                           "receiver keeps every delivery pending (not failed, not processed; a retry is refused) "
                           "and the engine refuses remote liquidations; in Phase 3 the kept delivery is processed "
                           "by a retry",
          "Phase 3 enables Polygon<>Ethereum transfers and cross-chain liquidations a week after launch: a CCIP "
          "path live before it moves value across chains no one is yet watching, and a delivery refused instead "
          "of kept is lost (or pauses the receiver after three).",
          ("checkCrossChain", "CrossChainVault.depositCrossChain", "CrossChainVault.requestCrossChainWithdrawal",
           "CrossChainReceiver.ccipReceive", "CrossChainReceiver.retryFailedMessage",
           "CrossChainReceiver.setLaunchControl", "LiquidationEngine.liquidateFromRemote",
           "LiquidationEngine.setLaunchControl"), Severity.HIGH,
          contracts=(_L, "CrossChainVault", "CrossChainReceiver", "LiquidationEngine")),
    _spec("INT-LAUNCH-05", "performUpkeep is the Automation forwarder's alone once setForwarder has named it "
                           "(liquidator bots and strangers refused with both addresses), the liquidators' before; "
                           "setForwarder is the admin's and refuses address 0",
          "Chainlink Automation calls through a per-upkeep forwarder; an upkeep that any authorised key may also "
          "perform is one stolen bot key away from a liquidation run at a moment of the attacker's choosing.",
          ("LiquidationEngine.performUpkeep", "LiquidationEngine.setForwarder", "LiquidationEngine.forwarder"),
          Severity.HIGH, "automation", contracts=("LiquidationEngine",)),
)
