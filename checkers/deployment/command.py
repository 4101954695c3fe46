"""`verify deployment --rpc-url URL --deployment FILE`: the checklist read from a live deployment, reported like any
other run (HOLDS_BOUNDED: held as read at the stated block; VIOLATED: each problem with its fix)."""
from __future__ import annotations

import argparse
import time

from checkers.base import Counterexample, Evidence, Finding, Spec, Verdict
from checkers.config import Config
from checkers.results import CheckResult

TARGET = "deployment"


def run_deployment(config: Config, args: argparse.Namespace) -> int:
    from checkers import cli, toolchain
    from checkers.deployment import checklist, fork
    from checkers.deployment.chain import connect
    from checkers.target import Target
    from specs._deployment_checklist import CHECKLIST

    deployment, chain = connect(args.rpc_url, args.deployment)
    items = {"DPL-01": lambda: checklist.roles(chain, deployment),
             "DPL-02": lambda: checklist.parameter_bands(chain, deployment),
             "DPL-03": lambda: fork.pausable(args.rpc_url, deployment),
             "DPL-04": lambda: checklist.upkeep(chain, deployment),
             "DPL-05": lambda: checklist.lanes(chain, deployment),
             "DPL-06": lambda: checklist.fees(chain, deployment),
             "DPL-07": lambda: checklist.phase(chain, deployment)}
    started = time.monotonic()
    checks = [CheckResult(f, f.verdict) for f in (_finding(spec, items[spec.id], chain) for spec in CHECKLIST)]
    for check in checks:
        cli._console().print(f"{check.finding.spec_id}: {check.finding.verdict.name}: {check.finding.summary}")
    target = Target(root=toolchain.PLATFORM_PROJECT, label=TARGET)
    stats = {"checks": len(checks), "cached": 0, "ran": len(checks), "wall_s": round(time.monotonic() - started, 2)}
    return cli._finish(cli._results("deployment", config, list(CHECKLIST), checks, target, stats), config)


def _finding(spec: Spec, item, chain) -> Finding:
    started = time.monotonic()
    outcome = item()
    bounds = {"block": str(chain.block), "rpc_url": chain.rpc_url}
    if outcome.problems:
        evidence = Evidence(counterexample=Counterexample(inputs={}, state={f"problem {i + 1}": p for i, p in
                                                                            enumerate(outcome.problems)},
                                                          explanation="; ".join(outcome.problems)),
                            bounds=bounds, notes="\n".join(outcome.seen))
        return Finding(spec.id, "deployment", Verdict.VIOLATED, f"{len(outcome.problems)} problem(s): "
                       + "; ".join(outcome.problems), evidence, time.monotonic() - started, TARGET)
    return Finding(spec.id, "deployment", Verdict.HOLDS_BOUNDED,
                   f"holds at block {chain.block}: " + "; ".join(outcome.seen[:6])
                   + (f"; ... ({len(outcome.seen)} items)" if len(outcome.seen) > 6 else ""),
                   Evidence(bounds=bounds, notes="\n".join(outcome.seen)), time.monotonic() - started, TARGET)
