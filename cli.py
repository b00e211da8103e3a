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
from netops.commands.audit import app as audit_app  # noqa: E402

app.add_typer(audit_app, name="audit")

# --- backup, diff, push (issue: device operations) ---------------------------------------


def main() -> None:
    app()


if __name__ == "__main__":
    main()
