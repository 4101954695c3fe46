"""Renderers, one per format, all fed by checkers.results.RunResults.

`render` hands every renderer the results with machine paths made relative to the project root
(reports/paths.py), and scrubs the rendered text once more. `write_reports` renders every requested format to
text first and only then writes each file atomically (temp file + os.replace), so an error in one renderer
leaves no half-written report and no mix of old and new.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from checkers.cache import write_atomic
from checkers.results import RunResults

FILES = {
    "json": "results.json",
    "md": "report.md",
    "html": "report.html",
    "sarif": "results.sarif",
    "junit": "junit.xml",
}


def render(results: RunResults, fmt: str, out_dir: Path | None = None) -> str:
    """One format as text. `out_dir` is where the reports go (replay files live there)."""
    from reports.paths import PathScrubber

    scrubber = PathScrubber.for_results(results, out_dir)
    clean = scrubber.results(results)
    if fmt == "sarif":
        from reports.sarif import render as sarif

        return scrubber.text(sarif(clean, scrubber.project))
    if fmt == "json":
        from reports.json_report import render as fn
    elif fmt == "md":
        from reports.markdown import render as fn
    elif fmt == "html":
        from reports.html import render as fn
    elif fmt == "junit":
        from reports.junit import render as fn
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return scrubber.text(fn(clean))


def write_reports(results: RunResults, out_dir: Path, formats: Iterable[str]) -> list[Path]:
    """results.json is always written (it is what `verify report` re-renders from)."""
    wanted = list(dict.fromkeys(["json", *formats]))
    rendered = {fmt: render(results, fmt, out_dir) for fmt in wanted}
    paths = []
    for fmt, text in rendered.items():
        path = out_dir / FILES[fmt]
        write_atomic(path, text)
        paths.append(path)
    return paths
