// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Test} from "forge-std/Test.sol";
import {MockUSDC} from "./MockUSDC.sol";
import {MockPriceOracle} from "./MockPriceOracle.sol";
import {MockVault} from "./MockVault.sol";
import {PositionManager} from "../../src/PositionManager.sol";
import {CrossChainLendingPool} from "../../src/CrossChainLendingPool.sol";
import {LiquidationEngine} from "../../src/LiquidationEngine.sol";
import {PerpetualTrading} from "../../src/PerpetualTrading.sol";
import {IPerpetualTrading} from "../../src/interfaces/IPlatform.sol";
import {DataStreamOracle} from "../../src/DataStreamOracle.sol";
import {CrossChainVault} from "../../src/CrossChainVault.sol";
import {PlatformDeployer} from "../../script/PlatformDeployer.sol";

/// @notice What the tests need from a vault: the real CrossChainVault and MockVault both have it.
interface IFixtureVault {
    function depositCollateral(address token, uint256 amount) external;
    function withdrawCollateral(address token, uint256 amount) external;
    function collateralOf(address user, address token) external view returns (uint256);
}

/// @notice P2's four modules wired together over a settable mock oracle and a minimal vault.
abstract contract PlatformFixture is Test {
    bytes32 internal constant BTC = keccak256("BTC/USD");
    uint256 internal constant USDC = 1e6;
    uint256 internal constant WAD = 1e18;

    address internal admin = makeAddr("admin");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal lender = makeAddr("lender");
    address internal keeper = makeAddr("keeper");
    address internal router = makeAddr("router");

    MockUSDC internal usdc;
    MockPriceOracle internal oracle;
    IFixtureVault internal vault;
    CrossChainVault internal realVault; // set by _deployPlatformWithOracle
    PositionManager internal pm;
    CrossChainLendingPool internal pool;
    LiquidationEngine internal engine;
    PerpetualTrading internal trading;

    DataStreamOracle internal dso; // the real oracle, when deployed with _deployPlatformWithOracle


    function _deployPlatform() internal {
        usdc = new MockUSDC();
        vault = IFixtureVault(address(new MockVault()));
        oracle = new MockPriceOracle();
        _deployCore(address(oracle));
        oracle.setPrice(BTC, 50_000 * WAD);
    }

    /// @notice The four modules over the real DataStreamOracle (BTC/USD 8 decimals, heartbeat 300 s,
    ///         circuit breaker 1000 bps / 300 s cooldown: the deployment's values; first price 50,000) and the
    ///         real CrossChainVault (CCIP router/LINK are placeholders: no cross-chain sends here).
    function _deployPlatformWithOracle() internal {
        usdc = new MockUSDC();
        vm.startPrank(admin);
        realVault = PlatformDeployer.deployCrossChainVault(makeAddr("ccipRouter"), makeAddr("link"), admin);
        realVault.addSupportedToken(address(usdc));
        vault = IFixtureVault(address(realVault));
        dso = PlatformDeployer.deployDataStreamOracle(admin, makeAddr("verifierProxy"));
        dso.addFeed("BTC/USD", BTC, 8, 300, 500, address(0));
        dso.setCircuitBreaker(BTC, 1000, 300, true);
        dso.grantRole(dso.UPDATER_ROLE(), admin);
        dso.updatePrice(BTC, 50_000e8);
        vm.stopPrank();
        _deployCore(address(dso));
        vm.startPrank(admin);
        realVault.grantRole(realVault.TRADING_ROLE(), address(trading));
        vm.stopPrank();
    }

    /// @notice Pushes `price` (whole USD) as the oracle's updater; returns whether the breaker accepted it.
    function _push(uint256 price) internal returns (bool accepted) {
        vm.prank(admin);
        accepted = dso.updatePrice(BTC, price * 1e8);
    }

    function _deployCore(address oracleAddress) internal {
        vm.startPrank(admin);
        pm = PlatformDeployer.deployPositionManager(oracleAddress, admin);
        pool = PlatformDeployer.deployCrossChainLendingPool(router, admin);
        engine = PlatformDeployer.deployLiquidationEngine(address(pm), oracleAddress, address(vault), admin);
        trading = PlatformDeployer.deployPerpetualTrading(address(pool), oracleAddress, address(engine), admin);
        trading.setPositionManager(address(pm));
        trading.setVault(address(vault));
        engine.setPerpetualTrading(address(trading));
        engine.setLiquidationInterval(30);
        engine.authorizeLiquidator(keeper);
        pm.setLendingPool(address(pool));
        pm.setFundingSource(address(trading));
        pm.grantRole(pm.TRADING_ROLE(), address(trading));
        pool.grantRole(pool.BORROWER_ROLE(), address(trading));
        pool.addSupportedToken(address(usdc), 500);
        trading.addMarket("BTC/USD", BTC, 17, 500);
        vm.stopPrank();
    }

    function _supply(address who, uint256 amount) internal returns (uint256 shares) {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(pool), amount);
        shares = pool.supply(address(usdc), amount);
        vm.stopPrank();
    }

    function _deposit(address who, uint256 amount) internal {
        usdc.mint(who, amount);
        vm.startPrank(who);
        usdc.approve(address(vault), amount);
        vault.depositCollateral(address(usdc), amount);
        vm.stopPrank();
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

    function _open(address who, bool isLong, uint256 size, uint256 leverage) internal returns (uint256 id) {
        vm.prank(who);
        id = trading.openPosition(
            "BTC/USD", isLong ? IPerpetualTrading.Side.Long : IPerpetualTrading.Side.Short, size, leverage, address(usdc)
        );
    }
}
