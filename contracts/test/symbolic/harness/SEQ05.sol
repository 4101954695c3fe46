// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformBase} from "./PlatformBase.sol";
import {IPositionManager} from "src/interfaces/IPlatform.sol";

/// @notice SEQ-05 liquidation conservation on the bytecode: what the pool gets back (cash) plus the bad debt it
///         records equals what the position owed (repaid + insurance + bad debt == owed). Set-up: a 10,000
///         USDC long at 5x from 50,000 (owes 8,000), 500 USDC of insurance, so deep prices leave bad debt.
contract SEQ05Harness is PlatformBase {
    uint256 public immutable positionId;
    bool public checked;
    bool public conserved = true;

    constructor() {
        _deployPlatform();
        _supply(1_000_000 * USDC);
        _fundInsurance(500 * USDC);
        _fundCounterparty(100_000 * USDC);
        _depositCollateral(2_000 * USDC);
        positionId = _openLong(10_000 * USDC, 5);
    }

    /// @param priceChoice (low 3 bits) selects the BTC price the oracle reports before the liquidation:
    ///        60,000 / 50,000 / 45,000 / 42,000 / 40,000 / 30,000 USD (5 and above: 30,000)
    function act_liquidate(uint256 priceChoice) external {
        oracle.setPrice(BTC, _price(priceChoice) * WAD);
        IPositionManager.Position memory p = pm.getPosition(positionId);
        uint256 owed = pool.debtOf(address(usdc), p.principal, p.indexAtBorrow);
        uint256 cashBefore = pool.cash(address(usdc));
        uint256 badBefore = pool.totalBadDebt(address(usdc));
        trading.liquidatePosition(positionId);
        uint256 back = pool.cash(address(usdc)) - cashBefore;
        uint256 bad = pool.totalBadDebt(address(usdc)) - badBefore;
        checked = true;
        if (back + bad != owed) conserved = false;
        _record();
    }

    function property() public view override returns (bool) {
        return conserved;
    }
}
