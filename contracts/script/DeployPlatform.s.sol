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
import {LaunchControl} from "../src/LaunchControl.sol";
import {PlatformAccessUpgradeable} from "../src/access/PlatformAccessUpgradeable.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MockUSDC} from "../test/mocks/MockUSDC.sol";
import {PlatformDeployer} from "./PlatformDeployer.sol";
import {SafeMultisig} from "./SafeMultisig.sol";
import {LocalAutomationRegistrar, LocalAutomationRegistry} from "./local/LocalAutomation.sol";

/// @title DeployPlatform
/// @notice Deploys the platform in the design's order with its post-deployment configuration, twice: an
///         "Ethereum" and a "Polygon" stack on ONE EVM, linked through Chainlink Local's CCIPLocalSimulator
///         (one chain selector; the router delivers inside ccipSend; docs/platform.md §4). USDC is a 6-decimal mock;
///         each feed's AggregatorV3 fallback is a MockV3Aggregator.
///         Security finalization (design §5) and launch (§9), per stack: a Safe (Safe's own contracts, 2-of-3 owners)
///         receives every admin and guardian role: `run` grants it the guardian role, drops the deployer's and begins
///         each module's two-step admin transfer; `acceptAdmin`, once the 1-day delay has passed, has the Safe accept
///         (signed by two owners). A LaunchControl starts the stack in Phase 1 (allowlisted traders, BTC/USD only, at
///         most 10x, capped withdrawals, no CCIP); the liquidation upkeep is registered with Automation (local registry
///         and registrar stand-ins, Chainlink's own AutomationForwarder), funded with LINK, and the engine accepts
///         performUpkeep from its forwarder only. The deployer keeps operational roles only (price updater, liquidator
///         bot, message operator). Every module is a UUPS implementation behind an ERC-1967 proxy (PlatformDeployer);
///         the addresses printed are the proxies'. Keys: env PRIVATE_KEY (deployer), default anvil's account 0; the
///         Safe owners are anvil's accounts 1-3 and the Automation node anvil's account 4 (local runs only).
///         With env DEPLOYMENT_FILE set, `run` writes the addresses there (JSON) and `acceptAdmin` reads them.
contract DeployPlatform is Script {
    uint256 internal constant ANVIL_KEY0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    bytes32 public constant BTC_FEED = keccak256(abi.encodePacked("BTC/USD"));
    bytes32 public constant ETH_FEED = keccak256(abi.encodePacked("ETH/USD"));
    /// @notice The design maps base assets to feeds; there are no BTC/ETH tokens locally, so fixed placeholders.
    address public constant BTC_ADDRESS = address(uint160(uint256(keccak256("platform.asset.BTC"))));
    address public constant ETH_ADDRESS = address(uint160(uint256(keccak256("platform.asset.ETH"))));
    uint256 public constant LINK_PER_CONTRACT = 100 ether;
    /// @notice anvil's accounts 1-3 (Safe owners, 2 of 3 sign) and 4 (the local Automation node's transmitter key).
    uint256 internal constant OWNER_KEY1 = 0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d;
    uint256 internal constant OWNER_KEY2 = 0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a;
    uint256 internal constant OWNER_KEY3 = 0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6;
    uint256 internal constant NODE_KEY = 0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a;
    uint256 public constant SAFE_THRESHOLD = 2;
    /// @notice One upkeep perform liquidates up to LIQUIDATION_BATCH positions at ~290k gas each (measured by the
    ///         monitor's scenario): 5,000,000 (Automation 2.1's maxPerformGas) holds a batch of 10 with room. At
    ///         500,000 a perform of two or more reverted inside the forwarder, was charged all the same, and a few
    ///         drained the upkeep: liquidations stopped silently.
    uint32 public constant UPKEEP_GAS_LIMIT = 5_000_000;
    uint256 public constant LIQUIDATION_BATCH = 10;
    uint96 public constant UPKEEP_FUNDING = 100 ether; // LINK: 4.9x the registry's minimum (20.3 LINK) for that gas
    /// @notice Storing a failed delivery for retry costs the receiver ~540-575k gas (measured): below that a failing
    ///         message runs out of gas instead of being recorded, so the 4-failures auto-pause could never trigger.
    uint32 public constant CCIP_GAS_LIMIT = 1_000_000;
    uint256 public constant PHASE1_PER_WITHDRAWAL = 10_000e6; // USDC
    uint256 public constant PHASE1_PER_DAY = 100_000e6;

    struct Stack {
        DataStreamOracle oracle;
        PositionManager positionManager;
        CrossChainVault vault;
        CrossChainLendingPool pool;
        LiquidationEngine engine;
        PerpetualTrading trading;
        CrossChainReceiver receiver;
        LaunchControl launch;
        Safe safe;
        uint256 upkeepId;
        address forwarder;
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
        LocalAutomationRegistry registry;
        LocalAutomationRegistrar registrar;
        address automationNode;
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
        _deployAutomation(d);
        SafeMultisig.Factory memory safes = SafeMultisig.deployFactory();

        d.ethereum = _deployStack(d, verifierProxy);
        d.polygon = _deployStack(d, verifierProxy);
        _link(d, d.ethereum, d.polygon);
        _link(d, d.polygon, d.ethereum);
        _launch(d, d.ethereum, safes, 1);
        _launch(d, d.polygon, safes, 2);
        vm.stopBroadcast();
        _print(d);
        _write(d);
    }

    /// @notice Second step of the handover, once ADMIN_TRANSFER_DELAY has passed: each stack's Safe accepts the
    ///         admin role of every module, in Safe transactions signed by two of its owners (sent by the deployer).
    function acceptAdmin() external {
        string memory json = vm.readFile(vm.envString("DEPLOYMENT_FILE"));
        vm.startBroadcast(vm.envOr("PRIVATE_KEY", ANVIL_KEY0));
        _acceptAdmin(json, ".stacks.ethereum");
        _acceptAdmin(json, ".stacks.polygon");
        vm.stopBroadcast();
    }

    /// @notice The same for a deployment held in memory (tests).
    function acceptAdmin(Deployment memory d) external {
        _acceptAll(d.ethereum);
        _acceptAll(d.polygon);
    }

    function _acceptAdmin(string memory json, string memory stack) internal {
        Stack memory s;
        s.safe = Safe(payable(vm.parseJsonAddress(json, string.concat(stack, ".Safe"))));
        address[] memory modules = new address[](8);
        string[8] memory names = _moduleNames();
        for (uint256 i; i < names.length; ++i) {
            modules[i] = vm.parseJsonAddress(json, string.concat(stack, ".", names[i]));
        }
        _accept(s.safe, modules);
    }

    function _acceptAll(Stack memory s) internal {
        _accept(s.safe, _modules(s));
    }

    function _accept(Safe safe, address[] memory modules) internal {
        for (uint256 i; i < modules.length; ++i) {
            SafeMultisig.exec(
                safe, modules[i], abi.encodeCall(IAccessControlDefaultAdminRules.acceptDefaultAdminTransfer, ()), signers()
            );
        }
    }

    /// @notice Two of the three owners' keys (local runs and tests).
    function signers() public pure returns (uint256[] memory keys) {
        keys = new uint256[](2);
        keys[0] = OWNER_KEY1;
        keys[1] = OWNER_KEY2;
    }

    function owners() public pure returns (address[] memory list) {
        list = new address[](3);
        list[0] = vm.addr(OWNER_KEY1);
        list[1] = vm.addr(OWNER_KEY2);
        list[2] = vm.addr(OWNER_KEY3);
    }

    /// @dev Chainlink Automation, locally: a registry (whose upkeeps get Chainlink's AutomationForwarder) and an
    ///      auto-approving registrar; the node's transmitter key may perform.
    function _deployAutomation(Deployment memory d) internal {
        d.registry = new LocalAutomationRegistry(IERC20(d.link));
        d.registrar = new LocalAutomationRegistrar(IERC20(d.link), d.registry, 1 ether);
        d.registry.setRegistrar(address(d.registrar));
        d.automationNode = vm.addr(NODE_KEY);
        d.registry.setTransmitter(d.automationNode, true);
    }

    /// @dev Phase 1 launch control, the Automation upkeep, then the handover to the stack's Safe.
    function _launch(Deployment memory d, Stack memory s, SafeMultisig.Factory memory safes, uint256 salt) internal {
        s.launch = PlatformDeployer.deployLaunchControl(d.deployer, s.trading.marketIdByName("BTC/USD"));
        s.launch.grantRole(s.launch.VAULT_ROLE(), address(s.vault));
        s.launch.setWithdrawalCaps(address(d.usdc), PHASE1_PER_WITHDRAWAL, PHASE1_PER_DAY);
        s.trading.setLaunchControl(address(s.launch));
        s.vault.setLaunchControl(address(s.launch));
        s.engine.setLaunchControl(address(s.launch));
        s.receiver.setLaunchControl(address(s.launch));

        s.safe = SafeMultisig.deploySafe(safes, owners(), SAFE_THRESHOLD, salt);
        d.simulator.requestLinkFromFaucet(d.deployer, UPKEEP_FUNDING);
        IERC20(d.link).approve(address(d.registrar), UPKEEP_FUNDING);
        s.upkeepId = d.registrar.registerUpkeep(LocalAutomationRegistrar.RegistrationParams({
            name: "ccperp liquidations",
            encryptedEmail: "",
            upkeepContract: address(s.engine),
            gasLimit: UPKEEP_GAS_LIMIT,
            adminAddress: address(s.safe),
            triggerType: 0,
            checkData: "",
            triggerConfig: "",
            offchainConfig: "",
            amount: UPKEEP_FUNDING
        }));
        s.forwarder = d.registry.getForwarder(s.upkeepId);
        s.engine.setForwarder(s.forwarder);

        address[] memory modules = _modules(s);
        for (uint256 i; i < modules.length; ++i) {
            PlatformAccessUpgradeable m = PlatformAccessUpgradeable(modules[i]);
            m.grantRole(m.GUARDIAN_ROLE(), address(s.safe));
            m.renounceRole(m.GUARDIAN_ROLE(), d.deployer);
            m.beginDefaultAdminTransfer(address(s.safe));
        }
    }

    function _modules(Stack memory s) internal pure returns (address[] memory m) {
        m = new address[](8);
        m[0] = address(s.oracle);
        m[1] = address(s.positionManager);
        m[2] = address(s.vault);
        m[3] = address(s.pool);
        m[4] = address(s.engine);
        m[5] = address(s.trading);
        m[6] = address(s.receiver);
        m[7] = address(s.launch);
    }

    function _moduleNames() internal pure returns (string[8] memory) {
        return ["DataStreamOracle", "PositionManager", "CrossChainVault", "CrossChainLendingPool", "LiquidationEngine",
            "PerpetualTrading", "CrossChainReceiver", "LaunchControl"];
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
        s.vault.setCcipGasLimit(CCIP_GAS_LIMIT);
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
        s.engine.setMaxBatch(LIQUIDATION_BATCH);
        s.engine.authorizeLiquidator(admin);
        // 6. PerpetualTrading: ETH/USD 100x / 85 bps, BTC/USD 17x / 500 bps (each 85 % of the margin at the cap:
        //    RiskBands), funding 25 ppm/h (0.0025 %/h)
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
        console2.log("Automation registry (local stand-in)", address(d.registry));
        console2.log("Automation registrar (local stand-in)", address(d.registrar));
        _printStack("Ethereum", d.ethereum);
        _printStack("Polygon", d.polygon);
    }

    /// @dev The deployment file `verify deployment` and `acceptAdmin` read (only when DEPLOYMENT_FILE is set).
    function _write(Deployment memory d) internal {
        string memory path = vm.envOr("DEPLOYMENT_FILE", string(""));
        if (bytes(path).length == 0) return;
        string memory root = "deployment";
        vm.serializeUint(root, "chainId", block.chainid);
        vm.serializeUint(root, "chainSelector", d.chainSelector);
        vm.serializeAddress(root, "deployer", d.deployer);
        vm.serializeAddress(root, "router", d.router);
        vm.serializeAddress(root, "link", d.link);
        vm.serializeAddress(root, "usdc", address(d.usdc));
        vm.serializeAddress(root, "automationRegistry", address(d.registry));
        vm.serializeAddress(root, "automationRegistrar", address(d.registrar));
        vm.serializeAddress(root, "automationNode", d.automationNode);
        string memory stacks = "stacks";
        vm.serializeString(stacks, "ethereum", _stackJson("ethereum", d.ethereum));
        string memory both = vm.serializeString(stacks, "polygon", _stackJson("polygon", d.polygon));
        vm.writeJson(vm.serializeString(root, "stacks", both), path);
    }

    function _stackJson(string memory key, Stack memory s) internal returns (string memory json) {
        address[] memory modules = _modules(s);
        string[8] memory names = _moduleNames();
        for (uint256 i; i < names.length; ++i) {
            vm.serializeAddress(key, names[i], modules[i]);
        }
        vm.serializeAddress(key, "Safe", address(s.safe));
        vm.serializeAddress(key, "forwarder", s.forwarder);
        json = vm.serializeUint(key, "upkeepId", s.upkeepId);
    }

    function _printStack(string memory name, Stack memory s) internal pure {
        console2.log(string.concat(name, ".DataStreamOracle"), address(s.oracle));
        console2.log(string.concat(name, ".PositionManager"), address(s.positionManager));
        console2.log(string.concat(name, ".CrossChainVault"), address(s.vault));
        console2.log(string.concat(name, ".CrossChainLendingPool"), address(s.pool));
        console2.log(string.concat(name, ".LiquidationEngine"), address(s.engine));
        console2.log(string.concat(name, ".PerpetualTrading"), address(s.trading));
        console2.log(string.concat(name, ".CrossChainReceiver"), address(s.receiver));
        console2.log(string.concat(name, ".LaunchControl"), address(s.launch));
        console2.log(string.concat(name, ".Safe"), address(s.safe)); // 2 of 3
        console2.log(string.concat(name, ".UpkeepForwarder"), s.forwarder);
    }
}
