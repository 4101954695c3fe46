"""`verify diff --base REF`: the working tree against the project at a git commit, with the upgrade certificate.

Runs every selected spec on both versions (verdicts that got worse fail the gate), compares storage layouts,
ERC-7201 namespaces and selectors (UPG-01/02 against the base), checks the new version's upgrade structure
(UPG-03), and certifies every external selector (checkers/certificate.py): unchanged bytecode,
declared in the upgrade manifest (the specs naming it re-verified on the new version), or compared by the
equivalence engine, whose EQV-* checks run in the same runner, in parallel and cached like any other check.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from checkers.base import Spec, Verdict
from checkers.config import Config
from checkers.results import summarise_spec


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def run_diff(config: Config, args: argparse.Namespace) -> int:
    from checkers import cli
    from checkers.assembly import FORGE_ARGS, assemblies
    from checkers.diff_base import base_root
    import checkers.engines.equivalence.plan as eq
    from checkers import certificate
    import checkers.engines.upgrade.baseline as bl
    import checkers.engines.upgrade.manifest as manifest
    from checkers.layout import layout
    from checkers.target import Target

    generic = config.project is not None
    specs = _with_layout_specs(_selected(config, args), generic)
    head = _mutant_head(config, args.mutant) if getattr(args, "mutant", None) else cli._build_target(config)
    project = config.project if generic else config.platform
    # the base's own sources only, as mutants are built: the platform's full build (tests, scripts) costs about
    # six times as much, and the upgrade checks and the certificate read only the sources' artefacts
    root, commit = base_root(args.base, project,
                             lambda r: Target.build(r, label="base", generic=generic, paths=(layout(r).src,),
                                                    extra_args=FORGE_ARGS))
    if _runs_tests(specs):  # then its tests too, once, before the checks' clocks start (incremental on a rerun):
        Target.build(root, label="base", generic=generic)  # left to each check, every `forge test` compiles them
    base = Target(root=root, label=f"base@{args.base}", generic=generic)
    base_doc, head_doc = bl.snapshot(base), bl.snapshot(head)
    declared = manifest.load(head.root)
    manifest.check_known(declared, {c: d["selectors"] for c, d in head_doc["contracts"].items()}, head.root)
    names = _relocatable(base, head) if _compares(config.only) else set()
    rows, plans = certificate.build(base, head, declared, (assemblies(base, names), assemblies(head, names)))
    eq_specs = _eq_selected([eq.spec_for(p, s, f"{args.base} ({commit[:10]})") for p in plans for s in p.selectors],
                            config.only)
    with tempfile.TemporaryDirectory(prefix="verify-diff-") as scratch:
        base_file, plan_file = Path(scratch) / "base-layout.json", Path(scratch) / "equivalence-plan.json"
        base_file.write_text(json.dumps(base_doc))
        eq.write(plan_file, plans)
        # UPG-01/02 compare against REF in both runs; the equivalence workers read the plan
        with _env(bl.BASELINE_ENV, str(base_file)), _env(eq.PLAN_ENV, str(plan_file)):
            checks, stats, _ = cli._run(config, [(base, specs), (head, specs + eq_specs)])
    base_checks = [c for c in checks if c.finding.target == base.label]
    head_checks = [c for c in checks if c.finding.target == head.label]
    diff = _summary(args.base, commit, specs, eq_specs, base_doc, head_doc, rows, base_checks, head_checks)
    results = cli._results("diff", config, specs + eq_specs, head_checks, head, stats, diff=diff)
    cli._console().print("\n".join(f"diff vs {args.base}: {line}" for line in diff["lines"]))
    return cli._finish(results, config)


def _relocatable(base, head) -> set[str]:
    """The contracts whose code changed and whose sources use no jump label as a number (checkers/assembly.py):
    those the relocation argument may certify selector by selector."""
    from checkers.assembly import code_changed, pointers_as_data

    old, new = base.artifacts, head.artifacts
    changed = {n for n in set(old) & set(new) if code_changed(old[n], new[n])}
    unsafe = [pointers_as_data(target, changed) for target in (base, head)]
    return {n for n in changed if unsafe[0][n] is None and unsafe[1][n] is None}


UPGRADE_ONLY_ENGINES = frozenset({"upgrade"})


def _runs_tests(specs: list[Spec]) -> bool:
    """Whether a selected spec runs an engine beyond the upgrade checks (fuzz, props, halmos, ... compile the
    project's tests): a diff of the upgrade and certificate checks alone needs the base's sources only."""
    return any(set(s.engines) - UPGRADE_ONLY_ENGINES for s in specs)


def _mutant_head(config: Config, name: str):
    """The platform with mutant `name` in place (the cached mutant build), as the new version."""
    from checkers.errors import ConfigError
    from checkers.mutants import build_mutant, load_mutants

    if config.project is not None:
        raise ConfigError("--mutant: mutants replace platform sources; it does not apply with --project")
    mutants = load_mutants()
    if name not in mutants:
        raise ConfigError(f"--mutant {name}: no such mutant (see `verify list`)")
    return build_mutant(mutants[name], config.platform)


def _compares(only: tuple[str, ...] | list[str] | None) -> bool:
    """Whether this run compares selectors at all. Under an --only without EQV every compared row is listed as not
    compared, so the relocation argument (which costs a second, sources-only build of the head) is not made."""
    return not only or any(t.upper().startswith("EQV") for t in only)


def _eq_selected(eq_specs: list[Spec], only: tuple[str, ...] | list[str] | None) -> list[Spec]:
    """The certificate's comparisons this run makes: all of them, or under --only those named by EQV (all),
    EQV-<Contract> (one contract's) or a full EQV id. The others are listed as not compared."""
    if not only:
        return eq_specs
    wanted = {w.upper() for w in only}
    return [s for s in eq_specs if "EQV" in wanted or s.id.upper() in wanted
            or s.id.upper().split(".")[0] in wanted]


def _selected(config: Config, args: argparse.Namespace) -> list[Spec]:
    """The run's selection; `--only UPG` (or `upgrade`, or EQV...) may select only the upgrade specs every diff
    adds (UPG-03, and UPG-01/02 on a project) and the certificate's, which the catalogue does not hold."""
    from checkers import cli
    from checkers.errors import SpecError

    certificate_token = lambda t: t.upper().startswith(("UPG", "EQV")) or t.lower() == "upgrade"  # noqa: E731
    try:
        return cli._selected(config, args, also_known=certificate_token)
    except SpecError:
        if config.only and all(certificate_token(t) for t in config.only):
            return []
        raise


def _with_layout_specs(specs: list[Spec], generic: bool) -> list[Spec]:
    """UPG-03 (upgrade structure) in every diff; and UPG-01/02, which compare with a released baseline and so are
    left out of `verify all --project`: in a diff the base is that baseline, and a project's removed selector or
    moved variable must fail the gate like the platform's."""
    from dataclasses import replace

    from specs.upgrade import SPECS as UPGRADE

    have = {s.id for s in specs}
    extra = [s for s in UPGRADE if s.id == "UPG-03" and s.id not in have]
    if generic:
        extra += [replace(s, platform_only=None, generic=True) for s in UPGRADE
                  if s.id in ("UPG-01", "UPG-02") and s.id not in have]
    return specs + extra


def _verdict(spec: Spec, checks: list) -> Verdict:
    return summarise_spec(spec, [c for c in checks if c.finding.spec_id == spec.id]).verdict


def _summary(ref: str, commit: str, specs: list[Spec], eq_specs: list[Spec], base_doc: dict[str, Any],
             head_doc: dict[str, Any], rows: list, base_checks: list, head_checks: list) -> dict[str, Any]:
    import checkers.engines.upgrade.baseline as bl

    layout, selectors = bl.layout_changes(base_doc, head_doc), bl.selector_changes(base_doc, head_doc)
    lines = [f"storage: {c.detail}" for c in layout] or ["storage layout and ERC-7201 namespaces: append-only"]
    lines += [f"selector removed: {c.detail}" for c in selectors] or ["selectors: every base selector kept"]
    lines += [f"selector added: {s}" for s in bl.added_selectors(base_doc, head_doc)]
    verdicts, worse = {}, []
    for spec in specs:
        before, after = _verdict(spec, base_checks), _verdict(spec, head_checks)
        verdicts[spec.id] = {"base": before.name, "head": after.name}
        if before != after:
            got_worse = after > before and Verdict.SKIPPED not in (before, after)
            lines.append(f"{spec.id}: {before.name} -> {after.name}{' (worse)' if got_worse else ''}")
            if got_worse:
                worse.append(spec.id)
    if not any(v["base"] != v["head"] for v in verdicts.values()):
        lines.append(f"verdicts: all {len(specs)} specs unchanged")
    by_id = {s.id: s for s in eq_specs}
    certificate = []
    for row in rows:
        entry = {"contract": row.contract, "signature": row.signature, "selector": row.selector,
                 "status": row.status, "detail": row.detail}
        if row.spec and row.spec not in by_id:
            entry["verdict"] = Verdict.SKIPPED.name
            entry["detail"] = "not compared in this run (outside --only)"
            entry["spec"] = row.spec
        elif row.spec:
            check = next((c for c in head_checks if c.finding.spec_id == row.spec), None)
            entry["verdict"] = _verdict(by_id[row.spec], head_checks).name
            entry["detail"] = check.finding.summary if check else "not checked"
            entry["spec"] = row.spec
        elif row.status == "declared":
            name = f"{row.contract}.{row.signature.split('(')[0]}"
            named = [s for s in specs if name in s.functions] or [s for s in specs if row.contract in s.contracts]
            entry["reverified"] = {s.id: _verdict(s, head_checks).name for s in named}
            entry["verdict"] = max((_verdict(s, head_checks) for s in named), default=Verdict.SKIPPED).name
        elif row.status == "removed":
            entry["verdict"] = Verdict.VIOLATED.name
        certificate.append(entry)
    counts: dict[str, int] = {}
    for entry in certificate:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    lines.append("certificate: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
                 + f" ({len(certificate)} selectors)")
    for entry in certificate:
        if entry["status"] in ("compared", "declared", "removed") and entry.get("verdict") not in (
                "HOLDS_BOUNDED", "PROVED", "NO_FINDING"):
            lines.append(f"  {entry['contract']}.{entry['signature']}: {entry['status']} -> "
                         f"{entry.get('verdict')}: {entry['detail']}")
    return {"base": ref, "commit": commit, "lines": lines, "verdicts": verdicts, "worse": worse,
            "layout_changes": [c.detail for c in layout], "selector_changes": [c.detail for c in selectors],
            "certificate": certificate}
