// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AccessControlDefaultAdminRulesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {ICrossChainVault, ILaunchControl, IPositionManager, ILiquidationEngine} from "./interfaces/IPlatform.sol";
import {LaunchGate} from "./libraries/LaunchGate.sol";

/// @notice Kinds of platform CCIP message; payload = abi.encode(MessageType, bytes body).
///         ASSET_DEPOSIT / ASSET_WITHDRAWAL body: abi.encode(address user, address sourceToken, uint256 amount,
///         uint256 nonce); the tokens travel as the message's CCIP token transfer (the delivered token and amount
///         are what gets credited). POSITION_UPDATE body:
///         abi.encode(uint256 remotePositionId, address trader, int256 sizeDelta). POSITION_LIQUIDATION body:
///         abi.encode(uint256 positionId).
enum MessageType {
    ASSET_DEPOSIT,
    ASSET_WITHDRAWAL,
    POSITION_UPDATE,
    POSITION_LIQUIDATION
}

/// @title CrossChainReceiver
/// @notice The platform's CCIP endpoint on one chain. Delivery (router only) checks the (source chain,
///         sender) allowlist and the messageId replay guard before anything else, then processes the
///         message in a self-call: a failure never reverts the delivery, the message is stored for retry.
///         More than 3 failures within one hour pause processing; while paused deliveries are stored as
///         pending, to be retried after the guardian unpauses.
contract CrossChainReceiver is CCIPReceiver, PlatformAccessUpgradeable {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Processing pauses when more than this many failures fall within FAILURE_WINDOW.
    uint256 public constant FAILURE_THRESHOLD = 3;
    uint256 public constant FAILURE_WINDOW = 1 hours;

    enum MessageStatus {
        Unknown,
        Processed,
        Failed, // processing reverted; stored for retry
        Pending // arrived while paused or before phase 3 (LaunchControl); stored for retry
    }

    // ------------------------------------------------------------------ storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.CrossChainReceiver
    struct CrossChainReceiverStorage {
        mapping(uint64 => bool) allowedSourceChains;
        mapping(address => bool) allowedSenders;
        mapping(bytes32 => MessageStatus) messageStatus;
        /// @dev abi.encode(Client.Any2EVMMessage) of each message awaiting retry.
        mapping(bytes32 => bytes) failedMessages;
        uint256 storedMessageCount;
        /// @dev Ring buffer of the last FAILURE_THRESHOLD + 1 failure timestamps.
        uint256[FAILURE_THRESHOLD + 1] _failureTimes;
        uint256 _failureCount;
        // set by initialize (immutables before the proxy)
        ICrossChainVault vault;
        IPositionManager positionManager;
        ILiquidationEngine liquidationEngine;
        // v3 (appended): the launch sequence (address 0: launched)
        ILaunchControl launchControl;
    }

    /// @dev ERC-7201 location of "ccperp.storage.CrossChainReceiver":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CROSSCHAINRECEIVER_STORAGE_LOCATION =
        0x86a759474bbbdf20ad159c67d1cdf75f22a102b81459c3986ce70dcd98ad7900;

    event AllowedSourceChainSet(uint64 indexed chainSelector, bool allowed);
    event AllowedSenderSet(address indexed sender, bool allowed);
    event MessageReceived(bytes32 indexed messageId, uint64 indexed sourceChainSelector, address indexed sender);
    event MessageProcessed(bytes32 indexed messageId, MessageType messageType);
    event MessageFailed(bytes32 indexed messageId, bytes reason);
    event MessagePending(bytes32 indexed messageId);
    event MessageRetried(bytes32 indexed messageId);
    event CrossChainProcessingPaused(uint256 failuresInWindow, uint256 timestamp);
    event FailureWindowReset();
    event MessageAwaitingLaunch(bytes32 indexed messageId);
    event LaunchControlSet(address indexed launchControl);

    error SourceChainNotAllowed(uint64 chainSelector);
    error SenderNotAllowed(address sender);
    error MessageAlreadyProcessed(bytes32 messageId);
    error MessageNotStored(bytes32 messageId);
    error OnlySelf();
    error MissingTokenTransfer(bytes32 messageId);

    /// @notice The CCIP router stays an immutable of the implementation: Chainlink's CCIPReceiver (whose onlyRouter
    ///         guards ccipReceive, and which the CCIP rules recognise) takes it in its constructor. It lives in the
    ///         implementation's code, not in the proxy's storage, so every new implementation of a deployed receiver
    ///         must be built with the same router (or the upgrade moves the receiver to another router).
    /// @custom:oz-upgrades-unsafe-allow constructor state-variable-immutable
    constructor(address router) CCIPReceiver(router) {}

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters
    ///         but the router (an argument of the implementation's constructor).
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address vault_, address positionManager_, address liquidationEngine_, address admin)
        external
        initializer
    {
        __PlatformAccess_init(admin);
        CrossChainReceiverStorage storage $ = _s();
        _requireNonZero(vault_);
        _requireNonZero(positionManager_);
        _requireNonZero(liquidationEngine_);
        $.vault = ICrossChainVault(vault_);
        $.positionManager = IPositionManager(positionManager_);
        $.liquidationEngine = ILiquidationEngine(liquidationEngine_);
        _grantRole(OPERATOR_ROLE, admin);
    }

    function _s() private pure returns (CrossChainReceiverStorage storage $) {
        assembly {
            $.slot := CROSSCHAINRECEIVER_STORAGE_LOCATION
        }
    }

    // ------------------------------------------------------------------ configuration

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setAllowedSourceChain(uint64 chainSelector, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().allowedSourceChains[chainSelector] = allowed;
        emit AllowedSourceChainSet(chainSelector, allowed);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setAllowedSender(address sender, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().allowedSenders[sender] = allowed;
        emit AllowedSenderSet(sender, allowed);
    }

    /// @notice The stack's LaunchControl (v3): before phase 3 deliveries are kept, not processed.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function setLaunchControl(address launch) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(launch);
        _s().launchControl = ILaunchControl(launch);
        emit LaunchControlSet(launch);
    }

    // ------------------------------------------------------------------ delivery

    /// @inheritdoc IAny2EVMMessageReceiver
    /// @custom:pause-exempt while paused a delivery is only checked and stored as pending (never processed,
    ///         never lost); reverting would leave the message stuck at the router
    function ccipReceive(Client.Any2EVMMessage calldata message) external override onlyRouter {
        _ccipReceive(message);
    }

    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        CrossChainReceiverStorage storage $ = _s();
        uint64 sourceChain = message.sourceChainSelector;
        if (!$.allowedSourceChains[sourceChain]) revert SourceChainNotAllowed(sourceChain);
        address sender = abi.decode(message.sender, (address));
        if (!$.allowedSenders[sender]) revert SenderNotAllowed(sender);
        bytes32 id = message.messageId;
        if ($.messageStatus[id] != MessageStatus.Unknown) revert MessageAlreadyProcessed(id);
        emit MessageReceived(id, sourceChain, sender);

        if (paused()) {
            _store(message, MessageStatus.Pending);
            emit MessagePending(id);
            return;
        }
        if (!LaunchGate.crossChainLive($.launchControl)) { // before phase 3: kept for retry, not a failure
            _store(message, MessageStatus.Pending);
            emit MessageAwaitingLaunch(id);
            return;
        }
        $.messageStatus[id] = MessageStatus.Processed;
        try this.processMessage(message) {}
        catch (bytes memory reason) {
            _store(message, MessageStatus.Failed);
            emit MessageFailed(id, reason);
            _recordFailure();
        }
    }

    /// @notice Processes one message; callable only by this contract (from ccipReceive's try/catch).
    function processMessage(Client.Any2EVMMessage calldata message) external whenNotPaused {
        if (msg.sender != address(this)) revert OnlySelf();
        _dispatch(message);
    }

    /// @notice Re-runs a stored (failed or pending) message; it is removed once it succeeds, and stays
    ///         stored (the call reverts) if it fails again.
    function retryFailedMessage(bytes32 messageId) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        CrossChainReceiverStorage storage $ = _s();
        bytes memory stored = $.failedMessages[messageId];
        if (stored.length == 0) revert MessageNotStored(messageId);
        delete $.failedMessages[messageId];
        $.messageStatus[messageId] = MessageStatus.Processed;
        $.storedMessageCount -= 1;
        _dispatch(abi.decode(stored, (Client.Any2EVMMessage)));
        emit MessageRetried(messageId);
    }

    function _dispatch(Client.Any2EVMMessage memory message) internal {
        CrossChainReceiverStorage storage $ = _s();
        LaunchGate.checkCrossChain($.launchControl); // a retry before phase 3 reverts: the message stays stored
        (MessageType kind, bytes memory body) = abi.decode(message.data, (MessageType, bytes));
        if (kind == MessageType.ASSET_DEPOSIT || kind == MessageType.ASSET_WITHDRAWAL) {
            (address user,,,) = abi.decode(body, (address, address, uint256, uint256));
            if (message.destTokenAmounts.length != 1) revert MissingTokenTransfer(message.messageId);
            address token = message.destTokenAmounts[0].token;
            uint256 amount = message.destTokenAmounts[0].amount;
            IERC20(token).safeTransfer(address($.vault), amount);
            if (kind == MessageType.ASSET_DEPOSIT) $.vault.creditCrossChainDeposit(user, token, amount);
            else $.vault.processCrossChainWithdrawal(user, token, amount);
        } else if (kind == MessageType.POSITION_UPDATE) {
            (uint256 remotePositionId, address trader, int256 sizeDelta) =
                abi.decode(body, (uint256, address, int256));
            $.positionManager.recordRemotePosition(message.sourceChainSelector, remotePositionId, trader, sizeDelta);
        } else {
            $.liquidationEngine.liquidateFromRemote(abi.decode(body, (uint256)));
        }
        emit MessageProcessed(message.messageId, kind);
    }

    function _store(Client.Any2EVMMessage memory message, MessageStatus status) internal {
        CrossChainReceiverStorage storage $ = _s();
        $.messageStatus[message.messageId] = status;
        $.failedMessages[message.messageId] = abi.encode(message);
        $.storedMessageCount += 1;
    }

    /// @dev Pauses when the last FAILURE_THRESHOLD + 1 failures all fall within FAILURE_WINDOW.
    function _recordFailure() internal {
        CrossChainReceiverStorage storage $ = _s();
        uint256 size = FAILURE_THRESHOLD + 1;
        $._failureTimes[$._failureCount % size] = block.timestamp;
        $._failureCount += 1;
        if ($._failureCount < size) return;
        uint256 oldest = $._failureTimes[$._failureCount % size];
        if (block.timestamp - oldest < FAILURE_WINDOW) {
            _pause();
            emit CrossChainProcessingPaused(size, block.timestamp);
        }
    }

    /// @dev Unpausing acknowledges the failures seen so far: the rolling window starts afresh.
    function _unpause() internal override {
        _s()._failureCount = 0;
        emit FailureWindowReset();
        super._unpause();
    }

    // ------------------------------------------------------------------ views

    function launchControl() external view returns (ILaunchControl) {
        return _s().launchControl;
    }

    function vault() external view returns (ICrossChainVault) {
        return _s().vault;
    }

    function positionManager() external view returns (IPositionManager) {
        return _s().positionManager;
    }

    function liquidationEngine() external view returns (ILiquidationEngine) {
        return _s().liquidationEngine;
    }

    function allowedSourceChains(uint64 chainSelector) external view returns (bool) {
        return _s().allowedSourceChains[chainSelector];
    }

    function allowedSenders(address sender) external view returns (bool) {
        return _s().allowedSenders[sender];
    }

    function messageStatus(bytes32 messageId) external view returns (MessageStatus) {
        return _s().messageStatus[messageId];
    }

    /// @notice abi.encode(Client.Any2EVMMessage) of each message awaiting retry.
    function failedMessages(bytes32 messageId) external view returns (bytes memory) {
        return _s().failedMessages[messageId];
    }

    function storedMessageCount() external view returns (uint256) {
        return _s().storedMessageCount;
    }

    function getFailedMessage(bytes32 messageId) external view returns (Client.Any2EVMMessage memory) {
        bytes memory stored = _s().failedMessages[messageId];
        if (stored.length == 0) revert MessageNotStored(messageId);
        return abi.decode(stored, (Client.Any2EVMMessage));
    }

    /// @notice Failures counted in the current rolling window (at most FAILURE_THRESHOLD + 1 are remembered).
    function recentFailures() external view returns (uint256 count) {
        CrossChainReceiverStorage storage $ = _s();
        uint256 size = FAILURE_THRESHOLD + 1;
        uint256 remembered = $._failureCount < size ? $._failureCount : size;
        for (uint256 i = 0; i < remembered; ++i) {
            uint256 t = $._failureTimes[($._failureCount - 1 - i) % size];
            if (block.timestamp - t < FAILURE_WINDOW) count++;
        }
    }

    /// @dev CCIPReceiver declares supportsInterface `pure`, AccessControl `view`: combine the ids here.
    function supportsInterface(bytes4 interfaceId)
        public
        pure
        override(CCIPReceiver, AccessControlDefaultAdminRulesUpgradeable)
        returns (bool)
    {
        return interfaceId == type(IAny2EVMMessageReceiver).interfaceId || interfaceId == type(IERC165).interfaceId
            || interfaceId == type(IAccessControl).interfaceId
            || interfaceId == type(IAccessControlDefaultAdminRules).interfaceId;
    }
}
