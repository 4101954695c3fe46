// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ04Harness} from "./harness/SEQ04.sol";

/// @notice SEQ-04 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
///         check_ calls the act_ without try/catch: halmos counts the paths where it succeeded (a run
///         where every path reverted is VACUOUS). test_deploy (DEPLOY-01) and test_live_<name> (LIVE-01,
///         one known-valid call per act_) are plain Foundry tests.
contract SEQ04Symbolic is Test {
    SEQ04Harness internal h;

    function setUp() public {
        h = new SEQ04Harness();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](3);
        selectors[0] = SEQ04Harness.act_open.selector;
        selectors[1] = SEQ04Harness.act_fundInsurance.selector;
        selectors[2] = SEQ04Harness.act_close.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    function check_open(uint256 choice) public {
        h.act_open(choice);
        assert(h.property());
    }

    function testFuzz_open(uint256 choice) public {
        try h.act_open(choice) {} catch {}
        assertTrue(h.property());
    }

    function check_fundInsurance(uint256 amount) public {
        h.act_fundInsurance(amount);
        assert(h.property());
    }

    function testFuzz_fundInsurance(uint256 amount) public {
        try h.act_fundInsurance(amount) {} catch {}
        assertTrue(h.property());
    }

    function check_close(uint256 positionId) public {
        h.act_close(positionId);
        assert(h.property());
    }

    function testFuzz_close(uint256 positionId) public {
        try h.act_close(positionId) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }

    function test_deploy() public view {
        assertTrue(h.property(), "property false right after deployment");
        assertEq(h.violations(), 0);
    }

    /// @dev refused by the pause
    function test_live_open() public {
        h.act_open(0);
    }

    /// @dev refused by the pause
    function test_live_fundInsurance() public {
        h.act_fundInsurance(1);
    }

    /// @dev refused by the pause
    function test_live_close() public {
        h.act_close(1);
    }
}
