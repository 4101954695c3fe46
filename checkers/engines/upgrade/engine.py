"""The "upgrade" engine: compares the target's compiled storage layouts and ABIs with a baseline.

The comparison is exact over the compiler's own storageLayout and ABI output, so a pass is PROVED for the
stated domain (the contracts in the baseline), and a failure is VIOLATED with the variable or selector as the
counterexample. No baseline -> SKIPPED with the command that makes one.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from checkers.base import Availability, Checker, Counterexample, Evidence, Finding, SourceLocation, Spec, Verdict
from checkers.engines.upgrade import baseline as bl

if TYPE_CHECKING:  # pragma: no cover
    from checkers.target import Target


class UpgradeChecker(Checker):
    NAME = "upgrade"
    DESCRIPTION = "storage layout append-only and selectors kept, against contracts/upgrade-baseline.json"
    SPECS = frozenset({"UPG-01", "UPG-02", "UPG-03"})

    def available(self) -> Availability:
        return Availability(True)

    def supported_specs(self) -> frozenset[str]:
        return self.SPECS

    def check(self, spec: Spec, target: "Target", timeout_s: float) -> list[Finding]:
        started = time.monotonic()
        if spec.id == "UPG-03":
            return [self._structure(spec, target, started)]
        path = bl.baseline_path(target)
        try:
            base = bl.load_baseline(path)
        except ValueError as exc:
            return [Finding(spec.id, self.NAME, Verdict.ERROR, str(exc), target=target.label)]
        if base is None:
            return [Finding(spec.id, self.NAME, Verdict.SKIPPED,
                            f"no baseline at {path.name}: run `verify baseline` once the contracts are released",
                            target=target.label)]
        current = bl.snapshot(target)
        if spec.id == "UPG-01":
            changes, what = bl.layout_changes(base, current), "storage layout"
        else:
            changes, what = bl.selector_changes(base, current), "external selectors"
        domain = (f"{what} of the {len(base['contracts'])} contracts in {path.name} "
                  f"(compiler storageLayout / ABI output)")
        elapsed = round(time.monotonic() - started, 3)
        if not changes:
            return [Finding(spec.id, self.NAME, Verdict.PROVED,
                            f"{what} compatible with the baseline ({len(base['contracts'])} contracts)",
                            Evidence(domain=domain, solver="exact comparison",
                                     assumptions=("the baseline is the layout of the deployed version",)),
                            elapsed, target.label)]
        first = changes[0]
        source = base["contracts"].get(first.contract, {}).get("source")
        locations = (SourceLocation(source, 1, first.contract),) if source else ()
        return [Finding(
            spec.id, self.NAME, Verdict.VIOLATED, f"{len(changes)} incompatible change(s): {first.detail}",
            Evidence(counterexample=Counterexample(first.inputs, explanation="; ".join(c.detail for c in changes)),
                     domain=domain, solver="exact comparison", locations=locations,
                     replay_command="verify check " + spec.id),
            elapsed, target.label)]

    def _structure(self, spec: Spec, target: "Target", started: float) -> Finding:
        from checkers.engines.upgrade.structure import problems, upgradeable_contracts

        scope = upgradeable_contracts(target)
        found = problems(target)
        elapsed = round(time.monotonic() - started, 3)
        domain = (f"{len(scope)} upgradeable implementation(s) ({', '.join(sorted(scope)) or 'none'}): compiler AST "
                  f"(initializers, _authorizeUpgrade, ERC-7201 slots, proxy/implementation selectors)")
        if found:
            first = found[0]
            return Finding(spec.id, self.NAME, Verdict.VIOLATED, f"{len(found)} upgrade-structure problem(s): {first.detail}",
                           Evidence(counterexample=Counterexample({"contract": first.contract, "problem": first.kind},
                                                                  explanation="; ".join(p.detail for p in found)),
                                    domain=domain, solver="AST pattern check",
                                    locations=tuple(SourceLocation(p.source, p.line, p.contract) for p in found)),
                           elapsed, target.label)
        if not scope:
            verdict = Verdict.NOT_APPLICABLE if target.generic else Verdict.VACUOUS
            return Finding(spec.id, self.NAME, verdict, "no upgradeable implementation (Initializable) in the build",
                           Evidence(domain=domain, solver="AST pattern check"), elapsed, target.label)
        return Finding(spec.id, self.NAME, Verdict.NO_FINDING,
                       f"no structural upgrade problem in {len(scope)} implementation(s)",
                       Evidence(domain=domain, solver="AST pattern check"), elapsed, target.label)
