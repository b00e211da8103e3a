"""Where intended configs come from: a directory of rendered files, or the renderer itself."""

from __future__ import annotations

from pathlib import Path

from netops.devices.target import DeviceTarget
from netops.errors import NetopsError


class IntendedError(NetopsError):
    """No intended config is available for a device."""


def from_directory(directory: Path):
    """Intended configs as files named <device>.cfg (or .conf / .txt) in `directory`."""

    def intended(target: DeviceTarget) -> str:
        for suffix in (".cfg", ".conf", ".txt"):
            path = Path(directory) / f"{target.name}{suffix}"
            if path.exists():
                return path.read_text(encoding="utf-8")
        raise IntendedError(f"{target.name}: no intended config in {directory} ({target.name}.cfg)")

    return intended


def minimal_frr(device) -> str:
    """A stop-gap FRR config from the model (hostname, interfaces, static routes), used only
    while netops.render is not installed; the templates replace it. Inventory text fields are
    validated single-line safe text, so they cannot inject commands."""
    lines = ["frr defaults traditional", f"hostname {device.name}", "service integrated-vtysh-config", "!"]
    for route in device.routes:
        lines.append(f"ip route {route.prefix} {route.next_hop}")
    lines.append("!")
    for iface in device.interfaces:
        body = [f" description {iface.description}"] if iface.description else []
        body += [f" ip address {address}" for address in iface.addresses]
        body += [] if iface.enabled else [" shutdown"]
        if body:
            lines += [f"interface {iface.name}", *body, "exit", "!"]
    return "\n".join(lines) + "\n"


def from_renderer(inventory):
    """Intended configs rendered from the inventory and templates (netops.render)."""
    try:
        from netops.render import render_device
    except ImportError:
        render_device = None

    def intended(target: DeviceTarget) -> str:
        if target.intended is not None:
            return target.intended
        if render_device is not None:
            return render_device(inventory, target.name)
        if target.platform == "frr":
            return minimal_frr(inventory.devices[target.name])
        raise IntendedError(f"{target.name}: netops.render is not available here: pass --intended DIR")

    return intended
