// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";

/// Issue 14 groundwork: the upgradeable access base behind an ERC-1967 proxy (UUPS), before the modules move.
contract ModuleV1 is PlatformAccessUpgradeable {
    /// @custom:storage-location erc7201:ccperp.groundwork
    struct Store { uint256 value; }
    bytes32 private constant SLOT = keccak256(abi.encode(uint256(keccak256("ccperp.groundwork")) - 1))
        & ~bytes32(uint256(0xff));

    function initialize(address admin) external initializer { __PlatformAccess_init(admin); }
    function set(uint256 v) external whenNotPaused onlyRole(DEFAULT_ADMIN_ROLE) { _store().value = v; }
    function value() external view returns (uint256) { return _store().value; }
    function version() external pure virtual returns (uint256) { return 1; }
    function _store() private pure returns (Store storage s) {
        bytes32 slot = SLOT;
        assembly { s.slot := slot }
    }
}

contract ModuleV2 is ModuleV1 {
    function version() external pure override returns (uint256) { return 2; }
}

contract ProxyGroundworkTest is Test {
    address admin = makeAddr("admin");
    ModuleV1 module;

    function setUp() public {
        ModuleV1 impl = new ModuleV1();
        module = ModuleV1(address(new ERC1967Proxy(address(impl), abi.encodeCall(ModuleV1.initialize, (admin)))));
    }

    function test_implementationCannotBeInitialised() public {
        ModuleV1 impl = new ModuleV1();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        impl.initialize(admin);
    }

    function test_proxyIsInitialisedOnce() public {
        assertTrue(module.hasRole(module.DEFAULT_ADMIN_ROLE(), admin));
        assertTrue(module.hasRole(module.GUARDIAN_ROLE(), admin));
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        module.initialize(address(this));
    }

    function test_onlyTheAdminUpgradesAndStateSurvives() public {
        vm.prank(admin);
        module.set(42);
        address v2 = address(new ModuleV2());
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, address(this),
            module.DEFAULT_ADMIN_ROLE()));
        module.upgradeToAndCall(v2, "");
        vm.prank(admin);
        module.upgradeToAndCall(v2, "");
        assertEq(module.version(), 2);
        assertEq(module.value(), 42);
    }
}
