"""Multi-transaction properties on the real bytecode (Manticore, halmos, Foundry fuzz/invariant).

Each spec has a harness pair under contracts/test/symbolic (checkers/symbolic_harness.py): a concrete set-up of
the platform contracts, act_ functions as the symbolic transactions, and property() as the invariant.
Engines are listed fastest first: fuzz and halmos answer in seconds, Manticore is bounded by its budget.
"""
from __future__ import annotations

from checkers.base import Severity, Spec

_ENGINES = ("fuzz", "halmos", "manticore")

SPECS = (
    Spec(
        id="SEQ-01",
        title="Pool solvency over supply/borrow/withdraw sequences: cash is always backed and lent-out funds are "
              "never paid to a lender",
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
        title="A healthy position (HF >= 1e18) cannot be liquidated (trading bytecode)",
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
        title="A CCIP message is processed at most once (receiver bytecode)",
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
        title="A paused module rejects state changes (PerpetualTrading paused: no open, no funding moves)",
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
        title="Liquidation conserves value on the bytecode: pool repaid + insurance + bad debt == owed",
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
)
