"""Layer 3, live state: what the devices report over SNMP, checked against the cables and zones.

Pure functions over (Inventory, Policy, gathered evidence). LLDP neighbours must be declared
cables, and an undeclared adjacency that crosses zones is an isolation breach; the ARP and
routing tables of isolated devices must hold nothing of the zones they must never reach.
An empty or failed table is UNKNOWN: it shows nothing, so it proves nothing.
"""

from __future__ import annotations

import ipaddress
import re

from netops.audit.findings import Finding, failed, passed, unknown
from netops.audit.mibs import LldpNeighbour, live_routes, lldp_neighbours, local_ports, neighbour_addresses, text
from netops.audit.policy import Policy
from netops.audit.walk import (
    IF_NAME, INET_CIDR_ROUTE_IF, IP_CIDR_ROUTE_IF, IP_NET_TO_MEDIA, IP_NET_TO_PHYS, IP_ROUTE_NEXT_HOP,
    LLDP_LOC_PORT, LLDP_REM, LLDP_REM_MAN, SYS_NAME, DeviceEvidence,
)
from netops.audit.zone_rules import ZoneRules
from netops.inventory.model import Device, Inventory, Platform

LIVE_PLATFORMS = {Platform.huawei_vrp, Platform.hp_comware, Platform.cisco_ios, Platform.frr, Platform.linux}

_ABBREVIATIONS = {"ge": "gigabitethernet", "gi": "gigabitethernet", "xge": "xgigabitethernet",
                  "te": "tengigabitethernet", "fa": "fastethernet", "eth": "ethernet",
                  "tengigabitethernet": "tengigabitethernet", "10ge": "10ge"}
_PORT = re.compile(r"^([a-z]+)(.*)$")


def port_key(name: str) -> str:
    """Compare port names the way LLDP and inventories spell them (GE0/0/1, Ten-GigabitEthernet1/0/1)."""
    key = name.lower().replace("-", "").replace(" ", "").replace("_", "")
    m = _PORT.match(key)
    if m and m.group(1) in _ABBREVIATIONS and m.group(2)[:1].isdigit():
        key = _ABBREVIATIONS[m.group(1)] + m.group(2)
    return key


def live_targets(inv: Inventory) -> list[Device]:
    """Devices that speak LLDP and SNMP with routing and ARP tables (not UPS cards or sensors)."""
    return [d for d in inv.devices.values() if d.platform in LIVE_PLATFORMS]


class _Cables:
    """Declared cables by device, with port keys for matching LLDP's spelling."""

    def __init__(self, inv: Inventory):
        self.by_device: dict[str, list[tuple[str, str, str]]] = {}  # device -> (port, peer, peer port)
        for link in inv.links:
            for x, y in ((link.a, link.b), (link.b, link.a)):
                self.by_device.setdefault(x.device, []).append((x.interface, y.device, y.interface))
        self.mgmt: dict[ipaddress.IPv4Address, str] = {}
        for d in inv.devices.values():
            if d.mgmt_address is not None:
                self.mgmt.setdefault(d.mgmt_address, d.name)
            for intf in d.interfaces:
                for a in intf.addresses:
                    self.mgmt.setdefault(a.ip, d.name)
        self.names = {name.lower(): name for name in inv.devices}


def _resolve(n: LldpNeighbour, cables: _Cables) -> str | None:
    if n.sys_name:
        name = n.sys_name.strip().lower()
        for candidate in (name, name.split(".")[0]):
            if candidate in cables.names:
                return cables.names[candidate]
    for ip in n.mgmt_addresses:
        if ip in cables.mgmt:
            return cables.mgmt[ip]
    return None


def _zones_at(inv: Inventory, device: str, port: str | None) -> list[str]:
    d = inv.devices.get(device)
    if d is None:
        return []
    if port:
        key = port_key(port)
        for intf in d.interfaces:
            if port_key(intf.name) == key:
                zone = d.interface_zone(intf)
                if zone is not None:
                    return [zone]
    return list(d.zones)


