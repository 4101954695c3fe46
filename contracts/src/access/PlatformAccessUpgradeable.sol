// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AccessControlDefaultAdminRulesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title PlatformAccessUpgradeable
/// @notice Shared by every module, each deployed as a UUPS implementation behind an ERC-1967 proxy
///         (script/PlatformDeployer.sol): role-based admin whose rotation is two-step with a delay (OpenZeppelin's
///         AccessControlDefaultAdminRules: beginDefaultAdminTransfer, then acceptDefaultAdminTransfer by the new
///         admin after the delay), a guardian-operated pause, and upgrades (upgradeToAndCall) authorised by the
///         admin role only. Set up by the module's initializer; an implementation itself can never be initialised.
///         OpenZeppelin 5's upgradeable contracts keep their state in ERC-7201 namespaces, and so does every
///         module (one `ccperp.storage.<Module>` namespace each).
abstract contract PlatformAccessUpgradeable is AccessControlDefaultAdminRulesUpgradeable, PausableUpgradeable,
    UUPSUpgradeable
{
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Delay before a proposed admin can accept; a rotation can be cancelled within it.
    uint48 public constant ADMIN_TRANSFER_DELAY = 1 days;

    error ZeroAddress();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function __PlatformAccess_init(address admin) internal onlyInitializing {
        _requireNonZero(admin);
        __AccessControlDefaultAdminRules_init(ADMIN_TRANSFER_DELAY, admin);
        __Pausable_init();
        _grantRole(GUARDIAN_ROLE, admin);
    }

    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(GUARDIAN_ROLE) {
        _unpause();
    }

    /// @dev UUPS: only the admin (behind its two-step, delayed rotation) may replace the implementation.
    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    function _requireNonZero(address a) internal pure {
        if (a == address(0)) revert ZeroAddress();
    }
}
