// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformFixture, IFixtureVault} from "./PlatformFixture.sol";
import {DeployPlatform} from "../../script/DeployPlatform.s.sol";
import {SafeMultisig} from "../../script/SafeMultisig.sol";
import {LocalAutomationRegistry} from "../../script/local/LocalAutomation.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";

/// @notice PlatformFixture's names bound to the platform as the deployment script deploys it (kept apart from
///         PlatformFixture so that the suites built on the fixture alone do not compile the script, Safe and the
///         Automation stand-ins).
abstract contract DeployedPlatformFixture is PlatformFixture {
    // set by _deployThroughScript: the deployment script's Ethereum stack, administered by its Safe, in Phase 1,
    // liquidated by Automation through the registry and the upkeep's forwarder
    DeployPlatform internal deployScript;
    DeployPlatform.Deployment internal deployment;
    LaunchControl internal launch;
    LocalAutomationRegistry internal registry;
    uint256 internal upkeepId;
    address internal automationNode;

    /// @notice The platform as the deployment script deploys it (its Ethereum stack): both steps of the Safe
    ///         handover (the 1-day delay passes in between), then fresh prices from the updater bot. The fixture's
    ///         `admin` becomes the deployer, which keeps only the operational roles (price updater, liquidator bot);
    ///         configuration goes through the Safe (_asSafe). Prices 50,000 (BTC) and 3,000 (ETH).
    function _deployThroughScript() internal {
        deployScript = new DeployPlatform();
        deployment = deployScript.run();
        vm.warp(block.timestamp + 1 days + 1);
        deployScript.acceptAdmin(deployment);
        DeployPlatform.Stack memory s = deployment.ethereum;
        usdc = deployment.usdc;
        dso = s.oracle;
        realVault = s.vault;
        vault = IFixtureVault(address(s.vault));
        pm = s.positionManager;
        pool = s.pool;
        engine = s.engine;
        trading = s.trading;
        launch = s.launch;
        registry = deployment.registry;
        upkeepId = s.upkeepId;
        automationNode = deployment.automationNode;
        admin = deployment.deployer;
        vm.startPrank(admin);
        dso.updatePrice(BTC, 50_000e8);
        dso.updatePrice(keccak256("ETH/USD"), 3_000e8);
        vm.stopPrank();
    }

    /// @notice `data` called on `to` by the stack's Safe, signed by two of its owners.
    function _asSafe(address to, bytes memory data) internal {
        SafeMultisig.exec(deployment.ethereum.safe, to, data, deployScript.signers());
    }

    function _allowlist(address trader) internal {
        _asSafe(address(launch), abi.encodeCall(LaunchControl.setAllowlisted, (trader, true)));
    }

    /// @notice One round of the Automation node: checkUpkeep simulated (the registry's, as an eth_call would),
    ///         then performUpkeep sent through the registry, which forwards it with the upkeep's forwarder.
    ///         Returns how many positions the simulation proposed.
    function _automationRound() internal returns (uint256 proposed) {
        (bool needed, bytes memory data) = registry.checkUpkeep(upkeepId);
        if (!needed) return 0;
        proposed = abi.decode(data, (uint256[])).length;
        vm.prank(automationNode);
        assertTrue(registry.performUpkeep(upkeepId, data), "the forwarded performUpkeep succeeded");
    }
}
