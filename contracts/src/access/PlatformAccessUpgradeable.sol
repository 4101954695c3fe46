// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AccessControlDefaultAdminRulesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/access/extensions/AccessControlDefaultAdminRulesUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title PlatformAccessUpgradeable (issue 14 groundwork, not yet used)
/// @notice PlatformAccess behind an ERC-1967 proxy: the same two-step, delayed admin rotation and guardian pause,
///         set up by an initializer; upgrades authorised by the admin role only (UUPS). OpenZeppelin 5's
///         upgradeable contracts keep their state in ERC-7201 namespaces, so modules add their own namespace.
abstract contract PlatformAccessUpgradeable is AccessControlDefaultAdminRulesUpgradeable, PausableUpgradeable,
    UUPSUpgradeable
{
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
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

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    function _requireNonZero(address a) internal pure {
        if (a == address(0)) revert ZeroAddress();
    }
}
