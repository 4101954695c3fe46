"""The kill matrix of a campaign: per mutant, per operator, per file; toolkit vs forge; as JSON, Markdown, console.

Kill rates count evaluated mutants only (built, not triaged equivalent); the mutants that did not compile and the
equivalent ones are counted and listed apart. Seconds per mutant = the campaign's wall time after the platform
baseline, divided by the evaluated mutants (so the builds of mutants that did not compile are included).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from checkers.mutate.campaign import Campaign, MutantRun

SCHEMA = "verify-mutation/1"


def rate(killed: int, total: int) -> float | None:
    return round(killed / total, 3) if total else None


def _group(runs: list[MutantRun], key) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[MutantRun]] = {}
    for run in runs:
        groups.setdefault(key(run), []).append(run)
    out = {}
    for name, members in sorted(groups.items()):
        evaluated = [r for r in members if r.status == "evaluated"]
        n = len(evaluated)
        tk = sum(r.toolkit_killed for r in evaluated)
        fg = sum(r.forge_killed for r in evaluated)
        out[name] = {"evaluated": n, "toolkit_killed": tk, "forge_killed": fg,
                     "either": sum(r.toolkit_killed or r.forge_killed for r in evaluated),
                     "toolkit_only": sum(r.toolkit_killed and not r.forge_killed for r in evaluated),
                     "forge_only": sum(r.forge_killed and not r.toolkit_killed for r in evaluated),
                     "toolkit_rate": rate(tk, n), "forge_rate": rate(fg, n),
                     "uncompilable": sum(r.status == "uncompilable" for r in members),
                     "equivalent": sum(r.status == "equivalent" for r in members)}
    return out


def summary(c: Campaign) -> dict[str, Any]:
    ev = c.evaluated
    n = len(ev)
    per_mutant_s = (c.wall_s - c.baseline_s) / n if n else None
    return {
        "evaluated": n, "requested": c.requested,
        "uncompilable": sum(r.status == "uncompilable" for r in c.runs),
        "equivalent": sum(r.status == "equivalent" for r in c.runs),
        "errors": sum(r.status == "error" for r in c.runs),
        "toolkit_killed": sum(r.toolkit_killed for r in ev), "forge_killed": sum(r.forge_killed for r in ev),
        "either_killed": sum(r.toolkit_killed or r.forge_killed for r in ev),
        "toolkit_rate": rate(sum(r.toolkit_killed for r in ev), n) if c.toolkit else None,
        "forge_rate": rate(sum(r.forge_killed for r in ev), n) if c.forge else None,
        "seconds_per_mutant": round(per_mutant_s, 1) if per_mutant_s is not None else None,
        "mean_build_s": _mean([r.build_s for r in ev]), "mean_specs_s": _mean([r.specs_s for r in ev]),
        "mean_forge_s": _mean([r.forge_s for r in ev]),
        "engine_s": {e: round(sum(dict(r.engine_s).get(e, 0.0) for r in ev), 1)
                     for e in sorted({e for r in ev for e, _ in r.engine_s})},
        "wall_s": c.wall_s, "baseline_s": c.baseline_s,
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def to_json(c: Campaign) -> dict[str, Any]:
    cat = c.catalogue
    return {
        "schema": SCHEMA,
        "generator": c.generator, "sampler": c.sampler, "seed": c.seed, "requested": c.requested,
        "precheck": c.precheck, "builds": builds(c), "first_kill": c.first_kill,
        "catalogue": {"mutants": len(cat.mutants), "candidates": c.candidates, "files": list(cat.files),
                      "per_operator": dict(sorted(Counter(m.operator for m in cat.mutants).items())),
                      "per_file": dict(sorted(Counter(m.file for m in cat.mutants).items())),
                      "generation": {k: v for k, v in cat.stats.items()}},
        "toolkit": {"enabled": c.toolkit, "engines": list(c.engines) or "all", "specs": list(c.specs),
                    "violated_on_platform": list(c.platform_violated)},
        "forge": {"enabled": c.forge, "baseline": asdict(c.baseline_forge) if c.baseline_forge else None},
        "summary": summary(c),
        "per_operator": _group(list(c.runs), lambda r: r.mutant.operator),
        "per_file": _group(list(c.runs), lambda r: r.mutant.file),
        "mutants": [_mutant_json(r) for r in c.runs],
        "survivors": [r.mutant.id for r in c.evaluated if not (r.toolkit_killed or r.forge_killed)],
        "equivalent_stale": list(c.equivalent_stale),
        "notes": list(c.notes),
    }


def _mutant_json(r: MutantRun) -> dict[str, Any]:
    m = r.mutant
    return {"id": m.id, "file": m.file, "operator": m.operator, "line": m.line, "contract": m.contract,
            "before": m.before, "after": m.after, "status": r.status,
            "toolkit": {"killed": r.toolkit_killed, "by": list(r.toolkit_by), "checks": r.checks,
                        "ran": r.checks_ran},
            "forge": None if r.forge is None else {"killed": r.forge_killed, **asdict(r.forge)},
            "seconds": r.seconds, "build_s": r.build_s, "specs_s": r.specs_s, "forge_s": r.forge_s,
            "engine_s": dict(r.engine_s), "note": r.note}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def to_markdown(c: Campaign) -> str:
    s = summary(c)
    lines = [
        "# Mutation campaign", "",
        f"- generator: {c.generator}; {len(c.catalogue.mutants)} mutants of {len(c.catalogue.files)} files "
        f"({c.candidates} after filters)",
        f"- sampler: {c.sampler}; seed **{c.seed}**; requested {c.requested}",
        f"- builds: {builds(c)}",
        f"- evaluated {s['evaluated']}, did not compile {s['uncompilable']}, triaged equivalent {s['equivalent']}, "
        f"errors {s['errors']}",
        f"- **toolkit kill rate {_pct(s['toolkit_rate'])}**, **forge kill rate {_pct(s['forge_rate'])}**, "
        f"either {s['either_killed']}/{s['evaluated']}",
        f"- {s['seconds_per_mutant']} s per mutant (mean build {s['mean_build_s']} s, specs {s['mean_specs_s']} s, "
        f"forge {s['mean_forge_s']} s); wall {c.wall_s:.0f} s incl. baseline {c.baseline_s:.0f} s",
    ]
    if c.platform_violated:
        lines.append(f"- specs VIOLATED on the platform itself (not counted as killers): "
                     f"{', '.join(c.platform_violated)}")
    for title, key in (("Per operator", "per_operator"), ("Per file", "per_file")):
        lines += ["", f"## {title}", "",
                  "| | evaluated | toolkit | forge | either | toolkit only | forge only | did not compile |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, g in to_json(c)[key].items():
            lines.append(f"| {name} | {g['evaluated']} | {g['toolkit_killed']} ({_pct(g['toolkit_rate'])}) | "
                         f"{g['forge_killed']} ({_pct(g['forge_rate'])}) | {g['either']} | {g['toolkit_only']} | "
                         f"{g['forge_only']} | {g['uncompilable']} |")
    lines += ["", "## Mutants", "", "| mutant | file:line | operator | change | toolkit | forge | s |",
              "|---|---|---|---|---|---|---:|"]
    for r in c.runs:
        m = r.mutant
        change = f"`{_cell(m.before[:60])}` → `{_cell(m.after[:60])}`"
        if r.status != "evaluated":
            verdict = {"uncompilable": "does not compile", "equivalent": f"equivalent: {r.note}"}.get(r.status, r.note)
            lines.append(f"| {m.id} | {m.file}:{m.line} | {m.operator} | {change} | {_cell(verdict[:80])} | | "
                         f"{r.seconds:.1f} |")
            continue
        toolkit = ("**killed** " + ", ".join(r.toolkit_by)) if r.toolkit_killed else "survived"
        forge = "-" if r.forge is None else (f"**killed** ({r.forge.status}"
                                             f"{': ' + ', '.join(r.forge.failed[:2]) if r.forge.failed else ''})"
                                             if r.forge_killed else "survived")
        lines.append(f"| {m.id} | {m.file}:{m.line} | {m.operator} | {change} | {_cell(toolkit)} | {_cell(forge)} | "
                     f"{r.seconds:.1f} |")
    survivors = [r for r in c.evaluated if not (r.toolkit_killed or r.forge_killed)]
    lines += ["", f"## Survivors ({len(survivors)})", ""]
    lines += [f"- {r.mutant.file}:{r.mutant.line} {r.mutant.operator} `{_cell(r.mutant.after[:80])}` ({r.mutant.id})"
              for r in survivors] or ["none"]
    equivalent = [r for r in c.runs if r.status == "equivalent"]
    if equivalent:
        lines += ["", "## Triaged equivalent (not in any denominator)", ""]
        lines += [f"- {r.mutant.id}: {r.note}" for r in equivalent]
    if c.equivalent_stale:
        lines += ["", "## Stale triage entries (no longer generated)", ""] + [f"- {i}" for i in c.equivalent_stale]
    return "\n".join(lines) + "\n"


def print_matrix(c: Campaign, console) -> None:
    from rich.table import Table

    s = summary(c)
    console.print(f"generator: {c.generator}; sampler: {c.sampler}; seed {c.seed}; builds: {builds(c)}")
    data = to_json(c)
    for title, key in (("per operator", "per_operator"), ("per file", "per_file")):
        table = Table(title=f"kill matrix {title}", title_justify="left")
        for col in ("", "evaluated", "toolkit", "forge", "either", "toolkit only", "forge only", "no compile"):
            table.add_column(col, justify="left" if not col else "right")
        for name, g in data[key].items():
            table.add_row(name, str(g["evaluated"]), f"{g['toolkit_killed']} ({_pct(g['toolkit_rate'])})",
                          f"{g['forge_killed']} ({_pct(g['forge_rate'])})", str(g["either"]), str(g["toolkit_only"]),
                          str(g["forge_only"]), str(g["uncompilable"]))
        console.print(table)
    table = Table(title="mutants", title_justify="left")
    for col in ("mutant", "file:line", "op", "toolkit (killed by)", "forge", "s"):
        table.add_column(col, overflow="fold")
    for r in c.runs:
        m = r.mutant
        if r.status != "evaluated":
            table.add_row(m.id, f"{m.file}:{m.line}", m.operator, f"[dim]{r.status}[/]", "", f"{r.seconds:.1f}")
            continue
        toolkit = ("[red]killed[/] " + ", ".join(r.toolkit_by)) if r.toolkit_killed else "[yellow]survived[/]"
        forge = "-" if r.forge is None else ("[red]killed[/]" if r.forge_killed else "[yellow]survived[/]")
        table.add_row(m.id, f"{m.file}:{m.line}", m.operator, toolkit, forge, f"{r.seconds:.1f}")
    console.print(table)
    console.print(f"evaluated {s['evaluated']} (did not compile {s['uncompilable']}, equivalent {s['equivalent']}); "
                  f"toolkit kill rate {_pct(s['toolkit_rate'])}, forge kill rate {_pct(s['forge_rate'])}; "
                  f"{s['seconds_per_mutant']} s per mutant; seed {c.seed}")
    if c.equivalent_stale:
        console.print(f"[yellow]stale equivalent triage entries: {', '.join(c.equivalent_stale)}[/]")


def builds(c: Campaign) -> str:
    """How the reference and the mutants were compiled (the judges saw this bytecode)."""
    return f"solc 0.8.24 (solc-js), optimizer {'on (200 runs)' if c.optimize else 'off'}, reference and mutants alike"
