// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

import {CrossChainReceiver, MessageType} from "../../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {MockUSDC} from "../mocks/MockUSDC.sol";
import {P1MockPositionManager, P1MockLiquidationEngine} from "../mocks/P1Mocks.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";

/// @notice What CrossChainReceiver must achieve (specs/integrity_receiver.py, INT-RECV-*): every message type from an
///         allowlisted (chain, sender) reaches its handler with its fields (an asset deposit is credited in the real
///         vault, not stored as failed); a failure is stored intact and a retry runs it; a delivered id is never
///         run twice; the allowlist setters take effect; more than three failures within an hour pause processing
///         and recentFailures reports the window. Deliveries are made as the router, as in CrossChainReceiver.t.sol;
///         the position manager and liquidation engine are the recording mocks of test/mocks/P1Mocks.sol.
contract RecvIntegrity is Test {
    CrossChainReceiver internal receiver;
    CrossChainVault internal vault;
    P1MockPositionManager internal pm;
    P1MockLiquidationEngine internal engine;
    MockUSDC internal usdc;

    address internal router = makeAddr("router");
    address internal admin = makeAddr("admin");
    address internal remoteVault = makeAddr("remoteVault");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal stranger = makeAddr("stranger");
    uint64 internal constant SOURCE = 4_051_577_828_743_386_545; // Polygon mainnet selector
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant MAX_AMOUNT = 1e15 * 1e6;

    uint256 internal nextId = 1;

    function setUp() public {
        vm.warp(T0);
        vault = PlatformDeployer.deployCrossChainVault(makeAddr("vaultRouter"), makeAddr("link"), admin);
        pm = new P1MockPositionManager();
        engine = new P1MockLiquidationEngine();
        receiver =
            PlatformDeployer.deployCrossChainReceiver(router, address(vault), address(pm), address(engine), admin);
        usdc = new MockUSDC();
        vm.startPrank(admin);
        receiver.setAllowedSourceChain(SOURCE, true);
        receiver.setAllowedSender(remoteVault, true);
        vault.grantRole(vault.RECEIVER_ROLE(), address(receiver));
        vault.addSupportedToken(address(usdc));
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    function _msg(MessageType kind, bytes memory body) internal returns (Client.Any2EVMMessage memory m) {
        m.messageId = keccak256(abi.encode("message", nextId++));
        m.sourceChainSelector = SOURCE;
        m.sender = abi.encode(remoteVault);
        m.data = abi.encode(kind, body);
        m.destTokenAmounts = new Client.EVMTokenAmount[](0);
    }

    /// An asset message as the source vault sends it, with `amount` of usdc delivered to the receiver.
    function _assetMsg(MessageType kind, address user, uint256 bodyAmount, uint256 amount)
        internal
        returns (Client.Any2EVMMessage memory m)
    {
        m = _msg(kind, abi.encode(user, address(0xBEEF), bodyAmount, nextId));
        m.destTokenAmounts = new Client.EVMTokenAmount[](1);
        m.destTokenAmounts[0] = Client.EVMTokenAmount({token: address(usdc), amount: amount});
        usdc.mint(address(receiver), amount); // the router delivers the tokens before ccipReceive
    }

    function _liquidation(uint256 positionId) internal returns (Client.Any2EVMMessage memory) {
        return _msg(MessageType.POSITION_LIQUIDATION, abi.encode(positionId));
    }

    function _deliver(Client.Any2EVMMessage memory m) internal {
        vm.prank(router);
        receiver.ccipReceive(m);
    }

    function _status(bytes32 id) internal view returns (uint8) {
        return uint8(receiver.messageStatus(id));
    }

    function _deposit(address who, uint256 amount) internal {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(vault), amount);
        vault.depositCollateral(address(usdc), amount);
        vm.stopPrank();
    }

    uint8 internal constant PROCESSED = uint8(CrossChainReceiver.MessageStatus.Processed);
    uint8 internal constant FAILED = uint8(CrossChainReceiver.MessageStatus.Failed);
    uint8 internal constant PENDING = uint8(CrossChainReceiver.MessageStatus.Pending);
    uint8 internal constant UNKNOWN = uint8(CrossChainReceiver.MessageStatus.Unknown);

    // ---------------------------------------------------------------- INT-RECV-01 ASSET_DEPOSIT

    /// an allowlisted asset deposit is credited, not stored as failed: the user's collateral in the vault grows by
    /// exactly the delivered amount (the token transfer, not the body's figures), the tokens move to the vault, the
    /// message is Processed and nothing is stored; MessageReceived, CrossChainDepositCredited and MessageProcessed
    /// report it
    function test_INT_RECV_01_depositCredited(uint256 userSeed, uint256 amount, uint256 bodyAmount, uint256 others)
        public
    {
        address user = address(uint160(bound(userSeed, 1, type(uint160).max)));
        vm.assume(user != address(vault) && user != address(receiver));
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        amount = bound(amount, 1, MAX_AMOUNT);
        uint256 credited0 = vault.collateralOf(user, address(usdc));
        Client.Any2EVMMessage memory m = _assetMsg(MessageType.ASSET_DEPOSIT, user, bodyAmount, amount);
        vm.expectEmit(true, true, true, true, address(receiver));
        emit CrossChainReceiver.MessageReceived(m.messageId, SOURCE, remoteVault);
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CrossChainDepositCredited(user, address(usdc), amount);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.ASSET_DEPOSIT);
        _deliver(m);
        assertEq(_status(m.messageId), PROCESSED, "processed, not stored as failed");
        assertEq(vault.collateralOf(user, address(usdc)), credited0 + amount, "credited the delivered amount");
        assertEq(vault.totalCollateral(address(usdc)), others + amount, "totalCollateral");
        assertEq(usdc.balanceOf(address(vault)), others + amount, "tokens forwarded to the vault");
        assertEq(usdc.balanceOf(address(receiver)), 0, "nothing left at the receiver");
        assertEq(receiver.storedMessageCount(), 0, "nothing stored");
        assertEq(receiver.failedMessages(m.messageId).length, 0, "no failed copy");
        assertEq(receiver.recentFailures(), 0, "no failure counted");
    }

    /// end to end through Chainlink Local's CCIP simulator: a deposit sent by the source vault is credited on the
    /// destination by its receiver (the allowlisted sender is the source vault)
    function test_INT_RECV_01_simulatorDepositCreditedOnDestination(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        CCIPLocalSimulator sim = new CCIPLocalSimulator();
        (uint64 selector, IRouterClient ccipRouter,,, LinkToken link,,) = sim.configuration();
        CrossChainVault source = PlatformDeployer.deployCrossChainVault(address(ccipRouter), address(link), admin);
        CrossChainVault dest = PlatformDeployer.deployCrossChainVault(address(ccipRouter), address(link), admin);
        CrossChainReceiver destReceiver =
            PlatformDeployer.deployCrossChainReceiver(address(ccipRouter), address(dest), address(pm), address(engine), admin);
        vm.startPrank(admin);
        source.addSupportedToken(address(usdc));
        source.addSupportedChain(selector);
        source.setRemoteReceiver(selector, address(destReceiver));
        dest.addSupportedToken(address(usdc));
        dest.grantRole(dest.RECEIVER_ROLE(), address(destReceiver));
        destReceiver.setAllowedSourceChain(selector, true);
        destReceiver.setAllowedSender(address(source), true);
        vm.stopPrank();
        usdc.mint(alice, amount);
        vm.startPrank(alice);
        usdc.approve(address(source), amount);
        bytes32 id = source.depositCrossChain(selector, address(usdc), amount);
        vm.stopPrank();
        assertEq(uint8(destReceiver.messageStatus(id)), PROCESSED, "processed on the destination");
        assertEq(dest.collateralOf(alice, address(usdc)), amount, "credited on the destination");
        assertEq(usdc.balanceOf(address(dest)), amount, "tokens in the destination vault");
        assertEq(destReceiver.storedMessageCount(), 0, "nothing stored");
    }

    // ---------------------------------------------------------------- INT-RECV-02 ASSET_WITHDRAWAL

    /// an allowlisted asset withdrawal pays the user exactly the delivered amount through the vault, touches no
    /// collateral, is Processed and reported
    function test_INT_RECV_02_withdrawalPaid(uint256 amount, uint256 bodyAmount, uint256 others) public {
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        amount = bound(amount, 1, MAX_AMOUNT);
        Client.Any2EVMMessage memory m = _assetMsg(MessageType.ASSET_WITHDRAWAL, alice, bodyAmount, amount);
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CrossChainWithdrawalPaid(alice, address(usdc), amount);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.ASSET_WITHDRAWAL);
        _deliver(m);
        assertEq(_status(m.messageId), PROCESSED, "processed");
        assertEq(usdc.balanceOf(alice), amount, "paid the delivered amount");
        assertEq(vault.totalCollateral(address(usdc)), others, "books untouched");
        assertEq(vault.collateralOf(bob, address(usdc)), others, "others untouched");
        assertEq(usdc.balanceOf(address(vault)), others, "others' collateral still held");
        assertEq(usdc.balanceOf(address(receiver)), 0, "nothing left at the receiver");
    }

    // ---------------------------------------------------------------- INT-RECV-03 POSITION_UPDATE

    /// a position update from any allowlisted chain reaches the position manager once, with its source chain,
    /// remote id, trader and size delta
    function test_INT_RECV_03_positionUpdateReachesManager(uint64 chain, uint256 remoteId, address trader, int256 delta)
        public
    {
        vm.prank(admin);
        receiver.setAllowedSourceChain(chain, true);
        Client.Any2EVMMessage memory m = _msg(MessageType.POSITION_UPDATE, abi.encode(remoteId, trader, delta));
        m.sourceChainSelector = chain;
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.POSITION_UPDATE);
        _deliver(m);
        assertEq(pm.calls(), 1, "called once");
        assertEq(pm.lastSourceChain(), chain, "source chain");
        assertEq(pm.lastRemotePositionId(), remoteId, "remote id");
        assertEq(pm.lastTrader(), trader, "trader");
        assertEq(pm.lastSizeDelta(), delta, "size delta");
        assertEq(_status(m.messageId), PROCESSED, "processed");
    }

    // ---------------------------------------------------------------- INT-RECV-04 POSITION_LIQUIDATION

    /// a liquidation request reaches the liquidation engine once, with its position id
    function test_INT_RECV_04_liquidationReachesEngine(uint256 positionId) public {
        Client.Any2EVMMessage memory m = _liquidation(positionId);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.POSITION_LIQUIDATION);
        _deliver(m);
        assertEq(engine.calls(), 1, "called once");
        assertEq(engine.lastPositionId(), positionId, "position id");
        assertEq(_status(m.messageId), PROCESSED, "processed");
        assertEq(pm.calls(), 0, "no other handler");
    }

    // ---------------------------------------------------------------- INT-RECV-05 failure storage and retry

    /// a failing message does not revert the delivery: it is stored intact (getFailedMessage returns it), counted,
    /// reported with its reason; a retry that fails again reverts and keeps it; a retry that succeeds runs the
    /// handler with the stored fields, removes it and reports it; a second retry is refused; operators only
    function test_INT_RECV_05_failureStoredThenRetried(uint256 positionId) public {
        engine.setShouldRevert(true);
        Client.Any2EVMMessage memory m = _liquidation(positionId);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageFailed(
            m.messageId, abi.encodeWithSelector(P1MockLiquidationEngine.P1MockFailure.selector)
        );
        _deliver(m);
        assertEq(_status(m.messageId), FAILED, "failed");
        assertEq(receiver.storedMessageCount(), 1, "stored");
        assertEq(receiver.failedMessages(m.messageId), abi.encode(m), "stored intact");
        Client.Any2EVMMessage memory s = receiver.getFailedMessage(m.messageId);
        assertEq(s.messageId, m.messageId, "id");
        assertEq(s.sourceChainSelector, SOURCE, "chain");
        assertEq(s.sender, m.sender, "sender");
        assertEq(s.data, m.data, "data");
        assertEq(receiver.recentFailures(), 1, "counted");

        bytes32 role = receiver.OPERATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        receiver.retryFailedMessage(m.messageId);

        vm.prank(admin);
        vm.expectRevert(P1MockLiquidationEngine.P1MockFailure.selector);
        receiver.retryFailedMessage(m.messageId);
        assertEq(receiver.storedMessageCount(), 1, "still stored");
        assertEq(_status(m.messageId), FAILED, "still failed");

        engine.setShouldRevert(false);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageProcessed(m.messageId, MessageType.POSITION_LIQUIDATION);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessageRetried(m.messageId);
        vm.prank(admin);
        receiver.retryFailedMessage(m.messageId);
        assertEq(engine.calls(), 1, "handler ran once");
        assertEq(engine.lastPositionId(), positionId, "with the stored position id");
        assertEq(_status(m.messageId), PROCESSED, "processed");
        assertEq(receiver.storedMessageCount(), 0, "removed");
        assertEq(receiver.failedMessages(m.messageId).length, 0, "storage cleared");
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageNotStored.selector, m.messageId));
        receiver.getFailedMessage(m.messageId);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageNotStored.selector, m.messageId));
        receiver.retryFailedMessage(m.messageId);
    }

    /// a deposit that failed (its token not yet supported) keeps its tokens at the receiver, and its retry credits
    /// the user exactly the delivered amount
    function test_INT_RECV_05_failedDepositRetriedIsCredited(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        vm.prank(admin);
        vault.removeSupportedToken(address(usdc));
        Client.Any2EVMMessage memory m = _assetMsg(MessageType.ASSET_DEPOSIT, alice, amount, amount);
        _deliver(m);
        assertEq(_status(m.messageId), FAILED, "failed while unsupported");
        assertEq(usdc.balanceOf(address(receiver)), amount, "tokens kept for the retry");
        assertEq(vault.collateralOf(alice, address(usdc)), 0, "not credited yet");
        vm.startPrank(admin);
        vault.addSupportedToken(address(usdc));
        receiver.retryFailedMessage(m.messageId);
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(usdc)), amount, "credited on retry");
        assertEq(usdc.balanceOf(address(vault)), amount, "tokens in the vault");
        assertEq(_status(m.messageId), PROCESSED, "processed");
    }

    // ---------------------------------------------------------------- INT-RECV-06 replay refused

    /// a message id already seen (processed, failed or pending) is refused on redelivery, and its handler does not
    /// run again; the stored copy and the count are unchanged
    function test_INT_RECV_06_replayRefused(uint8 state, uint256 positionId) public {
        state = uint8(bound(state, 0, 2));
        if (state == 1) engine.setShouldRevert(true);
        if (state == 2) {
            vm.prank(admin);
            receiver.pause();
        }
        Client.Any2EVMMessage memory m = _liquidation(positionId);
        _deliver(m);
        uint8 status = _status(m.messageId);
        assertEq(status, state == 0 ? PROCESSED : state == 1 ? FAILED : PENDING, "first delivery recorded");
        uint256 calls = engine.calls();
        uint256 stored = receiver.storedMessageCount();
        engine.setShouldRevert(false);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageAlreadyProcessed.selector, m.messageId));
        receiver.ccipReceive(m);
        assertEq(engine.calls(), calls, "handler not run again");
        assertEq(_status(m.messageId), status, "status unchanged");
        assertEq(receiver.storedMessageCount(), stored, "stored count unchanged");
    }

    /// a deposit is credited once: its redelivery is refused and credits nothing more
    function test_INT_RECV_06_depositCreditedOnce(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        Client.Any2EVMMessage memory m = _assetMsg(MessageType.ASSET_DEPOSIT, alice, amount, amount);
        _deliver(m);
        usdc.mint(address(receiver), amount);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageAlreadyProcessed.selector, m.messageId));
        receiver.ccipReceive(m);
        assertEq(vault.collateralOf(alice, address(usdc)), amount, "credited once");
    }

    // ---------------------------------------------------------------- INT-RECV-07 allowlist setters

    /// setAllowedSourceChain / setAllowedSender set the allowlist and report it; a message is accepted only from an
    /// allowed chain AND an allowed sender, and a refused one leaves no trace; admin only
    function test_INT_RECV_07_allowlistTakesEffect(uint64 chain, address sender, uint256 positionId) public {
        vm.assume(chain != SOURCE && sender != remoteVault);
        vm.startPrank(admin);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.AllowedSourceChainSet(chain, true);
        receiver.setAllowedSourceChain(chain, true);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.AllowedSenderSet(sender, true);
        receiver.setAllowedSender(sender, true);
        vm.stopPrank();
        assertTrue(receiver.allowedSourceChains(chain), "chain allowed");
        assertTrue(receiver.allowedSenders(sender), "sender allowed");

        Client.Any2EVMMessage memory m = _liquidation(positionId);
        m.sourceChainSelector = chain;
        m.sender = abi.encode(sender);
        _deliver(m);
        assertEq(engine.calls(), 1, "accepted from the new pair");

        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.AllowedSenderSet(sender, false);
        vm.prank(admin);
        receiver.setAllowedSender(sender, false);
        assertFalse(receiver.allowedSenders(sender), "sender removed");
        m = _liquidation(positionId);
        m.sourceChainSelector = chain;
        m.sender = abi.encode(sender);
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.SenderNotAllowed.selector, sender));
        receiver.ccipReceive(m);
        assertEq(_status(m.messageId), UNKNOWN, "no trace");

        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.AllowedSourceChainSet(chain, false);
        vm.prank(admin);
        receiver.setAllowedSourceChain(chain, false);
        assertFalse(receiver.allowedSourceChains(chain), "chain removed");
        m.sender = abi.encode(remoteVault); // an allowed sender on a removed chain
        vm.prank(router);
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.SourceChainNotAllowed.selector, chain));
        receiver.ccipReceive(m);
        assertEq(engine.calls(), 1, "refused messages never reach a handler");
        assertEq(receiver.storedMessageCount(), 0, "nor are stored");

        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, receiver.DEFAULT_ADMIN_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        receiver.setAllowedSourceChain(chain, true);
        vm.expectRevert(err);
        receiver.setAllowedSender(stranger, true);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-RECV-08 router-only, self-only

    /// only the router delivers (ccipReceive) and only the receiver itself runs processMessage; neither leaves a
    /// trace when refused
    function test_INT_RECV_08_onlyRouterDeliversOnlySelfProcesses(address caller, uint256 positionId) public {
        vm.assume(caller != router && caller != address(receiver));
        Client.Any2EVMMessage memory m = _liquidation(positionId);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(CCIPReceiver.InvalidRouter.selector, caller));
        receiver.ccipReceive(m);
        vm.prank(caller);
        vm.expectRevert(CrossChainReceiver.OnlySelf.selector);
        receiver.processMessage(m);
        vm.prank(router);
        vm.expectRevert(CrossChainReceiver.OnlySelf.selector);
        receiver.processMessage(m);
        assertEq(engine.calls(), 0, "no handler ran");
        assertEq(_status(m.messageId), UNKNOWN, "no trace");
        _deliver(m); // the router's delivery of the same message is still live
        assertEq(engine.calls(), 1, "delivered by the router");
    }

    // ---------------------------------------------------------------- INT-RECV-09 failure pause

    /// failures at fuzzed times: recentFailures counts those within the last hour; the fourth failure pauses
    /// processing exactly when the last four fall within one hour (CrossChainProcessingPaused reports it)
    function test_INT_RECV_09_fourFailuresWithinAnHourPause(uint256 g1, uint256 g2, uint256 g3) public {
        uint256[4] memory at;
        at[0] = T0;
        at[1] = at[0] + bound(g1, 0, 2_000);
        at[2] = at[1] + bound(g2, 0, 2_000);
        at[3] = at[2] + bound(g3, 0, 2_000);
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 3; ++i) {
            vm.warp(at[i]);
            _deliver(_liquidation(i));
            uint256 expected;
            for (uint256 j = 0; j <= i; ++j) {
                if (at[i] - at[j] < 1 hours) ++expected;
            }
            assertEq(receiver.recentFailures(), expected, "recentFailures");
            assertFalse(receiver.paused(), "three failures never pause");
        }
        vm.warp(at[3]);
        bool shouldPause = at[3] - at[0] < 1 hours;
        if (shouldPause) {
            vm.expectEmit(false, false, false, true, address(receiver));
            emit CrossChainReceiver.CrossChainProcessingPaused(4, at[3]);
        }
        _deliver(_liquidation(3));
        assertEq(receiver.paused(), shouldPause, "paused iff four failures within an hour");
        assertEq(receiver.storedMessageCount(), 4, "all four stored");
        if (shouldPause) assertEq(receiver.recentFailures(), 4, "window reported");
    }

    /// the window is one hour, exclusive: a fourth failure exactly 3600 s after the first does not pause, one at
    /// 3599 s does
    function test_INT_RECV_09_windowIsOneHourExclusive(bool inside) public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 3; ++i) {
            vm.warp(T0 + i * 1_000);
            _deliver(_liquidation(i));
        }
        vm.warp(T0 + (inside ? 3_599 : 3_600));
        _deliver(_liquidation(3));
        assertEq(receiver.paused(), inside, "paused iff the first of four failures is less than an hour old");
        assertEq(receiver.recentFailures(), inside ? 4 : 3, "recentFailures uses the same window");
    }

    /// while paused a delivery is stored Pending (reported, not processed, not counted as a failure); unpause
    /// resets the window (FailureWindowReset) and a retry processes the pending message
    function test_INT_RECV_09_pausedDeliveriesPendingThenRetried(uint256 positionId) public {
        engine.setShouldRevert(true);
        for (uint256 i = 0; i < 4; ++i) {
            _deliver(_liquidation(i));
        }
        assertTrue(receiver.paused(), "paused by failures");
        engine.setShouldRevert(false);
        Client.Any2EVMMessage memory m = _liquidation(positionId);
        vm.expectEmit(true, false, false, true, address(receiver));
        emit CrossChainReceiver.MessagePending(m.messageId);
        _deliver(m);
        assertEq(_status(m.messageId), PENDING, "pending");
        assertEq(engine.calls(), 0, "not processed while paused");
        assertEq(receiver.storedMessageCount(), 5, "stored");
        assertEq(receiver.recentFailures(), 4, "not counted as a failure");
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        receiver.retryFailedMessage(m.messageId);

        vm.expectEmit(false, false, false, true, address(receiver));
        emit CrossChainReceiver.FailureWindowReset();
        vm.prank(admin);
        receiver.unpause();
        assertEq(receiver.recentFailures(), 0, "window reset");
        vm.prank(admin);
        receiver.retryFailedMessage(m.messageId);
        assertEq(engine.calls(), 1, "processed on retry");
        assertEq(engine.lastPositionId(), positionId, "with its fields");
        assertEq(_status(m.messageId), PROCESSED, "processed");
        assertEq(receiver.storedMessageCount(), 4, "removed from storage");
        engine.setShouldRevert(true);
        _deliver(_liquidation(99));
        assertFalse(receiver.paused(), "one new failure does not re-pause");
    }

    // ---------------------------------------------------------------- INT-RECV-10 views

    /// supportsInterface answers true exactly for the CCIP receiver, ERC-165 and the two access-control ids;
    /// getFailedMessage refuses an id that is not stored; an undelivered id is Unknown
    function test_INT_RECV_10_views(bytes4 other, bytes32 id) public view {
        bytes4[4] memory ids = [
            type(IAny2EVMMessageReceiver).interfaceId,
            type(IERC165).interfaceId,
            type(IAccessControl).interfaceId,
            type(IAccessControlDefaultAdminRules).interfaceId
        ];
        for (uint256 i = 0; i < 4; ++i) {
            assertTrue(receiver.supportsInterface(ids[i]), "supported id");
        }
        if (other != ids[0] && other != ids[1] && other != ids[2] && other != ids[3]) {
            assertFalse(receiver.supportsInterface(other), "any other id unsupported");
        }
        assertEq(_status(id), UNKNOWN, "undelivered id unknown");
        assertEq(receiver.recentFailures(), 0, "no failures yet");
        assertEq(receiver.getRouter(), router, "router");
        assertEq(address(receiver.vault()), address(vault), "vault from initialize");
        assertEq(address(receiver.positionManager()), address(pm), "position manager from initialize");
        assertEq(address(receiver.liquidationEngine()), address(engine), "liquidation engine from initialize");
    }

    /// getFailedMessage refuses an id that is not stored
    function test_INT_RECV_10_getFailedMessageRefusesUnstored(bytes32 id) public {
        vm.expectRevert(abi.encodeWithSelector(CrossChainReceiver.MessageNotStored.selector, id));
        receiver.getFailedMessage(id);
    }

    /// the initializer (the constructor before the proxies) refuses a zero vault, position manager or liquidation
    /// engine: a receiver wired to nothing would accept deliveries it can only fail
    function test_INT_RECV_10_constructorRefusesZeroWiring(uint8 which) public {
        address[3] memory wiring = [address(vault), address(pm), address(engine)];
        wiring[bound(which, 0, 2)] = address(0);
        CrossChainReceiver impl = new CrossChainReceiver(router);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        PlatformDeployer.proxyCrossChainReceiver(impl, wiring[0], wiring[1], wiring[2], admin);
    }

    /// initialize runs once: a second call (by anyone, the admin included) is refused and changes nothing
    function test_INT_RECV_10_initializeOnlyOnce(address who) public {
        vm.prank(who);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        receiver.initialize(who, who, who, who);
        assertEq(address(receiver.vault()), address(vault), "wiring unchanged");
        assertTrue(receiver.hasRole(receiver.OPERATOR_ROLE(), admin), "operator from initialize");
    }

    // ---------------------------------------------------------------- INT-RECV-11 launch control wiring

    event LaunchControlSet(address indexed launchControl);
    event MessageAwaitingLaunch(bytes32 indexed messageId);

    /// unwired the receiver processes a delivery; wired to a Phase 1 LaunchControl the next one is kept pending and
    /// credits nothing; zero and strangers refused
    function test_INT_RECV_11_launchControlWiring(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        Client.Any2EVMMessage memory first = _assetMsg(MessageType.ASSET_DEPOSIT, alice, amount, amount);
        _deliver(first);
        assertEq(vault.collateralOf(alice, address(usdc)), amount, "unwired: processed");

        vm.startPrank(admin);
        LaunchControl launch = PlatformDeployer.deployLaunchControl(admin, 1);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        receiver.setLaunchControl(address(0));
        vm.expectEmit(true, false, false, false, address(receiver));
        emit LaunchControlSet(address(launch));
        receiver.setLaunchControl(address(launch));
        vm.stopPrank();
        assertEq(address(receiver.launchControl()), address(launch), "reported");
        Client.Any2EVMMessage memory second = _assetMsg(MessageType.ASSET_DEPOSIT, bob, amount, amount);
        vm.expectEmit(true, false, false, false, address(receiver));
        emit MessageAwaitingLaunch(second.messageId);
        _deliver(second);
        assertEq(_status(second.messageId), uint8(CrossChainReceiver.MessageStatus.Pending), "kept");
        assertEq(vault.collateralOf(bob, address(usdc)), 0, "Phase 1: not credited");
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        receiver.setLaunchControl(stranger);
    }
}
