// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Vm} from "forge-std/Vm.sol";
import {PlatformFixture} from "../mocks/PlatformFixture.sol";
import {IPositionManager} from "../../src/interfaces/IPlatform.sol";

/// @notice Shared by TradeIntegrity, PmIntegrity and LiqeIntegrity: the real oracle and vault (PlatformFixture) with
///         the circuit breaker off (these specs are about trading, not the breaker: prices may jump), and the
///         platform's formulas (docs/platform.md §1-§2) written out again from prices, rates and time, so that an
///         expected value never comes from the contract's own math.
abstract contract PerpIntegrityBase is PlatformFixture {
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant RATE_BPS = 500; // the fixture's pool rate: 5 %/yr
    uint256 internal constant MM_BPS = 500; // the fixture's BTC/USD maintenance margin
    uint256 internal constant MAX_LEVERAGE = 17; // the fixture's BTC/USD maximum leverage
    uint256 internal constant ENTRY8 = 50_000e8; // BTC at deployment, in the feed's 8 decimals
    uint256 internal constant POOL_SUPPLY = 1e9 * USDC;
    uint256 internal constant MAX_COLLATERAL = 1e6 * USDC;

    /// @dev when the pool's index was 1e18 (the token was listed at deployment)
    uint256 internal t0;

    /// @notice What PositionManager must report for a position (docs/platform.md §1).
    struct Health {
        uint256 value;
        uint256 debt;
        int256 fundingOwed;
        int256 equity;
        uint256 requirement;
        uint256 hf;
    }

    function _setUpPerp() internal {
        vm.warp(1_700_000_000);
        _deployPlatformWithOracle();
        t0 = block.timestamp;
        vm.prank(admin);
        dso.setCircuitBreaker(BTC, 0, 0, false);
        _supply(lender, POOL_SUPPLY);
    }

    /// @dev Pushes a BTC price (8 decimals, as the feed) now; returns it in WAD.
    function _price(uint256 price8) internal returns (uint256 wad) {
        vm.prank(admin);
        assertTrue(dso.updatePrice(BTC, price8), "price accepted");
        return price8 * 1e10;
    }

    function _warp(uint256 dt) internal {
        vm.warp(block.timestamp + dt);
    }

    /// @dev Deposits `collateral` for `who` and opens `collateral * leverage` of BTC/USD.
    function _openWith(address who, bool isLong, uint256 collateral, uint256 leverage) internal returns (uint256 id) {
        _deposit(who, collateral);
        id = _open(who, isLong, collateral * leverage, leverage);
    }

    // ---------------------------------------------------------------- the platform's formulas, from their definitions

    function _ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    /// @dev Borrow index after `dt` seconds at 5 %/yr, linear, rounded down.
    function _accrued(uint256 index, uint256 dt) internal pure returns (uint256) {
        return index + index * RATE_BPS * dt / (10_000 * YEAR);
    }

    /// @dev The pool's index now, while it was accrued at most once since deployment (the first borrow accrues it).
    function _firstIndex() internal view returns (uint256) {
        return _accrued(WAD, block.timestamp - t0);
    }

    /// @dev Debt of `principal` borrowed at index `idx0` when the index is `idx1`: rounded UP (the pool is never
    ///      short-changed).
    function _debt(uint256 principal, uint256 idx0, uint256 idx1) internal pure returns (uint256) {
        return principal == 0 ? 0 : _ceilDiv(principal * idx1, idx0);
    }

    /// @dev Long: size * price / entry; short: size * (2 entry - price) / entry, floored at 0; rounded down.
    function _value(uint256 size, uint256 entry, uint256 price, bool isLong) internal pure returns (uint256) {
        if (isLong) return size * price / entry;
        if (price >= 2 * entry) return 0;
        return size * (2 * entry - price) / entry;
    }

    /// @dev Cumulative funding (WAD per unit notional) accrued over `dt` at `ratePpmPerHour`, truncated toward zero.
    function _cumFunding(int256 ratePpmPerHour, uint256 dt) internal pure returns (int256) {
        return ratePpmPerHour * 1e18 * int256(dt) / (1e6 * 3600);
    }

    /// @dev Longs pay a positive cumulative change, shorts receive it.
    function _fundingOwed(uint256 size, int256 cumDelta, bool isLong) internal pure returns (int256) {
        int256 owed = int256(size) * cumDelta / 1e18;
        return isLong ? owed : -owed;
    }

    /// @dev HF of a `leverage`x position of `collateral` opened at `entry` with the index at `idx0`, no funding, at
    ///      `price` once the index is `idx1`.
    function _healthOf(
        uint256 collateral,
        uint256 leverage,
        bool isLong,
        uint256 entry,
        uint256 price,
        uint256 idx0,
        uint256 idx1
    ) internal pure returns (Health memory) {
        uint256 size = collateral * leverage;
        return _health(size, entry, price, isLong, _debt(size - collateral, idx0, idx1), 0, MM_BPS);
    }

    function _health(
        uint256 size,
        uint256 entry,
        uint256 price,
        bool isLong,
        uint256 debt,
        int256 fundingOwed,
        uint256 mmBps
    ) internal pure returns (Health memory h) {
        h.value = _value(size, entry, price, isLong);
        h.debt = debt;
        h.fundingOwed = fundingOwed;
        h.equity = int256(h.value) - int256(debt) - fundingOwed;
        h.requirement = _ceilDiv(size * price / entry * mmBps, 10_000);
        if (h.equity <= 0) h.hf = 0;
        else if (h.requirement == 0) h.hf = type(uint256).max;
        else h.hf = uint256(h.equity) * WAD / h.requirement;
    }

    function _assertState(IPositionManager.PositionState memory st, uint256 price, Health memory h) internal pure {
        assertEq(st.price, price, "state: price");
        assertEq(st.value, h.value, "state: value");
        assertEq(st.debt, h.debt, "state: debt");
        assertEq(st.fundingOwed, h.fundingOwed, "state: fundingOwed");
        assertEq(st.equity, h.equity, "state: equity");
        assertEq(st.requirement, h.requirement, "state: requirement");
        assertEq(st.healthFactor, h.hf, "state: healthFactor");
    }

    /// @dev BTC price (8 decimals) at which a `leverage`x position opened at ENTRY8 is worth no more than its
    ///      principal (equity <= 0 with any interest: liquidatable), moved a further `extraBps` against it.
    function _underwaterPrice8(bool isLong, uint256 leverage, uint256 extraBps) internal pure returns (uint256) {
        uint256 adverseBps = 10_000 / leverage + extraBps; // >= 1/leverage of the entry
        if (10_000 / leverage * leverage != 10_000) adverseBps += 1; // round the move up
        return isLong ? ENTRY8 * (10_000 - adverseBps) / 10_000 : ENTRY8 * (10_000 + adverseBps) / 10_000;
    }

    /// @dev The first log of `sig` emitted by `emitter` whose first indexed topic is `id`; found=false when none.
    function _findLog(Vm.Log[] memory logs, address emitter, bytes32 sig, uint256 id)
        internal
        pure
        returns (bool found, bytes memory data)
    {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == emitter && logs[i].topics[0] == sig && uint256(logs[i].topics[1]) == id) {
                return (true, logs[i].data);
            }
        }
    }
}
