"""Which driver runs which platform: the inventory's platform names to a backend and dialect.

Defaults are the drivers that can do the whole job here (read, replace, commit, roll back);
a device's `driver` field ("napalm:huawei_vrp", "netmiko:huawei") chooses another.
"""

from __future__ import annotations

from dataclasses import dataclass

from netops.devices import dialects
from netops.devices.dialects import Dialect
from netops.devices.drivers.base import Driver, UnsupportedPlatform
from netops.devices.target import DeviceTarget


@dataclass(frozen=True)
class DriverChoice:
    backend: str  # "netmiko" or "napalm"
    kind: str  # netmiko device_type or NAPALM driver name
    dialect: Dialect


DEFAULTS: dict[str, DriverChoice] = {
    "frr": DriverChoice("netmiko", "cisco_ios", dialects.FRR),  # vtysh speaks the IOS-style CLI
    "cisco_ios": DriverChoice("netmiko", "cisco_ios", dialects.IOS),
    "huawei_vrp": DriverChoice("netmiko", "huawei", dialects.VRP),
    "hp_comware": DriverChoice("netmiko", "hp_comware", dialects.COMWARE),
    "ios": DriverChoice("napalm", "ios", dialects.IOS),
    "eos": DriverChoice("napalm", "eos", dialects.IOS),
    "junos": DriverChoice("napalm", "junos", dialects.IOS),
}
NAPALM_NAMES = {"frr": "ios", "cisco_ios": "ios", "huawei_vrp": "huawei_vrp", "hp_comware": "h3c_comware",
                "ios": "ios", "eos": "eos", "junos": "junos"}
NETMIKO_NAMES = {"frr": "cisco_ios", "cisco_ios": "cisco_ios", "huawei_vrp": "huawei", "hp_comware": "hp_comware",
                 "ios": "cisco_ios", "eos": "arista_eos", "junos": "juniper_junos"}
NO_CONFIG = {
    "linux": "servers are not configured by netops device operations",
    "appliance": "UPS, EPS and sensors are monitored over SNMP only",
}


def choose(platform: str, override: str | None = None) -> DriverChoice:
    """The driver for a platform, or UnsupportedPlatform naming the platforms that have one."""
    if platform in NO_CONFIG:
        raise UnsupportedPlatform(f"platform {platform!r} has no config driver: {NO_CONFIG[platform]}")
    if platform not in DEFAULTS:
        known = ", ".join(sorted(DEFAULTS))
        raise UnsupportedPlatform(f"unknown platform {platform!r}: expected one of {known}")
    choice = DEFAULTS[platform]
    if not override:
        return choice
    backend, _, kind = override.partition(":")
    if backend == "napalm":
        return DriverChoice("napalm", kind or NAPALM_NAMES[platform], choice.dialect)
    if backend == "netmiko":
        return DriverChoice("netmiko", kind or NETMIKO_NAMES[platform], choice.dialect)
    raise UnsupportedPlatform(f"driver {override!r} for platform {platform!r}: expected napalm[:NAME] or netmiko[:TYPE]")


def driver_for(target: DeviceTarget) -> Driver:
    choice = choose(target.platform, target.driver)
    if choice.backend == "napalm":
        from netops.devices.drivers.napalm_driver import NapalmDriver

        return NapalmDriver(target, choice.kind, choice.dialect)
    from netops.devices.drivers.netmiko_driver import NetmikoDriver

    return NetmikoDriver(target, choice.kind, choice.dialect)
