// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

/// @dev The cheatcodes this dump uses (no forge-std: the Manticore profile compiles only this folder).
interface DumpVm {
    function getCode(string calldata artifact) external view returns (bytes memory);
    function envString(string calldata name) external view returns (string memory);
    function envUint(string calldata name) external view returns (uint256);
    function envExists(string calldata name) external view returns (bool);
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function dumpState(string calldata path) external;
    function writeFile(string calldata path, string calldata data) external;
    function toString(address value) external pure returns (string memory);
}

/// @notice Runs a harness's concrete set-up on Foundry's EVM and dumps the resulting world (code, storage,
///         balances) for Manticore: deploying big contracts inside Manticore is far too slow, so Manticore
///         starts from this state and only the act_ transaction is symbolic.
contract SymbolicStateDump {
    DumpVm internal constant VM = DumpVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function test_dump() public {
        // Only the Manticore engine sets these; in a plain `forge test` run there is nothing to dump.
        if (!VM.envExists("SYMBOLIC_HARNESS")) return;
        VM.warp(VM.envUint("SYMBOLIC_TIMESTAMP"));
        VM.roll(VM.envUint("SYMBOLIC_BLOCK"));
        bytes memory code = VM.getCode(VM.envString("SYMBOLIC_HARNESS"));
        address harness;
        assembly {
            harness := create(0, add(code, 0x20), mload(code))
        }
        require(harness != address(0), "harness constructor reverted");
        VM.writeFile(VM.envString("SYMBOLIC_ADDRESS_OUT"), VM.toString(harness));
        VM.dumpState(VM.envString("SYMBOLIC_STATE_OUT"));
    }
}
