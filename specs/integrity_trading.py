"""What each PerpetualTrading function must achieve: effects, liveness, views, events and exact cross-contract
accounting (Foundry property tests in contracts/test/integrity/TradeIntegrity.t.sol, engine `props`).

Safety specs elsewhere say what must never happen; these say what must happen, with every expected value written
again from prices, rates and time (never by calling the contract's own math): a market that is added but cannot be
found, an open that always reverts, a settlement event with the wrong PnL, or a write-off one unit away from the
lenders' loss all go red. Style: Certora's integrity / no-DoS / view-consistency rules (Aave, Morpho, GMX).
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_T = "PerpetualTrading"


_spec = partial(integrity_spec, _T, "solvency")


SPECS = (
    _spec("INT-TRADE-01", "addMarket makes the market usable (found by marketIdByName, stored as given by getMarket, "
                          "a healthy open on it succeeds) and refuses a second add of the name, parameters outside the "
                          "bands (leverage cap 10-100x, maxLeverage x maintenance margin 8,000-9,000 bps) and "
                          "strangers",
          "A market that is listed but cannot be looked up or traded is a denial of service; a second add that "
          "overwrites a live market re-prices every open position on it.",
          ("addMarket", "marketIdByName", "getMarket"), Severity.MEDIUM, "access"),
    _spec("INT-TRADE-02", "updateFundingRate accrues the old rate to now (truncated toward zero), then sets the new "
                          "one; FundingRateUpdated carries both; currentCumulativeFunding accrues in between",
          "Funding that is set without accruing the old rate first charges past hours at the new rate (GMX and "
          "dYdX accrue before every rate change).", ("updateFundingRate", "currentCumulativeFunding"),
          Severity.MEDIUM, "funding"),
    _spec("INT-TRADE-03", "fundInsurance (anyone) grows the insurance fund by the amount, moves the tokens in and "
                          "reports both; refuses zero and pauses",
          "The insurance fund covers liquidation shortfalls before lenders do: a deposit that is taken but not "
          "credited leaves the lenders exposed.", ("fundInsurance",), Severity.MEDIUM),
    _spec("INT-TRADE-04", "fundCounterparty (anyone) grows the counterparty book by the amount, moves the tokens in "
                          "and reports both; refuses zero and pauses",
          "The counterparty book pays traders' profits: an uncredited deposit blocks every profitable close.",
          ("fundCounterparty",), Severity.MEDIUM),
    _spec("INT-TRADE-05", "a valid, healthy openPosition succeeds and stores the requested size and leverage, borrows "
                          "size - collateral at the pool's current (non-zero) index, locks the collateral, holds the "
                          "backing and emits PositionOpened with those values; bad inputs are refused",
          "The platform's core promise: an open that always reverts (e.g. a borrow returning index 0) or stores "
          "other sizes than requested is caught only by a spec that says what an open must do (Certora's "
          "integrity-of-open rules; no-DoS rules).", ("openPosition",), Severity.CRITICAL),
    _spec("INT-TRADE-06", "closePosition pays the trader exactly value - funding owed - debt with interest (rounded "
                          "up), repays the pool, settles the rest with the counterparty; PositionClosed and "
                          "CounterpartySettled carry that PnL; only the trader, never underwater",
          "A settlement that pays the wrong amount, or an event reporting another PnL than the one settled, "
          "misleads traders and off-chain accounting (GMX's decrease-position integrity checks).",
          ("closePosition",), Severity.CRITICAL),
    _spec("INT-TRADE-07", "liquidatePosition only when HF < 1 and only by the engine; the waterfall is exact: pool "
                          "repaid first, insurance covers what it can, the rest is bad debt, the 5 % penalty only from "
                          "what is left; books, balances and PositionLiquidated carry those amounts",
          "Liquidation moves every party's money at once: a wrong split robs the lenders, the insurance fund or "
          "the trader (Aave liquidationCall integrity; Morpho Blue liquidate).",
          ("liquidatePosition", "isLiquidatable"), Severity.CRITICAL, "liquidation"),
    _spec("INT-TRADE-08", "bad debt recorded by trading (BadDebtRecorded, PositionLiquidated) == the pool's "
                          "totalBadDebt increase == the drop in the pool's totalAssets, to the unit; rounding favours "
                          "the pool (debt rounds up; the write-off never exceeds what the trader failed to pay)",
          "Accounting to the last unit across contracts: Alice's story recorded 3,000,051,370 of bad debt against a "
          "lenders' loss of 3,000,051,369 (debt rounded up, the pool's aggregate down). A write-off that differs "
          "from the loss lets reported and real solvency drift apart (Euler, Morpho Blue bad-debt realisation).",
          ("liquidatePosition", "CrossChainLendingPool.repay", "CrossChainLendingPool.totalBadDebt",
           "CrossChainLendingPool.totalAssets"), Severity.CRITICAL),
    _spec("INT-TRADE-09", "isLiquidatable is exactly HF < 1 (HF from prices, debt and funding) and false once closed; "
                          "openPositionIds is PositionManager's list; both refuse before wiring",
          "Keepers act on these views: one that says healthy for an unhealthy position (or the reverse) blocks or "
          "forces liquidations (view-consistency rules).", ("isLiquidatable", "openPositionIds"), Severity.HIGH,
          "liquidation"),
    _spec("INT-TRADE-10", "setPositionManager and setVault rewire trading (the new book is read and written from then "
                          "on); admin only, never zero, reported",
          "Wiring that silently keeps the old module, or that a stranger can change, redirects every position and "
          "every collateral movement.", ("setPositionManager", "setVault"), Severity.MEDIUM, "access"),
    _spec("INT-TRADE-11", "setOpenInterestCap bounds a market's open notional (v2): openPosition above the cap is "
                          "refused with the numbers, up to it accepted; closePosition and liquidatePosition release "
                          "the notional; openInterestOf/openInterestCapOf report both; admin only, known market",
          "A cap that never refuses leaves the counterparty exposed past what it was sized for; one that never "
          "releases locks the market after its first positions close (a DoS by accounting).",
          ("setOpenInterestCap", "openInterestOf", "openInterestCapOf", "openPosition", "closePosition",
           "liquidatePosition"), Severity.HIGH),
    _spec("INT-TRADE-12", "setMaxFundingRate clamps every funding rate set afterwards to [-max, max] (v2), 0 removes "
                          "the clamp, a negative maximum is refused; maxFundingRatePpmPerHour reports it; admin only",
          "An unclamped rate is how a compromised or fat-fingered admin key drains one side of every market in "
          "hours; a clamp that does not apply protects nothing.",
          ("setMaxFundingRate", "maxFundingRatePpmPerHour", "updateFundingRate"), Severity.HIGH, "funding"),
)
