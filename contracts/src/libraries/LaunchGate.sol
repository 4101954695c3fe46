// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {ILaunchControl} from "../interfaces/IPlatform.sol";

/// @title LaunchGate
/// @notice How a module consults its stack's LaunchControl: not wired (address 0) means launched, i.e. phase 3
///         (v1/v2 deployments were live and unrestricted; see LaunchControl).
library LaunchGate {
    uint8 internal constant PHASE_CROSS_CHAIN = 3;

    function checkOpen(ILaunchControl launch, address trader, uint256 marketId, uint256 leverage) internal view {
        if (address(launch) != address(0)) launch.checkOpen(trader, marketId, leverage);
    }

    function recordWithdrawal(ILaunchControl launch, address token, uint256 amount) internal {
        if (address(launch) != address(0)) launch.recordWithdrawal(token, amount);
    }

    function checkCrossChain(ILaunchControl launch) internal view {
        if (address(launch) != address(0)) launch.checkCrossChain();
    }

    function crossChainLive(ILaunchControl launch) internal view returns (bool) {
        return address(launch) == address(0) || launch.phase() >= PHASE_CROSS_CHAIN;
    }
}
