// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ02Harness} from "./harness/SEQ02.sol";

/// @notice SEQ-02 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
///         check_ calls the act_ without try/catch: halmos counts the paths where it succeeded (a run
///         where every path reverted is VACUOUS). test_deploy (DEPLOY-01) and test_live_<name> (LIVE-01,
///         one known-valid call per act_) are plain Foundry tests.
contract SEQ02Symbolic is Test {
    SEQ02Harness internal h;

    function setUp() public {
        h = new SEQ02Harness();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = SEQ02Harness.act_liquidate.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    function check_liquidate(uint256 priceChoice) public {
        h.act_liquidate(priceChoice);
        assert(h.property());
    }

    function testFuzz_liquidate(uint256 priceChoice) public {
        try h.act_liquidate(priceChoice) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }

    function test_deploy() public view {
        assertTrue(h.property(), "property false right after deployment");
        assertEq(h.violations(), 0);
    }

    /// @dev BTC at 30,000: the long is under water
    function test_live_liquidate() public {
        h.act_liquidate(5);
    }
}
