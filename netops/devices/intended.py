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


def from_renderer(inventory):
    """Intended configs rendered from the inventory and templates (netops.render)."""
    try:
        from netops.render import render_device
    except ImportError:
        render_device = None

    def intended(target: DeviceTarget) -> str:
        if target.intended is not None:
            return target.intended
        if render_device is None:
            raise IntendedError(f"{target.name}: netops.render is not available here: pass --intended DIR")
        return render_device(inventory, target.name)

    return intended
