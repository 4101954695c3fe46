// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title PlatformAccess
/// @notice Shared by every module: role-based admin whose rotation is two-step with a delay
///         (OpenZeppelin's AccessControlDefaultAdminRules: beginDefaultAdminTransfer, then
///         acceptDefaultAdminTransfer by the new admin after the delay), and a guardian-operated pause.
abstract contract PlatformAccess is AccessControlDefaultAdminRules, Pausable {
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Delay before a proposed admin can accept; a rotation can be cancelled within it.
    uint48 public constant ADMIN_TRANSFER_DELAY = 1 days;

    error ZeroAddress();

    constructor(address admin) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {
        _grantRole(GUARDIAN_ROLE, admin);
    }

    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(GUARDIAN_ROLE) {
        _unpause();
    }

    function _requireNonZero(address a) internal pure {
        if (a == address(0)) revert ZeroAddress();
    }
}
