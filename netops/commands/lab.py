"""`netops lab ...`: the simulated network on this host.

Two parts, each mapped explicitly by the inventory's `lab` section: SNMP agents (snmpsim) on
loopback endpoints for every device (`lab.snmp`), and FRR routers in network namespaces
reached over SSH (`lab.ssh`, `up --ssh`). `status` and `down` cover both unless one is named.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from netops.commands.common import (
    CannotRun,
    InventoryOption,
    JsonOption,
    console,
    inventory_path,
    print_json,
    report_errors,
)
from netops.errors import NetopsError
from netops.inventory import load_inventory
from netops.lab import snmp as snmp_lab

app = typer.Typer(help="Start, inspect and stop the lab: SNMP agents on loopback, FRR routers over SSH.",
                  no_args_is_help=True)

# No envvar= here: $NETOPS_LAB_DIR is the lab directory of *both* parts (read by
# netops.lab.snmp.lab_dir and ssh_routers.lab_dir); only the flag names the SNMP part alone.
LabDirOption = typer.Option(None, "--lab-dir",
                            help="SNMP lab only: where it keeps recordings, logs and its state "
                                 "(default: $NETOPS_LAB_DIR, else out/lab).",
                            show_default=False)
SshDirOpt = typer.Option(None, "--dir", help="SSH lab state directory (default: $NETOPS_LAB_DIR or /run/netops-lab, "
                         "then the lab name).")
NameOpt = typer.Option(None, "--name", help="SSH lab name: several labs can run side by side (default: default).",
                       show_default=False)


class LabCommandError(NetopsError):
    pass


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


def _ssh_dir(directory: Optional[Path], name: Optional[str]) -> Path:
    from netops.lab import ssh_routers

    return directory or ssh_routers.lab_dir(name or "default")


def _ssh_dirs(directory: Optional[Path], name: Optional[str]) -> list[Path]:
    """The SSH labs `down` means: the one named, else every lab under $NETOPS_LAB_DIR (all that
    lab directory started), else the default lab. Without $NETOPS_LAB_DIR the base is shared
    (/run/netops-lab), so only the default lab is meant."""
    from netops.lab import ssh_routers

    if directory is not None or name is not None or not os.environ.get(ssh_routers.LAB_DIR_ENV):
        return [_ssh_dir(directory, name)]
    base = ssh_routers.lab_dir("default").parent
    found = sorted(p.parent for p in base.glob(f"*/{ssh_routers.STATE_FILE}"))
    return found or [_ssh_dir(None, None)]


def _parts(lab_dir: Optional[Path], directory: Optional[Path], name: Optional[str]) -> tuple[bool, bool]:
    """Which labs a status/down means: the one whose option was given, else both."""
    snmp, ssh = lab_dir is not None, directory is not None or name is not None
    return (True, True) if not (snmp or ssh) else (snmp, ssh)


@app.command()
@report_errors
def up(
    ssh: bool = typer.Option(False, "--ssh", help="Start the FRR routers over SSH (lab.ssh) instead of SNMP agents."),
    snmp: bool = typer.Option(False, "--snmp", help="With --ssh: start the SNMP agents too."),
    inventory: Optional[Path] = InventoryOption,
    lab_dir: Optional[Path] = LabDirOption,
    only: Optional[str] = typer.Option(None, "--only", help="SNMP: comma-separated devices (default: all of lab.snmp)."),
    processes: int = typer.Option(1, "--processes", min=1, max=16,
                                  help="SNMP: snmpsim processes to spread the agents over (one core each)."),
    timeout: float = typer.Option(90.0, "--timeout", help="SNMP: seconds to wait for every agent to answer."),
    base: str = typer.Option("127.0.2.1", "--base", help="SSH: first loopback address for router endpoints."),
    port: int = typer.Option(2222, "--port", min=1025, max=65535, help="SSH: port on each router endpoint."),
    name: Optional[str] = NameOpt,
    directory: Optional[Path] = SshDirOpt,
    json_out: bool = JsonOption,
) -> None:
    """Start the lab: SNMP agents for every device, or with --ssh the FRR routers (each in a namespace)."""
    inv = load_inventory(inventory_path(inventory))
    if not ssh or snmp:
        _snmp_up(inv, lab_dir, only, processes, timeout, json_out)
    if ssh:
        from netops.lab import ssh_routers
        from netops.secrets import SecretResolver, secrets_file_path

        resolver = SecretResolver(secrets_file_path(inv.settings.secrets_file))
        spec = ssh_lab_spec(inv, resolver, name or "default", base, port)
        try:
            ssh_routers.up(spec, _ssh_dir(directory, name))
        except ssh_routers.LabError as exc:
            raise CannotRun(str(exc)) from None
        _print_status(_ssh_dir(directory, name), json_out)


def _snmp_up(inv: Any, lab_dir: Optional[Path], only: Optional[str], processes: int, timeout: float,
             json_out: bool) -> None:
    root = snmp_lab.lab_dir(lab_dir)
    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    state = snmp_lab.up(inv, root, only=names, processes=processes, timeout=timeout)
    if json_out:
        print_json(snmp_lab.status(root))
        return
    out = console()
    for warning in state.warnings:
        console(stderr=True).print(f"[yellow]warning[/yellow] {escape(warning)}")
    auths: dict[str, int] = {}
    for info in state.agents.values():
        auths[info.auth] = auths.get(info.auth, 0) + 1
    out.print(f"[green]lab up[/green]: {len(state.agents)} SNMP agents (snmpsim pids "
              f"{', '.join(map(str, state.pids))}) - " + ", ".join(f"{n} {a}" for a, n in sorted(auths.items())))
    out.print(f"lab community: {escape(state.community)}; state: {escape(str(snmp_lab.state_path(root)))}")


@app.command()
@report_errors
def down(lab_dir: Optional[Path] = LabDirOption, name: Optional[str] = NameOpt,
         directory: Optional[Path] = SshDirOpt, json_out: bool = JsonOption) -> None:
    """Stop what the lab started (by the PIDs in its state files) and delete its namespaces."""
    want_snmp, want_ssh = _parts(lab_dir, directory, name)
    report: dict[str, Any] = {}
    problems: list[str] = []
    if want_snmp:
        report["snmp"] = {"stopped": snmp_lab.down(snmp_lab.lab_dir(lab_dir))}
    if want_ssh:
        from netops.lab import ssh_routers

        labs = []
        for path in _ssh_dirs(directory, name):
            was_up = ssh_routers.load_state(path) is not None
            lab_problems = ssh_routers.down(path)
            problems += lab_problems
            labs.append({"dir": str(path), "was_up": was_up, "problems": lab_problems})
        # one lab named: its object, as before; otherwise every SSH lab the lab directory holds
        report["ssh"] = labs[0] if directory is not None or name is not None else labs
    if json_out:
        print_json(next(iter(report.values())) if len(report) == 1 else report)
    else:
        out = console()
        if "snmp" in report:
            stopped = report["snmp"]["stopped"]
            out.print(f"SNMP lab: stopped {len(stopped)} snmpsim process(es)" if stopped
                      else "SNMP lab: nothing was running")
        for ssh in ([report["ssh"]] if isinstance(report.get("ssh"), dict) else report.get("ssh", [])):
            out.print(f"SSH lab {escape(Path(ssh['dir']).name)}: " + ("stopped" if ssh["was_up"] else "was not up")
                      + f" ({escape(ssh['dir'])})")
            for p in ssh["problems"]:
                out.print(f"[red]problem[/red] {escape(p)}")
    raise typer.Exit(1 if problems else 0)


@app.command()
@report_errors
def status(lab_dir: Optional[Path] = LabDirOption, name: Optional[str] = NameOpt,
           directory: Optional[Path] = SshDirOpt, json_out: bool = JsonOption) -> None:
    """What runs: SNMP agents (PIDs, endpoints, simulated states) and SSH routers. Exit 1 when down."""
    want_snmp, want_ssh = _parts(lab_dir, directory, name)
    if json_out and want_snmp and want_ssh:
        from netops.lab import ssh_routers

        snmp_info = snmp_lab.status(snmp_lab.lab_dir(lab_dir))
        ssh_info = ssh_routers.status(_ssh_dir(directory, name))
        print_json({"snmp": snmp_info, "ssh": ssh_info})
        raise typer.Exit(0 if snmp_info["running"] and ssh_info and ssh_info["healthy"] else 1)
    codes = []
    if want_snmp:
        codes.append(_snmp_status(lab_dir, json_out))
    if want_ssh:
        try:
            _print_status(_ssh_dir(directory, name), json_out)
        except typer.Exit as exc:
            codes.append(exc.exit_code)
    raise typer.Exit(0 if codes and all(c == 0 for c in codes) else 1)


def _snmp_status(lab_dir: Optional[Path], json_out: bool) -> int:
    root = snmp_lab.lab_dir(lab_dir)
    info = snmp_lab.status(root)
    if json_out:
        print_json(info)
        return 0 if info["running"] else 1
    out = console()
    if not info.get("pids"):
        out.print(f"SNMP lab: not running ({escape(str(root))})")
        return 1
    out.print(f"SNMP lab: {'running' if info['running'] else '[red]not running[/red]'} - {info['agents']} agents, "
              f"snmpsim " + ", ".join(f"{pid} {s}" for pid, s in info["pids"].items()))
    table = Table(title="SNMP agents")
    for col in ("device", "endpoint", "auth", "state"):
        table.add_column(col)
    for device, endpoint in info["endpoints"].items():
        table.add_row(device, endpoint, info["auth"][device], info["states"].get(device, "normal"))
    out.print(table)
    return 0 if info["running"] else 1


@app.command("set")
@report_errors
def set_(
    device: str = typer.Argument(..., help="Device name, e.g. ups-1, env-1, wangtai-v001."),
    state: str = typer.Argument(..., help="ups/eps: normal, on_battery, low_battery, battery_bad, overload; "
                                          "sensor: normal, warm, hot, humid, dry, leak, smoke, door_open; "
                                          "any device: down, up."),
    inventory: Optional[Path] = InventoryOption,
    lab_dir: Optional[Path] = LabDirOption,
    json_out: bool = JsonOption,
) -> None:
    """Flip a simulated state so alerts can be seen firing (rewrites the recordings it affects)."""
    inv = load_inventory(inventory_path(inventory))
    changed = snmp_lab.set_state(inv, snmp_lab.lab_dir(lab_dir), device, state)
    if json_out:
        print_json({"device": device, "state": state, "rewritten": changed})
    else:
        console().print(f"{escape(device)}: {escape(state)} (rewrote {', '.join(changed)})")


def _print_status(path: Path, as_json: bool) -> None:
    from netops.lab import ssh_routers

    info = ssh_routers.status(path)
    if info is None:
        if as_json:
            print_json({"dir": str(path), "up": False})
        else:
            console().print(f"SSH lab: not up in {escape(str(path))}")
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
