"""The corpus bench's scoring (bench/bench_corpus.py) on hand-made labels and results.json fragments."""
from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


bench = _load("bench_corpus", ROOT / "bench" / "bench_corpus.py")


def finding(spec: str, *contracts: str, verdict: str = "VIOLATED") -> dict:
    return {"spec_id": spec, "verdict": verdict,
            "evidence": {"locations": [{"file": "src/X.sol", "line": 1, "contract": c} for c in contracts]}}


def results(*findings: dict) -> dict:
    return {"findings": list(findings),
            "spec_results": [{"spec_id": f["spec_id"], "verdict": f["verdict"]} for f in findings]}


ENTRIES = [
    {"id": "receiver", "labels": {
        "CCIP-02": {"expect": "violation", "contract": "Receiver"},
        "CCIP-03": {"expect": "clean", "contract": "Receiver"},
        "ACC-02": [{"expect": "violation", "contract": "Token"}, {"expect": "violation", "contract": "Minter"}],
    }},
    {"id": "consumer", "labels": {
        "ORCL-10": {"expect": "violation", "contract": "PriceLib", "aliases": ["Consumer"]},
        "CCIP-02": {"expect": "n/a"},
    }},
    {"id": "broken", "labels": {"ORCL-10": {"expect": "violation", "contract": "Feed"}}},
]
RULES = ("CCIP-02", "CCIP-03", "ORCL-10", "ACC-02")


def outcomes() -> dict:
    return {
        "receiver": bench.Outcome("receiver", True, results(
            finding("CCIP-02", "Receiver"),
            finding("CCIP-03", "Receiver"),                      # labelled clean: a false alarm
            finding("ACC-02", "Token", "Helper"),                # Token found, Helper a false alarm, Minter missed
            finding("ORCL-10", "Receiver", verdict="NO_FINDING"),  # not a finding
        )),
        "consumer": bench.Outcome("consumer", True, results(finding("ORCL-10", "Consumer"))),  # found via alias
        "broken": bench.Outcome("broken", False, error="src/Feed.sol:3: Error (6275): Source not found"),
    }


def test_recall_precision_and_false_alarms_per_rule():
    scored = bench.score(ENTRIES, outcomes(), RULES)
    ccip02, ccip03, orcl, acc02 = (scored.rules[r] for r in RULES)
    assert (ccip02.labelled, ccip02.found, ccip02.findings, ccip02.true_findings) == (1, 1, 1, 1)
    assert (ccip03.labelled, ccip03.findings, ccip03.true_findings) == (0, 1, 0)
    assert ccip03.recall is None and ccip03.precision == 0.0
    assert (orcl.labelled, orcl.found, orcl.missed_uncompiled) == (2, 1, 1)
    assert orcl.recall == 0.5 and orcl.precision == 1.0
    assert (acc02.labelled, acc02.found, acc02.findings, acc02.true_findings) == (2, 1, 2, 1)
    assert acc02.recall == 0.5 and acc02.precision == 0.5
    assert sorted(scored.misses) == [("broken", "ORCL-10", "Feed", "not compiled"),
                                     ("receiver", "ACC-02", "Minter", "VIOLATED")]
    assert sorted(scored.false_alarms) == [("receiver", "ACC-02", "Helper", "violation"),
                                           ("receiver", "CCIP-03", "Receiver", "clean")]
    assert scored.analysed == 2 and scored.files == 3
    assert scored.false_alarms_per_ten == pytest.approx(10.0)


def test_a_finding_on_the_wrong_contract_is_both_a_miss_and_a_false_alarm():
    entries = [{"id": "e", "labels": {"CEI-01": {"expect": "violation", "contract": "Vault"}}}]
    got = {"e": bench.Outcome("e", True, results(finding("CEI-01", "Router")))}
    scored = bench.score(entries, got, ("CEI-01",))
    assert scored.rules["CEI-01"].found == 0
    assert scored.misses == [("e", "CEI-01", "Vault", "VIOLATED")]
    assert scored.false_alarms == [("e", "CEI-01", "Router", "violation")]


def test_findings_fall_back_to_the_counterexample_contract():
    fragment = {"findings": [{"spec_id": "ACC-02", "verdict": "VIOLATED", "evidence": {
        "locations": [], "counterexample": {"inputs": {"contract": "Owned"}}}}]}
    assert bench.findings_by_rule(fragment) == {"ACC-02": {"Owned"}}


def test_first_error_takes_the_build_failure_line():
    stderr = ("some progress\n"
              "verify: error: /p: Solidity build failed: src/A.sol:4: Error (6275): Source \"x\" not found\n")
    assert bench.first_error(stderr) == 'src/A.sol:4: Error (6275): Source "x" not found'
    assert bench.first_error("boom\n") == "boom"


def test_committed_corpus_labels_every_rule_once_per_entry():
    with (ROOT / "bench" / "corpus" / "corpus.toml").open("rb") as handle:
        entries = tomllib.load(handle)["entry"]
    assert len(entries) >= 30
    assert len({e["id"] for e in entries}) == len(entries)
    for entry in entries:
        assert len(entry["commit"]) == 40 and entry["paths"], entry["id"]
        assert set(entry["labels"]) == set(bench.RULES), entry["id"]
        for rule in bench.RULES:
            for item in bench.label_items(entry, rule):
                assert item["expect"] in {"violation", "clean", "n/a"}, (entry["id"], rule)
                assert item.get("reason"), (entry["id"], rule)
                if item["expect"] != "n/a":
                    assert item.get("contract"), (entry["id"], rule)
