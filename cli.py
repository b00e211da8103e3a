"""The netops command line: a table of commands, each loaded only when it runs.

The commands live in `netops/commands/`, the work in the rest of `netops/`. Adding a
command: one entry in COMMANDS (module:attribute, one-line help). Options, exit codes and
error output follow docs/cli.md through `netops.commands.common`.
"""

from __future__ import annotations

from typing import Optional

import typer

from netops import __version__
from netops.commands.group import LazyCommand, NetopsGroup

COMMANDS = {
    "inventory": LazyCommand("netops.commands.inventory:app", "Validate, summarise, show and generate the network inventory."),
    "render": LazyCommand("netops.commands.render:render", "Render every device's configuration, or check a directory of them.", "function"),
    "exporter": LazyCommand("netops.commands.snmp:exporter", "Serve SNMP metrics over HTTP (snmp_exporter style) and the last audit.", "function"),
    "snmp": LazyCommand("netops.commands.snmp:app", "Inspect SNMP metric profiles and scrape one device from the command line."),
    "monitor": LazyCommand("netops.commands.monitor:app", "Generate Prometheus targets (file_sd) and prometheus.yml from the inventory."),
    "lab": LazyCommand("netops.commands.lab:app", "Start, inspect and stop the lab: SNMP agents on loopback, FRR routers over SSH."),
    "audit": LazyCommand("netops.commands.audit:app", "Isolation compliance audit: intranet physically isolated, extranet behind a firewall."),
    "backup": LazyCommand("netops.commands.devices:register", "Pull running configs into a git repository (secrets masked).", "register"),
    "diff": LazyCommand("netops.commands.devices:register", "Intended (rendered) vs running config as unified diffs.", "register"),
    "push": LazyCommand("netops.commands.devices:register", "Bring devices to their intended config; roll back on any failure.", "register"),
    "service": LazyCommand("netops.commands.service:app", "systemd units for the exporter, hourly backups and the nightly audit."),
    "web": LazyCommand("netops.commands.web:web", "Serve the read-only web console: topology, villages, room, audit, config history.", "function"),
    "data": LazyCommand("netops.commands.data:app", "Where netops' templates, profiles, rules and sample inventory are; copy them."),
}


class _Group(NetopsGroup):
    lazy = COMMANDS


app = typer.Typer(
    name="netops",
    cls=_Group,
    help="Operations toolkit for e-government intranets, extranets and their computer rooms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netops {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                                 help="Print the netops version and exit.")) -> None:
    """Operations toolkit for e-government intranets, extranets and their computer rooms.

    Exit codes: 0 ok, 1 findings (drift, FAIL, devices failed), 2 usage or input error,
    3 could not run. Configuration: docs/configuration.md; conventions: docs/cli.md.
    """


def main() -> None:
    app()


if __name__ == "__main__":
    main()
