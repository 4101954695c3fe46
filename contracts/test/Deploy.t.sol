// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {DeployPlatform} from "../script/DeployPlatform.s.sol";
import {IPerpetualTrading} from "../src/interfaces/IPlatform.sol";

/// @notice Runs the deployment script in-process and checks the design's post-deployment configuration
///         on both stacks, then trades on one of them.
contract DeployTest is Test {
    DeployPlatform internal script;
    DeployPlatform.Deployment internal d;

    function setUp() public {
        vm.warp(1_700_000_000);
        script = new DeployPlatform();
        d = script.run();
    }

    function _checkStack(DeployPlatform.Stack memory s) internal view {
        bytes32 btc = script.BTC_FEED();
        bytes32 eth = script.ETH_FEED();
        // oracle: feeds, breaker 1000 / 300, fresh prices
        assertEq(s.oracle.getPrice(btc), 50_000e18);
        assertEq(s.oracle.getPrice(eth), 3_000e18);
        assertEq(s.oracle.circuitBreaker(btc).maxDeviationBps, 1000);
        assertEq(s.oracle.circuitBreaker(btc).cooldown, 300);
        assertTrue(s.oracle.circuitBreaker(eth).enabled);
        assertEq(s.oracle.getFeed(btc).fallbackFeed, address(d.btcFallback));
        // position manager / engine asset feeds
        assertEq(s.positionManager.assetFeed(script.BTC_ADDRESS()), btc);
        assertEq(s.engine.assetFeed(script.ETH_ADDRESS()), eth);
        assertEq(s.engine.liquidationInterval(), 30);
        assertTrue(s.engine.hasRole(s.engine.LIQUIDATOR_ROLE(), d.deployer));
        // vault and pool
        assertTrue(s.vault.supportedTokens(address(d.usdc)));
        assertTrue(s.vault.supportedChains(d.chainSelector));
        assertTrue(s.pool.isSupported(address(d.usdc)));
        assertEq(s.pool.rateBpsOf(address(d.usdc)), 500);
        // markets and funding
        uint256 ethMarket = s.trading.marketIdByName("ETH/USD");
        assertEq(s.trading.getMarket(ethMarket).maxLeverage, 100);
        assertEq(s.trading.getMarket(ethMarket).maintenanceMarginBps, 85);
        assertEq(s.trading.getMarket(ethMarket).fundingRatePpmPerHour, 25);
        assertEq(s.trading.getMarket(s.trading.marketIdByName("BTC/USD")).maxLeverage, 17);
        // roles wired
        assertTrue(s.positionManager.hasRole(s.positionManager.TRADING_ROLE(), address(s.trading)));
        assertTrue(s.positionManager.hasRole(s.positionManager.RECEIVER_ROLE(), address(s.receiver)));
        assertTrue(s.pool.hasRole(s.pool.BORROWER_ROLE(), address(s.trading)));
        assertTrue(s.vault.hasRole(s.vault.TRADING_ROLE(), address(s.trading)));
        assertTrue(s.vault.hasRole(s.vault.RECEIVER_ROLE(), address(s.receiver)));
        assertTrue(s.engine.hasRole(s.engine.RECEIVER_ROLE(), address(s.receiver)));
        assertEq(address(s.engine.perpetualTrading()), address(s.trading));
        assertEq(address(s.trading.positionManager()), address(s.positionManager));
        assertEq(address(s.trading.vault()), address(s.vault));
        assertEq(s.trading.liquidationEngine(), address(s.engine));
        // admin is the deployer (two-step rotation), who is also guardian
        assertEq(s.trading.defaultAdmin(), d.deployer);
        assertTrue(s.pool.hasRole(s.pool.GUARDIAN_ROLE(), d.deployer));
        // LINK funded
        (bool ok, bytes memory ret) = d.link.staticcall(abi.encodeWithSignature("balanceOf(address)", address(s.vault)));
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint256)), script.LINK_PER_CONTRACT());
    }

    function test_bothStacksConfigured() public view {
        assertTrue(address(d.ethereum.trading) != address(d.polygon.trading));
        _checkStack(d.ethereum);
        _checkStack(d.polygon);
        // cross-chain links: each vault sends to the other stack's receiver, which allows it
        assertEq(d.ethereum.vault.remoteReceivers(d.chainSelector), address(d.polygon.receiver));
        assertEq(d.polygon.vault.remoteReceivers(d.chainSelector), address(d.ethereum.receiver));
        assertTrue(d.polygon.receiver.allowedSenders(address(d.ethereum.vault)));
        assertTrue(d.ethereum.receiver.allowedSenders(address(d.polygon.vault)));
        assertTrue(d.ethereum.receiver.allowedSourceChains(d.chainSelector));
    }

    function test_tradeOnTheDeployedEthereumStack() public {
        DeployPlatform.Stack memory s = d.ethereum;
        address lender = makeAddr("lender");
        address alice = makeAddr("alice");
        d.usdc.mint(lender, 1_000_000e6);
        vm.startPrank(lender);
        d.usdc.approve(address(s.pool), type(uint256).max);
        s.pool.supply(address(d.usdc), 1_000_000e6);
        vm.stopPrank();
        d.usdc.mint(alice, 10_000e6);
        vm.startPrank(alice);
        d.usdc.approve(address(s.vault), type(uint256).max);
        s.vault.depositCollateral(address(d.usdc), 10_000e6);
        uint256 id = s.trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 100_000e6, 10, address(d.usdc));
        vm.stopPrank();
        assertEq(s.positionManager.calculateHealthFactor(id), 2e18);
        (bool needed,) = s.engine.checkUpkeep("");
        assertFalse(needed);
    }
}
