"""Typer sub-apps, one module per area; cli.py only registers them."""
