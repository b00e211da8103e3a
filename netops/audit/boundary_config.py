"""Config checks of the Internet boundary: NAT matches the policy, and the IDS gets a copy of the traffic.

Self-contained (its own small readers over the configuration text) so it stays independent of
how the per-platform parsers evolve; registered in config_checks.CHECKS.

- config.boundary-nat: every allowed flow from a private zone to the untrusted side has a
  source-NAT rule; every allowed flow from the untrusted side to a private host has a
  `nat server` (on the declared public address); no `nat server` publishes a host, port or
  protocol that no allowed flow permits. Huawei USG syntax only: other platforms are UNKNOWN.
- config.ids-mirror: the port cabled to an IDS sensor is a mirroring destination, and it
  observes ports that carry the boundary's traffic (ports cabled to the boundary firewall,
  or the firewall's untrusted-side ports).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netops.audit.configs.model import Line, ParsedConfig
from netops.audit.configs.tree import network, parse_tree, walk
from netops.audit.findings import Finding, failed, passed, unknown
from netops.audit.policy import FirewallBoundary, Policy, boundary_flows, untrusted_zone
from netops.audit.zone_rules import ZoneRules
from netops.inventory.model import Device, Inventory, Role

NAT_CHECK = "config.boundary-nat"
MIRROR_CHECK = "config.ids-mirror"


# --- reading NAT (Huawei USG) ------------------------------------------------------------------


@dataclass
class NatRule:
    name: str
    line: Line
    source_zones: list[str] = field(default_factory=list)
    destination_zones: list[str] = field(default_factory=list)
    sources: list[ipaddress.IPv4Network] | None = None  # None: any
    action: str | None = None  # "source-nat easy-ip", "source-nat address-group G", "no-nat", ...
    unresolved: list[str] = field(default_factory=list)  # address sets and other forms not read here


@dataclass
class NatServer:
    name: str
    line: Line
    protocol: str  # tcp/udp/any
    public: ipaddress.IPv4Address | None
    public_port: int | None
    inside: ipaddress.IPv4Address | None
    inside_port: int | None


def _addr(text: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def _port(words: list[str], i: int) -> int | None:
    return int(words[i]) if i < len(words) and words[i].isdigit() else None


def read_nat(text: str) -> tuple[list[NatRule], list[NatServer]]:
    """`nat-policy` rules and `nat server` mappings as a USG prints them."""
    nodes, _ = parse_tree(text)
    rules: list[NatRule] = []
    servers: list[NatServer] = []
    for node in nodes:
        w = node.words
        if w[:2] == ["nat", "server"] and len(w) > 2:
            protocol = w[w.index("protocol") + 1] if "protocol" in w and w.index("protocol") + 1 < len(w) else "any"
            g = w.index("global") if "global" in w else None
            i = w.index("inside") if "inside" in w else None
            servers.append(NatServer(
                w[2] if w[2] not in ("protocol", "global", "zone") else "", node.line, protocol,
                _addr(w[g + 1]) if g is not None and g + 1 < len(w) else None, _port(w, g + 2) if g is not None else None,
                _addr(w[i + 1]) if i is not None and i + 1 < len(w) else None, _port(w, i + 2) if i is not None else None))
        elif w == ["nat-policy"]:
            for child in node.children:
                cw = child.words
                if cw[:2] != ["rule", "name"] or len(cw) < 3:
                    continue
                rule = NatRule(cw[2], child.line)
                for item in child.children:
                    iw = item.words
                    if iw[:1] == ["source-zone"]:
                        rule.source_zones += iw[1:]
                    elif iw[:1] == ["destination-zone"]:
                        rule.destination_zones += iw[1:]
                    elif iw[:1] == ["source-address"] and len(iw) >= 2:
                        mask = iw[3] if len(iw) >= 4 and iw[2] == "mask" else (iw[2] if len(iw) >= 3 else None)
                        net = network(iw[1], mask) if iw[1] != "address-set" else None
                        if net is not None:
                            rule.sources = (rule.sources or []) + [net]
                        else:
                            rule.unresolved.append(f"source-address {' '.join(iw[1:])}")
                    elif iw[:1] == ["action"]:
                        rule.action = " ".join(iw[1:])
                rules.append(rule)
    return rules, servers


# --- reading port mirroring (Huawei VRP, H3C Comware) ------------------------------------------


def read_mirroring(text: str) -> dict[str, set[str]]:
    """Observing/monitor port -> the ports it gets a copy of."""
    nodes, _ = parse_tree(text)
    observe: dict[str, str] = {}  # VRP index -> observing port
    mirrored: dict[str, set[str]] = {}  # VRP index / Comware group -> mirrored ports
    monitor: dict[str, str] = {}  # Comware group -> monitor port
    for node in walk(nodes):
        w = node.words
        if w[:1] == ["observe-port"] and len(w) >= 4 and w[2] == "interface":
            observe[w[1]] = "".join(w[3:])
        elif w[:1] == ["interface"] and len(w) >= 2:
            for child in node.children:
                cw = child.words
                if cw[:3] == ["port-mirroring", "to", "observe-port"] and len(cw) >= 4:
                    mirrored.setdefault(cw[3], set()).add("".join(w[1:]))
        elif w[:1] == ["mirroring-group"] and len(w) >= 4:
            if w[2] == "monitor-port":
                monitor[w[1]] = w[3]
            elif w[2] == "mirroring-port":
                mirrored.setdefault(w[1], set()).update(p for p in w[3:] if p not in ("both", "inbound", "outbound"))
    out: dict[str, set[str]] = {}
    for key, port in list(observe.items()) + list(monitor.items()):
        out.setdefault(port, set()).update(mirrored.get(key, set()))
    return out


# --- checks --------------------------------------------------------------------------------------


def _firewall_zones(d: Device, cfg: ParsedConfig, zone: str) -> set[str]:
    """The configuration's security zones bound to interfaces of this inventory zone."""
    out = set()
    for name, interfaces in cfg.security_zones.items():
        for intf in interfaces:
            i = d.interface(intf) or d.interface(intf.split(".")[0])
            if i is not None and d.interface_zone(i) == zone:
                out.add(name)
    return out


