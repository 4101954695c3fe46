// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {PerpMath} from "./libraries/PerpMath.sol";
import {ICrossChainLendingPool} from "./interfaces/IPlatform.sol";

/// @title CrossChainLendingPool
/// @notice Lenders supply a token for shares; PerpetualTrading (BORROWER_ROLE) borrows against a per-token
///         borrow index that accrues linearly per second (PerpMath.accrueIndex). What lenders can claim is
///         cash + borrows (with interest); a lender can only ever withdraw from cash, never from what is lent
///         out. Bad debt reported on repayment is written off against lenders (their shares are worth less).
contract CrossChainLendingPool is PlatformAccessUpgradeable, ReentrancyGuardUpgradeable, ICrossChainLendingPool {
    using SafeERC20 for IERC20;

    bytes32 public constant BORROWER_ROLE = keccak256("BORROWER_ROLE");

    struct Reserve {
        bool supported;
        uint256 rateBps; // annual borrow rate, basis points
        uint256 index; // borrow index, WAD, starts at 1e18
        uint256 lastAccrual; // timestamp of the last index update
        uint256 cash; // tokens held and not lent out
        uint256 totalBorrows; // outstanding debt with interest (aggregate, rounded down)
        uint256 totalShares;
        uint256 totalBadDebt; // cumulative bad debt written off
    }

    // ---------------------------------------------------------------- storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.CrossChainLendingPool
    struct CrossChainLendingPoolStorage {
        mapping(address token => Reserve) _reserves;
        mapping(address token => mapping(address lender => uint256 shares)) sharesOf;
        address[] _tokens;
        address ccipRouter; // recorded only (nothing here calls it); an immutable before the proxy
    }

    /// @dev ERC-7201 location of "ccperp.storage.CrossChainLendingPool":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CROSSCHAINLENDINGPOOL_STORAGE_LOCATION =
        0xa1d76c34a919af4a4f41f12c461f99c24e2cd0b936e5eb794e1fb571759c0a00;

    // ---------------------------------------------------------------- events
    event TokenSupported(address indexed token, uint256 rateBps);
    event InterestRateSet(address indexed token, uint256 rateBps);
    event InterestAccrued(address indexed token, uint256 index, uint256 totalBorrows);
    event Supplied(address indexed token, address indexed lender, uint256 assets, uint256 shares);
    event Withdrawn(address indexed token, address indexed lender, uint256 assets, uint256 shares);
    event Borrowed(address indexed token, address indexed borrower, uint256 amount, uint256 indexAtBorrow);
    event Repaid(
        address indexed token,
        address indexed borrower,
        uint256 principal,
        uint256 owed,
        uint256 amount,
        uint256 badDebt
    );
    event BadDebtWrittenOff(address indexed token, uint256 amount, uint256 totalBadDebt, uint256 totalAssetsAfter);

    // ---------------------------------------------------------------- errors
    error UnsupportedToken(address token);
    error AlreadySupported(address token);
    error ZeroAmount();
    error ZeroShares();
    error InsufficientShares(uint256 requested, uint256 owned);
    error InsufficientCash(uint256 requested, uint256 cash);
    error InvalidRate(uint256 rateBps);
    error InvalidIndex();

    uint256 public constant MAX_RATE_BPS = 100_000; // 1000 %/yr: a typo guard, not policy

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address router, address admin) external initializer {
        __PlatformAccess_init(admin);
        __ReentrancyGuard_init();
        _requireNonZero(router);
        _s().ccipRouter = router;
    }

    function _s() private pure returns (CrossChainLendingPoolStorage storage $) {
        assembly {
            $.slot := CROSSCHAINLENDINGPOOL_STORAGE_LOCATION
        }
    }

    // ---------------------------------------------------------------- configuration

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function addSupportedToken(address token, uint256 interestRateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        CrossChainLendingPoolStorage storage $ = _s();
        _requireNonZero(token);
        if ($._reserves[token].supported) revert AlreadySupported(token);
        if (interestRateBps > MAX_RATE_BPS) revert InvalidRate(interestRateBps);
        Reserve storage r = $._reserves[token];
        r.supported = true;
        r.rateBps = interestRateBps;
        r.index = PerpMath.WAD;
        r.lastAccrual = block.timestamp;
        $._tokens.push(token);
        emit TokenSupported(token, interestRateBps);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setInterestRate(address token, uint256 interestRateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (interestRateBps > MAX_RATE_BPS) revert InvalidRate(interestRateBps);
        Reserve storage r = _accrue(token);
        r.rateBps = interestRateBps;
        emit InterestRateSet(token, interestRateBps);
    }

    // ---------------------------------------------------------------- lenders

    function supply(address token, uint256 assets) external nonReentrant whenNotPaused returns (uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        Reserve storage r = _accrue(token);
        shares = PerpMath.toSharesDown(assets, r.totalShares, r.cash + r.totalBorrows);
        if (shares == 0) revert ZeroShares();
        r.totalShares += shares;
        r.cash += assets;
        _s().sharesOf[token][msg.sender] += shares;
        emit Supplied(token, msg.sender, assets, shares);
        IERC20(token).safeTransferFrom(msg.sender, address(this), assets);
    }

    /// @notice Redeems `shares` for their assets, rounded down; only from cash (never from what is lent out).
    function withdraw(address token, uint256 shares) external nonReentrant whenNotPaused returns (uint256 assets) {
        CrossChainLendingPoolStorage storage $ = _s();
        if (shares == 0) revert ZeroAmount();
        Reserve storage r = _accrue(token);
        uint256 owned = $.sharesOf[token][msg.sender];
        if (shares > owned) revert InsufficientShares(shares, owned);
        assets = PerpMath.toAssetsDown(shares, r.totalShares, r.cash + r.totalBorrows);
        if (assets > r.cash) revert InsufficientCash(assets, r.cash);
        $.sharesOf[token][msg.sender] = owned - shares;
        r.totalShares -= shares;
        r.cash -= assets;
        emit Withdrawn(token, msg.sender, assets, shares);
        IERC20(token).safeTransfer(msg.sender, assets);
    }

    // ---------------------------------------------------------------- borrower (PerpetualTrading)

    function borrow(address token, uint256 amount)
        external
        onlyRole(BORROWER_ROLE)
        nonReentrant
        whenNotPaused
        returns (uint256 indexAtBorrow)
    {
        if (amount == 0) revert ZeroAmount();
        Reserve storage r = _accrue(token);
        if (amount > r.cash) revert InsufficientCash(amount, r.cash);
        r.cash -= amount;
        r.totalBorrows += amount;
        indexAtBorrow = r.index;
        emit Borrowed(token, msg.sender, amount, indexAtBorrow);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @notice Settles a borrow of `principal` taken at `indexAtBorrow`: takes `amount` from the caller,
    ///         removes the whole debt (with interest) from the books and writes `badDebt` off against lenders.
    /// @custom:pause-exempt debt can always be repaid: repayment only makes the pool safer, and liquidations
    ///         (which repay) continue during a pause
    function repay(address token, uint256 principal, uint256 indexAtBorrow, uint256 amount, uint256 badDebt)
        external
        onlyRole(BORROWER_ROLE)
        nonReentrant
    {
        if (indexAtBorrow == 0) revert InvalidIndex();
        Reserve storage r = _accrue(token);
        uint256 owed = PerpMath.debtWithInterest(principal, indexAtBorrow, r.index);
        // The aggregate rounds down and each debt up: never let the aggregate go below zero.
        r.totalBorrows -= owed < r.totalBorrows ? owed : r.totalBorrows;
        r.cash += amount;
        emit Repaid(token, msg.sender, principal, owed, amount, badDebt);
        if (badDebt > 0) {
            r.totalBadDebt += badDebt;
            emit BadDebtWrittenOff(token, badDebt, r.totalBadDebt, r.cash + r.totalBorrows);
        }
        if (amount > 0) IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Brings the index of `token` up to date (anyone; no value moves).
    /// @custom:pause-exempt bookkeeping only: accrual moves no funds and keeps debts honest during a pause
    function accrue(address token) external {
        _accrue(token);
    }

    // ---------------------------------------------------------------- views

    function ccipRouter() external view returns (address) {
        return _s().ccipRouter;
    }

    function sharesOf(address token, address lender) external view returns (uint256 shares) {
        return _s().sharesOf[token][lender];
    }

    function currentIndex(address token) public view returns (uint256) {
        Reserve storage r = _supported(token);
        return PerpMath.accrueIndex(r.index, r.rateBps, block.timestamp - r.lastAccrual);
    }

    function debtOf(address token, uint256 principal, uint256 indexAtBorrow) external view returns (uint256) {
        if (indexAtBorrow == 0) revert InvalidIndex();
        return PerpMath.debtWithInterest(principal, indexAtBorrow, currentIndex(token));
    }

    /// @notice What all lenders together can claim: cash + borrows with interest accrued to now.
    function totalAssets(address token) public view returns (uint256) {
        return _supported(token).cash + totalBorrows(token);
    }

    function totalBorrows(address token) public view returns (uint256) {
        Reserve storage r = _supported(token);
        uint256 idx = currentIndex(token);
        return r.totalBorrows * idx / r.index;
    }

    function cash(address token) external view returns (uint256) {
        return _supported(token).cash;
    }

    function totalShares(address token) external view returns (uint256) {
        return _supported(token).totalShares;
    }

    function totalBadDebt(address token) external view returns (uint256) {
        return _supported(token).totalBadDebt;
    }

    function rateBpsOf(address token) external view returns (uint256) {
        return _supported(token).rateBps;
    }

    function isSupported(address token) external view returns (bool) {
        return _s()._reserves[token].supported;
    }

    function supportedTokens() external view returns (address[] memory) {
        return _s()._tokens;
    }

    /// @notice Assets `shares` redeem for now (rounded down), before the cash check.
    function previewWithdraw(address token, uint256 shares) external view returns (uint256) {
        return PerpMath.toAssetsDown(shares, _supported(token).totalShares, totalAssets(token));
    }

    function balanceOfUnderlying(address token, address lender) external view returns (uint256) {
        return PerpMath.toAssetsDown(_s().sharesOf[token][lender], _supported(token).totalShares, totalAssets(token));
    }

    // ---------------------------------------------------------------- internals

    function _supported(address token) internal view returns (Reserve storage r) {
        r = _s()._reserves[token];
        if (!r.supported) revert UnsupportedToken(token);
    }

    function _accrue(address token) internal returns (Reserve storage r) {
        r = _supported(token);
        uint256 dt = block.timestamp - r.lastAccrual;
        if (dt == 0) return r;
        uint256 oldIndex = r.index;
        uint256 newIndex = PerpMath.accrueIndex(oldIndex, r.rateBps, dt);
        r.index = newIndex;
        r.lastAccrual = block.timestamp;
        if (newIndex != oldIndex) {
            r.totalBorrows = r.totalBorrows * newIndex / oldIndex;
            emit InterestAccrued(token, newIndex, r.totalBorrows);
        }
    }
}
