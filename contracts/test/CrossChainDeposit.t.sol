// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";
import {BurnMintERC677Helper} from "@chainlink/local/src/ccip/BurnMintERC677Helper.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {MockCCIPRouter} from "@chainlink/local/src/vendor/chainlink-ccip/test/mocks/MockRouter.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";

import {CrossChainReceiver} from "../src/CrossChainReceiver.sol";
import {CrossChainVault} from "../src/CrossChainVault.sol";
import {P1MockPositionManager, P1MockLiquidationEngine} from "./mocks/P1Mocks.sol";
import {PlatformDeployer} from "../script/PlatformDeployer.sol";

/// @notice Two platform stacks ("Ethereum" and "Polygon") on one EVM, linked through the CCIP local
///         simulator's router (it has a single chain selector, so both directions use it).
contract CrossChainDepositTest is Test {
    CCIPLocalSimulator internal sim;
    IRouterClient internal router;
    LinkToken internal link;
    BurnMintERC677Helper internal bnm;
    uint64 internal selector;

    struct Stack {
        CrossChainVault vault;
        CrossChainReceiver receiver;
        P1MockPositionManager pm;
        P1MockLiquidationEngine engine;
    }

    Stack internal eth;
    Stack internal polygon;

    address internal admin = makeAddr("admin");
    address internal alice = makeAddr("alice");

    uint256 internal constant FEE = 0.1 ether;

    function setUp() public {
        sim = new CCIPLocalSimulator();
        (selector, router,,, link, bnm,) = sim.configuration();
        eth = _deploy();
        polygon = _deploy();
        _link(eth, polygon);
        _link(polygon, eth);
        MockCCIPRouter(address(router)).setFee(FEE);
        sim.requestLinkFromFaucet(address(eth.vault), 1 ether);
        sim.requestLinkFromFaucet(address(polygon.vault), 1 ether);
        bnm.drip(alice); // 1e18
        bnm.drip(alice);
        vm.prank(alice);
        bnm.approve(address(eth.vault), type(uint256).max);
    }

    function _deploy() internal returns (Stack memory s) {
        s.vault = PlatformDeployer.deployCrossChainVault(address(router), address(link), admin);
        s.pm = new P1MockPositionManager();
        s.engine = new P1MockLiquidationEngine();
        s.receiver = PlatformDeployer.deployCrossChainReceiver(address(router), address(s.vault), address(s.pm), address(s.engine), admin);
        vm.startPrank(admin);
        s.vault.addSupportedToken(address(bnm));
        s.vault.grantRole(s.vault.RECEIVER_ROLE(), address(s.receiver));
        vm.stopPrank();
    }

    /// `from`'s vault sends to `to`'s receiver, which accepts messages from `from`'s vault.
    function _link(Stack memory from, Stack memory to) internal {
        vm.startPrank(admin);
        from.vault.addSupportedChain(selector);
        from.vault.setRemoteReceiver(selector, address(to.receiver));
        to.receiver.setAllowedSourceChain(selector, true);
        to.receiver.setAllowedSender(address(from.vault), true);
        vm.stopPrank();
    }

    function test_depositFromEthereumCreditedOnPolygon() public {
        vm.prank(alice);
        bytes32 id = eth.vault.depositCrossChain(selector, address(bnm), 1.5 ether);
        assertTrue(id != bytes32(0));
        assertEq(polygon.vault.collateralOf(alice, address(bnm)), 1.5 ether);
        assertEq(bnm.balanceOf(address(polygon.vault)), 1.5 ether);
        assertEq(bnm.balanceOf(address(eth.vault)), 0);
        assertEq(bnm.balanceOf(alice), 0.5 ether);
        assertEq(link.balanceOf(address(eth.vault)), 1 ether - FEE);
        assertEq(uint8(polygon.receiver.messageStatus(id)), uint8(CrossChainReceiver.MessageStatus.Processed));
    }

    function test_twoIdenticalDeposits_areDistinctMessages() public {
        vm.startPrank(alice);
        bytes32 a = eth.vault.depositCrossChain(selector, address(bnm), 0.5 ether);
        bytes32 b = eth.vault.depositCrossChain(selector, address(bnm), 0.5 ether);
        vm.stopPrank();
        assertTrue(a != b);
        assertEq(polygon.vault.collateralOf(alice, address(bnm)), 1 ether);
    }

    function test_withdrawBackToEthereum() public {
        vm.prank(alice);
        eth.vault.depositCrossChain(selector, address(bnm), 2 ether);
        vm.prank(alice);
        polygon.vault.requestCrossChainWithdrawal(selector, address(bnm), 0.75 ether);
        assertEq(polygon.vault.collateralOf(alice, address(bnm)), 1.25 ether);
        assertEq(bnm.balanceOf(alice), 0.75 ether);
        assertEq(bnm.balanceOf(address(eth.vault)), 0);
        assertEq(link.balanceOf(address(polygon.vault)), 1 ether - FEE);
    }

    function test_depositToPausedDestination_keptPendingThenCredited() public {
        vm.prank(admin);
        polygon.receiver.pause();
        vm.prank(alice);
        bytes32 id = eth.vault.depositCrossChain(selector, address(bnm), 1 ether);
        assertEq(polygon.vault.collateralOf(alice, address(bnm)), 0);
        assertEq(bnm.balanceOf(address(polygon.receiver)), 1 ether, "tokens held by the receiver");
        vm.startPrank(admin);
        polygon.receiver.unpause();
        polygon.receiver.retryFailedMessage(id);
        vm.stopPrank();
        assertEq(polygon.vault.collateralOf(alice, address(bnm)), 1 ether);
    }

    function test_unlinkedSender_deliveryReverts() public {
        vm.prank(admin);
        polygon.receiver.setAllowedSender(address(eth.vault), false);
        vm.prank(alice);
        vm.expectRevert(); // the simulator's router surfaces the receiver's SenderNotAllowed as ReceiverError
        eth.vault.depositCrossChain(selector, address(bnm), 1 ether);
        assertEq(bnm.balanceOf(alice), 2 ether);
    }

    function test_notEnoughLink() public {
        MockCCIPRouter(address(router)).setFee(2 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NotEnoughLink.selector, 1 ether, 2 ether));
        eth.vault.depositCrossChain(selector, address(bnm), 1 ether);
    }

    function test_linkAsCollateral_feeAndAmountBothApproved() public {
        vm.startPrank(admin);
        eth.vault.addSupportedToken(address(link));
        polygon.vault.addSupportedToken(address(link));
        vm.stopPrank();
        sim.requestLinkFromFaucet(alice, 0.5 ether);
        vm.startPrank(alice);
        link.approve(address(eth.vault), 0.5 ether);
        eth.vault.depositCrossChain(selector, address(link), 0.5 ether);
        vm.stopPrank();
        assertEq(polygon.vault.collateralOf(alice, address(link)), 0.5 ether);
        assertEq(link.balanceOf(address(eth.vault)), 1 ether - FEE);
    }

    function test_linkCollateralNeverSpentOnFees() public {
        vm.prank(admin);
        eth.vault.addSupportedToken(address(link));
        sim.requestLinkFromFaucet(alice, 5 ether);
        vm.startPrank(alice);
        link.approve(address(eth.vault), 5 ether);
        eth.vault.depositCollateral(address(link), 5 ether);
        vm.stopPrank();
        MockCCIPRouter(address(router)).setFee(1.5 ether); // more than the vault's own 1 LINK
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NotEnoughLink.selector, 1 ether, 1.5 ether));
        eth.vault.depositCrossChain(selector, address(bnm), 1 ether);
    }
}
