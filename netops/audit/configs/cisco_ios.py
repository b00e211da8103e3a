"""Cisco IOS / IOS-XE routers and switches."""

from __future__ import annotations

from netops.audit.configs.blocks import IOS, place, stop_here
from netops.audit.configs.model import InterfaceConfig, Line, ParsedConfig, SnmpState, StaticRoute, TelnetState
from netops.audit.configs.tree import ipv4, network, parse_tree, read_interface, walk

_DYNAMIC = ("ospf", "ospfv3", "bgp", "eigrp", "rip", "isis")
# snmp-server sub-commands that say nothing about versions, communities or users
_SNMP_BENIGN = {"view", "location", "contact", "enable", "trap-source", "source-interface", "ifindex", "chassis-id",
                "engineID", "packetsize", "queue-length", "system-shutdown", "manager", "file-transfer", "trap",
                "tftp-server-list", "ip", "group", "user", "host", "logging", "inform", "context"}


def parse(text: str) -> ParsedConfig:
    nodes, count = parse_tree(text)
    placed = place(nodes, IOS)
    nodes, notes = placed.nodes, placed.notes
    config = ParsedConfig("cisco_ios", lines=count, relocated=notes)
    stop_here(config, placed)
    vty_blocks, vty_telnet, vty_closed = 0, [], []
    snmp = SnmpState(False)
    for node in nodes:
        w = node.words
        if not w:
            continue
        if w[:3] in (["ip", "http", "server"], ["no", "ip", "http"]) and w[-1] == "server":
            config.http = TelnetState(w[0] != "no", [node.line])
        elif w[:2] == ["no", "snmp-server"] and len(w) == 2:
            snmp = SnmpState(False, set(), [node.line])
        elif w[:2] in (["ipv6", "route"],):
            config.cannot_place("route", node.line, "IPv6 static route: the zones declare IPv4 prefixes only")
        elif w[0] == "hostname" and len(w) > 1:
            config.hostname = w[1]
        elif w[0] == "interface" and len(w) > 1:
            read_interface(node, config.interfaces.setdefault(w[1], InterfaceConfig(w[1])))
        elif w[:2] == ["ip", "route"]:
            route = _route(w, node.line)
            if route is None:
                config.cannot_place("route", node.line, "a static route netops cannot read")
            else:
                config.routes.append(route)
        elif w[0] == "router" and len(w) > 1 and w[1] in _DYNAMIC:
            config.dynamic_routing.append(node.line)
        elif w[0] == "logging" and len(w) > 1:
            rest = w[2:] if w[1] == "host" else w[1:]
            if rest[:1] == ["vrf"]:
                rest = rest[2:]
            ip = ipv4(rest[0]) if rest else None
            if ip is not None:
                config.loghosts.append((ip, node.line))
        elif w[0] == "snmp-server":
            _snmp(w, node.line, snmp, config)
        elif w[:2] == ["line", "vty"]:
            vty_blocks += 1
            transports = [c for c in node.children if c.words[:2] == ["transport", "input"]]
            last = transports[-1] if transports else None  # IOS keeps the last `transport input`
            if last is not None and {"telnet", "all"} & set(last.words[2:]):
                vty_telnet.append(last.line)
            elif last is not None and set(last.words[2:]) <= {"ssh", "none"} and last.words[2:]:
                vty_closed.append(last.line)
            elif last is not None:
                config.cannot_place("telnet", last.line, "a vty transport netops does not know")
        elif w[:2] == ["transport", "input"]:
            config.cannot_place("telnet", node.line, "a vty command outside any line vty")
    if vty_telnet:
        config.telnet = TelnetState(True, vty_telnet)
    elif vty_blocks and len(vty_closed) == vty_blocks:
        config.telnet = TelnetState(False, vty_closed)
    else:
        config.telnet = TelnetState(None, [])  # a vty without `transport input` takes the release's default
    config.snmp = snmp
    config.nat = [n.line for n in walk(nodes) if n.words[:2] == ["ip", "nat"]]
    return config


def _route(w: list[str], line: Line) -> StaticRoute | None:
    """ip route [vrf V] DEST MASK [IFACE] [NH] [distance] [name N] [permanent] [tag T]"""
    rest = w[2:]
    if rest[:1] == ["vrf"]:
        rest = rest[2:]
    if len(rest) < 3:
        return None
    prefix = network(rest[0], rest[1])
    if prefix is None:
        return None
    for token in rest[2:]:
        if token.lower().startswith("null"):
            return StaticRoute(prefix, None, line, discard=True)
        ip = ipv4(token)
        if ip is not None:
            return StaticRoute(prefix, ip, line)
        if token in ("name", "tag", "permanent", "track") or token.isdigit():
            break
    return StaticRoute(prefix, None, line)


def _snmp(w: list[str], line: Line, snmp: SnmpState, config: ParsedConfig) -> None:
    snmp.configured = True
    if len(w) > 1 and w[1] not in _SNMP_BENIGN and w[1] != "community":
        config.cannot_place("snmp", line, "an snmp-server command netops does not know")
    if len(w) > 1 and w[1] == "community":  # a community serves SNMPv1 and v2c
        snmp.versions |= {"v1", "v2c"}
        snmp.legacy.append(line)
    elif len(w) > 3 and w[1] in ("group", "user"):
        for v in ("v1", "v2c", "v3"):
            if v in w[3:]:
                snmp.versions.add(v)
                (snmp.legacy if v != "v3" else snmp.evidence).append(line)
    elif len(w) > 2 and w[1] == "host":
        if "version" in w:
            v = w[w.index("version") + 1] if w.index("version") + 1 < len(w) else "1"
            v = {"1": "v1", "2c": "v2c", "3": "v3"}.get(v, v)
        else:
            v = "v1"  # IOS sends SNMPv1 traps when no version is given
        snmp.versions.add(v)
        (snmp.legacy if v != "v3" else snmp.evidence).append(line)
