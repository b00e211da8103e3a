"""`netops lab ...`: the simulated network on this host (SNMP agents on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from netops.commands.common import InventoryOption, JsonOption, console, inventory_path, print_json, report_errors
from netops.inventory import load_inventory
from netops.lab import snmp as snmp_lab

app = typer.Typer(help="Start, inspect and stop the lab: simulated SNMP agents on loopback addresses.",
                  no_args_is_help=True)

LabDirOption = typer.Option(None, "--lab-dir", envvar=snmp_lab.LAB_DIR_ENV,
                            help="Where the lab keeps recordings, logs and its state (default: out/lab).",
                            show_default=False)


@app.command()
@report_errors
def up(
    inventory: Optional[Path] = InventoryOption,
    lab_dir: Optional[Path] = LabDirOption,
    only: Optional[str] = typer.Option(None, "--only", help="Comma-separated devices (default: all of lab.snmp)."),
    processes: int = typer.Option(1, "--processes", min=1, max=16,
                                  help="snmpsim processes to spread the agents over (one core each)."),
    timeout: float = typer.Option(90.0, "--timeout", help="Seconds to wait for every agent to answer."),
    json_out: bool = JsonOption,
) -> None:
    """Generate recordings from the inventory and start an SNMP agent per device."""
    inv = load_inventory(inventory_path(inventory))
    root = snmp_lab.lab_dir(lab_dir)
    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    state = snmp_lab.up(inv, root, only=names, processes=processes, timeout=timeout)
    if json_out:
        print_json(snmp_lab.status(root))
        return
    out = console()
    for warning in state.warnings:
        console(stderr=True).print(f"[yellow]warning[/yellow] {escape(warning)}")
    auths = {}
    for info in state.agents.values():
        auths[info.auth] = auths.get(info.auth, 0) + 1
    out.print(f"[green]lab up[/green]: {len(state.agents)} SNMP agents (snmpsim pids "
              f"{', '.join(map(str, state.pids))}) - " + ", ".join(f"{n} {a}" for a, n in sorted(auths.items())))
    out.print(f"lab community: {escape(state.community)}; state: {escape(str(snmp_lab.state_path(root)))}")


@app.command()
@report_errors
def down(lab_dir: Optional[Path] = LabDirOption, json_out: bool = JsonOption) -> None:
    """Stop the lab's agents (by the PIDs in its state file)."""
    root = snmp_lab.lab_dir(lab_dir)
    stopped = snmp_lab.down(root)
    if json_out:
        print_json({"stopped": stopped})
    else:
        console().print(f"lab down: stopped {len(stopped)} snmpsim process(es)" if stopped
                        else "lab down: nothing was running")


@app.command()
@report_errors
def status(lab_dir: Optional[Path] = LabDirOption, json_out: bool = JsonOption) -> None:
    """What runs: PIDs, endpoints, simulated states."""
    root = snmp_lab.lab_dir(lab_dir)
    info = snmp_lab.status(root)
    if json_out:
        print_json(info)
        raise typer.Exit(0 if info["running"] else 1)
    out = console()
    if not info.get("pids"):
        out.print(f"lab: not running ({escape(str(root))})")
        raise typer.Exit(1)
    out.print(f"lab: {'running' if info['running'] else '[red]not running[/red]'} - {info['agents']} agents, "
              f"snmpsim " + ", ".join(f"{pid} {s}" for pid, s in info["pids"].items()))
    table = Table(title="SNMP agents")
    for col in ("device", "endpoint", "auth", "state"):
        table.add_column(col)
    for name, endpoint in info["endpoints"].items():
        table.add_row(name, endpoint, info["auth"][name], info["states"].get(name, "normal"))
    out.print(table)
    raise typer.Exit(0 if info["running"] else 1)


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
