// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {PlatformFixture} from "../mocks/PlatformFixture.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {CrossChainReceiver, MessageType} from "../../src/CrossChainReceiver.sol";
import {IPerpetualTrading} from "../../src/interfaces/IPlatform.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice PlatformAccessUpgradeable's pause on every module (specs/integrity_access.py, INT-ACC-*): the guardian's pause sets
///         paused() and reports it, and a representative state change of that module is then refused with
///         EnforcedPause; unpause clears paused(), reports it, and the same state change succeeds again with its
///         effect (no try/catch: a module that cannot be unpaused fails). Only the guardian role pauses or unpauses.
///         The platform is the real one of test/mocks/PlatformFixture.sol, plus a CrossChainReceiver wired to it.
contract AccIntegrity is PlatformFixture {
    CrossChainReceiver internal ccReceiver;
    address internal ccipRouter = makeAddr("ccipRouter");
    address internal remoteVault = makeAddr("remoteVault");
    address internal recorder = makeAddr("recorder"); // holds the position manager's RECEIVER_ROLE
    uint64 internal constant SOURCE = 4_051_577_828_743_386_545;
    uint256 internal id;

    function setUp() public {
        vm.warp(1_700_000_000);
        _deployPlatformWithOracle();
        _supply(lender, 1_000_000 * USDC);
        _fundInsurance(5_000 * USDC);
        _deposit(alice, 20_000 * USDC);
        id = _open(alice, true, 100_000 * USDC, 10);
        vm.startPrank(admin);
        ccReceiver = PlatformDeployer.deployCrossChainReceiver(ccipRouter, address(realVault), address(pm), address(engine), admin);
        ccReceiver.setAllowedSourceChain(SOURCE, true);
        ccReceiver.setAllowedSender(remoteVault, true);
        pm.grantRole(pm.RECEIVER_ROLE(), address(ccReceiver));
        pm.grantRole(pm.RECEIVER_ROLE(), recorder);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    function _modules() internal view returns (PlatformAccessUpgradeable[7] memory) {
        return [
            PlatformAccessUpgradeable(address(realVault)),
            PlatformAccessUpgradeable(address(ccReceiver)),
            PlatformAccessUpgradeable(address(dso)),
            PlatformAccessUpgradeable(address(pool)),
            PlatformAccessUpgradeable(address(pm)),
            PlatformAccessUpgradeable(address(engine)),
            PlatformAccessUpgradeable(address(trading))
        ];
    }

    /// The guardian pauses `module`: paused() is set and Paused(guardian) reported.
    function _pause(PlatformAccessUpgradeable module) internal {
        assertFalse(module.paused(), "running before");
        vm.expectEmit(false, false, false, true, address(module));
        emit Pausable.Paused(admin);
        vm.prank(admin);
        module.pause();
        assertTrue(module.paused(), "paused");
    }

    /// The guardian unpauses `module`: paused() is cleared and Unpaused(guardian) reported.
    function _unpause(PlatformAccessUpgradeable module) internal {
        vm.expectEmit(false, false, false, true, address(module));
        emit Pausable.Unpaused(admin);
        vm.prank(admin);
        module.unpause();
        assertFalse(module.paused(), "unpaused");
    }

    function _positionUpdate(bytes32 messageId, uint256 remoteId, int256 delta)
        internal
        view
        returns (Client.Any2EVMMessage memory m)
    {
        m.messageId = messageId;
        m.sourceChainSelector = SOURCE;
        m.sender = abi.encode(remoteVault);
        m.data = abi.encode(MessageType.POSITION_UPDATE, abi.encode(remoteId, alice, delta));
        m.destTokenAmounts = new Client.EVMTokenAmount[](0);
    }

    // ---------------------------------------------------------------- INT-ACC-01 CrossChainVault

    /// paused, the vault refuses deposits; unpaused, a deposit is credited again
    function test_INT_ACC_01_vaultPauseBlocksDepositsUnpauseRestores(uint256 amount) public {
        amount = bound(amount, 1, 1e12 * USDC);
        usdc.mint(bob, amount);
        vm.prank(bob);
        usdc.approve(address(realVault), amount);
        _pause(realVault);
        vm.prank(bob);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        realVault.depositCollateral(address(usdc), amount);
        _unpause(realVault);
        vm.prank(bob);
        realVault.depositCollateral(address(usdc), amount);
        assertEq(realVault.collateralOf(bob, address(usdc)), amount, "credited after unpause");
    }

    // ---------------------------------------------------------------- INT-ACC-02 CrossChainReceiver

    /// paused, the receiver processes nothing (a delivery is only stored Pending; retry refused); unpaused, the
    /// pending message is processed on retry and new deliveries are processed directly
    function test_INT_ACC_02_receiverPauseHoldsMessagesUnpauseRestores(uint256 remoteId, int256 delta) public {
        delta = bound(delta, -1e30, 1e30);
        vm.assume(delta != 0);
        _pause(ccReceiver);
        Client.Any2EVMMessage memory m = _positionUpdate(keccak256("m1"), remoteId, delta);
        vm.prank(ccipRouter);
        ccReceiver.ccipReceive(m);
        assertEq(uint8(ccReceiver.messageStatus(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Pending));
        assertEq(pm.remoteSize(SOURCE, remoteId), 0, "not processed while paused");
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        ccReceiver.retryFailedMessage(m.messageId);

        _unpause(ccReceiver);
        vm.prank(admin);
        ccReceiver.retryFailedMessage(m.messageId);
        assertEq(pm.remoteSize(SOURCE, remoteId), delta, "processed after unpause");
        vm.prank(ccipRouter);
        ccReceiver.ccipReceive(_positionUpdate(keccak256("m2"), remoteId, delta));
        assertEq(pm.remoteSize(SOURCE, remoteId), 2 * delta, "new deliveries processed");
    }

    // ---------------------------------------------------------------- INT-ACC-03 DataStreamOracle

    /// paused, the oracle refuses price updates (reads continue); unpaused, an update is stored again
    function test_INT_ACC_03_oraclePauseBlocksUpdatesUnpauseRestores(uint256 price) public {
        price = bound(price, 45_000, 55_000);
        _pause(dso);
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        dso.updatePrice(BTC, price * 1e8);
        assertEq(dso.getPrice(BTC), 50_000 * WAD, "reads continue");
        _unpause(dso);
        vm.warp(block.timestamp + 1);
        assertTrue(_push(price), "accepted after unpause");
        assertEq(dso.getPrice(BTC), price * WAD, "stored");
    }

    // ---------------------------------------------------------------- INT-ACC-04 CrossChainLendingPool

    /// paused, the pool refuses supply; unpaused, a supply mints shares again
    function test_INT_ACC_04_poolPauseBlocksSupplyUnpauseRestores(uint256 amount) public {
        amount = bound(amount, 1_000, 1e12 * USDC);
        usdc.mint(bob, amount);
        vm.prank(bob);
        usdc.approve(address(pool), amount);
        _pause(pool);
        vm.prank(bob);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pool.supply(address(usdc), amount);
        _unpause(pool);
        vm.prank(bob);
        uint256 shares = pool.supply(address(usdc), amount);
        assertGt(shares, 0, "shares after unpause");
        assertEq(pool.sharesOf(address(usdc), bob), shares, "credited");
    }

    // ---------------------------------------------------------------- INT-ACC-05 PositionManager

    /// paused, the position manager refuses records; unpaused, a remote position is recorded again
    function test_INT_ACC_05_positionManagerPauseBlocksRecordsUnpauseRestores(uint256 remoteId, int256 delta)
        public
    {
        delta = bound(delta, -1e30, 1e30);
        vm.assume(delta != 0);
        _pause(pm);
        vm.prank(recorder);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        pm.recordRemotePosition(SOURCE, remoteId, alice, delta);
        _unpause(pm);
        vm.prank(recorder);
        pm.recordRemotePosition(SOURCE, remoteId, alice, delta);
        assertEq(pm.remoteSize(SOURCE, remoteId), delta, "recorded after unpause");
        assertEq(pm.remoteTrader(SOURCE, remoteId), alice, "trader");
    }

    // ---------------------------------------------------------------- INT-ACC-06 LiquidationEngine

    /// paused, the engine refuses to liquidate an unhealthy position; unpaused, the keeper liquidates it
    function test_INT_ACC_06_enginePauseBlocksLiquidationUnpauseRestores(uint256 price) public {
        price = bound(price, 45_500, 47_000); // value 91,000..94,000: below maintenance, within the breaker
        vm.warp(block.timestamp + 31);
        assertTrue(_push(price));
        assertTrue(trading.isLiquidatable(id), "liquidatable");
        _pause(engine);
        vm.prank(keeper);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        engine.liquidate(id);
        assertTrue(pm.isOpen(id), "still open while paused");
        _unpause(engine);
        vm.prank(keeper);
        engine.liquidate(id);
        assertFalse(pm.isOpen(id), "liquidated after unpause");
    }

    // ---------------------------------------------------------------- INT-ACC-07 PerpetualTrading

    /// paused, trading refuses to open positions; unpaused, a position opens again
    function test_INT_ACC_07_tradingPauseBlocksOpenUnpauseRestores(uint256 size) public {
        size = bound(size, 100, 10_000) * 10 * USDC; // a multiple of the leverage
        _deposit(bob, size);
        _pause(trading);
        vm.prank(bob);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, size, 10, address(usdc));
        _unpause(trading);
        uint256 opened = _open(bob, true, size, 10);
        assertTrue(pm.isOpen(opened), "opened after unpause");
        assertEq(pm.getPosition(opened).trader, bob, "bob's position");
    }

    // ---------------------------------------------------------------- INT-ACC-08 guardian only

    /// on every module, only a holder of GUARDIAN_ROLE pauses and unpauses (anyone else is refused with the role
    /// named); a newly granted guardian can, a revoked one cannot; pausing twice or unpausing a running module is
    /// refused
    function test_INT_ACC_08_onlyGuardianPausesEveryModule(address stranger) public {
        vm.assume(stranger != admin);
        PlatformAccessUpgradeable[7] memory modules = _modules();
        address guardian = makeAddr("newGuardian");
        for (uint256 i = 0; i < modules.length; ++i) {
            PlatformAccessUpgradeable module = modules[i];
            bytes32 role = module.GUARDIAN_ROLE();
            assertEq(role, keccak256("GUARDIAN_ROLE"), "guardian role");
            vm.assume(!module.hasRole(role, stranger));
            bytes memory refused =
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role);
            vm.prank(stranger);
            vm.expectRevert(refused);
            module.pause();
            assertFalse(module.paused(), "a stranger cannot pause");
            _pause(module);
            vm.prank(admin);
            vm.expectRevert(Pausable.EnforcedPause.selector);
            module.pause();
            vm.prank(stranger);
            vm.expectRevert(refused);
            module.unpause();
            assertTrue(module.paused(), "a stranger cannot unpause");
            _unpause(module);
            vm.prank(admin);
            vm.expectRevert(Pausable.ExpectedPause.selector);
            module.unpause();

            vm.prank(admin);
            module.grantRole(role, guardian);
            vm.prank(guardian);
            module.pause();
            assertTrue(module.paused(), "a new guardian pauses");
            vm.prank(guardian);
            module.unpause();
            assertFalse(module.paused(), "and unpauses");
            vm.prank(admin);
            module.revokeRole(role, guardian);
            vm.prank(guardian);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, guardian, role)
            );
            module.pause();
        }
    }

    // ---------------------------------------------------------------- INT-ACC-09 admin rotation

    /// on every module the admin rotates in two steps with the design's one-day delay: the admin proposes, the new
    /// admin's acceptance is refused at any time before the delay has passed and accepted after it, and the old
    /// admin then holds no admin role
    function test_INT_ACC_09_adminRotationTakesTwoStepsAndADay(uint256 early) public {
        early = bound(early, 0, 1 days - 1);
        PlatformAccessUpgradeable[7] memory modules = _modules();
        address next = makeAddr("nextAdmin");
        for (uint256 i = 0; i < modules.length; ++i) {
            PlatformAccessUpgradeable module = modules[i];
            assertEq(module.defaultAdminDelay(), 1 days, "the design's rotation delay");
            uint256 start = block.timestamp;
            vm.prank(admin);
            module.beginDefaultAdminTransfer(next);
            vm.warp(start + early);
            vm.prank(next);
            vm.expectRevert();
            module.acceptDefaultAdminTransfer();
            vm.warp(start + 1 days + 1);
            vm.prank(next);
            module.acceptDefaultAdminTransfer();
            assertEq(module.defaultAdmin(), next, "rotated to the new admin");
            assertFalse(module.hasRole(module.DEFAULT_ADMIN_ROLE(), admin), "the old admin holds no admin role");
        }
    }
}
