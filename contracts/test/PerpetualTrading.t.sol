// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PlatformFixture} from "./mocks/PlatformFixture.sol";
import {PerpetualTrading} from "../src/PerpetualTrading.sol";
import {IPerpetualTrading, IPositionManager} from "../src/interfaces/IPlatform.sol";

contract PerpetualTradingTest is PlatformFixture {
    event PositionLiquidated(
        uint256 indexed positionId,
        uint256 price,
        uint256 healthFactor,
        uint256 repaid,
        uint256 coveredByInsurance,
        uint256 badDebt,
        uint256 penalty,
        uint256 toTrader
    );
    event BadDebtRecorded(uint256 indexed positionId, address indexed token, uint256 badDebt);

    function setUp() public {
        _deployPlatform();
        _supply(lender, 1_000_000 * USDC);
        _deposit(alice, 10_000 * USDC);
    }

    function test_addMarketOnlyAdminAndUnique() public {
        bytes32 role = trading.DEFAULT_ADMIN_ROLE();
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role
            )
        );
        trading.addMarket("ETH/USD", keccak256("ETH/USD"), 100, 85);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.MarketExists.selector, "BTC/USD"));
        trading.addMarket("BTC/USD", BTC, 17, 500);
        vm.prank(admin);
        vm.expectRevert(PerpetualTrading.InvalidMarketParams.selector);
        trading.addMarket("X/USD", bytes32(0), 20, 500);
    }

    function test_openLocksCollateralBorrowsAndRecords() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        IPositionManager.Position memory p = pm.getPosition(id);
        assertEq(p.trader, alice);
        assertEq(p.size, 100_000 * USDC);
        assertEq(p.collateral, 10_000 * USDC);
        assertEq(p.principal, 90_000 * USDC);
        assertEq(p.entryPrice, 50_000 * WAD);
        assertEq(p.indexAtBorrow, WAD);
        assertTrue(p.isLong && p.open);
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
        assertEq(usdc.balanceOf(address(trading)), 100_000 * USDC);
        assertEq(pool.totalBorrows(address(usdc)), 90_000 * USDC);
        assertEq(trading.openPositionIds().length, 1);
        assertFalse(trading.isLiquidatable(id));
    }

    function test_openReverts() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidLeverage.selector, 21, 17));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 210_000 * USDC, 21, address(usdc));
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidLeverage.selector, 0, 17));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1000, 0, address(usdc));
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidSize.selector, 1001, 10));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1001, 10, address(usdc));
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.UnknownMarket.selector, "DOGE/USD"));
        trading.openPosition("DOGE/USD", IPerpetualTrading.Side.Long, 1000, 10, address(usdc));
        vm.stopPrank();
    }

    /// The bands leave no market where an open at its maximum leverage is liquidatable at once: 100x at 5 %
    /// maintenance (the design's example, where every 21x+ open was refused as unhealthy) is itself refused, and at
    /// the band's edge (10x at 9 %: 90 % of the margin) a maximum-leverage open has HF = 1 / 0.9.
    function test_bandsLeaveNoMarketUnhealthyAtMaximumLeverage() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.MarketOutsideBands.selector, 100, 500));
        trading.addMarket("ETH/USD", keccak256("ETH/USD"), 100, 500);
        vm.prank(admin);
        trading.addMarket("ETH/USD", keccak256("ETH/USD"), 10, 900);
        oracle.setPrice(keccak256("ETH/USD"), 3000 * WAD);
        vm.prank(alice);
        uint256 id = trading.openPosition("ETH/USD", IPerpetualTrading.Side.Long, 100_000 * USDC, 10, address(usdc));
        assertEq(pm.calculateHealthFactor(id), WAD * 10_000 / 9_000);
        assertFalse(trading.isLiquidatable(id));
    }

    function test_closeWithProfitPaidByCounterparty() public {
        _fundCounterparty(50_000 * USDC);
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.warp(block.timestamp + 1 days);
        oracle.setPrice(BTC, 55_000 * WAD);
        uint256 owed = pool.debtOf(address(usdc), 90_000 * USDC, WAD);
        vm.prank(alice);
        trading.closePosition(id);
        assertEq(vault.collateralOf(alice, address(usdc)), 110_000 * USDC - owed);
        assertEq(trading.counterpartyBalance(address(usdc)), 40_000 * USDC);
        assertEq(pool.totalBorrows(address(usdc)), 0);
        assertEq(trading.openPositionIds().length, 0);
        assertEq(usdc.balanceOf(address(trading)), 40_000 * USDC);
    }

    function test_closeWithLossGoesToCounterparty() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 48_000 * WAD); // value 96,000, HF = 6,000 / 4,800 > 1
        vm.prank(alice);
        trading.closePosition(id);
        assertEq(vault.collateralOf(alice, address(usdc)), 6_000 * USDC);
        assertEq(trading.counterpartyBalance(address(usdc)), 4_000 * USDC);
    }

    function test_shortProfitsWhenPriceFalls() public {
        _fundCounterparty(50_000 * USDC);
        uint256 id = _open(alice, false, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 45_000 * WAD); // short value = 100,000 * (100,000 - 45,000) / 50,000 = 110,000
        vm.prank(alice);
        trading.closePosition(id);
        assertEq(vault.collateralOf(alice, address(usdc)), 20_000 * USDC);
    }

    function test_closeRevertsForOthersUnderwaterAndUnpaidProfit() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotTrader.selector, id, bob));
        trading.closePosition(id);
        oracle.setPrice(BTC, 55_000 * WAD);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PerpetualTrading.InsufficientCounterpartyBalance.selector, 10_000 * USDC, 0)
        );
        trading.closePosition(id);
        oracle.setPrice(BTC, 44_000 * WAD);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PerpetualTrading.PositionUnderwater.selector, id, 88_000 * USDC, 90_000 * USDC)
        );
        trading.closePosition(id);
    }

    function test_liquidateOnlyEngineAndOnlyUnhealthy() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotLiquidationEngine.selector, bob));
        vm.prank(bob);
        trading.liquidatePosition(id);
        vm.prank(address(engine));
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotLiquidatable.selector, id, 2 * WAD));
        trading.liquidatePosition(id);
    }

    function test_liquidationWithPenaltyFromWhatIsLeft() public {
        _fundInsurance(2_000 * USDC);
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 47_000 * WAD); // value 94,000, equity 4,000 < requirement 4,700
        uint256 hf = pm.calculateHealthFactor(id);
        assertEq(hf, uint256(4_000 * USDC) * WAD / (4_700 * USDC));
        vm.expectEmit(true, false, false, true);
        emit PositionLiquidated(id, 47_000 * WAD, hf, 90_000 * USDC, 0, 0, 500 * USDC, 3_500 * USDC);
        vm.prank(address(engine));
        trading.liquidatePosition(id);
        assertEq(trading.insuranceFund(address(usdc)), 2_500 * USDC);
        assertEq(vault.collateralOf(alice, address(usdc)), 3_500 * USDC);
        assertEq(trading.counterpartyBalance(address(usdc)), 6_000 * USDC);
        assertEq(pool.totalBorrows(address(usdc)), 0);
        assertEq(pool.cash(address(usdc)), 1_000_000 * USDC);
    }

    function test_liquidationShortfallInsuranceThenBadDebt() public {
        _fundInsurance(2_000 * USDC);
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 42_500 * WAD);
        vm.expectEmit(true, true, false, true);
        emit BadDebtRecorded(id, address(usdc), 3_000 * USDC);
        vm.prank(address(engine));
        trading.liquidatePosition(id);
        assertEq(trading.insuranceFund(address(usdc)), 0);
        assertEq(pool.totalBadDebt(address(usdc)), 3_000 * USDC);
        assertEq(pool.cash(address(usdc)), 997_000 * USDC);
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
    }

    function test_fundingAccruesAndIsOwedByLongs() public {
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", 25);
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.warp(block.timestamp + 1 hours);
        assertEq(trading.currentCumulativeFunding(1), 25e12);
        IPositionManager.PositionState memory st = pm.positionState(id);
        assertEq(st.fundingOwed, int256(2_500_000)); // 2.5 USDC
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", -25);
        vm.warp(block.timestamp + 1 hours);
        assertEq(trading.currentCumulativeFunding(1), 0);
    }

    function test_pauseBlocksTradingButNotLiquidation() public {
        _fundInsurance(1_000 * USDC);
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.prank(admin);
        trading.pause();
        vm.startPrank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1000, 10, address(usdc));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.closePosition(id);
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.updateFundingRate("BTC/USD", 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.fundInsurance(address(usdc), 1);
        oracle.setPrice(BTC, 45_000 * WAD);
        vm.prank(address(engine));
        trading.liquidatePosition(id);
        assertFalse(pm.isOpen(id));
    }
}
