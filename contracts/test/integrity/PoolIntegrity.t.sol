// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformFixture} from "../mocks/PlatformFixture.sol";
import {MockUSDC} from "../mocks/MockUSDC.sol";
import {CrossChainLendingPool} from "../../src/CrossChainLendingPool.sol";

/// @notice What each CrossChainLendingPool function must achieve (specs/integrity_pool.py, INT-POOL-*): the effect
///         of a successful call on the books and the balances, liveness for valid inputs (no try/catch: a revert
///         fails the test), the views that must agree with it, and the values its events carry. Property tests
///         are named test_<SPEC_ID>_<what> (checkers/engines/props/naming.py).
contract PoolIntegrity is PlatformFixture {
    address internal borrower = makeAddr("borrower");
    uint256 internal constant MAX_AMOUNT = 1e12 * USDC;
    uint256 internal constant YEAR = 365 days;

    event Supplied(address indexed token, address indexed lender, uint256 assets, uint256 shares);
    event Withdrawn(address indexed token, address indexed lender, uint256 assets, uint256 shares);
    event Borrowed(address indexed token, address indexed borrower, uint256 amount, uint256 indexAtBorrow);
    event Repaid(
        address indexed token, address indexed borrower, uint256 principal, uint256 owed, uint256 amount, uint256 badDebt
    );
    event BadDebtWrittenOff(address indexed token, uint256 amount, uint256 totalBadDebt, uint256 totalAssetsAfter);
    event TokenSupported(address indexed token, uint256 rateBps);
    event InterestRateSet(address indexed token, uint256 rateBps);
    event InterestAccrued(address indexed token, uint256 index, uint256 totalBorrows);

    function setUp() public {
        _deployPlatformWithOracle();
        vm.startPrank(admin);
        pool.grantRole(pool.BORROWER_ROLE(), borrower);
        vm.stopPrank();
    }

    function _borrow(uint256 amount) internal returns (uint256 index) {
        vm.prank(borrower);
        index = pool.borrow(address(usdc), amount);
    }

    // ---------------------------------------------------------------- INT-POOL-01 supply

    /// supply credits the lender with the shares the conversion promises, adds the assets to cash, takes the
    /// tokens, and reports both in Supplied; the new claim never exceeds what was paid (rounding favours the pool)
    function test_INT_POOL_01_supplyCreditsSharesAndCash(uint256 seed, uint256 assets) public {
        _supply(bob, bound(seed, 1, MAX_AMOUNT)); // an existing lender: a non-trivial exchange rate
        assets = bound(assets, 1, MAX_AMOUNT);
        uint256 shares0 = pool.totalShares(address(usdc));
        uint256 assets0 = pool.totalAssets(address(usdc));
        uint256 cash0 = pool.cash(address(usdc));
        uint256 expected = assets * (shares0 + 1) / (assets0 + 1);
        vm.assume(expected > 0);
        usdc.mint(lender, assets);
        vm.startPrank(lender);
        usdc.approve(address(pool), assets);
        vm.expectEmit(true, true, false, true, address(pool));
        emit Supplied(address(usdc), lender, assets, expected);
        uint256 shares = pool.supply(address(usdc), assets);
        vm.stopPrank();
        assertEq(shares, expected, "shares credited");
        assertEq(pool.sharesOf(address(usdc), lender), expected, "sharesOf");
        assertEq(pool.totalShares(address(usdc)), shares0 + expected, "totalShares");
        assertEq(pool.cash(address(usdc)), cash0 + assets, "cash");
        assertEq(usdc.balanceOf(lender), 0, "tokens taken");
        assertLe(pool.balanceOfUnderlying(address(usdc), lender), assets, "claim <= paid");
    }

    /// supply refuses zero and unsupported tokens
    function test_INT_POOL_01_supplyRefusesZeroAndUnsupported() public {
        vm.expectRevert(CrossChainLendingPool.ZeroAmount.selector);
        pool.supply(address(usdc), 0);
        MockUSDC other = new MockUSDC();
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.UnsupportedToken.selector, address(other)));
        pool.supply(address(other), 1);
    }

    // ---------------------------------------------------------------- INT-POOL-02 withdraw

    /// withdraw pays exactly what previewWithdraw said, burns the shares, takes it from cash, and reports it
    function test_INT_POOL_02_withdrawPaysPreview(uint256 supplied, uint256 part, uint256 lent, uint256 dt) public {
        supplied = bound(supplied, 2, MAX_AMOUNT);
        uint256 shares = _supply(lender, supplied);
        lent = bound(lent, 0, supplied / 2);
        if (lent > 0) _borrow(lent);
        vm.warp(block.timestamp + bound(dt, 0, 3 * YEAR));
        part = bound(part, 1, shares);
        uint256 preview = pool.previewWithdraw(address(usdc), part);
        vm.assume(preview > 0 && preview <= pool.cash(address(usdc)));
        uint256 shares0 = pool.totalShares(address(usdc));
        uint256 cash0 = pool.cash(address(usdc));
        vm.expectEmit(true, true, false, true, address(pool));
        emit Withdrawn(address(usdc), lender, preview, part);
        vm.prank(lender);
        uint256 paid = pool.withdraw(address(usdc), part);
        assertEq(paid, preview, "paid == preview");
        assertEq(usdc.balanceOf(lender), preview, "tokens paid");
        assertEq(pool.sharesOf(address(usdc), lender), shares - part, "shares burned");
        assertEq(pool.totalShares(address(usdc)), shares0 - part, "totalShares");
        assertEq(pool.cash(address(usdc)), cash0 - preview, "cash");
    }

    /// a lender alone in an idle pool gets back what was supplied, less at most one unit of rounding
    function test_INT_POOL_02_roundTripFavoursPool(uint256 assets) public {
        assets = bound(assets, 1, MAX_AMOUNT);
        uint256 shares = _supply(lender, assets);
        vm.prank(lender);
        uint256 back = pool.withdraw(address(usdc), shares);
        assertLe(back, assets, "never more than supplied");
        assertGe(back + 1, assets, "at most one unit kept");
    }

    /// withdraw refuses more shares than owned and more assets than cash (lent-out funds are not paid out)
    function test_INT_POOL_02_withdrawRefusesBeyondSharesAndCash(uint256 supplied) public {
        supplied = bound(supplied, 10, MAX_AMOUNT);
        uint256 shares = _supply(lender, supplied);
        vm.prank(lender);
        vm.expectRevert();
        pool.withdraw(address(usdc), shares + 1);
        _borrow(supplied / 2 + 1);
        vm.prank(lender);
        vm.expectRevert();
        pool.withdraw(address(usdc), shares);
    }

    // ---------------------------------------------------------------- INT-POOL-03 borrow

    /// borrow moves the amount from cash to borrows, pays the borrower, returns the current index, reports it
    function test_INT_POOL_03_borrowMovesCashToBorrows(uint256 supplied, uint256 amount, uint256 dt) public {
        supplied = bound(supplied, 1, MAX_AMOUNT);
        _supply(lender, supplied);
        vm.warp(block.timestamp + bound(dt, 0, YEAR));
        amount = bound(amount, 1, supplied);
        uint256 index = pool.currentIndex(address(usdc));
        uint256 borrows0 = pool.totalBorrows(address(usdc));
        vm.expectEmit(true, true, false, true, address(pool));
        emit Borrowed(address(usdc), borrower, amount, index);
        uint256 got = _borrow(amount);
        assertEq(got, index, "index at borrow");
        assertGt(got, 0, "a usable index");
        assertEq(pool.cash(address(usdc)), supplied - amount, "cash");
        assertEq(pool.totalBorrows(address(usdc)), borrows0 + amount, "totalBorrows");
        assertEq(usdc.balanceOf(borrower), amount, "borrower paid");
        assertEq(pool.debtOf(address(usdc), amount, got), amount, "debt at borrow time == amount");
    }

    /// borrow refuses more than cash and callers without the borrower role
    function test_INT_POOL_03_borrowRefusesBeyondCashAndStrangers(uint256 supplied) public {
        supplied = bound(supplied, 1, MAX_AMOUNT);
        _supply(lender, supplied);
        vm.prank(borrower);
        vm.expectRevert();
        pool.borrow(address(usdc), supplied + 1);
        vm.prank(alice);
        vm.expectRevert();
        pool.borrow(address(usdc), 1);
    }

    // ---------------------------------------------------------------- INT-POOL-04 repay

    /// repay removes the whole debt with interest from the books, adds the payment to cash, takes the tokens,
    /// and reports principal, owed, paid and written-off amounts
    function test_INT_POOL_04_repayClearsDebt(uint256 supplied, uint256 principal, uint256 dt) public {
        supplied = bound(supplied, 2, MAX_AMOUNT);
        _supply(lender, supplied);
        principal = bound(principal, 1, supplied);
        uint256 index = _borrow(principal);
        vm.warp(block.timestamp + bound(dt, 0, 3 * YEAR));
        uint256 owed = pool.debtOf(address(usdc), principal, index);
        assertGe(owed, principal, "debt >= principal");
        uint256 cash0 = pool.cash(address(usdc));
        usdc.mint(borrower, owed);
        vm.startPrank(borrower);
        usdc.approve(address(pool), owed);
        vm.expectEmit(true, true, false, true, address(pool));
        emit Repaid(address(usdc), borrower, principal, owed, owed, 0);
        pool.repay(address(usdc), principal, index, owed, 0);
        vm.stopPrank();
        assertEq(pool.totalBorrows(address(usdc)), 0, "no borrows left");
        assertEq(pool.cash(address(usdc)), cash0 + owed, "cash");
        assertEq(usdc.balanceOf(borrower), principal, "tokens taken");
        assertEq(pool.totalBadDebt(address(usdc)), 0, "nothing written off");
        // lenders' claim after a full repayment: everything the pool holds for them
        assertEq(pool.totalAssets(address(usdc)), supplied - principal + owed, "lenders' assets");
    }

    /// a shortfall is written off: recorded as bad debt, lenders' assets fall by exactly the unpaid part
    function test_INT_POOL_04_badDebtWrittenOffExactly(uint256 supplied, uint256 principal, uint256 paid) public {
        supplied = bound(supplied, 2, MAX_AMOUNT);
        _supply(lender, supplied);
        principal = bound(principal, 1, supplied);
        uint256 index = _borrow(principal);
        paid = bound(paid, 0, principal - 1);
        uint256 badDebt = principal - paid;
        uint256 assets0 = pool.totalAssets(address(usdc));
        usdc.mint(borrower, paid);
        vm.startPrank(borrower);
        usdc.approve(address(pool), paid);
        vm.expectEmit(true, false, false, true, address(pool));
        emit BadDebtWrittenOff(address(usdc), badDebt, badDebt, assets0 - badDebt);
        pool.repay(address(usdc), principal, index, paid, badDebt);
        vm.stopPrank();
        assertEq(pool.totalBadDebt(address(usdc)), badDebt, "bad debt recorded");
        assertEq(pool.totalAssets(address(usdc)), assets0 - badDebt, "lenders lose exactly the bad debt");
    }

    // ---------------------------------------------------------------- INT-POOL-05 configuration

    /// addSupportedToken makes the token usable at its rate, refuses a second add; setInterestRate sets the rate
    function test_INT_POOL_05_addSupportedTokenMakesItUsable(uint256 rate, uint256 newRate) public {
        rate = bound(rate, 0, pool.MAX_RATE_BPS());
        newRate = bound(newRate, 0, pool.MAX_RATE_BPS());
        MockUSDC token = new MockUSDC();
        vm.expectEmit(true, false, false, true, address(pool));
        emit TokenSupported(address(token), rate);
        vm.prank(admin);
        pool.addSupportedToken(address(token), rate);
        assertTrue(pool.isSupported(address(token)), "supported");
        assertEq(pool.rateBpsOf(address(token)), rate, "rate");
        assertEq(pool.currentIndex(address(token)), 1e18, "index starts at WAD");
        address[] memory tokens = pool.supportedTokens();
        assertEq(tokens[tokens.length - 1], address(token), "listed");
        token.mint(lender, 1000);
        vm.startPrank(lender);
        token.approve(address(pool), 1000);
        assertGt(pool.supply(address(token), 1000), 0, "usable for supply");
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.AlreadySupported.selector, address(token)));
        pool.addSupportedToken(address(token), rate);
        vm.expectEmit(true, false, false, true, address(pool));
        emit InterestRateSet(address(token), newRate);
        vm.prank(admin);
        pool.setInterestRate(address(token), newRate);
        assertEq(pool.rateBpsOf(address(token)), newRate, "new rate");
    }

    /// configuration is the admin's alone, and rates above the cap are refused
    function test_INT_POOL_05_configurationGuarded() public {
        MockUSDC token = new MockUSDC();
        vm.prank(alice);
        vm.expectRevert();
        pool.addSupportedToken(address(token), 100);
        uint256 cap = pool.MAX_RATE_BPS();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(CrossChainLendingPool.InvalidRate.selector, cap + 1));
        pool.addSupportedToken(address(token), cap + 1);
        vm.prank(alice);
        vm.expectRevert();
        pool.setInterestRate(address(usdc), 100);
    }

    // ---------------------------------------------------------------- INT-POOL-06 views agree with the books

    /// totalBorrows reports the debt with interest (never under-reports lenders' claims), totalAssets is cash plus
    /// that, and the sole lender's balanceOfUnderlying / previewWithdraw of all shares is the whole of it
    function test_INT_POOL_06_viewsReportLendersClaims(uint256 supplied, uint256 principal, uint256 dt) public {
        supplied = bound(supplied, 1_000, MAX_AMOUNT);
        uint256 shares = _supply(lender, supplied);
        principal = bound(principal, 1, supplied);
        uint256 index = _borrow(principal);
        vm.warp(block.timestamp + bound(dt, 1, 3 * YEAR));
        uint256 debt = pool.debtOf(address(usdc), principal, index);
        uint256 borrows = pool.totalBorrows(address(usdc));
        assertLe(borrows, debt, "aggregate never above the debt (rounds down)");
        assertGe(borrows + 1, debt, "aggregate within one unit of the debt");
        assertEq(pool.totalAssets(address(usdc)), pool.cash(address(usdc)) + borrows, "totalAssets");
        uint256 claim = pool.balanceOfUnderlying(address(usdc), lender);
        assertEq(pool.previewWithdraw(address(usdc), shares), claim, "preview == balance");
        assertLe(claim, pool.totalAssets(address(usdc)), "claim within assets");
        assertGe(claim + 2, pool.totalAssets(address(usdc)), "sole lender owns (almost) all");
    }

    // ---------------------------------------------------------------- INT-POOL-07 accrual

    /// accrue brings the index to what currentIndex promised and grows the borrows with it, reporting both
    function test_INT_POOL_07_accrueGrowsIndexAndBorrows(uint256 principal, uint256 dt) public {
        _supply(lender, MAX_AMOUNT);
        principal = bound(principal, 1, MAX_AMOUNT);
        _borrow(principal);
        dt = bound(dt, 1, 10 * YEAR);
        vm.warp(block.timestamp + dt);
        uint256 expectedIndex = pool.currentIndex(address(usdc));
        assertEq(expectedIndex, 1e18 + 1e18 * 500 * dt / (10_000 * YEAR), "index formula (5%/yr)");
        uint256 expectedBorrows = principal * expectedIndex / 1e18;
        if (expectedIndex != 1e18) {
            vm.expectEmit(true, false, false, true, address(pool));
            emit InterestAccrued(address(usdc), expectedIndex, expectedBorrows);
        }
        pool.accrue(address(usdc));
        assertEq(pool.currentIndex(address(usdc)), expectedIndex, "index stored");
        assertEq(pool.totalBorrows(address(usdc)), expectedBorrows, "borrows grown");
    }
}
