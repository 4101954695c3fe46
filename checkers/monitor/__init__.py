"""The runtime monitor: the catalogue's runtime-checkable properties evaluated on a live deployment, every block,
exported as Prometheus metrics (docs/monitor.md)."""
