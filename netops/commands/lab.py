"""`netops lab`: simulated devices on this host. `up --ssh` starts the FRR routers the
inventory's `lab.ssh` names, each in its own network namespace with its own sshd."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from netops.commands.common import InventoryOption, JsonOption, console, inventory_path, print_json, report_errors
from netops.errors import NetopsError

app = typer.Typer(help="Start, inspect and stop the lab's simulated devices.", no_args_is_help=True)

LabDirOpt = typer.Option(None, "--dir", help="Lab state directory (default: $NETOPS_LAB_DIR or /run/netops-lab, "
                         "then the lab name).")
NameOpt = typer.Option("default", "--name", help="Lab name: several labs can run side by side.")


class LabCommandError(NetopsError):
    pass


def _dir(directory: Optional[Path], name: str) -> Path:
    from netops.lab import ssh_routers

    return directory or ssh_routers.lab_dir(name)


def ssh_lab_spec(inventory, resolver, name: str, base: str, port: int):
    """The SSH lab the inventory asks for: its lab.ssh devices, their credential set, endpoints."""
    from netops.lab import ssh_routers

    names = list(inventory.lab.ssh)
    if not names:
        raise LabCommandError("the inventory's lab.ssh lists no devices")
    creds = {inventory.devices[n].credentials for n in names if n in inventory.devices}
    unknown = [n for n in names if n not in inventory.devices]
    if unknown:
        raise LabCommandError(f"lab.ssh names devices the inventory does not have: {', '.join(unknown)}")
    if len(creds) != 1 or None in creds or next(iter(creds)) not in inventory.credentials:
        raise LabCommandError("lab.ssh devices must share one credential set (inventory field `credentials`)")
    cred = inventory.credentials[next(iter(creds))]
    password = resolver.resolve(cred.password)
    routers = []
    for spec, device_name in zip(ssh_routers.sequential_endpoints(names, base=base, port=port), names):
        entry = inventory.lab.ssh[device_name]
        if entry.endpoint:
            host, _, p = entry.endpoint.rpartition(":")
            spec = spec.model_copy(update={"host": host, "port": int(p)})
        if entry.namespace:
            spec = spec.model_copy(update={"namespace": entry.namespace})
        routers.append(spec)
    return ssh_routers.LabSpec(name=name, username=cred.username, password=password, routers=routers)


@app.command("up")
@report_errors
def up(ssh: bool = typer.Option(False, "--ssh", help="FRR routers over SSH (the inventory's lab.ssh devices)."),
       base: str = typer.Option("127.0.2.1", "--base", help="First loopback address for router endpoints."),
       port: int = typer.Option(2222, "--port", min=1025, max=65535, help="SSH port on each router endpoint."),
       name: str = NameOpt, directory: Optional[Path] = LabDirOpt, inventory: Optional[Path] = InventoryOption,
       as_json: bool = JsonOption) -> None:
    """Start the lab. With --ssh: FRR routers in network namespaces, each with sshd running vtysh."""
    if not ssh:
        raise LabCommandError("choose what to start: --ssh")
    from netops.inventory import load_inventory
    from netops.lab import ssh_routers
    from netops.secrets import SecretResolver, secrets_file_path

    inv = load_inventory(inventory_path(inventory))
    resolver = SecretResolver(secrets_file_path(inv.settings.secrets_file))
    spec = ssh_lab_spec(inv, resolver, name, base, port)
    try:
        ssh_routers.up(spec, _dir(directory, name))
    except ssh_routers.LabError as exc:
        raise LabCommandError(str(exc)) from None
    _print_status(_dir(directory, name), as_json)


@app.command("status")
@report_errors
def status(name: str = NameOpt, directory: Optional[Path] = LabDirOpt, as_json: bool = JsonOption) -> None:
    """Show the lab's routers, endpoints and daemons. Exit 1 when something is down."""
    _print_status(_dir(directory, name), as_json)


@app.command("down")
@report_errors
def down(name: str = NameOpt, directory: Optional[Path] = LabDirOpt, as_json: bool = JsonOption) -> None:
    """Stop every daemon the lab started (by PID) and delete its namespaces."""
    from netops.lab import ssh_routers

    path = _dir(directory, name)
    was_up = ssh_routers.load_state(path) is not None
    problems = ssh_routers.down(path)
    if as_json:
        print_json({"dir": str(path), "was_up": was_up, "problems": problems})
    else:
        out = console()
        out.print(f"lab {escape(name)}: " + ("stopped" if was_up else "was not up") + f" ({escape(str(path))})")
        for p in problems:
            out.print(f"[red]problem[/red] {escape(p)}")
    raise typer.Exit(1 if problems else 0)


def _print_status(path: Path, as_json: bool) -> None:
    from netops.lab import ssh_routers

    info = ssh_routers.status(path)
    if info is None:
        if as_json:
            print_json({"dir": str(path), "up": False})
        else:
            console().print(f"no lab is up in {escape(str(path))}")
        raise typer.Exit(1)
    if as_json:
        print_json({"up": True, **info})
    else:
        table = Table(title=f"SSH lab {info['name']} ({info['dir']})", title_justify="left")
        for column in ("device", "endpoint", "namespace", "daemons", "healthy"):
            table.add_column(column)
        for r in info["routers"]:
            daemons = " ".join(f"{d}{'' if ok else '(down)'}" for d, ok in r["daemons"].items())
            table.add_row(r["name"], r["endpoint"], r["namespace"], daemons, "yes" if r["healthy"] else "[red]no[/red]")
        out = console()
        out.print(table)
        out.print(f"login: {escape(info['username'])} (password from the inventory's credential set); "
                  f"host keys: {escape(info['known_hosts'])}")
        out.print(f"forwarder: {'running' if info['forwarder'] else '[red]down[/red]'}")
    raise typer.Exit(0 if info["healthy"] else 1)
