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

    def matches_name(self, name: str) -> bool:
        return not self.names or any(fnmatchcase(name, g) for g in self.names)

    def matches(self, t) -> bool:
        """`t`: a DeviceTarget or an inventory Device (anything with these attributes)."""
        if self.names and not any(fnmatchcase(t.name, g) for g in self.names):
            return False
        if self.sites and t.site not in self.sites:
            return False
        if self.towns and t.town not in self.towns and t.site not in self.towns:
            return False
        if self.roles and _v(t.role) not in self.roles:
            return False
        if self.zones and not set(self.zones) & set(t.zones):
            return False
        if self.platforms and _v(t.platform) not in self.platforms:
            return False
        return True


def _v(value):
    return getattr(value, "value", value)


def select(targets: Sequence[DeviceTarget], selector: Selector) -> list[DeviceTarget]:
    return [t for t in targets if selector.matches(t)]
