// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
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
contract PositionManager is PlatformAccessUpgradeable, IPositionManager {
    bytes32 public constant TRADING_ROLE = keccak256("TRADING_ROLE");
    bytes32 public constant RECEIVER_ROLE = keccak256("RECEIVER_ROLE");

    // ---------------------------------------------------------------- storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.PositionManager
    struct PositionManagerStorage {
        ICrossChainLendingPool lendingPool;
        IPerpetualTrading fundingSource; // PerpetualTrading: cumulative funding per market
        mapping(address asset => bytes32 feedId) assetFeed;
        uint256 nextPositionId;
        mapping(uint256 positionId => Position) _positions;
        uint256[] _openIds;
        mapping(uint256 positionId => uint256 indexPlusOne) _openIndex;
        /// @dev Net size of positions that live on another chain, per (source chain, remote id).
        mapping(uint64 sourceChain => mapping(uint256 remotePositionId => int256 size)) remoteSize;
        mapping(uint64 sourceChain => mapping(uint256 remotePositionId => address trader)) remoteTrader;
        IDataStreamOracle oracle; // set by initialize (an immutable before the proxy)
    }

    /// @dev ERC-7201 location of "ccperp.storage.PositionManager":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant POSITIONMANAGER_STORAGE_LOCATION =
        0x5c5c544716350531e0245dd3bd0842ddffcebd1188777dad5fa3a2220e1a9900;

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

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address oracle_, address admin) external initializer {
        __PlatformAccess_init(admin);
        PositionManagerStorage storage $ = _s();
        _requireNonZero(oracle_);
        $.oracle = IDataStreamOracle(oracle_);
        $.nextPositionId = 1;
    }

    function _s() private pure returns (PositionManagerStorage storage $) {
        assembly {
            $.slot := POSITIONMANAGER_STORAGE_LOCATION
        }
    }

    // ---------------------------------------------------------------- configuration

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setAssetFeed(address asset, bytes32 feedId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(asset);
        _s().assetFeed[asset] = feedId;
        emit AssetFeedSet(asset, feedId);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setLendingPool(address pool) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(pool);
        _s().lendingPool = ICrossChainLendingPool(pool);
        emit LendingPoolSet(pool);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setFundingSource(address trading) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(trading);
        _s().fundingSource = IPerpetualTrading(trading);
        emit FundingSourceSet(trading);
    }

    // ---------------------------------------------------------------- records (PerpetualTrading)

    function createPosition(Position calldata p)
        external
        onlyRole(TRADING_ROLE)
        whenNotPaused
        returns (uint256 positionId)
    {
        PositionManagerStorage storage $ = _s();
        if (p.trader == address(0) || p.size == 0 || p.entryPrice == 0 || p.indexAtBorrow == 0) {
            revert InvalidPosition();
        }
        positionId = $.nextPositionId++;
        Position storage s = $._positions[positionId];
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
        $._openIds.push(positionId);
        $._openIndex[positionId] = $._openIds.length;
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
        PositionManagerStorage storage $ = _s();
        Position storage s = _openPosition(positionId);
        s.open = false;
        uint256 idx = $._openIndex[positionId] - 1;
        uint256 last = $._openIds[$._openIds.length - 1];
        $._openIds[idx] = last;
        $._openIndex[last] = idx + 1;
        $._openIds.pop();
        delete $._openIndex[positionId];
        emit PositionClosed(positionId, s.trader);
    }

    // ---------------------------------------------------------------- records (CrossChainReceiver)

    function recordRemotePosition(uint64 sourceChain, uint256 remotePositionId, address trader, int256 sizeDelta)
        external
        onlyRole(RECEIVER_ROLE)
        whenNotPaused
    {
        PositionManagerStorage storage $ = _s();
        _requireNonZero(trader);
        address known = $.remoteTrader[sourceChain][remotePositionId];
        if (known == address(0)) $.remoteTrader[sourceChain][remotePositionId] = trader;
        else if (known != trader) revert InvalidPosition();
        int256 newSize = $.remoteSize[sourceChain][remotePositionId] + sizeDelta;
        $.remoteSize[sourceChain][remotePositionId] = newSize;
        emit RemotePositionRecorded(sourceChain, remotePositionId, trader, sizeDelta, newSize);
    }

    // ---------------------------------------------------------------- views

    function oracle() external view returns (IDataStreamOracle) {
        return _s().oracle;
    }

    function lendingPool() external view returns (ICrossChainLendingPool) {
        return _s().lendingPool;
    }

    /// @notice PerpetualTrading: cumulative funding per market.
    function fundingSource() external view returns (IPerpetualTrading) {
        return _s().fundingSource;
    }

    function assetFeed(address asset) external view returns (bytes32 feedId) {
        return _s().assetFeed[asset];
    }

    function nextPositionId() external view returns (uint256) {
        return _s().nextPositionId;
    }

    /// @notice Net size of positions that live on another chain, per (source chain, remote id).
    function remoteSize(uint64 sourceChain, uint256 remotePositionId) external view returns (int256 size) {
        return _s().remoteSize[sourceChain][remotePositionId];
    }

    function remoteTrader(uint64 sourceChain, uint256 remotePositionId) external view returns (address trader) {
        return _s().remoteTrader[sourceChain][remotePositionId];
    }

    /// @notice HF (WAD) at the oracle's current price; reverts when the oracle may not be used
    ///         (stale / circuit breaker), so nobody is liquidated on a price the oracle refuses.
    function calculateHealthFactor(uint256 positionId) external view returns (uint256 hfWad) {
        return _state(positionId).healthFactor;
    }

    function positionState(uint256 positionId) external view returns (PositionState memory) {
        return _state(positionId);
    }

    function getPosition(uint256 positionId) external view returns (Position memory) {
        PositionManagerStorage storage $ = _s();
        if ($._positions[positionId].trader == address(0)) revert UnknownPosition(positionId);
        return $._positions[positionId];
    }

    function openPositionIds() external view returns (uint256[] memory) {
        return _s()._openIds;
    }

    function openPositionCount() external view returns (uint256) {
        return _s()._openIds.length;
    }

    function isOpen(uint256 positionId) external view returns (bool) {
        return _s()._positions[positionId].open;
    }

    // ---------------------------------------------------------------- internals

    function _openPosition(uint256 positionId) internal view returns (Position storage s) {
        s = _s()._positions[positionId];
        if (s.trader == address(0)) revert UnknownPosition(positionId);
        if (!s.open) revert PositionNotOpen(positionId);
    }

    function _state(uint256 positionId) internal view returns (PositionState memory st) {
        PositionManagerStorage storage $ = _s();
        Position storage p = _openPosition(positionId);
        if (address($.lendingPool) == address(0) || address($.fundingSource) == address(0)) revert NotWired();
        st.price = $.oracle.getPrice(p.feedId);
        st.value = PerpMath.positionValue(p.size, p.entryPrice, st.price, p.isLong);
        st.debt = p.principal == 0 ? 0 : $.lendingPool.debtOf(p.token, p.principal, p.indexAtBorrow);
        st.fundingOwed = PerpMath.fundingOwed(
            p.size, $.fundingSource.currentCumulativeFunding(p.marketId), p.entryFunding, p.isLong
        );
        st.equity = PerpMath.equity(st.value, st.debt, st.fundingOwed);
        st.requirement = PerpMath.maintenanceRequirement(p.size, p.entryPrice, st.price, p.mmBps);
        st.healthFactor = PerpMath.healthFactor(st.equity, st.requirement);
    }
}
