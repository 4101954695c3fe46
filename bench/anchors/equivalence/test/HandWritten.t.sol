// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// The anchor of bench/bench_diff.py: equivalence as people write it by hand for halmos today. Two copies of the
// function under different names, deployed from a fixed state, and the outputs compared for a symbolic input.
// It says nothing about storage, events, other callers or other states; the certificate's harness does.

contract BookV1 {
    function liquidatable(uint256 healthFactor) external pure returns (bool) {
        return healthFactor < 1e18;
    }

    function value(uint256 collateral, uint256 price, uint256 updatedAt) external view returns (uint256) {
        require(block.timestamp - updatedAt < 60, "stale");
        return collateral * price / 1e8;
    }
}

contract BookV2Refactor {
    function liquidatable(uint256 healthFactor) external pure returns (bool) {
        return !(healthFactor >= 1e18);
    }

    function value(uint256 collateral, uint256 price, uint256 updatedAt) external view returns (uint256) {
        if (block.timestamp - updatedAt >= 60) revert("stale");
        uint256 product = collateral * price;
        return product / 1e8;
    }
}

contract HandWrittenEquivalence {
    BookV1 internal v1;
    BookV2Refactor internal v2;

    function setUp() public {
        v1 = new BookV1();
        v2 = new BookV2Refactor();
    }

    function check_liquidatable(uint256 healthFactor) public view {
        assert(v1.liquidatable(healthFactor) == v2.liquidatable(healthFactor));
    }

    function check_value(uint256 collateral, uint256 price, uint256 updatedAt) public view {
        (bool okA, bytes memory a) = address(v1).staticcall(abi.encodeCall(BookV1.value, (collateral, price, updatedAt)));
        (bool okB, bytes memory b) = address(v2).staticcall(abi.encodeCall(BookV1.value, (collateral, price, updatedAt)));
        assert(okA == okB && keccak256(a) == keccak256(b));
    }
}
