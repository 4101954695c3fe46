// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {CrossChainLendingPool} from "../src/CrossChainLendingPool.sol";
import {CrossChainReceiver} from "../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../src/CrossChainVault.sol";
import {DataStreamOracle} from "../src/DataStreamOracle.sol";
import {LaunchControl} from "../src/LaunchControl.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {PerpetualTrading} from "../src/PerpetualTrading.sol";
import {PositionManager} from "../src/PositionManager.sol";

/// @title PlatformDeployer
/// @notice The one way the platform's modules are deployed (deploy script, tests, fixtures, symbolic harnesses):
///         a fresh UUPS implementation behind an ERC-1967 proxy, initialised in the proxy's constructor (so nobody
///         can initialise it in between), returned as the module's type. Each deployX takes what X's constructor
///         took before the proxies, in the same order. The CrossChainReceiver's router stays an argument of its
///         implementation's constructor (CCIPReceiver keeps it immutable); proxyCrossChainReceiver puts a proxy in
///         front of an implementation built beforehand.
library PlatformDeployer {
    function deployDataStreamOracle(address admin, address verifierProxy) internal returns (DataStreamOracle) {
        address impl = address(new DataStreamOracle());
        return DataStreamOracle(_proxy(impl, abi.encodeCall(DataStreamOracle.initialize, (admin, verifierProxy))));
    }

    function deployPositionManager(address oracle, address admin) internal returns (PositionManager) {
        address impl = address(new PositionManager());
        return PositionManager(_proxy(impl, abi.encodeCall(PositionManager.initialize, (oracle, admin))));
    }

    function deployCrossChainVault(address router, address link, address admin) internal returns (CrossChainVault) {
        address impl = address(new CrossChainVault());
        return CrossChainVault(_proxy(impl, abi.encodeCall(CrossChainVault.initialize, (router, link, admin))));
    }

    function deployCrossChainLendingPool(address router, address admin) internal returns (CrossChainLendingPool) {
        address impl = address(new CrossChainLendingPool());
        return CrossChainLendingPool(_proxy(impl, abi.encodeCall(CrossChainLendingPool.initialize, (router, admin))));
    }

    function deployLiquidationEngine(address positionManager, address oracle, address vault, address admin)
        internal
        returns (LiquidationEngine)
    {
        address impl = address(new LiquidationEngine());
        return LiquidationEngine(
            _proxy(impl, abi.encodeCall(LiquidationEngine.initialize, (positionManager, oracle, vault, admin)))
        );
    }

    function deployPerpetualTrading(address pool, address oracle, address engine, address admin)
        internal
        returns (PerpetualTrading)
    {
        address impl = address(new PerpetualTrading());
        bytes memory init = abi.encodeCall(PerpetualTrading.initialize, (pool, oracle, engine, admin));
        return PerpetualTrading(_proxy(impl, init));
    }

    function deployCrossChainReceiver(
        address router,
        address vault,
        address positionManager,
        address liquidationEngine,
        address admin
    ) internal returns (CrossChainReceiver) {
        CrossChainReceiver impl = new CrossChainReceiver(router);
        return proxyCrossChainReceiver(impl, vault, positionManager, liquidationEngine, admin);
    }

    /// @dev The receiver's router is `impl`'s (an immutable of the implementation).
    function proxyCrossChainReceiver(
        CrossChainReceiver impl,
        address vault,
        address positionManager,
        address liquidationEngine,
        address admin
    ) internal returns (CrossChainReceiver) {
        bytes memory init =
            abi.encodeCall(CrossChainReceiver.initialize, (vault, positionManager, liquidationEngine, admin));
        return CrossChainReceiver(_proxy(address(impl), init));
    }

    /// @dev New in v3: the stack's launch sequence, starting in Phase 1 on `launchMarketId`.
    function deployLaunchControl(address admin, uint256 launchMarketId) internal returns (LaunchControl) {
        address impl = address(new LaunchControl());
        return LaunchControl(_proxy(impl, abi.encodeCall(LaunchControl.initialize, (admin, launchMarketId))));
    }

    function _proxy(address impl, bytes memory init) private returns (address) {
        return address(new ERC1967Proxy(impl, init));
    }
}
