"""The netops command line: thin Typer commands that call one netops function and print.

Each area of netops registers its own sub-app below; business logic lives in `netops/`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="netops",
    help="Operations toolkit for e-government intranets, extranets and their computer rooms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# --- inventory (issue: foundation) -------------------------------------------------------
from netops.commands.inventory import app as inventory_app  # noqa: E402

app.add_typer(inventory_app, name="inventory")

# --- render (issue: config templates) ----------------------------------------------------
from netops.commands.render import render as render_command  # noqa: E402

app.command(name="render")(render_command)

# --- monitor, exporter, lab (issue: SNMP collectors and exporter) ------------------------
from netops.commands.snmp import app as snmp_app, exporter as exporter_command  # noqa: E402

app.command("exporter")(exporter_command)
app.add_typer(snmp_app, name="snmp")
from netops.commands.lab import app as lab_app  # noqa: E402
from netops.commands.monitor import app as monitor_app  # noqa: E402

app.add_typer(monitor_app, name="monitor")
app.add_typer(lab_app, name="lab")

# --- audit (issue: isolation compliance audit) -------------------------------------------
from netops.commands.audit import app as audit_app  # noqa: E402

app.add_typer(audit_app, name="audit")

# --- backup, diff, push (issue: device operations) ---------------------------------------
from netops.commands.devices import register as register_device_commands  # noqa: E402

register_device_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
