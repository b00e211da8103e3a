"""Huawei VRP (S-series switches, AR routers) and USG firewalls: `security-policy` rules,
`firewall zone` bindings and `ip address-set` / `ip service-set` objects."""

from __future__ import annotations

import ipaddress

from netops.audit.configs import vrp_family
from netops.audit.configs.blocks import VRP, place, stop_here
from netops.audit.configs.model import ParsedConfig, PolicyRule, Service
from netops.audit.configs.tree import Node, ipv4, network, parse_tree

# USG predefined services (the ones an e-government boundary policy uses)
PREDEFINED = {
    "http": [Service("tcp", (80,))], "https": [Service("tcp", (443,))], "ssh": [Service("tcp", (22,))],
    "telnet": [Service("tcp", (23,))], "ftp": [Service("tcp", (21,))], "smtp": [Service("tcp", (25,))],
    "pop3": [Service("tcp", (110,))], "imap": [Service("tcp", (143,))],
    "dns": [Service("udp", (53,)), Service("tcp", (53,))], "ntp": [Service("udp", (123,))],
    "snmp": [Service("udp", (161,))], "syslog": [Service("udp", (514,))],
    "icmp": [Service("icmp")], "ping": [Service("icmp")], "any": [],
}
_ZONE_ALIASES = ("trust", "untrust", "dmz", "local")
_RULE_WORDS = {"source-zone", "destination-zone", "source-address", "destination-address", "action"}
_FIREWALL_HEADS = frozenset({"firewall", "ip", "security-policy", "rule", "add"} | _RULE_WORDS)


def parse(text: str) -> ParsedConfig:
    nodes, count = parse_tree(text)
    placed = place(nodes, VRP)
    nodes, notes = placed.nodes, placed.notes
    config = ParsedConfig("huawei_vrp", lines=count, relocated=notes)
    stop_here(config, placed)
    firewall = vrp_family.globals_(nodes, config, ("user-interface vty",), collect=_FIREWALL_HEADS)
    vrp_family.default_v3(config.snmp)
    _firewall(firewall, config)
    if "nat" in text:
        vrp_family.nat(nodes, config)
    return config


def _firewall(nodes: list[Node], config: ParsedConfig) -> None:
    """Zones, address and service sets, and security policies, from the lines whose first word is
    in _FIREWALL_HEADS (the others are passed over)."""
    address_sets: dict[str, list[ipaddress.IPv4Network] | None] = {}
    service_sets: dict[str, list[Service] | None] = {}
    policies: list[Node] = []
    for node in nodes:
        w = node.words
        if w[0] not in _FIREWALL_HEADS:
            continue  # hot path: most lines of a switch are not firewall lines
        if w[:2] == ["firewall", "zone"] and len(w) >= 3:
            name = w[3] if w[2] == "name" and len(w) >= 4 else w[2]
            zone = config.security_zones.setdefault(name, [])
            zone += [c.words[2] for c in node.children if c.words[:2] == ["add", "interface"] and len(c.words) > 2]
        elif w[:2] == ["ip", "address-set"] and len(w) >= 3:
            address_sets[w[2]] = _address_set(node.children)
        elif w[:2] == ["ip", "service-set"] and len(w) >= 3:
            service_sets[w[2]] = _service_set(node.children)
        elif w == ["security-policy"]:
            policies.append(node)  # several blocks add up, as on the device
        elif w[0] in _RULE_WORDS or w[:2] in (["rule", "name"], ["add", "interface"]):
            config.cannot_place("firewall", node.line, "a firewall rule or zone line outside any policy or zone")
    if not policies:
        return
    config.rules = []
    for child in (c for policy in policies for c in policy.children):
        cw = child.words
        if cw[:2] == ["rule", "name"] and len(cw) >= 3:
            config.rules.append(_rule(child, address_sets, service_sets))
        elif cw[:2] == ["default", "action"] and len(cw) >= 3:
            config.default_action = (cw[2], child.line)


