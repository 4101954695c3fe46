// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {ICrossChainVault} from "../../src/interfaces/IPlatform.sol";

/// @notice Plain mintable ERC20 for P1's vault/receiver tests (6 decimals, like USDC).
contract P1MockERC20 is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice ERC20 that, on every transfer out of the vault, reads the sender's collateral in the vault
///         (what any contract reached during the transfer would see). Shows whether withdrawCollateral
///         settled its books before the external call (CEI-01).
contract P1HookToken is P1MockERC20 {
    ICrossChainVault public vault;
    address public watched;
    uint256 public seenCollateral;
    bool public hookRan;

    constructor() P1MockERC20("Hook", "HOOK") {}

    function watch(ICrossChainVault vault_, address user) external {
        vault = vault_;
        watched = user;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(vault) && to == watched && address(vault) != address(0)) {
            seenCollateral = vault.collateralOf(watched, address(this));
            hookRan = true;
        }
        super._update(from, to, value);
    }
}

/// @notice Records remote position updates (the IPositionManager calls the receiver makes); can be told to revert.
contract P1MockPositionManager {
    bool public shouldRevert;
    uint256 public calls;
    uint64 public lastSourceChain;
    uint256 public lastRemotePositionId;
    address public lastTrader;
    int256 public lastSizeDelta;

    error P1MockFailure();

    function setShouldRevert(bool v) external {
        shouldRevert = v;
    }

    function calculateHealthFactor(uint256) external pure returns (uint256) {
        return 1e18;
    }

    function recordRemotePosition(uint64 sourceChain, uint256 remotePositionId, address trader, int256 sizeDelta)
        external
    {
        if (shouldRevert) revert P1MockFailure();
        calls++;
        lastSourceChain = sourceChain;
        lastRemotePositionId = remotePositionId;
        lastTrader = trader;
        lastSizeDelta = sizeDelta;
    }
}

/// @notice Records remote liquidation requests; can be told to revert.
contract P1MockLiquidationEngine {
    bool public shouldRevert;
    uint256 public calls;
    uint256 public lastPositionId;

    error P1MockFailure();

    function setShouldRevert(bool v) external {
        shouldRevert = v;
    }

    function liquidateFromRemote(uint256 positionId) external {
        if (shouldRevert) revert P1MockFailure();
        calls++;
        lastPositionId = positionId;
    }
}
