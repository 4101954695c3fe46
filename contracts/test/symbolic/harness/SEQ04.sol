// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IPerpetualTrading} from "src/interfaces/IPlatform.sol";
import {PlatformBase} from "./PlatformBase.sol";

/// @notice SEQ-04 a paused module rejects state changes: with PerpetualTrading paused (the other modules
///         live), no call may open positions, borrow for them or move trading's books.
///         Each act_ function *attempts* one state change and succeeds when trading either refused it with
///         the pause error (EnforcedPause) or accepted it (which the property then flags); a refusal for any
///         other reason reverts the act_, so "the act_ succeeded" means "the call reached the pause check"
///         and a run where every attempt failed before it is reported VACUOUS, not HOLDS_BOUNDED.
contract SEQ04Harness is PlatformBase {
    uint256 public immutable borrowsAtPause;
    uint256 public immutable openAtPause;
    uint256 public immutable insuranceAtPause;
    uint256 public immutable counterpartyAtPause;

    constructor() {
        _deployPlatform();
        _supply(1_000_000 * USDC);
        _fundInsurance(1_000 * USDC);
        _fundCounterparty(1_000 * USDC);
        _depositCollateral(100_000 * USDC);
        _openLong(10_000 * USDC, 5);
        usdc.mint(address(this), 100_000 * USDC);
        usdc.approve(address(trading), type(uint256).max);
        trading.pause();
        borrowsAtPause = pool.totalBorrows(address(usdc));
        openAtPause = pm.openPositionCount();
        insuranceAtPause = trading.insuranceFund(address(usdc));
        counterpartyAtPause = trading.counterpartyBalance(address(usdc));
    }

    /// @param choice (low 2 bits) selects a 1,000 / 10,000 / 100,000 / 1,000,000 USDC position: opening
    ///        divides by the size (checked multiplication), beyond the solvers for a symbolic 256-bit size
    function act_open(uint256 choice) external {
        uint256 i = choice & 3;
        uint256 size = i == 0 ? 1_000 * USDC : i == 1 ? 10_000 * USDC : i == 2 ? 100_000 * USDC : 1_000_000 * USDC;
        try trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, size, 5, address(usdc)) returns (uint256) {}
        catch (bytes memory reason) {
            _requirePauseRefusal(reason);
        }
        _record();
    }

    function act_fundInsurance(uint256 amount) external {
        try trading.fundInsurance(address(usdc), amount) {}
        catch (bytes memory reason) {
            _requirePauseRefusal(reason);
        }
        _record();
    }

    function act_close(uint256 positionId) external {
        try trading.closePosition(positionId) {}
        catch (bytes memory reason) {
            _requirePauseRefusal(reason);
        }
        _record();
    }

    /// @dev an attempt refused for another reason than the pause never reached the check under test
    function _requirePauseRefusal(bytes memory reason) internal pure {
        require(reason.length == 4 && bytes4(reason) == Pausable.EnforcedPause.selector, "refused, not by the pause");
    }

    function property() public view override returns (bool) {
        return pool.totalBorrows(address(usdc)) == borrowsAtPause && pm.openPositionCount() == openAtPause
            && trading.insuranceFund(address(usdc)) == insuranceAtPause
            && trading.counterpartyBalance(address(usdc)) == counterpartyAtPause;
    }
}
