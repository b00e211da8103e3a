"""LLDP-MIB, IP-MIB and IP-FORWARD-MIB tables from numeric walks (no MIB files needed).

Row indexes carry the data here: the neighbour's management address, the ARP entry's IP
and the route's prefix and next hop are all in the OID, not the value.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from netops.audit.walk import (
    IF_NAME, INET_CIDR_ROUTE_IF, IP_CIDR_ROUTE_IF, IP_NET_TO_MEDIA, IP_NET_TO_PHYS, IP_ROUTE_MASK,
    IP_ROUTE_NEXT_HOP, LLDP_LOC_PORT, LLDP_REM, LLDP_REM_MAN, Row,
)

# LLDP port id subtypes whose value is a name (interfaceAlias 1, interfaceName 5, local 7)
_NAMED_PORT = {1, 5, 7}


def _suffix(oid: str, root: str) -> list[int]:
    return [int(p) for p in oid[len(root) + 1:].split(".") if p]


def text(value: Any) -> str:
    if isinstance(value, bytes):
        try:
            decoded = value.decode("utf-8")
            if decoded.isprintable():
                return decoded
        except UnicodeDecodeError:
            pass
        return ":".join(f"{b:02x}" for b in value)
    return str(value)


@dataclass
class LldpNeighbour:
    local_port_num: int
    local_port: str | None = None
    sys_name: str | None = None
    port_id: str | None = None
    port_subtype: int | None = None
    port_desc: str | None = None
    chassis_id: str | None = None
    mgmt_addresses: list[ipaddress.IPv4Address] = field(default_factory=list)

    @property
    def port(self) -> str | None:
        """The remote port's name: its id when the id is a name, else its description."""
        if self.port_subtype in _NAMED_PORT and self.port_id:
            return self.port_id
        return self.port_desc or self.port_id

    def describe(self) -> str:
        addresses = ",".join(map(str, self.mgmt_addresses))
        return (f"{self.local_port or f'port {self.local_port_num}'} sees '{self.sys_name or '?'}' port "
                f"{self.port or '?'}" + (f" mgmt {addresses}" if addresses else ""))


def local_ports(loc_rows: list[Row], ifname_rows: list[Row] | None) -> dict[int, str]:
    """lldpLocPortNum -> port name (lldpLocPortId when it is a name, else lldpLocPortDesc, else ifName)."""
    cols: dict[int, dict[int, Any]] = {}
    for oid, value in loc_rows:
        idx = _suffix(oid, LLDP_LOC_PORT)
        if len(idx) == 2:
            cols.setdefault(idx[1], {})[idx[0]] = value
    ifnames = {}
    for oid, value in ifname_rows or []:
        idx = _suffix(oid, IF_NAME)
        if len(idx) == 1:
            ifnames[idx[0]] = text(value)
    out: dict[int, str] = {}
    for num, c in cols.items():
        subtype, port_id, desc = c.get(2), c.get(3), c.get(4)
        if subtype in _NAMED_PORT and port_id:
            out[num] = text(port_id)
        elif desc:
            out[num] = text(desc)
        elif num in ifnames:
            out[num] = ifnames[num]
    for num, name in ifnames.items():
        out.setdefault(num, name)
    return out


def lldp_neighbours(rem_rows: list[Row], man_rows: list[Row] | None, ports: dict[int, str]) -> list[LldpNeighbour]:
    """lldpRemTable rows (index timeMark.localPortNum.remIndex) with lldpRemManAddrTable addresses."""
    found: dict[tuple[int, int, int], LldpNeighbour] = {}
    for oid, value in rem_rows:
        idx = _suffix(oid, LLDP_REM)
        if len(idx) != 4:
            continue
        col, key = idx[0], (idx[1], idx[2], idx[3])
        n = found.setdefault(key, LldpNeighbour(idx[2], ports.get(idx[2])))
        if col == 5:
            n.chassis_id = text(value)
        elif col == 6:
            n.port_subtype = int(value) if isinstance(value, int) else None
        elif col == 7:
            n.port_id = text(value)
        elif col == 8:
            n.port_desc = text(value) or None
        elif col == 9:
            n.sys_name = text(value) or None
    for oid, _ in man_rows or []:
        idx = _suffix(oid, LLDP_REM_MAN)
        # col, timeMark, localPort, remIndex, addrSubtype, addrLen, addr...
        if len(idx) >= 10 and idx[4] == 1 and idx[5] == 4:
            key = (idx[1], idx[2], idx[3])
            ip = ipaddress.IPv4Address(bytes(idx[6:10]))
            n = found.setdefault(key, LldpNeighbour(idx[2], ports.get(idx[2])))
            if ip not in n.mgmt_addresses:
                n.mgmt_addresses.append(ip)
    return [found[k] for k in sorted(found)]


