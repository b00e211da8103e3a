"""`netops inventory ...`: validate, summarise, show and generate inventories."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from netops.commands.common import (
    InventoryOption,
    JsonOption,
    console,
    inventory_or_argument,
    inventory_path,
    print_json,
    report_errors,
)
from netops.errors import NetopsError
from netops.inventory import load_inventory
from netops.inventory.summary import summarise
from netops.printable import printable

app = typer.Typer(help="Validate, summarise, show and generate the network inventory.", no_args_is_help=True)

PathArgument = typer.Argument(None, help="Same as -i/--inventory (kept for older scripts).", show_default=False,
                              metavar="[INVENTORY]")


@app.command()
@report_errors
def validate(path: Optional[Path] = PathArgument, inventory: Optional[Path] = InventoryOption,
             json_out: bool = JsonOption) -> None:
    """Check the inventory: schema and semantic rules, each problem with file, line and field."""
    from netops.inventory.report import problems_of, validation_report

    root = inventory_or_argument(inventory, path)
    report = validation_report(root)
    problems = problems_of(report)
    if json_out:
        print_json({"inventory": str(root), "valid": not problems, "devices": report["devices"],
                    "problems": [p.__dict__ for p in problems]})
    else:
        err = console(stderr=True)
        for p in problems:
            err.print(f"[red]error[/red] {_escape(str(p))}")
        if problems:
            err.print(f"[red]{len(problems)} problem(s)[/red] in {_escape(root)}")
        else:
            console().print(f"[green]ok[/green] {_escape(root)}: {report['devices']} devices, "
                            f"{report['cables']} cables, {report['zones']} zones, "
                            f"{report['sites']} sites: no problems")
    raise typer.Exit(2 if problems else 0)


def _escape(text: object) -> str:
    """Text as the user wrote it, shown literally: no Rich markup, control characters escaped."""
    from rich.markup import escape

    return escape(printable(text))


@app.command()
@report_errors
def summary(path: Optional[Path] = PathArgument, inventory: Optional[Path] = InventoryOption,
            json_out: bool = JsonOption) -> None:
    """Zones, sites, devices by role and the UPS/EPS power budget."""
    s = summarise(load_inventory(inventory_or_argument(inventory, path)))
    if json_out:
        print_json(s)
        return
    out = console()
    out.print(f"[bold]{_escape(s.name)}[/bold]: {s.devices} devices, {s.links} cables, "
              f"{s.towns} towns, {s.villages} villages")
    zones = Table(title="Zones")
    for col in ("zone", "label", "kind", "isolation", "prefixes", "devices"):
        zones.add_column(col, justify="right" if col == "devices" else "left")
    for z in s.zones:
        zones.add_row(z.name, _escape(z.label or ""), z.kind, z.isolation, ", ".join(z.prefixes), str(z.devices))
    out.print(zones)
    out.print(_counts("Sites by kind", "kind", "sites", s.sites_by_kind))
    out.print(_counts("Devices by role", "role", "devices", s.devices_by_role))
    power = Table(title="Power budget")
    for col in ("unit", "kind", "capacity W", "load W", "load %", "devices fed"):
        power.add_column(col, justify="left" if col in ("unit", "kind") else "right")
    for p in s.power:
        colour = "red" if p.percent > 80 else "green"
        power.add_row(p.unit, p.kind.upper(), f"{p.capacity_w:.0f}", f"{p.load_w:.0f}",
                      f"[{colour}]{p.percent:.1f}[/{colour}]", str(p.fed_devices))
    out.print(power)


def _counts(title: str, key: str, unit: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column(key)
    table.add_column(unit, justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    return table


@app.command()
@report_errors
def show(
    name: Optional[str] = typer.Argument(None, help="Device name; omit to list every device."),
    inventory: Optional[Path] = InventoryOption,
    json_out: bool = JsonOption,
) -> None:
    """One device in full (interfaces, cables, power), or a table of all devices."""
    inv = load_inventory(inventory_path(inventory))
    if name is None:
        if json_out:
            print_json([d.model_dump(mode="json", include={"name", "role", "platform", "site", "town", "zones",
                                                           "mgmt_address", "model"}) for d in inv.devices.values()])
            return
        table = Table(title=f"{len(inv.devices)} devices")
        for col in ("name", "role", "platform", "model", "site", "zones", "mgmt address"):
            table.add_column(col)
        for d in inv.devices.values():
            table.add_row(d.name, d.role.value, d.platform.value, _escape(d.model or ""), d.site, ",".join(d.zones),
                          str(d.mgmt_address or ""))
        console().print(table)
        return
    device = inv.devices.get(name)
    if device is None:
        raise NetopsError(f"no device named '{name}' in {inv.root}")
    cables = [link for link in inv.links if name in (link.a.device, link.b.device)]
    if json_out:
        data = device.model_dump(mode="json", exclude_defaults=True)
        data["cables"] = [link.model_dump(mode="json", exclude_none=True) for link in cables]
        print_json(data)
        return
    out = console()
    out.print(f"[bold]{device.name}[/bold]  {device.role.value}  {device.platform.value}  "
              f"{_escape(device.manufacturer or '')} {_escape(device.model or '')}")
    out.print(f"site {device.site}" + (f" / {device.location}" if device.location else "")
              + (f" rack {device.rack} U{device.position}" if device.rack else "")
              + (f"  town {device.town}" if device.town else ""))
    out.print(f"zones {', '.join(device.zones)}  mgmt {device.mgmt_address or '-'}  "
              f"credentials {device.credentials or '-'}  snmp {device.snmp or '-'}")
    if device.power:
        out.print("power " + ", ".join(f"{f.source} ({f.draw_w or 'type'} W)" for f in device.power))
    peers = {}
    for link in cables:
        mine, other = (link.a, link.b) if link.a.device == name else (link.b, link.a)
        peers[mine.interface] = f"{other} ({link.media.value})"
    table = Table(title="Interfaces")
    for col in ("interface", "zone", "mode", "vlans", "addresses", "description", "cable"):
        table.add_column(col)
    for i in device.interfaces:
        if not (i.addresses or i.description or i.mode or i.name in peers):
            continue
        vlans = str(i.vlan) if i.vlan else ",".join(map(str, i.vlans))
        table.add_row(i.name, device.interface_zone(i) or "", i.mode or "", vlans,
                      ", ".join(map(str, i.addresses)), _escape(i.description or ""), peers.get(i.name, ""))
    out.print(table)
    unused = sum(1 for i in device.interfaces if not (i.addresses or i.description or i.mode or i.name in peers))
    if unused:
        out.print(f"({unused} unconfigured, uncabled interfaces not shown)")


@app.command()
@report_errors
def generate(
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the inventory into."),
    towns: int = typer.Option(12, "--towns", min=1, max=180, help="Town office centres."),
    villages: int = typer.Option(60, "--villages", min=0, help="Village access points, spread over the towns."),
    force: bool = typer.Option(False, "--force", help="Write into a directory that already has files."),
    json_out: bool = JsonOption,
) -> None:
    """Write a valid county network of any size (e.g. 12 towns, 1,008 villages) for scale tests."""
    from netops.inventory.generate import write

    if out.exists() and any(out.iterdir()) and not force:
        raise NetopsError(f"{out} is not empty (use --force to write into it)")
    try:
        files = write(out, towns=towns, villages=villages)
    except ValueError as exc:
        raise NetopsError(str(exc)) from None
    inv = load_inventory(out)
    if json_out:
        print_json({"out": str(out), "files": len(files), "devices": len(inv.devices), "cables": len(inv.links)})
        return
    console().print(f"wrote {len(files)} files to {_escape(out)}: {len(inv.devices)} devices, {len(inv.links)} cables")
