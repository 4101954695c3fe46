"""Z3 models of PerpMath (the platform's money math), proved over whole domains and tied to the bytecode.

Semantics choice: unbounded mathematical integers (z3 `Int`) with explicit range constraints, not bit-vectors.
  * Every input of type uint256/int256/uint8 carries its type range as a constraint.
  * Every checked operation (`+ - * / **`, unary `-`, `ceilDiv`) records a *revert condition*: the exact
    mathematical result is outside the type's range, or a division by zero / `type(int256).min / -1`.
    Under checked arithmetic (solc >= 0.8) a non-reverting execution computes exactly the mathematical
    result, so "Int result + revert predicate" is an exact model of each checked operation; no wrap-around
    has to be encoded.
  * Division truncates: unsigned `/` is Z3's `div` (equal to truncation for a >= 0, b > 0); signed `/`
    truncates toward zero (encoded by sign cases), as the EVM's SDIV does.
  * Unchecked explicit conversions (`int256(uint256)`, `uint256(int256)`) are *not* checked in Solidity:
    they reinterpret the bits. They are modelled with the wrap (`x - 2^256` above `2^255 - 1`).
  * Branches and early returns guard the revert conditions of the code they skip.
Why Int and not BV256: the properties are nonlinear (size*price/entry, index*rate*dt, shares*assets/shares);
Z3's nonlinear integer arithmetic decides them in milliseconds, whereas 256-bit multiplications/divisions
bit-blast into very large circuits. Measured here: LEND-02's core (ceilDiv(p * i1, i0) >= p) is unsat in
0.09 s over Int and still `unknown` after a 20 s timeout over BitVec(256). Timings: bench/bench_z3.py.
Where Z3's nonlinear search is slow (LIQ-02), an obligation states auxiliary lemmas that are proved first
and then assumed, and may abstract subterms in a first cheaper query (see obligation.Obligation).

Soundness limits (stated in every Finding's evidence):
  * The models cover the pure PerpMath functions; how platform contracts compose them is an assumption
    stated per spec (e.g. "liquidation passes the position's value as proceeds").
  * The tie between model and bytecode is *conformance testing* (checkers/engines/z3/conformance.py):
    the compiled PerpMathHarness and the very Z3 terms used in the proofs are evaluated on boundary values,
    >= 200 seeded random inputs per function and every counterexample. Testing, not a proof of equivalence.
  * Nonlinear integer arithmetic is undecidable in general: a query may come back `unknown` -> UNKNOWN.
  * Domains are bounded (amounts < 2^128, prices <= 1e30 WAD, ...) and stated per spec; a PROVED verdict
    holds for every input in that domain, nothing is claimed outside it.
"""
