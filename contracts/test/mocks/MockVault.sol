// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ICrossChainVault} from "../../src/interfaces/IPlatform.sol";

/// @notice Minimal ICrossChainVault: deposits, lock (transfer to the caller), release (credit).
contract MockVault is ICrossChainVault {
    using SafeERC20 for IERC20;

    mapping(address => mapping(address => uint256)) public collateralOf;

    error Insufficient();

    function depositCollateral(address token, uint256 amount) external {
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        collateralOf[msg.sender][token] += amount;
    }

    function withdrawCollateral(address token, uint256 amount) external {
        if (collateralOf[msg.sender][token] < amount) revert Insufficient();
        collateralOf[msg.sender][token] -= amount;
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    function lockCollateral(address user, address token, uint256 amount) external {
        if (collateralOf[user][token] < amount) revert Insufficient();
        collateralOf[user][token] -= amount;
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    function releaseCollateral(address user, address token, uint256 amount) external {
        collateralOf[user][token] += amount;
    }

    function creditCrossChainDeposit(address user, address token, uint256 amount) external {
        collateralOf[user][token] += amount;
    }

    function processCrossChainWithdrawal(address user, address token, uint256 amount) external {
        collateralOf[user][token] -= amount;
        IERC20(token).safeTransfer(user, amount);
    }
}
