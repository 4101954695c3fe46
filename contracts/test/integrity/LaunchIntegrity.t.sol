// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {PerpIntegrityBase} from "./PerpIntegrityBase.sol";
import {CrossChainReceiver, MessageType} from "../../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {ILaunchControl, IPerpetualTrading} from "../../src/interfaces/IPlatform.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice INT-LAUNCH-*: what the launch sequence must achieve (LaunchControl read by PerpetualTrading,
///         CrossChainVault, CrossChainReceiver and LiquidationEngine) and the Automation forwarder's exclusivity.
///         The fixture's platform (BTC/USD, market 1, up to 17x) with a LaunchControl in Phase 1 on market 1, a second
///         market (ETH/USD) and a receiver on a stand-in router address.
contract LaunchIntegrity is PerpIntegrityBase {
    bytes32 internal constant ETH = keccak256("ETH/USD");
    uint64 internal constant SOURCE = 4_051_577_828_743_386_545;
    uint256 internal constant PER_WITHDRAWAL = 1_000 * USDC;
    uint256 internal constant PER_DAY = 2_500 * USDC;

    LaunchControl internal launch;
    CrossChainReceiver internal receiver;
    address internal ccipRouter = makeAddr("receiverRouter");
    address internal remoteVault = makeAddr("remoteVault");
    address internal forwarder = makeAddr("forwarder");
    address internal stranger = makeAddr("stranger");

    event PhaseAdvanced(uint8 indexed from, uint8 indexed to);
    event MessageAwaitingLaunch(bytes32 indexed messageId);
    event UpkeepPerformed(address indexed caller, uint256 requested, uint256 liquidated);

    function setUp() public {
        _setUpPerp();
        vm.startPrank(admin);
        dso.addFeed("ETH/USD", ETH, 8, 300, 500, address(0));
        dso.updatePrice(ETH, 3_000e8);
        trading.addMarket("ETH/USD", ETH, 100, 85);
        launch = PlatformDeployer.deployLaunchControl(admin, 1);
        launch.grantRole(launch.VAULT_ROLE(), address(realVault));
        launch.setWithdrawalCaps(address(usdc), PER_WITHDRAWAL, PER_DAY);
        launch.setAllowlisted(alice, true);
        trading.setLaunchControl(address(launch));
        realVault.setLaunchControl(address(launch));
        engine.setLaunchControl(address(launch));
        receiver = PlatformDeployer.deployCrossChainReceiver(
            ccipRouter, address(realVault), address(pm), address(engine), admin
        );
        receiver.setLaunchControl(address(launch));
        receiver.setAllowedSourceChain(SOURCE, true);
        receiver.setAllowedSender(remoteVault, true);
        realVault.grantRole(realVault.RECEIVER_ROLE(), address(receiver));
        engine.grantRole(engine.RECEIVER_ROLE(), address(receiver));
        vm.stopPrank();
    }

    function _advance(uint8 next) internal {
        vm.prank(admin);
        launch.advancePhase(next);
    }

    function _openOn(address who, string memory market, uint256 collateral, uint256 leverage) internal returns (uint256) {
        _deposit(who, collateral);
        vm.prank(who);
        return trading.openPosition(market, IPerpetualTrading.Side.Long, collateral * leverage, leverage, _usdc());
    }

    function _usdc() internal view returns (address) {
        return address(usdc);
    }

    // ---------------------------------------------------------------- INT-LAUNCH-01 the phase only moves forward

    /// advancePhase moves 1 -> 2 -> 3 one step at a time (PhaseAdvanced, phase() reports it); a skip, a repeat, a
    /// step back or past 3 is refused with the current phase; the admin's alone
    function test_INT_LAUNCH_01_phaseOnlyMovesForward(uint8 wrong) public {
        assertEq(launch.phase(), 1, "starts in Phase 1");
        for (uint8 current = 1; current <= 3; ++current) {
            vm.assume(wrong != current + 1 || current == 3);
            vm.prank(admin);
            vm.expectRevert(abi.encodeWithSelector(LaunchControl.PhaseNotNext.selector, current, wrong));
            launch.advancePhase(wrong);
            uint8[3] memory never = [current - 1, current, current + 2];
            for (uint256 i; i < never.length; ++i) {
                vm.prank(admin);
                vm.expectRevert(abi.encodeWithSelector(LaunchControl.PhaseNotNext.selector, current, never[i]));
                launch.advancePhase(never[i]);
            }
            assertEq(launch.phase(), current, "refusals change nothing");
            if (current == 3) break;
            vm.prank(stranger);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
            );
            launch.advancePhase(current + 1);
            vm.expectEmit(true, true, false, false, address(launch));
            emit PhaseAdvanced(current, current + 1);
            _advance(current + 1);
            assertEq(launch.phase(), current + 1, "advanced");
        }
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(LaunchControl.PhaseNotNext.selector, 3, 4));
        launch.advancePhase(4);
    }

    // ---------------------------------------------------------------- INT-LAUNCH-02 who opens what, per phase

    /// Phase 1: an allowlisted trader opens on the launch market up to 10x; anyone else, any other market and more
    /// leverage are refused, each with its own reason. Phase 2: all of them open.
    function test_INT_LAUNCH_02_phase1OpensOnlyAllowlistedLaunchMarketUpTo10x(uint256 collateral, uint256 lev1)
        public
    {
        collateral = bound(collateral, 1, MAX_COLLATERAL);
        lev1 = bound(lev1, 1, 10);
        uint256 id = _openOn(alice, "BTC/USD", collateral, lev1);
        assertTrue(pm.getPosition(id).open, "allowlisted, launch market, <= 10x: opened");

        _deposit(bob, collateral * 2);
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.TraderNotAllowlisted.selector, bob));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, collateral * lev1, lev1, _usdc());
        vm.stopPrank();
        _deposit(alice, collateral * 2);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.MarketNotLaunched.selector, 2, 1));
        trading.openPosition("ETH/USD", IPerpetualTrading.Side.Long, collateral * lev1, lev1, _usdc());
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.LeverageAbovePhaseCap.selector, 11, 10));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, collateral * 11, 11, _usdc());
        vm.stopPrank();

        _advance(2);
        assertTrue(pm.getPosition(_openOn(bob, "BTC/USD", collateral, lev1)).open, "Phase 2: anyone");
        assertTrue(pm.getPosition(_openOn(alice, "ETH/USD", collateral, 100)).open, "every market, full leverage");
        assertTrue(pm.getPosition(_openOn(alice, "BTC/USD", collateral, MAX_LEVERAGE)).open, "the market's maximum");
    }

    /// the allowlist and the launch market are the admin's; the launch market is fixed once Phase 2 starts
    function test_INT_LAUNCH_02_allowlistAndLaunchMarketAreAdminOnly() public {
        vm.startPrank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        launch.setAllowlisted(stranger, true);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        launch.setLaunchMarket(2);
        vm.stopPrank();
        vm.prank(admin);
        launch.setAllowlisted(alice, false);
        assertFalse(launch.isAllowlisted(alice), "removed");
        _deposit(alice, 1_000 * USDC);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.TraderNotAllowlisted.selector, alice));
        trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, 1_000 * USDC, 1, _usdc());
        vm.prank(admin);
        launch.setLaunchMarket(2);
        assertEq(launch.launchMarketId(), 2, "moved");
        _advance(2);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(LaunchControl.NotInPhase1.selector, 2));
        launch.setLaunchMarket(1);
    }

    // ---------------------------------------------------------------- INT-LAUNCH-03 Phase 1 withdrawal caps

    /// Phase 1: each withdrawal is at most the per-withdrawal cap and the day's total at most the daily cap (the
    /// next day starts afresh); a token without caps cannot be withdrawn; the free balance is untouched by a refusal.
    /// Phase 2: no caps.
    function test_INT_LAUNCH_03_phase1WithdrawalCaps(uint256 first, uint256 second) public {
        first = bound(first, 1, PER_WITHDRAWAL);
        second = bound(second, 1, PER_WITHDRAWAL);
        _deposit(alice, 10 * PER_DAY);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ILaunchControl.WithdrawalAboveCap.selector, address(usdc), PER_WITHDRAWAL + 1,
                PER_WITHDRAWAL)
        );
        realVault.withdrawCollateral(address(usdc), PER_WITHDRAWAL + 1);
        realVault.withdrawCollateral(address(usdc), first);
        assertEq(usdc.balanceOf(alice), first, "paid");
        assertEq(launch.withdrawnToday(address(usdc)), first, "counted");
        realVault.withdrawCollateral(address(usdc), second);
        assertEq(launch.withdrawnToday(address(usdc)), first + second, "summed over the day");
        // fill the day to its cap exactly, then one unit more is refused
        uint256 used = launch.withdrawnToday(address(usdc));
        while (used < PER_DAY) {
            uint256 step = PER_DAY - used < PER_WITHDRAWAL ? PER_DAY - used : PER_WITHDRAWAL;
            realVault.withdrawCollateral(address(usdc), step);
            used += step;
        }
        assertEq(launch.withdrawnToday(address(usdc)), PER_DAY, "the day's cap reached exactly");
        uint256 free = realVault.collateralOf(alice, address(usdc));
        vm.expectRevert(
            abi.encodeWithSelector(ILaunchControl.DailyWithdrawalCapReached.selector, address(usdc), PER_DAY + 1,
                PER_DAY)
        );
        realVault.withdrawCollateral(address(usdc), 1);
        assertEq(realVault.collateralOf(alice, address(usdc)), free, "a refusal debits nothing");
        vm.stopPrank();

        vm.warp(block.timestamp + 1 days);
        assertEq(launch.withdrawnToday(address(usdc)), 0, "a new day");
        vm.prank(alice);
        realVault.withdrawCollateral(address(usdc), PER_WITHDRAWAL);
        assertEq(usdc.balanceOf(alice), PER_DAY + PER_WITHDRAWAL, "everything withdrawn was paid");

        _advance(2);
        vm.prank(alice);
        realVault.withdrawCollateral(address(usdc), 3 * PER_DAY);
        assertEq(usdc.balanceOf(alice), 4 * PER_DAY + PER_WITHDRAWAL, "Phase 2: uncapped");
    }

    /// caps fail closed (a token without them is not withdrawable in Phase 1), are the admin's to set and must be
    /// 0 < per-withdrawal <= per-day; only the vault's withdrawals are counted
    function test_INT_LAUNCH_03_capsFailClosedAndOnlyTheVaultRecords() public {
        bytes32 vaultRole = launch.VAULT_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, vaultRole)
        );
        launch.recordWithdrawal(address(usdc), 1);
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(LaunchControl.InvalidWithdrawalCaps.selector, 0, 1));
        launch.setWithdrawalCaps(address(usdc), 0, 1);
        vm.expectRevert(abi.encodeWithSelector(LaunchControl.InvalidWithdrawalCaps.selector, 2, 1));
        launch.setWithdrawalCaps(address(usdc), 2, 1);
        vm.stopPrank();
        (uint256 per, uint256 day) = launch.withdrawalCaps(address(usdc));
        assertEq(per, PER_WITHDRAWAL, "kept");
        assertEq(day, PER_DAY, "kept");

        // a token without caps (here: any other address) cannot be withdrawn in Phase 1
        vm.prank(address(realVault));
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.WithdrawalAboveCap.selector, address(dso), 1, 0));
        launch.recordWithdrawal(address(dso), 1);
    }

    // ---------------------------------------------------------------- INT-LAUNCH-04 CCIP paths wait for Phase 3

    /// before Phase 3 the vault sends nothing cross-chain, the receiver keeps every delivery (pending, not failed,
    /// not processed; a retry is refused) and the engine refuses remote liquidations; in Phase 3 the kept deposit is
    /// processed by a retry and the sends reach the chain checks
    function test_INT_LAUNCH_04_ccipPathsWaitForPhase3(uint256 amount) public {
        amount = bound(amount, 1, MAX_COLLATERAL);
        _deposit(alice, amount);
        usdc.mint(alice, amount);
        vm.startPrank(alice);
        usdc.approve(address(realVault), amount);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 1));
        realVault.depositCrossChain(SOURCE, address(usdc), amount);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 1));
        realVault.requestCrossChainWithdrawal(SOURCE, address(usdc), amount);
        vm.stopPrank();

        Client.Any2EVMMessage memory m = _depositMessage(bob, amount);
        vm.expectEmit(true, false, false, false, address(receiver));
        emit MessageAwaitingLaunch(m.messageId);
        vm.prank(ccipRouter);
        receiver.ccipReceive(m);
        assertEq(uint8(receiver.messageStatus(m.messageId)), uint8(CrossChainReceiver.MessageStatus.Pending), "kept");
        assertEq(realVault.collateralOf(bob, address(usdc)), 0, "not credited");
        assertEq(receiver.recentFailures(), 0, "not a failure");
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 1));
        receiver.retryFailedMessage(m.messageId);
        vm.prank(address(receiver));
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 1));
        engine.liquidateFromRemote(1);

        _advance(2);
        vm.prank(address(receiver));
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 2));
        engine.liquidateFromRemote(1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.CrossChainNotLaunched.selector, 2));
        realVault.requestCrossChainWithdrawal(SOURCE, address(usdc), amount);

        _advance(3);
        vm.prank(admin);
        receiver.retryFailedMessage(m.messageId);
        assertEq(realVault.collateralOf(bob, address(usdc)), amount, "Phase 3: the kept deposit is credited");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.ChainNotSupported.selector, SOURCE));
        realVault.requestCrossChainWithdrawal(SOURCE, address(usdc), amount);
    }

    function _depositMessage(address user, uint256 amount) internal returns (Client.Any2EVMMessage memory m) {
        m.messageId = keccak256(abi.encode("deposit", user, amount));
        m.sourceChainSelector = SOURCE;
        m.sender = abi.encode(remoteVault);
        m.data = abi.encode(MessageType.ASSET_DEPOSIT, abi.encode(user, address(0xBEEF), amount, uint256(1)));
        m.destTokenAmounts = new Client.EVMTokenAmount[](1);
        m.destTokenAmounts[0] = Client.EVMTokenAmount({token: address(usdc), amount: amount});
        usdc.mint(address(receiver), amount); // the router delivers the tokens before ccipReceive
    }

    // ---------------------------------------------------------------- INT-LAUNCH-05 forwarder-only performUpkeep

    /// before a forwarder is set performUpkeep is the liquidators'; once set, only the forwarder's (liquidators and
    /// strangers refused, with both addresses); setForwarder is the admin's and refuses address 0
    function test_INT_LAUNCH_05_performUpkeepForwarderOnly(address other) public {
        vm.assume(other != forwarder && other != address(0));
        bytes memory none = abi.encode(new uint256[](0));
        vm.prank(keeper);
        engine.performUpkeep(none);
        bytes32 liquidatorRole = engine.LIQUIDATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, liquidatorRole)
        );
        engine.performUpkeep(none);

        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        engine.setForwarder(stranger);
        vm.prank(admin);
        vm.expectRevert();
        engine.setForwarder(address(0));
        vm.prank(admin);
        engine.setForwarder(forwarder);
        assertEq(engine.forwarder(), forwarder, "stored");

        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.NotForwarder.selector, other, forwarder));
        engine.performUpkeep(none);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(LiquidationEngine.NotForwarder.selector, keeper, forwarder));
        engine.performUpkeep(none);
        vm.expectEmit(true, false, false, true, address(engine));
        emit UpkeepPerformed(forwarder, 0, 0);
        vm.prank(forwarder);
        engine.performUpkeep(none);
        assertEq(engine.lastUpkeep(), block.timestamp, "performed");
    }
}
