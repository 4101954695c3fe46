"""Per-selector behavioural equivalence of two implementations of one contract (the upgrade certificate)."""
