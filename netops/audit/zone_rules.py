"""What a device of an isolated zone may route to and talk to, as pure questions.

The configuration layer asks them of static routes and interface addresses, the live layer
of routing and ARP tables: one rule, two kinds of evidence.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netops.audit.policy import Policy, isolated_pairs
from netops.inventory.model import Inventory, Isolation, ZoneKind

IPv4Net = ipaddress.IPv4Network
IPv4Addr = ipaddress.IPv4Address

# addresses no zone owns: loopback, link-local, multicast, "this network", broadcast
_IGNORED = [IPv4Net(n) for n in ("127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32")]


def ignored_prefix(prefix: IPv4Net) -> bool:
    return any(prefix.subnet_of(n) for n in _IGNORED)


def ignored_address(ip: IPv4Addr) -> bool:
    return ip.is_unspecified or any(ip in n for n in _IGNORED)


@dataclass(frozen=True)
class Partner:
    """A zone this one must never reach; `public` ones (the Internet) own every other address.

    `protected` is True when this zone is the first of its policy pair (the intranet): its
    devices may hold no route toward the partner at all, default route included. Devices of
    the partner zone may keep their default route but no route *into* the protected zone.
    """

    zone: str
    prefixes: tuple[IPv4Net, ...]
    public: bool
    protected: bool


class ZoneRules:
    def __init__(self, inv: Inventory, policy: Policy):
        self.inv = inv
        self.partners: dict[str, list[Partner]] = {}
        for a, b in isolated_pairs(policy, inv):
            for x, y, protected in ((a, b, True), (b, a, False)):
                zone = inv.zones.get(y)
                if zone is None:
                    continue
                public = zone.kind is ZoneKind.public or zone.isolation is Isolation.none
                self.partners.setdefault(x, []).append(Partner(y, tuple(zone.prefixes), public, protected))
        self.own = {z.name: tuple(z.prefixes) for z in inv.zones.values()}

    def isolated(self, zones: list[str]) -> bool:
        """Does any of these zones have a zone it must never reach?"""
        return any(z in self.partners for z in zones)

    def _inside_own(self, zones: list[str], net: IPv4Net) -> bool:
        return any(net.subnet_of(p) for z in zones for p in self.own.get(z, ()))

    def route_problem(self, zones: list[str], prefix: IPv4Net, next_hop: IPv4Addr | None) -> str | None:
        """Why a route on a device of these zones leads toward a zone it must not reach, or None."""
        if prefix.prefixlen > 0 and ignored_prefix(prefix):
            return None
        what = "default route" if prefix.prefixlen == 0 else f"route to {prefix}"
        for zone in zones:
            for partner in self.partners.get(zone, []):
                if not partner.protected:
                    into = next((p for p in partner.prefixes if prefix.subnet_of(p)), None)
                    if into is not None:
                        return f"{what} leads into {into} of zone '{partner.zone}', which must stay isolated"
                    if next_hop is not None and any(next_hop in p for p in partner.prefixes):
                        return f"{what} goes via {next_hop} in zone '{partner.zone}', which must stay isolated"
                    continue
                hit = next((p for p in partner.prefixes if p.overlaps(prefix)), None)
                if hit is not None:
                    return f"{what} covers {hit} of zone '{partner.zone}', which '{zone}' must never reach"
                if next_hop is not None and any(next_hop in p for p in partner.prefixes):
                    return f"{what} goes via {next_hop} in zone '{partner.zone}'"
                if partner.public and not self._inside_own([zone], prefix):
                    return (f"{what} leaves the prefixes of zone '{zone}' "
                            f"({', '.join(map(str, self.own.get(zone, ()))) or 'none declared'}): "
                            f"it leads toward '{partner.zone}'")
        return None

    def address_problem(self, zones: list[str], ip: IPv4Addr) -> str | None:
        """Why a neighbour address seen by a device of these zones belongs to a forbidden zone, or None."""
        if ignored_address(ip):
            return None
        host = IPv4Net(f"{ip}/32")
        for zone in zones:
            for partner in self.partners.get(zone, []):
                if any(ip in p for p in partner.prefixes):
                    return f"{ip} belongs to zone '{partner.zone}', which '{zone}' must never reach"
                if partner.public and partner.protected and not self._inside_own([zone], host):
                    return f"{ip} lies outside zone '{zone}' and may belong to '{partner.zone}'"
        return None

    def zone_of_address(self, ip: IPv4Addr) -> str | None:
        for name, prefixes in self.own.items():
            if any(ip in p for p in prefixes):
                return name
        return None
