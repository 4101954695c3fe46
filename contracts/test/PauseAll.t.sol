// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PlatformFixture} from "./mocks/PlatformFixture.sol";
import {IPerpetualTrading, IPositionManager} from "../src/interfaces/IPlatform.sol";
import {CrossChainReceiver} from "../src/CrossChainReceiver.sol";
import {PlatformDeployer} from "../script/PlatformDeployer.sol";

/// @notice The design's "test pause/unpause for all contracts": with every module paused, each state-changing
///         entry point reverts EnforcedPause; the documented exemptions (repay, liquidation, record close,
///         admin configuration) still work; after unpause everything works again.
contract PauseAllTest is PlatformFixture {
    address internal receiver = makeAddr("receiver");
    uint256 internal id;
    CrossChainReceiver internal ccReceiver;

    function setUp() public {
        vm.warp(1_700_000_000);
        _deployPlatformWithOracle();
        _supply(lender, 1_000_000 * USDC);
        _fundInsurance(5_000 * USDC);
        _deposit(alice, 20_000 * USDC);
        id = _open(alice, true, 100_000 * USDC, 10);
        vm.startPrank(admin);
        ccReceiver = PlatformDeployer.deployCrossChainReceiver(makeAddr("ccipRouter"), address(realVault), address(pm), address(engine), admin);
        pm.grantRole(pm.RECEIVER_ROLE(), receiver);
        engine.grantRole(engine.RECEIVER_ROLE(), receiver);
        vm.stopPrank();
    }

    function _pauseAll() internal {
        vm.startPrank(admin);
        dso.pause();
        pm.pause();
        pool.pause();
        engine.pause();
        trading.pause();
        realVault.pause();
        ccReceiver.pause();
        vm.stopPrank();
    }

    function test_everyModuleRejectsStateChangesWhenPaused() public {
        _pauseAll();
        assertTrue(dso.paused() && pm.paused() && pool.paused() && engine.paused() && trading.paused());
        assertTrue(realVault.paused() && ccReceiver.paused());

        // vault and receiver (P1)
        vm.prank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        realVault.depositCollateral(address(usdc), 1);
        vm.prank(address(trading));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        realVault.lockCollateral(alice, address(usdc), 1);
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        ccReceiver.retryFailedMessage(bytes32(uint256(1)));

        // oracle
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        dso.updatePrice(BTC, 50_000e8);
        // lending pool
        vm.startPrank(lender);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.supply(address(usdc), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.withdraw(address(usdc), 1);
        vm.stopPrank();
        vm.prank(address(trading));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.borrow(address(usdc), 1);
        // trading
        vm.startPrank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 10_000 * USDC, 10, address(usdc));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.closePosition(id);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.fundInsurance(address(usdc), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.fundCounterparty(address(usdc), 1);
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.updateFundingRate("BTC/USD", 25);
        // position manager
        IPositionManager.Position memory p = pm.getPosition(id);
        vm.startPrank(address(trading));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.createPosition(p);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.updatePosition(id, 1, 1, 1);
        vm.stopPrank();
        vm.prank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.recordRemotePosition(1, 1, alice, 1);
        // liquidation engine
        vm.startPrank(keeper);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.performUpkeep(abi.encode(new uint256[](0)));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidate(id);
        vm.stopPrank();
        vm.prank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidateFromRemote(id);
    }

    function test_exemptionsStillWorkWhenPaused() public {
        // the price falls (accepted before the pause), then everything but the engine is paused
        vm.warp(block.timestamp + 31);
        assertTrue(_push(47_000)); // value 94,000, equity 4,000 < maintenance 4,700
        vm.startPrank(admin);
        dso.pause();
        pm.pause();
        pool.pause();
        trading.pause();
        realVault.pause();
        // admin configuration is exempt
        trading.addMarket("ETH/USD", keccak256("ETH/USD"), 100, 85);
        pool.setInterestRate(address(usdc), 400);
        engine.setLiquidationInterval(30);
        pm.setAssetFeed(address(usdc), BTC);
        vm.stopPrank();
        // repay exempt; liquidation (trading + record close) exempt: lenders are protected during a pause
        pool.accrue(address(usdc));
        uint256 owed = pool.debtOf(address(usdc), 90_000 * USDC, WAD);
        vm.prank(keeper);
        engine.liquidate(id);
        assertFalse(pm.isOpen(id));
        assertEq(pool.totalBorrows(address(usdc)), 0);
        // the vault's release (exempt) credited Alice what was left after the pool and the 5 % penalty
        uint256 expected = 10_000 * USDC + 94_000 * USDC - owed - 500 * USDC;
        assertEq(vault.collateralOf(alice, address(usdc)), expected);
        // and her free collateral can be withdrawn while the vault is paused (P1's exemption)
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), expected);
        assertEq(usdc.balanceOf(alice), expected);
    }

    function test_unpauseRestores() public {
        _pauseAll();
        vm.startPrank(admin);
        realVault.unpause();
        ccReceiver.unpause();
        dso.unpause();
        pm.unpause();
        pool.unpause();
        engine.unpause();
        trading.unpause();
        vm.stopPrank();
        vm.prank(alice);
        trading.closePosition(id);
        assertEq(vault.collateralOf(alice, address(usdc)), 20_000 * USDC);
    }

    function test_onlyGuardianPauses() public {
        vm.startPrank(alice);
        vm.expectRevert();
        trading.pause();
        vm.expectRevert();
        pool.pause();
        vm.expectRevert();
        engine.pause();
        vm.expectRevert();
        pm.pause();
        vm.stopPrank();
    }
}
