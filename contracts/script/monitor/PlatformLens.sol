// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {DataStreamOracle} from "../../src/DataStreamOracle.sol";
import {PositionManager} from "../../src/PositionManager.sol";
import {CrossChainLendingPool} from "../../src/CrossChainLendingPool.sol";
import {PerpetualTrading} from "../../src/PerpetualTrading.sol";
import {CrossChainReceiver} from "../../src/CrossChainReceiver.sol";
import {LaunchControl} from "../../src/LaunchControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title PlatformLens
/// @notice Everything the runtime monitor reads from one stack at one block, in ONE eth_call: the lens is never
///         deployed; its creation code runs as a call (no `to`) and its constructor returns the encoded Snapshot
///         instead of code. Works on any node, at any block, with no contract of ours on the chain, and the cost
///         per block grows with the number of positions, not with positions x calls. Positions are paged
///         (`offset`, `limit`) so that a page stays under the call's gas cap.
contract PlatformLens {
    struct Modules {
        DataStreamOracle oracle;
        PositionManager positionManager;
        address vault;
        CrossChainLendingPool pool;
        address engine;
        PerpetualTrading trading;
        CrossChainReceiver receiver;
        LaunchControl launch;
    }

    struct FeedView {
        bytes32 id;
        uint8 decimals;
        bool readable; // latestPrice did not revert
        uint256 priceWad; // what the platform reads now (latestPrice)
        uint256 updatedAt;
        uint8 source; // 1 primary, 2 fallback
        uint256 primaryTimestamp;
        bool breakerEnabled;
        uint256 trippedAt; // 0 = not tripped
        uint32 cooldown;
    }

    struct TokenView {
        address token;
        uint8 decimals;
        uint256 assets;
        uint256 borrows;
        uint256 cash;
        uint256 badDebt;
        uint256 held; // the pool's balance of the token
        uint256 insurance;
        uint256 counterparty;
    }

    struct PositionView {
        uint256 id;
        bool readable; // calculateHealthFactor did not revert
        uint256 healthFactorWad;
    }

    struct Snapshot {
        uint256 blockNumber;
        uint256 timestamp;
        bool[8] paused; // in Modules order; a module that cannot answer reads as paused = false, paused_ok false
        bool[8] pausedOk;
        uint8 phase; // 0 when LaunchControl does not answer
        uint256 recentFailures;
        uint256 storedMessages;
        uint256 openPositions;
        FeedView[] feeds;
        TokenView[] tokens;
        PositionView[] positions; // open positions [offset, offset + limit)
    }

    constructor(Modules memory m, uint256 offset, uint256 limit) {
        bytes memory encoded = abi.encode(_snapshot(m, offset, limit));
        assembly {
            return(add(encoded, 32), mload(encoded))
        }
    }

    /// @notice Never called: its ABI is how the monitor decodes what the constructor returns.
    function snapshotShape() external pure returns (Snapshot memory s) {}

    function _snapshot(Modules memory m, uint256 offset, uint256 limit) internal view returns (Snapshot memory s) {
        s.blockNumber = block.number;
        s.timestamp = block.timestamp;
        address[8] memory all = [
            address(m.oracle), address(m.positionManager), m.vault, address(m.pool), m.engine, address(m.trading),
            address(m.receiver), address(m.launch)
        ];
        for (uint256 i; i < 8; ++i) {
            (bool ok, bytes memory ret) = all[i].staticcall(abi.encodeWithSignature("paused()"));
            s.pausedOk[i] = ok && ret.length == 32;
            s.paused[i] = s.pausedOk[i] && abi.decode(ret, (bool));
        }
        try m.launch.phase() returns (uint8 p) {
            s.phase = p;
        } catch {}
        s.recentFailures = m.receiver.recentFailures();
        s.storedMessages = m.receiver.storedMessageCount();
        s.feeds = _feeds(m.oracle);
        s.tokens = _tokens(m.pool, m.trading);
        uint256[] memory ids = m.positionManager.openPositionIds();
        s.openPositions = ids.length;
        s.positions = _positions(m.positionManager, ids, offset, limit);
    }

    function _feeds(DataStreamOracle oracle) internal view returns (FeedView[] memory out) {
        bytes32[] memory ids = oracle.feedIds();
        out = new FeedView[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            FeedView memory f = out[i];
            f.id = ids[i];
            f.decimals = oracle.getFeed(ids[i]).decimals;
            try oracle.latestPrice(ids[i]) returns (uint256 price, uint256 updatedAt, uint8 source) {
                (f.readable, f.priceWad, f.updatedAt, f.source) = (true, price, updatedAt, source);
            } catch {}
            (, f.primaryTimestamp) = oracle.primaryPrice(ids[i]);
            DataStreamOracle.CircuitBreaker memory b = oracle.circuitBreaker(ids[i]);
            (f.breakerEnabled, f.trippedAt, f.cooldown) = (b.enabled, b.trippedAt, b.cooldown);
        }
    }

    function _tokens(CrossChainLendingPool pool, PerpetualTrading trading) internal view returns (TokenView[] memory out) {
        address[] memory tokens = pool.supportedTokens();
        out = new TokenView[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            address token = tokens[i];
            out[i] = TokenView(
                token,
                IERC20Metadata(token).decimals(),
                pool.totalAssets(token),
                pool.totalBorrows(token),
                pool.cash(token),
                pool.totalBadDebt(token),
                IERC20Metadata(token).balanceOf(address(pool)),
                trading.insuranceFund(token),
                trading.counterpartyBalance(token)
            );
        }
    }

    function _positions(PositionManager pm, uint256[] memory ids, uint256 offset, uint256 limit)
        internal
        view
        returns (PositionView[] memory out)
    {
        uint256 end = offset + limit < ids.length ? offset + limit : ids.length;
        out = new PositionView[](end > offset ? end - offset : 0);
        for (uint256 i; i < out.length; ++i) {
            uint256 id = ids[offset + i];
            out[i].id = id;
            try pm.calculateHealthFactor(id) returns (uint256 hf) {
                (out[i].readable, out[i].healthFactorWad) = (true, hf);
            } catch {}
        }
    }
}
