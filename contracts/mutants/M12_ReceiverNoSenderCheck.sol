// SPDX-License-Identifier: MIT
/// @custom:mutant-of src/CrossChainReceiver.sol
/// @custom:breaks CCIP-02
/// @custom:description the sender allowlist check is missing: any contract on an allowed chain can deliver messages
pragma solidity 0.8.24;

import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {PlatformAccess} from "./access/PlatformAccess.sol";
import {ICrossChainVault, IPositionManager, ILiquidationEngine} from "./interfaces/IPlatform.sol";

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
contract CrossChainReceiver is CCIPReceiver, PlatformAccess {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Processing pauses when more than this many failures fall within FAILURE_WINDOW.
    uint256 public constant FAILURE_THRESHOLD = 3;
    uint256 public constant FAILURE_WINDOW = 1 hours;

    enum MessageStatus {
        Unknown,
        Processed,
        Failed, // processing reverted; stored for retry
        Pending // arrived while paused; stored for retry
    }

    ICrossChainVault public immutable vault;
    IPositionManager public immutable positionManager;
    ILiquidationEngine public immutable liquidationEngine;

    mapping(uint64 => bool) public allowedSourceChains;
    mapping(address => bool) public allowedSenders;
    mapping(bytes32 => MessageStatus) public messageStatus;
    /// @notice abi.encode(Client.Any2EVMMessage) of each message awaiting retry.
    mapping(bytes32 => bytes) public failedMessages;
    uint256 public storedMessageCount;

    /// @dev Ring buffer of the last FAILURE_THRESHOLD + 1 failure timestamps.
    uint256[FAILURE_THRESHOLD + 1] internal _failureTimes;
    uint256 internal _failureCount;

    event AllowedSourceChainSet(uint64 indexed chainSelector, bool allowed);
    event AllowedSenderSet(address indexed sender, bool allowed);
    event MessageReceived(bytes32 indexed messageId, uint64 indexed sourceChainSelector, address indexed sender);
    event MessageProcessed(bytes32 indexed messageId, MessageType messageType);
    event MessageFailed(bytes32 indexed messageId, bytes reason);
    event MessagePending(bytes32 indexed messageId);
    event MessageRetried(bytes32 indexed messageId);
    event CrossChainProcessingPaused(uint256 failuresInWindow, uint256 timestamp);
    event FailureWindowReset();

    error SourceChainNotAllowed(uint64 chainSelector);
    error SenderNotAllowed(address sender);
    error MessageAlreadyProcessed(bytes32 messageId);
    error MessageNotStored(bytes32 messageId);
    error OnlySelf();
    error MissingTokenTransfer(bytes32 messageId);

    constructor(address router, address vault_, address positionManager_, address liquidationEngine_, address admin)
        CCIPReceiver(router)
        PlatformAccess(admin)
    {
        _requireNonZero(vault_);
        _requireNonZero(positionManager_);
        _requireNonZero(liquidationEngine_);
        vault = ICrossChainVault(vault_);
        positionManager = IPositionManager(positionManager_);
        liquidationEngine = ILiquidationEngine(liquidationEngine_);
        _grantRole(OPERATOR_ROLE, admin);
    }

    // ------------------------------------------------------------------ configuration

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setAllowedSourceChain(uint64 chainSelector, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        allowedSourceChains[chainSelector] = allowed;
        emit AllowedSourceChainSet(chainSelector, allowed);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setAllowedSender(address sender, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        allowedSenders[sender] = allowed;
        emit AllowedSenderSet(sender, allowed);
    }

    // ------------------------------------------------------------------ delivery

    /// @inheritdoc IAny2EVMMessageReceiver
    /// @custom:pause-exempt while paused a delivery is only checked and stored as pending (never processed,
    ///         never lost); reverting would leave the message stuck at the router
    function ccipReceive(Client.Any2EVMMessage calldata message) external override onlyRouter {
        _ccipReceive(message);
    }

    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        uint64 sourceChain = message.sourceChainSelector;
        if (!allowedSourceChains[sourceChain]) revert SourceChainNotAllowed(sourceChain);
        address sender = abi.decode(message.sender, (address));
        bytes32 id = message.messageId;
        if (messageStatus[id] != MessageStatus.Unknown) revert MessageAlreadyProcessed(id);
        emit MessageReceived(id, sourceChain, sender);

        if (paused()) {
            _store(message, MessageStatus.Pending);
            emit MessagePending(id);
            return;
        }
        messageStatus[id] = MessageStatus.Processed;
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
        bytes memory stored = failedMessages[messageId];
        if (stored.length == 0) revert MessageNotStored(messageId);
        delete failedMessages[messageId];
        messageStatus[messageId] = MessageStatus.Processed;
        storedMessageCount -= 1;
        _dispatch(abi.decode(stored, (Client.Any2EVMMessage)));
        emit MessageRetried(messageId);
    }

    function _dispatch(Client.Any2EVMMessage memory message) internal {
        (MessageType kind, bytes memory body) = abi.decode(message.data, (MessageType, bytes));
        if (kind == MessageType.ASSET_DEPOSIT || kind == MessageType.ASSET_WITHDRAWAL) {
            (address user,,,) = abi.decode(body, (address, address, uint256, uint256));
            if (message.destTokenAmounts.length != 1) revert MissingTokenTransfer(message.messageId);
            address token = message.destTokenAmounts[0].token;
            uint256 amount = message.destTokenAmounts[0].amount;
            IERC20(token).safeTransfer(address(vault), amount);
            if (kind == MessageType.ASSET_DEPOSIT) vault.creditCrossChainDeposit(user, token, amount);
            else vault.processCrossChainWithdrawal(user, token, amount);
        } else if (kind == MessageType.POSITION_UPDATE) {
            (uint256 remotePositionId, address trader, int256 sizeDelta) =
                abi.decode(body, (uint256, address, int256));
            positionManager.recordRemotePosition(message.sourceChainSelector, remotePositionId, trader, sizeDelta);
        } else {
            liquidationEngine.liquidateFromRemote(abi.decode(body, (uint256)));
        }
        emit MessageProcessed(message.messageId, kind);
    }

    function _store(Client.Any2EVMMessage memory message, MessageStatus status) internal {
        messageStatus[message.messageId] = status;
        failedMessages[message.messageId] = abi.encode(message);
        storedMessageCount += 1;
    }

    /// @dev Pauses when the last FAILURE_THRESHOLD + 1 failures all fall within FAILURE_WINDOW.
    function _recordFailure() internal {
        uint256 size = FAILURE_THRESHOLD + 1;
        _failureTimes[_failureCount % size] = block.timestamp;
        _failureCount += 1;
        if (_failureCount < size) return;
        uint256 oldest = _failureTimes[_failureCount % size];
        if (block.timestamp - oldest < FAILURE_WINDOW) {
            _pause();
            emit CrossChainProcessingPaused(size, block.timestamp);
        }
    }

    /// @dev Unpausing acknowledges the failures seen so far: the rolling window starts afresh.
    function _unpause() internal override {
        _failureCount = 0;
        emit FailureWindowReset();
        super._unpause();
    }

    // ------------------------------------------------------------------ views

    function getFailedMessage(bytes32 messageId) external view returns (Client.Any2EVMMessage memory) {
        bytes memory stored = failedMessages[messageId];
        if (stored.length == 0) revert MessageNotStored(messageId);
        return abi.decode(stored, (Client.Any2EVMMessage));
    }

    /// @notice Failures counted in the current rolling window (at most FAILURE_THRESHOLD + 1 are remembered).
    function recentFailures() external view returns (uint256 count) {
        uint256 size = FAILURE_THRESHOLD + 1;
        uint256 remembered = _failureCount < size ? _failureCount : size;
        for (uint256 i = 0; i < remembered; ++i) {
            uint256 t = _failureTimes[(_failureCount - 1 - i) % size];
            if (block.timestamp - t < FAILURE_WINDOW) count++;
        }
    }

    /// @dev CCIPReceiver declares supportsInterface `pure`, AccessControl `view`: combine the ids here.
    function supportsInterface(bytes4 interfaceId)
        public
        pure
        override(CCIPReceiver, AccessControlDefaultAdminRules)
        returns (bool)
    {
        return interfaceId == type(IAny2EVMMessageReceiver).interfaceId || interfaceId == type(IERC165).interfaceId
            || interfaceId == type(IAccessControl).interfaceId
            || interfaceId == type(IAccessControlDefaultAdminRules).interfaceId;
    }
}
