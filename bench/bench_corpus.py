"""The generic rules on the labelled corpus of real files (bench/corpus/corpus.toml): compile rate, recall and
precision per rule, false alarms per ten files, seconds per file.

    .venv/bin/python bench/bench_corpus.py --corpus-dir DIR [--out DIR] [--only ID ...] [--rescore]

DIR holds one folder per corpus entry (its id), each a Foundry project (`src/` with the entry's files as published,
a foundry.toml with `src = "src"`), assembled by whoever runs the bench from the repository/commit/path citations
in corpus.toml. Nothing fetched, and no script that fetches and builds it, is kept in this repository (the search
library's rule for fetched code); the labels and this scorer are.

Runs the real CLI, `verify all --project <dir> --jobs 1 --no-cache` (generic profile), on each re-created project,
one at a time, at nice 10, after deleting the project's out/, cache/ and out-verify/ so every file is built cold.
Each run's results.json is kept in --out/<id>/ (default: a scratch folder); --rescore scores those again without
running anything.

Scoring (per rule; an entry's label for a rule is one table or a list of them, see corpus.toml):
  - a finding is a distinct (entry, rule, contract) among the contracts named by that spec's VIOLATED findings
    (evidence.locations[].contract); it is true when the entry labels a violation of that rule by that contract
    (or one of its aliases), otherwise a false alarm;
  - a labelled violation is found when some finding names its contract or an alias; recall = found / labelled,
    over every entry (a file that did not compile misses all its labelled violations, counted apart);
  - precision = true findings / findings; false alarms per ten files = false findings x 10 / files analysed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus" / "corpus.toml"
RULES = ("CCIP-01", "CCIP-02", "CCIP-03", "CCIP-04", "ORCL-10", "AUTO-01", "ACC-01", "ACC-02", "PAUSE-01", "CEI-01")
BUILD_DIRS = ("out", "cache", "out-verify")
RUN_TIMEOUT_S = 900


# ---------------------------------------------------------------------------------------------- scoring (pure)

def label_items(entry: dict, rule: str) -> list[dict]:
    """The entry's label tables for `rule` (a table or a list of tables in corpus.toml); [] when unlabelled."""
    raw = entry.get("labels", {}).get(rule)
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def names(item: dict) -> set[str]:
    """Contract names under which a labelled defect counts as found."""
    return {item["contract"], *item.get("aliases", ())} if item.get("contract") else set()


def findings_by_rule(results: dict) -> dict[str, set[str]]:
    """Spec id -> contracts named by its VIOLATED findings in a results.json."""
    found: dict[str, set[str]] = {}
    for finding in results.get("findings", []):
        if finding.get("verdict") != "VIOLATED":
            continue
        evidence = finding.get("evidence") or {}
        contracts = {loc.get("contract") for loc in evidence.get("locations") or [] if loc.get("contract")}
        if not contracts:
            inputs = ((evidence.get("counterexample") or {}).get("inputs") or {})
            contracts = {inputs["contract"]} if inputs.get("contract") else {"?"}
        found.setdefault(finding["spec_id"], set()).update(contracts)
    return found


def verdicts(results: dict) -> dict[str, str]:
    """Spec id -> merged verdict in a results.json."""
    return {r["spec_id"]: r["verdict"] for r in results.get("spec_results", [])}


@dataclass
class Outcome:
    """One entry's run: compiled or not, its results.json (when compiled), seconds taken."""
    entry_id: str
    compiled: bool
    results: dict = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


@dataclass
class RuleScore:
    labelled: int = 0
    found: int = 0
    missed_uncompiled: int = 0
    findings: int = 0
    true_findings: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.true_findings / self.findings if self.findings else None


@dataclass
class Score:
    rules: dict[str, RuleScore]
    misses: list[tuple[str, str, str, str]]          # (entry, rule, contract, tool verdict or "not compiled")
    false_alarms: list[tuple[str, str, str, str]]    # (entry, rule, contract, expected label)
    analysed: int
    files: int

    @property
    def false_findings(self) -> int:
        return len(self.false_alarms)

    @property
    def false_alarms_per_ten(self) -> float | None:
        return 10 * self.false_findings / self.analysed if self.analysed else None


