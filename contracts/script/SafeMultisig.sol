// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";
import {Enum} from "@safe-global/safe-contracts/contracts/common/Enum.sol";
import {SafeProxyFactory} from "@safe-global/safe-contracts/contracts/proxies/SafeProxyFactory.sol";
import {CompatibilityFallbackHandler} from
    "@safe-global/safe-contracts/contracts/handler/CompatibilityFallbackHandler.sol";

/// @title SafeMultisig
/// @notice Safe's own contracts (npm safe-global/safe-contracts 1.4.1): the singleton, proxy factory and fallback
///         handler deployed once per chain, one Safe proxy per stack, and Safe transactions signed by owners' keys
///         (vm.sign: local runs and tests, where the owners' keys are anvil's) and executed by anyone.
library SafeMultisig {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct Factory {
        Safe singleton;
        SafeProxyFactory proxyFactory;
        CompatibilityFallbackHandler fallbackHandler;
    }

    function deployFactory() internal returns (Factory memory f) {
        f.singleton = new Safe();
        f.proxyFactory = new SafeProxyFactory();
        f.fallbackHandler = new CompatibilityFallbackHandler();
    }

    /// @notice A Safe with `owners` and `threshold` (the proxy factory's createProxyWithNonce, Safe.setup).
    function deploySafe(Factory memory f, address[] memory owners, uint256 threshold, uint256 salt)
        internal
        returns (Safe)
    {
        bytes memory setup = abi.encodeCall(
            Safe.setup, (owners, threshold, address(0), "", address(f.fallbackHandler), address(0), 0, payable(0))
        );
        return Safe(payable(address(f.proxyFactory.createProxyWithNonce(address(f.singleton), setup, salt))));
    }

    /// @notice Executes `data` on `to` from `safe`, signed by the owners whose keys are given (at least the
    ///         threshold); the call reverts if the inner call does (safeTxGas 0, gasPrice 0).
    function exec(Safe safe, address to, bytes memory data, uint256[] memory ownerKeys) internal {
        (bool ok, bytes memory reason) = address(safe).call(execCalldata(safe, to, data, ownerKeys));
        if (!ok) {
            assembly {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /// @notice The execTransaction call that `exec` sends (tests send it themselves to observe a refusal).
    function execCalldata(Safe safe, address to, bytes memory data, uint256[] memory ownerKeys)
        internal
        view
        returns (bytes memory)
    {
        return _encodeExec(to, data, sign(_txHash(safe, to, data), ownerKeys));
    }

    function _txHash(Safe safe, address to, bytes memory data) private view returns (bytes32) {
        return safe.getTransactionHash(
            to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), address(0), safe.nonce()
        );
    }

    function _encodeExec(address to, bytes memory data, bytes memory signatures) private pure returns (bytes memory) {
        return abi.encodeWithSelector(
            Safe.execTransaction.selector, to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), address(0), signatures
        );
    }

    /// @notice Owners' ECDSA signatures of `txHash`, ordered by owner address as Safe requires ({r}{s}{v} each).
    function sign(bytes32 txHash, uint256[] memory ownerKeys) internal pure returns (bytes memory signatures) {
        uint256[] memory keys = _byAddress(ownerKeys);
        for (uint256 i; i < keys.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], txHash);
            signatures = abi.encodePacked(signatures, r, s, v);
        }
    }

    function _byAddress(uint256[] memory keys) private pure returns (uint256[] memory sorted) {
        sorted = new uint256[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            sorted[i] = keys[i];
        }
        for (uint256 i = 1; i < sorted.length; ++i) {
            uint256 key = sorted[i];
            uint256 j = i;
            while (j > 0 && vm.addr(sorted[j - 1]) > vm.addr(key)) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = key;
        }
    }
}