def check_lldp(d: Device, ev: DeviceEvidence, inv: Inventory, rules: ZoneRules, cables: _Cables) -> list[Finding]:
    crossing_check, declared_check = "live.lldp-zone-crossing", "live.lldp-declared"
    where = dict(observed_at=ev.collected_at, source=ev.file or ev.source)
    if LLDP_REM in ev.errors:
        reason = f"LLDP neighbour table not read: {ev.errors[LLDP_REM]}"
        return [unknown(crossing_check, d.name, reason, **where), unknown(declared_check, d.name, reason, **where)]
    ports = local_ports(ev.walks.get(LLDP_LOC_PORT, []), ev.walks.get(IF_NAME))
    neighbours = lldp_neighbours(ev.walks.get(LLDP_REM, []), ev.walks.get(LLDP_REM_MAN), ports)
    declared = cables.by_device.get(d.name, [])
    if not neighbours:
        if declared:
            reason = (f"LLDP shows no neighbour although {len(declared)} cable(s) are declared: LLDP may be "
                      "disabled, so adjacencies were not seen")
            return [unknown(crossing_check, d.name, reason, **where), unknown(declared_check, d.name, reason, **where)]
        msg = "no cable declared and LLDP shows no neighbour"
        return [passed(crossing_check, d.name, msg, **where), passed(declared_check, d.name, msg, **where)]
    crossing, undeclared, matched = [], [], []
    seen_cables: set[tuple[str, str, str]] = set()
    for n in neighbours:
        peer = _resolve(n, cables)
        local_key = port_key(n.local_port) if n.local_port else None
        candidates = [c for c in declared if (local_key is None or port_key(c[0]) == local_key)]
        match = next((c for c in candidates if c[1] == peer and (not n.port or port_key(c[2]) == port_key(n.port))),
                     None)
        if match is None and peer is not None:
            match = next((c for c in candidates if c[1] == peer), None)
        line = n.describe() + (f" = {peer}" if peer and peer != n.sys_name else "")
        if match is not None:
            seen_cables.add(match)
            matched.append(f"{line}: declared cable {d.name}:{match[0]} -- {match[1]}:{match[2]}")
            continue
        undeclared.append(f"{line}: no such cable is declared")
        local_zones = _zones_at(inv, d.name, n.local_port)
        if peer is not None:
            remote_zones = _zones_at(inv, peer, n.port)
        else:
            remote_zones = sorted({z for ip in n.mgmt_addresses if (z := rules.zone_of_address(ip))})
        if remote_zones and not set(remote_zones) & set(local_zones):
            crossing.append(f"{line}: undeclared adjacency {'/'.join(local_zones)} -> {'/'.join(remote_zones)}")
        elif not remote_zones and rules.isolated(local_zones):
            crossing.append(f"{line}: undeclared device of unknown zone on {'/'.join(local_zones)} "
                            "(an isolated zone)")
    missing = [f"declared cable {d.name}:{c[0]} -- {c[1]}:{c[2]} not seen by LLDP (peer may not run LLDP)"
               for c in declared if c not in seen_cables]
    evidence = crossing + undeclared + matched + missing
    out = []
    if crossing:
        out.append(failed(crossing_check, d.name, f"{len(crossing)} undeclared adjacency(ies) cross zones",
                          evidence=evidence, **where))
    else:
        out.append(passed(crossing_check, d.name, f"{len(neighbours)} LLDP neighbour(s), none crossing zones "
                                                 "undeclared", evidence=evidence, **where))
    if undeclared:
        out.append(failed(declared_check, d.name, f"{len(undeclared)} LLDP neighbour(s) are not declared cables",
                          evidence=evidence, **where))
    else:
        out.append(passed(declared_check, d.name, f"{len(matched)} LLDP neighbour(s), each a declared cable",
                          evidence=evidence, **where))
    return out


