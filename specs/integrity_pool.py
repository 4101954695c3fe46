"""What each CrossChainLendingPool function must achieve: effects, liveness, views and events (Foundry property
tests in contracts/test/integrity/PoolIntegrity.t.sol, engine `props`).

Safety specs elsewhere say what must never happen; these say what must happen, so a pool that does nothing (a
withdraw that always reverts, a token that is never marked supported, a view that under-reports) goes red.
Style: Certora's integrity / no-DoS / view-consistency rules for Aave and Morpho.
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_P = "CrossChainLendingPool"


_spec = partial(integrity_spec, _P, "lending")


SPECS = (
    _spec("INT-POOL-01", "supply credits exactly the promised shares and cash, takes the tokens, emits Supplied with "
                         "the same values; claim never above what was paid",
          "A supply that mis-credits shares or cash shifts value between lenders (ERC-4626 deposit rules; Certora's "
          "integrityOfSupply for Aave).", ("supply", "balanceOfUnderlying"), Severity.CRITICAL),
    _spec("INT-POOL-02", "withdraw pays exactly previewWithdraw, burns the shares, debits cash, emits Withdrawn; "
                         "round trips favour the pool; refuses beyond shares or cash",
          "Lenders must get what the pool says they can, and never more (ERC-4626 previewRedeem must equal redeem; "
          "Morpho's withdraw integrity rules).", ("withdraw", "previewWithdraw"), Severity.CRITICAL),
    _spec("INT-POOL-03", "borrow moves the amount from cash to borrows, pays the borrower, returns the current index "
                         "(debt at borrow time == amount), emits Borrowed; refuses beyond cash and strangers",
          "A borrow returning a wrong index breaks every leveraged position opened on it; one beyond cash spends "
          "others' funds.", ("borrow", "debtOf", "currentIndex")),
    _spec("INT-POOL-04", "repay removes the whole debt with interest, credits cash, emits Repaid; a shortfall is "
                         "written off exactly (lenders' assets fall by the bad debt, to the unit)",
          "Accounting to the last unit: the trading side's write-off must equal the lenders' loss, and a repaid "
          "debt must leave the books (Euler, Morpho Blue bad-debt realisation).", ("repay", "totalBadDebt"),
          Severity.CRITICAL, "solvency"),
    _spec("INT-POOL-05", "addSupportedToken makes the token usable at its rate and refuses a second add; "
                         "setInterestRate sets the rate; both admin-only and capped",
          "A token that is listed but unusable, or listed twice (resetting its index), breaks or robs the market.",
          ("addSupportedToken", "setInterestRate", "isSupported", "rateBpsOf", "supportedTokens"), Severity.MEDIUM),
    _spec("INT-POOL-06", "views agree with the books: totalBorrows within one unit of the debt with interest, "
                         "totalAssets == cash + totalBorrows, previewWithdraw == balanceOfUnderlying",
          "Integrators and the trading side act on these views: an under-reporting totalBorrows or previewWithdraw "
          "hides lenders' claims (view-consistency rules of Certora's Aave suite).",
          ("totalBorrows", "totalAssets", "previewWithdraw", "balanceOfUnderlying", "cash")),
    _spec("INT-POOL-07", "accrue brings the index to currentIndex (5%/yr formula) and grows borrows with it, emits "
                         "InterestAccrued",
          "Interest that is promised by the view but never booked (or booked differently) lets debt escape.",
          ("accrue", "currentIndex")),
)
