// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ01Harness} from "./harness/SEQ01.sol";

/// @notice SEQ-01 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
///         check_ calls the act_ without try/catch: halmos counts the paths where it succeeded (a run
///         where every path reverted is VACUOUS). test_deploy (DEPLOY-01) and test_live_<name> (LIVE-01,
///         one known-valid call per act_) are plain Foundry tests.
contract SEQ01Symbolic is Test {
    SEQ01Harness internal h;

    function setUp() public {
        h = new SEQ01Harness();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](3);
        selectors[0] = SEQ01Harness.act_withdraw.selector;
        selectors[1] = SEQ01Harness.act_supply.selector;
        selectors[2] = SEQ01Harness.act_borrow.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    function check_withdraw(uint256 choice) public {
        h.act_withdraw(choice);
        assert(h.property());
    }

    function testFuzz_withdraw(uint256 choice) public {
        try h.act_withdraw(choice) {} catch {}
        assertTrue(h.property());
    }

    function check_supply(uint256 choice) public {
        h.act_supply(choice);
        assert(h.property());
    }

    function testFuzz_supply(uint256 choice) public {
        try h.act_supply(choice) {} catch {}
        assertTrue(h.property());
    }

    function check_borrow(uint256 amount) public {
        h.act_borrow(amount);
        assert(h.property());
    }

    function testFuzz_borrow(uint256 amount) public {
        try h.act_borrow(amount) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }

    function test_deploy() public view {
        assertTrue(h.property(), "property false right after deployment");
        assertEq(h.violations(), 0);
    }

    /// @dev 1 share, within cash
    function test_live_withdraw() public {
        h.act_withdraw(0);
    }

    /// @dev 1,000 USDC
    function test_live_supply() public {
        h.act_supply(1);
    }

    /// @dev 1,000 USDC, within cash
    function test_live_borrow() public {
        h.act_borrow(1_000e6);
    }
}
