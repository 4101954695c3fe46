// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

/// @title RiskBands
/// @notice The design's parameter bands (security finalization, §5), enforced by the setters that store them and
///         proved by SEQ-06 (docs/platform.md §5 explains each band and the reading of "liquidation threshold").
///         - Leverage caps: a market's maxLeverage within 10-100x.
///         - Liquidation threshold 80-90%: the maintenance requirement as a share of the initial margin of a
///           position at the market's maximum leverage, maxLeverage x maintenanceMarginBps, within 8,000-9,000
///           bps. Under the health factor (HF = equity / maintenance) such a position is liquidated once its
///           equity has fallen to 80-90% of its margin at open: a 10-20% buffer, never a position that opens at
///           (or below) the liquidation line.
///         - Circuit breaker: an enabled breaker trips at a deviation of 1-15% (the emergency protocol's "15%+"
///           is the most a breaker may allow) with a cooldown of 1-60 minutes.
///         - Staleness: a feed's heartbeat (the oldest price any source may give) longer than the fallback window
///           (DataStreamOracle.FALLBACK_AFTER, 90 s: the fallback needs a window to act in) and at most 1 hour.
///         - Liquidation interval: at most 300 s between upkeeps (0: every block).
library RiskBands {
    uint256 internal constant MIN_LEVERAGE_CAP = 10;
    uint256 internal constant MAX_LEVERAGE_CAP = 100;
    uint256 internal constant MIN_LIQUIDATION_THRESHOLD_BPS = 8_000;
    uint256 internal constant MAX_LIQUIDATION_THRESHOLD_BPS = 9_000;
    uint256 internal constant MIN_BREAKER_DEVIATION_BPS = 100;
    uint256 internal constant MAX_BREAKER_DEVIATION_BPS = 1_500;
    uint256 internal constant MIN_BREAKER_COOLDOWN = 1 minutes;
    uint256 internal constant MAX_BREAKER_COOLDOWN = 1 hours;
    uint256 internal constant MAX_HEARTBEAT = 1 hours;
    uint256 internal constant MAX_LIQUIDATION_INTERVAL = 300;

    /// @notice Maintenance requirement of a maximum-leverage position as a share of its margin at open (bps).
    function liquidationThresholdBps(uint256 maxLeverage, uint256 maintenanceMarginBps)
        internal
        pure
        returns (uint256)
    {
        return maxLeverage * maintenanceMarginBps;
    }

    function marketInBand(uint256 maxLeverage, uint256 maintenanceMarginBps) internal pure returns (bool) {
        if (maxLeverage < MIN_LEVERAGE_CAP || maxLeverage > MAX_LEVERAGE_CAP) return false;
        if (maintenanceMarginBps > MAX_LIQUIDATION_THRESHOLD_BPS) return false; // no overflow below
        uint256 threshold = liquidationThresholdBps(maxLeverage, maintenanceMarginBps);
        return threshold >= MIN_LIQUIDATION_THRESHOLD_BPS && threshold <= MAX_LIQUIDATION_THRESHOLD_BPS;
    }

    function breakerInBand(uint256 maxDeviationBps, uint256 cooldown) internal pure returns (bool) {
        return maxDeviationBps >= MIN_BREAKER_DEVIATION_BPS && maxDeviationBps <= MAX_BREAKER_DEVIATION_BPS
            && cooldown >= MIN_BREAKER_COOLDOWN && cooldown <= MAX_BREAKER_COOLDOWN;
    }

    function heartbeatInBand(uint256 heartbeat, uint256 fallbackAfter) internal pure returns (bool) {
        return heartbeat > fallbackAfter && heartbeat <= MAX_HEARTBEAT;
    }

    function liquidationIntervalInBand(uint256 interval) internal pure returns (bool) {
        return interval <= MAX_LIQUIDATION_INTERVAL;
    }
}
