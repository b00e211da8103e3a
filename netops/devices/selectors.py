"""Choosing devices: by name glob, site, town, role, zone and platform (all given must match)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Sequence

from pydantic import BaseModel

from netops.devices.target import DeviceTarget


class Selector(BaseModel):
    names: list[str] = []  # globs
    sites: list[str] = []
    towns: list[str] = []
    roles: list[str] = []
    zones: list[str] = []
    platforms: list[str] = []

    def is_empty(self) -> bool:
        return not any((self.names, self.sites, self.towns, self.roles, self.zones, self.platforms))

    def matches(self, t: DeviceTarget) -> bool:
        if self.names and not any(fnmatchcase(t.name, g) for g in self.names):
            return False
        if self.sites and t.site not in self.sites:
            return False
        if self.towns and t.town not in self.towns and t.site not in self.towns:
            return False
        if self.roles and t.role not in self.roles:
            return False
        if self.zones and not set(self.zones) & set(t.zones):
            return False
        if self.platforms and t.platform not in self.platforms:
            return False
        return True


def select(targets: Sequence[DeviceTarget], selector: Selector) -> list[DeviceTarget]:
    return [t for t in targets if selector.matches(t)]
