"""Every custom detector, and spec id -> detectors."""
from __future__ import annotations

from checkers.engines.slither import access, automation, ccip, cei, oracle, pause

CUSTOM_DETECTORS = (*ccip.DETECTORS, *oracle.DETECTORS, *automation.DETECTORS, *pause.DETECTORS,
                    *access.DETECTORS, *cei.DETECTORS)
STRUCT_SPEC = "STRUCT-01"


def by_spec() -> dict[str, tuple]:
    mapping: dict[str, list] = {}
    for detector in CUSTOM_DETECTORS:
        for spec_id in detector.SPEC_IDS:
            mapping.setdefault(spec_id, []).append(detector)
    return {k: tuple(v) for k, v in mapping.items()}
