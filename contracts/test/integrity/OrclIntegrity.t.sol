// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";
import {DataStreamsLocalSimulator} from "@chainlink/local/src/data-streams/DataStreamsLocalSimulator.sol";
import {MockReportGenerator} from "@chainlink/local/src/data-streams/MockReportGenerator.sol";
import {MockVerifierProxy} from "@chainlink/local/src/data-streams/MockVerifierProxy.sol";
import {MockFeeManager} from "@chainlink/local/src/data-streams/MockFeeManager.sol";
import {MockRewardManager} from "@chainlink/local/src/data-streams/MockRewardManager.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";

import {DataStreamOracle} from "../../src/DataStreamOracle.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice What DataStreamOracle must achieve (specs/integrity_oracle.py, INT-ORCL-*): configuration that takes effect
///         and is reported; an accepted update stores exactly the WAD price and its timestamp and is what the reads
///         return; the circuit breaker trips, blocks and resets exactly as configured; a verified Data Streams report
///         is recorded at its observation time and its LINK fee paid to the unit; the reads pick the source the
///         design's 90 s rule says; the TWAP is the exact time-weighted mean (rounded down). Reports come from
///         Chainlink Local's Data Streams simulator, as in DataStreamOracle.t.sol.
contract OrclIntegrity is Test {
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
    uint256 internal constant E10 = 1e10; // 8-decimal price -> WAD

    function setUp() public {
        vm.warp(T0);
        streams = new DataStreamsLocalSimulator();
        (,,, proxy,,) = streams.configuration();
        oracle = PlatformDeployer.deployDataStreamOracle(admin, address(proxy));
        fallbackFeed = new MockV3Aggregator(8, 49_000e8);
        btc = oracle.feedIdOf("BTC/USD");
        vm.startPrank(admin);
        oracle.addFeed("BTC/USD", btc, 8, 300, 500, address(fallbackFeed));
        oracle.grantRole(oracle.UPDATER_ROLE(), updater);
        oracle.setCircuitBreaker(btc, 1000, 300, true);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    function _push(uint256 price8) internal returns (bool) {
        vm.prank(updater);
        return oracle.updatePrice(btc, price8);
    }

    function _wad(uint256 answer, uint8 decimals) internal pure returns (uint256) {
        if (decimals <= 18) return answer * 10 ** (18 - decimals);
        return answer / 10 ** (decimals - 18);
    }

    function _unauthorized(address who, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, who, role);
    }

    function _disableBreaker() internal {
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, 0, 0, false);
    }

    // ---------------------------------------------------------------- INT-ORCL-01 addFeed

    /// addFeed stores exactly the configuration (getFeed), lists the id (feedIds), reports it in FeedAdded; a second
    /// add, an invalid configuration and strangers are refused
    function test_INT_ORCL_01_addFeedRecordsConfig(
        string memory name,
        uint8 decimals,
        uint32 heartbeat,
        uint16 deviationBps,
        address fb
    ) public {
        bytes32 id = oracle.feedIdOf(name);
        vm.assume(id != btc && id != keccak256("x") && id != keccak256("y"));
        decimals = uint8(bound(decimals, 0, 36));
        heartbeat = uint32(bound(heartbeat, 91, 3_600)); // the band: above the 90 s fallback window, at most 1 h
        deviationBps = uint16(bound(deviationBps, 0, 10_000));
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.FeedAdded(id, name, decimals, heartbeat, deviationBps, fb);
        vm.prank(admin);
        oracle.addFeed(name, id, decimals, heartbeat, deviationBps, fb);
        DataStreamOracle.Feed memory f = oracle.getFeed(id);
        assertEq(f.name, name, "name");
        assertEq(f.decimals, decimals, "decimals");
        assertEq(f.heartbeat, heartbeat, "heartbeat");
        assertEq(f.deviationBps, deviationBps, "deviationBps");
        assertEq(f.fallbackFeed, fb, "fallbackFeed");
        assertTrue(f.exists, "exists");
        bytes32[] memory ids = oracle.feedIds();
        assertEq(ids.length, 2, "listed once");
        assertEq(ids[1], id, "listed last");
        assertEq(oracle.observationCount(id), 0, "no history");

        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.FeedExists.selector, id));
        oracle.addFeed(name, id, decimals, heartbeat, deviationBps, fb);
        vm.expectRevert(DataStreamOracle.InvalidConfig.selector);
        oracle.addFeed("zero", bytes32(0), 8, 300, 500, fb);
        for (uint32 hb = 0; hb < 3; ++hb) { // 0, 90 (the fallback window itself) and 3,601 s are outside the band
            uint32 outside = [uint32(0), 90, 3_601][hb];
            vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.HeartbeatOutsideBand.selector, outside));
            oracle.addFeed("x", keccak256("x"), 8, outside, 500, fb);
        }
        vm.expectRevert(DataStreamOracle.InvalidConfig.selector);
        oracle.addFeed("x", keccak256("x"), 37, 300, 500, fb);
        vm.expectRevert(DataStreamOracle.InvalidConfig.selector);
        oracle.addFeed("x", keccak256("x"), 8, 300, 10_001, fb);
        vm.stopPrank();
        bytes32 role = oracle.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        oracle.addFeed("y", keccak256("y"), 8, 300, 500, fb);
        assertEq(oracle.feedIds().length, 2, "nothing else listed");
    }

    // ---------------------------------------------------------------- INT-ORCL-02 setFallbackFeed

    /// setFallbackFeed replaces the fallback (getFeed) and reports it; once the primary is older than 90 s the new
    /// fallback's answer is what the reads return, scaled by its own decimals; removing it (address 0) falls back
    /// to the primary within its heartbeat
    function test_INT_ORCL_02_fallbackFeedTakesEffect(uint8 decimals, uint256 answer) public {
        decimals = uint8(bound(decimals, 0, 36));
        answer = bound(answer, decimals > 18 ? 10 ** (decimals - 18) : 1, 1e40);
        MockV3Aggregator agg = new MockV3Aggregator(decimals, int256(answer));
        assertTrue(_push(50_000e8));
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.FallbackFeedSet(btc, address(agg));
        vm.prank(admin);
        oracle.setFallbackFeed(btc, address(agg));
        assertEq(oracle.getFeed(btc).fallbackFeed, address(agg), "stored");

        vm.warp(T0 + 91);
        agg.updateRoundData(2, int256(answer), T0 + 91, T0 + 91);
        (uint256 p, uint256 ts, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, _wad(answer, decimals), "fallback price in WAD");
        assertEq(ts, T0 + 91, "fallback timestamp");
        assertEq(src, 2, "fallback source");
        assertEq(oracle.getPrice(btc), p, "getPrice agrees");

        vm.prank(admin);
        oracle.setFallbackFeed(btc, address(0));
        (p, ts, src) = oracle.latestPrice(btc);
        assertEq(p, 50_000e18, "primary within its heartbeat");
        assertEq(ts, T0, "primary timestamp");
        assertEq(src, 1, "primary source");

        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, keccak256("none")));
        oracle.setFallbackFeed(keccak256("none"), address(agg));
        vm.stopPrank();
        bytes32 role = oracle.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        oracle.setFallbackFeed(btc, address(agg));
    }

    // ---------------------------------------------------------------- INT-ORCL-03 setReportStream

    /// setReportStream stores the stream and its decimals (reportStream) and reports it; a report of that stream is
    /// then accepted and scaled by those decimals; a zero stream, decimals above 36, unknown feeds and strangers are
    /// refused
    function test_INT_ORCL_03_reportStreamTakesEffect(uint8 decimals, uint256 price) public {
        decimals = uint8(bound(decimals, 0, 36));
        price = bound(price, decimals > 18 ? 10 ** (decimals - 18) : 1, 1e30);
        streams.enableOffChainBilling();
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.ReportStreamSet(btc, STREAM_V3, decimals);
        vm.prank(admin);
        oracle.setReportStream(btc, STREAM_V3, decimals);
        DataStreamOracle.ReportStream memory s = oracle.reportStream(btc);
        assertEq(s.streamId, STREAM_V3, "stream id");
        assertEq(s.decimals, decimals, "decimals");
        assertTrue(s.set, "set");

        MockReportGenerator gen = new MockReportGenerator(int192(int256(price)));
        vm.warp(T0 + 5);
        (bytes memory signed,) = gen.generateReportV3();
        vm.prank(updater);
        assertTrue(oracle.updatePriceFromReport(btc, signed), "accepted");
        (uint256 p, uint256 ts) = oracle.primaryPrice(btc);
        assertEq(p, _wad(price, decimals), "scaled by the stream's decimals");
        assertEq(ts, T0 + 5, "observation time");

        vm.startPrank(admin);
        vm.expectRevert(DataStreamOracle.InvalidConfig.selector);
        oracle.setReportStream(btc, bytes32(0), 18);
        vm.expectRevert(DataStreamOracle.InvalidConfig.selector);
        oracle.setReportStream(btc, STREAM_V3, 37);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, keccak256("none")));
        oracle.setReportStream(keccak256("none"), STREAM_V3, 18);
        vm.stopPrank();
        bytes32 role = oracle.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        oracle.setReportStream(btc, STREAM_V3, 18);
    }

    // ---------------------------------------------------------------- INT-ORCL-04 setCircuitBreaker

    /// setCircuitBreaker stores the configuration (circuitBreaker) and reports it; disabling clears a trip so reads
    /// and any move work again; an enabled breaker with a 0 or > 100 % bound, unknown feeds and strangers are refused
    function test_INT_ORCL_04_breakerConfigTakesEffect(uint16 maxBps, uint32 cooldown, bool enabled) public {
        maxBps = uint16(bound(maxBps, 100, 1_500)); // the band: trips at 1-15 %, cools down for 1-60 min
        if (enabled) cooldown = uint32(bound(cooldown, 60, 3_600));
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.CircuitBreakerConfigured(btc, maxBps, cooldown, enabled);
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, maxBps, cooldown, enabled);
        DataStreamOracle.CircuitBreaker memory b = oracle.circuitBreaker(btc);
        assertEq(b.maxDeviationBps, maxBps, "bound");
        assertEq(b.cooldown, cooldown, "cooldown");
        assertEq(b.enabled, enabled, "enabled");
        assertEq(b.trippedAt, 0, "not tripped");

        // trip the deployment's breaker, then disable it: the trip is cleared and any move is accepted
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, 1000, 300, true);
        _push(50_000e8);
        vm.warp(T0 + 1);
        assertFalse(_push(30_000e8), "tripped");
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, maxBps, cooldown, false);
        assertEq(oracle.circuitBreaker(btc).trippedAt, 0, "trip cleared");
        assertEq(oracle.getPrice(btc), 50_000e18, "reads work again");
        assertTrue(_push(20_000e8), "any move accepted");
        assertEq(oracle.getPrice(btc), 20_000e18, "stored");

        vm.startPrank(admin);
        uint32[2][6] memory outside = [[uint32(0), 300], [uint32(99), 300], [uint32(1_501), 300],
            [uint32(10_001), 300], [uint32(1_000), 59], [uint32(1_000), 3_601]];
        for (uint256 i; i < outside.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(
                DataStreamOracle.BreakerOutsideBand.selector, uint16(outside[i][0]), outside[i][1]));
            oracle.setCircuitBreaker(btc, uint16(outside[i][0]), outside[i][1], true);
        }
        oracle.setCircuitBreaker(btc, 10_001, 0, false); // disabled: no band to meet
        oracle.setCircuitBreaker(btc, 1_000, 300, true);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, keccak256("none")));
        oracle.setCircuitBreaker(keccak256("none"), 1000, 300, true);
        vm.stopPrank();
        bytes32 role = oracle.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        oracle.setCircuitBreaker(btc, 1000, 300, true);
    }

    // ---------------------------------------------------------------- INT-ORCL-05 updatePrice

    /// an update within the breaker's bound is accepted: it stores exactly price * 10^(18 - decimals) with the
    /// block time (primaryPrice), adds one observation per distinct second, is what getPrice / latestPrice return,
    /// and is reported in PriceUpdated with origin 1
    function test_INT_ORCL_05_updateStoresPrice(uint256 p1, uint256 moveBps, bool up, uint256 dt) public {
        p1 = bound(p1, 1, 1e20);
        moveBps = bound(moveBps, 0, 1000);
        dt = bound(dt, 0, 300);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.PriceUpdated(btc, p1 * E10, T0, 1);
        assertTrue(_push(p1), "first price accepted");
        uint256 delta = p1 * moveBps / 10_000;
        uint256 p2 = up ? p1 + delta : p1 - delta;
        vm.assume(p2 > 0);
        vm.warp(T0 + dt);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.PriceUpdated(btc, p2 * E10, T0 + dt, 1);
        assertTrue(_push(p2), "move within the bound accepted");
        (uint256 stored, uint256 ts) = oracle.primaryPrice(btc);
        assertEq(stored, p2 * E10, "stored in WAD");
        assertEq(ts, T0 + dt, "timestamp");
        assertEq(oracle.observationCount(btc), dt == 0 ? 1 : 2, "one observation per distinct second");
        (uint256 p, uint256 at, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, p2 * E10, "latestPrice");
        assertEq(at, T0 + dt, "latestPrice timestamp");
        assertEq(src, 1, "primary");
        assertEq(oracle.getPrice(btc), p2 * E10, "getPrice");
    }

    /// any feed's decimals are scaled to WAD exactly (rounding down above 18 decimals)
    function test_INT_ORCL_05_updateScalesDecimals(uint8 decimals, uint256 price) public {
        decimals = uint8(bound(decimals, 0, 36));
        price = bound(price, decimals > 18 ? 10 ** (decimals - 18) : 1, 1e40);
        bytes32 id = keccak256("ANY/USD");
        vm.prank(admin);
        oracle.addFeed("ANY/USD", id, decimals, 300, 500, address(0));
        vm.prank(updater);
        assertTrue(oracle.updatePrice(id, price), "accepted");
        (uint256 stored,) = oracle.primaryPrice(id);
        assertEq(stored, _wad(price, decimals), "WAD");
        assertEq(oracle.getPrice(id), _wad(price, decimals), "read back");
    }

    /// updatePrice refuses zero, unknown feeds and callers without UPDATER_ROLE, storing nothing
    function test_INT_ORCL_05_updateRefusals(uint256 price) public {
        price = bound(price, 1, 1e20);
        vm.startPrank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InvalidPrice.selector, btc));
        oracle.updatePrice(btc, 0);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, keccak256("none")));
        oracle.updatePrice(keccak256("none"), price);
        vm.stopPrank();
        bytes32 role = oracle.UPDATER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        oracle.updatePrice(btc, price);
        (uint256 stored,) = oracle.primaryPrice(btc);
        assertEq(stored, 0, "nothing stored");
        assertEq(oracle.observationCount(btc), 0, "no observation");
    }

    // ---------------------------------------------------------------- INT-ORCL-06 circuit breaker

    /// a move beyond the bound is rejected (returns false, price and history unchanged), trips the breaker at the
    /// block time (CircuitBreakerTripped, PriceRejected reason 1); reads revert CircuitBreakerActive until the
    /// cooldown ends; updates during the cooldown are rejected (reason 2); the first update after it is accepted
    /// whatever its move, becomes the reference and resets the breaker (CircuitBreakerReset)
    function test_INT_ORCL_06_tripBlocksThenResets(uint256 p1, uint256 extra, bool up, uint256 wait) public {
        p1 = bound(p1, 1e8, 1e20);
        extra = bound(extra, 0, p1 / 2);
        uint256 p2 = up ? p1 + p1 / 10 + 1 + extra : p1 - p1 / 10 - 1 - extra;
        assertTrue(_push(p1));
        uint256 tripAt = T0 + 10;
        vm.warp(tripAt);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.CircuitBreakerTripped(btc, p1 * E10, p2 * E10);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.PriceRejected(btc, p2 * E10, tripAt, 1);
        assertFalse(_push(p2), "rejected");
        (uint256 stored, uint256 ts) = oracle.primaryPrice(btc);
        assertEq(stored, p1 * E10, "price unchanged");
        assertEq(ts, T0, "timestamp unchanged");
        assertEq(oracle.observationCount(btc), 1, "history unchanged");
        assertEq(oracle.circuitBreaker(btc).trippedAt, tripAt, "tripped now");

        vm.warp(tripAt + bound(wait, 0, 299));
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.CircuitBreakerActive.selector, btc, tripAt + 300));
        oracle.getPrice(btc);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.CircuitBreakerActive.selector, btc, tripAt + 300));
        oracle.latestPrice(btc);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.PriceRejected(btc, p1 * E10, block.timestamp, 2);
        assertFalse(_push(p1), "rejected during the cooldown");
        (stored,) = oracle.primaryPrice(btc);
        assertEq(stored, p1 * E10, "still unchanged");

        vm.warp(tripAt + 300);
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.CircuitBreakerReset(btc, p2 * E10);
        assertTrue(_push(p2), "first update after the cooldown accepted");
        (stored, ts) = oracle.primaryPrice(btc);
        assertEq(stored, p2 * E10, "new reference");
        assertEq(ts, tripAt + 300, "its timestamp");
        assertEq(oracle.circuitBreaker(btc).trippedAt, 0, "reset");
        assertEq(oracle.getPrice(btc), p2 * E10, "reads work again");
    }

    /// the bound is inclusive: a move of exactly maxDeviationBps is accepted, one unit more is rejected
    function test_INT_ORCL_06_boundIsInclusive(uint256 k, uint16 maxBps) public {
        maxBps = uint16(bound(maxBps, 100, 1_500));
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, maxBps, 300, true);
        uint256 p1 = bound(k, 1, 1e16) * 10_000;
        uint256 d = p1 * maxBps / 10_000; // exact
        assertTrue(_push(p1));
        assertTrue(_push(p1 + d), "exactly the bound up: accepted");
        _resetReference(p1, maxBps);
        assertTrue(_push(p1 - d), "exactly the bound down: accepted");
        _resetReference(p1, maxBps);
        assertFalse(_push(p1 + d + 1), "one unit beyond: rejected");
        (uint256 stored,) = oracle.primaryPrice(btc);
        assertEq(stored, p1 * E10, "reference kept");
    }

    /// Makes `p1` the breaker's reference again (disable, push, re-enable: the bound itself is not what is tested).
    function _resetReference(uint256 p1, uint16 maxBps) internal {
        _disableBreaker();
        assertTrue(_push(p1));
        vm.prank(admin);
        oracle.setCircuitBreaker(btc, maxBps, 300, true);
    }

    // ---------------------------------------------------------------- INT-ORCL-07 updatePriceFromReport

    /// a verified v3 report is recorded at its observation time, scaled by the stream's decimals, becomes what the
    /// reads return, is reported in PriceUpdated with origin 2; under on-chain billing exactly the report's LINK fee
    /// leaves the oracle for the reward manager
    function test_INT_ORCL_07_reportRecorded(
        uint256 dt,
        uint256 lag,
        uint256 moveBps,
        bool up,
        uint256 linkFee,
        bool onChain
    ) public {
        dt = bound(dt, 1, 300);
        lag = bound(lag, 0, 90); // relayed up to 90 s after observation: still the preferred (primary) source
        moveBps = bound(moveBps, 0, 1000);
        linkFee = bound(linkFee, 0, 1e18);
        if (!onChain) streams.enableOffChainBilling();
        (, LinkToken link,,,, MockRewardManager rewards) = streams.configuration();
        streams.requestLinkFromFaucet(address(oracle), 1e18);
        vm.prank(admin);
        oracle.setReportStream(btc, STREAM_V3, 18);
        assertTrue(_push(50_000e8));
        uint256 r = up ? 50_000e18 + 50_000e18 * moveBps / 10_000 : 50_000e18 - 50_000e18 * moveBps / 10_000;
        MockReportGenerator gen = new MockReportGenerator(int192(int256(r)));
        gen.updateFees(0, uint192(linkFee));
        vm.warp(T0 + dt);
        (bytes memory signed,) = gen.generateReportV3(); // observed at T0 + dt
        vm.warp(T0 + dt + lag);
        uint256 rewards0 = onChain ? link.balanceOf(address(rewards)) : 0;
        vm.expectEmit(true, false, false, true, address(oracle));
        emit DataStreamOracle.PriceUpdated(btc, r, T0 + dt, 2);
        vm.prank(updater);
        assertTrue(oracle.updatePriceFromReport(btc, signed), "accepted");
        (uint256 stored, uint256 ts) = oracle.primaryPrice(btc);
        assertEq(stored, r, "price");
        assertEq(ts, T0 + dt, "observation time, not the relay time");
        assertEq(oracle.getPrice(btc), r, "read back");
        assertEq(oracle.observationCount(btc), 2, "observed");
        if (onChain) {
            assertEq(link.balanceOf(address(oracle)), 1e18 - linkFee, "exactly the LINK fee paid");
            assertEq(link.balanceOf(address(rewards)), rewards0 + linkFee, "to the reward manager");
        } else {
            assertEq(link.balanceOf(address(oracle)), 1e18, "nothing paid off-chain");
        }
    }

    /// a report observed at or before the last accepted price, or older than the heartbeat, is refused
    function test_INT_ORCL_07_reportRefusesOutdatedAndStale(uint256 late) public {
        streams.enableOffChainBilling();
        vm.prank(admin);
        oracle.setReportStream(btc, STREAM_V3, 18);
        MockReportGenerator gen = new MockReportGenerator(50_000e18);
        (bytes memory older,) = gen.generateReportV3();
        vm.warp(T0 + 10);
        assertTrue(_push(50_000e8));
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.OutdatedReport.selector, btc, T0, T0 + 10));
        oracle.updatePriceFromReport(btc, older);
        (bytes memory fresh,) = gen.generateReportV3(); // observed at T0 + 10, the last price's second
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.OutdatedReport.selector, btc, T0 + 10, T0 + 10));
        oracle.updatePriceFromReport(btc, fresh);
        vm.warp(T0 + 11);
        (bytes memory stale,) = gen.generateReportV3();
        vm.warp(T0 + 11 + 300 + bound(late, 1, 1000));
        vm.prank(updater);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.updatePriceFromReport(btc, stale);
        (uint256 stored, uint256 ts) = oracle.primaryPrice(btc);
        assertEq(stored, 50_000e18, "unchanged");
        assertEq(ts, T0 + 10, "unchanged");
    }

    // ---------------------------------------------------------------- INT-ORCL-08 reads: source selection

    /// getPrice / latestPrice follow the design's rule: the primary while at most 90 s old; else a fresh positive
    /// fallback (within the heartbeat); else the primary while within its heartbeat; else StalePrice
    function test_INT_ORCL_08_readsPickTheRightSource(uint256 primaryAge, uint256 fallbackAge) public {
        primaryAge = bound(primaryAge, 0, 400);
        fallbackAge = bound(fallbackAge, 0, 400);
        uint256 nowTs = T0 + 1_000;
        vm.warp(nowTs - primaryAge);
        assertTrue(_push(50_000e8));
        fallbackFeed.updateRoundData(2, 49_000e8, nowTs - fallbackAge, nowTs - fallbackAge);
        vm.warp(nowTs);
        uint256 price;
        uint256 at;
        uint8 source;
        if (primaryAge <= 90) {
            (price, at, source) = (50_000e18, nowTs - primaryAge, 1);
        } else if (fallbackAge <= 300) {
            (price, at, source) = (49_000e18, nowTs - fallbackAge, 2);
        } else if (primaryAge <= 300) {
            (price, at, source) = (50_000e18, nowTs - primaryAge, 1);
        } else {
            vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
            oracle.getPrice(btc);
            vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
            oracle.latestPrice(btc);
            return;
        }
        (uint256 p, uint256 ts, uint8 src) = oracle.latestPrice(btc);
        assertEq(p, price, "price");
        assertEq(ts, at, "timestamp");
        assertEq(src, source, "source");
        assertEq(oracle.getPrice(btc), price, "getPrice agrees");
    }

    // ---------------------------------------------------------------- INT-ORCL-09 getTwap

    /// getTwap is exactly the time-weighted mean of the accepted prices over [now - window, now], rounded down;
    /// a window longer than the history is refused, and so is a last price older than the heartbeat
    function test_INT_ORCL_09_twapIsTimeWeightedMean(
        uint256 a,
        uint256 b,
        uint256 c,
        uint256 d1,
        uint256 d2,
        uint256 d3,
        uint256 window
    ) public {
        _disableBreaker();
        uint256[3] memory p = [bound(a, 1, 1e20) * E10, bound(b, 1, 1e20) * E10, bound(c, 1, 1e20) * E10];
        uint256[4] memory t;
        t[0] = T0;
        t[1] = t[0] + bound(d1, 1, 500);
        t[2] = t[1] + bound(d2, 1, 500);
        t[3] = t[2] + bound(d3, 0, 300); // now; the last price is within the heartbeat
        for (uint256 i = 0; i < 3; ++i) {
            vm.warp(t[i]);
            assertTrue(_push(p[i] / E10));
        }
        assertEq(oracle.observationCount(btc), 3, "three observations");
        vm.warp(t[3]);
        window = bound(window, 1, t[3] - t[0]);
        uint256 start = t[3] - window;
        uint256 integral;
        for (uint256 i = 0; i < 3; ++i) {
            uint256 from = t[i] > start ? t[i] : start;
            uint256 to = t[i + 1];
            if (to > from) integral += p[i] * (to - from);
        }
        assertEq(oracle.getTwap(btc, window), integral / window, "time-weighted mean, rounded down");

        vm.expectRevert(
            abi.encodeWithSelector(DataStreamOracle.InsufficientHistory.selector, btc, t[3] - t[0] + 1)
        );
        oracle.getTwap(btc, t[3] - t[0] + 1);
        vm.warp(t[2] + 301);
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.StalePrice.selector, btc));
        oracle.getTwap(btc, 1);
    }

    /// the history keeps full timestamps: past 2^32 s (February 2106) the TWAP is exact and a window longer than
    /// the history is still refused (a first observation stored in 32 bits would claim history from 1970)
    function test_INT_ORCL_09_twapPastYear2106(uint256 a, uint256 b, uint256 dt) public {
        _disableBreaker();
        uint256 t0 = 2 ** 32 + 1_000;
        dt = bound(dt, 1, 300);
        a = bound(a, 1, 1e20);
        b = bound(b, 1, 1e20);
        vm.warp(t0);
        assertTrue(_push(a));
        vm.warp(t0 + dt);
        assertTrue(_push(b));
        vm.warp(t0 + 2 * dt);
        assertEq(oracle.getTwap(btc, 2 * dt), (a * E10 * dt + b * E10 * dt) / (2 * dt), "exact across 2^32");
        // the history starts at t0, not at t0 mod 2^32: a longer window is still refused
        vm.expectRevert(abi.encodeWithSelector(DataStreamOracle.InsufficientHistory.selector, btc, 2 * dt + 1));
        oracle.getTwap(btc, 2 * dt + 1);
    }

    // ---------------------------------------------------------------- INT-ORCL-10 views

    /// feedIdOf is keccak256 of the name; feedIds lists every feed once in the order added; getFeed and the reads
    /// refuse unknown feeds; a new feed has no price, history, stream or breaker
    function test_INT_ORCL_10_views(string memory name, string memory other) public {
        assertEq(oracle.feedIdOf(name), keccak256(abi.encodePacked(name)), "feedIdOf");
        bytes32 a = oracle.feedIdOf(name);
        bytes32 b = keccak256(abi.encodePacked(a, other));
        vm.assume(a != btc && a != bytes32(0));
        vm.startPrank(admin);
        oracle.addFeed(name, a, 8, 300, 500, address(0));
        oracle.addFeed(other, b, 18, 120, 100, address(0));
        vm.stopPrank();
        bytes32[] memory ids = oracle.feedIds();
        assertEq(ids.length, 3, "three feeds");
        assertEq(ids[0], btc, "first");
        assertEq(ids[1], a, "second");
        assertEq(ids[2], b, "third");
        (uint256 p, uint256 ts) = oracle.primaryPrice(a);
        assertEq(p + ts, 0, "no price");
        assertEq(oracle.observationCount(a), 0, "no history");
        assertFalse(oracle.reportStream(a).set, "no stream");
        assertFalse(oracle.circuitBreaker(a).enabled, "no breaker");
        DataStreamOracle.CircuitBreaker memory cb = oracle.circuitBreaker(btc);
        assertEq(cb.maxDeviationBps, 1000, "deployment bound");
        assertEq(cb.cooldown, 300, "deployment cooldown");
        assertTrue(cb.enabled, "deployment breaker on");

        bytes32 none = keccak256(abi.encodePacked(b, "none"));
        bytes memory unknown = abi.encodeWithSelector(DataStreamOracle.UnknownFeed.selector, none);
        vm.expectRevert(unknown);
        oracle.getFeed(none);
        vm.expectRevert(unknown);
        oracle.getPrice(none);
        vm.expectRevert(unknown);
        oracle.latestPrice(none);
        vm.expectRevert(unknown);
        oracle.getTwap(none, 1);
    }

    // ---------------------------------------------------------------- INT-ORCL-07 initialize

    /// initialize (the constructor before the proxy) stores the verifier proxy reports are verified through; a zero
    /// verifier refused; it runs once
    function test_INT_ORCL_07_initializeWiresVerifier(address who) public {
        assertEq(address(oracle.verifierProxy()), address(proxy), "verifier proxy");
        vm.prank(who);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        oracle.initialize(who, who);
        address impl = address(new DataStreamOracle());
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        new ERC1967Proxy(impl, abi.encodeCall(DataStreamOracle.initialize, (admin, address(0))));
    }
}
