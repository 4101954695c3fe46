// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PerpIntegrityBase} from "./PerpIntegrityBase.sol";
import {PositionManager} from "../../src/PositionManager.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {IPositionManager} from "../../src/interfaces/IPlatform.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice What each PositionManager function must achieve (specs/integrity_pm.py, INT-PM-*): records stored field by
///         field and listed, updates and closes that do exactly that, remote sizes that add up, and the health
///         factor the whole platform liquidates on, recomputed here from prices, the pool's 5 %/yr index and the
///         funding rate. The records are written directly by an address holding TRADING_ROLE (as PerpetualTrading).
contract PmIntegrity is PerpIntegrityBase {
    address internal book = makeAddr("book"); // holds TRADING_ROLE, as PerpetualTrading does
    address internal receiver = makeAddr("receiver"); // holds RECEIVER_ROLE, as CrossChainReceiver does

    event AssetFeedSet(address indexed asset, bytes32 indexed feedId);
    event LendingPoolSet(address indexed pool);
    event FundingSourceSet(address indexed trading);
    event PositionCreated(
        uint256 indexed positionId,
        address indexed trader,
        uint256 indexed marketId,
        bool isLong,
        uint256 size,
        uint256 entryPrice,
        uint256 collateral,
        uint256 principal
    );
    event PositionUpdated(uint256 indexed positionId, uint256 collateral, uint256 principal, uint256 indexAtBorrow);
    event PositionClosed(uint256 indexed positionId, address indexed trader);
    event RemotePositionRecorded(
        uint64 indexed sourceChain,
        uint256 indexed remotePositionId,
        address indexed trader,
        int256 sizeDelta,
        int256 newSize
    );

    /// @dev ids created in a test and whether each is open (the model the views must agree with)
    uint256[] internal created;
    mapping(uint256 => bool) internal modelOpen;

    function setUp() public {
        _setUpPerp();
        vm.startPrank(admin);
        pm.grantRole(pm.TRADING_ROLE(), book);
        pm.grantRole(pm.RECEIVER_ROLE(), receiver);
        vm.stopPrank();
    }

    function _record(uint256 seed) internal view returns (IPositionManager.Position memory p) {
        p.trader = address(uint160(bound(seed, 1, type(uint160).max)));
        p.token = address(usdc);
        p.marketId = 1;
        p.feedId = BTC;
        p.isLong = seed % 2 == 0;
        p.size = bound(seed >> 8, 1, 1e9 * USDC);
        p.entryPrice = bound(seed >> 16, 1, 1e7) * WAD;
        p.collateral = p.size / 2;
        p.principal = p.size - p.collateral;
        p.indexAtBorrow = WAD;
        p.mmBps = 500;
    }

    function _create(IPositionManager.Position memory p) internal returns (uint256 id) {
        vm.prank(book);
        id = pm.createPosition(p);
        created.push(id);
        modelOpen[id] = true;
    }

    function _close(uint256 id) internal {
        vm.prank(book);
        pm.closePosition(id);
        modelOpen[id] = false;
    }

    /// @dev the views agree with the model: count, isOpen of every id, the open list as a set
    function _assertViewsMatchModel() internal view {
        uint256 open;
        for (uint256 i; i < created.length; ++i) {
            bool isOpen = modelOpen[created[i]];
            assertEq(pm.isOpen(created[i]), isOpen, "isOpen");
            assertEq(pm.getPosition(created[i]).open, isOpen, "getPosition.open");
            if (isOpen) ++open;
        }
        uint256[] memory ids = pm.openPositionIds();
        assertEq(pm.openPositionCount(), open, "openPositionCount");
        assertEq(ids.length, open, "openPositionIds length");
        for (uint256 i; i < ids.length; ++i) {
            assertTrue(modelOpen[ids[i]], "only open ids listed");
            for (uint256 j = i + 1; j < ids.length; ++j) {
                assertTrue(ids[i] != ids[j], "listed once");
            }
        }
    }

    // ---------------------------------------------------------------- INT-PM-01 createPosition

    /// createPosition stores every field as given (open whatever the input says), under the next id, lists it, counts
    /// it and reports it in PositionCreated
    function test_INT_PM_01_createStoresEveryField(uint256 seed, int256 entryFunding, uint256 mm, uint256 index)
        public
    {
        IPositionManager.Position memory p = _record(seed);
        p.entryFunding = bound(entryFunding, -1e24, 1e24);
        p.mmBps = bound(mm, 1, 9_999);
        p.indexAtBorrow = bound(index, 1, 10 * WAD);
        p.open = false;
        uint256 id = pm.nextPositionId();
        uint256 count0 = pm.openPositionCount();
        vm.expectEmit(true, true, true, true, address(pm));
        emit PositionCreated(id, p.trader, p.marketId, p.isLong, p.size, p.entryPrice, p.collateral, p.principal);
        uint256 got = _create(p);
        assertEq(got, id, "next id");
        assertEq(pm.nextPositionId(), id + 1, "id consumed");
        IPositionManager.Position memory s = pm.getPosition(id);
        assertEq(s.trader, p.trader, "trader");
        assertEq(s.token, p.token, "token");
        assertEq(s.marketId, p.marketId, "market");
        assertEq(s.feedId, p.feedId, "feed");
        assertEq(s.isLong, p.isLong, "side");
        assertEq(s.size, p.size, "size");
        assertEq(s.entryPrice, p.entryPrice, "entry");
        assertEq(s.collateral, p.collateral, "collateral");
        assertEq(s.principal, p.principal, "principal");
        assertEq(s.indexAtBorrow, p.indexAtBorrow, "index");
        assertEq(s.entryFunding, p.entryFunding, "entry funding");
        assertEq(s.mmBps, p.mmBps, "maintenance margin");
        assertTrue(s.open, "open");
        assertTrue(pm.isOpen(id), "isOpen");
        assertEq(pm.openPositionCount(), count0 + 1, "counted");
        uint256[] memory ids = pm.openPositionIds();
        assertEq(ids[ids.length - 1], id, "listed");
        assertEq(_create(p), id + 1, "ids are sequential");
    }

    /// createPosition refuses records that cannot be priced or repaid, strangers, and any create while paused
    function test_INT_PM_01_createRefusals(uint256 seed) public {
        IPositionManager.Position memory p = _record(seed);
        vm.startPrank(book);
        p.trader = address(0);
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.createPosition(p);
        p = _record(seed);
        p.size = 0;
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.createPosition(p);
        p = _record(seed);
        p.entryPrice = 0;
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.createPosition(p);
        p = _record(seed);
        p.indexAtBorrow = 0;
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.createPosition(p);
        vm.stopPrank();
        p = _record(seed);
        bytes32 role = pm.TRADING_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.createPosition(p);
        vm.prank(admin);
        pm.pause();
        vm.prank(book);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.createPosition(p);
        assertEq(pm.openPositionCount(), 0, "nothing created");
        assertEq(pm.nextPositionId(), 1, "no id consumed");
    }

    // ---------------------------------------------------------------- INT-PM-02 updatePosition

    /// updatePosition sets collateral, principal and index (and nothing else) and reports them
    function test_INT_PM_02_updateSetsExactly(uint256 seed, uint256 c, uint256 pr, uint256 index) public {
        IPositionManager.Position memory p = _record(seed);
        uint256 id = _create(p);
        c = bound(c, 0, 1e12 * USDC);
        pr = bound(pr, 0, 1e12 * USDC);
        index = bound(index, 1, 10 * WAD);
        vm.expectEmit(true, false, false, true, address(pm));
        emit PositionUpdated(id, c, pr, index);
        vm.prank(book);
        pm.updatePosition(id, c, pr, index);
        IPositionManager.Position memory s = pm.getPosition(id);
        assertEq(s.collateral, c, "collateral");
        assertEq(s.principal, pr, "principal");
        assertEq(s.indexAtBorrow, index, "index");
        assertEq(s.trader, p.trader, "trader kept");
        assertEq(s.size, p.size, "size kept");
        assertEq(s.entryPrice, p.entryPrice, "entry kept");
        assertTrue(s.open, "still open");
    }

    /// updatePosition refuses a zero index, unknown and closed positions, strangers, and updates while paused
    function test_INT_PM_02_updateRefusals(uint256 seed) public {
        uint256 id = _create(_record(seed));
        vm.startPrank(book);
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.updatePosition(id, 1, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.UnknownPosition.selector, id + 1));
        pm.updatePosition(id + 1, 1, 1, WAD);
        vm.stopPrank();
        bytes32 role = pm.TRADING_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.updatePosition(id, 1, 1, WAD);
        vm.prank(admin);
        pm.pause();
        vm.prank(book);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.updatePosition(id, 1, 1, WAD);
        vm.prank(admin);
        pm.unpause();
        _close(id);
        vm.prank(book);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.PositionNotOpen.selector, id));
        pm.updatePosition(id, 1, 1, WAD);
        assertEq(pm.getPosition(id).collateral, _record(seed).collateral, "unchanged");
    }

    // ---------------------------------------------------------------- INT-PM-03 closePosition

    /// closePosition closes exactly that record (kept, marked closed), unlists it and keeps every other open one
    /// listed once; it reports the close, refuses a second one, and works while paused (liquidations must)
    function test_INT_PM_03_closeUnlistsExactlyThat(uint256 seed, uint256 n, uint256 k, bool paused) public {
        n = bound(n, 1, 8);
        for (uint256 i; i < n; ++i) {
            _create(_record(uint256(keccak256(abi.encode(seed, i)))));
        }
        uint256 id = created[bound(k, 0, n - 1)];
        address trader = pm.getPosition(id).trader;
        if (paused) {
            vm.prank(admin);
            pm.pause();
        }
        vm.expectEmit(true, true, false, true, address(pm));
        emit PositionClosed(id, trader);
        _close(id);
        assertFalse(pm.isOpen(id), "closed");
        assertEq(pm.getPosition(id).trader, trader, "record kept");
        assertEq(pm.openPositionCount(), n - 1, "one fewer");
        _assertViewsMatchModel();
        vm.prank(book);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.PositionNotOpen.selector, id));
        pm.closePosition(id);
        for (uint256 i; i < n; ++i) {
            if (modelOpen[created[i]]) _close(created[i]);
        }
        assertEq(pm.openPositionCount(), 0, "all closed");
        _assertViewsMatchModel();
    }

    /// closePosition refuses unknown positions and strangers
    function test_INT_PM_03_closeRefusals(uint256 seed) public {
        uint256 id = _create(_record(seed));
        vm.prank(book);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.UnknownPosition.selector, id + 1));
        pm.closePosition(id + 1);
        bytes32 role = pm.TRADING_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.closePosition(id);
        assertTrue(pm.isOpen(id), "still open");
    }

    // ---------------------------------------------------------------- INT-PM-04 recordRemotePosition

    /// remote updates add up per (chain, remote id), the first trader is pinned, each update is reported with the
    /// new size; another trader for the same remote position is refused
    function test_INT_PM_04_remoteSizesAddUp(uint64 chain, uint256 remoteId, int256 d1, int256 d2, address trader)
        public
    {
        vm.assume(trader != address(0) && trader != bob);
        d1 = bound(d1, -1e30, 1e30);
        d2 = bound(d2, -1e30, 1e30);
        vm.expectEmit(true, true, true, true, address(pm));
        emit RemotePositionRecorded(chain, remoteId, trader, d1, d1);
        vm.prank(receiver);
        pm.recordRemotePosition(chain, remoteId, trader, d1);
        vm.expectEmit(true, true, true, true, address(pm));
        emit RemotePositionRecorded(chain, remoteId, trader, d2, d1 + d2);
        vm.prank(receiver);
        pm.recordRemotePosition(chain, remoteId, trader, d2);
        assertEq(pm.remoteSize(chain, remoteId), d1 + d2, "sizes add up");
        assertEq(pm.remoteTrader(chain, remoteId), trader, "trader pinned");
        assertEq(pm.remoteSize(chain, remoteId ^ 1), 0, "other remote ids untouched");
        vm.prank(receiver);
        vm.expectRevert(PositionManager.InvalidPosition.selector);
        pm.recordRemotePosition(chain, remoteId, bob, 1);
        assertEq(pm.remoteSize(chain, remoteId), d1 + d2, "refused update changed nothing");
    }

    /// recordRemotePosition refuses a zero trader, strangers, and updates while paused
    function test_INT_PM_04_remoteRefusals() public {
        vm.prank(receiver);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        pm.recordRemotePosition(1, 1, address(0), 1);
        bytes32 role = pm.RECEIVER_ROLE();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        pm.recordRemotePosition(1, 1, alice, 1);
        vm.prank(admin);
        pm.pause();
        vm.prank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.recordRemotePosition(1, 1, alice, 1);
        assertEq(pm.remoteSize(1, 1), 0, "nothing recorded");
    }

    // ---------------------------------------------------------------- INT-PM-05 health factor

    /// positionState reports, at the oracle price: value (long size*p/entry, short size*(2entry-p)/entry), debt
    /// with the pool's interest (rounded up), funding owed since entry, equity = value - debt - funding,
    /// requirement = 5 %-style margin of the current notional (rounded up) and HF = equity / requirement;
    /// calculateHealthFactor is that HF
    function test_INT_PM_05_healthFactorFromPrices(
        uint256 seed,
        uint256 price8,
        int256 rate,
        int256 entryFunding,
        uint256 mm,
        uint256 dt
    ) public {
        IPositionManager.Position memory p = _record(seed);
        p.mmBps = bound(mm, 1, 9_999);
        p.entryFunding = bound(entryFunding, -1e20, 1e20);
        p.principal = bound(seed >> 32, 0, p.size * 2);
        p.indexAtBorrow = _firstIndex();
        rate = bound(rate, -1_000, 1_000);
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", rate);
        uint256 id = _create(p);
        dt = bound(dt, 0, 3 * YEAR);
        _warp(dt);
        uint256 price = _price(bound(price8, 1, 1e15));
        Health memory h = _expectedHealth(p, price, _cumFunding(rate, dt));
        _assertState(pm.positionState(id), price, h);
        assertEq(pm.calculateHealthFactor(id), h.hf, "calculateHealthFactor == positionState.healthFactor");
    }

    /// @dev the record's health at `price` with the market's cumulative funding at `cumNow`; the pool never lent,
    ///      so its index was never stored and is the first accrual's
    function _expectedHealth(IPositionManager.Position memory p, uint256 price, int256 cumNow)
        internal
        view
        returns (Health memory)
    {
        uint256 debt = _debt(p.principal, p.indexAtBorrow, _firstIndex());
        int256 funding = _fundingOwed(p.size, cumNow - p.entryFunding, p.isLong);
        return _health(p.size, p.entryPrice, price, p.isLong, debt, funding, p.mmBps);
    }

    /// the health factor is refused for closed positions and before the book is wired to a pool and a funding source
    function test_INT_PM_05_healthRefusals(uint256 seed) public {
        uint256 id = _create(_record(seed));
        _close(id);
        vm.expectRevert(abi.encodeWithSelector(PositionManager.PositionNotOpen.selector, id));
        pm.calculateHealthFactor(id);
        PositionManager bare = PlatformDeployer.deployPositionManager(address(dso), admin);
        vm.startPrank(admin);
        bare.grantRole(bare.TRADING_ROLE(), book);
        vm.stopPrank();
        vm.prank(book);
        uint256 bareId = bare.createPosition(_record(seed));
        vm.expectRevert(PositionManager.NotWired.selector);
        bare.positionState(bareId);
    }

    // ---------------------------------------------------------------- INT-PM-06 views

    /// over any sequence of creates and closes, openPositionIds / openPositionCount / isOpen / getPosition agree with
    /// what was created and closed; an unknown id is refused by getPosition
    function test_INT_PM_06_viewsAgreeWithRecords(uint256 seed) public {
        for (uint256 step; step < 16; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 open = pm.openPositionCount();
            if (open == 0 || r % 3 != 0) {
                _create(_record(r));
            } else {
                uint256[] memory ids = pm.openPositionIds();
                _close(ids[(r >> 8) % ids.length]);
            }
            _assertViewsMatchModel();
        }
        uint256 unknown = pm.nextPositionId();
        vm.expectRevert(abi.encodeWithSelector(PositionManager.UnknownPosition.selector, unknown));
        pm.getPosition(unknown);
    }

    // ---------------------------------------------------------------- INT-PM-07 setters

    /// setAssetFeed, setLendingPool and setFundingSource store what they are given and report it (admin only, never
    /// zero); the health factor reads the pool and funding source set
    function test_INT_PM_07_settersStoreAndAreUsed(address asset, bytes32 feed) public {
        vm.assume(asset != address(0));
        vm.startPrank(admin);
        vm.expectEmit(true, true, false, true, address(pm));
        emit AssetFeedSet(asset, feed);
        pm.setAssetFeed(asset, feed);
        vm.expectEmit(true, false, false, true, address(pm));
        emit LendingPoolSet(address(pool));
        pm.setLendingPool(address(pool));
        vm.expectEmit(true, false, false, true, address(pm));
        emit FundingSourceSet(address(trading));
        pm.setFundingSource(address(trading));
        vm.stopPrank();
        assertEq(pm.assetFeed(asset), feed, "feed stored");
        assertEq(address(pm.lendingPool()), address(pool), "pool stored");
        assertEq(address(pm.fundingSource()), address(trading), "funding source stored");

        PositionManager fresh = PlatformDeployer.deployPositionManager(address(dso), admin);
        vm.startPrank(admin);
        fresh.grantRole(fresh.TRADING_ROLE(), book);
        fresh.setLendingPool(address(pool));
        fresh.setFundingSource(address(trading));
        vm.stopPrank();
        IPositionManager.Position memory p = _record(1234567);
        vm.prank(book);
        uint256 id = fresh.createPosition(p);
        assertEq(fresh.positionState(id).debt, p.principal, "debt read from the pool set (index 1e18, no time)");

        vm.startPrank(bob);
        vm.expectRevert();
        pm.setAssetFeed(asset, feed);
        vm.expectRevert();
        pm.setLendingPool(address(pool));
        vm.expectRevert();
        pm.setFundingSource(address(trading));
        vm.stopPrank();
        vm.startPrank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        pm.setAssetFeed(address(0), feed);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        pm.setLendingPool(address(0));
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        pm.setFundingSource(address(0));
        vm.stopPrank();
    }
}
