// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

/// @title PerpMath
/// @notice Every number the platform decides money with lives here, so that one set of Z3 models
///         (checkers/engines/z3) can be proved over whole domains and checked for conformance
///         against this compiled code (PerpMathHarness). Plain checked arithmetic on purpose:
///         an intermediate product above 2^256-1 reverts, which the models state as a revert.
/// Units: prices are WAD (1e18 = 1 USD per unit of the base asset); amounts (size, collateral,
///        debt) are collateral-token units; rates as documented per function.
library PerpMath {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;
    /// @dev funding rates are parts-per-million per hour ("25 = 0.0025% hourly" in the design).
    int256 internal constant FUNDING_RATE_SCALE = 1e6;
    int256 internal constant HOUR = 3600;

    uint8 internal constant SOURCE_NONE = 0;
    uint8 internal constant SOURCE_PRIMARY = 1;
    uint8 internal constant SOURCE_FALLBACK = 2;

    struct LiquidationSplit {
        uint256 repaidFromPosition; // position proceeds paid to the lending pool
        uint256 coveredByInsurance; // shortfall paid by the insurance fund
        uint256 badDebt; // shortfall nobody could pay: recorded, socialised by the pool
        uint256 penalty; // liquidation penalty, to the insurance fund, only from what is left
        uint256 toTrader; // whatever remains, credited back to the trader
    }

    // ------------------------------------------------------------------ positions

    /// @notice Value of the position's backing at `price`: long = size*price/entry,
    ///         short = size*(2*entry - price)/entry, floored at zero. Rounds down (protocol side).
    function positionValue(uint256 size, uint256 entryPrice, uint256 price, bool isLong)
        internal
        pure
        returns (uint256)
    {
        if (isLong) return size * price / entryPrice;
        uint256 ceiling = 2 * entryPrice;
        if (price >= ceiling) return 0;
        return size * (ceiling - price) / entryPrice;
    }

    /// @notice Equity = position value - debt owed to the pool - funding owed (signed).
    function equity(uint256 value, uint256 debt, int256 fundingOwed) internal pure returns (int256) {
        return int256(value) - int256(debt) - fundingOwed;
    }

    /// @notice Maintenance requirement = current notional * maintenance margin, rounded up.
    function maintenanceRequirement(uint256 size, uint256 entryPrice, uint256 price, uint256 mmBps)
        internal
        pure
        returns (uint256)
    {
        uint256 notionalNow = size * price / entryPrice;
        return ceilDiv(notionalNow * mmBps, BPS);
    }

    /// @notice The platform's one health factor (WAD): equity / maintenance requirement.
    ///         1e18 means equity exactly covers maintenance; below 1e18 the position is liquidatable.
    function healthFactor(int256 equity_, uint256 requirement) internal pure returns (uint256) {
        if (equity_ <= 0) return 0;
        if (requirement == 0) return type(uint256).max;
        return uint256(equity_) * WAD / requirement;
    }

    function isLiquidatable(uint256 hf) internal pure returns (bool) {
        return hf < WAD;
    }

    /// @notice Opening at `leverage` must not be liquidatable at once: size = collateral*leverage
    ///         and its maintenance requirement must not exceed the collateral.
    function openSizes(uint256 collateral, uint256 leverage, uint256 mmBps)
        internal
        pure
        returns (uint256 size, uint256 borrowAmount, bool healthyAtOpen)
    {
        size = collateral * leverage;
        borrowAmount = size - collateral;
        healthyAtOpen = ceilDiv(size * mmBps, BPS) <= collateral;
    }

    /// @notice Waterfall of a liquidation: proceeds repay the pool first, the insurance fund covers
    ///         the shortfall it can, the rest is bad debt; the penalty comes only from what is left.
    function liquidationSplit(
        uint256 proceeds,
        uint256 owed,
        uint256 collateral,
        uint256 penaltyBps,
        uint256 insuranceBalance
    ) internal pure returns (LiquidationSplit memory s) {
        s.repaidFromPosition = proceeds < owed ? proceeds : owed;
        uint256 shortfall = owed - s.repaidFromPosition;
        s.coveredByInsurance = shortfall < insuranceBalance ? shortfall : insuranceBalance;
        s.badDebt = shortfall - s.coveredByInsurance;
        uint256 remaining = proceeds - s.repaidFromPosition;
        uint256 maxPenalty = ceilDiv(collateral * penaltyBps, BPS);
        s.penalty = remaining < maxPenalty ? remaining : maxPenalty;
        s.toTrader = remaining - s.penalty;
    }

    // ------------------------------------------------------------------ lending

    /// @notice Linear per-second accrual of a borrow index: index * (1 + rate * dt / year), rounded down.
    /// @param rateBps annual rate in basis points.
    function accrueIndex(uint256 index, uint256 rateBps, uint256 dt) internal pure returns (uint256) {
        return index + index * rateBps * dt / (BPS * YEAR);
    }

    /// @notice Debt of a borrow taken at `indexAtOpen`, rounded up (the pool is never short-changed).
    function debtWithInterest(uint256 principal, uint256 indexAtOpen, uint256 indexNow)
        internal
        pure
        returns (uint256)
    {
        return ceilDiv(principal * indexNow, indexAtOpen);
    }

    /// @notice Shares minted for a deposit, rounded down; one virtual share and asset blunt inflation attacks.
    function toSharesDown(uint256 assets, uint256 totalShares, uint256 totalAssets) internal pure returns (uint256) {
        return assets * (totalShares + 1) / (totalAssets + 1);
    }

    /// @notice Shares burned to withdraw `assets`, rounded up.
    function toSharesUp(uint256 assets, uint256 totalShares, uint256 totalAssets) internal pure returns (uint256) {
        return ceilDiv(assets * (totalShares + 1), totalAssets + 1);
    }

    /// @notice Assets paid for redeeming `shares`, rounded down.
    function toAssetsDown(uint256 shares, uint256 totalShares, uint256 totalAssets) internal pure returns (uint256) {
        return shares * (totalAssets + 1) / (totalShares + 1);
    }

    // ------------------------------------------------------------------ funding

    /// @notice Cumulative funding per unit of notional (WAD), rate in ppm per hour; truncates toward zero.
    function accrueFunding(int256 cumulative, int256 ratePpmPerHour, uint256 dt) internal pure returns (int256) {
        return cumulative + ratePpmPerHour * int256(WAD) * int256(dt) / (FUNDING_RATE_SCALE * HOUR);
    }

    /// @notice Funding a position owes (positive) or is owed (negative); longs pay a positive rate,
    ///         shorts receive it. Truncation toward zero makes a long and a short of one size net to zero.
    function fundingOwed(uint256 size, int256 cumulativeNow, int256 cumulativeAtEntry, bool isLong)
        internal
        pure
        returns (int256)
    {
        int256 owed = int256(size) * (cumulativeNow - cumulativeAtEntry) / int256(WAD);
        return isLong ? owed : -owed;
    }

    // ------------------------------------------------------------------ oracle

    /// @notice True when `next` moves more than `maxDeviationBps` away from `last`.
    ///         Compared as products, so there is no rounding slack in the bound.
    function breachesCircuitBreaker(uint256 last, uint256 next, uint256 maxDeviationBps)
        internal
        pure
        returns (bool)
    {
        uint256 diff = next > last ? next - last : last - next;
        return diff * BPS > maxDeviationBps * last;
    }

    /// @notice Time-weighted cumulative price, as Uniswap v2 accumulates it.
    function accumulate(uint256 cumulative, uint256 price, uint256 dt) internal pure returns (uint256) {
        return cumulative + price * dt;
    }

    /// @notice Average price between two cumulative readings, rounded down.
    function twap(uint256 cumulativeStart, uint256 cumulativeEnd, uint256 tStart, uint256 tEnd)
        internal
        pure
        returns (uint256)
    {
        return (cumulativeEnd - cumulativeStart) / (tEnd - tStart);
    }

    /// @notice Which price may be used now. A timestamp in the future is never fresh.
    ///         Primary when it is at most `fallbackAfter` old (90 s); else the fallback feed when it is
    ///         fresh within `heartbeat` and positive; else the primary while within `heartbeat`; else none.
    function selectSource(
        uint256 nowTs,
        uint256 primaryTs,
        bool primaryValid,
        bool hasFallback,
        uint256 fallbackTs,
        int256 fallbackAnswer,
        uint256 heartbeat,
        uint256 fallbackAfter
    ) internal pure returns (uint8) {
        bool primaryKnown = primaryValid && primaryTs <= nowTs;
        if (primaryKnown && nowTs - primaryTs <= fallbackAfter) return SOURCE_PRIMARY;
        if (hasFallback && fallbackAnswer > 0 && fallbackTs <= nowTs && nowTs - fallbackTs <= heartbeat) {
            return SOURCE_FALLBACK;
        }
        if (primaryKnown && nowTs - primaryTs <= heartbeat) return SOURCE_PRIMARY;
        return SOURCE_NONE;
    }

    /// @notice Scales an answer with `decimals` decimals to WAD.
    function toWad(uint256 answer, uint8 decimals) internal pure returns (uint256) {
        if (decimals == 18) return answer;
        if (decimals < 18) return answer * 10 ** (18 - decimals);
        return answer / 10 ** (decimals - 18);
    }

    function ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
