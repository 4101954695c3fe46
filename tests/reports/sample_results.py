"""A RunResults with every verdict, a counterexample, an accepted risk, a survivor mutant and a diff.

Platform checks: 12 (LIQ-01 x2, SOLV-03, LEND-01, ORCL-03, SEQ-01, CCIP-02, FUND-01, UPG-01, PAUSE-01, ORCL-04,
CCIP-09), one more on the mutant M01_Liq.
"""
from __future__ import annotations

from checkers.base import Counterexample, Evidence, Finding, Severity, SourceLocation, Spec, Verdict
from checkers.results import CheckResult, MutantResult, RunResults


def _spec(id: str, engines=("z3",), **kw) -> Spec:
    return Spec(id=id, title=f"{id} <title> & more", rationale=f"why {id}", severity=Severity.HIGH,
                category="liquidation", contracts=("LiquidationEngine",), engines=engines, **kw)


def sample() -> RunResults:
    cx = Counterexample({"collateral": "10000000000000000000000", "price": "42500000000000000000000"},
                        ("openPosition(2e18)", "liquidate(alice)"), {"badDebt": "5000000000000000000000"},
                        "Alice's collateral does not cover her debt")
    specs = [
        _spec("LIQ-01", engines=("z3", "halmos")),
        _spec("SOLV-03", accepted_risk="the insurance fund and the bad-debt record cover the shortfall"),
        _spec("LEND-01"), _spec("ORCL-03"), _spec("SEQ-01", engines=("manticore",)),
        _spec("CCIP-02", engines=("slither",)), _spec("FUND-01"), _spec("UPG-01", engines=("upgrade",)),
        _spec("PAUSE-01", engines=("slither",)), _spec("ORCL-04"), _spec("CCIP-09", engines=("slither",)),
    ]

    def f(spec, engine, verdict, summary, evidence=Evidence(), target="platform", original=None):
        return CheckResult(Finding(spec, engine, verdict, summary, evidence, 0.25, target), original or verdict)

    checks = [
        f("LIQ-01", "z3", Verdict.PROVED, "HF >= 1 never liquidatable",
          Evidence(domain="all uint256 prices", assumptions=("price > 0",), solver="z3 4.12.6")),
        f("LIQ-01", "halmos", Verdict.VIOLATED, "liquidated at HF = 1", Evidence(
            counterexample=cx, replay_test="test/replay/LIQ01.t.sol",
            locations=(SourceLocation("src/LiquidationEngine.sol", 42, "LiquidationEngine", "liquidate"),))),
        f("SOLV-03", "z3", Verdict.ACCEPTED_RISK, "debt not fully repaid from collateral",
          Evidence(counterexample=cx), original=Verdict.VIOLATED),
        f("LEND-01", "z3", Verdict.HOLDS_BOUNDED, "index monotone", Evidence(bounds={"rate_bits": "64"})),
        f("ORCL-03", "z3", Verdict.UNKNOWN, "solver timeout"),
        f("SEQ-01", "manticore", Verdict.SKIPPED, "manticore unavailable: yices-smt2 not found"),
        f("CCIP-02", "slither", Verdict.ERROR, "slither crashed"),
        f("FUND-01", "z3", Verdict.VACUOUS, "assumptions unsatisfiable"),
        f("UPG-01", "upgrade", Verdict.PROVED, "layout compatible"),
        f("PAUSE-01", "slither", Verdict.NO_FINDING, "no finding in 2 contract(s) in scope", Evidence(
            domain="every function of the 7 contracts compiled from src/",
            notes="in scope: CrossChainVault, PerpetualTrading; exempt: CrossChainVault.repay (repay must stay "
                  "open when paused); PerpetualTrading.closePosition (exit to safety)")),
        f("ORCL-04", "z3", Verdict.PROVED, "TWAP within bounds", Evidence(
            domain="all uint256 prices", solver="z3 4.12.6",
            bounds={"conformance_inputs": "1312", "conformance_seed": "7"},
            notes="the models of twap agree with platform's compiled PerpMathHarness on 1312 inputs")),
        f("CCIP-09", "slither", Verdict.NOT_APPLICABLE, "nothing in scope: no CCIP receiver"),
        f("LIQ-01", "z3", Verdict.VIOLATED, "mutant caught", Evidence(counterexample=cx), target="M01_Liq"),
    ]
    mutants = [MutantResult("M01_Liq", "src/libraries/PerpMath.sol", "<= instead of <", ("LIQ-01",),
                            {"LIQ-01": ["z3"]}, ()),
               MutantResult("M99_Survivor", "src/X.sol", "no check", ("CCIP-02",), {}, ("CCIP-02",))]
    return RunResults(
        command="all", specs=specs, checks=checks, settings={"timeout": 60}, tools={"z3-solver": "4.12.6.0"},
        source={"commit": "0123456789abcdef", "dirty": True}, targets={"platform": "contracts"},
        locations={"LIQ-01": [{"file": "contracts/src/LiquidationEngine.sol", "line": 7,
                               "contract": "LiquidationEngine"}]},
        mutants=mutants, diff={"base": "v1", "lines": ["storage layout: append-only"], "worse": []},
        stats={"checks": 10, "cached": 3, "wall_s": 1.5}, generated_at="2026-11-25T21:00:00Z", strict=True)
