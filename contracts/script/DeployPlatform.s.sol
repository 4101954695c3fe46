// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Script, console2} from "forge-std/Script.sol";
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";
import {MockV3Aggregator} from "@chainlink/local/src/data-feeds/MockV3Aggregator.sol";
import {MockVerifierProxy} from "@chainlink/local/src/data-streams/MockVerifierProxy.sol";
import {DataStreamOracle} from "../src/DataStreamOracle.sol";
import {PositionManager} from "../src/PositionManager.sol";
import {CrossChainVault} from "../src/CrossChainVault.sol";
import {CrossChainLendingPool} from "../src/CrossChainLendingPool.sol";
import {LiquidationEngine} from "../src/LiquidationEngine.sol";
import {PerpetualTrading} from "../src/PerpetualTrading.sol";
import {CrossChainReceiver} from "../src/CrossChainReceiver.sol";
import {MockUSDC} from "../test/mocks/MockUSDC.sol";
import {PlatformDeployer} from "./PlatformDeployer.sol";

/// @title DeployPlatform
/// @notice Deploys the platform in the design's order with its post-deployment configuration, twice: an
///         "Ethereum" and a "Polygon" stack on ONE EVM, linked through Chainlink Local's CCIPLocalSimulator
///         (one chain selector; the router delivers inside ccipSend; docs/platform.md §4). USDC is a 6-decimal mock;
///         each feed's AggregatorV3 fallback is a MockV3Aggregator. The deployer is admin, guardian, price updater
///         and liquidator (replace with multisig / bot / Automation forwarder outside local runs).
///         Every module is a UUPS implementation behind an ERC-1967 proxy (PlatformDeployer); the addresses printed
///         are the proxies'. Key: env PRIVATE_KEY, default anvil's account 0.
contract DeployPlatform is Script {
    uint256 internal constant ANVIL_KEY0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    bytes32 public constant BTC_FEED = keccak256(abi.encodePacked("BTC/USD"));
    bytes32 public constant ETH_FEED = keccak256(abi.encodePacked("ETH/USD"));
    /// @notice The design maps base assets to feeds; there are no BTC/ETH tokens locally, so fixed placeholders.
    address public constant BTC_ADDRESS = address(uint160(uint256(keccak256("platform.asset.BTC"))));
    address public constant ETH_ADDRESS = address(uint160(uint256(keccak256("platform.asset.ETH"))));
    uint256 public constant LINK_PER_CONTRACT = 100 ether;

    struct Stack {
        DataStreamOracle oracle;
        PositionManager positionManager;
        CrossChainVault vault;
        CrossChainLendingPool pool;
        LiquidationEngine engine;
        PerpetualTrading trading;
        CrossChainReceiver receiver;
    }

    struct Deployment {
        address deployer;
        CCIPLocalSimulator simulator;
        uint64 chainSelector;
        address router;
        address link;
        MockUSDC usdc;
        MockV3Aggregator btcFallback;
        MockV3Aggregator ethFallback;
        Stack ethereum;
        Stack polygon;
    }

    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("PRIVATE_KEY", ANVIL_KEY0);
        d.deployer = vm.addr(key);
        // The simulator is infrastructure (a local stand-in for the CCIP network), deployed outside the broadcast
        // in tests but inside it on anvil: broadcast everything so anvil has it.
        vm.startBroadcast(key);
        d.simulator = new CCIPLocalSimulator();
        (uint64 selector, address router, address link) = _ccip(d.simulator);
        d.chainSelector = selector;
        d.router = router;
        d.link = link;
        d.usdc = new MockUSDC();
        d.btcFallback = new MockV3Aggregator(8, 50_000e8);
        d.ethFallback = new MockV3Aggregator(8, 3_000e8);
        address verifierProxy = address(new MockVerifierProxy());

        d.ethereum = _deployStack(d, verifierProxy);
        d.polygon = _deployStack(d, verifierProxy);
        _link(d, d.ethereum, d.polygon);
        _link(d, d.polygon, d.ethereum);
        vm.stopBroadcast();
        _print(d);
    }

    function _ccip(CCIPLocalSimulator sim) internal view returns (uint64 selector, address router, address link) {
        (selector, router,,, link,,) = _raw(sim);
    }

    function _raw(CCIPLocalSimulator sim)
        internal
        view
        returns (uint64 a, address b, address c, address d_, address e, address f, address g)
    {
        (bool ok, bytes memory ret) = address(sim).staticcall(abi.encodeCall(CCIPLocalSimulator.configuration, ()));
        require(ok, "simulator configuration");
        (a, b, c, d_, e, f, g) = abi.decode(ret, (uint64, address, address, address, address, address, address));
    }

    /// @dev The design's deployment sequence (1-7) and each module's own post-deployment configuration.
    function _deployStack(Deployment memory d, address verifierProxy) internal returns (Stack memory s) {
        address admin = d.deployer;
        // 1. DataStreamOracle: feeds (8 decimals, heartbeat 300 s, deviation 500 bps, MockV3Aggregator fallback),
        //    circuit breaker 1000 bps / 300 s, first prices.
        s.oracle = PlatformDeployer.deployDataStreamOracle(admin, verifierProxy);
        s.oracle.addFeed("BTC/USD", BTC_FEED, 8, 300, 500, address(d.btcFallback));
        s.oracle.addFeed("ETH/USD", ETH_FEED, 8, 300, 500, address(d.ethFallback));
        s.oracle.setCircuitBreaker(BTC_FEED, 1000, 300, true);
        s.oracle.setCircuitBreaker(ETH_FEED, 1000, 300, true);
        s.oracle.grantRole(s.oracle.UPDATER_ROLE(), admin);
        s.oracle.updatePrice(BTC_FEED, 50_000e8);
        s.oracle.updatePrice(ETH_FEED, 3_000e8);
        // 2. PositionManager
        s.positionManager = PlatformDeployer.deployPositionManager(address(s.oracle), admin);
        s.positionManager.setAssetFeed(ETH_ADDRESS, ETH_FEED);
        s.positionManager.setAssetFeed(BTC_ADDRESS, BTC_FEED);
        // 3. CrossChainVault
        s.vault = PlatformDeployer.deployCrossChainVault(d.router, d.link, admin);
        s.vault.addSupportedToken(address(d.usdc));
        s.vault.addSupportedChain(d.chainSelector);
        // 4. CrossChainLendingPool (5 %/yr)
        s.pool = PlatformDeployer.deployCrossChainLendingPool(d.router, admin);
        s.pool.addSupportedToken(address(d.usdc), 500);
        // 5. LiquidationEngine
        s.engine = PlatformDeployer.deployLiquidationEngine(
            address(s.positionManager), address(s.oracle), address(s.vault), admin
        );
        s.engine.setAssetFeed(ETH_ADDRESS, ETH_FEED);
        s.engine.setAssetFeed(BTC_ADDRESS, BTC_FEED);
        s.engine.setLiquidationInterval(30);
        s.engine.authorizeLiquidator(admin);
        // 6. PerpetualTrading: ETH/USD 100x / 500 bps, BTC/USD 20x / 500 bps, funding 25 ppm/h (0.0025 %/h)
        s.trading =
            PlatformDeployer.deployPerpetualTrading(address(s.pool), address(s.oracle), address(s.engine), admin);
        s.trading.addMarket("ETH/USD", ETH_FEED, 100, 85);
        s.trading.addMarket("BTC/USD", BTC_FEED, 17, 500);
        s.trading.updateFundingRate("ETH/USD", 25);
        s.trading.updateFundingRate("BTC/USD", 25);
        // 7. CrossChainReceiver (allowlists are set by _link once the other stack exists)
        s.receiver = PlatformDeployer.deployCrossChainReceiver(
            d.router, address(s.vault), address(s.positionManager), address(s.engine), admin
        );

        // roles and wiring
        s.engine.setPerpetualTrading(address(s.trading));
        s.trading.setPositionManager(address(s.positionManager));
        s.trading.setVault(address(s.vault));
        s.positionManager.setLendingPool(address(s.pool));
        s.positionManager.setFundingSource(address(s.trading));
        s.positionManager.grantRole(s.positionManager.TRADING_ROLE(), address(s.trading));
        s.positionManager.grantRole(s.positionManager.RECEIVER_ROLE(), address(s.receiver));
        s.pool.grantRole(s.pool.BORROWER_ROLE(), address(s.trading));
        s.vault.grantRole(s.vault.TRADING_ROLE(), address(s.trading));
        s.vault.grantRole(s.vault.RECEIVER_ROLE(), address(s.receiver));
        s.engine.grantRole(s.engine.RECEIVER_ROLE(), address(s.receiver));

        // LINK for CCIP fees (vault sends) and Data Streams verification (oracle) and Automation (engine)
        d.simulator.requestLinkFromFaucet(address(s.vault), LINK_PER_CONTRACT);
        d.simulator.requestLinkFromFaucet(address(s.oracle), LINK_PER_CONTRACT);
        d.simulator.requestLinkFromFaucet(address(s.engine), LINK_PER_CONTRACT);
    }

    /// @dev `from`'s vault sends to `to`'s receiver; `to`'s receiver accepts only `from`'s vault on the selector.
    function _link(Deployment memory d, Stack memory from, Stack memory to) internal {
        from.vault.setRemoteReceiver(d.chainSelector, address(to.receiver));
        to.receiver.setAllowedSourceChain(d.chainSelector, true);
        to.receiver.setAllowedSender(address(from.vault), true);
    }

    function _print(Deployment memory d) internal pure {
        console2.log("deployer", d.deployer);
        console2.log("CCIPLocalSimulator", address(d.simulator));
        console2.log("chainSelector", uint256(d.chainSelector));
        console2.log("router", d.router);
        console2.log("LINK", d.link);
        console2.log("USDC (mock, 6 decimals)", address(d.usdc));
        console2.log("BTC/USD fallback (MockV3Aggregator)", address(d.btcFallback));
        console2.log("ETH/USD fallback (MockV3Aggregator)", address(d.ethFallback));
        _printStack("Ethereum", d.ethereum);
        _printStack("Polygon", d.polygon);
    }

    function _printStack(string memory name, Stack memory s) internal pure {
        console2.log(string.concat(name, ".DataStreamOracle"), address(s.oracle));
        console2.log(string.concat(name, ".PositionManager"), address(s.positionManager));
        console2.log(string.concat(name, ".CrossChainVault"), address(s.vault));
        console2.log(string.concat(name, ".CrossChainLendingPool"), address(s.pool));
        console2.log(string.concat(name, ".LiquidationEngine"), address(s.engine));
        console2.log(string.concat(name, ".PerpetualTrading"), address(s.trading));
        console2.log(string.concat(name, ".CrossChainReceiver"), address(s.receiver));
    }
}
