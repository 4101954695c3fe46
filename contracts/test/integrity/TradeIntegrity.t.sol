// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PerpIntegrityBase} from "./PerpIntegrityBase.sol";
import {PerpetualTrading} from "../../src/PerpetualTrading.sol";
import {PositionManager} from "../../src/PositionManager.sol";
import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {IPerpetualTrading, IPositionManager} from "../../src/interfaces/IPlatform.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice What each PerpetualTrading function must achieve (specs/integrity_trading.py, INT-TRADE-*): the effect of
///         a successful call on positions, the pool, the vault and the books; liveness of a valid, healthy action
///         (no try/catch: a revert fails the test); the views that must agree with it; the values its events carry,
///         all computed again here from prices, rates and time. INT-TRADE-08 is the cross-contract rule: the bad
///         debt the trading side records is exactly what the pool's lenders lose, to the unit.
contract TradeIntegrity is PerpIntegrityBase {
    uint256 internal constant COUNTERPARTY = 1e8 * USDC;

    bytes32 internal constant LIQUIDATED_SIG =
        keccak256("PositionLiquidated(uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256)");
    bytes32 internal constant BAD_DEBT_SIG = keccak256("BadDebtRecorded(uint256,address,uint256)");

    event PositionManagerSet(address indexed positionManager);
    event VaultSet(address indexed vault);
    event MarketAdded(
        uint256 indexed marketId, string name, bytes32 indexed feedId, uint256 maxLeverage, uint256 maintenanceMarginBps
    );
    event FundingRateUpdated(uint256 indexed marketId, int256 ratePpmPerHour, int256 cumulativeFunding);
    event PositionOpened(
        uint256 indexed positionId,
        address indexed trader,
        uint256 indexed marketId,
        bool isLong,
        uint256 size,
        uint256 leverage,
        uint256 collateral,
        uint256 borrowed,
        uint256 entryPrice
    );
    event PositionClosed(
        uint256 indexed positionId,
        address indexed trader,
        uint256 price,
        uint256 value,
        int256 fundingOwed,
        uint256 repaid,
        uint256 toTrader
    );
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
    event InsuranceFunded(address indexed token, address indexed from, uint256 amount, uint256 balance);
    event CounterpartyFunded(address indexed token, address indexed from, uint256 amount, uint256 balance);
    event CounterpartySettled(uint256 indexed positionId, address indexed token, int256 traderPnl, uint256 balance);

    /// @dev the liquidation waterfall, written out from its definition (docs/platform.md §2)
    struct Waterfall {
        uint256 proceeds;
        uint256 owed;
        uint256 repaid;
        uint256 covered;
        uint256 badDebt;
        uint256 penalty;
        uint256 toTrader;
    }

    /// @dev one fuzzed position and what happened to it (keeps the tests' stacks shallow)
    struct Case {
        uint256 collateral;
        uint256 leverage;
        bool isLong;
        uint256 size;
        uint256 entry;
        uint256 price;
        uint256 id;
        uint256 idx0;
        uint256 dtHold;
        uint256 insurance;
        int256 rate;
    }

    function setUp() public {
        _setUpPerp();
        _fundCounterparty(COUNTERPARTY);
    }

    function _usdc() internal view returns (address) {
        return address(usdc);
    }

    // ---------------------------------------------------------------- INT-TRADE-01 addMarket

    /// addMarket makes the market usable: found by name, its parameters stored as given, a healthy open on it succeeds
    /// and is recorded against it; a second add of the name is refused and changes nothing
    function test_INT_TRADE_01_addMarketMakesItUsable(uint256 maxLev, uint256 mm, uint256 collateral) public {
        maxLev = bound(maxLev, 10, 100); // the leverage-cap band; mm so that maxLev x mm is in 8,000-9,000 bps
        mm = bound(mm, (8_000 + maxLev - 1) / maxLev, 9_000 / maxLev);
        collateral = bound(collateral, 1, MAX_COLLATERAL);
        bytes32 feed = keccak256("ETH/USD");
        vm.startPrank(admin);
        dso.addFeed("ETH/USD", feed, 8, 300, 500, address(0));
        dso.updatePrice(feed, 3_000e8);
        vm.expectEmit(true, true, false, true, address(trading));
        emit MarketAdded(2, "ETH/USD", feed, maxLev, mm);
        uint256 id = trading.addMarket("ETH/USD", feed, maxLev, mm);
        vm.stopPrank();
        assertEq(id, 2, "next market id");
        assertEq(trading.marketCount(), 2, "counted");
        assertEq(trading.marketIdByName("ETH/USD"), id, "found by name");
        assertEq(trading.marketIdByName("BTC/USD"), 1, "other markets untouched");
        PerpetualTrading.Market memory m = trading.getMarket(id);
        assertEq(m.name, "ETH/USD", "name");
        assertEq(m.feedId, feed, "feed");
        assertEq(m.maxLeverage, maxLev, "max leverage");
        assertEq(m.maintenanceMarginBps, mm, "maintenance margin");
        assertEq(m.fundingRatePpmPerHour, 0, "no funding yet");
        assertEq(m.cumulativeFunding, 0, "no cumulative funding yet");
        assertEq(m.lastFundingUpdate, block.timestamp, "funding clock starts now");

        // usable: the highest leverage that is healthy at open (leverage * mm <= 100 %)
        uint256 lev = 10_000 / mm < maxLev ? 10_000 / mm : maxLev;
        _deposit(alice, collateral);
        vm.prank(alice);
        uint256 pid = trading.openPosition("ETH/USD", IPerpetualTrading.Side.Long, collateral * lev, lev, _usdc());
        IPositionManager.Position memory p = pm.getPosition(pid);
        assertEq(p.marketId, id, "position on the new market");
        assertEq(p.feedId, feed, "priced by its feed");
        assertEq(p.mmBps, mm, "its maintenance margin");
        assertEq(p.entryPrice, 3_000 * WAD, "at its price");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.MarketExists.selector, "ETH/USD"));
        trading.addMarket("ETH/USD", keccak256("other"), maxLev + 1, mm);
        assertEq(trading.getMarket(id).feedId, feed, "second add changed nothing");
        assertEq(trading.marketCount(), 2, "no second market");
    }

    /// the bands are closed intervals: each edge (10x and 100x caps, maxLeverage x maintenance margin of exactly
    /// 8,000 and 9,000 bps) is accepted and stored
    function test_INT_TRADE_01_addMarketAcceptsEveryBandEdge() public {
        uint256[2][4] memory edges = [[uint256(10), 800], [uint256(10), 900], [uint256(100), 80], [uint256(100), 90]];
        string[4] memory names = ["E1/USD", "E2/USD", "E3/USD", "E4/USD"];
        vm.startPrank(admin);
        for (uint256 i; i < edges.length; ++i) {
            uint256 id = trading.addMarket(names[i], keccak256(bytes(names[i])), edges[i][0], edges[i][1]);
            assertEq(trading.getMarket(id).maxLeverage, edges[i][0], "edge leverage cap stored");
            assertEq(trading.getMarket(id).maintenanceMarginBps, edges[i][1], "edge maintenance margin stored");
        }
        vm.stopPrank();
        assertEq(trading.marketCount(), 5, "every edge market added");
    }

    /// addMarket is the admin's alone and refuses unusable parameters; an unknown name is refused by every lookup
    function test_INT_TRADE_01_addMarketRefusals() public {
        bytes32 feed = keccak256("ETH/USD");
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, bytes32(0))
        );
        trading.addMarket("ETH/USD", feed, 10, 500);
        vm.startPrank(admin);
        vm.expectRevert(PerpetualTrading.InvalidMarketParams.selector);
        trading.addMarket("ETH/USD", bytes32(0), 10, 500);
        // outside the bands (RiskBands): leverage cap 10-100x, maxLeverage x maintenance margin 8,000-9,000 bps
        uint256[2][8] memory outside =
            [[uint256(0), 500], [uint256(9), 900], [uint256(101), 85], [uint256(10), 0], [uint256(10), 799],
             [uint256(10), 901], [uint256(100), 79], [uint256(10), 10_000]];
        for (uint256 i; i < outside.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(PerpetualTrading.MarketOutsideBands.selector, outside[i][0], outside[i][1])
            );
            trading.addMarket("ETH/USD", feed, outside[i][0], outside[i][1]);
        }
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.UnknownMarket.selector, "ETH/USD"));
        trading.marketIdByName("ETH/USD");
        assertEq(trading.marketCount(), 1, "nothing added");
    }

    // ---------------------------------------------------------------- INT-TRADE-02 updateFundingRate

    /// updateFundingRate first accrues the old rate up to now (truncated toward zero), then sets the new one;
    /// the event carries the rate and the accrued cumulative; currentCumulativeFunding accrues in between
    function test_INT_TRADE_02_updateFundingRateAccruesThenSets(
        int256 r1,
        int256 r2,
        uint256 dt1,
        uint256 dt2,
        uint256 dt3
    ) public {
        r1 = bound(r1, -10_000, 10_000);
        r2 = bound(r2, -10_000, 10_000);
        _warp(bound(dt1, 0, 30 days));
        vm.expectEmit(true, false, false, true, address(trading));
        emit FundingRateUpdated(1, r1, 0); // the old rate was 0: nothing accrued
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", r1);
        PerpetualTrading.Market memory m = trading.getMarket(1);
        assertEq(m.fundingRatePpmPerHour, r1, "rate set");
        assertEq(m.lastFundingUpdate, block.timestamp, "clock moved");

        dt2 = bound(dt2, 0, 365 days);
        _warp(dt2);
        int256 cum = _cumFunding(r1, dt2);
        assertEq(trading.currentCumulativeFunding(1), cum, "view accrues the current rate");
        vm.expectEmit(true, false, false, true, address(trading));
        emit FundingRateUpdated(1, r2, cum);
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", r2);
        m = trading.getMarket(1);
        assertEq(m.cumulativeFunding, cum, "old rate accrued to now");
        assertEq(m.fundingRatePpmPerHour, r2, "new rate");
        assertEq(m.lastFundingUpdate, block.timestamp, "clock moved");

        dt3 = bound(dt3, 0, 365 days);
        _warp(dt3);
        assertEq(trading.currentCumulativeFunding(1), cum + _cumFunding(r2, dt3), "new rate from now on");
    }

    /// updateFundingRate: admin only, known markets only, not while paused
    function test_INT_TRADE_02_updateFundingRateRefusals() public {
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, bytes32(0))
        );
        trading.updateFundingRate("BTC/USD", 25);
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.UnknownMarket.selector, "ETH/USD"));
        trading.updateFundingRate("ETH/USD", 25);
        trading.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.updateFundingRate("BTC/USD", 25);
        vm.stopPrank();
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, 0, "unchanged");
    }

    // ---------------------------------------------------------------- INT-TRADE-03 fundInsurance

    /// anyone can fund the insurance fund: it grows by the amount, the tokens move in, the event reports both
    function test_INT_TRADE_03_fundInsuranceCredits(uint256 a, uint256 b) public {
        a = bound(a, 1, 1e12 * USDC);
        b = bound(b, 1, 1e12 * USDC);
        _fundInsurance(a);
        uint256 bal0 = usdc.balanceOf(address(trading));
        usdc.mint(bob, b);
        vm.startPrank(bob);
        usdc.approve(address(trading), b);
        vm.expectEmit(true, true, false, true, address(trading));
        emit InsuranceFunded(_usdc(), bob, b, a + b);
        trading.fundInsurance(_usdc(), b);
        vm.stopPrank();
        assertEq(trading.insuranceFund(_usdc()), a + b, "fund grew by the amount");
        assertEq(usdc.balanceOf(address(trading)), bal0 + b, "tokens moved in");
        assertEq(usdc.balanceOf(bob), 0, "taken from the funder");
        assertEq(trading.counterpartyBalance(_usdc()), COUNTERPARTY, "counterparty untouched");
    }

    /// fundInsurance refuses zero and works only while trading is not paused
    function test_INT_TRADE_03_fundInsuranceRefusals() public {
        vm.expectRevert(PerpetualTrading.ZeroAmount.selector);
        trading.fundInsurance(_usdc(), 0);
        vm.prank(admin);
        trading.pause();
        usdc.mint(address(this), 1);
        usdc.approve(address(trading), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.fundInsurance(_usdc(), 1);
    }

    // ---------------------------------------------------------------- INT-TRADE-04 fundCounterparty

    /// anyone can fund the counterparty book: it grows by the amount, the tokens move in, the event reports both
    function test_INT_TRADE_04_fundCounterpartyCredits(uint256 b) public {
        b = bound(b, 1, 1e12 * USDC);
        uint256 bal0 = usdc.balanceOf(address(trading));
        usdc.mint(bob, b);
        vm.startPrank(bob);
        usdc.approve(address(trading), b);
        vm.expectEmit(true, true, false, true, address(trading));
        emit CounterpartyFunded(_usdc(), bob, b, COUNTERPARTY + b);
        trading.fundCounterparty(_usdc(), b);
        vm.stopPrank();
        assertEq(trading.counterpartyBalance(_usdc()), COUNTERPARTY + b, "book grew by the amount");
        assertEq(usdc.balanceOf(address(trading)), bal0 + b, "tokens moved in");
        assertEq(usdc.balanceOf(bob), 0, "taken from the funder");
        assertEq(trading.insuranceFund(_usdc()), 0, "insurance untouched");
    }

    /// fundCounterparty refuses zero and works only while trading is not paused
    function test_INT_TRADE_04_fundCounterpartyRefusals() public {
        vm.expectRevert(PerpetualTrading.ZeroAmount.selector);
        trading.fundCounterparty(_usdc(), 0);
        vm.prank(admin);
        trading.pause();
        usdc.mint(address(this), 1);
        usdc.approve(address(trading), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.fundCounterparty(_usdc(), 1);
    }

    // ---------------------------------------------------------------- INT-TRADE-05 openPosition

    /// a valid, healthy open succeeds (no try/catch) and: stores the requested size and leverage (collateral =
    /// size / leverage, principal = size - collateral), borrows the principal at the pool's current index (a usable,
    /// non-zero one, at which the debt is exactly the principal), locks the collateral from the vault, holds the
    /// whole backing, and reports all of it in PositionOpened
    function test_INT_TRADE_05_openStoresBorrowsLocksEmits(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 dt,
        uint256 price8
    ) public {
        Case memory c;
        c.collateral = bound(collateral, 1, MAX_COLLATERAL);
        c.leverage = bound(leverage, 1, MAX_LEVERAGE);
        c.isLong = isLong;
        c.size = c.collateral * c.leverage;
        _warp(bound(dt, 0, 3 * YEAR));
        c.entry = _price(bound(price8, 1e8, 1e7 * 1e8));
        c.idx0 = _firstIndex();
        _deposit(alice, c.collateral + 7);
        c.id = pm.nextPositionId();
        uint256 cash0 = pool.cash(_usdc());
        uint256 bal0 = usdc.balanceOf(address(trading));

        vm.expectEmit(true, true, true, true, address(trading));
        emit PositionOpened(c.id, alice, 1, isLong, c.size, c.leverage, c.collateral, c.size - c.collateral, c.entry);
        assertEq(_open(alice, isLong, c.size, c.leverage), c.id, "returns the recorded id");

        _assertOpened(c);
        assertEq(vault.collateralOf(alice, _usdc()), 7, "collateral locked, the rest free");
        assertEq(usdc.balanceOf(address(trading)), bal0 + c.size, "backing held");
        assertEq(pool.cash(_usdc()), cash0 - (c.size - c.collateral), "pool lent the principal");
        assertEq(pool.totalBorrows(_usdc()), c.size - c.collateral, "pool books the principal");
        uint256[] memory ids = trading.openPositionIds();
        assertEq(ids.length, 1, "listed");
        assertEq(ids[0], c.id, "listed id");
        // healthy at open: equity = collateral, requirement = size * 5 %, rounded up
        assertEq(pm.calculateHealthFactor(c.id), c.collateral * WAD / _ceilDiv(c.size * MM_BPS, 10_000), "HF at open");
        assertFalse(trading.isLiquidatable(c.id), "not liquidatable at open");
    }

    function _assertOpened(Case memory c) internal view {
        IPositionManager.Position memory p = pm.getPosition(c.id);
        assertEq(p.trader, alice, "trader");
        assertEq(p.token, _usdc(), "token");
        assertEq(p.marketId, 1, "market");
        assertEq(p.feedId, BTC, "feed");
        assertEq(p.isLong, c.isLong, "side");
        assertEq(p.size, c.size, "size as requested");
        assertEq(p.size / p.collateral, c.leverage, "leverage as requested");
        assertEq(p.collateral, c.collateral, "collateral");
        assertEq(p.principal, c.size - c.collateral, "principal");
        assertEq(p.entryPrice, c.entry, "entry at the oracle price");
        assertEq(p.entryFunding, 0, "entry funding");
        assertEq(p.mmBps, MM_BPS, "maintenance margin");
        assertTrue(p.open, "open");
        assertEq(p.indexAtBorrow, c.idx0, "borrowed at the current index");
        assertGt(p.indexAtBorrow, 0, "a usable index");
        assertEq(pool.debtOf(_usdc(), p.principal, p.indexAtBorrow), p.principal, "owes what it borrowed");
    }

    /// openPosition refuses bad leverage, a size that is not a multiple of it, an unknown market, collateral the
    /// trader does not have, and any open while paused (an open liquidatable at once needs a market outside the
    /// bands, which addMarket refuses: INT-TRADE-01)
    function test_INT_TRADE_05_openRefusals() public {
        _deposit(alice, 10_000 * USDC);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidLeverage.selector, 0, MAX_LEVERAGE));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1_000, 0, _usdc());
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidLeverage.selector, 21, MAX_LEVERAGE));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 21_000, 21, _usdc());
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidSize.selector, 1_001, 10));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1_001, 10, _usdc());
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidSize.selector, 0, 10));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 0, 10, _usdc());
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.UnknownMarket.selector, "DOGE/USD"));
        trading.openPosition("DOGE/USD", IPerpetualTrading.Side.Long, 1_000, 10, _usdc());
        vm.expectRevert();
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 20_001 * USDC, 1, _usdc());
        vm.stopPrank();
        vm.prank(admin);
        trading.pause();
        vm.prank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1_000, 10, _usdc());
        assertEq(trading.openPositionIds().length, 0, "nothing opened");
        assertEq(vault.collateralOf(alice, _usdc()), 10_000 * USDC, "nothing locked");
    }

    // ---------------------------------------------------------------- INT-TRADE-06 closePosition

    /// closing pays the trader exactly the settlement: value at the oracle price minus funding owed (floored at 0),
    /// minus the debt with interest (rounded up); the pool gets the debt, the counterparty the loss (or pays the
    /// profit); PositionClosed and CounterpartySettled carry those values; an underwater position is refused
    function test_INT_TRADE_06_closePaysSettlement(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 moveBps,
        int256 rate,
        uint256 dtOpen,
        uint256 dtHold
    ) public {
        Case memory c;
        c.collateral = bound(collateral, 1, MAX_COLLATERAL);
        c.leverage = bound(leverage, 1, MAX_LEVERAGE);
        c.isLong = isLong;
        c.size = c.collateral * c.leverage;
        c.rate = bound(rate, -100, 100);
        _warp(bound(dtOpen, 0, YEAR));
        c.entry = _price(ENTRY8);
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", c.rate); // cumulative stays 0: the old rate was 0
        c.id = _openWith(alice, isLong, c.collateral, c.leverage);
        c.idx0 = _firstIndex();
        c.dtHold = bound(dtHold, 0, 30 days);
        _warp(c.dtHold);
        c.price = _price(ENTRY8 * bound(moveBps, 5_000, 15_000) / 10_000);
        _closeAndCheck(c);
    }

    function _closeAndCheck(Case memory c) internal {
        uint256 value = _value(c.size, c.entry, c.price, c.isLong);
        int256 funding = _fundingOwed(c.size, _cumFunding(c.rate, c.dtHold), c.isLong);
        uint256 debt = _debt(c.size - c.collateral, c.idx0, _accrued(c.idx0, c.dtHold));
        int256 gross = int256(value) - funding;
        uint256 proceeds = gross > 0 ? uint256(gross) : 0;
        uint256 cash0 = pool.cash(_usdc());

        if (proceeds < debt) {
            vm.prank(alice);
            vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.PositionUnderwater.selector, c.id, proceeds, debt));
            trading.closePosition(c.id);
            assertTrue(pm.isOpen(c.id), "underwater: still open, to be liquidated");
            return;
        }
        uint256 cpAfter = COUNTERPARTY + c.size - proceeds;
        vm.expectEmit(true, true, false, true, address(trading));
        emit CounterpartySettled(c.id, _usdc(), int256(proceeds) - int256(c.size), cpAfter);
        vm.expectEmit(true, true, false, true, address(trading));
        emit PositionClosed(c.id, alice, c.price, value, funding, debt, proceeds - debt);
        vm.prank(alice);
        trading.closePosition(c.id);

        assertEq(vault.collateralOf(alice, _usdc()), proceeds - debt, "trader paid the settlement");
        assertEq(trading.counterpartyBalance(_usdc()), cpAfter, "counterparty took the loss / paid the profit");
        assertEq(pool.cash(_usdc()), cash0 + debt, "pool repaid with interest");
        assertEq(pool.totalBorrows(_usdc()), 0, "debt off the books");
        assertEq(pool.totalBadDebt(_usdc()), 0, "nothing written off");
        assertFalse(pm.isOpen(c.id), "closed");
        assertEq(trading.openPositionIds().length, 0, "unlisted");
        assertEq(usdc.balanceOf(address(trading)), cpAfter, "no tokens stranded in trading");
    }

    /// only the trader can close, once, and not while trading is paused
    function test_INT_TRADE_06_closeRefusals() public {
        uint256 id = _openWith(alice, true, 10_000 * USDC, 10);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotTrader.selector, id, bob));
        trading.closePosition(id);
        vm.prank(admin);
        trading.pause();
        vm.prank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.closePosition(id);
        vm.prank(admin);
        trading.unpause();
        vm.prank(alice);
        trading.closePosition(id);
        vm.prank(alice);
        vm.expectRevert();
        trading.closePosition(id);
        assertEq(vault.collateralOf(alice, _usdc()), 10_000 * USDC, "paid once");
    }

    // ---------------------------------------------------------------- INT-TRADE-07 liquidatePosition

    function _waterfall(Health memory h, uint256 collateral, uint256 insurance, uint256 onBooks)
        internal
        pure
        returns (Waterfall memory w)
    {
        int256 gross = int256(h.value) - h.fundingOwed;
        w.proceeds = gross > 0 ? uint256(gross) : 0;
        w.owed = h.debt;
        w.repaid = w.proceeds < w.owed ? w.proceeds : w.owed;
        uint256 shortfall = w.owed - w.repaid;
        w.covered = shortfall < insurance ? shortfall : insurance;
        if (shortfall > w.covered) {
            // written off: what the lenders' books lose, i.e. the part of the debt they hold beyond what is paid
            uint256 removed = w.owed < onBooks ? w.owed : onBooks;
            w.badDebt = removed > w.repaid + w.covered ? removed - w.repaid - w.covered : 0;
        }
        uint256 remaining = w.proceeds - w.repaid;
        uint256 maxPenalty = _ceilDiv(collateral * 500, 10_000);
        w.penalty = remaining < maxPenalty ? remaining : maxPenalty;
        w.toTrader = remaining - w.penalty;
    }

    /// only a liquidatable position (HF < 1) is liquidated; then the waterfall is exact: the pool is repaid first, the
    /// insurance fund covers what it can, the rest is bad debt, the penalty (5 % of collateral) comes only from what
    /// is left and the rest goes to the trader; books, balances and the events carry exactly those amounts and
    /// repaid + insurance + bad debt is the whole debt the lenders' books held
    function test_INT_TRADE_07_liquidationWaterfallExact(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 moveBps,
        uint256 insurance,
        uint256 dtOpen,
        uint256 dtHold
    ) public {
        Case memory c;
        c.collateral = bound(collateral, 1, MAX_COLLATERAL);
        c.leverage = bound(leverage, 2, MAX_LEVERAGE);
        c.isLong = isLong;
        c.size = c.collateral * c.leverage;
        c.insurance = bound(insurance, 0, c.size / 2);
        if (c.insurance > 0) _fundInsurance(c.insurance);
        _warp(bound(dtOpen, 0, YEAR));
        c.entry = _price(ENTRY8);
        c.id = _openWith(alice, isLong, c.collateral, c.leverage);
        c.idx0 = _firstIndex();
        c.dtHold = bound(dtHold, 0, YEAR);
        _warp(c.dtHold);
        moveBps = bound(moveBps, 0, 9_000); // adverse move
        c.price = _price(isLong ? ENTRY8 * (10_000 - moveBps) / 10_000 : ENTRY8 * (10_000 + moveBps) / 10_000);
        _liquidateAndCheck(c);
    }

    function _liquidateAndCheck(Case memory c) internal {
        uint256 idx1 = _accrued(c.idx0, c.dtHold);
        Health memory h = _healthOf(c.collateral, c.leverage, c.isLong, c.entry, c.price, c.idx0, idx1);
        if (h.hf >= WAD) {
            vm.prank(address(engine));
            vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotLiquidatable.selector, c.id, h.hf));
            trading.liquidatePosition(c.id);
            assertTrue(pm.isOpen(c.id), "healthy: untouched");
            return;
        }
        // the lenders' books: one borrow, one accrual since, rounded down
        uint256 onBooks = (c.size - c.collateral) * idx1 / c.idx0;
        assertEq(pool.totalBorrows(_usdc()), onBooks, "pool aggregate");
        Waterfall memory w = _waterfall(h, c.collateral, c.insurance, onBooks);
        uint256 cash0 = pool.cash(_usdc());

        vm.expectEmit(true, false, false, true, address(trading));
        emit PositionLiquidated(c.id, c.price, h.hf, w.repaid, w.covered, w.badDebt, w.penalty, w.toTrader);
        if (w.badDebt > 0) {
            vm.expectEmit(true, true, false, true, address(trading));
            emit BadDebtRecorded(c.id, _usdc(), w.badDebt);
        }
        vm.prank(address(engine));
        trading.liquidatePosition(c.id);

        assertFalse(pm.isOpen(c.id), "closed");
        assertEq(trading.insuranceFund(_usdc()), c.insurance - w.covered + w.penalty, "insurance: -covered +penalty");
        assertEq(vault.collateralOf(alice, _usdc()), w.toTrader, "trader gets the rest");
        assertEq(pool.cash(_usdc()), cash0 + w.repaid + w.covered, "pool repaid first");
        assertEq(pool.totalBorrows(_usdc()), 0, "debt off the books");
        assertEq(pool.totalBadDebt(_usdc()), w.badDebt, "bad debt booked");
        assertEq(trading.counterpartyBalance(_usdc()), COUNTERPARTY + c.size - w.proceeds, "counterparty took the loss");
        if (w.owed > w.repaid + w.covered) {
            uint256 held = w.owed < onBooks ? w.owed : onBooks;
            assertEq(w.repaid + w.covered + w.badDebt, held, "conservation on the lenders' books");
        } else {
            assertEq(w.repaid + w.covered, w.owed, "debt repaid in full");
        }
        assertEq(
            usdc.balanceOf(address(trading)),
            trading.counterpartyBalance(_usdc()) + trading.insuranceFund(_usdc()),
            "no tokens stranded in trading"
        );
    }

    /// only the LiquidationEngine may liquidate, and never a healthy position
    function test_INT_TRADE_07_liquidateRefusals() public {
        uint256 id = _openWith(alice, true, 10_000 * USDC, 10);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotLiquidationEngine.selector, bob));
        trading.liquidatePosition(id);
        vm.prank(address(engine));
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.NotLiquidatable.selector, id, 2 * WAD));
        trading.liquidatePosition(id);
        assertTrue(pm.isOpen(id), "untouched");
    }

    // ---------------------------------------------------------------- INT-TRADE-08 bad debt == lenders' loss

    function _liquidationLogs(uint256 id) internal returns (uint256 recorded, uint256 inEvent, uint256 paid) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (bool found, bytes memory data) = _findLog(logs, address(trading), LIQUIDATED_SIG, id);
        assertTrue(found, "PositionLiquidated emitted");
        (,, uint256 repaid, uint256 covered, uint256 bad,,) =
            abi.decode(data, (uint256, uint256, uint256, uint256, uint256, uint256, uint256));
        inEvent = bad;
        paid = repaid + covered;
        (found, data) = _findLog(logs, address(trading), BAD_DEBT_SIG, id);
        if (found) recorded = abi.decode(data, (uint256));
    }

    /// what the trading side writes off (BadDebtRecorded, PositionLiquidated.badDebt) is exactly what the pool
    /// books (totalBadDebt) and exactly what its lenders lose (the drop in totalAssets), to the unit, with interest,
    /// alone or beside another borrower; rounding favours the pool: the trader's debt rounds up, the write-off is
    /// never more than what the trader failed to pay of it (and, alone, at most one unit less)
    function test_INT_TRADE_08_badDebtEqualsLendersLoss(
        uint256 collateral,
        uint256 leverage,
        uint256 extraBps,
        uint256 insurance,
        uint256 dtOpen,
        uint256 dtHold,
        uint256 other
    ) public {
        collateral = bound(collateral, 1, MAX_COLLATERAL);
        leverage = bound(leverage, 2, MAX_LEVERAGE);
        insurance = bound(insurance, 0, collateral);
        other = bound(other, 0, MAX_COLLATERAL); // another borrower's collateral (0: Alice borrows alone)
        if (insurance > 0) _fundInsurance(insurance);
        _price(ENTRY8);
        if (other > 0) _openWith(bob, false, other, 2);
        _warp(bound(dtOpen, 0, YEAR));
        _price(ENTRY8);
        uint256 id = _openWith(alice, true, collateral, leverage);
        _warp(bound(dtHold, 1, 3 * YEAR));
        _price(_underwaterPrice8(true, leverage, bound(extraBps, 0, 4_000)));
        _liquidateAndReconcile(id, other == 0);
    }

    /// @dev what a liquidation did to the pool, and what trading said about it
    struct Reconciliation {
        uint256 owed;
        uint256 principal;
        uint256 indexAtBorrow;
        uint256 indexNow;
        uint256 assets0;
        uint256 bad0;
        uint256 cash0;
        uint256 recorded;
        uint256 inEvent;
        uint256 paid;
    }

    function _liquidateAndReconcile(uint256 id, bool alone) internal {
        Reconciliation memory r;
        IPositionManager.Position memory p = pm.getPosition(id);
        r.principal = p.principal;
        r.indexAtBorrow = p.indexAtBorrow;
        r.owed = pool.debtOf(_usdc(), p.principal, p.indexAtBorrow);
        r.indexNow = pool.currentIndex(_usdc());
        r.assets0 = pool.totalAssets(_usdc());
        r.bad0 = pool.totalBadDebt(_usdc());
        r.cash0 = pool.cash(_usdc());

        vm.recordLogs();
        vm.prank(keeper);
        engine.liquidate(id);
        (r.recorded, r.inEvent, r.paid) = _liquidationLogs(id);

        assertEq(r.inEvent, r.recorded, "PositionLiquidated and BadDebtRecorded agree");
        assertEq(pool.totalBadDebt(_usdc()) - r.bad0, r.recorded, "the pool books what trading recorded");
        assertEq(pool.cash(_usdc()) - r.cash0, r.paid, "the pool received repaid + covered");
        uint256 assets1 = pool.totalAssets(_usdc());
        if (r.recorded > 0) assertEq(r.assets0 - assets1, r.recorded, "lenders lose exactly the recorded bad debt");
        else assertGe(assets1, r.assets0, "no loss goes unrecorded");
        // rounding favours the pool
        assertGe(r.owed * r.indexAtBorrow, r.principal * r.indexNow, "the trader's debt rounds up");
        if (r.recorded > 0) {
            assertLe(r.recorded, r.owed - r.paid, "never more than the trader failed to pay");
            if (alone) assertGe(r.recorded + 1, r.owed - r.paid, "alone: at most the rounding unit less");
        }
    }

    /// Alice's story (docs/platform.md §2) to the unit: 90,000 borrowed for 360 s at 5 %/yr is owed as
    /// 90,000.051370 (rounded up) while the lenders' books hold 90,000.051369 (rounded down); with 85,000 of
    /// proceeds and 2,000 of insurance, the lenders lose 3,000.051369 and that is the bad debt recorded everywhere
    function test_INT_TRADE_08_aliceStoryToTheUnit() public {
        _fundInsurance(2_000 * USDC);
        uint256 id = _openWith(alice, true, 10_000 * USDC, 10);
        _warp(360);
        _price(42_500e8);
        assertEq(pool.debtOf(_usdc(), 90_000 * USDC, WAD), 90_000_051_370, "owed, rounded up");
        assertEq(pool.totalBorrows(_usdc()), 90_000_051_369, "lenders' books, rounded down");
        uint256 assets0 = pool.totalAssets(_usdc());
        vm.expectEmit(true, false, false, true, address(trading));
        emit PositionLiquidated(id, 42_500 * WAD, 0, 85_000 * USDC, 2_000 * USDC, 3_000_051_369, 0, 0);
        vm.expectEmit(true, true, false, true, address(trading));
        emit BadDebtRecorded(id, _usdc(), 3_000_051_369);
        vm.prank(keeper);
        engine.liquidate(id);
        assertEq(pool.totalBadDebt(_usdc()), 3_000_051_369, "pool's write-off");
        assertEq(assets0 - pool.totalAssets(_usdc()), 3_000_051_369, "lenders' loss");
    }

    // ---------------------------------------------------------------- INT-TRADE-09 views

    /// isLiquidatable is exactly HF < 1 (HF computed from prices, debt and funding), false once the position is
    /// closed; openPositionIds is PositionManager's list
    function test_INT_TRADE_09_isLiquidatableAgreesWithHealth(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 moveBps,
        uint256 dt
    ) public {
        Case memory c;
        c.collateral = bound(collateral, 1, MAX_COLLATERAL);
        c.leverage = bound(leverage, 1, MAX_LEVERAGE);
        c.isLong = isLong;
        c.entry = _price(ENTRY8);
        c.id = _openWith(alice, isLong, c.collateral, c.leverage);
        c.dtHold = bound(dt, 0, YEAR);
        _warp(c.dtHold);
        c.price = _price(ENTRY8 * bound(moveBps, 5_000, 15_000) / 10_000);
        Health memory h = _healthOf(c.collateral, c.leverage, isLong, c.entry, c.price, WAD, _accrued(WAD, c.dtHold));
        assertEq(pm.calculateHealthFactor(c.id), h.hf, "HF");
        assertEq(trading.isLiquidatable(c.id), h.hf < WAD, "liquidatable iff HF < 1");
        uint256[] memory ids = trading.openPositionIds();
        assertEq(ids.length, 1, "listed");
        assertEq(ids[0], pm.openPositionIds()[0], "PositionManager's list");
        if (h.hf < WAD) {
            vm.prank(keeper);
            engine.liquidate(c.id);
        } else {
            vm.prank(alice);
            trading.closePosition(c.id); // HF >= 1: equity > 0, so proceeds cover the debt
        }
        assertFalse(trading.isLiquidatable(c.id), "closed: not liquidatable");
        assertEq(trading.openPositionIds().length, 0, "unlisted");
    }

    /// the views refuse to answer before the platform is wired
    function test_INT_TRADE_09_viewsNeedWiring() public {
        PerpetualTrading bare = PlatformDeployer.deployPerpetualTrading(address(pool), address(dso), address(engine), admin);
        vm.expectRevert(PerpetualTrading.NotWired.selector);
        bare.isLiquidatable(1);
        vm.expectRevert(PerpetualTrading.NotWired.selector);
        bare.openPositionIds();
    }

    // ---------------------------------------------------------------- INT-TRADE-10 setPositionManager / setVault

    /// setPositionManager and setVault rewire trading (admin only, never to zero): the new book is the one read and
    /// written from then on, and the new vault the one stored
    function test_INT_TRADE_10_settersRewire() public {
        _openWith(alice, true, 10_000 * USDC, 10);
        PositionManager pm2 = PlatformDeployer.deployPositionManager(address(dso), admin);
        vm.startPrank(admin);
        pm2.grantRole(pm2.TRADING_ROLE(), address(trading));
        pm2.setLendingPool(address(pool));
        pm2.setFundingSource(address(trading));
        vm.expectEmit(true, false, false, true, address(trading));
        emit PositionManagerSet(address(pm2));
        trading.setPositionManager(address(pm2));
        vm.stopPrank();
        assertEq(address(trading.positionManager()), address(pm2), "stored");
        assertEq(trading.openPositionIds().length, 0, "reads the new book");
        uint256 id = _openWith(bob, false, 1_000 * USDC, 2);
        assertEq(pm2.getPosition(id).trader, bob, "writes the new book");
        assertEq(trading.openPositionIds().length, 1, "new book lists it");

        CrossChainVault vault2 = PlatformDeployer.deployCrossChainVault(makeAddr("ccipRouter"), makeAddr("link"), admin);
        vm.expectEmit(true, false, false, true, address(trading));
        emit VaultSet(address(vault2));
        vm.prank(admin);
        trading.setVault(address(vault2));
        assertEq(address(trading.vault()), address(vault2), "stored");

        vm.startPrank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, bytes32(0))
        );
        trading.setPositionManager(address(pm));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, bytes32(0))
        );
        trading.setVault(address(vault));
        vm.stopPrank();
        vm.startPrank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        trading.setPositionManager(address(0));
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        trading.setVault(address(0));
        vm.stopPrank();
        assertEq(address(trading.positionManager()), address(pm2), "unchanged by refusals");
    }

    // ---------------------------------------------------------------- INT-TRADE-11 open-interest cap (v2)

    event OpenInterestCapSet(uint256 indexed marketId, uint256 cap);
    event MaxFundingRateSet(int256 ratePpmPerHour);

    /// the cap bounds the market's open notional: a position that would take it above the cap is refused with the
    /// numbers, one that reaches it exactly is accepted; closing and liquidating release the notional
    function test_INT_TRADE_11_capBoundsOpenNotional(uint256 collateral, uint256 leverage, bool isLong) public {
        uint256 c = bound(collateral, 1, MAX_COLLATERAL);
        uint256 l = bound(leverage, 2, MAX_LEVERAGE); // 1x cannot be liquidated by a price move alone
        uint256 size = c * l;
        vm.expectEmit(true, false, false, true, address(trading));
        emit OpenInterestCapSet(1, 2 * size - 1);
        vm.prank(admin);
        trading.setOpenInterestCap(1, 2 * size - 1);
        assertEq(trading.openInterestCapOf(1), 2 * size - 1, "cap reported");
        uint256 first = _openWith(alice, isLong, c, l);
        assertEq(trading.openInterestOf(1), size, "the first position counts its notional");
        _deposit(alice, c);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.OpenInterestCapExceeded.selector, 1, size, size,
                                               2 * size - 1));
        _open(alice, !isLong, size, l);
        vm.prank(admin);
        trading.setOpenInterestCap(1, 2 * size);
        uint256 second = _open(alice, !isLong, size, l); // exactly at the cap
        assertEq(trading.openInterestOf(1), 2 * size, "both count");
        vm.prank(alice);
        trading.closePosition(first);
        assertEq(trading.openInterestOf(1), size, "closing releases the closed position's notional");
        _price(_underwaterPrice8(!isLong, l, 100));
        assertTrue(trading.isLiquidatable(second), "set-up: liquidatable");
        vm.prank(address(engine));
        trading.liquidatePosition(second);
        assertEq(trading.openInterestOf(1), 0, "liquidating releases the notional");
    }

    /// without a cap any size opens (0 = no cap), and only the admin sets a cap, on a market that exists
    function test_INT_TRADE_11_capRefusals(address stranger) public {
        vm.assume(stranger != admin);
        _openWith(alice, true, MAX_COLLATERAL, MAX_LEVERAGE);
        assertEq(trading.openInterestCapOf(1), 0, "no cap until one is set");
        bytes32 role = trading.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        trading.setOpenInterestCap(1, 1);
        vm.startPrank(admin);
        vm.expectRevert(PerpetualTrading.InvalidMarketParams.selector);
        trading.setOpenInterestCap(0, 1);
        vm.expectRevert(PerpetualTrading.InvalidMarketParams.selector);
        trading.setOpenInterestCap(2, 1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-TRADE-12 funding-rate clamp (v2)

    /// every rate set after setMaxFundingRate(max) is clamped to [-max, max] (and reported clamped); 0 removes the
    /// clamp; a negative maximum is refused; admin only
    function test_INT_TRADE_12_fundingRateClamped(int256 max, int256 rate, address stranger) public {
        vm.assume(stranger != admin);
        max = bound(max, 1, 1e12);
        rate = bound(rate, -1e15, 1e15);
        vm.expectEmit(false, false, false, true, address(trading));
        emit MaxFundingRateSet(max);
        vm.prank(admin);
        trading.setMaxFundingRate(max);
        assertEq(trading.maxFundingRatePpmPerHour(), max, "clamp reported");
        int256 expected = rate > max ? max : (rate < -max ? -max : rate);
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", rate);
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, expected, "rate clamped");
        vm.prank(admin);
        trading.setMaxFundingRate(0);
        vm.prank(admin);
        trading.updateFundingRate("BTC/USD", rate);
        assertEq(trading.getMarket(1).fundingRatePpmPerHour, rate, "no clamp once removed");
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(PerpetualTrading.InvalidFundingClamp.selector, -max));
        trading.setMaxFundingRate(-max);
        bytes32 role = trading.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        trading.setMaxFundingRate(max);
    }
}
