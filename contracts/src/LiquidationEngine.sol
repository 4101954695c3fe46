// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {LaunchGate} from "./libraries/LaunchGate.sol";
import {RiskBands} from "./libraries/RiskBands.sol";
import {
    IDataStreamOracle,
    ICrossChainVault,
    ILaunchControl,
    IPerpetualTrading,
    IPositionManager,
    ILiquidationEngine
} from "./interfaces/IPlatform.sol";

/// @title LiquidationEngine
/// @notice Chainlink Automation target that finds liquidatable positions (checkUpkeep, off-chain simulation)
///         and liquidates them (performUpkeep). performData is untrusted input: every id is re-validated
///         on-chain (PerpetualTrading.isLiquidatable) before it is liquidated, healthy ones are skipped, and
///         one failing liquidation does not block the others.
contract LiquidationEngine is PlatformAccessUpgradeable, AutomationCompatibleInterface, ILiquidationEngine {
    bytes32 public constant LIQUIDATOR_ROLE = keccak256("LIQUIDATOR_ROLE");
    bytes32 public constant RECEIVER_ROLE = keccak256("RECEIVER_ROLE");
    /// @notice At most this many ids are returned by checkUpkeep (keeps performUpkeep's gas bounded).
    uint256 public constant MAX_BATCH = 20;

    // ---------------------------------------------------------------- storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.LiquidationEngine
    struct LiquidationEngineStorage {
        IPerpetualTrading perpetualTrading;
        uint256 liquidationInterval;
        uint256 lastUpkeep;
        mapping(address asset => bytes32 feedId) assetFeed;
        // set by initialize (immutables before the proxy)
        IPositionManager positionManager;
        IDataStreamOracle oracle;
        ICrossChainVault vault;
        // v2 (appended): the keeper's batch size, configurable below MAX_BATCH (0 = MAX_BATCH)
        uint256 maxBatch;
        // v3 (appended): the Automation forwarder (once set, the only caller of performUpkeep) and the launch
        // sequence (address 0: launched)
        address forwarder;
        ILaunchControl launchControl;
    }

    /// @dev ERC-7201 location of "ccperp.storage.LiquidationEngine":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LIQUIDATIONENGINE_STORAGE_LOCATION =
        0x5b27d0f659476a4dc7a0857e3b204b234441d4b5dea237d5578d313b978cf500;

    // ---------------------------------------------------------------- events
    event PerpetualTradingSet(address indexed trading);
    event AssetFeedSet(address indexed asset, bytes32 indexed feedId);
    event LiquidationIntervalSet(uint256 interval);
    event LiquidatorAuthorized(address indexed liquidator);
    event LiquidatorRevoked(address indexed liquidator);
    event MaxBatchSet(uint256 maxBatch);
    event ForwarderSet(address indexed forwarder);
    event LaunchControlSet(address indexed launchControl);
    event UpkeepPerformed(address indexed caller, uint256 requested, uint256 liquidated);
    event LiquidationExecuted(uint256 indexed positionId, address indexed caller);
    event LiquidationSkipped(uint256 indexed positionId);
    event LiquidationFailed(uint256 indexed positionId, bytes reason);
    event RemoteLiquidationRequested(uint256 indexed positionId, bool executed);

    // ---------------------------------------------------------------- errors
    error NotLiquidatable(uint256 positionId);
    error NotWired();
    error InvalidMaxBatch(uint256 maxBatch);
    error IntervalOutsideBand(uint256 interval);
    error NotForwarder(address caller, address forwarder);

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address positionManager_, address oracle_, address vault_, address admin)
        external
        initializer
    {
        __PlatformAccess_init(admin);
        LiquidationEngineStorage storage $ = _s();
        _requireNonZero(positionManager_);
        _requireNonZero(oracle_);
        _requireNonZero(vault_);
        $.positionManager = IPositionManager(positionManager_);
        $.oracle = IDataStreamOracle(oracle_);
        $.vault = ICrossChainVault(vault_);
    }

    function _s() private pure returns (LiquidationEngineStorage storage $) {
        assembly {
            $.slot := LIQUIDATIONENGINE_STORAGE_LOCATION
        }
    }

    // ---------------------------------------------------------------- configuration

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setPerpetualTrading(address trading) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(trading);
        _s().perpetualTrading = IPerpetualTrading(trading);
        emit PerpetualTradingSet(trading);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setAssetFeed(address asset, bytes32 feedId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(asset);
        _s().assetFeed[asset] = feedId;
        emit AssetFeedSet(asset, feedId);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setLiquidationInterval(uint256 interval) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!RiskBands.liquidationIntervalInBand(interval)) revert IntervalOutsideBand(interval);
        _s().liquidationInterval = interval;
        emit LiquidationIntervalSet(interval);
    }

    /// @notice The upkeep's Automation forwarder (v3), from the registry once the upkeep is registered: from then
    ///         on performUpkeep accepts no other caller (before it, LIQUIDATOR_ROLE holders, as in v1/v2).
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setForwarder(address forwarder_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(forwarder_);
        _s().forwarder = forwarder_;
        emit ForwarderSet(forwarder_);
    }

    /// @notice The stack's LaunchControl (v3): cross-chain liquidations wait for phase 3.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setLaunchControl(address launch) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(launch);
        _s().launchControl = ILaunchControl(launch);
        emit LaunchControlSet(launch);
    }

    /// @notice Authorises a liquidator bot or the Automation forwarder to call performUpkeep / liquidate.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function authorizeLiquidator(address liquidator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(liquidator);
        _grantRole(LIQUIDATOR_ROLE, liquidator);
        emit LiquidatorAuthorized(liquidator);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function revokeLiquidator(address liquidator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _revokeRole(LIQUIDATOR_ROLE, liquidator);
        emit LiquidatorRevoked(liquidator);
    }

    // ---------------------------------------------------------------- Automation

    /// @notice Upkeep is needed when the interval has elapsed and at least one open position is liquidatable.
    ///         Positions whose health cannot be read (oracle refuses a price) are left out.
    /// @return upkeepNeeded whether performUpkeep should be called
    /// @return performData abi.encode(uint256[] ids) of up to maxBatch() liquidatable positions
    function checkUpkeep(bytes calldata)
        external
        view
        override
        returns (bool upkeepNeeded, bytes memory performData)
    {
        LiquidationEngineStorage storage $ = _s();
        if (address($.perpetualTrading) == address(0)) return (false, "");
        if (block.timestamp < $.lastUpkeep + $.liquidationInterval) return (false, "");
        uint256[] memory open = $.perpetualTrading.openPositionIds();
        uint256 batch = _batch();
        uint256[] memory ids = new uint256[](open.length < batch ? open.length : batch);
        uint256 n;
        for (uint256 i; i < open.length && n < ids.length; ++i) {
            try $.perpetualTrading.isLiquidatable(open[i]) returns (bool yes) {
                if (yes) ids[n++] = open[i];
            } catch {}
        }
        assembly ("memory-safe") {
            mstore(ids, n)
        }
        return (n > 0, abi.encode(ids));
    }

    /// @notice Liquidates the ids in `performData` that are liquidatable NOW; healthy ones are skipped and
    ///         a failing one does not block the rest.
    function performUpkeep(bytes calldata performData) external override whenNotPaused {
        _checkUpkeepCaller();
        IPerpetualTrading trading = _trading();
        uint256[] memory ids = abi.decode(performData, (uint256[]));
        _s().lastUpkeep = block.timestamp;
        uint256 done;
        uint256 batch = _batch();
        for (uint256 i; i < ids.length && i < batch; ++i) {
            if (_tryLiquidate(trading, ids[i])) ++done;
        }
        emit UpkeepPerformed(msg.sender, ids.length, done);
    }

    /// @notice Sets how many positions one upkeep checks and liquidates (v2), 1..MAX_BATCH: a smaller batch keeps
    ///         performUpkeep under the Automation gas limit on a chain with expensive liquidations.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setMaxBatch(uint256 maxBatch_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maxBatch_ == 0 || maxBatch_ > MAX_BATCH) revert InvalidMaxBatch(maxBatch_);
        _s().maxBatch = maxBatch_;
        emit MaxBatchSet(maxBatch_);
    }

    function maxBatch() external view returns (uint256) {
        return _batch();
    }

    function _batch() private view returns (uint256) {
        uint256 configured = _s().maxBatch;
        return configured == 0 ? MAX_BATCH : configured;
    }

    /// @notice Liquidates one position; reverts when it is not liquidatable.
    function liquidate(uint256 positionId) external onlyRole(LIQUIDATOR_ROLE) whenNotPaused {
        IPerpetualTrading trading = _trading();
        if (!trading.isLiquidatable(positionId)) revert NotLiquidatable(positionId);
        trading.liquidatePosition(positionId);
        emit LiquidationExecuted(positionId, msg.sender);
    }

    /// @notice A liquidation requested from another chain (CrossChainReceiver); re-validated here, a healthy
    ///         position is skipped (no revert: the message is not worth retrying).
    function liquidateFromRemote(uint256 positionId) external onlyRole(RECEIVER_ROLE) whenNotPaused {
        LaunchGate.checkCrossChain(_s().launchControl);
        IPerpetualTrading trading = _trading();
        bool executed;
        if (trading.isLiquidatable(positionId)) {
            trading.liquidatePosition(positionId);
            executed = true;
            emit LiquidationExecuted(positionId, msg.sender);
        } else {
            emit LiquidationSkipped(positionId);
        }
        emit RemoteLiquidationRequested(positionId, executed);
    }

    /// @dev The forwarder once one is set (Automation's own caller), else a LIQUIDATOR_ROLE holder.
    function _checkUpkeepCaller() private view {
        address forwarder_ = _s().forwarder;
        if (forwarder_ == address(0)) _checkRole(LIQUIDATOR_ROLE);
        else if (msg.sender != forwarder_) revert NotForwarder(msg.sender, forwarder_);
    }

    // ---------------------------------------------------------------- views

    function forwarder() external view returns (address) {
        return _s().forwarder;
    }

    function launchControl() external view returns (ILaunchControl) {
        return _s().launchControl;
    }

    function positionManager() external view returns (IPositionManager) {
        return _s().positionManager;
    }

    function oracle() external view returns (IDataStreamOracle) {
        return _s().oracle;
    }

    function vault() external view returns (ICrossChainVault) {
        return _s().vault;
    }

    function perpetualTrading() external view returns (IPerpetualTrading) {
        return _s().perpetualTrading;
    }

    function liquidationInterval() external view returns (uint256) {
        return _s().liquidationInterval;
    }

    function lastUpkeep() external view returns (uint256) {
        return _s().lastUpkeep;
    }

    function assetFeed(address asset) external view returns (bytes32 feedId) {
        return _s().assetFeed[asset];
    }

    /// @notice Oracle price (WAD) of an asset mapped with setAssetFeed.
    function assetPrice(address asset) external view returns (uint256) {
        LiquidationEngineStorage storage $ = _s();
        return $.oracle.getPrice($.assetFeed[asset]);
    }

    function healthFactor(uint256 positionId) external view returns (uint256) {
        return _s().positionManager.calculateHealthFactor(positionId);
    }

    // ---------------------------------------------------------------- internals

    function _trading() internal view returns (IPerpetualTrading t) {
        t = _s().perpetualTrading;
        if (address(t) == address(0)) revert NotWired();
    }

    function _tryLiquidate(IPerpetualTrading trading, uint256 id) internal returns (bool) {
        try trading.isLiquidatable(id) returns (bool yes) {
            if (!yes) {
                emit LiquidationSkipped(id);
                return false;
            }
        } catch (bytes memory reason) {
            emit LiquidationFailed(id, reason);
            return false;
        }
        try trading.liquidatePosition(id) {
            emit LiquidationExecuted(id, msg.sender);
            return true;
        } catch (bytes memory reason) {
            emit LiquidationFailed(id, reason);
            return false;
        }
    }
}
