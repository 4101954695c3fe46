"""What each PositionManager function must achieve: records, updates, closes, remote sizes, the health factor and
the views (Foundry property tests in contracts/test/integrity/PmIntegrity.t.sol, engine `props`).

The health factor is what every liquidation decides on, so it is recomputed field by field from prices, the pool's
5 %/yr index and the funding rate; the open-position list is checked against a model over random create/close
sequences. Style: Certora's integrity and view-consistency rules.
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_M = "PositionManager"


_spec = partial(integrity_spec, _M, "liquidation")


SPECS = (
    _spec("INT-PM-01", "createPosition stores every field as given (open), under the next sequential id, lists and "
                       "counts it, emits PositionCreated; refuses unpriceable records, strangers and pauses",
          "A record stored with another size, price or index mis-prices the position for its whole life.",
          ("createPosition", "getPosition", "nextPositionId")),
    _spec("INT-PM-02", "updatePosition sets collateral, principal and index and nothing else, emits PositionUpdated; "
                       "refuses a zero index, unknown or closed positions, strangers and pauses",
          "An update that touches other fields or accepts index 0 makes the debt unreadable.",
          ("updatePosition",), Severity.MEDIUM),
    _spec("INT-PM-03", "closePosition closes exactly that record (kept, marked closed), unlists it, keeps every other "
                       "open id listed once, emits PositionClosed; a second close is refused; works while paused",
          "A swap-and-pop that drops or duplicates a neighbour hides a position from Automation (never liquidated) "
          "or liquidates one twice.", ("closePosition", "openPositionIds", "openPositionCount")),
    _spec("INT-PM-04", "recordRemotePosition adds size deltas per (chain, remote id), pins the first trader, reports "
                       "the new size; another trader, a zero trader, strangers and pauses are refused",
          "Remote exposure that does not add up misstates the platform's cross-chain risk.",
          ("recordRemotePosition", "remoteSize", "remoteTrader"), Severity.MEDIUM, "ccip"),
    _spec("INT-PM-05", "positionState and calculateHealthFactor equal the formula: value, debt with interest (rounded "
                       "up), funding owed, equity, requirement (rounded up), HF = equity / requirement; refused for "
                       "closed positions and before wiring",
          "The one health factor decides every liquidation (docs/platform.md §1): a drift of the view from the "
          "formula liquidates healthy positions or spares unhealthy ones.",
          ("positionState", "calculateHealthFactor"), Severity.CRITICAL),
    _spec("INT-PM-06", "over any sequence of creates and closes, openPositionIds, openPositionCount, isOpen and "
                       "getPosition agree with what was created and closed; unknown ids are refused",
          "Automation iterates openPositionIds: a list that disagrees with the records skips positions.",
          ("openPositionIds", "openPositionCount", "isOpen", "getPosition")),
    _spec("INT-PM-07", "setAssetFeed, setLendingPool and setFundingSource store what they are given (the health factor "
                       "reads the pool and funding source set); admin only, never zero, reported",
          "Wiring a stranger can change, or that does not take effect, corrupts every health factor.",
          ("setAssetFeed", "setLendingPool", "setFundingSource"), Severity.MEDIUM, "access"),
)
