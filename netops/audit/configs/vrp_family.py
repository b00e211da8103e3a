"""What Huawei VRP and H3C Comware share: `sysname`, interfaces (addresses, `shutdown`),
`ip route-static`, `info-center loghost`, `snmp-agent`, `telnet [ipv6] server enable` (and `undo`),
`http server` / `web-manager`, and the vty block's `protocol inbound`.

Lines are read in file order and the last word on a setting wins, as when the device loads
the file. A security command in a form this parser does not know is recorded as unplaced:
its check says UNKNOWN.
"""

from __future__ import annotations

import functools

from netops.audit.configs.model import InterfaceConfig, Line, ParsedConfig, SnmpState, StaticRoute, TelnetState
from netops.audit.configs.tree import Node, ipv4, network, read_interface, walk

_ROUTE_STOP = {"preference", "description", "tag", "permanent", "track", "bfd", "no-advertise", "inherit-cost",
               "name", "recursive-lookup", "relay-arp"}
DYNAMIC = ("ospf", "ospfv3", "bgp", "rip", "ripng", "isis")
# telnet sub-commands that neither enable nor disable the server
_TELNET_BENIGN = {"server-source", "port", "acl", "dscp", "login-failed", "client", "source", "ipv6-acl",
                  "timeout", "server-enable-check"}
# snmp-agent sub-commands that say nothing about versions, communities or users
_SNMP_BENIGN = {"sys-info", "local-engineid", "mib-view", "trap", "protocol", "packet", "acl", "notification-log",
                "extend", "log", "inform", "local-user", "source", "udp-port", "context-name", "usm-user",
                "group", "target-host", "community", "ipv6", "mib"}


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


class _Switches:
    """The last word per (service, family) as the file sets it: on / off lines."""

    def __init__(self) -> None:
        self.state: dict[tuple[str, str], tuple[bool, Line]] = {}

    def set(self, key: tuple[str, str], on: bool, line: Line) -> None:
        self.state[key] = (on, line)

    def get(self, key: tuple[str, str]) -> tuple[bool, Line] | None:
        return self.state.get(key)


# first words (after `undo`) globals_ reads; every other line is passed over at the cost of one set lookup
_GLOBAL_HEADS = frozenset({"sysname", "ip", "ipv6", "info-center", "telnet", "http", "web-manager", "snmp-agent",
                           "user-interface", "line", *DYNAMIC})