def _address_set(children: list[Node]) -> list[ipaddress.IPv4Network] | None:
    """`address 0 10.20.0.0 mask 16`, `address 1 10.20.0.20 0`, `address 2 range A B`."""
    out: list[ipaddress.IPv4Network] = []
    for child in children:
        w = child.words
        if w[:1] != ["address"]:
            continue
        rest = w[2:] if len(w) > 2 and w[1].isdigit() else w[1:]
        nets = _addresses(rest)
        if nets is None:
            return None
        out += nets
    return out


def _addresses(words: list[str]) -> list[ipaddress.IPv4Network] | None:
    if not words:
        return None
    if words[0] == "range" and len(words) >= 3:
        a, b = ipv4(words[1]), ipv4(words[2])
        if a is None or b is None or b < a:
            return None
        return list(ipaddress.summarize_address_range(a, b))
    if len(words) >= 3 and words[1] == "mask":
        net = network(words[0], words[2])
    elif len(words) >= 2 and (words[1].isdigit() or ipv4(words[1]) is not None):
        net = network(words[0], words[1])
    else:
        net = network(words[0]) if "/" in words[0] or ipv4(words[0]) is not None else None
    return None if net is None else [net]


def _service_set(children: list[Node]) -> list[Service] | None:
    out: list[Service] = []
    for child in children:
        w = child.words
        if w[:1] != ["service"]:
            continue
        rest = w[2:] if len(w) > 1 and w[1].isdigit() else w[1:]
        svc = _protocol_service(rest[1:]) if rest[:1] == ["protocol"] else None
        if svc is None:
            return None
        out.append(svc)
    return out


def _protocol_service(words: list[str]) -> Service | None:
    """tcp destination-port 443 [to 444] | udp destination-port 53 | icmp"""
    if not words or words[0] not in ("tcp", "udp", "icmp"):
        return None
    proto = words[0]
    if "destination-port" not in words:
        return Service(proto)  # type: ignore[arg-type]
    i = words.index("destination-port") + 1
    ports: list[int] = []
    while i < len(words) and words[i].isdigit():
        start = int(words[i])
        if i + 2 < len(words) and words[i + 1] == "to" and words[i + 2].isdigit():
            ports += range(start, int(words[i + 2]) + 1)
            i += 3
        else:
            ports.append(start)
            i += 1
    return Service(proto, tuple(ports)) if ports else None  # type: ignore[arg-type]


def _rule(node: Node, address_sets: dict, service_sets: dict) -> PolicyRule:
    rule = PolicyRule(node.words[2], node.line)
    for child in node.children:
        w = child.words
        key = w[0]
        if key in ("source-zone", "destination-zone"):
            target = rule.source_zones if key == "source-zone" else rule.destination_zones
            target += [z for z in w[1:] if z != "any"]
        elif key in ("source-address", "destination-address"):
            if w[1:] == ["any"]:
                continue
            if w[1:2] == ["address-set"] and len(w) > 2:
                nets = address_sets.get(w[2])
                if w[2] not in address_sets:
                    rule.unresolved.append(f"{child.text} (address-set not defined)")
                    continue
            else:
                nets = _addresses(w[1:])
            if nets is None:
                rule.unresolved.append(child.text)
                continue
            attr = "sources" if key == "source-address" else "destinations"
            setattr(rule, attr, (getattr(rule, attr) or []) + nets)
        elif key == "service":
            if w[1:2] == ["protocol"]:
                svc = _protocol_service(w[2:])
                if svc is None:
                    rule.unresolved.append(child.text)
                else:
                    rule.services = (rule.services or []) + [svc]
                continue
            for name in w[1:]:
                if name == "any":
                    continue
                svcs = PREDEFINED.get(name.lower())
                if svcs is None and name in service_sets:
                    svcs = service_sets[name]
                if svcs is None:
                    rule.unresolved.append(f"service {name}")
                else:
                    rule.services = (rule.services or []) + list(svcs)
        elif key == "action" and len(w) > 1:
            rule.action = w[1]
        elif w == ["disable"]:
            rule.enabled = False
    return rule
