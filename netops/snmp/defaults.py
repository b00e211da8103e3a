"""Which profiles a device gets by default, from its role and platform. Pure.

Every device answers the system group; network gear adds interfaces, LLDP neighbours
(read by the live isolation audit) and its vendor's board health; power and room
devices get their own MIBs. `auto` adds whatever profiles match the device's sysObjectID
or probe OIDs (vendor UPS, sensor, firewall and switch-health MIBs). The inventory (or the
exporter's `module=`) can override.
"""

from __future__ import annotations

from collections.abc import Sequence

ROLES = (
    "core_switch", "aggregation_switch", "access_switch", "router", "firewall", "ids",
    "gatekeeper", "server", "storage", "ups", "eps", "environment_monitor", "village_ap",
    "wireless_ap",
)
PLATFORMS = ("huawei_vrp", "hp_comware", "cisco_ios", "frr", "linux", "appliance")

_NETWORK = ("core_switch", "aggregation_switch", "access_switch", "router", "firewall", "ids", "gatekeeper")

# Board health (CPU, memory, temperature) by platform; FRR routers run on Linux hosts.
_PLATFORM_HEALTH: dict[str, tuple[str, ...]] = {
    "huawei_vrp": ("huawei_entity",),
    "hp_comware": ("h3c_entity",),
    "cisco_ios": (),
    "frr": ("host_resources", "ucd_snmp"),
    "linux": ("host_resources", "ucd_snmp"),
    "appliance": (),
}


# What a role's devices must deliver; a scrape that decodes none of it is reported.
_EXPECTED: dict[str, frozenset[str]] = {
    "ups": frozenset({"power"}),
    "eps": frozenset({"power"}),
    "environment_monitor": frozenset({"environment", "cooling"}),
}


def expected_domains(role: str | None) -> frozenset[str]:
    """Data domains (profile `provides`) a device of this role is expected to deliver."""
    return _EXPECTED.get(role or "", frozenset())


def default_profiles(role: str, platform: str | None = None) -> list[str]:
    """Profile names for a role and platform; ValueError names the valid choices."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    if platform is not None and platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of: {', '.join(PLATFORMS)}")
    health = _PLATFORM_HEALTH.get(platform or "", ())
    if role in _NETWORK:
        names = ("system", "if_mib", "lldp", *health, "auto")
    elif role in ("server", "storage"):
        names = ("system", "if_mib", *(health or ("host_resources",)))
    elif role in ("ups", "eps"):
        names = ("system", "ups_rfc1628", "auto")
    elif role == "environment_monitor":
        names = ("system", "room_environment", "auto")
    else:  # village_ap, wireless_ap: is the link up, and how busy
        names = ("system", "if_mib", *health)
    return list(dict.fromkeys(names))


def device_profiles(role: str, platform: str | None = None, override: Sequence[str] | None = None) -> list[str]:
    """Defaults, changed by an inventory override.

    Plain names replace the defaults; `+name` adds to and `-name` removes from them, so
    `["+ups_rfc1628"]` gives a server with a UPS card both sets.
    """
    if not override:
        return default_profiles(role, platform)
    if all(not item.startswith(("+", "-")) for item in override):
        return list(dict.fromkeys(override))
    names = default_profiles(role, platform)
    for item in override:
        if item.startswith("+"):
            if item[1:] not in names:
                names.append(item[1:])
        elif item.startswith("-"):
            names = [n for n in names if n != item[1:]]
        else:
            raise ValueError(f"mix of plain and +/- profile names in override: {list(override)}")
    return names
