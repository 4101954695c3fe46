// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Common} from "@chainlink/contracts/src/v0.8/llo-feeds/libraries/Common.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {IDataStreamOracle} from "./interfaces/IPlatform.sol";
import {PerpMath} from "./libraries/PerpMath.sol";
import {RiskBands} from "./libraries/RiskBands.sol";

/// @notice The Data Streams verifier proxy as Chainlink documents it for consumers
///         (https://docs.chain.link/data-streams/tutorials/evm-onchain-report-verification): `verify` plus
///         the public `s_feeManager` getter, which the packaged IVerifierProxy interface omits.
interface IStreamsVerifierProxy {
    function verify(bytes calldata payload, bytes calldata parameterPayload)
        external
        payable
        returns (bytes memory verifierResponse);
    function s_feeManager() external view returns (address);
}

/// @notice The parts of the Data Streams fee manager a consumer needs to pay a verification in LINK.
interface IStreamsFeeManager {
    function getFeeAndReward(address subscriber, bytes memory unverifiedReport, address quoteAddress)
        external
        view
        returns (Common.Asset memory fee, Common.Asset memory reward, uint256 discount);
    function i_linkAddress() external view returns (address);
    function i_rewardManager() external view returns (address);
}

/// @title DataStreamOracle
/// @notice Per-feed prices in WAD. Primary source: pushed updates (UPDATER_ROLE) or verified Chainlink
///         Data Streams reports (v3 schema). Fallback: a Chainlink AggregatorV3 feed, used once the primary
///         is older than 90 s. A circuit breaker rejects moves larger than the configured bound and blocks
///         reads for a cooldown; a Uniswap-v2-style accumulator gives a TWAP. All price math is PerpMath.
contract DataStreamOracle is PlatformAccessUpgradeable, IDataStreamOracle {
    using SafeERC20 for IERC20;

    bytes32 public constant UPDATER_ROLE = keccak256("UPDATER_ROLE");

    /// @notice The primary is preferred while at most this old (design: "Oracle fallback: staleness > 90 s").
    uint256 public constant FALLBACK_AFTER = 90;

    /// @notice Origin of an accepted update, as reported in PriceUpdated.
    uint8 public constant ORIGIN_UPDATER = 1;
    uint8 public constant ORIGIN_DATA_STREAMS = 2;

    /// @notice Why an update was not accepted (PriceRejected.reason).
    uint8 public constant REJECT_BREAKER_TRIPPED = 1;
    uint8 public constant REJECT_COOLDOWN = 2;

    struct Feed {
        string name;
        uint8 decimals; // decimals of pushed prices
        uint32 heartbeat; // seconds; the longest any source may be used
        uint16 deviationBps; // Chainlink-style deviation threshold, informational for operators
        address fallbackFeed; // AggregatorV3; address(0) = none
        bool exists;
    }

    struct PrimaryPrice {
        uint256 priceWad;
        uint256 timestamp;
    }

    struct CircuitBreaker {
        uint16 maxDeviationBps;
        uint32 cooldown;
        bool enabled;
        uint256 trippedAt; // 0 = not tripped
    }

    struct Observation {
        uint64 timestamp;
        uint256 priceWad; // price that held from `timestamp` until the next observation
        uint256 cumulative; // sum of price * seconds up to `timestamp`
    }

    struct ReportStream {
        bytes32 streamId; // Data Streams feed id carried in the report
        uint8 decimals; // decimals of the report's price
        bool set;
    }

    /// @dev Data Streams report schema v3 (crypto streams).
    struct ReportV3 {
        bytes32 feedId;
        uint32 validFromTimestamp;
        uint32 observationsTimestamp;
        uint192 nativeFee;
        uint192 linkFee;
        uint32 expiresAt;
        int192 price;
        int192 bid;
        int192 ask;
    }

    // ------------------------------------------------------------------ storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.DataStreamOracle
    struct DataStreamOracleStorage {
        mapping(bytes32 => Feed) _feeds;
        mapping(bytes32 => PrimaryPrice) _primary;
        mapping(bytes32 => CircuitBreaker) _breakers;
        mapping(bytes32 => Observation[]) _observations;
        mapping(bytes32 => ReportStream) _streams;
        bytes32[] _feedIds;
        IStreamsVerifierProxy verifierProxy; // set by initialize (an immutable before the proxy)
    }

    /// @dev ERC-7201 location of "ccperp.storage.DataStreamOracle":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DATASTREAMORACLE_STORAGE_LOCATION =
        0x2490d75feb435bd0ecd72f52754dbb80a5929bc543c478866290a622d2fc2000;

    event FeedAdded(
        bytes32 indexed feedId,
        string name,
        uint8 decimals,
        uint32 heartbeat,
        uint16 deviationBps,
        address fallbackFeed
    );
    event FallbackFeedSet(bytes32 indexed feedId, address fallbackFeed);
    event ReportStreamSet(bytes32 indexed feedId, bytes32 streamId, uint8 decimals);
    event PriceUpdated(bytes32 indexed feedId, uint256 priceWad, uint256 timestamp, uint8 source);
    event CircuitBreakerConfigured(bytes32 indexed feedId, uint16 maxDeviationBps, uint32 cooldown, bool enabled);
    event CircuitBreakerTripped(bytes32 indexed feedId, uint256 lastPriceWad, uint256 attemptedPriceWad);
    event CircuitBreakerReset(bytes32 indexed feedId, uint256 newPriceWad);
    event PriceRejected(bytes32 indexed feedId, uint256 attemptedPriceWad, uint256 timestamp, uint8 reason);

    error UnknownFeed(bytes32 feedId);
    error FeedExists(bytes32 feedId);
    error StalePrice(bytes32 feedId);
    error InvalidPrice(bytes32 feedId);
    error CircuitBreakerActive(bytes32 feedId, uint256 until);
    error InvalidConfig();
    error InsufficientHistory(bytes32 feedId, uint256 window);
    error ReportFeedMismatch(bytes32 expected, bytes32 actual);
    error OutdatedReport(bytes32 feedId, uint256 observationsTimestamp, uint256 lastTimestamp);
    error HeartbeatOutsideBand(uint32 heartbeat);
    error BreakerOutsideBand(uint16 maxDeviationBps, uint32 cooldown);

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address admin, address verifierProxy_) external initializer {
        __PlatformAccess_init(admin);
        _requireNonZero(verifierProxy_);
        _s().verifierProxy = IStreamsVerifierProxy(verifierProxy_);
    }

    function _s() private pure returns (DataStreamOracleStorage storage $) {
        assembly {
            $.slot := DATASTREAMORACLE_STORAGE_LOCATION
        }
    }

    // ------------------------------------------------------------------ configuration

    /// @custom:pause-exempt admin configuration; fixing a feed while paused is why one pauses
    function addFeed(
        string calldata name,
        bytes32 feedId,
        uint8 decimals,
        uint32 heartbeat,
        uint16 deviationBps,
        address fallbackFeed
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        DataStreamOracleStorage storage $ = _s();
        if ($._feeds[feedId].exists) revert FeedExists(feedId);
        if (feedId == bytes32(0) || decimals > 36 || deviationBps > PerpMath.BPS) revert InvalidConfig();
        if (!RiskBands.heartbeatInBand(heartbeat, FALLBACK_AFTER)) revert HeartbeatOutsideBand(heartbeat);
        $._feeds[feedId] = Feed(name, decimals, heartbeat, deviationBps, fallbackFeed, true);
        $._feedIds.push(feedId);
        emit FeedAdded(feedId, name, decimals, heartbeat, deviationBps, fallbackFeed);
    }

    /// @notice Replaces (or removes, with address(0)) the AggregatorV3 fallback of a feed.
    /// @custom:pause-exempt admin configuration; fixing a feed while paused is why one pauses
    function setFallbackFeed(bytes32 feedId, address fallbackFeed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _feed(feedId).fallbackFeed = fallbackFeed;
        emit FallbackFeedSet(feedId, fallbackFeed);
    }

    /// @notice Which Data Streams stream (report feed id) updates `feedId`, and the decimals of its price.
    /// @custom:pause-exempt admin configuration; fixing a feed while paused is why one pauses
    function setReportStream(bytes32 feedId, bytes32 streamId, uint8 decimals) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _feed(feedId);
        if (streamId == bytes32(0) || decimals > 36) revert InvalidConfig();
        _s()._streams[feedId] = ReportStream(streamId, decimals, true);
        emit ReportStreamSet(feedId, streamId, decimals);
    }

    /// @custom:pause-exempt admin configuration; fixing a feed while paused is why one pauses
    function setCircuitBreaker(bytes32 feedId, uint16 maxDeviationBps, uint32 cooldown, bool enabled)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _feed(feedId);
        if (enabled && !RiskBands.breakerInBand(maxDeviationBps, cooldown)) {
            revert BreakerOutsideBand(maxDeviationBps, cooldown);
        }
        CircuitBreaker storage b = _s()._breakers[feedId];
        b.maxDeviationBps = maxDeviationBps;
        b.cooldown = cooldown;
        b.enabled = enabled;
        if (!enabled) b.trippedAt = 0;
        emit CircuitBreakerConfigured(feedId, maxDeviationBps, cooldown, enabled);
    }

    // ------------------------------------------------------------------ updates

    /// @notice Pushes a price in the feed's own decimals, observed now.
    /// @return accepted false when the circuit breaker rejected it (the trip is recorded, nothing reverts).
    function updatePrice(bytes32 feedId, uint256 price)
        external
        onlyRole(UPDATER_ROLE)
        whenNotPaused
        returns (bool accepted)
    {
        Feed storage f = _feed(feedId);
        if (price == 0) revert InvalidPrice(feedId);
        return _record(feedId, PerpMath.toWad(price, f.decimals), block.timestamp, ORIGIN_UPDATER);
    }

    /// @notice Verifies a signed Data Streams v3 report through the verifier proxy (paying its LINK fee
    ///         when the chain bills on-chain) and records its price at the report's observation time.
    function updatePriceFromReport(bytes32 feedId, bytes calldata signedReport)
        external
        onlyRole(UPDATER_ROLE)
        whenNotPaused
        returns (bool accepted)
    {
        DataStreamOracleStorage storage $ = _s();
        Feed storage f = _feed(feedId);
        ReportStream memory stream = $._streams[feedId];
        bytes32 expectedStream = stream.set ? stream.streamId : feedId;
        uint8 reportDecimals = stream.set ? stream.decimals : 18;

        bytes memory verified = $.verifierProxy.verify(signedReport, _payVerification(signedReport));
        ReportV3 memory r = abi.decode(verified, (ReportV3));

        if (r.feedId != expectedStream) revert ReportFeedMismatch(expectedStream, r.feedId);
        if (r.price <= 0) revert InvalidPrice(feedId);
        uint256 observedAt = r.observationsTimestamp;
        if (observedAt > block.timestamp || block.timestamp - observedAt > f.heartbeat || r.expiresAt < block.timestamp)
        {
            revert StalePrice(feedId);
        }
        uint256 lastTs = $._primary[feedId].timestamp;
        if (observedAt <= lastTs) revert OutdatedReport(feedId, observedAt, lastTs);
        // forge-lint: disable-next-line(unsafe-typecast)
        return _record(feedId, PerpMath.toWad(uint256(int256(r.price)), reportDecimals), observedAt, ORIGIN_DATA_STREAMS);
    }

    /// @dev Parameter payload for the verifier proxy: empty under off-chain billing; else the LINK fee is
    ///      approved to the reward manager and LINK is named as the fee token.
    function _payVerification(bytes calldata signedReport) internal returns (bytes memory parameterPayload) {
        address feeManagerAddr = _s().verifierProxy.s_feeManager();
        if (feeManagerAddr == address(0)) return "";
        IStreamsFeeManager feeManager = IStreamsFeeManager(feeManagerAddr);
        (, bytes memory reportData) = abi.decode(signedReport, (bytes32[3], bytes));
        address link = feeManager.i_linkAddress();
        (Common.Asset memory fee,,) = feeManager.getFeeAndReward(address(this), reportData, link);
        IERC20(fee.assetAddress).forceApprove(feeManager.i_rewardManager(), fee.amount);
        return abi.encode(link);
    }

    /// @dev Circuit breaker, then the accumulator. A rejected update changes only the breaker state.
    function _record(bytes32 feedId, uint256 priceWad, uint256 timestamp, uint8 origin) internal returns (bool) {
        DataStreamOracleStorage storage $ = _s();
        PrimaryPrice storage p = $._primary[feedId];
        CircuitBreaker storage b = $._breakers[feedId];
        if (b.enabled && p.priceWad != 0) {
            if (b.trippedAt != 0) {
                if (block.timestamp < b.trippedAt + b.cooldown) {
                    emit PriceRejected(feedId, priceWad, timestamp, REJECT_COOLDOWN);
                    return false;
                }
                b.trippedAt = 0; // first update after the cooldown becomes the new reference
                emit CircuitBreakerReset(feedId, priceWad);
            } else if (PerpMath.breachesCircuitBreaker(p.priceWad, priceWad, b.maxDeviationBps)) {
                b.trippedAt = block.timestamp;
                emit CircuitBreakerTripped(feedId, p.priceWad, priceWad);
                emit PriceRejected(feedId, priceWad, timestamp, REJECT_BREAKER_TRIPPED);
                return false;
            }
        }
        _observe(feedId, priceWad, timestamp);
        p.priceWad = priceWad;
        p.timestamp = timestamp;
        emit PriceUpdated(feedId, priceWad, timestamp, origin);
        return true;
    }

    function _observe(bytes32 feedId, uint256 priceWad, uint256 timestamp) internal {
        Observation[] storage obs = _s()._observations[feedId];
        uint256 n = obs.length;
        if (n == 0) {
            obs.push(Observation(uint64(timestamp), priceWad, 0));
            return;
        }
        Observation storage last = obs[n - 1];
        if (timestamp == last.timestamp) {
            last.priceWad = priceWad; // same second: the newer price holds from here on
            return;
        }
        uint256 cumulative = PerpMath.accumulate(last.cumulative, last.priceWad, timestamp - last.timestamp);
        obs.push(Observation(uint64(timestamp), priceWad, cumulative));
    }

    // ------------------------------------------------------------------ reads

    /// @inheritdoc IDataStreamOracle
    function getPrice(bytes32 feedId) external view returns (uint256 priceWad) {
        (priceWad,,) = _read(feedId);
    }

    /// @notice Price, its timestamp and its source (PerpMath.SOURCE_PRIMARY = 1, SOURCE_FALLBACK = 2);
    ///         reverts like getPrice.
    function latestPrice(bytes32 feedId) external view returns (uint256 priceWad, uint256 updatedAt, uint8 source) {
        return _read(feedId);
    }

    /// @inheritdoc IDataStreamOracle
    /// @dev Average of accepted primary prices over [now - window, now]; reverts StalePrice when the last
    ///      accepted price is older than the heartbeat and InsufficientHistory when the first observation is
    ///      younger than the window.
    function getTwap(bytes32 feedId, uint256 window) external view returns (uint256 priceWad) {
        Feed storage f = _feed(feedId);
        Observation[] storage obs = _s()._observations[feedId];
        uint256 n = obs.length;
        if (window == 0 || n == 0 || window > block.timestamp || obs[0].timestamp > block.timestamp - window) {
            revert InsufficientHistory(feedId, window);
        }
        Observation memory last = obs[n - 1];
        if (last.timestamp > block.timestamp || block.timestamp - last.timestamp > f.heartbeat) revert StalePrice(feedId);
        uint256 start = block.timestamp - window;
        Observation memory s = obs[_latestAtOrBefore(obs, start)];
        uint256 cumStart = PerpMath.accumulate(s.cumulative, s.priceWad, start - s.timestamp);
        uint256 cumNow = PerpMath.accumulate(last.cumulative, last.priceWad, block.timestamp - last.timestamp);
        return PerpMath.twap(cumStart, cumNow, start, block.timestamp);
    }

    function _read(bytes32 feedId) internal view returns (uint256 priceWad, uint256 updatedAt, uint8 source) {
        DataStreamOracleStorage storage $ = _s();
        Feed storage f = _feed(feedId);
        CircuitBreaker storage b = $._breakers[feedId];
        if (b.enabled && b.trippedAt != 0 && block.timestamp < b.trippedAt + b.cooldown) {
            revert CircuitBreakerActive(feedId, b.trippedAt + b.cooldown);
        }
        PrimaryPrice memory p = $._primary[feedId];

        bool hasFallback;
        int256 answer;
        uint256 fallbackTs;
        uint8 fallbackDecimals;
        if (f.fallbackFeed != address(0)) {
            (hasFallback, answer, fallbackTs, fallbackDecimals) = _readFallback(f.fallbackFeed);
        }
        source = PerpMath.selectSource(
            block.timestamp,
            p.timestamp,
            p.priceWad > 0,
            hasFallback,
            fallbackTs,
            answer,
            f.heartbeat,
            FALLBACK_AFTER
        );
        if (source == PerpMath.SOURCE_PRIMARY) return (p.priceWad, p.timestamp, source);
        if (source == PerpMath.SOURCE_FALLBACK) {
            return (PerpMath.toWad(uint256(answer), fallbackDecimals), fallbackTs, source);
        }
        if (hasFallback && answer <= 0) revert InvalidPrice(feedId);
        revert StalePrice(feedId);
    }

    /// @dev A fallback feed that reverts counts as absent: the primary may still be usable.
    function _readFallback(address feed)
        internal
        view
        returns (bool ok, int256 answer, uint256 updatedAt, uint8 decimals)
    {
        try AggregatorV3Interface(feed).latestRoundData() returns (uint80, int256 a, uint256, uint256 u, uint80) {
            try AggregatorV3Interface(feed).decimals() returns (uint8 d) {
                return (true, a, u, d);
            } catch {
                return (false, 0, 0, 0);
            }
        } catch {
            return (false, 0, 0, 0);
        }
    }

    function _latestAtOrBefore(Observation[] storage obs, uint256 t) internal view returns (uint256 idx) {
        uint256 lo = 0;
        uint256 hi = obs.length - 1;
        while (lo < hi) {
            uint256 mid = (lo + hi + 1) / 2;
            if (obs[mid].timestamp <= t) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    function _feed(bytes32 feedId) internal view returns (Feed storage f) {
        f = _s()._feeds[feedId];
        if (!f.exists) revert UnknownFeed(feedId);
    }

    // ------------------------------------------------------------------ views

    function verifierProxy() external view returns (IStreamsVerifierProxy) {
        return _s().verifierProxy;
    }

    function feedIdOf(string calldata name) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(name));
    }

    function getFeed(bytes32 feedId) external view returns (Feed memory) {
        return _feed(feedId);
    }

    function feedIds() external view returns (bytes32[] memory) {
        return _s()._feedIds;
    }

    function circuitBreaker(bytes32 feedId) external view returns (CircuitBreaker memory) {
        return _s()._breakers[feedId];
    }

    function primaryPrice(bytes32 feedId) external view returns (uint256 priceWad, uint256 timestamp) {
        PrimaryPrice memory p = _s()._primary[feedId];
        return (p.priceWad, p.timestamp);
    }

    function reportStream(bytes32 feedId) external view returns (ReportStream memory) {
        return _s()._streams[feedId];
    }

    function observationCount(bytes32 feedId) external view returns (uint256) {
        return _s()._observations[feedId].length;
    }
}
