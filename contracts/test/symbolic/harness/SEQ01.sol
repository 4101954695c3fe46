// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformBase} from "./PlatformBase.sol";

/// @notice SEQ-01 pool solvency: the pool's cash ledger is backed by tokens it holds and never pays a lender
///         with money that is lent out or belongs to someone else. Set-up: 10,000 USDC supplied, 6,000
///         borrowed, and 5,000 USDC of other funds parked at the pool address (e.g. an in-flight CCIP
///         transfer): withdrawals beyond cash must revert instead of spending them.
///         Supply and withdraw amounts are a symbolic choice among concrete values on both sides of each
///         boundary (cash, cash + other funds, the lender's shares): the pool's checked multiplications divide
///         by the amount, and a 256-bit division by a symbolic value is beyond the solvers here (Manticore:
///         yices `unknown` after 20 s on act_supply(uint256)). Borrow amounts stay full-width (linear).
contract SEQ01Harness is PlatformBase {
    uint256 public constant OTHER_FUNDS = 5_000 * USDC;
    uint256 public immutable lenderShares;

    constructor() {
        _deployPool();
        lenderShares = _supply(10_000 * USDC);
        pool.borrow(address(usdc), 6_000 * USDC);
        usdc.mint(address(pool), OTHER_FUNDS);
    }

    /// @param choice (low 3 bits) selects 1 share, a quarter, exactly the cash, half (more than cash, less than the
    ///        pool's balance) or all (4 and above) of the lender's shares
    function act_withdraw(uint256 choice) external {
        pool.withdraw(address(usdc), _shares(choice));
        _record();
    }

    /// @param choice (low 2 bits) selects 1 unit, 1,000, 10,000 or 10^12 USDC
    function act_supply(uint256 choice) external {
        uint256 i = choice & 3;
        _supply(i == 0 ? 1 : i == 1 ? 1_000 * USDC : i == 2 ? 10_000 * USDC : 1e12 * USDC);
        _record();
    }

    function act_borrow(uint256 amount) external {
        pool.borrow(address(usdc), amount);
        _record();
    }

    function _shares(uint256 choice) internal view returns (uint256) {
        uint256 i = choice & 7;
        if (i == 0) return 1;
        if (i == 1) return lenderShares / 4;
        if (i == 2) return lenderShares * 2 / 5; // 4,000 USDC: exactly the cash
        if (i == 3) return lenderShares / 2; // 5,000 USDC: beyond cash, within the pool's token balance
        return lenderShares;
    }

    /// @notice the pool holds at least its cash plus the other funds parked at its address
    function property() public view override returns (bool) {
        return usdc.balanceOf(address(pool)) >= pool.cash(address(usdc)) + OTHER_FUNDS;
    }
}
