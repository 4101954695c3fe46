// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {PlatformBase} from "./PlatformBase.sol";

/// @notice SEQ-02 a healthy position (HF >= 1e18) cannot be liquidated, on the trading bytecode itself (the
///         harness is trading's liquidation engine, so no engine-side re-check can hide a missing check).
///         Set-up: 1,000,000 USDC of liquidity, a 10,000 USDC long at 5x opened at 50,000.
contract SEQ02Harness is PlatformBase {
    uint256 public immutable positionId;
    bool public healthyLiquidated;

    constructor() {
        _deployPlatform();
        _supply(1_000_000 * USDC);
        _fundCounterparty(100_000 * USDC);
        _depositCollateral(2_000 * USDC);
        positionId = _openLong(10_000 * USDC, 5);
    }

    /// @param priceChoice (low 3 bits) selects the BTC price the oracle reports before the liquidation:
    ///        60,000 / 50,000 / 45,000 / 42,000 / 40,000 / 30,000 USD (5 and above: 30,000)
    function act_liquidate(uint256 priceChoice) external {
        oracle.setPrice(BTC, _price(priceChoice) * WAD);
        uint256 hf = pm.calculateHealthFactor(positionId);
        trading.liquidatePosition(positionId);
        if (hf >= WAD) healthyLiquidated = true;
        _record();
    }

    function property() public view override returns (bool) {
        return !healthyLiquidated;
    }
}
