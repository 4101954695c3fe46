"""The correct platform: every slither spec passes (no custom finding, built-in findings all triaged)."""
from __future__ import annotations

import pytest

from checkers.base import Verdict
from checkers.engines.slither.engine import SlitherChecker, analyse
from checkers.target import Target

SPEC_IDS = sorted(SlitherChecker().supported_specs())


def test_no_custom_finding_on_platform(platform_target: Target) -> None:
    analysis = analyse(platform_target.root)
    assert not analysis.custom, [f.message for f in analysis.custom]


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_platform_spec_passes(spec_id: str, platform_target: Target) -> None:
    from specs import all_specs

    spec = next(s for s in all_specs() if s.id == spec_id)
    [finding] = SlitherChecker().check(spec, platform_target, 120)
    assert finding.verdict is Verdict.NO_FINDING, f"{spec_id}: {finding.verdict.name} {finding.summary}"
    assert spec_id == "STRUCT-01" or finding.evidence.notes.startswith("in scope: "), finding.evidence.notes
