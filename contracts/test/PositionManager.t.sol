// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PlatformFixture} from "./mocks/PlatformFixture.sol";
import {PositionManager} from "../src/PositionManager.sol";
import {IPositionManager} from "../src/interfaces/IPlatform.sol";
import {MockPriceOracle} from "./mocks/MockPriceOracle.sol";

contract PositionManagerTest is PlatformFixture {
    address internal receiver = makeAddr("receiver");

    event RemotePositionRecorded(
        uint64 indexed sourceChain, uint256 indexed remotePositionId, address indexed trader, int256 sizeDelta, int256 newSize
    );

    function setUp() public {
        _deployPlatform();
        _supply(lender, 1_000_000 * USDC);
        _deposit(alice, 20_000 * USDC);
        bytes32 role = pm.RECEIVER_ROLE();
        vm.prank(admin);
        pm.grantRole(role, receiver);
    }

    function _record() internal pure returns (IPositionManager.Position memory p) {
        p.trader = address(0xA11CE);
        p.token = address(0xC0FFEE);
        p.marketId = 1;
        p.feedId = keccak256("BTC/USD");
        p.isLong = true;
        p.size = 1000;
        p.entryPrice = 1e18;
        p.collateral = 100;
        p.principal = 900;
        p.indexAtBorrow = 1e18;
    }

    function test_onlyTradingCreatesUpdatesCloses() public {
        bytes32 role = pm.TRADING_ROLE();
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.createPosition(_record());
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.updatePosition(1, 1, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.closePosition(1);
        vm.stopPrank();
    }

    function test_recordsAndOpenIdsSwapAndPop() public {
        vm.startPrank(address(trading));
        uint256 a = pm.createPosition(_record());
        uint256 b = pm.createPosition(_record());
        uint256 c = pm.createPosition(_record());
        pm.closePosition(a);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.PositionNotOpen.selector, a));
        pm.closePosition(a);
        pm.updatePosition(b, 200, 800, 2e18);
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.createPosition(IPositionManager.Position(address(0), address(0), 0, 0, true, 0, 0, 0, 0, 0, 0, 0, false));
        vm.stopPrank();
        uint256[] memory ids = pm.openPositionIds();
        assertEq(ids.length, 2);
        assertEq(ids[0], c);
        assertEq(ids[1], b);
        assertEq(pm.getPosition(b).collateral, 200);
        assertEq(pm.getPosition(b).indexAtBorrow, 2e18);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.UnknownPosition.selector, 99));
        pm.getPosition(99);
    }

    function test_healthFactorIsEquityOverMaintenance() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        assertEq(pm.calculateHealthFactor(id), 2 * WAD); // 10,000 / 5,000
        oracle.setPrice(BTC, 47_500 * WAD);
        IPositionManager.PositionState memory st = pm.positionState(id);
        assertEq(st.value, 95_000 * USDC);
        assertEq(st.debt, 90_000 * USDC);
        assertEq(st.requirement, 4_750 * USDC);
        assertEq(st.healthFactor, uint256(5_000) * WAD / 4_750);
        oracle.setPrice(BTC, 47_368 * WAD); // just below ~47,368.42
        assertLt(pm.calculateHealthFactor(id), WAD);
        oracle.setPrice(BTC, 42_500 * WAD);
        assertEq(pm.calculateHealthFactor(id), 0); // equity negative
    }

    function test_healthFactorIncludesInterest() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        vm.warp(block.timestamp + 365 days);
        IPositionManager.PositionState memory st = pm.positionState(id);
        assertEq(st.debt, 94_500 * USDC);
        assertEq(st.healthFactor, uint256(5_500) * WAD / 5_000);
    }

    function test_healthFactorRevertsWhenOracleRefuses() public {
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        oracle.setBroken(BTC, true);
        vm.expectRevert(abi.encodeWithSelector(MockPriceOracle.PriceUnavailable.selector, BTC));
        pm.calculateHealthFactor(id);
    }

    function test_recordRemotePositionOnlyReceiver() public {
        bytes32 role = pm.RECEIVER_ROLE();
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role)
        );
        pm.recordRemotePosition(1, 7, alice, 100);
        vm.expectEmit(true, true, true, true);
        emit RemotePositionRecorded(1, 7, alice, 100, 100);
        vm.prank(receiver);
        pm.recordRemotePosition(1, 7, alice, 100);
        vm.prank(receiver);
        pm.recordRemotePosition(1, 7, alice, -40);
        assertEq(pm.remoteSize(1, 7), 60);
        vm.prank(receiver);
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.recordRemotePosition(1, 7, bob, 1);
    }

    function test_settersAdminOnly() public {
        vm.startPrank(bob);
        vm.expectRevert();
        pm.setAssetFeed(address(usdc), BTC);
        vm.expectRevert();
        pm.setLendingPool(address(1));
        vm.expectRevert();
        pm.setFundingSource(address(1));
        vm.stopPrank();
        vm.prank(admin);
        pm.setAssetFeed(address(usdc), BTC);
        assertEq(pm.assetFeed(address(usdc)), BTC);
    }

    function test_pauseBlocksCreateAndRemoteButNotClose() public {
        vm.prank(address(trading));
        uint256 id = pm.createPosition(_record());
        vm.prank(admin);
        pm.pause();
        vm.prank(address(trading));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.createPosition(_record());
        vm.prank(address(trading));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.updatePosition(id, 1, 1, 1);
        vm.prank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.recordRemotePosition(1, 1, alice, 1);
        vm.prank(address(trading));
        pm.closePosition(id);
        assertFalse(pm.isOpen(id));
    }
}
