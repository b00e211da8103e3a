"""`netops web`: a read-only web console over the inventory, Prometheus, the last audit and the
backup repository (docs/web.md). Changes stay with the CLI and git."""
