"""ORCL-10: every read of a Chainlink feed (latestRoundData) or a decoded Data Streams report checks the
answer is positive and the timestamp is fresh before the value is used (Chainlink Data Feeds docs:
"check the timestamp of the latest answer"; incidents: stale/zero prices during the 2022 LUNA crash).

Checks may sit in the reading function, in an internal helper the values are passed to, or in the
internal callers the values are returned to."""
from __future__ import annotations

from slither.core.declarations import Function
from slither.detectors.abstract_detector import DetectorClassification
from slither.slithir.operations import HighLevelCall, InternalCall, SolidityCall
from slither.slithir.variables import Constant

from checkers.engines.slither import flow
from checkers.engines.slither.common import WIKI_BASE, RuleDetector

NEEDS = {"answer": "answer > 0", "updatedAt": "timestamp freshness"}


def read_sites(function: Function) -> list[str]:
    sites = []
    for ir in function.slithir_operations:
        if isinstance(ir, HighLevelCall):
            name = ir.function_name.value if isinstance(ir.function_name, Constant) else str(ir.function_name)
            if name == "latestRoundData":
                sites.append("latestRoundData()")
        elif isinstance(ir, SolidityCall) and ir.function.name.startswith("abi.decode") and ir.lvalue is not None:
            if flow.is_report_type(ir.lvalue.type):
                sites.append("Data Streams report")
    return sites


class OracleUncheckedRead(RuleDetector):
    ARGUMENT = "oracle-unchecked-read"
    HELP = "Chainlink feed/report value used without staleness and positivity checks"
    IMPACT = DetectorClassification.HIGH
    CONFIDENCE = DetectorClassification.MEDIUM
    WIKI = WIKI_BASE + ARGUMENT
    WIKI_TITLE = "Unchecked oracle read"
    WIKI_DESCRIPTION = "latestRoundData()/report values need a check on updatedAt (vs a threshold) and answer > 0."
    WIKI_EXPLOIT_SCENARIO = "A stale feed (heartbeat missed) prices collateral at an old, higher value; bad debt."
    WIKI_RECOMMENDATION = "require(answer > 0); require(block.timestamp - updatedAt <= heartbeat);"
    SPEC_IDS = ("ORCL-10",)

    def _detect(self) -> list:
        results: list = []
        functions = {f for c in self.src_contracts(concrete=False) for f in c.functions_declared if f.is_implemented}
        for f in sorted(functions, key=lambda g: g.canonical_name):
            sites = read_sites(f)
            if not sites:
                continue
            self.examined.add(f.contract_declarer.name)
            missing = self._missing(f, functions, depth=0)
            if missing:
                what = " and ".join(NEEDS[m] for m in sorted(missing))
                self.report(results, f, f"{' and '.join(sorted(set(sites)))} read without a check of {what}")
        return results

    def _missing(self, f: Function, functions: set[Function], depth: int) -> set[str]:
        trace = flow.walk(f)
        guarded = {tag for e in trace.of("guard") for tag in e.tags & set(NEEDS)}
        missing = set(NEEDS) - guarded
        if not missing:
            return set()
        returned = set().union(*trace.returns.values()) if trace.returns else set()
        if not (missing & returned) or depth >= 3:
            return missing
        callers = [g for g in functions if any(isinstance(ir, InternalCall) and ir.function is f
                                               for ir in g.slithir_operations)]
        if not callers:
            return missing
        # values handed back to callers: each caller must complete the checks
        return set().union(*(self._caller_missing(g, f, missing, functions, depth + 1) for g in callers))

    def _caller_missing(self, caller: Function, callee: Function, missing: set[str], functions, depth) -> set[str]:
        trace = flow.walk(caller)
        guarded = {tag for e in trace.of("guard") for tag in e.tags & set(NEEDS)}
        left = missing - guarded
        if not left:
            return set()
        returned = set().union(*trace.returns.values()) if trace.returns else set()
        if left & returned and depth < 3:
            callers = [g for g in functions if any(isinstance(ir, InternalCall) and ir.function is caller
                                                   for ir in g.slithir_operations)]
            if callers:
                return set().union(*(self._caller_missing(g, caller, left, functions, depth + 1) for g in callers))
        return left


DETECTORS = (OracleUncheckedRead,)
