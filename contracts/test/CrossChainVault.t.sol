// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {MockCCIPRouter} from "@chainlink/local/src/vendor/chainlink-ccip/test/mocks/MockRouter.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {CrossChainVault} from "../src/CrossChainVault.sol";
import {P1MockERC20, P1HookToken} from "./mocks/P1Mocks.sol";
import {PlatformDeployer} from "../script/PlatformDeployer.sol";

contract CrossChainVaultTest is Test {
    CCIPLocalSimulator internal sim;
    IRouterClient internal router;
    LinkToken internal link;
    uint64 internal selector;
    CrossChainVault internal vault;
    P1MockERC20 internal usdc;

    address internal admin = makeAddr("admin");
    address internal alice = makeAddr("alice");
    address internal trading = makeAddr("trading");
    address internal receiver = makeAddr("receiver");
    address internal stranger = makeAddr("stranger");

    function setUp() public {
        sim = new CCIPLocalSimulator();
        (selector, router,,, link,,) = sim.configuration();
        vault = PlatformDeployer.deployCrossChainVault(address(router), address(link), admin);
        usdc = new P1MockERC20("USD Coin", "USDC");
        vm.startPrank(admin);
        vault.addSupportedToken(address(usdc));
        vault.addSupportedChain(selector);
        vault.setRemoteReceiver(selector, makeAddr("remoteReceiver"));
        vault.grantRole(vault.TRADING_ROLE(), trading);
        vault.grantRole(vault.RECEIVER_ROLE(), receiver);
        vm.stopPrank();
        usdc.mint(alice, 10_000e6);
        vm.prank(alice);
        usdc.approve(address(vault), type(uint256).max);
    }

    function _deposit(uint256 amount) internal {
        vm.prank(alice);
        vault.depositCollateral(address(usdc), amount);
    }

    // ------------------------------------------------------------------ deposit / withdraw

    function test_deposit_creditsAndHoldsTokens() public {
        vm.expectEmit(address(vault));
        emit CrossChainVault.CollateralDeposited(alice, address(usdc), 10_000e6);
        _deposit(10_000e6);
        assertEq(vault.collateralOf(alice, address(usdc)), 10_000e6);
        assertEq(vault.totalCollateral(address(usdc)), 10_000e6);
        assertEq(usdc.balanceOf(address(vault)), 10_000e6);
    }

    function test_withdraw_debitsAndPays() public {
        _deposit(10_000e6);
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), 4_000e6);
        assertEq(vault.collateralOf(alice, address(usdc)), 6_000e6);
        assertEq(vault.totalCollateral(address(usdc)), 6_000e6);
        assertEq(usdc.balanceOf(alice), 4_000e6);
    }

    function test_withdraw_moreThanBalanceReverts() public {
        _deposit(1_000e6);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.InsufficientCollateral.selector, alice, address(usdc), 1_000e6, 1_000e6 + 1
            )
        );
        vault.withdrawCollateral(address(usdc), 1_000e6 + 1);
    }

    function test_deposit_unsupportedTokenReverts() public {
        P1MockERC20 other = new P1MockERC20("Other", "OTH");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.TokenNotSupported.selector, address(other)));
        vault.depositCollateral(address(other), 1);
    }

    function test_deposit_zeroReverts() public {
        vm.prank(alice);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.depositCollateral(address(usdc), 0);
    }

    function test_withdraw_afterTokenDelisted() public {
        _deposit(1_000e6);
        vm.prank(admin);
        vault.removeSupportedToken(address(usdc));
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), 1_000e6);
        assertEq(usdc.balanceOf(alice), 10_000e6);
    }

    /// The books are settled before the token transfer: anything reached during the transfer sees the debit.
    function test_withdraw_debitsBeforeTransfer() public {
        P1HookToken hook = new P1HookToken();
        vm.prank(admin);
        vault.addSupportedToken(address(hook));
        hook.mint(alice, 100);
        hook.watch(vault, alice);
        vm.startPrank(alice);
        hook.approve(address(vault), 100);
        vault.depositCollateral(address(hook), 100);
        vault.withdrawCollateral(address(hook), 60);
        vm.stopPrank();
        assertTrue(hook.hookRan());
        assertEq(hook.seenCollateral(), 40, "collateral read during the transfer must already be debited");
    }

    function testFuzz_depositWithdraw_balanceCoversBooks(uint96 a, uint96 b) public {
        uint256 dep = bound(a, 1, 10_000e6);
        uint256 wd = bound(b, 1, dep);
        _deposit(dep);
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), wd);
        assertEq(vault.collateralOf(alice, address(usdc)), dep - wd);
        assertGe(usdc.balanceOf(address(vault)), vault.totalCollateral(address(usdc)));
    }

    // ------------------------------------------------------------------ lock / release

    function test_lock_movesToTradingAndDebits() public {
        _deposit(10_000e6);
        vm.prank(trading);
        vault.lockCollateral(alice, address(usdc), 10_000e6);
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
        assertEq(usdc.balanceOf(trading), 10_000e6);
    }

    function test_release_creditsWhenBacked() public {
        _deposit(10_000e6);
        vm.prank(trading);
        vault.lockCollateral(alice, address(usdc), 10_000e6);
        vm.startPrank(trading);
        usdc.transfer(address(vault), 7_000e6);
        vault.releaseCollateral(alice, address(usdc), 7_000e6);
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(usdc)), 7_000e6);
    }

    function test_release_unbackedReverts() public {
        vm.prank(trading);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.Unbacked.selector, address(usdc), 0, 1));
        vault.releaseCollateral(alice, address(usdc), 1);
    }

    function test_lockRelease_requireTradingRole() public {
        _deposit(10_000e6);
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, vault.TRADING_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        vault.lockCollateral(alice, address(usdc), 1);
        vm.expectRevert(err);
        vault.releaseCollateral(alice, address(usdc), 1);
        vm.stopPrank();
    }

    function test_receiverFunctions_requireReceiverRole() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, vault.RECEIVER_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        vault.creditCrossChainDeposit(alice, address(usdc), 1);
        vm.expectRevert(err);
        vault.processCrossChainWithdrawal(alice, address(usdc), 1);
        vm.stopPrank();
    }

    function test_creditCrossChainDeposit_needsTokensInVault() public {
        vm.prank(receiver);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.Unbacked.selector, address(usdc), 0, 5e6));
        vault.creditCrossChainDeposit(alice, address(usdc), 5e6);
        usdc.mint(address(vault), 5e6);
        vm.prank(receiver);
        vault.creditCrossChainDeposit(alice, address(usdc), 5e6);
        assertEq(vault.collateralOf(alice, address(usdc)), 5e6);
    }

    function test_processCrossChainWithdrawal_neverPaysOthersCollateral() public {
        _deposit(10_000e6);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(CrossChainVault.Unbacked.selector, address(usdc), 10_000e6, 10_000e6 + 1)
        );
        vault.processCrossChainWithdrawal(stranger, address(usdc), 1);
        usdc.mint(address(vault), 3e6); // the forwarded tokens
        vm.prank(receiver);
        vault.processCrossChainWithdrawal(stranger, address(usdc), 3e6);
        assertEq(usdc.balanceOf(stranger), 3e6);
    }

    // ------------------------------------------------------------------ cross-chain sends

    function test_depositCrossChain_notEnoughLink() public {
        MockCCIPRouter(address(router)).setFee(1e17);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NotEnoughLink.selector, 0, 1e17));
        vault.depositCrossChain(selector, address(usdc), 1e6);
    }

    function test_depositCrossChain_unsupportedChain() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.ChainNotSupported.selector, uint64(1)));
        vault.depositCrossChain(1, address(usdc), 1e6);
    }

    // ------------------------------------------------------------------ access control and pause

    function test_setters_requireAdmin() public {
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, vault.DEFAULT_ADMIN_ROLE()
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        vault.addSupportedToken(address(1));
        vm.expectRevert(err);
        vault.removeSupportedToken(address(usdc));
        vm.expectRevert(err);
        vault.addSupportedChain(1);
        vm.expectRevert(err);
        vault.removeSupportedChain(selector);
        vm.expectRevert(err);
        vault.setRemoteReceiver(1, address(1));
        vm.expectRevert(err);
        vault.setCcipGasLimit(1);
        vm.stopPrank();
    }

    function test_pause_blocksDepositsLocksAndSends() public {
        _deposit(1_000e6);
        vm.prank(admin);
        vault.pause();
        vm.startPrank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.depositCollateral(address(usdc), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.depositCrossChain(selector, address(usdc), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.requestCrossChainWithdrawal(selector, address(usdc), 1);
        vm.stopPrank();
        vm.prank(trading);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.lockCollateral(alice, address(usdc), 1);
        vm.startPrank(receiver);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.creditCrossChainDeposit(alice, address(usdc), 1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.processCrossChainWithdrawal(alice, address(usdc), 1);
        vm.stopPrank();
    }

    function test_pause_exemptWithdrawAndReleaseStillWork() public {
        _deposit(1_000e6);
        vm.prank(trading);
        vault.lockCollateral(alice, address(usdc), 400e6);
        vm.prank(admin);
        vault.pause();
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), 600e6);
        assertEq(usdc.balanceOf(alice), 9_600e6);
        vm.startPrank(trading);
        usdc.transfer(address(vault), 400e6);
        vault.releaseCollateral(alice, address(usdc), 400e6);
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(usdc)), 400e6);
    }

    function test_pause_onlyGuardian() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, keccak256("GUARDIAN_ROLE")
            )
        );
        vault.pause();
    }
}