def globals_(nodes: list[Node], config: ParsedConfig, vty_heads: tuple[str, ...], comware: bool = False,
             collect: frozenset[str] = frozenset()) -> list[Node]:
    """Every interface and global fact the two platforms write the same way, in one pass over the
    placed lines (hot path: every line of 10,000 files); returns the nodes whose first word is in
    `collect`, in order, for the platform's own readers."""
    switches = _Switches()
    vty_telnet: list[Line] = []
    vty_ssh: list[Line] = []
    vty_blocks = 0
    snmp = SnmpState(False)
    collected: list[Node] = []
    heads = _GLOBAL_HEADS
    interfaces = config.interfaces
    for node in nodes:
        words = node.words
        head = words[0]
        if head in collect:
            collected.append(node)
        if head == "interface":
            if len(words) >= 2:
                intf = interfaces.get(words[1])
                if intf is None:
                    intf = interfaces[words[1]] = InterfaceConfig(words[1])
                read_interface(node, intf)
            continue
        undo = head == "undo"
        if undo:
            w = words[1:]
            if not w or w[0] not in heads:
                continue
        elif head not in heads:
            continue
        else:
            w = words
        h = w[0]
        if h == "snmp-agent":
            _snmp_line(node, undo, snmp, config)
        elif h == "sysname":
            if not undo and len(w) > 1:
                config.hostname = w[1]
        elif h == "ip" and len(w) > 1 and w[1] == "route-static":
            if undo:
                continue  # removing a route adds no path
            route = static_route(words, node.line)
            if route is None:
                config.cannot_place("route", node.line, "a static route netops cannot read")
            else:
                config.routes.append(route)
        elif h == "ip" and len(w) > 1 and w[1] in ("http", "https"):
            _http(w, not undo, node.line, switches)
        elif h == "ipv6" and len(w) > 1 and w[1] == "route-static" and not undo:
            config.cannot_place("route", node.line, "IPv6 static route: the zones declare IPv4 prefixes only")
        elif h in DYNAMIC and not undo:
            config.dynamic_routing.append(node.line)
        elif h == "info-center" and not undo and len(w) > 1 and w[1] == "loghost":
            rest = w[2:]
            if rest[:1] == ["vpn-instance"]:
                rest = rest[2:]
            ip = ipv4(rest[0]) if rest else None
            if ip is not None:
                config.loghosts.append((ip, node.line))
        elif h == "telnet":
            _telnet(w[1:], not undo, node.line, switches, config, comware)
        elif h in ("http", "web-manager"):
            _http(w, not undo, node.line, switches)
        elif h in ("user-interface", "line") and node.text.startswith(vty_heads):
            vty_blocks += 1
            last = None  # the last `protocol inbound` decides; every telnet one is evidence
            for c in node.children:
                cw = c.words
                if cw[0] != "protocol" or len(cw) < 2 or cw[1] != "inbound":
                    continue
                last = c
                protocol = cw[2] if len(cw) > 2 else None
                if protocol == "telnet" or protocol == "all":
                    vty_telnet.append(c.line)
                elif protocol != "ssh":
                    config.cannot_place("telnet", c.line, "a vty protocol netops does not know")
            if last is not None and last.words[2:] == ["ssh"]:
                vty_ssh.append(last.line)
    config.telnet = telnet_state(switches, vty_telnet, vty_ssh, vty_blocks, comware)
    plain = [s for s in (switches.get(("http", "v4")), switches.get(("http", "v6"))) if s is not None]
    on = [line for enabled, line in plain if enabled]
    config.http = TelnetState(True, on) if on else TelnetState(False if plain else None, [ln for _, ln in plain])
    config.snmp = snmp
    return collected


def _telnet(rest: list[str], on: bool, line: Line, switches: _Switches, config: ParsedConfig, comware: bool) -> None:
    """telnet [ipv6] server enable (VRP), telnet server [ipv6] enable; sources, ports, ACLs change nothing."""
    tokens = set(rest)
    if rest and rest[-1] == "enable" and "server" in tokens and tokens <= {"server", "ipv6", "enable"}:
        family = "v6" if "ipv6" in tokens else "v4"
        if comware and family == "v4":
            switches.set(("telnet", "v6"), on, line)  # Comware's one switch serves IPv4 and IPv6
        switches.set(("telnet", family), on, line)
    elif tokens & _TELNET_BENIGN:
        return
    else:
        config.cannot_place("telnet", line, "a telnet command netops does not know")


def _http(w: list[str], on: bool, line: Line, switches: _Switches) -> None:
    """VRP `http [ipv6] server enable` (plain) / `http secure-server enable`; USG `web-manager enable`
    (plain) / `web-manager security enable`; Comware `ip http enable` / `ip https enable`."""
    if w[:2] == ["ip", "http"] or (w[0] == "http" and w[-1] == "enable" and "server" in w):
        switches.set(("http", "v6" if "ipv6" in w else "v4"), on, line)
    elif w[:2] == ["web-manager", "enable"]:
        switches.set(("http", "v4"), on, line)


def telnet_state(switches: _Switches, vty_telnet: list[Line], vty_ssh: list[Line], vty_blocks: int,
                 comware: bool = False) -> TelnetState:
    """A server switched on fails; every vty refusing telnet, or both families switched off, passes;
    anything else is the software default (unknown)."""
    v4, v6 = switches.get(("telnet", "v4")), switches.get(("telnet", "v6"))
    on = [s[1] for s in (v4, v6) if s is not None and s[0]]
    if on:
        return TelnetState(True, on + vty_telnet)
    if vty_telnet:
        return TelnetState(True, vty_telnet)
    if vty_blocks and len(vty_ssh) == vty_blocks:
        return TelnetState(False, [s[1] for s in (v4, v6) if s is not None] + vty_ssh)
    if v4 is not None and v6 is not None:
        return TelnetState(False, [v4[1], v6[1]])
    return TelnetState(None, [s[1] for s in (v4, v6) if s is not None])


