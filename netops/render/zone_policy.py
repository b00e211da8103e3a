"""What the zone policy allows a device's configuration to say: routes and firewall rules.

Pure functions over the model. An isolated zone (the classified intranet, or a special network
behind a gatekeeper) routes only inside its own prefixes: a default route or any route toward
another zone is refused before anything is rendered. A firewall permits exactly the
inventory's flows between its zones, plus its own management, and denies everything else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netops.inventory.model import Device, Inventory, Isolation, Zone, ZoneKind

IsolatedKinds = (Isolation.physical, Isolation.gatekeeper)
PUBLIC_PRIORITY, GOVERNMENT_PRIORITY, SPECIAL_PRIORITY, CLASSIFIED_PRIORITY = 10, 80, 70, 90
_PRIORITY = {ZoneKind.public: PUBLIC_PRIORITY, ZoneKind.government: GOVERNMENT_PRIORITY,
             ZoneKind.special: SPECIAL_PRIORITY, ZoneKind.classified: CLASSIFIED_PRIORITY}
# USG built-in zones keep their priorities (local 100, trust 85, dmz 50, untrust 5)
_RESERVED_PRIORITIES = {100, 85, 50, 5}


def is_isolated(zone: Zone) -> bool:
    return zone.isolation in IsolatedKinds or zone.kind is ZoneKind.classified


def route_problems(inv: Inventory, device: Device, isolated: list[Zone] | None = None) -> list[str]:
    """Every route of the device that would lead out of (or into) an isolated zone.

    `isolated`: the inventory's isolated zones, when the caller has them at hand already.
    """
    if not device.routes:
        return []
    problems: list[str] = []
    if isolated is None:
        isolated = [z for z in inv.zones.values() if is_isolated(z)]
    isolated_own = [z for z in isolated if z.name in device.zones]
    foreign_isolated = [z for z in isolated if z.name not in device.zones]
    for route in device.routes:
        where = f"route {route.prefix} via {route.next_hop}"
        if isolated_own:
            names = "/".join(z.name for z in isolated_own)
            prefixes = [p for z in isolated_own for p in z.prefixes]
            if route.prefix.prefixlen == 0:
                problems.append(f"{where} is a default route in isolated zone {names}: it would lead out of the zone")
            elif not any(route.prefix.subnet_of(p) for p in prefixes):
                problems.append(f"{where} leads outside isolated zone {names} ({', '.join(map(str, prefixes))})")
            if not any(route.next_hop in p for p in prefixes):
                problems.append(f"{where}: next hop lies outside isolated zone {names}")
        for zone in foreign_isolated:
            if route.prefix.prefixlen and any(route.prefix.subnet_of(p) for p in zone.prefixes):
                problems.append(f"{where} leads into isolated zone {zone.name}, which the device is not part of")
    return problems


@dataclass(frozen=True)
class Service:
    protocol: str  # tcp, udp, icmp
    port: int | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    from_zone: str | None  # None: any
    to_zone: str | None
    action: str  # permit | deny
    sources: tuple[ipaddress.IPv4Network, ...] = ()  # empty: any
    destinations: tuple[ipaddress.IPv4Network, ...] = ()
    services: tuple[Service, ...] = ()  # empty: any
    description: str | None = None
    flow: str | None = None  # the inventory flow it implements


@dataclass(frozen=True)
class FirewallZone:
    name: str
    priority: int
    interfaces: tuple[str, ...] = field(default=())


LOCAL_ZONE = "local"
MANAGE_RULE = "netops-manage"
DENY_RULE = "deny-all"
_MANAGE_SERVICES = (Service("tcp", 22), Service("udp", 161))


def firewall_zones(inv: Inventory, device: Device) -> list[FirewallZone]:
    """The device's zones with unique priorities and the interfaces bound to each."""
    used = set(_RESERVED_PRIORITIES)
    out = []
    for name in device.zones:
        zone = inv.zones[name]
        priority = _PRIORITY[zone.kind]
        while priority in used:
            priority -= 1
        used.add(priority)
        members = tuple(i.name for i in device.interfaces if device.interface_zone(i) == name and _configured(i))
        out.append(FirewallZone(name, priority, members))
    return out


def _configured(interface) -> bool:
    return bool(interface.addresses or interface.mode or interface.description or not interface.enabled)


def _networks(items) -> tuple[ipaddress.IPv4Network, ...]:
    """Empty means any: a list naming "any" anywhere matches everything."""
    if any(n == "any" for n in items):
        return ()
    return tuple(items)


def firewall_rules(inv: Inventory, device: Device) -> list[Rule]:
    """Management of the firewall itself, every inventory flow between its zones, then deny all."""
    zone = inv.zones[device.zone]
    services = zone.services
    rules: list[Rule] = []
    if services.management:
        rules.append(Rule(MANAGE_RULE, zone.name, LOCAL_ZONE, "permit",
                          sources=tuple(services.management), services=_MANAGE_SERVICES,
                          description=f"netops: SSH and SNMP to the firewall from {zone.name} management"))
    for rule_name, what, hosts, service in (
        ("netops-ntp", "NTP", services.ntp, Service("udp", 123)),
        ("netops-syslog", "syslog", services.syslog, Service("udp", 514)),
        ("netops-snmp-trap", "SNMP traps", services.snmp_collectors, Service("udp", 162)),
    ):
        if hosts:
            rules.append(Rule(rule_name, LOCAL_ZONE, zone.name, "permit",
                              destinations=tuple(ipaddress.IPv4Network(f"{ip}/32") for ip in hosts),
                              services=(service,), description=f"netops: {what} from the firewall to {zone.name}"))
    for flow in inv.flows:
        if flow.from_zone not in device.zones or flow.to_zone not in device.zones:
            continue
        if flow.protocol == "any":
            flow_services: tuple[Service, ...] = ()
        elif flow.protocol == "icmp" or not flow.ports:
            flow_services = (Service(flow.protocol),)
        else:
            flow_services = tuple(Service(flow.protocol, port) for port in flow.ports)
        rules.append(Rule(flow.name, flow.from_zone, flow.to_zone, "permit",
                          sources=_networks(flow.sources), destinations=_networks(flow.destinations),
                          services=flow_services, description=flow.description, flow=flow.name))
    rules.append(Rule(DENY_RULE, None, None, "deny", description="netops: everything not permitted above"))
    return rules
