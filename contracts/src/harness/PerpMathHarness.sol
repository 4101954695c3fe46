// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PerpMath} from "../libraries/PerpMath.sol";

/// @notice External face of PerpMath for conformance checks: the Z3 models in checkers/engines/z3
///         are compared call by call with this compiled bytecode.
contract PerpMathHarness {
    function positionValue(uint256 size, uint256 entryPrice, uint256 price, bool isLong) external pure returns (uint256) {
        return PerpMath.positionValue(size, entryPrice, price, isLong);
    }

    function equity(uint256 value, uint256 debt, int256 fundingOwed) external pure returns (int256) {
        return PerpMath.equity(value, debt, fundingOwed);
    }

    function maintenanceRequirement(uint256 size, uint256 entryPrice, uint256 price, uint256 mmBps)
        external
        pure
        returns (uint256)
    {
        return PerpMath.maintenanceRequirement(size, entryPrice, price, mmBps);
    }

    function healthFactor(int256 equity_, uint256 requirement) external pure returns (uint256) {
        return PerpMath.healthFactor(equity_, requirement);
    }

    function isLiquidatable(uint256 hf) external pure returns (bool) {
        return PerpMath.isLiquidatable(hf);
    }

    function openSizes(uint256 collateral, uint256 leverage, uint256 mmBps)
        external
        pure
        returns (uint256 size, uint256 borrowAmount, bool healthyAtOpen)
    {
        return PerpMath.openSizes(collateral, leverage, mmBps);
    }

    function liquidationSplit(uint256 proceeds, uint256 owed, uint256 collateral, uint256 penaltyBps, uint256 insurance)
        external
        pure
        returns (uint256 repaid, uint256 covered, uint256 badDebt, uint256 penalty, uint256 toTrader)
    {
        PerpMath.LiquidationSplit memory s =
            PerpMath.liquidationSplit(proceeds, owed, collateral, penaltyBps, insurance);
        return (s.repaidFromPosition, s.coveredByInsurance, s.badDebt, s.penalty, s.toTrader);
    }

    function accrueIndex(uint256 index, uint256 rateBps, uint256 dt) external pure returns (uint256) {
        return PerpMath.accrueIndex(index, rateBps, dt);
    }

    function debtWithInterest(uint256 principal, uint256 indexAtOpen, uint256 indexNow) external pure returns (uint256) {
        return PerpMath.debtWithInterest(principal, indexAtOpen, indexNow);
    }

    function toSharesDown(uint256 assets, uint256 totalShares, uint256 totalAssets) external pure returns (uint256) {
        return PerpMath.toSharesDown(assets, totalShares, totalAssets);
    }

    function toSharesUp(uint256 assets, uint256 totalShares, uint256 totalAssets) external pure returns (uint256) {
        return PerpMath.toSharesUp(assets, totalShares, totalAssets);
    }

    function toAssetsDown(uint256 shares, uint256 totalShares, uint256 totalAssets) external pure returns (uint256) {
        return PerpMath.toAssetsDown(shares, totalShares, totalAssets);
    }

    function accrueFunding(int256 cumulative, int256 ratePpmPerHour, uint256 dt) external pure returns (int256) {
        return PerpMath.accrueFunding(cumulative, ratePpmPerHour, dt);
    }

    function fundingOwed(uint256 size, int256 cumulativeNow, int256 cumulativeAtEntry, bool isLong)
        external
        pure
        returns (int256)
    {
        return PerpMath.fundingOwed(size, cumulativeNow, cumulativeAtEntry, isLong);
    }

    function breachesCircuitBreaker(uint256 last, uint256 next, uint256 maxDeviationBps) external pure returns (bool) {
        return PerpMath.breachesCircuitBreaker(last, next, maxDeviationBps);
    }

    function accumulate(uint256 cumulative, uint256 price, uint256 dt) external pure returns (uint256) {
        return PerpMath.accumulate(cumulative, price, dt);
    }

    function twap(uint256 cumulativeStart, uint256 cumulativeEnd, uint256 tStart, uint256 tEnd)
        external
        pure
        returns (uint256)
    {
        return PerpMath.twap(cumulativeStart, cumulativeEnd, tStart, tEnd);
    }

    function selectSource(
        uint256 nowTs,
        uint256 primaryTs,
        bool primaryValid,
        bool hasFallback,
        uint256 fallbackTs,
        int256 fallbackAnswer,
        uint256 heartbeat,
        uint256 fallbackAfter
    ) external pure returns (uint8) {
        return PerpMath.selectSource(
            nowTs, primaryTs, primaryValid, hasFallback, fallbackTs, fallbackAnswer, heartbeat, fallbackAfter
        );
    }

    function toWad(uint256 answer, uint8 decimals) external pure returns (uint256) {
        return PerpMath.toWad(answer, decimals);
    }
}
