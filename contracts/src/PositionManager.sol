// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformAccess} from "./access/PlatformAccess.sol";
import {PerpMath} from "./libraries/PerpMath.sol";
import {
    IDataStreamOracle,
    ICrossChainLendingPool,
    IPerpetualTrading,
    IPositionManager
} from "./interfaces/IPlatform.sol";

/// @title PositionManager
/// @notice The book of position records and the one place the platform's health factor is computed
///         (docs/platform.md §1): HF = equity / maintenance requirement, all of it PerpMath.
///         Records are written by PerpetualTrading (TRADING_ROLE) and, for positions living on another
///         chain, by CrossChainReceiver (RECEIVER_ROLE).
contract PositionManager is PlatformAccess, IPositionManager {
    bytes32 public constant TRADING_ROLE = keccak256("TRADING_ROLE");
    bytes32 public constant RECEIVER_ROLE = keccak256("RECEIVER_ROLE");

    // ---------------------------------------------------------------- storage (append only)
    IDataStreamOracle public immutable oracle;
    ICrossChainLendingPool public lendingPool;
    IPerpetualTrading public fundingSource; // PerpetualTrading: cumulative funding per market
    mapping(address asset => bytes32 feedId) public assetFeed;
    uint256 public nextPositionId;
    mapping(uint256 positionId => Position) internal _positions;
    uint256[] internal _openIds;
    mapping(uint256 positionId => uint256 indexPlusOne) internal _openIndex;
    /// @notice Net size of positions that live on another chain, per (source chain, remote id).
    mapping(uint64 sourceChain => mapping(uint256 remotePositionId => int256 size)) public remoteSize;
    mapping(uint64 sourceChain => mapping(uint256 remotePositionId => address trader)) public remoteTrader;

    // ---------------------------------------------------------------- events
    event AssetFeedSet(address indexed asset, bytes32 indexed feedId);
    event LendingPoolSet(address indexed pool);
    event FundingSourceSet(address indexed trading);
    event PositionCreated(
        uint256 indexed positionId,
        address indexed trader,
        uint256 indexed marketId,
        bool isLong,
        uint256 size,
        uint256 entryPrice,
        uint256 collateral,
        uint256 principal
    );
    event PositionUpdated(uint256 indexed positionId, uint256 collateral, uint256 principal, uint256 indexAtBorrow);
    event PositionClosed(uint256 indexed positionId, address indexed trader);
    event RemotePositionRecorded(
        uint64 indexed sourceChain, uint256 indexed remotePositionId, address indexed trader, int256 sizeDelta, int256 newSize
    );

    // ---------------------------------------------------------------- errors
    error UnknownPosition(uint256 positionId);
    error PositionNotOpen(uint256 positionId);
    error InvalidPosition();
    error NotWired();

    constructor(address oracle_, address admin) PlatformAccess(admin) {
        _requireNonZero(oracle_);
        oracle = IDataStreamOracle(oracle_);
        nextPositionId = 1;
    }

    // ---------------------------------------------------------------- configuration

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setAssetFeed(address asset, bytes32 feedId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(asset);
        assetFeed[asset] = feedId;
        emit AssetFeedSet(asset, feedId);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setLendingPool(address pool) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(pool);
        lendingPool = ICrossChainLendingPool(pool);
        emit LendingPoolSet(pool);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setFundingSource(address trading) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(trading);
        fundingSource = IPerpetualTrading(trading);
        emit FundingSourceSet(trading);
    }

    // ---------------------------------------------------------------- records (PerpetualTrading)

    function createPosition(Position calldata p)
        external
        onlyRole(TRADING_ROLE)
        whenNotPaused
        returns (uint256 positionId)
    {
        if (p.trader == address(0) || p.size == 0 || p.entryPrice == 0 || p.indexAtBorrow == 0) {
            revert InvalidPosition();
        }
        positionId = nextPositionId++;
        Position storage s = _positions[positionId];
        s.trader = p.trader;
        s.token = p.token;
        s.marketId = p.marketId;
        s.feedId = p.feedId;
        s.isLong = p.isLong;
        s.size = p.size;
        s.entryPrice = p.entryPrice;
        s.collateral = p.collateral;
        s.principal = p.principal;
        s.indexAtBorrow = p.indexAtBorrow;
        s.entryFunding = p.entryFunding;
        s.mmBps = p.mmBps;
        s.open = true;
        _openIds.push(positionId);
        _openIndex[positionId] = _openIds.length;
        emit PositionCreated(
            positionId, p.trader, p.marketId, p.isLong, p.size, p.entryPrice, p.collateral, p.principal
        );
    }

    function updatePosition(uint256 positionId, uint256 collateral, uint256 principal, uint256 indexAtBorrow)
        external
        onlyRole(TRADING_ROLE)
        whenNotPaused
    {
        Position storage s = _openPosition(positionId);
        if (indexAtBorrow == 0) revert InvalidPosition();
        s.collateral = collateral;
        s.principal = principal;
        s.indexAtBorrow = indexAtBorrow;
        emit PositionUpdated(positionId, collateral, principal, indexAtBorrow);
    }

    /// @custom:pause-exempt liquidations continue during a pause (PerpetualTrading.liquidatePosition) and must
    ///         be able to close the record they settled
    function closePosition(uint256 positionId) external onlyRole(TRADING_ROLE) {
        Position storage s = _openPosition(positionId);
        s.open = false;
        uint256 idx = _openIndex[positionId] - 1;
        uint256 last = _openIds[_openIds.length - 1];
        _openIds[idx] = last;
        _openIndex[last] = idx + 1;
        _openIds.pop();
        delete _openIndex[positionId];
        emit PositionClosed(positionId, s.trader);
    }

    // ---------------------------------------------------------------- records (CrossChainReceiver)

    function recordRemotePosition(uint64 sourceChain, uint256 remotePositionId, address trader, int256 sizeDelta)
        external
        onlyRole(RECEIVER_ROLE)
        whenNotPaused
    {
        _requireNonZero(trader);
        address known = remoteTrader[sourceChain][remotePositionId];
        if (known == address(0)) remoteTrader[sourceChain][remotePositionId] = trader;
        else if (known != trader) revert InvalidPosition();
        int256 newSize = remoteSize[sourceChain][remotePositionId] + sizeDelta;
        remoteSize[sourceChain][remotePositionId] = newSize;
        emit RemotePositionRecorded(sourceChain, remotePositionId, trader, sizeDelta, newSize);
    }

    // ---------------------------------------------------------------- views

    /// @notice HF (WAD) at the oracle's current price; reverts when the oracle may not be used
    ///         (stale / circuit breaker), so nobody is liquidated on a price the oracle refuses.
    function calculateHealthFactor(uint256 positionId) external view returns (uint256 hfWad) {
        return _state(positionId).healthFactor;
    }

    function positionState(uint256 positionId) external view returns (PositionState memory) {
        return _state(positionId);
    }

    function getPosition(uint256 positionId) external view returns (Position memory) {
        if (_positions[positionId].trader == address(0)) revert UnknownPosition(positionId);
        return _positions[positionId];
    }

    function openPositionIds() external view returns (uint256[] memory) {
        return _openIds;
    }

    function openPositionCount() external view returns (uint256) {
        return _openIds.length;
    }

    function isOpen(uint256 positionId) external view returns (bool) {
        return _positions[positionId].open;
    }

    // ---------------------------------------------------------------- internals

    function _openPosition(uint256 positionId) internal view returns (Position storage s) {
        s = _positions[positionId];
        if (s.trader == address(0)) revert UnknownPosition(positionId);
        if (!s.open) revert PositionNotOpen(positionId);
    }

    function _state(uint256 positionId) internal view returns (PositionState memory st) {
        Position storage p = _openPosition(positionId);
        if (address(lendingPool) == address(0) || address(fundingSource) == address(0)) revert NotWired();
        st.price = oracle.getPrice(p.feedId);
        st.value = PerpMath.positionValue(p.size, p.entryPrice, st.price, p.isLong);
        st.debt = p.principal == 0 ? 0 : lendingPool.debtOf(p.token, p.principal, p.indexAtBorrow);
        st.fundingOwed = PerpMath.fundingOwed(
            p.size, fundingSource.currentCumulativeFunding(p.marketId), p.entryFunding, p.isLong
        );
        st.equity = PerpMath.equity(st.value, st.debt, st.fundingOwed);
        st.requirement = PerpMath.maintenanceRequirement(p.size, p.entryPrice, st.price, p.mmBps);
        st.healthFactor = PerpMath.healthFactor(st.equity, st.requirement);
    }
}
