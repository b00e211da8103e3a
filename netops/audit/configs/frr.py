"""FRR (`frr.conf`): interfaces, static routes (also inside `vrf` blocks), logging, vty access.

SNMP on an FRR router is the host's snmpd (FRR only speaks AgentX to it), so this file
cannot show which SNMP versions are enabled.
"""

from __future__ import annotations

from netops.audit.configs.blocks import FRR, place, stop_here
from netops.audit.configs.model import InterfaceConfig, Line, ParsedConfig, SnmpState, StaticRoute, TelnetState
from netops.audit.configs.tree import ipv4, network, parse_tree, read_interface

_DYNAMIC = ("ospf", "ospf6", "bgp", "rip", "ripng", "isis", "eigrp", "babel")
_DISCARD = ("blackhole", "reject", "null0", "Null0")


def parse(text: str) -> ParsedConfig:
    nodes, count = parse_tree(text, separators="!")
    placed = place(nodes, FRR)
    nodes, notes = placed.nodes, placed.notes
    config = ParsedConfig("frr", lines=count, relocated=notes)
    stop_here(config, placed)
    vty_open: list[Line] = []
    password: list[Line] = []
    agentx: list[Line] = []
    for node in nodes:
        w = node.words
        if not w:
            continue
        if w[0] == "hostname" and len(w) > 1:
            config.hostname = w[1]
        elif w[0] == "interface" and len(w) > 1:
            read_interface(node, config.interfaces.setdefault(w[1], InterfaceConfig(w[1])))
        elif w[:2] == ["ip", "route"]:
            _route(w, node.line, config)
        elif w[:2] == ["ipv6", "route"]:
            config.cannot_place("route", node.line, "IPv6 static route: the zones declare IPv4 prefixes only")
        elif w[0] == "vrf" and len(w) > 1:
            for child in node.children:
                if child.words[:2] == ["ip", "route"]:
                    _route(child.words, child.line, config)
                elif child.words[:2] == ["ipv6", "route"]:
                    config.cannot_place("route", child.line, "IPv6 static route: the zones declare IPv4 prefixes only")
        elif w[0] == "router" and len(w) > 1 and w[1] in _DYNAMIC:
            config.dynamic_routing.append(node.line)
        elif w[:2] == ["log", "syslog"]:
            config.local_syslog_only = True
        elif w[0] in ("password", "enable") and (w[0] == "password" or w[1:2] == ["password"]):
            password.append(Line(node.number, w[0] + (" password" if w[0] == "enable" else "") + " <hidden>"))
        elif w == ["agentx"]:
            agentx.append(node.line)
        elif w[:2] == ["line", "vty"]:
            vty_open += [c.line for c in node.children if c.words == ["no", "login"]]
            password += [Line(c.number, "password <hidden>") for c in node.children if c.words[:1] == ["password"]]
        elif w == ["no", "login"]:
            config.cannot_place("telnet", node.line, "a vty command outside any line vty")
    if password or vty_open:
        config.telnet = TelnetState(True, password + vty_open)
    else:
        config.telnet = TelnetState(False, [Line(0, "no vty password and no `no login`: FRR vtys refuse "
                                                    "telnet logins")])
    config.snmp = SnmpState(None, set(), agentx)
    return config


def _route(w: list[str], line: Line, config: ParsedConfig) -> None:
    """ip route DEST/LEN {NH | IFACE | blackhole | reject | Null0} [distance] [vrf V] ..."""
    prefix = network(w[2]) if len(w) >= 4 and "/" in w[2] else None
    if prefix is None:
        config.cannot_place("route", line, "a static route netops cannot read")
        return
    target = w[3]
    if target in _DISCARD:
        config.routes.append(StaticRoute(prefix, None, line, discard=True))
        return
    config.routes.append(StaticRoute(prefix, ipv4(target), line))
