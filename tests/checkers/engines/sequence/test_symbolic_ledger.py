"""The cross-engine ledger under parallel workers: every record survives, readers never see half a file."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from checkers.base import Finding, Verdict
from checkers.engines.sequence.ledger import LEDGER, annotate_disagreement, record

WORKERS = 6
RECORDS = 25


def _writer(root: Path, worker: int) -> None:
    for i in range(RECORDS):
        verdict = Verdict.VIOLATED if i % 2 else Verdict.HOLDS_BOUNDED
        record(root, Finding(f"SEQ-{worker:02d}", f"engine{i:02d}", verdict, f"run {i}"), version="v1")


def test_parallel_workers_lose_no_entry(tmp_path) -> None:
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(tmp_path, w)) for w in range(WORKERS)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert [w.exitcode for w in writers] == [0] * WORKERS
    data = json.loads((tmp_path / LEDGER).read_text())
    assert sorted(data) == [f"SEQ-{w:02d}" for w in range(WORKERS)]
    missing = {spec: RECORDS - len(engines) for spec, engines in data.items() if len(engines) != RECORDS}
    assert not missing, f"entries lost to concurrent read-modify-write: {missing}"
    assert not [p.name for p in (tmp_path / LEDGER).parent.iterdir() if p.name.endswith(".tmp")]


def test_a_record_replaces_the_file_whole(tmp_path) -> None:
    """The ledger is replaced (new inode), never truncated in place where a reader could catch it empty."""
    record(tmp_path, Finding("SEQ-01", "fuzz", Verdict.HOLDS_BOUNDED, "ok"), version="v1")
    before = (tmp_path / LEDGER).stat().st_ino
    record(tmp_path, Finding("SEQ-01", "halmos", Verdict.VIOLATED, "cx"), version="v1")
    assert (tmp_path / LEDGER).stat().st_ino != before
    note = annotate_disagreement(tmp_path, Finding("SEQ-01", "manticore", Verdict.VIOLATED, "cx"), "v1")
    assert "fuzz says HOLDS_BOUNDED" in note.evidence.notes
