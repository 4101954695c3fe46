// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {ILaunchControl} from "./interfaces/IPlatform.sol";

/// @title LaunchControl
/// @notice The mainnet launch sequence of one chain's stack (design §9), read by PerpetualTrading (who may open
///         what), CrossChainVault (withdrawal caps, cross-chain sends), CrossChainReceiver (cross-chain deliveries)
///         and LiquidationEngine (cross-chain liquidations). The phase only moves forward, one step at a time,
///         set by the admin:
///         - Phase 1 (PHASE_ALLOWLISTED): only allowlisted traders open positions, only on the launch market and at
///           most PHASE1_MAX_LEVERAGE; each collateral withdrawal is capped, and so is the day's total per token
///           (a token without caps cannot be withdrawn: caps fail closed); every CCIP path refuses.
///         - Phase 2 (PHASE_OPEN): every trader, every configured market and leverage; no withdrawal caps.
///         - Phase 3 (PHASE_CROSS_CHAIN): cross-chain deposits, withdrawals, position updates and liquidations.
///         A module wired to no LaunchControl behaves as launched (phase 3): v1 and v2 deployments were live and
///         unrestricted, and an upgrade must not stop them; `verify deployment` reports a module whose wiring
///         disagrees with the stack's LaunchControl.
contract LaunchControl is PlatformAccessUpgradeable, ILaunchControl {
    /// @notice Held by the stack's CrossChainVault: the only caller whose withdrawals are counted.
    bytes32 public constant VAULT_ROLE = keccak256("VAULT_ROLE");
    uint8 public constant PHASE_ALLOWLISTED = 1;
    uint8 public constant PHASE_OPEN = 2;
    uint8 public constant PHASE_CROSS_CHAIN = 3;
    /// @notice The most leverage a Phase 1 position may use (design: "activate full leverage options" in Phase 2).
    uint256 public constant PHASE1_MAX_LEVERAGE = 10;

    struct WithdrawalCaps {
        uint256 perWithdrawal;
        uint256 perDay; // across all users, per UTC day (block.timestamp / 1 days)
    }

    // ------------------------------------------------------------------ storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.LaunchControl
    struct LaunchControlStorage {
        uint8 phase;
        uint256 launchMarketId;
        mapping(address trader => bool) allowlisted;
        mapping(address token => WithdrawalCaps) caps;
        mapping(address token => mapping(uint256 day => uint256 amount)) withdrawnOnDay;
    }

    /// @dev ERC-7201 location of "ccperp.storage.LaunchControl":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LAUNCHCONTROL_STORAGE_LOCATION =
        0x9426d9a0d71a82566db68a9b29371be3f0a4dbfdc02e53ec9143877b8c21ed00;

    event PhaseAdvanced(uint8 indexed from, uint8 indexed to);
    event TraderAllowlisted(address indexed trader, bool allowed);
    event LaunchMarketSet(uint256 indexed marketId);
    event WithdrawalCapsSet(address indexed token, uint256 perWithdrawal, uint256 perDay);
    event WithdrawalRecorded(address indexed token, uint256 amount, uint256 day, uint256 withdrawnThatDay);

    error PhaseNotNext(uint8 current, uint8 requested);
    error NotInPhase1(uint8 phase);
    error InvalidWithdrawalCaps(uint256 perWithdrawal, uint256 perDay);

    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address admin, uint256 launchMarketId_) external initializer {
        __PlatformAccess_init(admin);
        LaunchControlStorage storage $ = _s();
        $.phase = PHASE_ALLOWLISTED;
        $.launchMarketId = launchMarketId_;
        emit LaunchMarketSet(launchMarketId_);
    }

    function _s() private pure returns (LaunchControlStorage storage $) {
        assembly {
            $.slot := LAUNCHCONTROL_STORAGE_LOCATION
        }
    }

    // ------------------------------------------------------------------ the launch sequence (admin)

    /// @notice Moves to `next`, which must be the phase after the current one: never back, never a skip.
    function advancePhase(uint8 next) external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused {
        uint8 current = _s().phase;
        if (next != current + 1 || next > PHASE_CROSS_CHAIN) revert PhaseNotNext(current, next);
        _s().phase = next;
        emit PhaseAdvanced(current, next);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setAllowlisted(address trader, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(trader);
        _s().allowlisted[trader] = allowed;
        emit TraderAllowlisted(trader, allowed);
    }

    /// @notice The one market Phase 1 trades; fixed once Phase 2 opens them all.
    /// @custom:pause-exempt admin configuration stays possible while paused
    function setLaunchMarket(uint256 marketId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_s().phase != PHASE_ALLOWLISTED) revert NotInPhase1(_s().phase);
        _s().launchMarketId = marketId;
        emit LaunchMarketSet(marketId);
    }

    /// @custom:pause-exempt admin configuration stays possible while paused
    function setWithdrawalCaps(address token, uint256 perWithdrawal, uint256 perDay)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _requireNonZero(token);
        if (perWithdrawal == 0 || perWithdrawal > perDay) revert InvalidWithdrawalCaps(perWithdrawal, perDay);
        _s().caps[token] = WithdrawalCaps(perWithdrawal, perDay);
        emit WithdrawalCapsSet(token, perWithdrawal, perDay);
    }

    // ------------------------------------------------------------------ read by the modules

    /// @inheritdoc ILaunchControl
    function checkOpen(address trader, uint256 marketId, uint256 leverage) external view {
        LaunchControlStorage storage $ = _s();
        if ($.phase >= PHASE_OPEN) return;
        if (!$.allowlisted[trader]) revert TraderNotAllowlisted(trader);
        if (marketId != $.launchMarketId) revert MarketNotLaunched(marketId, $.launchMarketId);
        if (leverage > PHASE1_MAX_LEVERAGE) revert LeverageAbovePhaseCap(leverage, PHASE1_MAX_LEVERAGE);
    }

    /// @inheritdoc ILaunchControl
    /// @custom:pause-exempt users must be able to pull their free collateral to safety (the vault's withdrawal
    ///         is pause-exempt for that reason); the caps still hold
    function recordWithdrawal(address token, uint256 amount) external onlyRole(VAULT_ROLE) {
        LaunchControlStorage storage $ = _s();
        if ($.phase >= PHASE_OPEN) return;
        WithdrawalCaps memory caps = $.caps[token];
        if (amount > caps.perWithdrawal) revert WithdrawalAboveCap(token, amount, caps.perWithdrawal);
        uint256 day = block.timestamp / 1 days;
        uint256 total = $.withdrawnOnDay[token][day] + amount;
        if (total > caps.perDay) revert DailyWithdrawalCapReached(token, total, caps.perDay);
        $.withdrawnOnDay[token][day] = total;
        emit WithdrawalRecorded(token, amount, day, total);
    }

    /// @inheritdoc ILaunchControl
    function checkCrossChain() external view {
        uint8 current = _s().phase;
        if (current < PHASE_CROSS_CHAIN) revert CrossChainNotLaunched(current);
    }

    // ------------------------------------------------------------------ views

    function phase() external view returns (uint8) {
        return _s().phase;
    }

    function launchMarketId() external view returns (uint256) {
        return _s().launchMarketId;
    }

    function isAllowlisted(address trader) external view returns (bool) {
        return _s().allowlisted[trader];
    }

    function withdrawalCaps(address token) external view returns (uint256 perWithdrawal, uint256 perDay) {
        WithdrawalCaps memory caps = _s().caps[token];
        return (caps.perWithdrawal, caps.perDay);
    }

    function withdrawnToday(address token) external view returns (uint256) {
        return _s().withdrawnOnDay[token][block.timestamp / 1 days];
    }
}
