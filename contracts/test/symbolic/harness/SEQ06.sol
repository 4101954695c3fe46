// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {DataStreamOracle} from "src/DataStreamOracle.sol";
import {LiquidationEngine} from "src/LiquidationEngine.sol";
import {PerpetualTrading} from "src/PerpetualTrading.sol";
import {PlatformBase} from "./PlatformBase.sol";
import {PlatformDeployer} from "script/PlatformDeployer.sol";

/// @notice SEQ-06 the design's parameter bands on the bytecode: from the deployment's configuration (in band), any
///         call of any banded setter with any arguments leaves every stored market, feed, breaker and the
///         liquidation interval inside the bands (docs/platform.md §5): leverage cap 10-100x, maxLeverage x
///         maintenance margin 8,000-9,000 bps, an enabled breaker at 100-1,500 bps with a 60-3,600 s cooldown,
///         a heartbeat in 91-3,600 s, an interval of at most 300 s. The bands are written out here again, not read
///         from the contracts' library.
contract SEQ06Harness is PlatformBase {
    DataStreamOracle public dso;
    LiquidationEngine public engine;
    uint256 internal feeds;

    constructor() {
        _deployPlatform();
        dso = PlatformDeployer.deployDataStreamOracle(address(this), address(0xBEEF));
        dso.addFeed("BTC/USD", BTC, 8, 300, 500, address(0));
        dso.setCircuitBreaker(BTC, 1000, 300, true);
        feeds = 1;
        engine = PlatformDeployer.deployLiquidationEngine(address(pm), address(dso), address(vault), address(this));
        engine.setLiquidationInterval(30);
    }

    function act_addMarket(uint256 maxLeverage, uint256 maintenanceMarginBps) external {
        trading.addMarket(_name(trading.marketCount()), BTC, maxLeverage, maintenanceMarginBps);
        _record();
    }

    function act_addFeed(uint32 heartbeat) external {
        dso.addFeed("F", keccak256(abi.encode("feed", feeds)), 8, heartbeat, 500, address(0));
        feeds += 1;
        _record();
    }

    function act_setCircuitBreaker(uint16 maxDeviationBps, uint32 cooldown, bool enabled) external {
        dso.setCircuitBreaker(BTC, maxDeviationBps, cooldown, enabled);
        _record();
    }

    function act_setLiquidationInterval(uint256 interval) external {
        engine.setLiquidationInterval(interval);
        _record();
    }

    function property() public view override returns (bool) {
        for (uint256 id = 1; id <= trading.marketCount(); ++id) {
            PerpetualTrading.Market memory m = trading.getMarket(id);
            if (m.maxLeverage < 10 || m.maxLeverage > 100) return false;
            if (m.maintenanceMarginBps > 900) return false; // keeps the product below from overflowing
            uint256 threshold = m.maxLeverage * m.maintenanceMarginBps;
            if (threshold < 8_000 || threshold > 9_000) return false;
        }
        bytes32[] memory ids = dso.feedIds();
        for (uint256 i; i < ids.length; ++i) {
            uint256 heartbeat = dso.getFeed(ids[i]).heartbeat;
            if (heartbeat <= 90 || heartbeat > 3_600) return false;
        }
        DataStreamOracle.CircuitBreaker memory b = dso.circuitBreaker(BTC);
        if (b.enabled && (b.maxDeviationBps < 100 || b.maxDeviationBps > 1_500 || b.cooldown < 60 || b.cooldown > 3_600))
        {
            return false;
        }
        return engine.liquidationInterval() <= 300;
    }

    /// @dev A distinct name per market ("M" and the count as one byte: the act_ runs at most 255 times per sequence).
    function _name(uint256 count) internal pure returns (string memory) {
        return string(abi.encodePacked("M", bytes1(uint8(count))));
    }
}
