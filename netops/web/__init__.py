"""HTTP serving shared by netops' endpoints (exporter, receivers, console): aiohttp, TLS, auth."""