def _is_public(inv: Inventory, zone: str) -> bool:
    z = inv.zones.get(zone)
    return z is not None and z.kind.value == "public"


def _private(nets: list) -> list[ipaddress.IPv4Network | str]:
    return [n for n in nets if n == "any" or (isinstance(n, ipaddress.IPv4Network) and n.is_private)]


def _boundaries(d: Device, policy: Policy) -> list[FirewallBoundary]:
    return [b for b in policy.firewall_boundaries
            if d.name in b.firewalls or (not b.firewalls and d.role is Role.firewall)]


def check_boundary_nat(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    if cfg.platform != "huawei_vrp":
        return unknown(NAT_CHECK, d.name, f"netops reads NAT from Huawei USG configurations only, not {cfg.platform}")
    nat_rules, servers = read_nat(cfg.source_text)
    bad, ok, unsure = [], [], []
    published_ok: set[int] = set()
    for b in _boundaries(d, policy):
        outside = untrusted_zone(b, inv)
        outside_fz = _firewall_zones(d, cfg, outside)
        for flow in boundary_flows(b, inv):
            if flow.to_zone == outside and not _is_public(inv, flow.from_zone) and _private(flow.sources):
                inside_fz = _firewall_zones(d, cfg, flow.from_zone)
                needed = _private(flow.sources)
                candidates = [r for r in nat_rules if (r.action or "").startswith("source-nat")
                              and (not r.source_zones or set(r.source_zones) & inside_fz)
                              and (not r.destination_zones or set(r.destination_zones) & outside_fz)]
                rule = next((r for r in candidates if not r.unresolved and all(
                    r.sources is None or (n != "any" and any(n.subnet_of(s) for s in r.sources)) for n in needed)),
                    None)
                if rule is None and any(r.unresolved for r in candidates):
                    unsure.append(f"flow {flow.name}: source-NAT rule(s) "
                                  f"{', '.join(r.name for r in candidates if r.unresolved)} use "
                                  f"{'; '.join(u for r in candidates for u in r.unresolved)}, not read here")
                elif rule is None:
                    bad.append(f"flow {flow.name} ({flow.from_zone} -> {outside}, private sources "
                               f"{', '.join(map(str, needed))}) has no source-NAT rule: return traffic never arrives")
                else:
                    ok.append(f"{rule.line}: source NAT for flow {flow.name}")
            if flow.from_zone == outside and not _is_public(inv, flow.to_zone):
                hosts = [n for n in _private(flow.destinations) if n != "any"]
                public = getattr(flow, "public_address", None)
                for host in hosts:
                    for port in flow.ports or [None]:
                        match = [k for k, s in enumerate(servers) if s.inside is not None and s.inside in host
                                 and (port is None or s.inside_port in (None, port))
                                 and s.protocol in ("any", flow.protocol)]
                        if not match:
                            bad.append(f"flow {flow.name} ({outside} -> {host}{f':{port}' if port else ''}) has no "
                                       "nat server: the service has no public address")
                            continue
                        for k in match:
                            s = servers[k]
                            if public is not None and s.public != public:
                                bad.append(f"{s.line}: publishes flow {flow.name} on {s.public}, the inventory "
                                           f"declares {public}")
                            else:
                                ok.append(f"{s.line}: publishes flow {flow.name}")
                            published_ok.add(k)
    for k, s in enumerate(servers):
        if k not in published_ok:
            bad.append(f"{s.line}: publishes {s.inside}{f':{s.inside_port}' if s.inside_port else ''}/{s.protocol}, "
                       "which no allowed flow from the untrusted side permits")
    if bad:
        return failed(NAT_CHECK, d.name, f"{len(bad)} NAT problem(s) at the boundary", evidence=bad + unsure + ok)
    if unsure:
        return unknown(NAT_CHECK, d.name, "some NAT rules could not be read", evidence=unsure + ok)
    return passed(NAT_CHECK, d.name, f"{len(ok)} NAT mapping(s), each matching an allowed flow" if ok
                  else "no flow through this firewall needs NAT", evidence=ok)


def sensor_ports(inv: Inventory, policy: Policy, links: list | None = None) -> dict[str, list[tuple[str, str]]]:
    """Device -> (its port, IDS) for each cable (of `links`, default all) to an address-less interface
    of a boundary's IDS: one pass over the cables for the whole network."""
    ids_names = {n for b in policy.firewall_boundaries for n in b.ids}
    out: dict[str, list[tuple[str, str]]] = {}
    for link in inv.links if links is None else links:
        for mine, other in ((link.a, link.b), (link.b, link.a)):
            peer = inv.devices.get(other.device)
            if peer is None or peer.role is not Role.ids:
                continue
            if ids_names and peer.name not in ids_names:
                continue
            port = peer.interface(other.interface)
            if port is None or not port.addresses:
                out.setdefault(mine.device, []).append((mine.interface, peer.name))
    return out


def _sensor_ports(d: Device, inv: Inventory, policy: Policy) -> list[tuple[str, str]]:
    return sensor_ports(inv, policy, inv.links_of(d.name)).get(d.name, [])


def ids_mirror_applies(d: Device, inv: Inventory, policy: Policy) -> bool:
    return bool(_sensor_ports(d, inv, policy))


def _boundary_ports(d: Device, inv: Inventory, policy: Policy) -> set[str]:
    """Ports of d whose traffic is the boundary's: cabled to a boundary firewall, or its untrusted side."""
    firewalls = {f for b in policy.firewall_boundaries for f in b.firewalls} or {
        x.name for x in inv.devices.values() if x.role is Role.firewall}
    ports = set()
    for link in inv.links_of(d.name):
        for mine, other in ((link.a, link.b), (link.b, link.a)):
            if mine.device == d.name and other.device in firewalls:
                ports.add(mine.interface)
    if d.name in firewalls:
        outside = {untrusted_zone(b, inv) for b in _boundaries(d, policy)}
        ports |= {i.name for i in d.interfaces if d.interface_zone(i) in outside}
    return ports


def check_ids_mirror(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    mirrors = read_mirroring(cfg.source_text)
    boundary = _boundary_ports(d, inv, policy)
    bad, ok = [], []
    for port, ids in _sensor_ports(d, inv, policy):
        sources = mirrors.get(port)
        if not sources:
            bad.append(f"{port} is cabled to the sensor of {ids} but is no mirroring destination: the IDS sees nothing")
        elif not sources & boundary:
            bad.append(f"{port} ({ids}) observes {', '.join(sorted(sources))}, none of which carries boundary "
                       f"traffic ({', '.join(sorted(boundary)) or 'no port cabled to the firewall'})")
        else:
            ok.append(f"{port} ({ids}) observes {', '.join(sorted(sources & boundary))}")
    if bad:
        return failed(MIRROR_CHECK, d.name, "the IDS does not get the boundary's traffic", evidence=bad + ok)
    return passed(MIRROR_CHECK, d.name, "the IDS sensor port observes the boundary's traffic", evidence=ok)
