// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {SEQ03Harness} from "./harness/SEQ03.sol";

/// @notice SEQ-03 for halmos (check_), Foundry fuzz (testFuzz_) and invariant (invariant_) runs: each
///         check_/testFuzz_<name> passes its arguments verbatim to the harness's act_<name> (replayable).
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
        try h.act_deliverTwice(remoteId, sizeDelta, replayedSizeDelta) {} catch {}
        assert(h.property());
    }

    function testFuzz_deliverTwice(uint256 remoteId, int256 sizeDelta, int256 replayedSizeDelta) public {
        try h.act_deliverTwice(remoteId, sizeDelta, replayedSizeDelta) {} catch {}
        assertTrue(h.property());
    }

    function invariant_property() public view {
        assertTrue(h.property());
    }
}
