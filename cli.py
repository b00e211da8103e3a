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

# --- monitor, exporter, lab (issue: SNMP collectors and exporter) ------------------------

# --- audit (issue: isolation compliance audit) -------------------------------------------

# --- backup, diff, push (issue: device operations) ---------------------------------------
from netops.commands.devices import register as register_device_commands  # noqa: E402
from netops.commands.lab import app as lab_app  # noqa: E402

register_device_commands(app)
app.add_typer(lab_app, name="lab")  # `lab up --ssh` here; the SNMP lab adds its options to the same sub-app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
