// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";
import {DataStreamsLocalSimulator} from "@chainlink/local/src/data-streams/DataStreamsLocalSimulator.sol";
import {MockReportGenerator} from "@chainlink/local/src/data-streams/MockReportGenerator.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {MockVerifierProxy} from "@chainlink/local/src/data-streams/MockVerifierProxy.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {DataStreamOracle} from "../src/DataStreamOracle.sol";
import {PlatformDeployer} from "../script/PlatformDeployer.sol";

contract DataStreamOracleTest is Test {
    DataStreamOracle internal oracle;
    MockV3Aggregator internal fallbackFeed;
    DataStreamsLocalSimulator internal streams;
    MockVerifierProxy internal proxy;

    address internal admin = makeAddr("admin");
    address internal updater = makeAddr("updater");
    address internal stranger = makeAddr("stranger");

    bytes32 internal btc;
    bytes32 internal constant STREAM_V3 = hex"0003777777777777777777777777777777777777777777777777777777777777";

    uint256 internal constant T0 = 1_700_000_000;

    function setUp() public {
        vm.warp(T0);
        streams = new DataStreamsLocalSimulator();
        (,,, proxy,,) = streams.configuration();
        oracle = PlatformDeployer.deployDataStreamOracle(admin, address(proxy));
        fallbackFeed = new MockV3Aggregator(8, 50_000e8);
        btc = oracle.feedIdOf("BTC/USD");
        vm.startPrank(admin);
        oracle.addFeed("BTC/USD", btc, 8, 300, 500, address(fallbackFeed));
        oracle.grantRole(oracle.UPDATER_ROLE(), updater);
        oracle.setCircuitBreaker(btc, 1000, 300, true);
        vm.stopPrank();
    }

    function _push(uint256 price8) internal returns (bool) {
        vm.prank(updater);
        return oracle.updatePrice(btc, price8);
    }

    function _setFallback(int256 answer, uint256 updatedAt) internal {
        fallbackFeed.updateRoundData(uint80(fallbackFeed.latestRound() + 1), answer, updatedAt, updatedAt);
    }

    // ------------------------------------------------------------------ feeds and updates

    function test_feedIdOf_isKeccakOfName() public view {
        assertEq(btc, keccak256(abi.encodePacked("BTC/USD")));
    }

    function test_addFeed_recordsConfig() public view {
        DataStreamOracle.Feed memory f = oracle.getFeed(btc);
        assertEq(f.name, "BTC/USD");
        assertEq(f.decimals, 8);
        assertEq(f.heartbeat, 300);
        assertEq(f.deviationBps, 500);
        assertEq(f.fallbackFeed, address(fallbackFeed));
        assertEq(oracle.feedIds().length, 1);
    }

    function test_addFeed_twiceReverts() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.FeedExists.selector, btc));
        oracle.addFeed("BTC/USD", btc, 8, 300, 500, address(0));
    }

    function test_updatePrice_storesWad() public {
        vm.expectEmit(address(oracle));
        emit DataStreamOracle.PriceUpdated(btc, 50_000e18, T0, 1);
        assertTrue(_push(50_000e8));
        assertEq(oracle.getPrice(btc), 50_000e18);
        (uint256 p, uint256 ts, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, 50_000e18);
        assertEq(ts, T0);
        assertEq(src, 1);
    }

    function test_updatePrice_zeroReverts() public {
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InvalidPrice.selector, btc));
        oracle.updatePrice(btc, 0);
    }

    function test_unknownFeed_reverts() public {
        bytes32 eth = oracle.feedIdOf("ETH/USD");
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, eth));
        oracle.getPrice(eth);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, eth));
        oracle.updatePrice(eth, 1e8);
    }

    // ------------------------------------------------------------------ TWAP

    function test_twap_timeWeighted() public {
        _push(50_000e8);
        vm.warp(T0 + 100);
        _push(51_000e8);
        vm.warp(T0 + 200);
        // last 200 s: 100 s at 50,000 then 100 s at 51,000
        assertEq(oracle.getTwap(btc, 200), 50_500e18);
        // last 150 s: 50 s at 50,000, 100 s at 51,000
        assertEq(oracle.getTwap(btc, 150), uint256(50 * 50_000e18 + 100 * 51_000e18) / 150);
        // last 50 s: only 51,000
        assertEq(oracle.getTwap(btc, 50), 51_000e18);
    }

    function test_twap_notEnoughHistoryReverts() public {
        _push(50_000e8);
        vm.warp(T0 + 100);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InsufficientHistory.selector, btc, 101));
        oracle.getTwap(btc, 101);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InsufficientHistory.selector, btc, 0));
        oracle.getTwap(btc, 0);
    }

    function test_twap_staleReverts() public {
        _push(50_000e8);
        vm.warp(T0 + 301);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.getTwap(btc, 100);
    }

    function testFuzz_twap_withinMinMax(uint64 a, uint64 b, uint16 dt1, uint16 dt2) public {
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, 0, 0, false);
        uint256 pa = bound(a, 1, 1e15);
        uint256 pb = bound(b, 1, 1e15);
        uint256 d1 = bound(dt1, 1, 250);
        uint256 d2 = bound(dt2, 0, 50);
        _push(pa);
        vm.warp(T0 + d1);
        _push(pb);
        vm.warp(T0 + d1 + d2);
        uint256 twap = oracle.getTwap(btc, d1 + d2);
        uint256 lo = (pa < pb ? pa : pb) * 1e10;
        uint256 hi = (pa < pb ? pb : pa) * 1e10;
        assertGe(twap, lo);
        assertLe(twap, hi);
    }

    // ------------------------------------------------------------------ staleness and fallback

    function test_primaryFresh_preferredOverFallback() public {
        _push(50_000e8);
        _setFallback(49_000e8, T0);
        vm.warp(T0 + 90);
        assertEq(oracle.getPrice(btc), 50_000e18);
    }

    function test_fallbackAfter90s() public {
        _push(50_000e8);
        vm.warp(T0 + 91);
        _setFallback(49_000e8, T0 + 91);
        (uint256 p, uint256 ts, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, 49_000e18);
        assertEq(ts, T0 + 91);
        assertEq(src, 2);
    }

    function test_staleFallback_primaryWithinHeartbeatUsed() public {
        _push(50_000e8);
        vm.warp(T0 + 200);
        _setFallback(49_000e8, T0 + 200 - 301); // fallback older than its heartbeat
        (uint256 p,, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, 50_000e18);
        assertEq(src, 1);
    }

    function test_bothStale_reverts() public {
        _push(50_000e8);
        _setFallback(49_000e8, T0);
        vm.warp(T0 + 301);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.getPrice(btc);
    }

    function test_nonPositiveFallback_invalidPrice() public {
        _push(50_000e8);
        vm.warp(T0 + 301);
        _setFallback(0, T0 + 301);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InvalidPrice.selector, btc));
        oracle.getPrice(btc);
        _setFallback(-1, T0 + 301);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InvalidPrice.selector, btc));
        oracle.getPrice(btc);
    }

    function test_fallbackScaledWithItsOwnDecimals() public {
        MockV3Aggregator fb18 = new MockV3Aggregator(18, 48_000e18);
        vm.prank(admin);
        oracle.setFallbackFeed(btc, address(fb18));
        (uint256 p,, uint8 src) = oracle.latestPrice(btc); // no primary yet
        assertEq(p, 48_000e18);
        assertEq(src, 2);
    }

    function test_noPrimaryNoFallback_stale() public {
        vm.prank(admin);
        oracle.setFallbackFeed(btc, address(0));
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.getPrice(btc);
    }

    // ------------------------------------------------------------------ circuit breaker

    function test_breaker_tenPercentAccepted() public {
        _push(50_000e8);
        assertTrue(_push(45_000e8)); // exactly 10%
        assertEq(oracle.getPrice(btc), 45_000e18);
    }

    function test_breaker_tripsOn15PercentMove() public {
        _push(50_000e8);
        vm.warp(T0 + 10);
        vm.expectEmit(address(oracle));
        emit DataStreamOracle.CircuitBreakerTripped(btc, 50_000e18, 42_500e18);
        assertFalse(_push(42_500e8));
        assertEq(oracle.circuitBreaker(btc).trippedAt, T0 + 10);
        (uint256 stored,) = oracle.primaryPrice(btc);
        assertEq(stored, 50_000e18, "rejected price not stored");

        vm.warp(T0 + 10 + 299);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.CircuitBreakerActive.selector, btc, T0 + 310));
        oracle.getPrice(btc);
        assertFalse(_push(42_500e8)); // still cooling down

        vm.warp(T0 + 310);
        assertTrue(_push(42_500e8)); // first update after cooldown becomes the reference
        assertEq(oracle.getPrice(btc), 42_500e18);
        assertEq(oracle.circuitBreaker(btc).trippedAt, 0);
    }

    function test_breaker_disabledAcceptsAnyMove() public {
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, 1000, 300, false);
        _push(50_000e8);
        assertTrue(_push(20_000e8));
        assertEq(oracle.getPrice(btc), 20_000e18);
    }

    function test_breaker_invalidConfigReverts() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.BreakerOutsideBand.selector, 0, 300));
        oracle.setCircuitBreaker(btc, 0, 300, true);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.BreakerOutsideBand.selector, 10_001, 300));
        oracle.setCircuitBreaker(btc, 10_001, 300, true);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ Data Streams reports

    function _reportSetup(int192 price) internal returns (MockReportGenerator gen) {
        gen = new MockReportGenerator(price);
        vm.prank(admin);
        oracle.setReportStream(btc, STREAM_V3, 18);
    }

    function test_report_offChainBilling() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(50_123e18);
        vm.warp(T0 + 5);
        (bytes memory signed,) = gen.generateReportV3();
        vm.prank(updater);
        assertTrue(oracle.updatePriceFromReport(btc, signed));
        (uint256 p, uint256 ts,) = oracle.latestPrice(btc);
        assertEq(p, 50_123e18);
        assertEq(ts, T0 + 5);
    }

    function test_report_onChainBillingPaysLink() public {
        MockReportGenerator gen = _reportSetup(50_000e18);
        gen.updateFees(0, 1e17);
        streams.requestLinkFromFaucet(address(oracle), 1e18);
        (bytes memory signed,) = gen.generateReportV3();
        vm.prank(updater);
        oracle.updatePriceFromReport(btc, signed);
        assertEq(oracle.getPrice(btc), 50_000e18);
        (, LinkToken link,,,,) = streams.configuration();
        assertEq(link.balanceOf(address(oracle)), 9e17);
    }

    function test_report_replayRejected() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(50_000e18);
        (bytes memory signed,) = gen.generateReportV3();
        vm.startPrank(updater);
        oracle.updatePriceFromReport(btc, signed);
        vm.expectRevert(); // the verifier refuses a used signature
        oracle.updatePriceFromReport(btc, signed);
        vm.stopPrank();
    }

    function test_report_olderObservationRejected() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(50_000e18);
        (bytes memory older,) = gen.generateReportV3();
        vm.warp(T0 + 10);
        _push(50_000e8);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.OutdatedReport.selector, btc, T0, T0 + 10));
        oracle.updatePriceFromReport(btc, older);
    }

    function test_report_staleReportRejected() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(50_000e18);
        (bytes memory signed,) = gen.generateReportV3();
        vm.warp(T0 + 301);
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.updatePriceFromReport(btc, signed);
    }

    function test_report_nonPositiveRejected() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(-5);
        (bytes memory signed,) = gen.generateReportV3();
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InvalidPrice.selector, btc));
        oracle.updatePriceFromReport(btc, signed);
    }

    function test_report_wrongStreamRejected() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = new MockReportGenerator(50_000e18); // stream not configured: expects btc id
        (bytes memory signed,) = gen.generateReportV3();
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.ReportFeedMismatch.selector, btc, STREAM_V3));
        oracle.updatePriceFromReport(btc, signed);
    }

    function test_report_breakerApplies() public {
        streams.enableOffChainBilling();
        MockReportGenerator gen = _reportSetup(50_000e18);
        (bytes memory first,) = gen.generateReportV3();
        vm.prank(updater);
        oracle.updatePriceFromReport(btc, first);
        vm.warp(T0 + 1);
        gen.updatePrice(42_500e18);
        (bytes memory crash,) = gen.generateReportV3();
        vm.prank(updater);
        assertFalse(oracle.updatePriceFromReport(btc, crash));
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.CircuitBreakerActive.selector, btc, T0 + 301));
        oracle.getPrice(btc);
    }

    // ------------------------------------------------------------------ access control and pause

    function test_setters_requireAdmin() public {
        bytes32 adminRole = oracle.DEFAULT_ADMIN_ROLE();
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, adminRole
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        oracle.addFeed("ETH/USD", keccak256("ETH/USD"), 8, 300, 500, address(0));
        vm.expectRevert(err);
        oracle.setCircuitBreaker(btc, 5000, 0, true);
        vm.expectRevert(err);
        oracle.setFallbackFeed(btc, address(0));
        vm.expectRevert(err);
        oracle.setReportStream(btc, STREAM_V3, 18);
        vm.stopPrank();
    }

    function test_update_requiresUpdaterRole() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, oracle.UPDATER_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        oracle.updatePrice(btc, 50_000e8);
        vm.expectRevert(err);
        oracle.updatePriceFromReport(btc, "");
        vm.stopPrank();
    }

    function test_pause_blocksUpdates_readsContinue() public {
        _push(50_000e8);
        vm.prank(stranger);
        vm.expectRevert();
        oracle.pause();
        vm.prank(admin);
        oracle.pause();
        vm.prank(updater);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        oracle.updatePrice(btc, 50_000e8);
        vm.prank(updater);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        oracle.updatePriceFromReport(btc, "");
        assertEq(oracle.getPrice(btc), 50_000e18);
        vm.prank(admin);
        oracle.unpause();
        assertTrue(_push(50_100e8));
    }

    function test_adminRotation_twoStep() public {
        address next = makeAddr("next");
        vm.prank(admin);
        oracle.beginDefaultAdminTransfer(next);
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(next);
        oracle.acceptDefaultAdminTransfer();
        assertEq(oracle.defaultAdmin(), next);
    }
}
