"""What each page shows, computed from the inventory, live status, the audit state and the
backups: pure functions, so pages and tests share them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netops.console.history import Version
from netops.console.status import LiveStatus
from netops.console.users import User, device_town, may_see
from netops.inventory.model import POWER_SOURCE_ROLES, Device, Inventory, Role


def cables_of(inv: Inventory, name: str) -> list[tuple[str, str, str, str]]:
    """(my interface, peer, peer interface, media) for each cable of a device."""
    out = []
    for link in inv.links:
        if link.a.device == name:
            out.append((link.a.interface, link.b.device, link.b.interface, link.media.value))
        elif link.b.device == name:
            out.append((link.b.interface, link.a.device, link.a.interface, link.media.value))
    return out


def draw_w(inv: Inventory, device: Device) -> float:
    dtype = inv.device_types.get(device.device_type or "")
    return float(dtype.power_draw_w or 0) if dtype else 0.0


@dataclass
class TownView:
    name: str
    label: str
    villages: list[tuple[Device, str]]  # (village, up/down/unknown)
    uplinks: list[tuple[Device, str, list[tuple[str, str, str, str]]]]  # town switches and their uplink cables

    @property
    def dark(self) -> int:
        return sum(1 for _, s in self.villages if s == "down")

    @property
    def uplink_down(self) -> bool:
        return any(s == "down" for _, s, _ in self.uplinks)


def towns(inv: Inventory, user: User, status: LiveStatus) -> list[TownView]:
    """Every town the user may see, its villages and the town's own switches' uplinks."""
    by_town: dict[str, TownView] = {}
    for site in inv.sites.values():
        if site.kind.value == "town" and (not user.scoped or site.name in user.towns):
            by_town[site.name] = TownView(site.name, site.label or site.name, [], [])
    for d in inv.devices.values():
        town = device_town(inv, d)
        if town not in by_town:
            continue
        if d.role is Role.village_ap:
            by_town[town].villages.append((d, status.of(d.name)))
        elif d.site == town:
            up = [c for c in cables_of(inv, d.name)
                  if inv.devices[c[1]].site != town and inv.devices[c[1]].role is not Role.village_ap]
            if up:
                by_town[town].uplinks.append((d, status.of(d.name), up))
    for view in by_town.values():
        view.villages.sort(key=lambda v: v[0].name)
    return sorted(by_town.values(), key=lambda t: (-t.dark, t.name))


def village_switch(inv: Inventory, village: str) -> str | None:
    """The switch a village cables to (its uplink), whose config history explains a change."""
    for _, peer, _, _ in cables_of(inv, village):
        if inv.devices[peer].role is not Role.village_ap:
            return peer
    return None


def village_cause(view: TownView, state: str) -> str:
    if state == "unknown":
        return "cause_unknown"
    if state != "down":
        return ""
    return "cause_uplink" if view.uplink_down else "cause_village"


# --- audit ----------------------------------------------------------------------------------


def load_audit(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "findings" in data else None


def audit_paths(report: dict[str, Any]) -> list[list[str]]:
    """Devices along each FAIL's counterexample path."""
    return [[step["device"] for step in path] for f in report.get("findings", [])
            if f.get("verdict") == "FAIL" for path in f.get("paths", [])]


def audit_visible(report: dict[str, Any], inv: Inventory, user: User) -> dict[str, Any]:
    """A scoped viewer sees findings on its own devices and the control totals only."""
    if not user.scoped:
        return report
    seen = {n for n, d in inv.devices.items() if may_see(user, inv, d)}
    findings = [f for f in report.get("findings", []) if f.get("target") in seen]
    return {**report, "findings": findings, "manifest": []}


# --- computer room --------------------------------------------------------------------------


@dataclass
class RackView:
    site: str
    location: str
    name: str
    height: int
    units: list[tuple[int, int, Device]] = field(default_factory=list)  # (position, height, device)


def racks(inv: Inventory, devices: dict[str, Device]) -> list[RackView]:
    views: dict[tuple[str, str, str], RackView] = {}
    for site in inv.sites.values():
        for loc in site.locations:
            for rack in loc.racks:
                views[(site.name, loc.name, rack.name)] = RackView(site.name, loc.label or loc.name, rack.name, rack.u_height)
    for d in devices.values():
        if d.rack and d.position:
            key = (d.site, d.location or "", d.rack)
            view = views.get(key) or next((v for k, v in views.items() if k[0] == d.site and k[2] == d.rack), None)
            if view is None:
                continue
            dtype = inv.device_types.get(d.device_type or "")
            view.units.append((d.position, max(1, dtype.u_height if dtype else 1), d))
    return [v for v in views.values() if v.units]


@dataclass
class PowerSource:
    device: Device
    capacity_w: float
    loads: list[tuple[Device, float]]

    @property
    def load_w(self) -> float:
        return sum(w for _, w in self.loads)


def power_tree(inv: Inventory, devices: dict[str, Device]) -> list[PowerSource]:
    sources = {n: d for n, d in devices.items() if d.role in POWER_SOURCE_ROLES}
    tree = {}
    for name, d in sources.items():
        dtype = inv.device_types.get(d.device_type or "")
        capacity = d.capacity_w or (dtype.capacity_w if dtype else None) or 0
        tree[name] = PowerSource(d, float(capacity), [])
    for d in devices.values():
        for feed in d.power:
            if feed.source in tree:
                tree[feed.source].loads.append((d, float(feed.draw_w if feed.draw_w is not None else draw_w(inv, d))))
    return sorted(tree.values(), key=lambda s: s.device.name)
