// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {CrossChainReceiver, MessageType} from "../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../src/CrossChainVault.sol";
import {P1MockERC20, P1MockPositionManager, P1MockLiquidationEngine} from "./mocks/P1Mocks.sol";
import {PlatformDeployer} from "../script/PlatformDeployer.sol";

contract CrossChainReceiverTest is Test {
    CrossChainReceiver internal receiver;
    CrossChainVault internal vault;
    P1MockPositionManager internal pm;
    P1MockLiquidationEngine internal engine;
    P1MockERC20 internal usdc;

    address internal router = makeAddr("router");
    address internal admin = makeAddr("admin");
    address internal remoteVault = makeAddr("remoteVault");
    address internal alice = makeAddr("alice");
    address internal stranger = makeAddr("stranger");
    uint64 internal constant SOURCE = 4_051_577_828_743_386_545; // Polygon mainnet selector
    uint256 internal constant T0 = 1_700_000_000;

    uint256 internal nextId = 1;

    function setUp() public {
        vm.warp(T0);
        vault = PlatformDeployer.deployCrossChainVault(makeAddr("vaultRouter"), makeAddr("link"), admin);
        pm = new P1MockPositionManager();
        engine = new P1MockLiquidationEngine();
        receiver = PlatformDeployer.deployCrossChainReceiver(router, address(vault), address(pm), address(engine), admin);
        usdc = new P1MockERC20("USD Coin", "USDC");
        vm.startPrank(admin);
        receiver.setAllowedSourceChain(SOURCE, true);
        receiver.setAllowedSender(remoteVault, true);
        vault.grantRole(vault.RECEIVER_ROLE(), address(receiver));
        vault.addSupportedToken(address(usdc));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ helpers

    function _msg(bytes32 id, uint64 chain, address sender, MessageType kind, bytes memory body)
        internal
        pure
        returns (Client.Any2EVMMessage memory m)
    {
        m.messageId = id;
        m.sourceChainSelector = chain;
        m.sender = abi.encode(sender);
        m.data = abi.encode(kind, body);
        m.destTokenAmounts = new Client.EVMTokenAmount[](0);
    }

    function _liquidation(uint256 positionId) internal returns (Client.Any2EVMMessage memory) {
        return _msg(bytes32(nextId++), SOURCE, remoteVault, MessageType.POSITION_LIQUIDATION, abi.encode(positionId));
    }

    function _deliver(Client.Any2EVMMessage memory m) internal {
        vm.prank(router);
        receiver.ccipReceive(m);
    }

    function _status(bytes32 id) internal view returns (CrossChainReceiver.MessageStatus) {
        return receiver.messageStatus(id);
    }

    // ------------------------------------------------------------------ dispatch

    function test_positionUpdate_dispatchedToPositionManager() public {
        Client.Any2EVMMessage memory m = _msg(
            bytes32(uint256(7)), SOURCE, remoteVault, MessageType.POSITION_UPDATE, abi.encode(uint256(42), alice, int256(-5))
        );
        vm.expectEmit(address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.POSITION_UPDATE);
        _deliver(m);
        assertEq(pm.calls(), 1);
        assertEq(pm.lastSourceChain(), SOURCE);
        assertEq(pm.lastRemotePositionId(), 42);
        assertEq(pm.lastTrader(), alice);
        assertEq(pm.lastSizeDelta(), -5);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Processed));
    }

    function test_liquidation_dispatchedToEngine() public {
        _deliver(_liquidation(9));
        assertEq(engine.calls(), 1);
        assertEq(engine.lastPositionId(), 9);
    }

    function test_assetDeposit_forwardsTokensAndCredits() public {
        Client.Any2EVMMessage memory m = _msg(
            bytes32(uint256(11)),
            SOURCE,
            remoteVault,
            MessageType.ASSET_DEPOSIT,
            abi.encode(alice, address(0xBEEF), uint256(500e6), uint256(1))
        );
        m.destTokenAmounts = new Client.EVMTokenAmount[](1);
        m.destTokenAmounts[0] = Client.EVMTokenAmount({token: address(usdc), amount: 500e6});
        usdc.mint(address(receiver), 500e6); // the router delivers the tokens before ccipReceive
        _deliver(m);
        assertEq(vault.collateralOf(alice, address(usdc)), 500e6);
        assertEq(usdc.balanceOf(address(vault)), 500e6);
        assertEq(usdc.balanceOf(address(receiver)), 0);
    }

    function test_assetWithdrawal_paysUser() public {
        Client.Any2EVMMessage memory m = _msg(
            bytes32(uint256(12)),
            SOURCE,
            remoteVault,
            MessageType.ASSET_WITHDRAWAL,
            abi.encode(alice, address(0xBEEF), uint256(300e6), uint256(2))
        );
        m.destTokenAmounts = new Client.EVMTokenAmount[](1);
        m.destTokenAmounts[0] = Client.EVMTokenAmount({token: address(usdc), amount: 300e6});
        usdc.mint(address(receiver), 300e6);
        _deliver(m);
        assertEq(usdc.balanceOf(alice), 300e6);
    }

    function test_assetDeposit_withoutTokens_storedAsFailed() public {
        Client.Any2EVMMessage memory m = _msg(
            bytes32(uint256(13)),
            SOURCE,
            remoteVault,
            MessageType.ASSET_DEPOSIT,
            abi.encode(alice, address(usdc), uint256(1), uint256(3))
        );
        _deliver(m);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Failed));
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
    }

    // ------------------------------------------------------------------ allowlist, router, replay

    function test_unknownSourceChain_reverts() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        m.sourceChainSelector = 999;
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.SourceChainNotAllowed.selector, uint64(999)));
        receiver.ccipReceive(m);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Unknown));
        assertEq(engine.calls(), 0);
    }

    function test_unknownSender_reverts() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        m.sender = abi.encode(stranger);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.SenderNotAllowed.selector, stranger));
        receiver.ccipReceive(m);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Unknown));
        assertEq(engine.calls(), 0);
    }

    function test_allowedSenderOnWrongChain_reverts() public {
        vm.prank(admin);
        receiver.setAllowedSourceChain(SOURCE, false);
        Client.Any2EVMMessage memory m = _liquidation(1);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.SourceChainNotAllowed.selector, SOURCE));
        receiver.ccipReceive(m);
    }

    function test_onlyRouter() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(CCIPReceiver.InvalidRouter.selector, stranger));
        receiver.ccipReceive(m);
        assertEq(engine.calls(), 0);
    }

    function test_processMessage_onlySelf() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        vm.prank(router);
        vm.expectRevert(CrossChainReceiver.OnlySelf.selector);
        receiver.processMessage(m);
        vm.prank(stranger);
        vm.expectRevert(CrossChainReceiver.OnlySelf.selector);
        receiver.processMessage(m);
        assertEq(engine.calls(), 0);
    }

    function test_sameMessageIdRefused() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        _deliver(m);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageAlreadyProcessed.selector, m.messageId));
        receiver.ccipReceive(m);
        assertEq(engine.calls(), 1);
    }

    function test_failedMessageId_alsoRefused() public {
        engine.setShouldRevert(true);
        Client.Any2EVMMessage memory m = _liquidation(1);
        _deliver(m);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageAlreadyProcessed.selector, m.messageId));
        receiver.ccipReceive(m);
    }

    // ------------------------------------------------------------------ failure handling and retry

    function test_failingMessage_storedThenRetried() public {
        engine.setShouldRevert(true);
        Client.Any2EVMMessage memory m = _liquidation(5);
        vm.expectEmit(address(receiver));
        emit CrossChainReceiver.MessageFailed(m.messageId, abi.encodeWithSelector(P1MockLiquidationEngine.P1MockFailure.selector));
        _deliver(m); // does not revert
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Failed));
        assertEq(receiver.storedMessageCount(), 1);
        assertEq(receiver.getFailedMessage(m.messageId).messageId, m.messageId);

        // a retry that fails again reverts and leaves the message stored
        vm.prank(admin);
        vm.expectRevert(P1MockLiquidationEngine.P1MockFailure.selector);
        receiver.retryFailedMessage(m.messageId);
        assertEq(receiver.storedMessageCount(), 1);

        engine.setShouldRevert(false);
        vm.prank(admin);
        receiver.retryFailedMessage(m.messageId);
        assertEq(engine.calls(), 1);
        assertEq(engine.lastPositionId(), 5);
        assertEq(receiver.storedMessageCount(), 0);
        assertEq(receiver.failedMessages(m.messageId).length, 0);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Processed));

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageNotStored.selector, m.messageId));
        receiver.retryFailedMessage(m.messageId);
    }

    function test_retry_requiresOperatorRole() public {
        engine.setShouldRevert(true);
        Client.Any2EVMMessage memory m = _liquidation(5);
        _deliver(m);
        bytes32 role = receiver.OPERATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        receiver.retryFailedMessage(m.messageId);
    }

    function test_undecodableMessage_storedNotReverted() public {
        Client.Any2EVMMessage memory m = _liquidation(1);
        m.data = hex"deadbeef";
        _deliver(m);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Failed));
    }

    function test_threeFailuresInAnHour_doNotPause() public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 3; i++) {
            vm.warp(T0 + i * 600);
            _deliver(_liquidation(i));
        }
        assertFalse(receiver.paused());
        assertEq(receiver.recentFailures(), 3);
    }

    function test_fourFailuresInAnHour_pause() public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 3; i++) {
            vm.warp(T0 + i * 1000);
            _deliver(_liquidation(i));
        }
        vm.warp(T0 + 3599);
        vm.expectEmit(address(receiver));
        emit CrossChainReceiver.CrossChainProcessingPaused(4, T0 + 3599);
        _deliver(_liquidation(3));
        assertTrue(receiver.paused());
        assertEq(receiver.storedMessageCount(), 4);
    }

    function test_fourFailuresSpreadOverMoreThanAnHour_doNotPause() public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 3; i++) {
            vm.warp(T0 + i * 1000);
            _deliver(_liquidation(i));
        }
        vm.warp(T0 + 3600); // first failure now exactly one hour old: outside the window
        _deliver(_liquidation(3));
        assertFalse(receiver.paused());
        vm.warp(T0 + 3601);
        _deliver(_liquidation(4)); // failures at 1000, 2000, 3600, 3601: four within one hour
        assertTrue(receiver.paused());
    }

    function test_whilePaused_messagesPendingThenRetried() public {
        vm.prank(admin);
        receiver.pause();
        Client.Any2EVMMessage memory m = _liquidation(77);
        vm.expectEmit(address(receiver));
        emit CrossChainReceiver.MessagePending(m.messageId);
        _deliver(m); // accepted, not processed
        assertEq(engine.calls(), 0);
        assertEq(uint8(_status(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Pending));

        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        receiver.retryFailedMessage(m.messageId);

        vm.prank(admin);
        receiver.unpause();
        vm.prank(admin);
        receiver.retryFailedMessage(m.messageId);
        assertEq(engine.calls(), 1);
        assertEq(engine.lastPositionId(), 77);
    }

    function test_pausedByFailures_unpauseResetsWindow() public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 4; i++) {
            _deliver(_liquidation(i));
        }
        assertTrue(receiver.paused());
        // the 5th arrives while paused: pending, not counted
        _deliver(_liquidation(4));
        assertEq(receiver.storedMessageCount(), 5);
        vm.prank(admin);
        receiver.unpause();
        assertEq(receiver.recentFailures(), 0);
        _deliver(_liquidation(5)); // one new failure does not re-pause
        assertFalse(receiver.paused());
    }

    // ------------------------------------------------------------------ config and interfaces

    function test_setters_requireAdmin() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, receiver.DEFAULT_ADMIN_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        receiver.setAllowedSourceChain(1, true);
        vm.expectRevert(err);
        receiver.setAllowedSender(stranger, true);
        vm.stopPrank();
    }

    function test_supportsInterface() public view {
        assertTrue(receiver.supportsInterface(type(IAny2EVMMessageReceiver).interfaceId));
        assertTrue(receiver.supportsInterface(type(IERC165).interfaceId));
        assertTrue(receiver.supportsInterface(type(IAccessControl).interfaceId));
        assertFalse(receiver.supportsInterface(0xffffffff));
        assertEq(receiver.getRouter(), router);
    }
}
