// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PlatformFixture} from "./mocks/PlatformFixture.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";

contract LiquidationEngineTest is PlatformFixture {
    address internal receiver = makeAddr("receiver");

    event LiquidationSkipped(uint256 indexed positionId);
    event LiquidationFailed(uint256 indexed positionId, bytes reason);
    event LiquidationExecuted(uint256 indexed positionId, address indexed caller);

    function setUp() public {
        _deployPlatform();
        _supply(lender, 1_000_000 * USDC);
        _deposit(alice, 10_000 * USDC);
        _deposit(bob, 20_000 * USDC);
        _fundInsurance(10_000 * USDC);
        bytes32 role = engine.RECEIVER_ROLE();
        vm.prank(admin);
        engine.grantRole(role, receiver);
        vm.warp(block.timestamp + 60);
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function test_checkUpkeepFalseWhenAllHealthy() public {
        _open(alice, true, 100_000 * USDC, 10);
        (bool needed, bytes memory data) = engine.checkUpkeep("");
        assertFalse(needed);
        assertEq(abi.decode(data, (uint256[])).length, 0);
    }

    function test_checkUpkeepFindsLiquidatableOnly() public {
        uint256 a = _open(alice, true, 100_000 * USDC, 10); // 10x
        uint256 b = _open(bob, true, 40_000 * USDC, 2); // 2x, healthy at 45,000
        oracle.setPrice(BTC, 45_000 * WAD);
        (bool needed, bytes memory data) = engine.checkUpkeep("");
        assertTrue(needed);
        uint256[] memory ids = abi.decode(data, (uint256[]));
        assertEq(ids.length, 1);
        assertEq(ids[0], a);
        assertFalse(trading.isLiquidatable(b));
    }

    function test_checkUpkeepRespectsInterval() public {
        _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 45_000 * WAD);
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(new uint256[](0)));
        (bool needed,) = engine.checkUpkeep("");
        assertFalse(needed); // interval 30 s not elapsed
        vm.warp(block.timestamp + 30);
        (needed,) = engine.checkUpkeep("");
        assertTrue(needed);
    }

    function test_checkUpkeepFalseWhileOracleRefuses() public {
        _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 45_000 * WAD);
        oracle.setBroken(BTC, true);
        (bool needed,) = engine.checkUpkeep("");
        assertFalse(needed);
    }

    function test_performUpkeepOnlyLiquidator() public {
        bytes32 role = engine.LIQUIDATOR_ROLE();
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role
            )
        );
        engine.performUpkeep(abi.encode(new uint256[](0)));
    }

    function test_performUpkeepRevalidatesAndSkipsHealthy() public {
        uint256 a = _open(alice, true, 100_000 * USDC, 10);
        uint256 b = _open(bob, true, 40_000 * USDC, 2);
        oracle.setPrice(BTC, 45_000 * WAD);
        uint256[] memory ids = new uint256[](3);
        ids[0] = b; // healthy: forged performData must not liquidate it
        ids[1] = 999; // unknown: fails, must not block the rest
        ids[2] = a;
        vm.expectEmit(true, false, false, false);
        emit LiquidationSkipped(b);
        vm.expectEmit(true, false, false, false);
        emit LiquidationFailed(999, "");
        vm.expectEmit(true, true, false, false);
        emit LiquidationExecuted(a, keeper);
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(ids));
        assertTrue(pm.isOpen(b));
        assertFalse(pm.isOpen(a));
        assertEq(engine.lastUpkeep(), block.timestamp);
    }

    function test_liquidateRevertsOnHealthy() public {
        uint256 a = _open(alice, true, 100_000 * USDC, 10);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.NotLiquidatable.selector, a));
        engine.liquidate(a);
        oracle.setPrice(BTC, 45_000 * WAD);
        vm.prank(keeper);
        engine.liquidate(a);
        assertFalse(pm.isOpen(a));
    }

    function test_authorizeAndRevokeLiquidator() public {
        vm.prank(admin);
        engine.authorizeLiquidator(bob);
        assertTrue(engine.hasRole(engine.LIQUIDATOR_ROLE(), bob));
        vm.prank(admin);
        engine.revokeLiquidator(bob);
        assertFalse(engine.hasRole(engine.LIQUIDATOR_ROLE(), bob));
        vm.prank(bob);
        vm.expectRevert();
        engine.setLiquidationInterval(1);
    }

    function test_liquidateFromRemoteRevalidates() public {
        uint256 a = _open(alice, true, 100_000 * USDC, 10);
        vm.prank(bob);
        vm.expectRevert();
        engine.liquidateFromRemote(a);
        vm.expectEmit(true, false, false, false);
        emit LiquidationSkipped(a);
        vm.prank(receiver);
        engine.liquidateFromRemote(a);
        assertTrue(pm.isOpen(a));
        oracle.setPrice(BTC, 45_000 * WAD);
        vm.prank(receiver);
        engine.liquidateFromRemote(a);
        assertFalse(pm.isOpen(a));
    }

    function test_pauseStopsEngine() public {
        uint256 a = _open(alice, true, 100_000 * USDC, 10);
        oracle.setPrice(BTC, 45_000 * WAD);
        vm.prank(admin);
        engine.pause();
        vm.startPrank(keeper);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.performUpkeep(abi.encode(_ids(a)));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidate(a);
        vm.stopPrank();
        vm.prank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidateFromRemote(a);
    }

    function test_assetPrice() public {
        vm.prank(admin);
        engine.setAssetFeed(address(0xB7C), BTC);
        assertEq(engine.assetPrice(address(0xB7C)), 50_000 * WAD);
    }
}
