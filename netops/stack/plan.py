"""One monitoring stack per zone, planned from the inventory. Pure: model in, plan out.

Each zone (and special network) that declares `services.snmp_collectors` gets its own
exporter(s), Prometheus server(s), Alertmanager, webhook relay and trap receiver on those
collectors, and polls only its own devices: a collector that reached two zones would be
the dual-homing the isolation audit forbids. Within a zone, devices are split over shards
by town (or site), never by a hash of the device name, so that per-town aggregates such as
TownVillagesDown are computed over whole towns by exactly one server.

A global view is allowed only where policy allows a path: never out of a physically
isolated zone (the classified intranet), never across a one-way gatekeeper, and otherwise
only where an inventory flow permits the federating Prometheus to reach the other zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address

from netops.errors import NetopsError
from netops.inventory.model import Device, Inventory, Isolation, ZoneKind
from netops.inventory.monitoring_model import MIN_RETRIES, MIN_TIMEOUT_S, ZoneStack, duration_seconds

# Ports on a zone's collector host. The exporter's 9089 is below Prometheus's default port
# allocations (9100-9999 belong to other exporters). Shard K adds K * SHARD_PORT_STEP to the
# exporter's and Prometheus's ports, so shards never meet Alertmanager (9093) or the relay (9095).
PROMETHEUS_PORT = 9090
EXPORTER_PORT = 9089
ALERTMANAGER_PORT = 9093
RELAY_PORT = 9095
SHARD_PORT_STEP = 100


def shard_port(base: int, shard: int) -> int:
    return base + SHARD_PORT_STEP * shard


class PlanError(NetopsError):
    """The inventory asks for a monitoring layout that would cross a zone boundary."""

    exit_code = 2


@dataclass(frozen=True)
class Polling:
    timeout: float
    retries: int


@dataclass
class Shard:
    index: int
    groups: list[str]  # towns (or sites) this shard polls in full
    devices: list[Device] = field(default_factory=list)


@dataclass
class ZonePlan:
    zone: str
    label: str
    collectors: list[IPv4Address]
    stack: ZoneStack
    shards: list[Shard]
    polling: dict[str, Polling]  # device name -> polling
    federate_to: list[str]

    @property
    def collector(self) -> str:
        return str(self.collectors[0])


@dataclass
class Plan:
    zones: list[ZonePlan]
    unmonitored: dict[str, list[str]]  # zone without a collector -> its SNMP devices


def polling_for(inv: Inventory, device: Device) -> Polling:
    """The most specific `monitoring.polling` rule for this device, else snmp_exporter's 5 s x 3."""
    rules = [r for r in inv.monitoring.polling if r.matches(device.zone, device.site, device.role.value)]
    if not rules:
        return Polling(MIN_TIMEOUT_S, MIN_RETRIES)
    best = max(rules, key=lambda r: r.specificity)
    return Polling(duration_seconds(best.timeout), best.retries)


def shard_key(device: Device, shard_by: str) -> str:
    """Town for town gear and villages; the device's own site for the centre."""
    if shard_by == "town" and device.town:
        return device.town
    return device.site


def split_shards(devices: list[Device], stack: ZoneStack) -> list[Shard]:
    """Whole towns (sites) to shards, largest first onto the emptiest: deterministic, balanced."""
    groups: dict[str, list[Device]] = {}
    for device in sorted(devices, key=lambda d: d.name):
        groups.setdefault(shard_key(device, stack.shard_by), []).append(device)
    count = max(1, min(stack.shards, len(groups) or 1))
    shards = [Shard(k, []) for k in range(count)]
    for key in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        target = min(shards, key=lambda s: (len(s.devices), s.index))
        target.groups.append(key)
        target.devices.extend(groups[key])
    for shard in shards:
        shard.groups.sort()
    return shards


def monitored(inv: Inventory, lab: bool = False) -> list[Device]:
    devices = [d for d in inv.devices.values() if d.snmp is not None]
    return [d for d in devices if d.name in inv.lab.snmp] if lab else devices


def monitoring_zone(inv: Inventory, device: Device) -> str:
    """The zone that polls the device: a boundary device (several zones) is polled from the
    zone its management address lies in; otherwise its primary zone."""
    if device.mgmt_address is not None and len(device.zones) > 1:
        for name in device.zones:
            zone = inv.zones.get(name)
            if zone is not None and zone.contains(device.mgmt_address):
                return name
    return device.zone


