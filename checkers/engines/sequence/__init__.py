"""Shared by the harness-based engines (fuzz, halmos, Manticore, props): the SEQ harness model, the
cross-engine ledger, the sequence checker base class and Foundry replay tests."""
