// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {PlatformFixture} from "../mocks/PlatformFixture.sol";
import {PerpetualTrading} from "../../src/PerpetualTrading.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";

/// The v2 features (issue 14): what each new or changed function must achieve.
contract V2FeaturesTest is PlatformFixture {
    function setUp() public {
        _deployPlatform();
        _supply(lender, 1_000_000 * USDC);
        _deposit(alice, 10_000 * USDC);
        _fundCounterparty(100_000 * USDC);
    }

    function test_openInterestCapRefusesAPositionAboveIt() public {
        vm.prank(admin);
        trading.setOpenInterestCap(1, 150_000 * USDC);
        assertEq(trading.openInterestCapOf(1), 150_000 * USDC);
        _open(alice, true, 100_000 * USDC, 20);
        assertEq(trading.openInterestOf(1), 100_000 * USDC);
        vm.expectRevert(abi.encodeWithSelector(
            PerpetualTrading.OpenInterestCapExceeded.selector, 1, 100_000 * USDC, 60_000 * USDC, 150_000 * USDC));
        _open(alice, false, 60_000 * USDC, 20);
        _open(alice, false, 50_000 * USDC, 20); // exactly at the cap
        assertEq(trading.openInterestOf(1), 150_000 * USDC);
    }

    function test_closingReleasesOpenInterest() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 20);
        vm.prank(alice);
        trading.closePosition(id);
        assertEq(trading.openInterestOf(1), 0);
    }

    function test_openInterestCapOnlyAdminAndKnownMarket() public {
        bytes32 role = trading.DEFAULT_ADMIN_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        trading.setOpenInterestCap(1, 1);
        vm.prank(admin);
        vm.expectRevert(PerpetualTrading.InvalidMarketParams.selector);
        trading.setOpenInterestCap(2, 1);
    }

    function test_fundingRateIsClampedToTheConfiguredMaximum() public {
        vm.startPrank(admin);
        trading.setMaxFundingRate(100);
        trading.updateFundingRate("BTC/USD", 250);
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, 100);
        trading.updateFundingRate("BTC/USD", -250);
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, -100);
        trading.updateFundingRate("BTC/USD", 40);
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, 40);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidFundingClamp.selector, int256(-1)));
        trading.setMaxFundingRate(-1);
        vm.stopPrank();
    }

    function test_keeperBatchIsConfigurableWithinMaxBatch() public {
        assertEq(engine.maxBatch(), engine.MAX_BATCH());
        vm.startPrank(admin);
        engine.setMaxBatch(3);
        assertEq(engine.maxBatch(), 3);
        uint256 maxBatch = engine.MAX_BATCH();
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.InvalidMaxBatch.selector, maxBatch + 1));
        engine.setMaxBatch(maxBatch + 1);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.InvalidMaxBatch.selector, 0));
        engine.setMaxBatch(0);
        vm.stopPrank();
    }

    function test_upkeepProposesAndLiquidatesAtMostTheBatch() public {
        for (uint256 i; i < 4; ++i) {
            _open(alice, true, 20_000 * USDC, 20);
        }
        vm.prank(admin);
        engine.setMaxBatch(2);
        oracle.setPrice(BTC, 47_000 * WAD); // every 20x long is below its maintenance margin
        vm.warp(block.timestamp + 60);
        (bool needed, bytes memory performData) = engine.checkUpkeep("");
        assertTrue(needed);
        assertEq(abi.decode(performData, (uint256[])).length, 2);
        uint256[] memory all = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            all[i] = i + 1;
        }
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(all));
        assertEq(trading.openPositionIds().length, 2);
    }
}
