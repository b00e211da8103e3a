"""What the audit needs from a device configuration, whatever the vendor wrote.

Each parser fills one `ParsedConfig`; every fact keeps its line number so a finding can
point at the line to change.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

Any_ = Literal["any"]


@dataclass(slots=True)
class Line:
    number: int
    text: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.text}"


@dataclass(slots=True)
class InterfaceConfig:
    name: str
    addresses: list[tuple[ipaddress.IPv4Interface, Line]] = field(default_factory=list)
    shutdown: bool = False


@dataclass(slots=True)
class StaticRoute:
    prefix: ipaddress.IPv4Network
    next_hop: ipaddress.IPv4Address | None
    line: Line
    discard: bool = False  # NULL0 / blackhole / reject: leads nowhere


@dataclass(slots=True)
class Service:
    protocol: Literal["tcp", "udp", "icmp", "any"]
    ports: tuple[int, ...] = ()  # empty: every port


@dataclass(slots=True)
class PolicyRule:
    """One firewall security-policy rule; `unresolved` lists what the parser could not read."""

    name: str
    line: Line
    action: str | None = None  # permit / deny
    enabled: bool = True
    source_zones: list[str] = field(default_factory=list)  # empty: any
    destination_zones: list[str] = field(default_factory=list)
    sources: list[ipaddress.IPv4Network] | None = None  # None: any
    destinations: list[ipaddress.IPv4Network] | None = None
    services: list[Service] | None = None  # None: any
    unresolved: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TelnetState:
    enabled: bool | None  # None: the configuration does not say; the software default decides
    evidence: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class SnmpState:
    configured: bool | None  # None: the agent lives outside this file (FRR: the host's snmpd)
    versions: set[str] = field(default_factory=set)  # v1, v2c, v3
    evidence: list[Line] = field(default_factory=list)
    # v1/v2c credentials and targets (communities, v1/v2c groups, users, trap hosts): forbidden where only
    # SNMPv3 is allowed, whatever `sys-info version` says around them
    legacy: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class ParsedConfig:
    platform: str
    hostname: str | None = None
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)
    routes: list[StaticRoute] = field(default_factory=list)
    dynamic_routing: list[Line] = field(default_factory=list)
    telnet: TelnetState = field(default_factory=lambda: TelnetState(None))
    snmp: SnmpState = field(default_factory=lambda: SnmpState(False))
    loghosts: list[tuple[ipaddress.IPv4Address, Line]] = field(default_factory=list)
    local_syslog_only: bool = False
    security_zones: dict[str, list[str]] = field(default_factory=dict)  # firewall zone -> interfaces
    rules: list[PolicyRule] | None = None  # None: no security policy in this configuration
    default_action: tuple[str, Line] | None = None
    lines: int = 0
    source_text: str = field(default="", repr=False)  # for checks with their own readers (boundary_config)
    # Security-relevant lines the parser could not place or read, by the check they concern
    # (route, telnet, snmp, firewall): that check is UNKNOWN, never PASS.
    unplaced: dict[str, list[Line]] = field(default_factory=dict)
    relocated: list[str] = field(default_factory=list)  # lines applied where the device applies them
    nat: list[Line] = field(default_factory=list)  # NAT commands, wherever they stood
    http: TelnetState = field(default_factory=lambda: TelnetState(None))  # plain-HTTP management server

    def cannot_place(self, kind: str, line: Line, why: str) -> None:
        self.unplaced.setdefault(kind, []).append(Line(line.number, f"{line.text} ({why})"))
