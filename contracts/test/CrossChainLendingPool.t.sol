// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PlatformFixture} from "./mocks/PlatformFixture.sol";
import {CrossChainLendingPool} from "../src/CrossChainLendingPool.sol";

contract CrossChainLendingPoolTest is PlatformFixture {
    address internal borrower = makeAddr("borrower");

    event BadDebtWrittenOff(address indexed token, uint256 amount, uint256 totalBadDebt, uint256 totalAssetsAfter);
    event Supplied(address indexed token, address indexed lender, uint256 assets, uint256 shares);

    function setUp() public {
        _deployPlatform();
        bytes32 role = pool.BORROWER_ROLE();
        vm.prank(admin);
        pool.grantRole(role, borrower);
    }

    function _borrow(uint256 amount) internal returns (uint256 idx) {
        vm.prank(borrower);
        idx = pool.borrow(address(usdc), amount);
    }

    function test_supplyMintsSharesAndEmits() public {
        usdc.mint(lender, 1000 * USDC);
        vm.startPrank(lender);
        usdc.approve(address(pool), 1000 * USDC);
        vm.expectEmit(true, true, false, true);
        emit Supplied(address(usdc), lender, 1000 * USDC, 1000 * USDC);
        uint256 shares = pool.supply(address(usdc), 1000 * USDC);
        vm.stopPrank();
        assertEq(shares, 1000 * USDC);
        assertEq(pool.cash(address(usdc)), 1000 * USDC);
        assertEq(pool.totalAssets(address(usdc)), 1000 * USDC);
        assertEq(usdc.balanceOf(address(pool)), 1000 * USDC);
    }

    function test_supplyWithdrawRoundTripNeverProfits() public {
        uint256 shares = _supply(lender, 1234_567891);
        vm.prank(lender);
        uint256 back = pool.withdraw(address(usdc), shares);
        assertLe(back, 1234_567891);
        assertEq(pool.sharesOf(address(usdc), lender), 0);
    }

    function test_unsupportedTokenReverts() public {
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.UnsupportedToken.selector, address(0xBEEF)));
        pool.supply(address(0xBEEF), 1);
    }

    function test_onlyAdminAddsTokens() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, pool.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        pool.addSupportedToken(address(0xBEEF), 100);
    }

    function test_onlyBorrowerBorrows() public {
        _supply(lender, 1000 * USDC);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, pool.BORROWER_ROLE())
        );
        vm.prank(bob);
        pool.borrow(address(usdc), 1);
    }

    function test_interestAccruesFivePercentAYear() public {
        _supply(lender, 100_000 * USDC);
        uint256 idx = _borrow(90_000 * USDC);
        assertEq(idx, WAD);
        vm.warp(block.timestamp + 365 days);
        assertEq(pool.currentIndex(address(usdc)), 105 * WAD / 100);
        assertEq(pool.debtOf(address(usdc), 90_000 * USDC, idx), 94_500 * USDC);
        assertEq(pool.totalBorrows(address(usdc)), 94_500 * USDC);
        assertEq(pool.totalAssets(address(usdc)), 104_500 * USDC);
    }

    function test_withdrawCannotTakeLentOutCash() public {
        uint256 shares = _supply(lender, 100_000 * USDC);
        _borrow(90_000 * USDC);
        vm.prank(lender);
        vm.expectRevert(
            abi.encodeWithSelector(CrossChainLendingPool.InsufficientCash.selector, 100_000 * USDC, 10_000 * USDC)
        );
        pool.withdraw(address(usdc), shares);
        // a part that fits in cash is fine
        vm.prank(lender);
        uint256 got = pool.withdraw(address(usdc), shares / 10);
        assertLe(got, 10_000 * USDC);
        assertGe(usdc.balanceOf(address(pool)), pool.cash(address(usdc)));
    }

    function test_withdrawMoreSharesThanOwnedReverts() public {
        uint256 shares = _supply(lender, 100 * USDC);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.InsufficientShares.selector, shares, 0));
        pool.withdraw(address(usdc), shares);
    }

    function test_borrowBeyondCashReverts() public {
        _supply(lender, 100 * USDC);
        vm.prank(borrower);
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.InsufficientCash.selector, 101 * USDC, 100 * USDC));
        pool.borrow(address(usdc), 101 * USDC);
    }

    function test_repayWithInterestGoesToLenders() public {
        uint256 shares = _supply(lender, 100_000 * USDC);
        uint256 idx = _borrow(50_000 * USDC);
        vm.warp(block.timestamp + 365 days);
        uint256 owed = pool.debtOf(address(usdc), 50_000 * USDC, idx);
        assertEq(owed, 52_500 * USDC);
        usdc.mint(borrower, owed);
        vm.startPrank(borrower);
        usdc.approve(address(pool), owed);
        pool.repay(address(usdc), 50_000 * USDC, idx, owed, 0);
        vm.stopPrank();
        assertEq(pool.totalBorrows(address(usdc)), 0);
        assertEq(pool.cash(address(usdc)), 102_500 * USDC);
        vm.prank(lender);
        uint256 got = pool.withdraw(address(usdc), shares);
        assertApproxEqAbs(got, 102_500 * USDC, 1);
    }

    function test_badDebtWrittenOffAgainstLenders() public {
        _supply(lender, 100_000 * USDC);
        uint256 idx = _borrow(90_000 * USDC);
        usdc.mint(borrower, 87_000 * USDC);
        vm.startPrank(borrower);
        usdc.approve(address(pool), 87_000 * USDC);
        vm.expectEmit(true, false, false, true);
        emit BadDebtWrittenOff(address(usdc), 3000 * USDC, 3000 * USDC, 97_000 * USDC);
        pool.repay(address(usdc), 90_000 * USDC, idx, 87_000 * USDC, 3000 * USDC);
        vm.stopPrank();
        assertEq(pool.totalBadDebt(address(usdc)), 3000 * USDC);
        assertEq(pool.totalAssets(address(usdc)), 97_000 * USDC);
        assertApproxEqAbs(pool.balanceOfUnderlying(address(usdc), lender), 97_000 * USDC, 1);
        assertLe(pool.balanceOfUnderlying(address(usdc), lender), 97_000 * USDC);
    }

    function test_pauseBlocksSupplyBorrowWithdrawButNotRepay() public {
        uint256 shares = _supply(lender, 100_000 * USDC);
        uint256 idx = _borrow(1000 * USDC);
        vm.prank(admin);
        pool.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.supply(address(usdc), 1);
        vm.prank(borrower);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.borrow(address(usdc), 1);
        vm.prank(lender);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.withdraw(address(usdc), shares);
        // repay is exempt
        vm.startPrank(borrower);
        usdc.approve(address(pool), 1000 * USDC);
        pool.repay(address(usdc), 1000 * USDC, idx, 1000 * USDC, 0);
        vm.stopPrank();
        assertEq(pool.totalBorrows(address(usdc)), 0);
    }

    function test_setInterestRateAccruesFirst() public {
        _supply(lender, 100_000 * USDC);
        _borrow(10_000 * USDC);
        vm.warp(block.timestamp + 365 days);
        vm.prank(admin);
        pool.setInterestRate(address(usdc), 0);
        uint256 before = pool.currentIndex(address(usdc));
        assertEq(before, 105 * WAD / 100);
        vm.warp(block.timestamp + 365 days);
        assertEq(pool.currentIndex(address(usdc)), before);
    }
}
