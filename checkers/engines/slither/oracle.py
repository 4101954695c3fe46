"""ORCL-10: every read of a Chainlink feed or a decoded Data Streams report checks the answer is positive and
the timestamp is fresh before the value is used (Chainlink Data Feeds docs: "check the timestamp of the latest
answer"; incidents: stale/zero prices during the 2022 LUNA crash).

Reads: Data Feeds v3 `latestRoundData`/`getRoundData`, v2 `latestAnswer`/`getAnswer` (whose timestamp can only
come from `latestTimestamp`/`getTimestamp`: an answer read alone is always unchecked for staleness), and Data
Streams reports decoded into the report layout (the values a verifier returned). The freshness check is on
updatedAt, or on startedAt for an L2 sequencer uptime feed (its grace period runs from startedAt).

Checks may sit in the reading function, in an internal helper the values are passed to, or in the internal
callers the values are returned to. Libraries and abstract contracts are analysed like any contract: a price
helper in a library is a read site, and its callers complete the checks for what it returns."""
from __future__ import annotations

from slither.core.declarations import Function
from slither.detectors.abstract_detector import DetectorClassification
from slither.slithir.operations import HighLevelCall, InternalCall, LibraryCall, SolidityCall
from slither.slithir.variables import Constant

from checkers.engines.slither import flow
from checkers.engines.slither.common import WIKI_BASE, RuleDetector

NEEDS = {"answer": "answer > 0", "updatedAt": "timestamp freshness"}
SATISFIES = {"answer": "answer", "updatedAt": "updatedAt", "startedAt": "updatedAt"}  # guard tag -> need met
PRICE_READS = flow.ROUND_READS | {name for name, tag in flow.SCALAR_READS.items() if tag == "answer"}


def read_sites(function: Function) -> list[str]:
    sites = []
    for ir in function.slithir_operations:
        if isinstance(ir, HighLevelCall) and not isinstance(ir, LibraryCall):
            name = ir.function_name.value if isinstance(ir.function_name, Constant) else str(ir.function_name)
            if name in PRICE_READS:
                sites.append(f"{name}()")
        elif isinstance(ir, SolidityCall) and ir.function.name.startswith("abi.decode") and ir.lvalue is not None:
            if flow.is_report_type(ir.lvalue.type) or flow.report_tuple(ir.lvalue) is not None:
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
        functions = {f for c in self.src_contracts(concrete=False, libraries=True) for f in c.functions_declared
                     if f.is_implemented}
        for f in sorted(functions, key=lambda g: g.canonical_name):
            sites = read_sites(f)
            if not sites:
                continue
            self.examined.add(f.contract_declarer.name)
            missing = self._missing(f, functions, depth=0)
            if missing:
                self.report(results, f, f"{' and '.join(sorted(set(sites)))} read without a check of "
                                        f"{_describe(missing)}")
        return results

    def _missing(self, f: Function, functions: set[Function], depth: int) -> set[Need]:
        trace = flow.walk(f)
        missing = _unmet(_needed(trace), _guarded(trace))
        if not missing:
            return set()
        if not (missing & _returned(trace)) or depth >= 3:
            return missing
        callers = _callers(f, functions)
        if not callers:
            return missing
        # values handed back to callers: each caller must complete the checks
        return set().union(*(self._caller_missing(g, missing, functions, depth + 1) for g in callers))

    def _caller_missing(self, caller: Function, missing: set[Need], functions, depth) -> set[Need]:
        self.examined.add(caller.contract_declarer.name)
        trace = flow.walk(caller)
        left = _unmet(missing, _guarded(trace))
        if not left:
            return set()
        if left & _returned(trace) and depth < 3:
            callers = _callers(caller, functions)
            if callers:
                return set().union(*(self._caller_missing(g, left, functions, depth + 1) for g in callers))
        return left


Need = tuple[str, str]  # (feed tag or ANY_FEED, need): "the answer of feed:dataFeed is checked"
ANY_FEED = "feed:?"  # a value whose feed the walk lost: its check is taken to cover every feed (no false alarm)


def _feeds(tags: frozenset[str]) -> set[str]:
    return {t for t in tags if t.startswith(flow.FEED)} or {ANY_FEED}


def _needed(trace: flow.Trace) -> set[Need]:
    """Each feed read in the trace, with both of its needs."""
    return {(feed, need) for e in trace.of("read") for feed in _feeds(e.tags) for need in NEEDS}


def _pairs(tags: frozenset[str]) -> set[Need]:
    return {(feed, SATISFIES[tag]) for tag in tags if tag in SATISFIES for feed in _feeds(tags)}


def _guarded(trace: flow.Trace) -> set[Need]:
    """The needs the trace's guards meet, per feed."""
    return set().union(*(_pairs(e.tags) for e in trace.of("guard")))


def _unmet(needed: set[Need], met: set[Need]) -> set[Need]:
    return {(feed, need) for feed, need in needed if (feed, need) not in met and (ANY_FEED, need) not in met}


def _returned(trace: flow.Trace) -> set[Need]:
    """The needs whose values the function hands back (a startedAt handed back stands for a timestamp)."""
    return set().union(*(_pairs(tags) for tags in trace.returns.values())) if trace.returns else set()


def _describe(missing: set[Need]) -> str:
    """"answer > 0 and timestamp freshness (feed dataFeed)"; the feed named when the walk knows it."""
    needs = " and ".join(NEEDS[n] for n in sorted({need for _, need in missing}))
    feeds = sorted(f.removeprefix(flow.FEED) for f, _ in missing if f != ANY_FEED)
    named = [f for f in feeds if not f.startswith(("TMP_", "REF_"))]
    return needs + (f" ({'report' if named == ['report'] else 'feed ' + ', '.join(dict.fromkeys(named))})"
                    if named else "")


def _callers(f: Function, functions: set[Function]) -> list[Function]:
    """The functions in scope that call `f` internally (a library function through a library call too)."""
    return [g for g in functions if any(isinstance(ir, (InternalCall, LibraryCall)) and ir.function is f
                                        for ir in g.slithir_operations)]


DETECTORS = (OracleUncheckedRead,)
