"""`netops service ...`: systemd units for the exporter, hourly backups and the nightly audit."""

from __future__ import annotations

import typer

app = typer.Typer(help="systemd units for the exporter, hourly backups and the nightly audit.", no_args_is_help=True)
