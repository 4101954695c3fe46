"""Integrity, liveness, view-consistency and event properties as Foundry property tests (contracts/test/integrity)."""
