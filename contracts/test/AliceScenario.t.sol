// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {console2} from "forge-std/console2.sol";
import {Vm} from "forge-std/Vm.sol";
import {DeployedPlatformFixture} from "./mocks/DeployedPlatformFixture.sol";
import {DataStreamOracle} from "../src/DataStreamOracle.sol";
import {IPositionManager} from "../src/interfaces/IPlatform.sol";

/// @notice The design's story, end to end, with every number printed (docs/platform.md §1-§3):
///         Alice deposits 10,000 USDC, opens a 10x long of 100,000 at 50,000 (borrowing 90,000); BTC falls 15 %
///         to 42,500. The 10 % circuit breaker rejects that move and nothing can be liquidated during its 300 s
///         cooldown; then the price is accepted, Automation finds her position and liquidates it. The position is
///         worth 85,000 against 90,000 + interest owed: the pool gets all 85,000, the insurance fund (2,000)
///         covers part of the shortfall and the rest is recorded as bad debt; no penalty, nothing back to Alice.
contract AliceScenario is DeployedPlatformFixture {
    bytes32 internal constant LIQUIDATED_SIG =
        keccak256("PositionLiquidated(uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256)");

    uint256 internal constant INSURANCE_SEED = 2_000 * USDC;
    uint256 internal constant LENDER_SUPPLY = 1_000_000 * USDC;

    struct Split {
        uint256 repaid;
        uint256 covered;
        uint256 badDebt;
        uint256 penalty;
        uint256 toTrader;
    }

    function setUp() public {
        vm.warp(1_700_000_000);
        _deployThroughScript(); // as deployed: Safe-administered, Phase 1 (Alice allowlisted, BTC/USD, 10x)
        _allowlist(alice);
        // the story has no funding: the deployment's 25 ppm/h on BTC/USD set to 0 (through the Safe, as any change)
        _asSafe(address(trading), abi.encodeWithSignature("updateFundingRate(string,int256)", "BTC/USD", int256(0)));
        _supply(lender, LENDER_SUPPLY);
        _fundInsurance(INSURANCE_SEED);
        _deposit(alice, 10_000 * USDC);
    }

    function _usd(string memory label, uint256 amount6) internal pure {
        console2.log(string.concat(label, " (whole USDC):"), amount6 / 1e6, "| raw, 6 decimals:", amount6);
    }

    function test_AliceIsLiquidatedAt42500() public {
        console2.log("== Alice: 10x long BTC, 100000 notional at 50000, price falls to 42500 ==");
        // ---- open
        uint256 id = _open(alice, true, 100_000 * USDC, 10);
        IPositionManager.Position memory p = pm.getPosition(id);
        assertEq(p.collateral, 10_000 * USDC);
        assertEq(p.principal, 90_000 * USDC);
        assertEq(p.entryPrice, 50_000 * WAD);
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
        uint256 hfOpen = pm.calculateHealthFactor(id);
        assertEq(hfOpen, 2 * WAD); // equity 10,000 / maintenance 5 % of 100,000
        console2.log("entry price (USD):", p.entryPrice / WAD);
        _usd("collateral", p.collateral);
        _usd("borrowed from pool", p.principal);
        console2.log("HF at open (WAD):", hfOpen);

        _breakerPhase(id);
        _acceptedPhase(id, p);
    }

    function _breakerPhase(uint256 id) internal {
        // ---- 15 % drop: the breaker (10 %, cooldown 300 s) rejects it
        vm.warp(block.timestamp + 60);
        assertFalse(_push(42_500), "a 15% move must trip the 10% breaker");
        vm.expectRevert();
        dso.getPrice(BTC);
        vm.expectRevert();
        trading.isLiquidatable(id);
        (bool needed,) = engine.checkUpkeep("");
        assertFalse(needed, "no upkeep while the oracle refuses a price");
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(automationNode); // a node handing the id anyway, through the registry and forwarder
        registry.performUpkeep(upkeepId, abi.encode(ids)); // fails inside, is caught, nothing liquidated
        assertTrue(pm.isOpen(id), "cannot be liquidated while the breaker is tripped");
        console2.log("update to 42500 rejected by the 10% circuit breaker; getPrice reverts; upkeep cannot liquidate");
    }

    function _acceptedPhase(uint256 id, IPositionManager.Position memory p) internal {

        // ---- after the cooldown the next update is accepted
        vm.warp(block.timestamp + 300);
        assertTrue(_push(42_500), "first update after the cooldown is accepted");
        assertEq(dso.getPrice(BTC), 42_500 * WAD);
        console2.log("after the 300 s cooldown the oracle accepts BTC price (USD):", uint256(42500));

        IPositionManager.PositionState memory st = pm.positionState(id);
        uint256 owed = pool.debtOf(address(usdc), p.principal, p.indexAtBorrow);
        assertEq(st.value, 85_000 * USDC);
        assertEq(st.debt, owed);
        assertGt(owed, 90_000 * USDC); // 360 s of 5 %/yr interest
        uint256 idx = pool.currentIndex(address(usdc));
        assertEq(owed, (90_000 * USDC * idx + p.indexAtBorrow - 1) / p.indexAtBorrow); // rounded up
        assertEq(st.requirement, 4_250 * USDC);
        assertEq(st.healthFactor, 0, "equity is negative");
        _usd("position value at 42500", st.value);
        _usd("owed to the pool (90000 + interest)", owed);
        _usd("interest", owed - 90_000 * USDC);
        _usd("maintenance requirement (5% of current notional)", st.requirement);
        console2.log("equity (whole USDC, signed):", st.equity / 1e6);
        console2.log("equity (raw, 6 decimals, signed):", st.equity);
        console2.log("HF before liquidation (WAD):", st.healthFactor);

        // ---- three readings of "health" (docs/platform.md table)
        uint256 valueOverDebtBps = st.value * 10_000 / owed;
        assertEq(valueOverDebtBps, 9444); // 94 %: the story's "< 80 %" rule would NOT liquidate
        assertGe(valueOverDebtBps, 8_000);
        assertLt(st.equity, int256(8_000 * USDC)); // equity / initial margin < 80 % -> liquidated
        assertLt(st.healthFactor, WAD); // chosen rule -> liquidated
        console2.log("reading 1  value/debt (bps):", valueOverDebtBps);
        console2.log("           -> the naive '< 80%' rule would not liquidate (would wait for 36000)");
        console2.log("reading 2  equity/initial margin (bps, signed):", st.equity * 10_000 / int256(p.collateral));
        console2.log("           -> below 80%: liquidated (threshold price 49000)");
        console2.log("reading 3  HF = equity / maintenance (WAD):", st.healthFactor);
        console2.log("           -> below 1e18: liquidated (threshold price ~47368) [the platform's rule]");

        _liquidateAndCheck(id, owed);
    }

    function _liquidateAndCheck(uint256 id, uint256 owed) internal {
        // ---- Automation finds and liquidates it: the node's simulation through the registry, then its transaction
        (bool upkeepNeeded, bytes memory performData) = registry.checkUpkeep(upkeepId);
        assertTrue(upkeepNeeded);
        uint256[] memory found = abi.decode(performData, (uint256[]));
        assertEq(found.length, 1);
        assertEq(found[0], id);
        uint256 poolCashBefore = pool.cash(address(usdc));
        uint256 poolAssetsBefore = pool.totalAssets(address(usdc));
        // the lenders' books hold the debt rounded down, the debt itself rounds up: one unit apart here
        uint256 onBooks = pool.totalBorrows(address(usdc));
        assertEq(onBooks + 1, owed);
        vm.recordLogs();
        vm.prank(automationNode);
        assertTrue(registry.performUpkeep(upkeepId, performData), "forwarded");
        Split memory x = _liquidationEvent(id);
        uint256 repaid = x.repaid;
        uint256 covered = x.covered;
        uint256 badDebt = x.badDebt;

        assertFalse(pm.isOpen(id));
        assertEq(repaid, 85_000 * USDC, "pool first: all the proceeds");
        assertEq(covered, INSURANCE_SEED, "insurance covers what it can");
        // bad debt is what the lenders lose (docs/platform.md §2): the rest of what their books held, 3,000.051369
        assertEq(badDebt, onBooks - 85_000 * USDC - INSURANCE_SEED, "the rest is bad debt");
        assertEq(badDebt, 3_000_051_369);
        assertEq(repaid + covered + badDebt, onBooks, "conservation on the lenders' books");
        assertEq(x.penalty, 0, "no penalty: nothing left after the pool");
        assertEq(x.toTrader, 0);
        assertEq(trading.insuranceFund(address(usdc)), 0);
        assertEq(pool.totalBadDebt(address(usdc)), badDebt);
        assertEq(pool.cash(address(usdc)) - poolCashBefore, repaid + covered);
        assertEq(pool.totalBorrows(address(usdc)), 0);
        assertEq(vault.collateralOf(alice, address(usdc)), 0);
        // lenders lose exactly the bad debt, to the unit
        assertEq(poolAssetsBefore - pool.totalAssets(address(usdc)), badDebt);

        console2.log("== liquidation (PerpMath.liquidationSplit) ==");
        _usd("repaid from position", repaid);
        _usd("covered by insurance", covered);
        _usd("bad debt (written off against lenders)", badDebt);
        _usd("penalty", x.penalty);
        _usd("to trader", x.toTrader);
        console2.log("HF after liquidation: position closed, no HF (open positions):", pm.openPositionCount());
        _usd("lenders' loss = bad debt", poolAssetsBefore - pool.totalAssets(address(usdc)));
    }

    function _liquidationEvent(uint256 id) internal returns (Split memory x) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(trading) && logs[i].topics[0] == LIQUIDATED_SIG) {
                assertEq(uint256(logs[i].topics[1]), id);
                uint256 price;
                uint256 hf;
                (price, hf, x.repaid, x.covered, x.badDebt, x.penalty, x.toTrader) =
                    abi.decode(logs[i].data, (uint256, uint256, uint256, uint256, uint256, uint256, uint256));
                assertEq(price, 42_500 * WAD);
                assertEq(hf, 0);
                return x;
            }
        }
        revert("no PositionLiquidated event");
    }
}
