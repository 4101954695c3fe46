// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PerpIntegrityBase} from "./PerpIntegrityBase.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {DataStreamOracle} from "../../src/DataStreamOracle.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice What each LiquidationEngine function must achieve (specs/integrity_liqe.py, INT-LIQE-*): a liquidatable
///         position CAN be liquidated, by an authorised keeper through liquidate() and through Automation's
///         checkUpkeep -> performUpkeep, and from another chain; healthy ones are refused or skipped; the wiring,
///         the keeper set and the interval do what they say; the views agree with PositionManager and the oracle.
///         Calls are made without try/catch: a liquidation that reverts fails the test.
contract LiqeIntegrity is PerpIntegrityBase {
    address internal receiver = makeAddr("receiver");

    event PerpetualTradingSet(address indexed trading);
    event AssetFeedSet(address indexed asset, bytes32 indexed feedId);
    event LiquidationIntervalSet(uint256 interval);
    event LiquidatorAuthorized(address indexed liquidator);
    event LiquidatorRevoked(address indexed liquidator);
    event UpkeepPerformed(address indexed caller, uint256 requested, uint256 liquidated);
    event LiquidationExecuted(uint256 indexed positionId, address indexed caller);
    event LiquidationSkipped(uint256 indexed positionId);
    event RemoteLiquidationRequested(uint256 indexed positionId, bool executed);

    function setUp() public {
        _setUpPerp();
        _fundInsurance(1e6 * USDC);
        _fundCounterparty(1e8 * USDC);
        bytes32 role = engine.RECEIVER_ROLE();
        vm.prank(admin);
        engine.grantRole(role, receiver);
    }

    /// @dev Opens a `leverage`x position for `who` at ENTRY8 and moves the price so that it is worth at most its
    ///      principal after `dt` seconds (HF 0, recomputed and checked here): liquidatable.
    function _liquidatable(address who, uint256 collateral, uint256 leverage, bool isLong, uint256 extraBps, uint256 dt)
        internal
        returns (uint256 id)
    {
        _price(ENTRY8);
        id = _openWith(who, isLong, collateral, leverage);
        uint256 idx0 = _firstIndex();
        _warp(dt);
        uint256 price = _price(_underwaterPrice8(isLong, leverage, extraBps));
        Health memory h = _healthOf(collateral, leverage, isLong, ENTRY8 * 1e10, price, idx0, _accrued(idx0, dt));
        assertLt(h.hf, WAD, "set-up: liquidatable by the formula");
    }

    // ---------------------------------------------------------------- INT-LIQE-01 liquidate

    /// an authorised keeper CAN liquidate a liquidatable position through liquidate(): it is closed, its debt leaves
    /// the pool's books, and LiquidationExecuted names it and the keeper
    function test_INT_LIQE_01_keeperLiquidates(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 extraBps,
        uint256 dt
    ) public {
        collateral = bound(collateral, 1, MAX_COLLATERAL);
        leverage = bound(leverage, 2, MAX_LEVERAGE);
        uint256 id = _liquidatable(alice, collateral, leverage, isLong, bound(extraBps, 0, 4_000), bound(dt, 0, YEAR));
        vm.expectEmit(true, true, false, true, address(engine));
        emit LiquidationExecuted(id, keeper);
        vm.prank(keeper);
        engine.liquidate(id);
        assertFalse(pm.isOpen(id), "liquidated");
        assertEq(pm.openPositionCount(), 0, "unlisted");
        assertEq(pool.totalBorrows(address(usdc)), 0, "debt off the pool's books");
    }

    /// liquidate refuses healthy positions, strangers, an unwired engine, and works only while the engine is not
    /// paused
    function test_INT_LIQE_01_liquidateRefusals() public {
        uint256 id = _openWith(alice, true, 10_000 * USDC, 10);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.NotLiquidatable.selector, id));
        engine.liquidate(id);
        _price(_underwaterPrice8(true, 10, 0));
        bytes32 role = engine.LIQUIDATOR_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        engine.liquidate(id);
        vm.prank(admin);
        engine.pause();
        vm.prank(keeper);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidate(id);
        LiquidationEngine bare =
            PlatformDeployer.deployLiquidationEngine(address(pm), address(dso), address(vault), admin);
        vm.prank(admin);
        bare.authorizeLiquidator(keeper);
        vm.prank(keeper);
        vm.expectRevert(LiquidationEngine.NotWired.selector);
        bare.liquidate(id);
        assertTrue(pm.isOpen(id), "untouched");
        vm.prank(admin);
        engine.unpause();
        vm.prank(keeper);
        engine.liquidate(id);
        assertFalse(pm.isOpen(id), "liquidated once unpaused");
    }

    // ---------------------------------------------------------------- INT-LIQE-02 Automation

    /// checkUpkeep finds exactly the liquidatable positions (HF < 1 by the formula), in list order; performUpkeep on
    /// its performData liquidates all of them, leaves the healthy ones open, reports the counts and restarts the
    /// interval
    function test_INT_LIQE_02_upkeepFindsAndLiquidates(uint256 seed, uint256 n, uint256 dropBps, uint256 dt) public {
        n = bound(n, 1, 6);
        _price(ENTRY8);
        uint256[] memory ids = new uint256[](n);
        uint256[] memory lev = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            lev[i] = bound(uint256(keccak256(abi.encode(seed, i))), 1, MAX_LEVERAGE);
            ids[i] = _openWith(makeAddr(string.concat("trader", vm.toString(i))), true, 1_000 * USDC, lev[i]);
        }
        dt = bound(dt, engine.liquidationInterval(), 30 days);
        _warp(dt);
        uint256 price = _price(ENTRY8 * (10_000 - bound(dropBps, 0, 2_000)) / 10_000);
        bool[] memory liquidatable = new bool[](n);
        for (uint256 i; i < n; ++i) {
            liquidatable[i] =
                _healthOf(1_000 * USDC, lev[i], true, ENTRY8 * 1e10, price, WAD, _accrued(WAD, dt)).hf < WAD;
        }
        _checkUpkeepRun(ids, liquidatable);
    }

    function _checkUpkeepRun(uint256[] memory ids, bool[] memory liquidatable) internal {
        uint256 m;
        for (uint256 i; i < ids.length; ++i) {
            if (liquidatable[i]) ++m;
        }
        (bool needed, bytes memory data) = engine.checkUpkeep("");
        uint256[] memory found = abi.decode(data, (uint256[]));
        assertEq(needed, m > 0, "upkeep needed iff something is liquidatable");
        assertEq(found.length, m, "exactly the liquidatable ones");
        uint256 k;
        for (uint256 i; i < ids.length; ++i) {
            if (liquidatable[i]) assertEq(found[k++], ids[i], "in list order");
        }
        if (m == 0) return;

        vm.expectEmit(true, false, false, true, address(engine));
        emit UpkeepPerformed(keeper, m, m);
        vm.prank(keeper);
        engine.performUpkeep(data);
        assertEq(engine.lastUpkeep(), block.timestamp, "interval restarts");
        for (uint256 i; i < ids.length; ++i) {
            assertEq(pm.isOpen(ids[i]), !liquidatable[i], "liquidatable closed, healthy kept");
        }
        assertEq(pm.openPositionCount(), ids.length - m, "the healthy remain");
        (needed,) = engine.checkUpkeep("");
        assertFalse(needed, "nothing left to do within the interval");
    }

    /// performUpkeep re-validates: a healthy id handed to it is skipped (reported, left open), not liquidated
    function test_INT_LIQE_02_performUpkeepSkipsHealthy(uint256 collateral, uint256 leverage) public {
        collateral = bound(collateral, 1, MAX_COLLATERAL);
        leverage = bound(leverage, 1, MAX_LEVERAGE);
        uint256 id = _openWith(alice, true, collateral, leverage);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.expectEmit(true, false, false, true, address(engine));
        emit LiquidationSkipped(id);
        vm.expectEmit(true, false, false, true, address(engine));
        emit UpkeepPerformed(keeper, 1, 0);
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(ids));
        assertTrue(pm.isOpen(id), "healthy position kept");
        bytes32 role = engine.LIQUIDATOR_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        engine.performUpkeep(abi.encode(ids));
    }

    // ---------------------------------------------------------------- INT-LIQE-03 liquidateFromRemote

    /// a liquidation requested from another chain is executed when the position is liquidatable and skipped (no
    /// revert) when it is healthy; both are reported; only the receiver may ask
    function test_INT_LIQE_03_remoteRequestExecutedOrSkipped(uint256 leverage, bool isLong, uint256 extraBps) public {
        leverage = bound(leverage, 2, MAX_LEVERAGE);
        uint256 healthy = _openWith(bob, !isLong, 1_000 * USDC, 1);
        vm.expectEmit(true, false, false, true, address(engine));
        emit LiquidationSkipped(healthy);
        vm.expectEmit(true, false, false, true, address(engine));
        emit RemoteLiquidationRequested(healthy, false);
        vm.prank(receiver);
        engine.liquidateFromRemote(healthy);
        assertTrue(pm.isOpen(healthy), "healthy kept");

        uint256 id = _liquidatable(alice, 10_000 * USDC, leverage, isLong, bound(extraBps, 0, 4_000), 0);
        vm.expectEmit(true, true, false, true, address(engine));
        emit LiquidationExecuted(id, receiver);
        vm.expectEmit(true, false, false, true, address(engine));
        emit RemoteLiquidationRequested(id, true);
        vm.prank(receiver);
        engine.liquidateFromRemote(id);
        assertFalse(pm.isOpen(id), "liquidated");

        bytes32 role = engine.RECEIVER_ROLE();
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, keeper, role));
        engine.liquidateFromRemote(healthy);
    }

    // ---------------------------------------------------------------- INT-LIQE-04 authorize / revoke

    /// authorizeLiquidator lets a new keeper liquidate (liveness), revokeLiquidator takes that away; both are the
    /// admin's alone and reported
    function test_INT_LIQE_04_authorizeThenRevoke(address bot) public {
        vm.assume(bot != address(0) && bot != keeper && bot != admin);
        uint256 a = _liquidatable(alice, 1_000 * USDC, 10, true, 0, 0);
        uint256 b = _openWith(bob, true, 1_000 * USDC, 10);
        _price(_underwaterPrice8(true, 10, 2_000)); // a further drop: both liquidatable
        bytes32 role = engine.LIQUIDATOR_ROLE();
        vm.prank(bot);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bot, role));
        engine.liquidate(a);

        vm.expectEmit(true, false, false, true, address(engine));
        emit LiquidatorAuthorized(bot);
        vm.prank(admin);
        engine.authorizeLiquidator(bot);
        assertTrue(engine.hasRole(role, bot), "authorised");
        vm.prank(bot);
        engine.liquidate(a);
        assertFalse(pm.isOpen(a), "the new keeper liquidated");

        vm.expectEmit(true, false, false, true, address(engine));
        emit LiquidatorRevoked(bot);
        vm.prank(admin);
        engine.revokeLiquidator(bot);
        assertFalse(engine.hasRole(role, bot), "revoked");
        vm.prank(bot);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bot, role));
        engine.liquidate(b);
        assertTrue(pm.isOpen(b), "a revoked keeper cannot liquidate");

        vm.startPrank(bob);
        vm.expectRevert();
        engine.authorizeLiquidator(bob);
        vm.expectRevert();
        engine.revokeLiquidator(keeper);
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        engine.authorizeLiquidator(address(0));
        assertTrue(engine.hasRole(role, keeper), "strangers revoke nobody");
    }

    // ---------------------------------------------------------------- INT-LIQE-05 configuration

    /// setLiquidationInterval governs checkUpkeep: no upkeep before lastUpkeep + interval, upkeep from then on; an
    /// interval above the band (300 s) is refused
    function test_INT_LIQE_05_intervalGovernsUpkeep(uint256 interval) public {
        interval = bound(interval, 1, 300);
        vm.expectEmit(false, false, false, true, address(engine));
        emit LiquidationIntervalSet(interval);
        vm.prank(admin);
        engine.setLiquidationInterval(interval);
        assertEq(engine.liquidationInterval(), interval, "stored");
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(new uint256[](0)));
        uint256 last = engine.lastUpkeep();
        _warp(interval - 1);
        _liquidatable(alice, 1_000 * USDC, 10, true, 0, 0);
        (bool needed,) = engine.checkUpkeep("");
        assertFalse(needed, "within the interval");
        vm.warp(last + interval);
        _price(_underwaterPrice8(true, 10, 0));
        (needed,) = engine.checkUpkeep("");
        assertTrue(needed, "once the interval has elapsed");
        vm.prank(bob);
        vm.expectRevert();
        engine.setLiquidationInterval(0);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.IntervalOutsideBand.selector, 301));
        engine.setLiquidationInterval(301);
        assertEq(engine.liquidationInterval(), interval, "kept");
    }

    /// setPerpetualTrading wires the engine (unwired: no upkeep, liquidate refused); setAssetFeed maps an asset to a
    /// feed that assetPrice then reads; both admin-only, never zero, reported
    function test_INT_LIQE_05_wiringAndFeeds(address asset) public {
        vm.assume(asset != address(0));
        LiquidationEngine bare =
            PlatformDeployer.deployLiquidationEngine(address(pm), address(dso), address(vault), admin);
        _liquidatable(alice, 1_000 * USDC, 10, true, 0, 0);
        (bool needed,) = bare.checkUpkeep("");
        assertFalse(needed, "unwired: no upkeep");
        vm.expectEmit(true, false, false, true, address(bare));
        emit PerpetualTradingSet(address(trading));
        vm.prank(admin);
        bare.setPerpetualTrading(address(trading));
        assertEq(address(bare.perpetualTrading()), address(trading), "stored");
        (needed,) = bare.checkUpkeep("");
        assertTrue(needed, "wired: finds the liquidatable position");

        vm.expectEmit(true, true, false, true, address(engine));
        emit AssetFeedSet(asset, BTC);
        vm.prank(admin);
        engine.setAssetFeed(asset, BTC);
        assertEq(engine.assetFeed(asset), BTC, "stored");
        assertEq(engine.assetPrice(asset), dso.getPrice(BTC), "read through the feed");

        vm.startPrank(bob);
        vm.expectRevert();
        engine.setPerpetualTrading(address(trading));
        vm.expectRevert();
        engine.setAssetFeed(asset, BTC);
        vm.stopPrank();
        vm.startPrank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        engine.setPerpetualTrading(address(0));
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        engine.setAssetFeed(address(0), BTC);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-LIQE-06 views

    /// healthFactor is PositionManager's HF (and the formula's); assetPrice is the oracle's price of the mapped feed,
    /// and refuses an asset mapped to nothing
    function test_INT_LIQE_06_viewsAgree(uint256 leverage, bool isLong, uint256 price8, uint256 dt) public {
        leverage = bound(leverage, 1, MAX_LEVERAGE);
        _price(ENTRY8);
        uint256 id = _openWith(alice, isLong, 1_000 * USDC, leverage);
        dt = bound(dt, 0, YEAR);
        _warp(dt);
        uint256 price = _price(bound(price8, 25_000e8, 75_000e8));
        Health memory h = _healthOf(1_000 * USDC, leverage, isLong, ENTRY8 * 1e10, price, WAD, _accrued(WAD, dt));
        assertEq(engine.healthFactor(id), h.hf, "the formula's HF");
        assertEq(engine.healthFactor(id), pm.calculateHealthFactor(id), "PositionManager's HF");
        vm.prank(admin);
        engine.setAssetFeed(address(usdc), BTC);
        assertEq(engine.assetPrice(address(usdc)), price, "the oracle's price of the mapped feed");
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, bytes32(0)));
        engine.assetPrice(bob);
    }

    // ---------------------------------------------------------------- INT-LIQE-07 keeper batch (v2)

    event MaxBatchSet(uint256 maxBatch);

    /// setMaxBatch(b) bounds one upkeep: checkUpkeep proposes at most b liquidatable positions and performUpkeep
    /// liquidates at most b of the ids it is given; maxBatch() reports b (MAX_BATCH until set); 0 and more than
    /// MAX_BATCH are refused; admin only
    function test_INT_LIQE_07_batchBoundsOneUpkeep(uint256 batch, uint256 n, address stranger) public {
        vm.assume(stranger != admin);
        assertEq(engine.maxBatch(), engine.MAX_BATCH(), "MAX_BATCH until configured");
        batch = bound(batch, 1, 4);
        n = bound(n, batch, 5);
        _price(ENTRY8);
        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = _openWith(alice, true, 1_000 * USDC, MAX_LEVERAGE);
        }
        _price(_underwaterPrice8(true, MAX_LEVERAGE, 100));
        vm.expectEmit(false, false, false, true, address(engine));
        emit MaxBatchSet(batch);
        vm.prank(admin);
        engine.setMaxBatch(batch);
        assertEq(engine.maxBatch(), batch, "batch reported");
        _warp(engine.liquidationInterval());
        (bool needed, bytes memory performData) = engine.checkUpkeep("");
        assertTrue(needed, "upkeep needed");
        assertEq(abi.decode(performData, (uint256[])).length, batch, "proposes exactly the batch");
        vm.prank(keeper);
        engine.performUpkeep(abi.encode(ids));
        assertEq(trading.openPositionIds().length, n - batch, "liquidates at most the batch");
        uint256 maxBatch = engine.MAX_BATCH();
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.InvalidMaxBatch.selector, 0));
        engine.setMaxBatch(0);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.InvalidMaxBatch.selector, maxBatch + 1));
        engine.setMaxBatch(maxBatch + 1);
        vm.stopPrank();
        bytes32 role = engine.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        engine.setMaxBatch(1);
    }
}
