// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {DeployedPlatformFixture} from "./mocks/DeployedPlatformFixture.sol";

/// @notice The design's "simulate 20 % price drops": 50,000 -> 45,000 (exactly the 10 % bound: accepted at once)
///         -> 40,000 (11.1 % from 45,000: trips the breaker, accepted after the 300 s cooldown). Positions of
///         several leverages; after each accepted step Automation liquidates exactly the unhealthy ones. On the
///         platform as deployed (DeployPlatform's Ethereum stack: Safe-administered, Phase 1, the four traders
///         allowlisted through the Safe), liquidated by the Automation node through the registry and forwarder.
contract PriceDropTest is DeployedPlatformFixture {
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");

    function setUp() public {
        vm.warp(1_700_000_000);
        _deployThroughScript();
        _allowlist(alice);
        _allowlist(bob);
        _allowlist(carol);
        _allowlist(dave);
        _supply(lender, 1_000_000 * USDC);
        _fundInsurance(50_000 * USDC);
        _fundCounterparty(100_000 * USDC);
        _deposit(alice, 10_000 * USDC);
        _deposit(bob, 20_000 * USDC);
        _deposit(carol, 30_000 * USDC);
        _deposit(dave, 10_000 * USDC);
    }

    function _upkeep() internal returns (uint256 n) {
        return _automationRound();
    }

    function test_twentyPercentDropInTwoSteps() public {
        uint256 a10 = _open(alice, true, 100_000 * USDC, 10);
        uint256 b5 = _open(bob, true, 100_000 * USDC, 5);
        uint256 c3 = _open(carol, true, 90_000 * USDC, 3);
        uint256 dShort = _open(dave, false, 100_000 * USDC, 10);

        // step 1: -10 % exactly: accepted
        vm.warp(block.timestamp + 31);
        assertTrue(_push(45_000));
        assertTrue(trading.isLiquidatable(a10)); // equity ~0 < 4,500
        assertFalse(trading.isLiquidatable(b5));
        assertFalse(trading.isLiquidatable(c3));
        assertFalse(trading.isLiquidatable(dShort));
        assertEq(_upkeep(), 1);
        assertFalse(pm.isOpen(a10));

        // step 2: 45,000 -> 40,000 is 11.1 %: trips; nothing is liquidated during the cooldown
        vm.warp(block.timestamp + 31);
        assertFalse(_push(40_000));
        assertEq(_upkeep(), 0);
        vm.warp(block.timestamp + 300);
        assertTrue(_push(40_000));
        assertEq(dso.getPrice(BTC), 40_000 * WAD); // 20 % below the entry price
        assertTrue(trading.isLiquidatable(b5)); // value 80,000 vs debt 80,000+
        assertFalse(trading.isLiquidatable(c3)); // value 72,000, debt 60,000, requirement 3,600
        assertFalse(trading.isLiquidatable(dShort)); // short gains
        assertEq(_upkeep(), 1);
        assertFalse(pm.isOpen(b5));
        assertTrue(pm.isOpen(c3) && pm.isOpen(dShort));

        // every remaining open position is healthy after the upkeep
        uint256[] memory open = trading.openPositionIds();
        for (uint256 i; i < open.length; ++i) {
            assertGe(pm.calculateHealthFactor(open[i]), WAD);
        }
        // the pool lost only what was recorded as bad debt
        assertEq(pool.totalBorrows(address(usdc)) + pool.cash(address(usdc)) + pool.totalBadDebt(address(usdc)) >= 1_000_000 * USDC, true);
    }
}
