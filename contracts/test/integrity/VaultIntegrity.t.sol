// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";
import {LinkToken} from "@chainlink/local/src/shared/LinkToken.sol";
import {MockCCIPRouter} from "@chainlink/local/src/vendor/chainlink-ccip/test/mocks/MockRouter.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {MessageType} from "../../src/CrossChainReceiver.sol";
import {PlatformAccessUpgradeable} from "../../src/access/PlatformAccessUpgradeable.sol";
import {MockUSDC} from "../mocks/MockUSDC.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";
import {ILaunchControl} from "../../src/interfaces/IPlatform.sol";

/// @notice What each CrossChainVault function must achieve (specs/integrity_vault.py, INT-VAULT-*): the effect of a
///         successful call on the books (collateralOf, totalCollateral) and the balances, to the unit; liveness for
///         valid inputs (no try/catch: a revert fails the test); the values its events carry; and the refusals that
///         protect other users' collateral. Cross-chain sends go through Chainlink Local's CCIP simulator router, as
///         in CrossChainVault.t.sol; the remote receiver is a plain address, so the router only moves the tokens.
///         The message a send produces is pinned by its id: the simulator's id is keccak256(abi.encode(message)).
contract VaultIntegrity is Test {
    CCIPLocalSimulator internal sim;
    IRouterClient internal router;
    LinkToken internal link;
    uint64 internal selector;
    CrossChainVault internal vault;
    MockUSDC internal usdc;

    address internal admin = makeAddr("admin");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal trading = makeAddr("trading");
    address internal receiver = makeAddr("receiver");
    address internal stranger = makeAddr("stranger");
    address internal remote = makeAddr("remoteReceiver");

    uint256 internal constant MAX_AMOUNT = 1e15 * 1e6; // a quadrillion USDC
    uint256 internal constant LINK_FUNDS = 10 ether;

    function setUp() public {
        sim = new CCIPLocalSimulator();
        (selector, router,,, link,,) = sim.configuration();
        vault = PlatformDeployer.deployCrossChainVault(address(router), address(link), admin);
        usdc = new MockUSDC();
        vm.startPrank(admin);
        vault.addSupportedToken(address(usdc));
        vault.addSupportedChain(selector);
        vault.setRemoteReceiver(selector, remote);
        vault.grantRole(vault.TRADING_ROLE(), trading);
        vault.grantRole(vault.RECEIVER_ROLE(), receiver);
        vm.stopPrank();
        sim.requestLinkFromFaucet(address(vault), LINK_FUNDS);
    }

    // ---------------------------------------------------------------- helpers

    function _deposit(address who, uint256 amount) internal {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(vault), amount);
        vault.depositCollateral(address(usdc), amount);
        vm.stopPrank();
    }

    function _setFee(uint256 fee) internal {
        MockCCIPRouter(address(router)).setFee(fee);
    }

    /// The message the vault must send: kind, user, token, amount and nonce in the data, the tokens as the
    /// message's token transfer, LINK as the fee token, the configured gas limit, out-of-order allowed.
    function _expectedMessage(address to, MessageType kind, address user, uint256 amount, uint256 nonce, uint32 gas)
        internal
        view
        returns (Client.EVM2AnyMessage memory m)
    {
        Client.EVMTokenAmount[] memory tokenAmounts = new Client.EVMTokenAmount[](1);
        tokenAmounts[0] = Client.EVMTokenAmount({token: address(usdc), amount: amount});
        m = Client.EVM2AnyMessage({
            receiver: abi.encode(to),
            data: abi.encode(kind, abi.encode(user, address(usdc), amount, nonce)),
            tokenAmounts: tokenAmounts,
            feeToken: address(link),
            extraArgs: Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: gas, allowOutOfOrderExecution: true}))
        });
    }

    /// The simulator router's message id: keccak256 of the message as sent.
    function _expectedId(address to, MessageType kind, address user, uint256 amount, uint256 nonce, uint32 gas)
        internal
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(_expectedMessage(to, kind, user, amount, nonce, gas)));
    }

    function _unauthorized(address who, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, who, role);
    }

    // ---------------------------------------------------------------- INT-VAULT-01 depositCollateral

    /// depositCollateral credits exactly `amount` to the caller (and to totalCollateral), takes exactly `amount` of
    /// the caller's tokens, leaves other users' collateral alone, and reports it in CollateralDeposited
    function test_INT_VAULT_01_depositCreditsExactly(uint256 existing, uint256 amount) public {
        _deposit(bob, bound(existing, 1, MAX_AMOUNT));
        amount = bound(amount, 1, MAX_AMOUNT);
        uint256 bob0 = vault.collateralOf(bob, address(usdc));
        uint256 total0 = vault.totalCollateral(address(usdc));
        uint256 held0 = usdc.balanceOf(address(vault));
        usdc.mint(alice, amount);
        vm.startPrank(alice);
        usdc.approve(address(vault), amount);
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CollateralDeposited(alice, address(usdc), amount);
        vault.depositCollateral(address(usdc), amount);
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(usdc)), amount, "credited");
        assertEq(vault.collateralOf(bob, address(usdc)), bob0, "others untouched");
        assertEq(vault.totalCollateral(address(usdc)), total0 + amount, "totalCollateral");
        assertEq(usdc.balanceOf(address(vault)), held0 + amount, "tokens held");
        assertEq(usdc.balanceOf(alice), 0, "tokens taken");
    }

    /// depositCollateral refuses zero and tokens that are not supported
    function test_INT_VAULT_01_depositRefusesZeroAndUnsupported() public {
        usdc.mint(alice, 1);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.depositCollateral(address(usdc), 0);
        MockUSDC other = new MockUSDC();
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.TokenNotSupported.selector, address(other)));
        vault.depositCollateral(address(other), 1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-VAULT-02 withdrawCollateral

    /// withdrawCollateral debits exactly `amount`, pays exactly `amount`, and reports it in CollateralWithdrawn
    function test_INT_VAULT_02_withdrawDebitsAndPaysExactly(uint256 deposited, uint256 amount, uint256 other) public {
        _deposit(bob, bound(other, 1, MAX_AMOUNT));
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        amount = bound(amount, 1, deposited);
        uint256 total0 = vault.totalCollateral(address(usdc));
        uint256 held0 = usdc.balanceOf(address(vault));
        uint256 bob0 = vault.collateralOf(bob, address(usdc));
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CollateralWithdrawn(alice, address(usdc), amount);
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), amount);
        assertEq(vault.collateralOf(alice, address(usdc)), deposited - amount, "debited");
        assertEq(vault.totalCollateral(address(usdc)), total0 - amount, "totalCollateral");
        assertEq(usdc.balanceOf(alice), amount, "paid");
        assertEq(usdc.balanceOf(address(vault)), held0 - amount, "tokens left");
        assertEq(vault.collateralOf(bob, address(usdc)), bob0, "others untouched");
    }

    /// withdrawCollateral refuses more than the caller's free collateral (never someone else's) and zero
    function test_INT_VAULT_02_withdrawRefusesBeyondOwn(uint256 deposited, uint256 other) public {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        _deposit(bob, bound(other, 1, MAX_AMOUNT));
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.InsufficientCollateral.selector, alice, address(usdc), deposited, deposited + 1
            )
        );
        vault.withdrawCollateral(address(usdc), deposited + 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.withdrawCollateral(address(usdc), 0);
        vm.stopPrank();
    }

    /// free collateral can be pulled to safety while the vault is paused and after its token is delisted
    function test_INT_VAULT_02_withdrawWorksPausedAndDelisted(uint256 deposited) public {
        deposited = bound(deposited, 2, MAX_AMOUNT);
        _deposit(alice, deposited);
        vm.startPrank(admin);
        vault.pause();
        vault.removeSupportedToken(address(usdc));
        vm.stopPrank();
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), deposited);
        assertEq(usdc.balanceOf(alice), deposited, "paid while paused and delisted");
        assertEq(vault.collateralOf(alice, address(usdc)), 0, "debited");
        assertEq(vault.totalCollateral(address(usdc)), 0, "totalCollateral");
    }

    // ---------------------------------------------------------------- INT-VAULT-03 lockCollateral

    /// lockCollateral debits exactly `amount` from the user's free collateral and sends exactly that to the trading
    /// module (the caller), reported in CollateralLocked
    function test_INT_VAULT_03_lockMovesMarginToTrading(uint256 deposited, uint256 amount) public {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        amount = bound(amount, 1, deposited);
        vm.expectEmit(true, true, true, true, address(vault));
        emit CrossChainVault.CollateralLocked(alice, address(usdc), amount, trading);
        vm.prank(trading);
        vault.lockCollateral(alice, address(usdc), amount);
        assertEq(vault.collateralOf(alice, address(usdc)), deposited - amount, "debited");
        assertEq(vault.totalCollateral(address(usdc)), deposited - amount, "totalCollateral");
        assertEq(usdc.balanceOf(trading), amount, "margin sent to trading");
        assertEq(usdc.balanceOf(address(vault)), deposited - amount, "tokens left");
    }

    /// lockCollateral refuses more than the user's free collateral, zero, and callers without TRADING_ROLE
    function test_INT_VAULT_03_lockRefusesBeyondFreeAndStrangers(uint256 deposited) public {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        _deposit(bob, deposited);
        vm.startPrank(trading);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.InsufficientCollateral.selector, alice, address(usdc), deposited, deposited + 1
            )
        );
        vault.lockCollateral(alice, address(usdc), deposited + 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.lockCollateral(alice, address(usdc), 0);
        vm.stopPrank();
        bytes32 role = vault.TRADING_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.lockCollateral(alice, address(usdc), 1);
    }

    // ---------------------------------------------------------------- INT-VAULT-04 releaseCollateral

    /// releaseCollateral credits exactly `amount` once the trading module has sent it back (any user: margin plus
    /// profit or minus loss), reported in CollateralReleased; it works while the vault is paused
    function test_INT_VAULT_04_releaseCreditsReturnedMargin(uint256 deposited, uint256 locked, uint256 back, bool paused)
        public
    {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        locked = bound(locked, 1, deposited);
        vm.prank(trading);
        vault.lockCollateral(alice, address(usdc), locked);
        back = bound(back, 0, 2 * locked); // a loss, or a profit paid from elsewhere
        usdc.mint(trading, back > locked ? back - locked : 0);
        if (paused) {
            vm.prank(admin);
            vault.pause();
        }
        vm.startPrank(trading);
        usdc.transfer(address(vault), back);
        vm.expectEmit(true, true, true, true, address(vault));
        emit CrossChainVault.CollateralReleased(alice, address(usdc), back, trading);
        vault.releaseCollateral(alice, address(usdc), back);
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(usdc)), deposited - locked + back, "credited");
        assertEq(vault.totalCollateral(address(usdc)), deposited - locked + back, "totalCollateral");
        assertEq(usdc.balanceOf(address(vault)), vault.totalCollateral(address(usdc)), "fully backed");
    }

    /// releaseCollateral refuses to credit what was not sent back (others' collateral never backs it) and strangers
    function test_INT_VAULT_04_releaseRefusesUnbackedAndStrangers(uint256 others, uint256 back) public {
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        back = bound(back, 0, MAX_AMOUNT);
        usdc.mint(address(vault), back);
        vm.prank(trading);
        vm.expectRevert(
            abi.encodeWithSelector(CrossChainVault.Unbacked.selector, address(usdc), others + back, others + back + 1)
        );
        vault.releaseCollateral(alice, address(usdc), back + 1);
        bytes32 role = vault.TRADING_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.releaseCollateral(alice, address(usdc), back);
        assertEq(vault.collateralOf(alice, address(usdc)), 0, "nothing credited");
    }

    // ---------------------------------------------------------------- INT-VAULT-05 creditCrossChainDeposit

    /// creditCrossChainDeposit credits exactly the tokens the receiver forwarded, reported in
    /// CrossChainDepositCredited; the vault stays fully backed
    function test_INT_VAULT_05_creditCreditsForwardedTokens(uint256 others, uint256 amount) public {
        _deposit(bob, bound(others, 0, MAX_AMOUNT) + 1);
        amount = bound(amount, 1, MAX_AMOUNT);
        uint256 total0 = vault.totalCollateral(address(usdc));
        usdc.mint(address(vault), amount); // forwarded by the receiver
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CrossChainDepositCredited(alice, address(usdc), amount);
        vm.prank(receiver);
        vault.creditCrossChainDeposit(alice, address(usdc), amount);
        assertEq(vault.collateralOf(alice, address(usdc)), amount, "credited");
        assertEq(vault.totalCollateral(address(usdc)), total0 + amount, "totalCollateral");
        assertEq(usdc.balanceOf(address(vault)), vault.totalCollateral(address(usdc)), "fully backed");
    }

    /// creditCrossChainDeposit refuses more than was forwarded, unsupported tokens, zero, and non-receivers
    function test_INT_VAULT_05_creditRefusesUnbackedUnsupportedStrangers(uint256 others, uint256 amount) public {
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        amount = bound(amount, 1, MAX_AMOUNT);
        usdc.mint(address(vault), amount);
        MockUSDC other = new MockUSDC();
        vm.startPrank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.Unbacked.selector, address(usdc), others + amount, others + amount + 1
            )
        );
        vault.creditCrossChainDeposit(alice, address(usdc), amount + 1);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.TokenNotSupported.selector, address(other)));
        vault.creditCrossChainDeposit(alice, address(other), 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.creditCrossChainDeposit(alice, address(usdc), 0);
        vm.stopPrank();
        bytes32 role = vault.RECEIVER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.creditCrossChainDeposit(alice, address(usdc), amount);
    }

    // ---------------------------------------------------------------- INT-VAULT-06 processCrossChainWithdrawal

    /// processCrossChainWithdrawal pays the user exactly the forwarded amount, touches nobody's collateral, and
    /// reports it in CrossChainWithdrawalPaid
    function test_INT_VAULT_06_withdrawalPaysForwardedTokens(uint256 others, uint256 amount) public {
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        amount = bound(amount, 1, MAX_AMOUNT);
        usdc.mint(address(vault), amount); // forwarded by the receiver
        vm.expectEmit(true, true, false, true, address(vault));
        emit CrossChainVault.CrossChainWithdrawalPaid(alice, address(usdc), amount);
        vm.prank(receiver);
        vault.processCrossChainWithdrawal(alice, address(usdc), amount);
        assertEq(usdc.balanceOf(alice), amount, "paid");
        assertEq(vault.totalCollateral(address(usdc)), others, "books untouched");
        assertEq(vault.collateralOf(bob, address(usdc)), others, "others untouched");
        assertEq(usdc.balanceOf(address(vault)), others, "others' collateral still held");
    }

    /// processCrossChainWithdrawal never pays out more than was forwarded (others' collateral), nor for strangers
    function test_INT_VAULT_06_withdrawalRefusesBeyondForwarded(uint256 others, uint256 amount) public {
        others = bound(others, 1, MAX_AMOUNT);
        _deposit(bob, others);
        amount = bound(amount, 0, MAX_AMOUNT);
        usdc.mint(address(vault), amount);
        vm.prank(receiver);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.Unbacked.selector, address(usdc), others + amount, others + amount + 1
            )
        );
        vault.processCrossChainWithdrawal(alice, address(usdc), amount + 1);
        bytes32 role = vault.RECEIVER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.processCrossChainWithdrawal(alice, address(usdc), 1);
    }

    // ---------------------------------------------------------------- INT-VAULT-07 depositCrossChain

    /// depositCrossChain takes the caller's tokens, sends exactly them to the destination's receiver in an
    /// ASSET_DEPOSIT message for the caller with the next nonce, pays the fee from the vault's own LINK, credits
    /// nothing here, returns the router's message id and reports id, chain, user, token, amount and fee
    function test_INT_VAULT_07_depositCrossChainSendsTokensAndMessage(uint256 amount, uint256 fee) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        fee = bound(fee, 0, LINK_FUNDS);
        _setFee(fee);
        _deposit(bob, 1); // other books must not move
        uint256 nonce0 = vault.messageNonce();
        bytes32 expectedId =
            _expectedId(remote, MessageType.ASSET_DEPOSIT, alice, amount, nonce0 + 1, vault.ccipGasLimit());
        usdc.mint(alice, amount);
        vm.startPrank(alice);
        usdc.approve(address(vault), amount);
        vm.expectEmit(true, true, true, true, address(vault));
        emit CrossChainVault.CrossChainDepositSent(expectedId, selector, alice, address(usdc), amount, fee);
        bytes32 id = vault.depositCrossChain(selector, address(usdc), amount);
        vm.stopPrank();
        assertEq(id, expectedId, "message id (the message sent)");
        assertEq(vault.messageNonce(), nonce0 + 1, "nonce");
        assertEq(usdc.balanceOf(alice), 0, "tokens taken");
        assertEq(usdc.balanceOf(remote), amount, "tokens delivered to the remote receiver");
        assertEq(usdc.balanceOf(address(vault)), 1, "nothing kept");
        assertEq(vault.collateralOf(alice, address(usdc)), 0, "nothing credited on the source chain");
        assertEq(vault.totalCollateral(address(usdc)), 1, "books untouched");
        assertEq(link.balanceOf(address(vault)), LINK_FUNDS - fee, "fee paid from the vault's LINK");
        assertEq(link.balanceOf(address(router)), fee, "fee received by the router");
    }

    /// depositCrossChain refuses unsupported chains, chains without a receiver, unsupported tokens, zero, and a fee
    /// the vault's own LINK cannot pay (LINK held as collateral is never spent on fees)
    function test_INT_VAULT_07_depositCrossChainRefusals(uint256 linkCollateral, uint256 excess) public {
        usdc.mint(alice, 10);
        vm.prank(alice);
        usdc.approve(address(vault), 10);
        vm.startPrank(admin);
        vault.addSupportedChain(7);
        vault.addSupportedToken(address(link));
        vm.stopPrank();
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.ChainNotSupported.selector, uint64(8)));
        vault.depositCrossChain(8, address(usdc), 1);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NoRemoteReceiver.selector, uint64(7)));
        vault.depositCrossChain(7, address(usdc), 1);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.TokenNotSupported.selector, address(this)));
        vault.depositCrossChain(selector, address(this), 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.depositCrossChain(selector, address(usdc), 0);
        vm.stopPrank();
        // LINK deposited as collateral by bob is owed to bob, not available for fees
        linkCollateral = bound(linkCollateral, 1, 1_000 ether);
        sim.requestLinkFromFaucet(bob, linkCollateral);
        vm.startPrank(bob);
        link.approve(address(vault), linkCollateral);
        vault.depositCollateral(address(link), linkCollateral);
        vm.stopPrank();
        uint256 fee = LINK_FUNDS + bound(excess, 1, 1_000 ether);
        _setFee(fee);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NotEnoughLink.selector, LINK_FUNDS, fee));
        vault.depositCrossChain(selector, address(usdc), 1);
    }

    // ---------------------------------------------------------------- INT-VAULT-08 requestCrossChainWithdrawal

    /// requestCrossChainWithdrawal debits exactly `amount` of the caller's free collateral, sends exactly those
    /// tokens in an ASSET_WITHDRAWAL message for the caller with the next nonce, pays the fee from the vault's
    /// LINK, returns the router's id and reports id, chain, user, token, amount and fee
    function test_INT_VAULT_08_withdrawalRequestDebitsAndSends(uint256 deposited, uint256 amount, uint256 fee) public {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        _deposit(bob, 5);
        amount = bound(amount, 1, deposited);
        fee = bound(fee, 0, LINK_FUNDS);
        _setFee(fee);
        uint256 nonce0 = vault.messageNonce();
        bytes32 expectedId =
            _expectedId(remote, MessageType.ASSET_WITHDRAWAL, alice, amount, nonce0 + 1, vault.ccipGasLimit());
        vm.expectEmit(true, true, true, true, address(vault));
        emit CrossChainVault.CrossChainWithdrawalRequested(expectedId, selector, alice, address(usdc), amount, fee);
        vm.prank(alice);
        bytes32 id = vault.requestCrossChainWithdrawal(selector, address(usdc), amount);
        assertEq(id, expectedId, "message id (the message sent)");
        assertEq(vault.messageNonce(), nonce0 + 1, "nonce");
        assertEq(vault.collateralOf(alice, address(usdc)), deposited - amount, "debited");
        assertEq(vault.collateralOf(bob, address(usdc)), 5, "others untouched");
        assertEq(vault.totalCollateral(address(usdc)), deposited - amount + 5, "totalCollateral");
        assertEq(usdc.balanceOf(remote), amount, "tokens delivered to the remote receiver");
        assertEq(usdc.balanceOf(address(vault)), deposited - amount + 5, "rest held");
        assertEq(link.balanceOf(address(vault)), LINK_FUNDS - fee, "fee paid from the vault's LINK");
    }

    /// requestCrossChainWithdrawal refuses more than the caller's free collateral and zero
    function test_INT_VAULT_08_withdrawalRequestRefusesBeyondOwn(uint256 deposited) public {
        deposited = bound(deposited, 1, MAX_AMOUNT);
        _deposit(alice, deposited);
        _deposit(bob, deposited);
        vm.startPrank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CrossChainVault.InsufficientCollateral.selector, alice, address(usdc), deposited, deposited + 1
            )
        );
        vault.requestCrossChainWithdrawal(selector, address(usdc), deposited + 1);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.requestCrossChainWithdrawal(selector, address(usdc), 0);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-VAULT-09 quoteFee

    /// quoteFee is exactly what the next send charges (the router's fee for that message), for deposits and
    /// withdrawals alike; it refuses a chain without a receiver
    function test_INT_VAULT_09_quoteFeeIsWhatASendCharges(uint256 fee, uint256 amount) public {
        fee = bound(fee, 1, LINK_FUNDS / 2);
        amount = bound(amount, 1, MAX_AMOUNT);
        _setFee(fee);
        uint256 quote = vault.quoteFee(selector, address(usdc), amount);
        assertEq(quote, fee, "quote == router fee");
        usdc.mint(alice, 2 * amount);
        vm.startPrank(alice);
        usdc.approve(address(vault), 2 * amount);
        vault.depositCrossChain(selector, address(usdc), amount);
        assertEq(link.balanceOf(address(vault)), LINK_FUNDS - quote, "deposit charged the quote");
        vault.depositCollateral(address(usdc), amount);
        quote = vault.quoteFee(selector, address(usdc), amount);
        vault.requestCrossChainWithdrawal(selector, address(usdc), amount);
        vm.stopPrank();
        assertEq(link.balanceOf(address(vault)), LINK_FUNDS - fee - quote, "withdrawal charged the quote");
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.NoRemoteReceiver.selector, uint64(9)));
        vault.quoteFee(9, address(usdc), amount);
    }

    // ---------------------------------------------------------------- INT-VAULT-10 token and chain support

    /// addSupportedToken / removeSupportedToken set supportedTokens and report it; a supported token can be
    /// deposited, a removed one cannot (but is still withdrawable); zero address refused; admin only
    function test_INT_VAULT_10_tokenSupportTakesEffect(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        MockUSDC token = new MockUSDC();
        assertFalse(vault.supportedTokens(address(token)), "not supported before");
        vm.expectEmit(true, false, false, true, address(vault));
        emit CrossChainVault.TokenSupportSet(address(token), true);
        vm.prank(admin);
        vault.addSupportedToken(address(token));
        assertTrue(vault.supportedTokens(address(token)), "supported");
        token.mint(alice, 2 * amount);
        vm.startPrank(alice);
        token.approve(address(vault), 2 * amount);
        vault.depositCollateral(address(token), amount); // usable
        vm.stopPrank();
        assertEq(vault.collateralOf(alice, address(token)), amount, "deposited");

        vm.expectEmit(true, false, false, true, address(vault));
        emit CrossChainVault.TokenSupportSet(address(token), false);
        vm.prank(admin);
        vault.removeSupportedToken(address(token));
        assertFalse(vault.supportedTokens(address(token)), "removed");
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.TokenNotSupported.selector, address(token)));
        vault.depositCollateral(address(token), amount);
        vault.withdrawCollateral(address(token), amount);
        vm.stopPrank();
        assertEq(token.balanceOf(alice), 2 * amount, "still withdrawable");

        vm.prank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        vault.addSupportedToken(address(0));
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.startPrank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.addSupportedToken(address(token));
        vm.expectRevert(_unauthorized(stranger, role));
        vault.removeSupportedToken(address(usdc));
        vm.stopPrank();
    }

    /// addSupportedChain / removeSupportedChain set supportedChains and report it; sends to a removed chain are
    /// refused, sends to an added one (with a receiver) succeed; admin only
    function test_INT_VAULT_10_chainSupportTakesEffect(uint64 chain) public {
        vm.assume(chain != selector);
        vm.expectEmit(true, false, false, true, address(vault));
        emit CrossChainVault.ChainSupportSet(chain, true);
        vm.startPrank(admin);
        vault.addSupportedChain(chain);
        vault.setRemoteReceiver(chain, remote);
        vm.stopPrank();
        assertTrue(vault.supportedChains(chain), "supported");
        usdc.mint(alice, 2);
        vm.startPrank(alice);
        usdc.approve(address(vault), 2);
        vault.depositCrossChain(chain, address(usdc), 1); // usable
        vm.stopPrank();
        assertEq(usdc.balanceOf(remote), 1, "sent");

        vm.expectEmit(true, false, false, true, address(vault));
        emit CrossChainVault.ChainSupportSet(chain, false);
        vm.prank(admin);
        vault.removeSupportedChain(chain);
        assertFalse(vault.supportedChains(chain), "removed");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CrossChainVault.ChainNotSupported.selector, chain));
        vault.depositCrossChain(chain, address(usdc), 1);

        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.startPrank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.addSupportedChain(chain);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.removeSupportedChain(selector);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- INT-VAULT-11 remote receiver and gas limit

    /// setRemoteReceiver sets where a chain's messages go (the next send is addressed to it and its tokens land
    /// there), reported in RemoteReceiverSet; zero address refused; admin only
    function test_INT_VAULT_11_remoteReceiverTakesEffect(address to, uint256 amount) public {
        vm.assume(uint160(to) >= 10 && to.code.length == 0 && to != address(vault) && to != alice);
        amount = bound(amount, 1, MAX_AMOUNT);
        vm.expectEmit(true, false, false, true, address(vault));
        emit CrossChainVault.RemoteReceiverSet(selector, to);
        vm.prank(admin);
        vault.setRemoteReceiver(selector, to);
        assertEq(vault.remoteReceivers(selector), to, "stored");
        uint256 before = usdc.balanceOf(to);
        bytes32 expectedId = _expectedId(to, MessageType.ASSET_DEPOSIT, alice, amount, 1, vault.ccipGasLimit());
        usdc.mint(alice, amount);
        vm.startPrank(alice);
        usdc.approve(address(vault), amount);
        bytes32 id = vault.depositCrossChain(selector, address(usdc), amount);
        vm.stopPrank();
        assertEq(id, expectedId, "addressed to the new receiver");
        assertEq(usdc.balanceOf(to), before + amount, "tokens land at the new receiver");
        vm.prank(admin);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        vault.setRemoteReceiver(selector, address(0));
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.setRemoteReceiver(selector, stranger);
    }

    /// setCcipGasLimit sets the gas every later message carries (its extraArgs), reported in CcipGasLimitSet; zero
    /// refused; admin only
    function test_INT_VAULT_11_gasLimitTakesEffect(uint32 gas) public {
        gas = uint32(bound(gas, 1, type(uint32).max));
        vm.expectEmit(false, false, false, true, address(vault));
        emit CrossChainVault.CcipGasLimitSet(gas);
        vm.prank(admin);
        vault.setCcipGasLimit(gas);
        assertEq(vault.ccipGasLimit(), gas, "stored");
        bytes32 expectedId = _expectedId(remote, MessageType.ASSET_DEPOSIT, alice, 1, 1, gas);
        usdc.mint(alice, 1);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1);
        assertEq(vault.depositCrossChain(selector, address(usdc), 1), expectedId, "message carries the gas limit");
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(CrossChainVault.ZeroAmount.selector);
        vault.setCcipGasLimit(0);
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        vault.setCcipGasLimit(gas);
    }

    // ---------------------------------------------------------------- INT-VAULT-12 books agree with the views

    /// over any sequence of deposits, withdrawals, locks and releases by two users, collateralOf equals each
    /// user's ledger to the unit, totalCollateral is their sum, and the vault holds at least that
    function test_INT_VAULT_12_booksMatchLedger(uint256 seed) public {
        address[2] memory users = [alice, bob];
        uint256[2] memory ledger;
        for (uint256 step = 0; step < 12; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            uint256 who = seed % 2;
            address user = users[who];
            uint256 op = (seed >> 8) % 4;
            uint256 amount = ((seed >> 16) % (1_000_000 * 1e6)) + 1;
            if (op == 0) {
                _deposit(user, amount);
                ledger[who] += amount;
            } else if (op == 1 && ledger[who] > 0) {
                amount = amount % ledger[who] + 1;
                vm.prank(user);
                vault.withdrawCollateral(address(usdc), amount);
                ledger[who] -= amount;
            } else if (op == 2 && ledger[who] > 0) {
                amount = amount % ledger[who] + 1;
                vm.prank(trading);
                vault.lockCollateral(user, address(usdc), amount);
                ledger[who] -= amount;
            } else if (op == 3) {
                amount = amount % (usdc.balanceOf(trading) + 1);
                vm.startPrank(trading);
                usdc.transfer(address(vault), amount);
                vault.releaseCollateral(user, address(usdc), amount);
                vm.stopPrank();
                ledger[who] += amount;
            }
            assertEq(vault.collateralOf(alice, address(usdc)), ledger[0], "alice's collateral");
            assertEq(vault.collateralOf(bob, address(usdc)), ledger[1], "bob's collateral");
            assertEq(vault.totalCollateral(address(usdc)), ledger[0] + ledger[1], "totalCollateral == sum");
            assertGe(usdc.balanceOf(address(vault)), vault.totalCollateral(address(usdc)), "backed");
        }
    }

    // ---------------------------------------------------------------- INT-VAULT-07 initialize

    /// initialize (the constructor before the proxy) stores the CCIP router and LINK token the sends use and the
    /// default gas limit; zero router or LINK refused; it runs once
    function test_INT_VAULT_07_initializeWiresRouterAndLink(address who) public {
        assertEq(address(vault.router()), address(router), "router");
        assertEq(address(vault.linkToken()), address(link), "LINK");
        assertEq(vault.ccipGasLimit(), vault.DEFAULT_CCIP_GAS_LIMIT(), "default gas limit");
        vm.prank(who);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        vault.initialize(who, who, who);
        address impl = address(new CrossChainVault());
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        new ERC1967Proxy(impl, abi.encodeCall(CrossChainVault.initialize, (address(0), address(link), admin)));
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        new ERC1967Proxy(impl, abi.encodeCall(CrossChainVault.initialize, (address(router), address(0), admin)));
    }

    // ---------------------------------------------------------------- INT-VAULT-13 launch control wiring

    event LaunchControlSet(address indexed launchControl);

    /// unwired the vault is launched (a withdrawal of any size); wired to a Phase 1 LaunchControl its caps apply
    /// (above the per-withdrawal cap refused, within it paid); zero and strangers refused
    function test_INT_VAULT_13_launchControlWiring(uint256 amount) public {
        amount = bound(amount, 2, MAX_AMOUNT / 4);
        _deposit(alice, 4 * amount);
        assertEq(address(vault.launchControl()), address(0), "unwired");
        vm.prank(alice);
        vault.withdrawCollateral(address(usdc), amount);
        assertEq(usdc.balanceOf(alice), amount, "launched: uncapped");

        vm.startPrank(admin);
        LaunchControl launch = PlatformDeployer.deployLaunchControl(admin, 1);
        launch.grantRole(launch.VAULT_ROLE(), address(vault));
        launch.setWithdrawalCaps(address(usdc), amount - 1, 10 * amount);
        vm.expectRevert(PlatformAccessUpgradeable.ZeroAddress.selector);
        vault.setLaunchControl(address(0));
        vm.expectEmit(true, false, false, false, address(vault));
        emit LaunchControlSet(address(launch));
        vault.setLaunchControl(address(launch));
        vm.stopPrank();
        assertEq(address(vault.launchControl()), address(launch), "reported");
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ILaunchControl.WithdrawalAboveCap.selector, address(usdc), amount,
            amount - 1));
        vault.withdrawCollateral(address(usdc), amount);
        vault.withdrawCollateral(address(usdc), amount - 1);
        vm.stopPrank();
        assertEq(usdc.balanceOf(alice), 2 * amount - 1, "Phase 1: within the cap paid");
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        vault.setLaunchControl(stranger);
    }
}
