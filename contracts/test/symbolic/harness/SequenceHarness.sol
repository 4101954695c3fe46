// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

/// @notice What every sequence harness shares (checkers/engines/sequence/harness.py): `violations` in storage slot 0
///         (the flag Manticore reads), `property()` the invariant, and `_record()`, the last statement of every
///         act_ function. An act_ function that returns has *succeeded*; the engines count those per act_
///         (Foundry's invariant metrics, halmos's non-reverting paths, Manticore's live end states) and call a
///         bounded verdict VACUOUS when an act_ never succeeded, so "holds" never means "every call reverted".
abstract contract SequenceHarness {
    uint256 public violations; // slot 0 (full slot): counts act_ calls that left property() false

    function property() public view virtual returns (bool);

    function _record() internal {
        if (!property()) violations += 1;
    }
}
