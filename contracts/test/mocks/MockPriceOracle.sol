// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IDataStreamOracle} from "../../src/interfaces/IPlatform.sol";

/// @notice Settable WAD prices; `setBroken` makes getPrice revert like a tripped breaker / stale feed.
contract MockPriceOracle is IDataStreamOracle {
    mapping(bytes32 => uint256) public price;
    mapping(bytes32 => bool) public broken;

    error PriceUnavailable(bytes32 feedId);

    function setPrice(bytes32 feedId, uint256 priceWad) external {
        price[feedId] = priceWad;
    }

    function setBroken(bytes32 feedId, bool b) external {
        broken[feedId] = b;
    }

    function getPrice(bytes32 feedId) external view returns (uint256) {
        if (broken[feedId] || price[feedId] == 0) revert PriceUnavailable(feedId);
        return price[feedId];
    }

    function getTwap(bytes32 feedId, uint256) external view returns (uint256) {
        return this.getPrice(feedId);
    }
}
