"""Slither engine: custom structural detectors (SlithIR) mapped to spec ids, plus Slither's built-in
detectors triaged against a committed baseline. See engine.py for verdict semantics."""