def neighbour_addresses(phys_rows: list[Row] | None, media_rows: list[Row] | None) -> list[tuple[ipaddress.IPv4Address, int]]:
    """IPv4 neighbours (address, ifIndex) from ipNetToPhysicalTable and ipNetToMediaTable."""
    seen: dict[ipaddress.IPv4Address, int] = {}
    for oid, _ in phys_rows or []:
        idx = _suffix(oid, IP_NET_TO_PHYS)  # ifIndex.addrType.len.addr
        if len(idx) >= 7 and idx[1] == 1 and idx[2] == 4:
            seen.setdefault(ipaddress.IPv4Address(bytes(idx[3:7])), idx[0])
    for oid, _ in media_rows or []:
        idx = _suffix(oid, IP_NET_TO_MEDIA)  # ifIndex.addr
        if len(idx) == 5:
            seen.setdefault(ipaddress.IPv4Address(bytes(idx[1:5])), idx[0])
    return sorted(seen.items())


@dataclass(frozen=True)
class LiveRoute:
    prefix: ipaddress.IPv4Network
    next_hop: ipaddress.IPv4Address | None
    table: str

    def __str__(self) -> str:
        via = f" via {self.next_hop}" if self.next_hop and not self.next_hop.is_unspecified else " connected"
        return f"{self.prefix}{via} ({self.table})"


def _inet_cidr(rows: list[Row]) -> list[LiveRoute]:
    out = []
    for oid, _ in rows:
        idx = _suffix(oid, INET_CIDR_ROUTE_IF)
        # destType.len.dest.pfxLen.policyLen.policy....nhType.len.nh
        try:
            if idx[0] != 1 or idx[1] != 4:
                continue
            dest = bytes(idx[2:6])
            plen = idx[6]
            pol_len = idx[7]
            pos = 8 + pol_len
            nh_type, nh_len = idx[pos], idx[pos + 1]
            nh = ipaddress.IPv4Address(bytes(idx[pos + 2: pos + 6])) if nh_type == 1 and nh_len == 4 else None
            net = ipaddress.IPv4Network((ipaddress.IPv4Address(dest), plen), strict=False)
        except (IndexError, ValueError):
            continue
        out.append(LiveRoute(net, nh, "inetCidrRouteTable"))
    return out


def _ip_cidr(rows: list[Row]) -> list[LiveRoute]:
    out = []
    for oid, _ in rows:
        idx = _suffix(oid, IP_CIDR_ROUTE_IF)  # dest(4).mask(4).tos.nexthop(4)
        if len(idx) != 13:
            continue
        try:
            net = ipaddress.IPv4Network(f"{ipaddress.IPv4Address(bytes(idx[0:4]))}/"
                                        f"{ipaddress.IPv4Address(bytes(idx[4:8]))}", strict=False)
        except ValueError:
            continue
        out.append(LiveRoute(net, ipaddress.IPv4Address(bytes(idx[9:13])), "ipCidrRouteTable"))
    return out


def _ip_route(next_hops: list[Row], masks: list[Row]) -> list[LiveRoute]:
    mask_of = {oid[len(IP_ROUTE_MASK) + 1:]: str(v) for oid, v in masks}
    out = []
    for oid, value in next_hops:
        dest = oid[len(IP_ROUTE_NEXT_HOP) + 1:]
        try:
            net = ipaddress.IPv4Network(f"{dest}/{mask_of.get(dest, '255.255.255.255')}", strict=False)
            nh = ipaddress.IPv4Address(str(value))
        except ValueError:
            continue
        out.append(LiveRoute(net, nh, "ipRouteTable"))
    return out


def live_routes(walks: dict[str, list[Row]]) -> tuple[list[LiveRoute], str | None]:
    """Routes from the newest table the agent fills: inetCidrRouteTable, ipCidrRouteTable, ipRouteTable."""
    if walks.get(INET_CIDR_ROUTE_IF):
        return _inet_cidr(walks[INET_CIDR_ROUTE_IF]), "inetCidrRouteTable"
    if walks.get(IP_CIDR_ROUTE_IF):
        return _ip_cidr(walks[IP_CIDR_ROUTE_IF]), "ipCidrRouteTable"
    if walks.get(IP_ROUTE_NEXT_HOP):
        return _ip_route(walks[IP_ROUTE_NEXT_HOP], walks.get(IP_ROUTE_MASK, [])), "ipRouteTable"
    return [], None
