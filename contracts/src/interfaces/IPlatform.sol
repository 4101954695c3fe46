// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

/// @notice The calls the platform's modules make on each other. Each module implements its part.

interface IDataStreamOracle {
    /// @notice Price in WAD (1e18), from the primary (Data Streams) or fallback (AggregatorV3) source;
    ///         reverts (StalePrice / CircuitBreakerActive / InvalidPrice / UnknownFeed) when none may be used.
    function getPrice(bytes32 feedId) external view returns (uint256 priceWad);
    function getTwap(bytes32 feedId, uint256 window) external view returns (uint256 priceWad);
}

interface ICrossChainVault {
    /// @notice Moves `amount` of `user`'s free collateral into the caller (PerpetualTrading), as locked margin.
    function lockCollateral(address user, address token, uint256 amount) external;
    /// @notice Credits `amount` (already transferred to the vault by the caller) to `user`'s free collateral.
    function releaseCollateral(address user, address token, uint256 amount) external;
    /// @notice Credits a deposit that arrived from another chain (called by CrossChainReceiver).
    function creditCrossChainDeposit(address user, address token, uint256 amount) external;
    /// @notice Pays out a withdrawal requested on another chain (called by CrossChainReceiver).
    function processCrossChainWithdrawal(address user, address token, uint256 amount) external;
    function collateralOf(address user, address token) external view returns (uint256);
}

interface ICrossChainLendingPool {
    /// @notice Lends `amount` to the caller (PerpetualTrading only); returns the borrow index at that moment.
    function borrow(address token, uint256 amount) external returns (uint256 indexAtBorrow);
    /// @notice Takes `amount` from the caller against `principal` of debt taken at `indexAtBorrow`;
    ///         `badDebt` is the part of the owed amount nobody could pay (written off, socialised to lenders).
    function repay(address token, uint256 principal, uint256 indexAtBorrow, uint256 amount, uint256 badDebt) external;
    function currentIndex(address token) external view returns (uint256);
    function debtOf(address token, uint256 principal, uint256 indexAtBorrow) external view returns (uint256);
    /// @notice Outstanding borrows with interest accrued to now, the aggregate on the lenders' books (rounded down).
    function totalBorrows(address token) external view returns (uint256);
}

interface IPerpetualTrading {
    enum Side {
        Long,
        Short
    }

    function liquidatePosition(uint256 positionId) external;
    function isLiquidatable(uint256 positionId) external view returns (bool);
    function openPositionIds() external view returns (uint256[] memory);
    /// @notice Cumulative funding per unit of notional (WAD) of `marketId`, including what accrued since
    ///         the last stored update (PerpMath.accrueFunding).
    function currentCumulativeFunding(uint256 marketId) external view returns (int256);
}

interface IPositionManager {
    /// @notice One position record. Amounts in collateral-token units, prices WAD.
    struct Position {
        address trader;
        address token; // collateral token (also the borrowed token)
        uint256 marketId;
        bytes32 feedId;
        bool isLong;
        uint256 size; // notional at entry = collateral * leverage
        uint256 entryPrice;
        uint256 collateral;
        uint256 principal; // borrowed from the lending pool
        uint256 indexAtBorrow;
        int256 entryFunding; // market cumulative funding at open
        uint256 mmBps; // maintenance margin of the market at open
        bool open;
    }

    /// @notice Everything the health factor is made of, at the current oracle price.
    struct PositionState {
        uint256 price;
        uint256 value;
        uint256 debt;
        int256 fundingOwed;
        int256 equity;
        uint256 requirement;
        uint256 healthFactor;
    }

    function calculateHealthFactor(uint256 positionId) external view returns (uint256 hfWad);
    function positionState(uint256 positionId) external view returns (PositionState memory);
    function getPosition(uint256 positionId) external view returns (Position memory);
    function openPositionIds() external view returns (uint256[] memory);
    function createPosition(Position calldata p) external returns (uint256 positionId);
    function updatePosition(uint256 positionId, uint256 collateral, uint256 principal, uint256 indexAtBorrow)
        external;
    function closePosition(uint256 positionId) external;
    /// @notice Records a position update that arrived from another chain (CrossChainReceiver only).
    function recordRemotePosition(uint64 sourceChain, uint256 remotePositionId, address trader, int256 sizeDelta)
        external;
}

interface ILiquidationEngine {
    /// @notice A liquidation requested from another chain (CrossChainReceiver only); re-validated locally.
    function liquidateFromRemote(uint256 positionId) external;
}

/// @notice The launch sequence of one stack (LaunchControl): each check reverts with the restriction that refused.
interface ILaunchControl {
    error TraderNotAllowlisted(address trader);
    error MarketNotLaunched(uint256 marketId, uint256 launchMarketId);
    error LeverageAbovePhaseCap(uint256 leverage, uint256 cap);
    error WithdrawalAboveCap(address token, uint256 amount, uint256 cap);
    error DailyWithdrawalCapReached(address token, uint256 totalToday, uint256 cap);
    error CrossChainNotLaunched(uint8 phase);

    function phase() external view returns (uint8);
    /// @notice Reverts unless `trader` may open a position on `marketId` at `leverage` in the current phase.
    function checkOpen(address trader, uint256 marketId, uint256 leverage) external view;
    /// @notice Counts a collateral withdrawal against the Phase 1 caps (the vault only); reverts above them.
    function recordWithdrawal(address token, uint256 amount) external;
    /// @notice Reverts before Phase 3: no CCIP deposit, withdrawal, position update or liquidation before it.
    function checkCrossChain() external view;
}