def score(entries: list[dict], outcomes: dict[str, Outcome], rules: tuple[str, ...] = RULES) -> Score:
    """Labels against findings, per rule (see the module docstring)."""
    per_rule = {rule: RuleScore() for rule in rules}
    misses, false_alarms = [], []
    analysed = 0
    for entry in entries:
        outcome = outcomes.get(entry["id"])
        compiled = outcome is not None and outcome.compiled
        analysed += compiled
        found = findings_by_rule(outcome.results) if compiled else {}
        spec_verdicts = verdicts(outcome.results) if compiled else {}
        for rule in rules:
            tally = per_rule[rule]
            items = label_items(entry, rule)
            violations = [item for item in items if item.get("expect") == "violation"]
            reported = found.get(rule, set())
            for item in violations:
                tally.labelled += 1
                if names(item) & reported:
                    tally.found += 1
                elif not compiled:
                    tally.missed_uncompiled += 1
                    misses.append((entry["id"], rule, item["contract"], "not compiled"))
                else:
                    misses.append((entry["id"], rule, item["contract"], spec_verdicts.get(rule, "?")))
            true_names = set().union(*(names(item) for item in violations)) if violations else set()
            expected = "/".join(sorted({item.get("expect", "?") for item in items})) or "unlabelled"
            for contract in sorted(reported):
                tally.findings += 1
                if contract in true_names:
                    tally.true_findings += 1
                else:
                    false_alarms.append((entry["id"], rule, contract, expected))
    return Score(per_rule, misses, false_alarms, analysed, len(entries))


# ---------------------------------------------------------------------------------------------- running

_BUILD_FAILED = re.compile(r"Solidity build failed:\s*(.*)")


def first_error(stderr: str) -> str:
    """The compiler's first error line from verify's stderr, else its last line."""
    for line in stderr.splitlines():
        match = _BUILD_FAILED.search(line)
        if match:
            return match.group(1).strip()
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def run_entry(project: Path, out: Path, timeout: float) -> Outcome:
    """`verify all --project` on one re-created project, built cold."""
    for name in BUILD_DIRS:
        shutil.rmtree(project / name, ignore_errors=True)
    if out.exists():
        shutil.rmtree(out)
    cmd = ["nice", "-n", "10", sys.executable, "-m", "checkers.cli", "all", "--project", str(project),
           "--out", str(out), "--no-progress", "--jobs", "1", "--format", "json", "--no-cache",
           "--timeout", str(timeout)]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Outcome(project.name, False, error=f"verify timed out after {RUN_TIMEOUT_S} s",
                       seconds=time.monotonic() - started)
    seconds = time.monotonic() - started
    results_path = out / "results.json"
    if not results_path.is_file():
        return Outcome(project.name, False, error=first_error(proc.stderr), seconds=seconds)
    (out / "seconds").write_text(f"{seconds:.2f}\n")
    return Outcome(project.name, True, json.loads(results_path.read_text()), seconds=seconds)


def load_outcome(entry_id: str, out: Path) -> Outcome | None:
    """A previous run's outcome from --out (for --rescore)."""
    results_path = out / "results.json"
    if results_path.is_file():
        seconds_file = out / "seconds"
        seconds = float(seconds_file.read_text()) if seconds_file.is_file() else 0.0
        return Outcome(entry_id, True, json.loads(results_path.read_text()), seconds=seconds)
    error_file = out / "error"
    if error_file.is_file():
        lines = error_file.read_text().splitlines()
        seconds = float(lines[1]) if len(lines) > 1 else 0.0
        return Outcome(entry_id, False, error=lines[0] if lines else "", seconds=seconds)
    return None


# ---------------------------------------------------------------------------------------------- report

def pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def is_old(pragma: str) -> bool:
    return bool(re.match(r"^[\^>=~ ]*0\.[67]\.", pragma))


