"""The netops command line: thin Typer commands that call one netops function and print.

Each area registers its sub-app here; the commands live in `netops/commands/`, the work in
the rest of `netops/`.
"""

from __future__ import annotations

import typer

from netops.commands.audit import app as audit_app
from netops.commands.devices import register as register_device_commands
from netops.commands.inventory import app as inventory_app
from netops.commands.lab import app as lab_app
from netops.commands.monitor import app as monitor_app
from netops.commands.render import render as render_command
from netops.commands.snmp import app as snmp_app
from netops.commands.snmp import exporter as exporter_command

app = typer.Typer(
    name="netops",
    help="Operations toolkit for e-government intranets, extranets and their computer rooms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(inventory_app, name="inventory")
app.command(name="render")(render_command)
app.command("exporter")(exporter_command)
app.add_typer(snmp_app, name="snmp")
app.add_typer(monitor_app, name="monitor")
app.add_typer(lab_app, name="lab")
app.add_typer(audit_app, name="audit")
register_device_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