# what one snmp-agent line says (see _snmp_kind)
_AGENT, _VERSIONS, _LEGACY, _V3, _SILENT, _UNKNOWN, _NO_SECURITY_NAME = range(7)
_ALL_VERSIONS = frozenset({"v1", "v2c", "v3"})


@functools.lru_cache(maxsize=4096)
def _snmp_kind(text: str) -> tuple[int, frozenset[str]]:
    """(kind, versions) of one `[undo] snmp-agent ...` line: a pure function of its text, cached since
    the same few dozen lines recur in every file of a network."""
    words = text.split()
    undo = words[0] == "undo"
    w = words[1:] if undo else words
    if len(w) == 1:
        return _AGENT, frozenset()
    sub = w[1]
    if w[1:3] == ["sys-info", "version"]:
        tokens = set(w[3:])
        return _VERSIONS, _ALL_VERSIONS if "all" in tokens else frozenset(tokens & _ALL_VERSIONS)
    if undo:
        return _SILENT, frozenset()
    if sub == "community" and w[2:3] not in (["complexity-check"],):
        return _LEGACY, frozenset()
    if sub in ("usm-user", "group") and len(w) > 2 and w[2] in ("v1", "v2c"):
        return _LEGACY, frozenset()
    if sub in ("usm-user", "group") and w[2:3] == ["v3"]:
        return _V3, frozenset()
    if sub == "target-host":
        version = target_version(w)
        if version is None:
            return _NO_SECURITY_NAME, frozenset()
        return (_SILENT if version == "v3" else _LEGACY), frozenset()
    return (_SILENT if sub in _SNMP_BENIGN else _UNKNOWN), frozenset()


def forget_lines() -> None:
    _snmp_kind.cache_clear()


def _snmp_line(node: Node, undo: bool, snmp: SnmpState, config: ParsedConfig) -> None:
    """snmp-agent ...; v1/v2c come from sys-info version, communities, v1/v2c groups, users and targets."""
    kind, versions = _snmp_kind(node.text)
    if kind == _AGENT:
        snmp.configured = not undo
        if undo:
            snmp.versions.clear()
        snmp.evidence.append(node.line)
        return
    if not undo:
        snmp.configured = True
    if kind == _VERSIONS:
        if undo:
            snmp.versions -= versions
        else:
            snmp.versions |= versions
        snmp.evidence.append(node.line)
    elif kind == _LEGACY:
        snmp.legacy.append(node.line)
    elif kind == _V3:
        snmp.evidence.append(node.line)
    elif kind == _NO_SECURITY_NAME:
        config.cannot_place("snmp", node.line, "an snmp-agent target-host without `securityname`")
    elif kind == _UNKNOWN:
        config.cannot_place("snmp", node.line, "an snmp-agent command netops does not know")


_VERSION_WORDS = ("v1", "v2c", "v3")


def target_version(w: list[str]) -> str | None:
    """The SNMP version a trap target uses: the word after `securityname [cipher] NAME` (or Comware's
    `cipher-securityname NAME`), SNMPv1 when none is given (VRP and Comware default). Read by
    position, so a security name that reads `v2c` is a name; newer releases print the target as
    `target-host host-name N trap ...` and the name as `cipher %^%#...%^%#`. None: no security name."""
    for i, word in enumerate(w):
        if word in ("securityname", "cipher-securityname"):
            rest = w[i + 1:]
            if word == "securityname" and rest[:1] == ["cipher"] and rest[1:2] and rest[1] not in _VERSION_WORDS:
                rest = rest[1:]  # `cipher` names the form of the name (a name `cipher` is followed by a version)
            after = rest[1:2]
            return after[0] if after and after[0] in _VERSION_WORDS else "v1"
    return None


def nat(nodes: list[Node], config: ParsedConfig) -> None:
    """NAT commands wherever they stand (global, interface, policy), for the NAT checks."""
    for node in walk(nodes):
        words = node.words
        if words[:1] in (["nat"], ["nat-policy"]) or words[:2] == ["nat", "server"]:
            config.nat.append(node.line)


def default_v3(snmp: SnmpState) -> None:
    """VRP V200R and Comware 7 enable only SNMPv3 unless `sys-info version` says otherwise."""
    if snmp.configured and not snmp.versions:
        snmp.versions.add("v3")