def report(entries: list[dict], outcomes: dict[str, Outcome], result: Score) -> None:
    print("per file:")
    width = max(len(e["id"]) for e in entries)
    for entry in entries:
        outcome = outcomes.get(entry["id"])
        if outcome is None:
            status = "not run"
        elif outcome.compiled:
            status = f"compiled ({outcome.seconds:.1f} s)"
        else:
            status = f"NOT COMPILED ({outcome.seconds:.1f} s): {outcome.error[:160]}"
        print(f"  {entry['id']:<{width}}  {entry.get('pragma', '?'):>8}  {status}")
    compiled = [e for e in entries if outcomes.get(e["id"]) and outcomes[e["id"]].compiled]
    old = [e for e in entries if is_old(e.get("pragma", ""))]
    old_ok = [e["id"] + f" ({e['pragma']})" for e in old if e in compiled]
    old_ko = [e["id"] + f" ({e['pragma']})" for e in old if e not in compiled]
    print(f"\ncompile rate: {len(compiled)} of {len(entries)} ({pct(len(compiled) / len(entries)).strip()})")
    print(f"  0.6/0.7 files compiled: {', '.join(old_ok) or 'none'}"
          + (f"; not compiled: {', '.join(old_ko)}" if old_ko else ""))
    print("\nper rule   labelled found  recall | not compiled  recall on compiled | findings true precision")
    totals = RuleScore()
    for rule, tally in [*result.rules.items(), ("all", totals)]:
        if rule != "all":
            for name in ("labelled", "found", "missed_uncompiled", "findings", "true_findings"):
                setattr(totals, name, getattr(totals, name) + getattr(tally, name))
        on_compiled = tally.labelled - tally.missed_uncompiled
        print(f"  {rule:<9} {tally.labelled:6d} {tally.found:5d}  {pct(tally.recall)} | {tally.missed_uncompiled:12d}"
              f"  {pct(tally.found / on_compiled if on_compiled else None):>18} | {tally.findings:8d} "
              f"{tally.true_findings:4d}    {pct(tally.precision)}")
    per_ten = result.false_alarms_per_ten
    print(f"\nfalse alarms: {result.false_findings} in {result.analysed} files analysed = "
          f"{'n/a' if per_ten is None else f'{per_ten:.2f}'} per ten files")
    ran = [outcomes[e["id"]] for e in entries if e["id"] in outcomes]
    if ran:
        total_s = sum(o.seconds for o in ran)
        ok_s = [o.seconds for o in ran if o.compiled]
        print(f"seconds per file: {total_s / len(ran):.1f} mean over {len(ran)} runs"
              + (f" ({sum(ok_s) / len(ok_s):.1f} over the {len(ok_s)} compiled, max {max(ok_s):.1f})" if ok_s else ""))
    if result.misses:
        print("\nmisses (labelled violation, no finding on its contract):")
        for entry_id, rule, contract, verdict in result.misses:
            print(f"  {entry_id}  {rule}  {contract}  [tool: {verdict}]")
    if result.false_alarms:
        print("\nfalse alarms (finding on a contract not labelled as violating that rule):")
        for entry_id, rule, contract, expected in result.false_alarms:
            print(f"  {entry_id}  {rule}  {contract}  [label: {expected}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, required=True, help="one Foundry project per corpus entry id")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, help="results folder (default: a scratch folder, kept)")
    parser.add_argument("--only", nargs="*", default=[], help="entry ids (default: all)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per (spec, engine) check, passed to verify")
    parser.add_argument("--rescore", action="store_true", help="score the results already in --out, run nothing")
    args = parser.parse_args(argv)
    with args.corpus.open("rb") as handle:
        entries = [e for e in tomllib.load(handle)["entry"] if not args.only or e["id"] in args.only]
    if args.rescore and args.out is None:
        parser.error("--rescore needs --out")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    out.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, Outcome] = {}
    load = os.getloadavg()[0]
    print(f"corpus: {len(entries)} entries from {args.corpus_dir}; results in {out}; load average {load:.1f} "
          f"on {os.cpu_count()} cores")
    for index, entry in enumerate(entries, 1):
        entry_out = out / entry["id"]
        if args.rescore:
            outcome = load_outcome(entry["id"], entry_out)
            if outcome is not None:
                outcomes[entry["id"]] = outcome
            continue
        project = args.corpus_dir / entry["id"]
        if not (project / "foundry.toml").is_file():
            print(f"  [{index}/{len(entries)}] {entry['id']}: not re-created in {args.corpus_dir}", file=sys.stderr)
            continue
        outcome = run_entry(project, entry_out, args.timeout)
        if not outcome.compiled:
            entry_out.mkdir(parents=True, exist_ok=True)
            (entry_out / "error").write_text(f"{outcome.error}\n{outcome.seconds:.2f}\n")
        outcomes[entry["id"]] = outcome
        print(f"  [{index}/{len(entries)}] {entry['id']}: {'compiled' if outcome.compiled else 'not compiled'} "
              f"in {outcome.seconds:.1f} s", file=sys.stderr, flush=True)
    report(entries, outcomes, score(entries, outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
