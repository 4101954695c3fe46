"""A fake engine for runner/CLI/cache tests: its verdict is chosen per spec id, every call is logged.

BEHAVIOUR maps spec id -> what check() does; the log (FAKE_ENGINE_LOG, one line per call) survives the
runner's forked processes, so tests can count how many checks really ran.
"""
from __future__ import annotations

import os
import time

from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, SourceLocation, Verdict

BEHAVIOUR: dict[str, str] = {}
PREPARE: dict[str, object] = {}  # what prepare() does: {"sleep": seconds} and/or {"fail": message}
LOG_ENV = "FAKE_ENGINE_LOG"


class FakeChecker(Checker):
    NAME = "fake"
    DESCRIPTION = "test engine"

    def available(self) -> Availability:
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return frozenset(s for s, b in BEHAVIOUR.items() if b != "unsupported")

    def prepare(self, target) -> None:
        time.sleep(float(PREPARE.get("sleep", 0)))
        if "fail" in PREPARE:
            raise RuntimeError(str(PREPARE["fail"]))

    def check(self, spec, target, timeout_s):
        log = os.environ.get(LOG_ENV)
        if log:
            with open(log, "a") as handle:
                handle.write(f"{self.NAME} {spec.id} {target.label}\n")
        behaviour = BEHAVIOUR.get(spec.id, "proved")
        if behaviour == "violated_on_mutant":
            behaviour = "proved" if target.label == "platform" else "violated"
        if behaviour == "proved":
            return [Finding(spec.id, self.NAME, Verdict.PROVED, "holds for all inputs",
                            Evidence(domain="all uint256", assumptions=("price > 0",), solver="fake 1.0"),
                            target=target.label)]
        if behaviour == "bounded":
            return [Finding(spec.id, self.NAME, Verdict.HOLDS_BOUNDED, "no violation in 2 transactions",
                            Evidence(bounds={"tx_depth": "2"}), target=target.label)]
        if behaviour == "violated":
            return [Finding(spec.id, self.NAME, Verdict.VIOLATED, "counterexample found", Evidence(
                counterexample=Counterexample({"amount": "100", "price": "42500000000000000000000"},
                                              ("deposit(100)", "withdraw(101)"), {"balance": "0"}, "withdraws more"),
                replay_test="test/replay/Replay_FIX.t.sol",
                locations=(SourceLocation("src/Vault.sol", 13, "Vault", "withdraw"),)), target=target.label)]
        if behaviour == "unknown":
            return [Finding(spec.id, self.NAME, Verdict.UNKNOWN, "solver said unknown", target=target.label)]
        if behaviour == "error_cx":
            return [Finding(spec.id, self.NAME, Verdict.ERROR, "model and bytecode disagree",
                            Evidence(counterexample=Counterexample({"x": "1"})), target=target.label)]
        if behaviour == "crash":
            raise RuntimeError("fake engine blew up")
        if behaviour == "die":
            os._exit(9)
        if behaviour == "hang":
            time.sleep(3600)
        if behaviour == "hang_child":  # a solver subprocess that would outlive a killed engine
            import subprocess

            child = subprocess.Popen(["sleep", "3600"])
            with open(os.environ[LOG_ENV], "a") as handle:
                handle.write(f"child {child.pid}\n")
            time.sleep(3600)
        raise AssertionError(behaviour)


class OtherChecker(FakeChecker):
    """A second engine whose verdicts come from OTHER (for cross-check disagreement)."""

    NAME = "fake2"
    OTHER: dict[str, str] = {}

    def check(self, spec, target, timeout_s):
        saved = dict(BEHAVIOUR)
        BEHAVIOUR.update(self.OTHER)
        try:
            return super().check(spec, target, timeout_s)
        finally:
            BEHAVIOUR.clear()
            BEHAVIOUR.update(saved)


class OfflineChecker(FakeChecker):
    NAME = "offline"

    def available(self) -> Availability:
        return Availability(False, "fake-solver not found on PATH")