def _flow_allows(inv: Inventory, from_zone: str, to_zone: str, port: int) -> bool:
    return any(
        f.from_zone == from_zone and f.to_zone == to_zone and f.protocol in ("tcp", "any")
        and (not f.ports or port in f.ports)
        for f in inv.flows
    )


def federation_problems(inv: Inventory) -> list[str]:
    """Every requested global view that would need a path policy does not allow."""
    problems = []
    for stack in inv.monitoring.zones:
        source = inv.zones.get(stack.zone)
        if source is None:
            problems.append(f"monitoring.zones: unknown zone {stack.zone!r}")
            continue
        for target_name in stack.federate_to:
            target = inv.zones.get(target_name)
            path = f"{target_name} Prometheus -> {stack.zone} Prometheus (tcp/{PROMETHEUS_PORT}, /federate)"
            if target is None:
                problems.append(f"monitoring.zones[{stack.zone}].federate_to: unknown zone {target_name!r}")
            elif target_name == stack.zone:
                continue
            elif Isolation.physical in (source.isolation, target.isolation) or ZoneKind.classified in (
                    source.kind, target.kind):
                inner = stack.zone if source.isolation is Isolation.physical else target_name
                problems.append(f"federation needs the path {path}, but zone {inner} is physically isolated:"
                                " its monitoring never leaves it")
            elif Isolation.gatekeeper in (source.isolation, target.isolation):
                inner = stack.zone if source.isolation is Isolation.gatekeeper else target_name
                problems.append(f"federation needs the path {path}, but zone {inner} is reached only through a"
                                " one-way gatekeeper: no monitoring crosses it")
            elif not _flow_allows(inv, target_name, stack.zone, PROMETHEUS_PORT):
                problems.append(f"federation needs the path {path}, and no inventory flow permits"
                                f" {target_name} -> {stack.zone} tcp/{PROMETHEUS_PORT}")
    return problems


def address_problems(inv: Inventory, devices: list[Device], lab: bool) -> list[str]:
    """A device whose management address lies outside its zone could only be polled across zones."""
    if lab:
        return []
    problems = []
    for device in devices:
        name = monitoring_zone(inv, device)
        zone = inv.zones.get(name)
        if zone is None or device.mgmt_address is None or not zone.prefixes:
            continue
        if not zone.contains(device.mgmt_address):
            other = next((z.name for z in inv.zones.values() if z.contains(device.mgmt_address)), "another zone")
            problems.append(f"device {device.name} (zone {name}) has mgmt_address {device.mgmt_address}"
                            f" in {other}: polling it from the {name} collector needs the path"
                            f" {name} -> {other} udp/161")
    return problems


def plan(inv: Inventory, lab: bool = False, zones: list[str] | None = None) -> Plan:
    """The per-zone plan, or PlanError naming every cross-zone path it would need."""
    unknown = [z for z in zones or [] if z not in inv.zones]
    if unknown:
        raise PlanError(f"unknown zone(s): {', '.join(unknown)}; the inventory has: {', '.join(inv.zones)}")
    devices = monitored(inv, lab)
    problems = federation_problems(inv) + address_problems(inv, devices, lab)
    if problems:
        raise PlanError("the monitoring plan would cross zone boundaries:\n  " + "\n  ".join(problems))
    by_zone: dict[str, list[Device]] = {}
    for device in devices:
        by_zone.setdefault(monitoring_zone(inv, device), []).append(device)
    plans, unmonitored = [], {}
    for name, zone in inv.zones.items():
        if zones and name not in zones:
            continue
        members = by_zone.get(name, [])
        if not zone.services.snmp_collectors:
            if members:
                unmonitored[name] = sorted(d.name for d in members)
            continue
        stack = inv.monitoring.stack(name)
        plans.append(ZonePlan(
            zone=name, label=zone.label or name, collectors=list(zone.services.snmp_collectors), stack=stack,
            shards=split_shards(members, stack), polling={d.name: polling_for(inv, d) for d in members},
            federate_to=list(stack.federate_to),
        ))
    return Plan(plans, unmonitored)
