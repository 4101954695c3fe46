"""Multi-transaction properties on the real bytecode (Manticore, halmos, Foundry fuzz/invariant).

Each SEQ spec has a harness pair under contracts/test/symbolic (checkers/engines/sequence/harness.py): a concrete set-up
of the platform contracts, act_ functions as the symbolic transactions, and property() as the invariant.
Engines are listed fastest first: fuzz and halmos answer in seconds, Manticore is bounded by its budget.
Transaction depth (recorded as `tx_depth` / invariant runs x depth in every finding's bounds): halmos and Manticore
explore one act_ call from the set-up, fuzz runs sequences of up to 16. Both symbolic engines can explore two
(`HalmosChecker(invariant_depth=2)`, `ManticoreChecker(tx_depth=2)`), but on the platform that costs more than
the cold `verify all` budget allows (bench/bench_symbolic.py: halmos SEQ-01 90 s instead of 9 s, Manticore
SEQ-01/SEQ-04 out of their 60 s budget), so the titles state one call where that is what the symbolic engines show.

Two more specs are about the harnesses themselves, checked over every SEQ harness at once: DEPLOY-01 (the set-up
deploys; a reverting constructor would leave every SEQ check with nothing to explore) and LIVE-01 (each act_
succeeds on one known-valid input, so a platform that refuses everything is a violation, not a vacuous pass).
"""
from __future__ import annotations

from checkers.base import Severity, Spec

_ENGINES = ("fuzz", "halmos", "manticore")

SEQUENCE_SPECS = (
    Spec(
        id="SEQ-01",
        title="Pool solvency from a half-lent pool: cash stays backed and lent-out funds are never paid to a lender, "
              "after any one supply/borrow/withdraw (halmos, Manticore) and over fuzzed sequences of up to 16 "
              "(fuzz)",
        rationale=(
            "A withdraw that ignores what is lent out pays lenders with money that belongs to others (here: funds "
            "parked at the pool address) and leaves the pool's books claiming cash it no longer holds; bank-run "
            "insolvency of this kind is what utilisation checks in Aave v3 and Compound v2 prevent."
        ),
        severity=Severity.CRITICAL,
        category="solvency",
        contracts=("CrossChainLendingPool",),
        functions=("CrossChainLendingPool.withdraw", "CrossChainLendingPool.supply", "CrossChainLendingPool.borrow"),
        engines=_ENGINES,
        mutants=("M11_PoolWithdrawIgnoresBorrows",),
    ),
    Spec(
        id="SEQ-02",
        title="A healthy position (HF >= 1e18) cannot be liquidated (trading bytecode; one liquidation attempt at "
              "any of six prices)",
        rationale=(
            "Liquidating healthy positions confiscates traders' collateral as penalty; the trading contract itself "
            "must refuse it even if the engine or a keeper is wrong (the check must not live only off-chain)."
        ),
        severity=Severity.CRITICAL,
        category="liquidation",
        contracts=("PerpetualTrading", "PositionManager"),
        functions=("PerpetualTrading.liquidatePosition",),
        engines=_ENGINES,
        mutants=("M19_TradingLiquidatesHealthy",),
    ),
    Spec(
        id="SEQ-03",
        title="A CCIP message is processed at most once (receiver bytecode; a delivery and a redelivery under the "
              "same id, any bodies)",
        rationale=(
            "Replaying a cross-chain message credits a deposit or records a position twice; CCIP guarantees "
            "delivery, not uniqueness at the application (Chainlink CCIP best practices: track messageId)."
        ),
        severity=Severity.CRITICAL,
        category="ccip",
        contracts=("CrossChainReceiver",),
        functions=("CrossChainReceiver.ccipReceive",),
        engines=_ENGINES,
        mutants=("M13_ReceiverNoReplayGuard",),
    ),
    Spec(
        id="SEQ-04",
        title="A paused module rejects state changes (PerpetualTrading paused: no open, no close, no funding "
              "moves; any one attempt, and fuzzed sequences of up to 16)",
        rationale=(
            "The emergency protocol pauses a module to stop losses; a state-changing entry point without "
            "whenNotPaused keeps the attack open during the incident."
        ),
        severity=Severity.HIGH,
        category="emergency",
        contracts=("PerpetualTrading",),
        functions=("PerpetualTrading.openPosition", "PerpetualTrading.fundInsurance", "PerpetualTrading.closePosition"),
        engines=_ENGINES,
        mutants=("M08_TradingNoPause",),
    ),
    Spec(
        id="SEQ-05",
        title="Liquidation conserves value on the bytecode: pool repaid + insurance + bad debt == owed (one "
              "liquidation at any of six prices)",
        rationale=(
            "When collateral does not cover the debt (Alice at 42,500), the shortfall must be covered by the "
            "insurance fund or recorded as bad debt; otherwise the loss silently disappears from the lenders' books."
        ),
        severity=Severity.CRITICAL,
        category="solvency",
        contracts=("PerpetualTrading", "CrossChainLendingPool"),
        functions=("PerpetualTrading.liquidatePosition", "CrossChainLendingPool.repay"),
        engines=_ENGINES,
        mutants=("M20_LiquidationSkipsBadDebt",),
    ),
    Spec(
        id="SEQ-06",
        title="The design's parameter bands hold on the bytecode: from the deployment's configuration, any call of "
              "addMarket, addFeed, setCircuitBreaker or setLiquidationInterval with any arguments leaves every "
              "market (10-100x, maxLeverage x margin 8,000-9,000 bps), feed (heartbeat 91-3,600 s), enabled "
              "breaker (1-15 %, 60-3,600 s) and the interval (<= 300 s) inside them (halmos: one call, every "
              "argument)",
        rationale=(
            "Security finalization validates liquidation thresholds (80-90 %), leverage limits (10-100x) and the "
            "breaker; a setter that stores one value outside a band is the configuration the validation was meant "
            "to rule out (a 100x market at 5 % opens at the liquidation line; a 50 % breaker never trips). These "
            "setters are the only writers of those fields, so one call from an in-band state is the inductive step."
        ),
        severity=Severity.HIGH,
        category="oracle",
        contracts=("PerpetualTrading", "DataStreamOracle", "LiquidationEngine"),
        functions=("PerpetualTrading.addMarket", "DataStreamOracle.addFeed", "DataStreamOracle.setCircuitBreaker",
                   "LiquidationEngine.setLiquidationInterval"),
        # halmos alone: a random uint256 almost never lands in a band, so a fuzz campaign of these act_ functions
        # is VACUOUS (measured: act_addMarket never succeeded in 2,048 calls); halmos covers every argument
        engines=("halmos",),
        mutants=("M42_MarketThresholdUnbounded", "M43_BreakerAbove15Percent", "M44_HeartbeatInsideFallbackWindow",
                 "M45_IntervalUnbounded"),
    ),
)

