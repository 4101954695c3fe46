// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ06Harness} from "./harness/SEQ06.sol";

/// @notice SEQ-06 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
///         check_ calls the act_ without try/catch: halmos counts the paths where it succeeded (a run
///         where every path reverted is VACUOUS). test_deploy (DEPLOY-01) and test_live_<name> (LIVE-01,
///         one known-valid call per act_) are plain Foundry tests.
contract SEQ06Symbolic is Test {
    SEQ06Harness internal h;

    function setUp() public {
        h = new SEQ06Harness();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](4);
        selectors[0] = SEQ06Harness.act_addMarket.selector;
        selectors[1] = SEQ06Harness.act_addFeed.selector;
        selectors[2] = SEQ06Harness.act_setCircuitBreaker.selector;
        selectors[3] = SEQ06Harness.act_setLiquidationInterval.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    function check_addMarket(uint256 maxLeverage, uint256 maintenanceMarginBps) public {
        h.act_addMarket(maxLeverage, maintenanceMarginBps);
        assert(h.property());
    }

    function check_addFeed(uint32 heartbeat) public {
        h.act_addFeed(heartbeat);
        assert(h.property());
    }

    function check_setCircuitBreaker(uint16 maxDeviationBps, uint32 cooldown, bool enabled) public {
        h.act_setCircuitBreaker(maxDeviationBps, cooldown, enabled);
        assert(h.property());
    }

    function check_setLiquidationInterval(uint256 interval) public {
        h.act_setLiquidationInterval(interval);
        assert(h.property());
    }

    function testFuzz_addMarket(uint256 maxLeverage, uint256 maintenanceMarginBps) public {
        try h.act_addMarket(maxLeverage, maintenanceMarginBps) {} catch {}
        assertTrue(h.property());
    }

    function testFuzz_addFeed(uint32 heartbeat) public {
        try h.act_addFeed(heartbeat) {} catch {}
        assertTrue(h.property());
    }

    function testFuzz_setCircuitBreaker(uint16 maxDeviationBps, uint32 cooldown, bool enabled) public {
        try h.act_setCircuitBreaker(maxDeviationBps, cooldown, enabled) {} catch {}
        assertTrue(h.property());
    }

    function testFuzz_setLiquidationInterval(uint256 interval) public {
        try h.act_setLiquidationInterval(interval) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }

    function test_deploy() public view {
        assertTrue(h.property(), "property false right after deployment");
        assertEq(h.violations(), 0);
    }

    /// @dev the design's own values: ETH/USD 100x at 0.85 %, a 300 s heartbeat, a 10 % / 300 s breaker, 30 s
    function test_live_addMarket() public {
        h.act_addMarket(100, 85);
    }

    function test_live_addFeed() public {
        h.act_addFeed(300);
    }

    function test_live_setCircuitBreaker() public {
        h.act_setCircuitBreaker(1000, 300, true);
    }

    function test_live_setLiquidationInterval() public {
        h.act_setLiquidationInterval(30);
    }
}
