"""Shared helpers of the render tests: the extended sample inventory and a small config reader.

The reader understands just enough of each platform's syntax (interfaces, addresses, routes,
hostname, the USG security policy) for property tests to compare a render with the inventory.
"""

from __future__ import annotations

import ipaddress
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inventory"
EXTRA = ROOT / "tests" / "data" / "render" / "extra_devices.yaml"
GOLDEN = ROOT / "tests" / "golden" / "render"


def extended_inventory_dir(target: Path) -> Path:
    """The sample network plus the test-only devices (Cisco switch, aggregation switch)."""
    shutil.copytree(SAMPLE, target)
    shutil.copy(EXTRA, target / EXTRA.name)
    return target


@dataclass
class ParsedConfig:
    hostname: str | None = None
    interfaces: dict[str, list[ipaddress.IPv4Interface]] = field(default_factory=dict)
    routes: list[tuple[ipaddress.IPv4Network, ipaddress.IPv4Address]] = field(default_factory=list)
    rules: list[dict[str, list[str]]] = field(default_factory=list)  # USG security-policy rules in order
    discards: list[ipaddress.IPv4Network] = field(default_factory=list)  # routes to NULL0


def _mask(ip: str, mask: str) -> ipaddress.IPv4Interface:
    return ipaddress.IPv4Interface(f"{ip}/{mask}")


def parse_config(platform: str, text: str) -> ParsedConfig:
    parsed = ParsedConfig()
    current: str | None = None
    in_policy = False
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        words = stripped.split()
        if not words:
            continue
        if words[0] in ("sysname", "hostname") and not line.startswith("  "):
            parsed.hostname = words[1]
        if not line.startswith(" "):  # a top-level line ends any interface block
            current = None
        if line.startswith("interface "):
            current = words[1]
            parsed.interfaces.setdefault(current, [])
            in_policy = False
            continue
        if line == "security-policy":
            in_policy = True
            continue
        if in_policy:
            if line.startswith(" rule name "):
                parsed.rules.append({"name": [words[2]]})
            elif line.startswith("  ") and parsed.rules:
                parsed.rules[-1].setdefault(words[0], []).append(" ".join(words[1:]))
            elif not line.startswith(" "):
                in_policy = False
            continue
        if current is not None and line.startswith(" ip address "):
            if platform == "frr":
                parsed.interfaces[current].append(ipaddress.IPv4Interface(words[2]))
            else:
                parsed.interfaces[current].append(_mask(words[2], words[3]))
            continue
        if words[0] == "ip" and len(words) > 2 and words[1] in ("route", "route-static") and current is None:
            if platform == "frr":
                parsed.routes.append((ipaddress.IPv4Network(words[2]), ipaddress.IPv4Address(words[3])))
            elif words[4] == "NULL0":  # a discard route (the NAT block on a firewall)
                parsed.discards.append(ipaddress.IPv4Network(f"{words[2]}/{words[3]}"))
            else:
                parsed.routes.append((ipaddress.IPv4Network(f"{words[2]}/{words[3]}"),
                                      ipaddress.IPv4Address(words[4])))
    return parsed