def check_arp(d: Device, ev: DeviceEvidence, zones: list[str], rules: ZoneRules) -> Finding:
    check = "live.arp-isolation"
    where = dict(observed_at=ev.collected_at, source=ev.file or ev.source)
    tables = [t for t in (IP_NET_TO_PHYS, IP_NET_TO_MEDIA) if t in ev.walks]
    if not tables:
        errors = "; ".join(ev.errors.get(t, "not walked") for t in (IP_NET_TO_PHYS, IP_NET_TO_MEDIA))
        return unknown(check, d.name, f"ARP/neighbour tables not read: {errors}", **where)
    entries = neighbour_addresses(ev.walks.get(IP_NET_TO_PHYS), ev.walks.get(IP_NET_TO_MEDIA))
    if not entries:
        return unknown(check, d.name, "the ARP/neighbour tables are empty: no neighbour was seen", **where)
    bad = [f"ifIndex {idx}: {problem}" for ip, idx in entries if (problem := rules.address_problem(zones, ip))]
    if bad:
        return failed(check, d.name, f"{len(bad)} neighbour address(es) of zones '{'/'.join(zones)}' must never "
                                     "reach", evidence=bad, **where)
    return passed(check, d.name, f"{len(entries)} neighbour address(es), all allowed",
                  evidence=[f"{ip} (ifIndex {idx})" for ip, idx in entries[:30]], **where)


def check_routes(d: Device, ev: DeviceEvidence, zones: list[str], rules: ZoneRules) -> Finding:
    check = "live.route-isolation"
    where = dict(observed_at=ev.collected_at, source=ev.file or ev.source)
    routes, table = live_routes(ev.walks)
    if table is None:
        tried = (INET_CIDR_ROUTE_IF, IP_CIDR_ROUTE_IF, IP_ROUTE_NEXT_HOP)
        reasons = "; ".join(f"{t}: {ev.errors.get(t, 'empty' if t in ev.walks else 'not walked')}" for t in tried)
        return unknown(check, d.name, f"no routing table read ({reasons})", **where)
    bad = [f"{r}: {problem}" for r in routes if (problem := rules.route_problem(zones, r.prefix, r.next_hop))]
    if bad:
        return failed(check, d.name, f"{len(bad)} route(s) lead out of zone '{'/'.join(zones)}'", evidence=bad,
                      **where)
    return passed(check, d.name, f"{len(routes)} route(s) in {table}, none leading out of '{'/'.join(zones)}'",
                  evidence=[str(r) for r in routes[:30]], **where)


def audit_live(inv: Inventory, policy: Policy, rules: ZoneRules, evidence: dict[str, DeviceEvidence]) -> list[Finding]:
    cables = _Cables(inv)
    findings: list[Finding] = []
    for d in live_targets(inv):
        zones = list(dict.fromkeys(list(d.zones) + [i.zone for i in d.interfaces if i.zone]))
        isolated = rules.isolated(zones)
        checks = ["live.lldp-zone-crossing", "live.lldp-declared"] + (
            ["live.arp-isolation", "live.route-isolation"] if isolated else [])
        ev = evidence.get(d.name)
        if ev is None or not ev.walks:
            reason = next(iter(ev.errors.values()), "nothing was returned")[:500] if ev else "no evidence gathered"
            where = dict(observed_at=ev.collected_at, source=ev.file or ev.source) if ev else {}
            findings.append(unknown("live.evidence", d.name, f"no SNMP evidence: {reason}", **where))
            findings += [unknown(c, d.name, f"no SNMP evidence: {reason}", **where) for c in checks]
            continue
        sys_name = text(ev.walks[SYS_NAME][0][1]) if ev.walks.get(SYS_NAME) else "?"
        tables = sum(1 for rows in ev.walks.values() if rows)
        findings.append(passed("live.evidence", d.name, f"{tables} table(s) read from {ev.source}",
                               evidence=[f"sysName {sys_name}", f"sha256 {ev.digest()}"]
                               + [f"{root}: {err}" for root, err in sorted(ev.errors.items())],
                               observed_at=ev.collected_at, source=ev.file or ev.source))
        findings += check_lldp(d, ev, inv, rules, cables)
        if isolated:
            findings.append(check_arp(d, ev, zones, rules))
            findings.append(check_routes(d, ev, zones, rules))
    return findings
