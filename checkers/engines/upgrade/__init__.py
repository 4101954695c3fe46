"""Upgrade safety: storage layout append-only and external selectors kept, against a committed baseline."""
