// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformBase} from "./PlatformBase.sol";

/// @notice SEQ-01 pool solvency: the pool's cash ledger is backed by tokens it holds and never pays a lender
///         with money that is lent out or belongs to someone else. Set-up: 10,000 USDC supplied, 6,000
///         borrowed, and 5,000 USDC of other funds parked at the pool address (e.g. an in-flight CCIP
///         transfer): withdrawals beyond cash must revert instead of spending them.
contract SEQ01Harness is PlatformBase {
    uint256 public constant OTHER_FUNDS = 5_000 * USDC;
    uint256 public immutable lenderShares;

    constructor() {
        _deployPool();
        lenderShares = _supply(10_000 * USDC);
        pool.borrow(address(usdc), 6_000 * USDC);
        usdc.mint(address(pool), OTHER_FUNDS);
    }

    function act_withdraw(uint256 shares) external {
        pool.withdraw(address(usdc), shares);
        _record();
    }

    function act_supply(uint256 amount) external {
        _supply(amount);
        _record();
    }

    function act_borrow(uint256 amount) external {
        pool.borrow(address(usdc), amount);
        _record();
    }

    /// @notice the pool holds at least its cash plus the other funds parked at its address
    function property() public view override returns (bool) {
        return usdc.balanceOf(address(pool)) >= pool.cash(address(usdc)) + OTHER_FUNDS;
    }
}