DEPLOY_SPEC = "DEPLOY-01"
LIVE_SPEC = "LIVE-01"
_HARNESSED = ("CrossChainLendingPool", "PositionManager", "PerpetualTrading", "CrossChainReceiver")

# Checked over every SEQ harness at once (checkers/engines/sequence/checker.py: HARNESS_SUITE_SPECS), by Foundry tests in
# each <ID>.t.sol: test_deploy and one test_live_<name> per act_<name>.
HARNESS_SPECS = (
    Spec(
        id=DEPLOY_SPEC,
        title="Every sequence harness deploys the platform and starts in a state where its property holds",
        rationale=(
            "Each SEQ spec explores transactions from its harness's concrete set-up (real pool, trading, position "
            "manager and receiver, wired and funded as in the deployment scripts). A change that makes that "
            "set-up revert leaves the sequence engines nothing to explore; it is a deployment bug in its own "
            "right (the platform can no longer be wired the documented way) and is reported here with the "
            "revert reason and a replay test that only deploys the harness."
        ),
        severity=Severity.HIGH,
        category="liveness",
        contracts=_HARNESSED,
        functions=("CrossChainLendingPool.addSupportedToken", "PerpetualTrading.addMarket",
                   "CrossChainReceiver.setAllowedSender"),
        engines=("fuzz",),
        mutants=("M24_PoolRejectsNewTokens",),
    ),
    Spec(
        id=LIVE_SPEC,
        title="Every harnessed action succeeds on a known-valid input: withdraw within cash, supply, borrow within "
              "cash, liquidate an under-water position, deliver a fresh CCIP message, and a paused module "
              "refuses by its pause",
        rationale=(
            "Safety specs hold trivially on a platform that refuses everything: a withdraw that always reverts "
            "never pays a lender from lent-out funds. Each act_ of a SEQ harness has one witness call "
            "(test_live_<name>) that must succeed, so a function that stopped working is a violation with the "
            "refused call as counterexample, beside the SEQ spec's own VACUOUS (the act_ never succeeded)."
        ),
        severity=Severity.HIGH,
        category="liveness",
        contracts=_HARNESSED,
        functions=("CrossChainLendingPool.withdraw", "CrossChainLendingPool.supply", "CrossChainLendingPool.borrow",
                   "PerpetualTrading.liquidatePosition", "CrossChainReceiver.ccipReceive"),
        engines=("fuzz",),
        mutants=("M23_PoolWithdrawAlwaysReverts",),
    ),
)

SPECS = SEQUENCE_SPECS + HARNESS_SPECS
