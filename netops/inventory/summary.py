"""What an engineer wants to see first: zones, sites, devices by role, and the power budget."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from netops.inventory.model import POWER_SOURCE_ROLES, Inventory


class ZoneSummary(BaseModel):
    name: str
    label: str | None
    kind: str
    isolation: str
    prefixes: list[str]
    devices: int


class PowerBudget(BaseModel):
    unit: str
    kind: str
    capacity_w: float
    load_w: float
    fed_devices: int

    @property
    def percent(self) -> float:
        return 100.0 * self.load_w / self.capacity_w if self.capacity_w else 0.0


class Summary(BaseModel):
    name: str
    zones: list[ZoneSummary]
    sites_by_kind: dict[str, int]
    devices_by_role: dict[str, int]
    devices_by_platform: dict[str, int]
    devices: int
    links: int
    towns: int
    villages: int
    power: list[PowerBudget]


def power_budget(inv: Inventory) -> list[PowerBudget]:
    load: Counter[str] = Counter()
    fed: Counter[str] = Counter()
    for d in inv.devices.values():
        dtype = inv.device_types.get(d.device_type) if d.device_type else None
        for feed in d.power:
            draw = feed.draw_w if feed.draw_w is not None else (dtype.power_draw_w if dtype else None)
            load[feed.source] += draw or 0.0
            fed[feed.source] += 1
    return [
        PowerBudget(unit=u.name, kind=u.role.value, capacity_w=u.capacity_w or 0.0, load_w=load[u.name],
                    fed_devices=fed[u.name])
        for u in inv.devices.values() if u.role in POWER_SOURCE_ROLES
    ]


def summarise(inv: Inventory) -> Summary:
    per_zone: Counter[str] = Counter(z for d in inv.devices.values() for z in d.zones)
    sites = Counter(s.kind.value for s in inv.sites.values())
    return Summary(
        name=inv.settings.name,
        zones=[ZoneSummary(name=z.name, label=z.label, kind=z.kind.value, isolation=z.isolation.value,
                           prefixes=[str(p) for p in z.prefixes], devices=per_zone[z.name])
               for z in inv.zones.values()],
        sites_by_kind=dict(sorted(sites.items())),
        devices_by_role=dict(sorted(Counter(d.role.value for d in inv.devices.values()).items())),
        devices_by_platform=dict(sorted(Counter(d.platform.value for d in inv.devices.values()).items())),
        devices=len(inv.devices),
        links=len(inv.links),
        towns=sites.get("town", 0),
        villages=sites.get("village", 0),
        power=power_budget(inv),
    )
