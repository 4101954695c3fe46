// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ04Harness} from "./harness/SEQ04.sol";

/// @notice SEQ-04 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
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
        try h.act_open(choice) {} catch {}
        assert(h.property());
    }

    function testFuzz_open(uint256 choice) public {
        try h.act_open(choice) {} catch {}
        assertTrue(h.property());
    }

    function check_fundInsurance(uint256 amount) public {
        try h.act_fundInsurance(amount) {} catch {}
        assert(h.property());
    }

    function testFuzz_fundInsurance(uint256 amount) public {
        try h.act_fundInsurance(amount) {} catch {}
        assertTrue(h.property());
    }

    function check_close(uint256 positionId) public {
        try h.act_close(positionId) {} catch {}
        assert(h.property());
    }

    function testFuzz_close(uint256 positionId) public {
        try h.act_close(positionId) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }
}
