// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";
import {DeployPlatform} from "../script/DeployPlatform.s.sol";
import {SafeMultisig} from "../script/SafeMultisig.sol";
import {PlatformAccessUpgradeable} from "../src/access/PlatformAccessUpgradeable.sol";
import {IPerpetualTrading} from "../src/interfaces/IPlatform.sol";

/// @notice Runs the deployment script in-process (both steps: `run`, then after the 1-day delay `acceptAdmin`) and
///         checks the design's post-deployment configuration on both stacks: Safe-held admin and guardian roles,
///         Phase 1, the registered and funded upkeep behind its forwarder; then rotates the admin through the Safe and
///         trades on one stack.
contract DeployTest is Test {
    DeployPlatform internal script;
    DeployPlatform.Deployment internal d;

    function setUp() public {
        vm.warp(1_700_000_000);
        script = new DeployPlatform();
        d = script.run();
        vm.warp(block.timestamp + 1 days + 1); // the modules' ADMIN_TRANSFER_DELAY
        script.acceptAdmin(d);
        _pushPrices(d.ethereum); // the price bot (the deployer's updater key) after the day that passed
        _pushPrices(d.polygon);
    }

    function _pushPrices(DeployPlatform.Stack memory s) internal {
        vm.startPrank(d.deployer);
        s.oracle.updatePrice(script.BTC_FEED(), 50_000e8);
        s.oracle.updatePrice(script.ETH_FEED(), 3_000e8);
        vm.stopPrank();
    }

    /// @dev Sends a Safe transaction and reports whether the Safe executed it (a refusal reverts execTransaction).
    function _safeTx(Safe safe, address to, bytes memory data, uint256[] memory keys) internal returns (bool ok) {
        (ok,) = address(safe).call(SafeMultisig.execCalldata(safe, to, data, keys));
    }

    function _modules(DeployPlatform.Stack memory s) internal pure returns (PlatformAccessUpgradeable[8] memory) {
        return [PlatformAccessUpgradeable(address(s.oracle)), PlatformAccessUpgradeable(address(s.positionManager)),
            PlatformAccessUpgradeable(address(s.vault)), PlatformAccessUpgradeable(address(s.pool)),
            PlatformAccessUpgradeable(address(s.engine)), PlatformAccessUpgradeable(address(s.trading)),
            PlatformAccessUpgradeable(address(s.receiver)), PlatformAccessUpgradeable(address(s.launch))];
    }

    /// every admin and guardian role is the stack's Safe's (2 of 3), none the deployer's
    function _checkSafeHoldsTheCriticalRoles(DeployPlatform.Stack memory s) internal view {
        assertEq(s.safe.getThreshold(), 2, "2 of 3");
        assertEq(s.safe.getOwners().length, 3, "three owners");
        PlatformAccessUpgradeable[8] memory modules = _modules(s);
        for (uint256 i; i < modules.length; ++i) {
            PlatformAccessUpgradeable m = modules[i];
            assertEq(m.defaultAdmin(), address(s.safe), "admin: the Safe");
            assertTrue(m.hasRole(m.GUARDIAN_ROLE(), address(s.safe)), "guardian: the Safe");
            assertFalse(m.hasRole(m.DEFAULT_ADMIN_ROLE(), d.deployer), "the deployer is no admin");
            assertFalse(m.hasRole(m.GUARDIAN_ROLE(), d.deployer), "the deployer is no guardian");
            (address pending,) = m.pendingDefaultAdmin();
            assertEq(pending, address(0), "no transfer pending");
        }
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
        assertTrue(s.engine.hasRole(s.engine.LIQUIDATOR_ROLE(), d.deployer)); // the bot's key: liquidate() only
        // Automation: registered, funded >= 3x its minimum, performUpkeep from the forwarder only
        assertEq(s.engine.forwarder(), d.registry.getForwarder(s.upkeepId));
        assertGe(d.registry.getBalance(s.upkeepId), 3 * uint256(d.registry.getMinBalance(s.upkeepId)));
        (address target,,address upkeepAdmin,,) = d.registry.getUpkeep(s.upkeepId);
        assertEq(target, address(s.engine));
        assertEq(upkeepAdmin, address(s.safe));
        // launch: Phase 1 on BTC/USD, capped withdrawals, every module wired
        assertEq(s.launch.phase(), 1);
        assertEq(s.launch.launchMarketId(), s.trading.marketIdByName("BTC/USD"));
        (uint256 perWithdrawal, uint256 perDay) = s.launch.withdrawalCaps(address(d.usdc));
        assertEq(perWithdrawal, script.PHASE1_PER_WITHDRAWAL());
        assertEq(perDay, script.PHASE1_PER_DAY());
        assertEq(address(s.trading.launchControl()), address(s.launch));
        assertEq(address(s.vault.launchControl()), address(s.launch));
        assertEq(address(s.engine.launchControl()), address(s.launch));
        assertEq(address(s.receiver.launchControl()), address(s.launch));
        assertTrue(s.launch.hasRole(s.launch.VAULT_ROLE(), address(s.vault)));
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
        _checkSafeHoldsTheCriticalRoles(s);
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

    /// Before the delay the Safe cannot accept (the handover is two-step), a stranger never can
    function test_handoverWaitsForTheDelay() public {
        DeployPlatform redeploy = new DeployPlatform();
        DeployPlatform.Deployment memory fresh = redeploy.run();
        vm.expectRevert(); // the delay has not passed (AccessControlEnforcedDefaultAdminDelay, as the Safe's GS013)
        redeploy.acceptAdmin(fresh);
        assertEq(fresh.ethereum.trading.defaultAdmin(), fresh.deployer, "still the deployer's until accepted");
        vm.prank(makeAddr("stranger"));
        vm.expectRevert();
        fresh.ethereum.trading.acceptDefaultAdminTransfer();
    }

    /// Admin rotation through the Safe, two-step with the delay, each step signed by two owners: the Ethereum stack's
    /// Safe hands the trading module to a new Safe, which can accept only after the delay
    function test_adminRotationThroughTheSafe() public {
        DeployPlatform.Stack memory s = d.ethereum;
        uint256[] memory newKeys = new uint256[](3);
        address[] memory newOwners = new address[](3);
        for (uint256 i; i < 3; ++i) {
            newKeys[i] = uint256(keccak256(abi.encode("new owner", i)));
            newOwners[i] = vm.addr(newKeys[i]);
        }
        Safe next = SafeMultisig.deploySafe(_factoryOf(s.safe), newOwners, 2, 99);
        uint256[] memory twoNew = new uint256[](2);
        twoNew[0] = newKeys[0];
        twoNew[1] = newKeys[2];

        SafeMultisig.exec(s.safe, address(s.trading),
            abi.encodeCall(IAccessControlDefaultAdminRules.beginDefaultAdminTransfer, (address(next))), script.signers());
        (address pending, uint48 schedule) = s.trading.pendingDefaultAdmin();
        assertEq(pending, address(next), "pending: the new Safe");
        assertEq(schedule, block.timestamp + 1 days, "after the delay");
        bytes memory accept = abi.encodeCall(IAccessControlDefaultAdminRules.acceptDefaultAdminTransfer, ());
        assertFalse(_safeTx(next, address(s.trading), accept, twoNew), "too early");
        uint256[] memory oneOwner = new uint256[](1);
        oneOwner[0] = newKeys[1];
        vm.warp(block.timestamp + 1 days + 1);
        assertFalse(_safeTx(next, address(s.trading), accept, oneOwner), "one signature: below the threshold");
        assertTrue(_safeTx(next, address(s.trading), accept, twoNew), "two of the new owners, after the delay");
        assertEq(s.trading.defaultAdmin(), address(next), "rotated");
        assertFalse(s.trading.hasRole(s.trading.DEFAULT_ADMIN_ROLE(), address(s.safe)), "the old Safe is out");
        bytes32 adminRole = s.trading.DEFAULT_ADMIN_ROLE();
        assertFalse(_safeTx(s.safe, address(s.trading),
            abi.encodeCall(IAccessControl.grantRole, (adminRole, address(s.safe))), script.signers()),
            "the old Safe no longer administers");
    }

    function _factoryOf(Safe) internal returns (SafeMultisig.Factory memory) {
        return SafeMultisig.deployFactory();
    }

    function test_tradeOnTheDeployedEthereumStack() public {
        DeployPlatform.Stack memory s = d.ethereum;
        address lender = makeAddr("lender");
        address alice = makeAddr("alice");
        SafeMultisig.exec(s.safe, address(s.launch), abi.encodeCall(s.launch.setAllowlisted, (alice, true)),
            script.signers()); // Phase 1: allowlisted traders only
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
