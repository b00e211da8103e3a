"""What the Internet boundary needs beyond the security policy: NAT, published services, IDS mirroring.

Pure functions over the model. A flow from a private zone to a public zone through a firewall
gets source NAT (easy-ip on the outside interface, or a pool from the firewall's public block);
a flow from a public zone that names `public_address` publishes its one destination host there
(`nat server`). A router of the public zone that shares a subnet with the firewall routes the
public block to it. A port cabled to an IDS's address-less (monitoring) interface observes a
copy of the traffic of the device's public-side interfaces (or, on a switch, of the ports
cabled to a firewall).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netops.inventory.model import Device, Endpoint, Flow, Inventory, Role, ZoneKind

# device name -> (this device's port, the far end) for every cable: built once per inventory
LinkIndex = dict[str, list[tuple[str, Endpoint]]]


def link_index(inv: Inventory) -> LinkIndex:
    """Cables by device, so per-device questions do not scan every cable (10,000 devices)."""
    index: LinkIndex = {}
    for link in inv.links:
        index.setdefault(link.a.device, []).append((link.a.interface, link.b))
        index.setdefault(link.b.device, []).append((link.b.interface, link.a))
    return index


@dataclass(frozen=True)
class SourceNat:
    name: str
    from_zone: str
    to_zone: str
    sources: tuple[ipaddress.IPv4Network, ...]  # empty: any
    egress: str | None  # the firewall's interface in the public zone


@dataclass(frozen=True)
class PublishedService:
    name: str
    zone: str  # the public zone the service is reached from
    protocol: str
    public: ipaddress.IPv4Address
    inside: ipaddress.IPv4Address
    port: int | None


@dataclass(frozen=True)
class Mirror:
    sources: tuple[str, ...]  # mirrored interfaces
    observe: str  # the port cabled to the IDS
    ids: str


def is_public(inv: Inventory, zone: str) -> bool:
    z = inv.zones.get(zone)
    return z is not None and z.kind is ZoneKind.public


def _private(net: ipaddress.IPv4Network | str) -> bool:
    return net == "any" or (isinstance(net, ipaddress.IPv4Network) and net.is_private)


def _zone_interface(device: Device, zone: str) -> str | None:
    for i in device.interfaces:
        if i.addresses and device.interface_zone(i) == zone:
            return i.name
    return None


def _crosses(device: Device, flow: Flow) -> bool:
    return flow.from_zone in device.zones and flow.to_zone in device.zones


def source_nat(inv: Inventory, device: Device) -> list[SourceNat]:
    """Flows from private addresses to a public zone through this firewall."""
    if device.role is not Role.firewall:
        return []
    out = []
    for flow in inv.flows:
        if not _crosses(device, flow) or is_public(inv, flow.from_zone) or not is_public(inv, flow.to_zone):
            continue
        if not any(_private(n) for n in flow.sources):
            continue
        sources = () if "any" in flow.sources else tuple(n for n in flow.sources if isinstance(n, ipaddress.IPv4Network))
        out.append(SourceNat(flow.name, flow.from_zone, flow.to_zone, sources, _zone_interface(device, flow.to_zone)))
    return out


def published(inv: Inventory, device: Device) -> list[PublishedService]:
    """Flows from a public zone that publish a host on a public address of this firewall."""
    if device.role is not Role.firewall or device.nat is None:
        return []
    out = []
    for flow in inv.flows:
        if flow.public_address is None or not _crosses(device, flow) or not is_public(inv, flow.from_zone):
            continue
        if flow.public_address not in device.nat.public:
            continue
        inside = flow.destinations[0]
        if not isinstance(inside, ipaddress.IPv4Network):
            continue
        for port in flow.ports or [None]:
            name = flow.name if len(flow.ports) <= 1 else f"{flow.name}-{port}"
            out.append(PublishedService(name, flow.from_zone, flow.protocol, flow.public_address,
                                        inside.network_address, port))
    return out


def nat_routes(inv: Inventory, device: Device) -> list[tuple[ipaddress.IPv4Network, ipaddress.IPv4Address, str]]:
    """(public block, next hop, firewall): routes a public-zone router needs toward NAT firewalls."""
    if device.role is Role.firewall or not any(is_public(inv, z) for z in device.zones):
        return []
    mine = [a for i in device.interfaces for a in i.addresses]
    out = []
    for fw in inv.devices.values():
        if fw.nat is None or fw.role is not Role.firewall:
            continue
        for i in fw.interfaces:
            if not is_public(inv, fw.interface_zone(i) or ""):
                continue
            hop = next((a.ip for a in i.addresses if any(a.ip in m.network and a.ip != m.ip for m in mine)), None)
            if hop is not None:
                out.append((fw.nat.public, hop, fw.name))
                break
    return out


def mirrors(inv: Inventory, device: Device, links: LinkIndex | None = None) -> list[Mirror]:
    """Ports of this device cabled to an IDS monitoring interface, with what they observe."""
    cables = (links if links is not None else link_index(inv)).get(device.name, [])
    out = []
    for port, other in cables:
        peer = inv.devices.get(other.device)
        if peer is None or peer.role is not Role.ids:
            continue
        peer_port = peer.interface(other.interface)
        if peer_port is not None and peer_port.addresses:
            continue  # the IDS's own management port, not its sensor
        sources = _mirrored(inv, device, port, cables)
        if sources:
            out.append(Mirror(tuple(sources), port, peer.name))
    return out


def _mirrored(inv: Inventory, device: Device, observe: str, cables: list[tuple[str, Endpoint]]) -> list[str]:
    if device.role is Role.firewall:
        return [i.name for i in device.interfaces
                if i.name != observe and i.addresses and is_public(inv, device.interface_zone(i) or "")]
    ports = []
    for port, other in cables:
        fw = inv.devices.get(other.device)
        if fw is not None and fw.role is Role.firewall and port != observe \
                and other.interface != fw.mgmt_interface:  # the firewall's data ports, not its management
            ports.append(port)
    return sorted(set(ports))
