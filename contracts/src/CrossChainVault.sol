// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";

import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {ICrossChainVault, ILaunchControl} from "./interfaces/IPlatform.sol";
import {LaunchGate} from "./libraries/LaunchGate.sol";
import {MessageType} from "./CrossChainReceiver.sol";

/// @title CrossChainVault
/// @notice Holds traders' collateral per (user, token). Free collateral is deposited and withdrawn here;
///         PerpetualTrading (TRADING_ROLE) locks it as margin and releases it back; CrossChainReceiver
///         (RECEIVER_ROLE) credits deposits and pays withdrawals that arrived from another chain.
///         Cross-chain transfers send the tokens themselves as a CCIP token transfer with the message,
///         fees paid in LINK held by the vault. Invariant: the vault's token balance >= totalCollateral.
contract CrossChainVault is PlatformAccessUpgradeable, ReentrancyGuardUpgradeable, ICrossChainVault {
    using SafeERC20 for IERC20;

    bytes32 public constant TRADING_ROLE = keccak256("TRADING_ROLE");
    bytes32 public constant RECEIVER_ROLE = keccak256("RECEIVER_ROLE");
    uint32 public constant DEFAULT_CCIP_GAS_LIMIT = 500_000;

    // ------------------------------------------------------------------ storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.CrossChainVault
    struct CrossChainVaultStorage {
        mapping(address => bool) supportedTokens;
        mapping(uint64 => bool) supportedChains;
        /// @dev CrossChainReceiver on each destination chain.
        mapping(uint64 => address) remoteReceivers;
        mapping(address => mapping(address => uint256)) _collateral;
        /// @dev Sum of all users' free collateral per token (what the vault owes).
        mapping(address => uint256) totalCollateral;
        uint32 ccipGasLimit; // DEFAULT_CCIP_GAS_LIMIT from initialize
        /// @dev Counter carried in every outgoing message, so two identical transfers are distinct messages.
        uint256 messageNonce;
        // set by initialize (immutables before the proxy)
        IRouterClient router;
        IERC20 linkToken;
        // v3 (appended): the launch sequence (address 0: launched)
        ILaunchControl launchControl;
    }

    /// @dev ERC-7201 location of "ccperp.storage.CrossChainVault":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CROSSCHAINVAULT_STORAGE_LOCATION =
        0x3d22df9c2292e716ac90e5c0dd03b42e7716b02438bd03998ae82e885a403700;

    event TokenSupportSet(address indexed token, bool supported);
    event ChainSupportSet(uint64 indexed chainSelector, bool supported);
    event RemoteReceiverSet(uint64 indexed chainSelector, address receiver);
    event CcipGasLimitSet(uint32 gasLimit);
    event LaunchControlSet(address indexed launchControl);
    event CollateralDeposited(address indexed user, address indexed token, uint256 amount);
    event CollateralWithdrawn(address indexed user, address indexed token, uint256 amount);
    event CollateralLocked(address indexed user, address indexed token, uint256 amount, address indexed to);
    event CollateralReleased(address indexed user, address indexed token, uint256 amount, address indexed from);
    event CrossChainDepositCredited(address indexed user, address indexed token, uint256 amount);
    event CrossChainWithdrawalPaid(address indexed user, address indexed token, uint256 amount);
    event CrossChainDepositSent(
        bytes32 indexed messageId,
        uint64 indexed destChainSelector,
        address indexed user,
        address token,
        uint256 amount,
        uint256 fee
    );
    event CrossChainWithdrawalRequested(
        bytes32 indexed messageId,
        uint64 indexed destChainSelector,
        address indexed user,
        address token,
        uint256 amount,
        uint256 fee
    );

    error TokenNotSupported(address token);
    error ChainNotSupported(uint64 chainSelector);
    error NoRemoteReceiver(uint64 chainSelector);
    error ZeroAmount();
    error InsufficientCollateral(address user, address token, uint256 available, uint256 requested);
    error NotEnoughLink(uint256 available, uint256 required);
    error Unbacked(address token, uint256 balance, uint256 required);

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address router_, address link_, address admin) external initializer {
        __PlatformAccess_init(admin);
        __ReentrancyGuard_init();
        CrossChainVaultStorage storage $ = _s();
        _requireNonZero(router_);
        _requireNonZero(link_);
        $.router = IRouterClient(router_);
        $.linkToken = IERC20(link_);
        $.ccipGasLimit = DEFAULT_CCIP_GAS_LIMIT;
    }

    function _s() private pure returns (CrossChainVaultStorage storage $) {
        assembly {
            $.slot := CROSSCHAINVAULT_STORAGE_LOCATION
        }
    }

    // ------------------------------------------------------------------ configuration

    /// @custom:pause-exempt admin configuration stays possible while paused
    function addSupportedToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(token);
        _s().supportedTokens[token] = true;
        emit TokenSupportSet(token, true);
    }

    /// @notice Stops new deposits of `token`; existing collateral can still be withdrawn.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function removeSupportedToken(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().supportedTokens[token] = false;
        emit TokenSupportSet(token, false);
    }

    /// @notice The stack's LaunchControl (v3): Phase 1 withdrawal caps, cross-chain sends from phase 3.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function setLaunchControl(address launch) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(launch);
        _s().launchControl = ILaunchControl(launch);
        emit LaunchControlSet(launch);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function addSupportedChain(uint64 chainSelector) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().supportedChains[chainSelector] = true;
        emit ChainSupportSet(chainSelector, true);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function removeSupportedChain(uint64 chainSelector) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().supportedChains[chainSelector] = false;
        emit ChainSupportSet(chainSelector, false);
    }

    /// @notice Where messages for `chainSelector` go: the CrossChainReceiver deployed there.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function setRemoteReceiver(uint64 chainSelector, address receiver) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(receiver);
        _s().remoteReceivers[chainSelector] = receiver;
        emit RemoteReceiverSet(chainSelector, receiver);
    }

    /// @notice Gas the destination may spend in ccipReceive for this vault's messages.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function setCcipGasLimit(uint32 gasLimit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (gasLimit == 0) revert ZeroAmount();
        _s().ccipGasLimit = gasLimit;
        emit CcipGasLimitSet(gasLimit);
    }

    // ------------------------------------------------------------------ users

    function depositCollateral(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (!_s().supportedTokens[token]) revert TokenNotSupported(token);
        if (amount == 0) revert ZeroAmount();
        _credit(msg.sender, token, amount);
        emit CollateralDeposited(msg.sender, token, amount);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Debits before transferring (checks-effects-interactions); in Phase 1 the launch caps apply
    ///         (LaunchControl.recordWithdrawal reverts above them).
    /// @custom:pause-exempt users must be able to pull their free collateral to safety during an incident
    function withdrawCollateral(address token, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _debit(msg.sender, token, amount);
        LaunchGate.recordWithdrawal(_s().launchControl, token, amount);
        emit CollateralWithdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    function collateralOf(address user, address token) external view returns (uint256) {
        return _s()._collateral[user][token];
    }

    // ------------------------------------------------------------------ views

    function router() external view returns (IRouterClient) {
        return _s().router;
    }

    function linkToken() external view returns (IERC20) {
        return _s().linkToken;
    }

    function supportedTokens(address token) external view returns (bool) {
        return _s().supportedTokens[token];
    }

    function supportedChains(uint64 chainSelector) external view returns (bool) {
        return _s().supportedChains[chainSelector];
    }

    /// @notice CrossChainReceiver on each destination chain.
    function remoteReceivers(uint64 chainSelector) external view returns (address) {
        return _s().remoteReceivers[chainSelector];
    }

    /// @notice Sum of all users' free collateral per token (what the vault owes).
    function totalCollateral(address token) external view returns (uint256) {
        return _s().totalCollateral[token];
    }

    function launchControl() external view returns (ILaunchControl) {
        return _s().launchControl;
    }

    function ccipGasLimit() external view returns (uint32) {
        return _s().ccipGasLimit;
    }

    /// @notice Counter carried in every outgoing message, so two identical transfers are distinct messages.
    function messageNonce() external view returns (uint256) {
        return _s().messageNonce;
    }

    // ------------------------------------------------------------------ trading

    /// @inheritdoc ICrossChainVault
    function lockCollateral(address user, address token, uint256 amount)
        external
        onlyRole(TRADING_ROLE)
        whenNotPaused
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        _debit(user, token, amount);
        emit CollateralLocked(user, token, amount, msg.sender);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ICrossChainVault
    /// @custom:pause-exempt only returns margin (already transferred in) to a user's free balance; closing and
    ///         liquidating positions must not strand collateral while the vault is paused
    function releaseCollateral(address user, address token, uint256 amount)
        external
        onlyRole(TRADING_ROLE)
        nonReentrant
    {
        _requireBacked(token, amount);
        _credit(user, token, amount);
        emit CollateralReleased(user, token, amount, msg.sender);
    }

    // ------------------------------------------------------------------ cross-chain (destination side)

    /// @inheritdoc ICrossChainVault
    /// @dev The receiver forwards the CCIP-delivered tokens to the vault before calling.
    function creditCrossChainDeposit(address user, address token, uint256 amount)
        external
        onlyRole(RECEIVER_ROLE)
        whenNotPaused
        nonReentrant
    {
        if (!_s().supportedTokens[token]) revert TokenNotSupported(token);
        if (amount == 0) revert ZeroAmount();
        _requireBacked(token, amount);
        _credit(user, token, amount);
        emit CrossChainDepositCredited(user, token, amount);
    }

    /// @inheritdoc ICrossChainVault
    /// @dev The receiver forwards the CCIP-delivered tokens to the vault before calling; only those
    ///      (the balance above totalCollateral) can be paid out, never other users' collateral.
    function processCrossChainWithdrawal(address user, address token, uint256 amount)
        external
        onlyRole(RECEIVER_ROLE)
        whenNotPaused
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        _requireBacked(token, amount);
        emit CrossChainWithdrawalPaid(user, token, amount);
        IERC20(token).safeTransfer(user, amount);
    }

    // ------------------------------------------------------------------ cross-chain (source side)

    /// @notice Sends `amount` of `token` from the caller's wallet to their collateral on `destChainSelector`.
    function depositCrossChain(uint64 destChainSelector, address token, uint256 amount)
        external
        whenNotPaused
        nonReentrant
        returns (bytes32 messageId)
    {
        if (!_s().supportedTokens[token]) revert TokenNotSupported(token);
        if (amount == 0) revert ZeroAmount();
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 fee;
        (messageId, fee) = _send(destChainSelector, MessageType.ASSET_DEPOSIT, msg.sender, token, amount);
        emit CrossChainDepositSent(messageId, destChainSelector, msg.sender, token, amount, fee);
    }

    /// @notice Debits the caller's free collateral here and sends it to their wallet on `destChainSelector`.
    function requestCrossChainWithdrawal(uint64 destChainSelector, address token, uint256 amount)
        external
        whenNotPaused
        nonReentrant
        returns (bytes32 messageId)
    {
        if (amount == 0) revert ZeroAmount();
        _debit(msg.sender, token, amount);
        uint256 fee;
        (messageId, fee) = _send(destChainSelector, MessageType.ASSET_WITHDRAWAL, msg.sender, token, amount);
        emit CrossChainWithdrawalRequested(messageId, destChainSelector, msg.sender, token, amount, fee);
    }

    /// @notice The CCIP fee (in LINK) of a deposit/withdrawal message of this shape.
    function quoteFee(uint64 destChainSelector, address token, uint256 amount) external view returns (uint256) {
        CrossChainVaultStorage storage $ = _s();
        address receiver = $.remoteReceivers[destChainSelector];
        if (receiver == address(0)) revert NoRemoteReceiver(destChainSelector);
        Client.EVM2AnyMessage memory message =
            _message(receiver, MessageType.ASSET_DEPOSIT, msg.sender, token, amount, $.messageNonce + 1);
        return $.router.getFee(destChainSelector, message);
    }

    function _send(uint64 dest, MessageType kind, address user, address token, uint256 amount)
        internal
        returns (bytes32 messageId, uint256 fee)
    {
        CrossChainVaultStorage storage $ = _s();
        LaunchGate.checkCrossChain($.launchControl); // no CCIP transfer before phase 3
        if (!$.supportedChains[dest]) revert ChainNotSupported(dest);
        address receiver = $.remoteReceivers[dest];
        if (receiver == address(0)) revert NoRemoteReceiver(dest);
        $.messageNonce += 1;
        Client.EVM2AnyMessage memory message = _message(receiver, kind, user, token, amount, $.messageNonce);
        fee = $.router.getFee(dest, message);
        uint256 linkBalance = $.linkToken.balanceOf(address(this));
        uint256 owedLink = $.totalCollateral[address($.linkToken)];
        uint256 available = linkBalance > owedLink ? linkBalance - owedLink : 0;
        if (fee > available) revert NotEnoughLink(available, fee);
        if (token == address($.linkToken)) {
            $.linkToken.forceApprove(address($.router), fee + amount);
        } else {
            $.linkToken.forceApprove(address($.router), fee);
            IERC20(token).forceApprove(address($.router), amount);
        }
        messageId = $.router.ccipSend(dest, message);
    }

    function _message(
        address receiver,
        MessageType kind,
        address user,
        address token,
        uint256 amount,
        uint256 nonce
    ) internal
        view
        returns (Client.EVM2AnyMessage memory)
    {
        CrossChainVaultStorage storage $ = _s();
        Client.EVMTokenAmount[] memory tokenAmounts = new Client.EVMTokenAmount[](1);
        tokenAmounts[0] = Client.EVMTokenAmount({token: token, amount: amount});
        return Client.EVM2AnyMessage({
            receiver: abi.encode(receiver),
            data: abi.encode(kind, abi.encode(user, token, amount, nonce)),
            tokenAmounts: tokenAmounts,
            feeToken: address($.linkToken),
            extraArgs: Client._argsToBytes(
                Client.GenericExtraArgsV2({gasLimit: $.ccipGasLimit, allowOutOfOrderExecution: true})
            )
        });
    }

    // ------------------------------------------------------------------ accounting

    function _credit(address user, address token, uint256 amount) internal {
        CrossChainVaultStorage storage $ = _s();
        $._collateral[user][token] += amount;
        $.totalCollateral[token] += amount;
    }

    function _debit(address user, address token, uint256 amount) internal {
        CrossChainVaultStorage storage $ = _s();
        uint256 available = $._collateral[user][token];
        if (available < amount) revert InsufficientCollateral(user, token, available, amount);
        $._collateral[user][token] = available - amount;
        $.totalCollateral[token] -= amount;
    }

    /// @dev `amount` more than what users are owed must already sit in the vault.
    function _requireBacked(address token, uint256 amount) internal view {
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 required = _s().totalCollateral[token] + amount;
        if (balance < required) revert Unbacked(token, balance, required);
    }
}
