"""Every check the audit can run, and the default control catalogue each one evidences.

The policy file may restate the catalogue and remap checks to controls; these defaults are
what an audit uses when it does not. Clause numbers are GB/T 22239-2019 level 3 (section 8);
a level 2 system reads the same items under 7.1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckInfo:
    id: str
    title: str
    target: str  # what one result is about: zone pair, boundary, device, ...
    controls: tuple[str, ...]


@dataclass(frozen=True)
class ControlInfo:
    id: str
    standard: str
    clause: str
    title: str
    requirement: str
    waivable: bool = True


ART6 = "classified-art6"
BOUNDARY = "mlps-boundary-protection"
ACCESS = "mlps-access-control"
INTRUSION = "mlps-intrusion-prevention"
AUDIT = "mlps-security-audit"
REMOTE = "mlps-remote-management"

CONTROLS: tuple[ControlInfo, ...] = (
    ControlInfo(ART6, "Rules on the secrecy management of computer information systems' international "
                "networking (2000)", "Article 6", "Physical isolation of classified systems",
                "A computer system holding state secrets must not connect directly or indirectly to the "
                "Internet or any other public information network; it must be physically isolated.",
                waivable=False),
    ControlInfo(BOUNDARY, "GB/T 22239-2019", "8.1.3.1 Security area boundary: boundary protection",
                "Boundary protection",
                "Traffic crosses the boundary only through controlled interfaces of boundary devices; "
                "unauthorised devices joining and unauthorised outbound connections are detected or "
                "stopped; wireless enters only through a controlled boundary device."),
    ControlInfo(ACCESS, "GB/T 22239-2019", "8.1.3.2 Security area boundary: access control",
                "Access control",
                "Access rules at the boundary deny everything by default except permitted traffic; the "
                "rule set is minimal; rules check source, destination, ports and protocol."),
    ControlInfo(INTRUSION, "GB/T 22239-2019", "8.1.3.3 Security area boundary: intrusion prevention",
                "Intrusion prevention",
                "Attacks started from outside are detected, prevented or limited at key network nodes; "
                "attacks are logged and alarmed."),
    ControlInfo(AUDIT, "GB/T 22239-2019", "8.1.3.5 Security area boundary: security audit",
                "Security audit",
                "Security audit at the network boundary and key nodes covers every user and important "
                "security event; records are protected and kept."),
    ControlInfo(REMOTE, "GB/T 22239-2019", "8.1.4.1 c) Security computing environment: identification "
                "and authentication", "Protected remote management",
                "Remote management takes measures against eavesdropping of authentication data in "
                "transit (no telnet, no community-string SNMP where classified)."),
)

CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo("intent.inventory-valid", "The inventory is complete and consistent", "inventory problem",
              (BOUNDARY,)),
    CheckInfo("intent.physical-isolation", "No path of cables and devices joins physically isolated zones",
              "zone pair", (ART6, BOUNDARY)),
    CheckInfo("intent.dual-homing", "No device stands in or is cabled into several zones unless approved",
              "device", (ART6, BOUNDARY)),
    CheckInfo("intent.firewall-boundary", "Every path between firewall-isolated zones crosses an approved "
              "firewall", "boundary", (BOUNDARY, ACCESS)),
    CheckInfo("intent.ids-coverage", "An IDS watches each firewall boundary", "boundary", (INTRUSION,)),
    CheckInfo("intent.boundary-audit", "Zones at each firewall boundary have a syslog collector",
              "boundary", (AUDIT,)),
    CheckInfo("intent.prefix-overlap", "Zone prefixes do not overlap", "zone pair", (BOUNDARY,)),
    CheckInfo("intent.no-wireless", "No wireless device in zones that forbid wireless", "device",
              (BOUNDARY, ART6)),
    CheckInfo("intent.address-in-zone", "Declared interface addresses lie in their zone", "device",
              (BOUNDARY,)),
    CheckInfo("intent.monitoring-hosts", "Each zone's monitoring host sits in that zone and reaches no other",
              "collector", (ART6, BOUNDARY)),
    CheckInfo("config.evidence", "A configuration was found and parsed", "device", (BOUNDARY,)),
    CheckInfo("config.address-in-zone", "Configured interface addresses lie in the interface's zone",
              "device", (BOUNDARY,)),
    CheckInfo("config.route-isolation", "Devices of isolated zones carry no route toward other zones",
              "device", (ART6, BOUNDARY)),
    CheckInfo("config.no-telnet", "Telnet (IPv4 and IPv6) and plain-HTTP management are disabled", "device",
              (REMOTE,)),
    CheckInfo("config.snmp-v3", "Only SNMPv3 in zones that forbid v1/v2c", "device", (REMOTE,)),
    CheckInfo("config.firewall-default-deny", "The firewall policy ends in deny", "firewall", (ACCESS,)),
    CheckInfo("config.firewall-no-any-any", "No any-to-any permit from the untrusted side", "firewall",
              (ACCESS, BOUNDARY)),
    CheckInfo("config.firewall-flows", "Every permit rule is an allowed flow of the policy", "firewall",
              (ACCESS,)),
    CheckInfo("config.firewall-local", "Nothing from the untrusted side is permitted to the firewall itself "
              "(zone local)", "firewall", (ACCESS, REMOTE)),
    CheckInfo("config.boundary-logging", "Boundary firewalls send logs to the zone's syslog collector",
              "firewall", (AUDIT,)),
    CheckInfo("config.boundary-nat", "Every Internet-bound flow has its NAT; NAT publishes only allowed flows",
              "firewall", (ACCESS, BOUNDARY)),
    CheckInfo("config.ids-mirror", "The port cabled to the IDS sensor mirrors the boundary's traffic", "device",
              (INTRUSION,)),
    CheckInfo("live.evidence", "SNMP evidence was gathered", "device", (BOUNDARY,)),
    CheckInfo("live.lldp-zone-crossing", "No undeclared LLDP adjacency crosses zones", "device",
              (ART6, BOUNDARY)),
    CheckInfo("live.lldp-declared", "Every LLDP neighbour is a declared cable", "device", (BOUNDARY,)),
    CheckInfo("live.arp-isolation", "ARP/neighbour tables of isolated devices hold no foreign addresses",
              "device", (ART6, BOUNDARY)),
    CheckInfo("live.route-isolation", "Routing tables of isolated devices hold no route toward other zones",
              "device", (ART6, BOUNDARY)),
)

CHECKS_BY_ID = {c.id: c for c in CHECKS}
CONTROLS_BY_ID = {c.id: c for c in CONTROLS}
LAYERS = ("intent", "config", "live")
