"""What Huawei VRP and H3C Comware share: `sysname`, `ip route-static`, `info-center loghost`,
`snmp-agent`, `telnet server enable` and the vty block's `protocol inbound`."""

from __future__ import annotations

from netops.audit.configs.model import InterfaceConfig, Line, ParsedConfig, SnmpState, StaticRoute, TelnetState
from netops.audit.configs.tree import Node, ipv4, network, read_interface

_ROUTE_STOP = {"preference", "description", "tag", "permanent", "track", "bfd", "no-advertise", "inherit-cost",
               "name", "recursive-lookup", "relay-arp"}
DYNAMIC = ("ospf", "ospfv3", "bgp", "rip", "ripng", "isis")


def interfaces(nodes: list[Node], config: ParsedConfig) -> None:
    for node in nodes:
        words = node.words
        if len(words) < 2 or words[0] != "interface":
            continue
        read_interface(node, config.interfaces.setdefault(words[1], InterfaceConfig(words[1])))


def static_route(words: list[str], line: Line) -> StaticRoute | None:
    """ip route-static [vpn-instance V] DEST MASK {IFACE [NH] | NH | NULL0} [options]"""
    rest = words[2:]
    if rest[:1] == ["vpn-instance"]:
        rest = rest[2:]
    if len(rest) < 3:
        return None
    prefix = network(rest[0], rest[1])
    if prefix is None:
        return None
    next_hop, discard = None, False
    tokens = rest[2:]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _ROUTE_STOP:
            break
        if token == "vpn-instance":
            i += 2
            continue
        if token.lower().startswith("null"):
            discard = True
            break
        ip = ipv4(token)
        if ip is not None:
            next_hop = ip
            break
        i += 1
    return StaticRoute(prefix, next_hop, line, discard)


def globals_(nodes: list[Node], config: ParsedConfig, vty_heads: tuple[str, ...]) -> None:
    """Every global fact the two platforms write the same way."""
    server_on: list[Line] = []
    server_off: list[Line] = []
    vty_telnet: list[Line] = []
    vty_ssh: list[Line] = []
    vty_blocks = 0
    snmp = SnmpState(False)
    for node in nodes:
        words = node.words
        if not words:
            continue
        head = words[0]
        if head == "sysname" and len(words) > 1:
            config.hostname = words[1]
        elif words[:2] == ["ip", "route-static"]:
            route = static_route(words, node.line)
            if route is not None:
                config.routes.append(route)
        elif head in DYNAMIC:
            config.dynamic_routing.append(node.line)
        elif words[:2] == ["info-center", "loghost"]:
            rest = words[2:]
            if rest[:1] == ["vpn-instance"]:
                rest = rest[2:]
            ip = ipv4(rest[0]) if rest else None
            if ip is not None:
                config.loghosts.append((ip, node.line))
        elif words[:3] == ["telnet", "server", "enable"]:
            server_on.append(node.line)
        elif words[:4] == ["undo", "telnet", "server", "enable"]:
            server_off.append(node.line)
        elif head == "snmp-agent" or words[:2] == ["undo", "snmp-agent"]:
            _snmp_line(words, node.line, snmp)
        elif node.text.startswith(vty_heads):
            vty_blocks += 1
            protocols = [c for c in node.children if c.words[:2] == ["protocol", "inbound"]]
            vty_telnet += [c.line for c in protocols if c.words[2:3] in (["telnet"], ["all"])]
            if protocols and all(c.words[2:] == ["ssh"] for c in protocols):
                vty_ssh.append(protocols[-1].line)
    config.telnet = telnet_state(server_on, server_off, vty_telnet, vty_ssh, vty_blocks)
    config.snmp = snmp


def telnet_state(server_on: list[Line], server_off: list[Line], vty_telnet: list[Line], vty_ssh: list[Line],
                 vty_blocks: int) -> TelnetState:
    """Explicit server lines decide; else the vty lines; else the software default (unknown)."""
    if server_on:
        return TelnetState(True, server_on + vty_telnet)
    if server_off:
        return TelnetState(False, server_off)
    if vty_telnet:
        return TelnetState(True, vty_telnet)
    if vty_blocks and len(vty_ssh) == vty_blocks:
        return TelnetState(False, vty_ssh)
    return TelnetState(None, [])


def _snmp_line(words: list[str], line: Line, snmp: SnmpState) -> None:
    undo = words[0] == "undo"
    w = words[1:] if undo else words
    if not undo:
        snmp.configured = True
    if w[1:3] == ["sys-info", "version"]:
        tokens = set(w[3:])
        versions = {"v1", "v2c", "v3"} if "all" in tokens else tokens & {"v1", "v2c", "v3"}
        if undo:
            snmp.versions -= versions
        else:
            snmp.versions |= versions
        snmp.evidence.append(line)
    elif not undo and len(w) > 1 and w[1] == "community":
        snmp.versions.add("v2c")
        snmp.evidence.append(line)
    elif not undo and len(w) > 2 and w[1] in ("usm-user", "group") and w[2] == "v3":
        snmp.versions.add("v3")
        snmp.evidence.append(line)
    elif not undo and len(w) > 2 and w[1] in ("group",) and w[2] in ("v1", "v2c"):
        snmp.versions.add(w[2])
        snmp.evidence.append(line)
    elif not undo and "target-host" in w and ("v1" in w or "v2c" in w):
        snmp.versions.add("v1" if "v1" in w else "v2c")
        snmp.evidence.append(line)


def default_v3(snmp: SnmpState) -> None:
    """VRP V200R and Comware 7 enable only SNMPv3 unless `sys-info version` says otherwise."""
    if snmp.configured and not snmp.versions:
        snmp.versions.add("v3")
