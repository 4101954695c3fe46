// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";

import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {CrossChainLendingPool} from "../../src/CrossChainLendingPool.sol";
import {CrossChainReceiver} from "../../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {DataStreamOracle} from "../../src/DataStreamOracle.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {PerpetualTrading} from "../../src/PerpetualTrading.sol";
import {PositionManager} from "../../src/PositionManager.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice Every module behind its ERC-1967 proxy (UUPS, script/PlatformDeployer.sol): the implementation can never
///         be initialised, the proxy only once; only the admin upgrades; state (ERC-7201 namespace and OpenZeppelin's
///         own) survives an upgrade to a fresh implementation of the same contract; each module's namespace sits
///         where ERC-7201's formula puts `ccperp.storage.<Module>`.
contract ProxiesTest is Test {
    struct Module {
        string name;
        address proxy;
        bytes init; // the initializer call the proxy was deployed with
        bytes setCall; // an admin-only state change ...
        bytes getCall; // ... and the view that reads it back
        uint256 member; // index, in the module's storage struct, of a field set by the initializer (one slot each before it)
        address memberValue; // what the initializer stored there
    }

    address internal admin = makeAddr("admin");
    address internal stranger = makeAddr("stranger");
    address internal router = makeAddr("router");
    address internal link = makeAddr("link");
    address internal verifier = makeAddr("verifierProxy");
    address internal token = makeAddr("token");
    address internal oracleAddr = makeAddr("oracle");
    address internal pmAddr = makeAddr("positionManager");
    address internal vaultAddr = makeAddr("vault");
    address internal engineAddr = makeAddr("engine");
    address internal poolAddr = makeAddr("pool");
    bytes32 internal constant FEED = keccak256("BTC/USD");
    uint256 internal constant LAUNCH_MARKET = 7;

    Module[] internal modules;

    function setUp() public {
        _add(Module({
            name: "DataStreamOracle",
            proxy: address(PlatformDeployer.deployDataStreamOracle(admin, verifier)),
            init: abi.encodeCall(DataStreamOracle.initialize, (admin, verifier)),
            setCall: abi.encodeCall(DataStreamOracle.addFeed, ("BTC/USD", FEED, 8, 300, 500, address(0))),
            getCall: abi.encodeCall(DataStreamOracle.feedIds, ()),
            member: 6, // verifierProxy
            memberValue: verifier
        }));
        _add(Module({
            name: "PositionManager",
            proxy: address(PlatformDeployer.deployPositionManager(oracleAddr, admin)),
            init: abi.encodeCall(PositionManager.initialize, (oracleAddr, admin)),
            setCall: abi.encodeCall(PositionManager.setAssetFeed, (token, FEED)),
            getCall: abi.encodeCall(PositionManager.assetFeed, (token)),
            member: 9, // oracle
            memberValue: oracleAddr
        }));
        _add(Module({
            name: "CrossChainVault",
            proxy: address(PlatformDeployer.deployCrossChainVault(router, link, admin)),
            init: abi.encodeCall(CrossChainVault.initialize, (router, link, admin)),
            setCall: abi.encodeCall(CrossChainVault.setRemoteReceiver, (7, token)),
            getCall: abi.encodeCall(CrossChainVault.remoteReceivers, (7)),
            member: 8, // linkToken
            memberValue: link
        }));
        _add(Module({
            name: "CrossChainLendingPool",
            proxy: address(PlatformDeployer.deployCrossChainLendingPool(router, admin)),
            init: abi.encodeCall(CrossChainLendingPool.initialize, (router, admin)),
            setCall: abi.encodeCall(CrossChainLendingPool.addSupportedToken, (token, 500)),
            getCall: abi.encodeCall(CrossChainLendingPool.supportedTokens, ()),
            member: 3, // ccipRouter
            memberValue: router
        }));
        _add(Module({
            name: "LiquidationEngine",
            proxy: address(PlatformDeployer.deployLiquidationEngine(pmAddr, oracleAddr, vaultAddr, admin)),
            init: abi.encodeCall(LiquidationEngine.initialize, (pmAddr, oracleAddr, vaultAddr, admin)),
            setCall: abi.encodeCall(LiquidationEngine.setLiquidationInterval, (30)),
            getCall: abi.encodeCall(LiquidationEngine.liquidationInterval, ()),
            member: 6, // vault
            memberValue: vaultAddr
        }));
        _add(Module({
            name: "PerpetualTrading",
            proxy: address(PlatformDeployer.deployPerpetualTrading(poolAddr, oracleAddr, engineAddr, admin)),
            init: abi.encodeCall(PerpetualTrading.initialize, (poolAddr, oracleAddr, engineAddr, admin)),
            setCall: abi.encodeCall(PerpetualTrading.addMarket, ("BTC/USD", FEED, 17, 500)),
            getCall: abi.encodeCall(PerpetualTrading.getMarket, (1)),
            member: 9, // liquidationEngine
            memberValue: engineAddr
        }));
        _add(Module({
            name: "LaunchControl",
            proxy: address(PlatformDeployer.deployLaunchControl(admin, LAUNCH_MARKET)),
            init: abi.encodeCall(LaunchControl.initialize, (admin, LAUNCH_MARKET)),
            setCall: abi.encodeCall(LaunchControl.setAllowlisted, (token, true)),
            getCall: abi.encodeCall(LaunchControl.isAllowlisted, (token)),
            member: 1, // launchMarketId
            memberValue: address(uint160(LAUNCH_MARKET))
        }));
        _add(Module({
            name: "CrossChainReceiver",
            proxy: address(PlatformDeployer.deployCrossChainReceiver(router, vaultAddr, pmAddr, engineAddr, admin)),
            init: abi.encodeCall(CrossChainReceiver.initialize, (vaultAddr, pmAddr, engineAddr, admin)),
            setCall: abi.encodeCall(CrossChainReceiver.setAllowedSender, (token, true)),
            getCall: abi.encodeCall(CrossChainReceiver.allowedSenders, (token)),
            member: 12, // liquidationEngine (after the 4-slot failure ring buffer)
            memberValue: engineAddr
        }));
    }

    function _add(Module memory m) internal {
        modules.push(m);
    }

    /// @dev A fresh implementation of the same contract as module `i`.
    function _freshImplementation(uint256 i) internal returns (address) {
        if (i == 0) return address(new DataStreamOracle());
        if (i == 1) return address(new PositionManager());
        if (i == 2) return address(new CrossChainVault());
        if (i == 3) return address(new CrossChainLendingPool());
        if (i == 4) return address(new LiquidationEngine());
        if (i == 5) return address(new PerpetualTrading());
        if (i == 6) return address(new LaunchControl());
        return address(new CrossChainReceiver(router));
    }

    function _implementation(address proxy) internal view returns (address) {
        return address(uint160(uint256(vm.load(proxy, ERC1967Utils.IMPLEMENTATION_SLOT))));
    }

    function _location(string memory name) internal pure returns (bytes32) {
        string memory id = string.concat("ccperp.storage.", name);
        return keccak256(abi.encode(uint256(keccak256(bytes(id))) - 1)) & ~bytes32(uint256(0xff));
    }

    function test_implementationsCannotBeInitialised() public {
        for (uint256 i; i < modules.length; ++i) {
            Module memory m = modules[i];
            address impl = _implementation(m.proxy);
            assertTrue(impl != address(0) && impl.code.length > 0, m.name);
            vm.expectRevert(Initializable.InvalidInitialization.selector);
            (bool ok,) = impl.call(m.init);
            ok; // the revert is what expectRevert checks
            // and a fresh one neither
            address fresh = _freshImplementation(i);
            vm.expectRevert(Initializable.InvalidInitialization.selector);
            (ok,) = fresh.call(m.init);
        }
    }

    function test_proxiesAreInitialisedOnce() public {
        for (uint256 i; i < modules.length; ++i) {
            Module memory m = modules[i];
            PlatformAccessUpgradeable module = PlatformAccessUpgradeable(m.proxy);
            assertTrue(module.hasRole(module.DEFAULT_ADMIN_ROLE(), admin), m.name);
            assertTrue(module.hasRole(module.GUARDIAN_ROLE(), admin), m.name);
            assertEq(module.defaultAdmin(), admin, m.name);
            assertEq(module.defaultAdminDelay(), module.ADMIN_TRANSFER_DELAY(), m.name);
            vm.expectRevert(Initializable.InvalidInitialization.selector);
            (bool ok,) = m.proxy.call(m.init);
            ok;
            vm.prank(stranger);
            vm.expectRevert(Initializable.InvalidInitialization.selector);
            (ok,) = m.proxy.call(m.init);
        }
    }

    function test_onlyTheAdminUpgrades() public {
        for (uint256 i; i < modules.length; ++i) {
            Module memory m = modules[i];
            PlatformAccessUpgradeable module = PlatformAccessUpgradeable(m.proxy);
            address before = _implementation(m.proxy);
            address fresh = _freshImplementation(i);
            bytes32 adminRole = module.DEFAULT_ADMIN_ROLE();
            vm.prank(stranger);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, adminRole)
            );
            module.upgradeToAndCall(fresh, "");
            // the guardian (here also the admin) may pause, but pausing grants no upgrade right to anyone else
            bytes32 guardianRole = module.GUARDIAN_ROLE();
            vm.prank(admin);
            module.grantRole(guardianRole, stranger);
            vm.prank(stranger);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, adminRole)
            );
            module.upgradeToAndCall(fresh, "");
            assertEq(_implementation(m.proxy), before, m.name);

            vm.prank(admin);
            module.upgradeToAndCall(fresh, "");
            assertEq(_implementation(m.proxy), fresh, m.name);
        }
    }

    function test_stateSurvivesAnUpgrade() public {
        for (uint256 i; i < modules.length; ++i) {
            Module memory m = modules[i];
            PlatformAccessUpgradeable module = PlatformAccessUpgradeable(m.proxy);
            (bool ok, bytes memory unset) = m.proxy.staticcall(m.getCall);
            assertTrue(ok, m.name);
            vm.startPrank(admin);
            (ok,) = m.proxy.call(m.setCall);
            assertTrue(ok, m.name);
            module.grantRole(keccak256("SOME_ROLE"), stranger);
            module.pause();
            vm.stopPrank();
            (, bytes memory set) = m.proxy.staticcall(m.getCall);
            assertTrue(keccak256(set) != keccak256(unset), m.name);

            address fresh = _freshImplementation(i);
            vm.prank(admin);
            module.upgradeToAndCall(fresh, "");

            bytes memory after_;
            (ok, after_) = m.proxy.staticcall(m.getCall);
            assertTrue(ok, m.name);
            assertEq(after_, set, string.concat(m.name, ": module state"));
            assertTrue(module.paused(), string.concat(m.name, ": pause state"));
            assertTrue(module.hasRole(keccak256("SOME_ROLE"), stranger), string.concat(m.name, ": roles"));
            assertEq(module.defaultAdmin(), admin, string.concat(m.name, ": admin"));
            assertEq(_member(m), m.memberValue, string.concat(m.name, ": initializer's field"));
        }
    }

    /// @dev The namespace is where the ERC-7201 formula puts it: a field the initializer wrote sits at
    ///      formula + its index (so the module's STORAGE_LOCATION constant equals the formula).
    function test_storageLocationsFollowTheFormula() public view {
        for (uint256 i; i < modules.length; ++i) {
            assertEq(_member(modules[i]), modules[i].memberValue, modules[i].name);
        }
        assertEq(_location("DataStreamOracle"), 0x2490d75feb435bd0ecd72f52754dbb80a5929bc543c478866290a622d2fc2000);
        assertEq(_location("PositionManager"), 0x5c5c544716350531e0245dd3bd0842ddffcebd1188777dad5fa3a2220e1a9900);
        assertEq(_location("CrossChainVault"), 0x3d22df9c2292e716ac90e5c0dd03b42e7716b02438bd03998ae82e885a403700);
        assertEq(_location("CrossChainLendingPool"), 0xa1d76c34a919af4a4f41f12c461f99c24e2cd0b936e5eb794e1fb571759c0a00);
        assertEq(_location("LiquidationEngine"), 0x5b27d0f659476a4dc7a0857e3b204b234441d4b5dea237d5578d313b978cf500);
        assertEq(_location("PerpetualTrading"), 0xe1cb051e77297f7ca06ae8f306c6715358a889afe608372a8ee6f2244c765800);
        assertEq(_location("CrossChainReceiver"), 0x86a759474bbbdf20ad159c67d1cdf75f22a102b81459c3986ce70dcd98ad7900);
        assertEq(_location("LaunchControl"), 0x9426d9a0d71a82566db68a9b29371be3f0a4dbfdc02e53ec9143877b8c21ed00);
    }

    /// @dev The constants in the sources are the literals above (read from the files, so a typo in one fails here).
    function test_storageLocationConstantsInTheSources() public {
        for (uint256 i; i < modules.length; ++i) {
            string memory name = modules[i].name;
            string memory source = vm.readFile(string.concat("src/", name, ".sol"));
            string memory literal = vm.toString(_location(name));
            assertTrue(vm.contains(source, string.concat(" =\n        ", literal, ";")), name);
        }
    }

    function _member(Module memory m) internal view returns (address) {
        bytes32 slot = bytes32(uint256(_location(m.name)) + m.member);
        return address(uint160(uint256(vm.load(m.proxy, slot))));
    }
}
