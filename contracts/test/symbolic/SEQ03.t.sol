// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ03Harness} from "./harness/SEQ03.sol";

/// @notice SEQ-03 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
///         check_ calls the act_ without try/catch: halmos counts the paths where it succeeded (a run
///         where every path reverted is VACUOUS). test_deploy (DEPLOY-01) and test_live_<name> (LIVE-01,
///         one known-valid call per act_) are plain Foundry tests.
contract SEQ03Symbolic is Test {
    SEQ03Harness internal h;

    function setUp() public {
        h = new SEQ03Harness();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = SEQ03Harness.act_deliverTwice.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    function check_deliverTwice(uint256 remoteId, int256 sizeDelta, int256 replayedSizeDelta) public {
        h.act_deliverTwice(remoteId, sizeDelta, replayedSizeDelta);
        assert(h.property());
    }

    function testFuzz_deliverTwice(uint256 remoteId, int256 sizeDelta, int256 replayedSizeDelta) public {
        try h.act_deliverTwice(remoteId, sizeDelta, replayedSizeDelta) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }

    function test_deploy() public view {
        assertTrue(h.property(), "property false right after deployment");
        assertEq(h.violations(), 0);
    }

    /// @dev a first delivery from the allowlisted sender
    function test_live_deliverTwice() public {
        h.act_deliverTwice(1, 1, 1);
    }
}
