// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {MockUSDC} from "test/mocks/MockUSDC.sol";
import {MockPriceOracle} from "test/mocks/MockPriceOracle.sol";
import {MockVault} from "test/mocks/MockVault.sol";
import {PositionManager} from "src/PositionManager.sol";
import {CrossChainLendingPool} from "src/CrossChainLendingPool.sol";
import {PerpetualTrading} from "src/PerpetualTrading.sol";
import {IPerpetualTrading} from "src/interfaces/IPlatform.sol";
import {SequenceHarness} from "./SequenceHarness.sol";
import {PlatformDeployer} from "script/PlatformDeployer.sol";

/// @notice Concrete set-up shared by the sequence harnesses (checkers/engines/sequence/harness.py): the real pool,
///         position manager and trading contracts over a settable oracle, a minimal vault and a mock USDC.
///         No cheatcodes: the harness itself is admin, lender, trader and (for trading) the liquidation
///         engine, so Manticore, halmos and Foundry all run the same bytecode.
abstract contract PlatformBase is SequenceHarness {
    bytes32 internal constant BTC = keccak256("BTC/USD");
    uint256 internal constant WAD = 1e18;
    uint256 internal constant USDC = 1e6;

    MockUSDC public usdc;
    MockPriceOracle public oracle;
    MockVault public vault;
    CrossChainLendingPool public pool;
    PositionManager public pm;
    PerpetualTrading public trading;

    function _deployPool() internal {
        usdc = new MockUSDC();
        pool = PlatformDeployer.deployCrossChainLendingPool(address(this), address(this));
        pool.grantRole(pool.BORROWER_ROLE(), address(this));
        pool.addSupportedToken(address(usdc), 500);
    }

    /// @dev trading's liquidation engine is this harness, so act_ functions call liquidatePosition directly.
    function _deployPlatform() internal {
        usdc = new MockUSDC();
        oracle = new MockPriceOracle();
        vault = new MockVault();
        oracle.setPrice(BTC, 50_000 * WAD);
        pool = PlatformDeployer.deployCrossChainLendingPool(address(this), address(this));
        pm = PlatformDeployer.deployPositionManager(address(oracle), address(this));
        trading = PlatformDeployer.deployPerpetualTrading(address(pool), address(oracle), address(this), address(this));
        trading.setPositionManager(address(pm));
        trading.setVault(address(vault));
        pm.setLendingPool(address(pool));
        pm.setFundingSource(address(trading));
        pm.grantRole(pm.TRADING_ROLE(), address(trading));
        pool.grantRole(pool.BORROWER_ROLE(), address(trading));
        pool.addSupportedToken(address(usdc), 500);
        trading.addMarket("BTC/USD", BTC, 17, 500);
    }

    function _supply(uint256 amount) internal returns (uint256 shares) {
        usdc.mint(address(this), amount);
        usdc.approve(address(pool), amount);
        shares = pool.supply(address(usdc), amount);
    }

    function _depositCollateral(uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(vault), amount);
        vault.depositCollateral(address(usdc), amount);
    }

    function _fundInsurance(uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(trading), amount);
        trading.fundInsurance(address(usdc), amount);
    }

    function _fundCounterparty(uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(trading), amount);
        trading.fundCounterparty(address(usdc), amount);
    }

    function _openLong(uint256 size, uint256 leverage) internal returns (uint256 id) {
        id = trading.openPosition("BTC/USD", IPerpetualTrading.Side.Long, size, leverage, address(usdc));
    }

    /// @dev A few concrete prices (whole USD) chosen by a symbolic index: keeps the health-factor division
    ///      linear for the solvers while covering healthy, liquidatable and bad-debt states. Choices decode with
    ///      a bit mask, never `%`: a 256-bit remainder by a constant is a full divider for a bit-blasting solver
    ///      (Manticore/yices `unknown` after 20 s per query with `% 6`).
    function _price(uint256 choice) internal pure returns (uint256) {
        uint256 i = choice & 7;
        if (i == 0) return 60_000;
        if (i == 1) return 50_000;
        if (i == 2) return 45_000;
        if (i == 3) return 42_000;
        if (i == 4) return 40_000;
        return 30_000;
    }
}
