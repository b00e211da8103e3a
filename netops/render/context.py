"""The per-device context a template renders: plain dicts and strings built from the model.

Pure: (inventory, device, secret values) -> dict. Templates see only what is here, already in
the shapes configurations need (dotted masks, wildcards, CIDR), so no template computes
addresses. Zone, credential and SNMP parts are shared by thousands of devices and built once
per `ContextCache`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from netops.inventory.model import Device, Interface, Inventory, Role
from netops.render.errors import RenderError, RouteOutsideZone
from netops.render.releases import Release, ReleaseError, features, parse_release
from netops.render.secret_values import SecretValues
from netops.render import boundary, zone_policy

FRR_VERSION = "8.4.4"  # the Debian bookworm FRR the lab runs; a device may say otherwise in data.frr_version


def network(net: ipaddress.IPv4Network) -> dict[str, Any]:
    return {"cidr": str(net), "network": str(net.network_address), "netmask": str(net.netmask),
            "wildcard": str(net.hostmask), "prefixlen": net.prefixlen}


def host(ip: ipaddress.IPv4Address) -> dict[str, Any]:
    return network(ipaddress.IPv4Network(f"{ip}/32"))


def address(addr: ipaddress.IPv4Interface) -> dict[str, Any]:
    return {"ip": str(addr.ip), "netmask": str(addr.netmask), "prefixlen": addr.network.prefixlen,
            "cidr": addr.with_prefixlen}


def _configured(i: Interface) -> bool:
    """Ports with nothing set stay at their factory state; only intent is rendered."""
    return bool(i.addresses or i.mode or i.description or i.vlan or i.vlans or not i.enabled)


class ContextCache:
    """Parts many devices share (a zone's services, a credential, an SNMP user), built once."""

    def __init__(self, inventory: Inventory, secrets: SecretValues):
        self.inventory = inventory
        self.secrets = secrets
        self._zones: dict[str, dict[str, Any]] = {}
        self._users: dict[str, list[dict[str, Any]]] = {}
        self._snmp: dict[str, dict[str, Any]] = {}
        self.isolated_zones = [z for z in inventory.zones.values() if zone_policy.is_isolated(z)]
        self.links = boundary.link_index(inventory)
        self._releases: dict[tuple[str, str | None], tuple[Release | None, dict[str, bool]]] = {}

    def release(self, device: Device) -> tuple[Release | None, dict[str, bool]]:
        """Parsed once per (platform, release text): thousands of villages share one."""
        key = (device.platform.value, device.software)
        found = self._releases.get(key)
        if found is None:
            found = self._releases[key] = release_context(device)
        return found

    def zone(self, name: str) -> dict[str, Any]:
        ctx = self._zones.get(name)
        if ctx is None:
            zone = self.inventory.zones.get(name)
            if zone is None:
                raise RenderError(f"unknown zone '{name}'")
            s = zone.services
            ctx = {
                "name": zone.name, "kind": zone.kind.value, "isolation": zone.isolation.value,
                "classified": zone.kind.value == "classified", "isolated": zone_policy.is_isolated(zone),
                "prefixes": [network(p) for p in zone.prefixes],
                "ntp": [str(ip) for ip in s.ntp], "syslog": [str(ip) for ip in s.syslog],
                "dns": [str(ip) for ip in s.dns], "collectors": [str(ip) for ip in s.snmp_collectors],
                "collector_hosts": [host(ip) for ip in s.snmp_collectors],
                "management": [network(p) for p in s.management],
            }
            self._zones[name] = ctx
        return ctx

    def users(self, name: str | None) -> list[dict[str, Any]]:
        if name is None:
            raise RenderError("no credentials: a managed device needs a local user (set credentials)")
        users = self._users.get(name)
        if users is None:
            cred = self.inventory.credentials.get(name)
            if cred is None:
                raise RenderError(f"unknown credential '{name}'")
            users = [{"credential": cred.name, "username": cred.username,
                      "password": self.secrets(cred.password), "password_ref": str(cred.password),
                      "enable": self.secrets(cred.enable),
                      "enable_ref": str(cred.enable) if cred.enable else None}]
            self._users[name] = users
        return users

    def snmp(self, name: str | None) -> dict[str, Any]:
        if name is None:
            raise RenderError("no SNMP credential: every managed device reports over SNMPv3 (set snmp)")
        ctx = self._snmp.get(name)
        if ctx is None:
            cred = self.inventory.snmp_credentials.get(name)
            if cred is None:
                raise RenderError(f"unknown SNMP credential '{name}'")
            if cred.version != "3":
                raise RenderError(f"SNMP credential '{name}' is v{cred.version}: netops renders SNMPv3 "
                                  "authPriv only (v1/v2c send communities in clear text)")
            ctx = {"credential": cred.name, "user": cred.username, "group": cred.username,
                   "auth": cred.auth_protocol, "auth_key": self.secrets(cred.auth_key),
                   "priv": cred.priv_protocol, "priv_key": self.secrets(cred.priv_key)}
            self._snmp[name] = ctx
        return ctx


def interface_context(device: Device, i: Interface, mgmt: str | None) -> dict[str, Any]:
    addresses = [address(a) for a in i.addresses]
    return {
        "name": i.name, "kind": i.kind.value, "description": i.description, "enabled": i.enabled,
        "mode": i.mode, "vlan": i.vlan, "vlans": sorted(i.vlans), "addresses": addresses,
        "zone": device.interface_zone(i), "mgmt": i.name == mgmt,
        "routed": i.mode == "routed" or (i.mode is None and bool(addresses)),
        "svi": i.kind.value in ("vlan", "loopback"),
    }


def route_context(route) -> dict[str, Any]:
    return {**network(route.prefix), "prefix": str(route.prefix), "next_hop": str(route.next_hop),
            "description": route.description, "default": route.prefix.prefixlen == 0}


def firewall_context(inv: Inventory, device: Device, observe: set[str]) -> dict[str, Any]:
    zones = zone_policy.firewall_zones(inv, device)
    rules = []
    for r in zone_policy.firewall_rules(inv, device):
        rules.append({
            "name": r.name, "from_zone": r.from_zone, "to_zone": r.to_zone, "action": r.action,
            "sources": [network(n) for n in r.sources], "destinations": [network(n) for n in r.destinations],
            "services": [{"protocol": s.protocol, "port": s.port} for s in r.services],
            "description": r.description, "flow": r.flow,
        })
    return {"zones": [{"name": z.name, "priority": z.priority,
                       "interfaces": [i for i in z.interfaces if i not in observe]} for z in zones],
            "rules": rules, "nat": nat_context(inv, device)}


def nat_context(inv: Inventory, device: Device) -> dict[str, Any] | None:
    """Source NAT of private flows to the Internet and the services published on public addresses."""
    snat = boundary.source_nat(inv, device)
    servers = boundary.published(inv, device)
    if not snat and not servers:
        return None
    if device.nat is None:
        raise RenderError(f"flows {', '.join(n.name for n in snat)} leave private zones for the Internet "
                          "through this firewall: declare its nat (public block) in the inventory")
    block = device.nat.public
    hosts = list(block.hosts())
    pool_addresses = [h for h in hosts if h not in {s.public for s in servers}]
    if device.nat.source == "pool" and not pool_addresses:
        raise RenderError(f"nat.public {block} has no address left for the source pool")
    for rule in snat:
        if rule.egress is None:
            raise RenderError(f"flow {rule.name}: the firewall has no addressed interface in zone {rule.to_zone}")
    return {
        "public": network(block), "mode": device.nat.source,
        "pool": {"name": "netops-pool", "first": str(pool_addresses[0]), "last": str(pool_addresses[-1])}
        if device.nat.source == "pool" else None,
        "source": [{"name": r.name, "from_zone": r.from_zone, "to_zone": r.to_zone, "egress": r.egress,
                    "sources": [network(n) for n in r.sources]} for r in snat],
        "servers": [{"name": s.name, "zone": s.zone, "protocol": s.protocol, "public": str(s.public),
                     "inside": str(s.inside), "port": s.port} for s in servers],
    }


def release_context(device: Device) -> tuple[Release | None, dict[str, bool]]:
    """The device's software release and the syntax facts that follow from it (docs/render.md)."""
    if device.software is None:
        if device.platform.value in ("huawei_vrp", "hp_comware"):
            raise RenderError(f"{device.platform.value} syntax differs by release and the device names none: "
                              "set software on its device type, e.g. 'VRP V200R021C10' (docs/render.md)")
        return None, {}
    try:
        release = parse_release(device.software, device.platform.value)
    except ReleaseError as exc:
        raise RenderError(str(exc)) from None
    return release, features(release)


def _sys_location(device: Device) -> str:
    parts = [device.site, device.location, device.rack]
    text = "/".join(p for p in parts if p)
    return f"{text}/U{device.position}" if device.position else text


def build_context(inv: Inventory, device: Device, cache: ContextCache) -> dict[str, Any]:
    """Everything a template of this device needs; raises RenderError when intent is unsafe."""
    problems = zone_policy.route_problems(inv, device, cache.isolated_zones)
    if problems:
        raise RouteOutsideZone("; ".join(problems), device=device.name)
    zone = cache.zone(device.zone)
    mgmt = device.mgmt_interface
    interfaces = [interface_context(device, i, mgmt) for i in device.interfaces if _configured(i) or i.name == mgmt]
    vlans = sorted(({"id": v.id, "name": v.name, "description": v.description} for v in device.vlans),
                   key=lambda v: v["id"])
    data = device.data
    release, flags = cache.release(device)
    mirrors = boundary.mirrors(inv, device, cache.links)
    observe = {m.observe for m in mirrors}
    routes = [route_context(r) for r in device.routes]
    for block, hop, firewall in boundary.nat_routes(inv, device):
        if not any(r["prefix"] == str(block) for r in routes):
            routes.append({**network(block), "prefix": str(block), "next_hop": str(hop),
                           "description": f"NAT block of {firewall}", "default": False})
    return {
        "hostname": device.name,
        "device": {
            "name": device.name, "role": device.role.value, "platform": device.platform.value,
            "manufacturer": device.manufacturer, "model": device.model, "description": device.description,
            "site": device.site, "location": device.location, "town": device.town, "zones": list(device.zones),
        },
        "settings": {"name": inv.settings.name, "domain": inv.settings.domain},
        "zone": zone,
        "mgmt": {"interface": mgmt, "address": str(device.mgmt_address) if device.mgmt_address else None},
        "users": cache.users(device.credentials),
        "snmp": {**cache.snmp(device.snmp), "location": _sys_location(device)},
        "vlans": vlans,
        "vlan_ids": [v["id"] for v in vlans],
        "interfaces": interfaces,
        "routes": routes,
        "firewall": firewall_context(inv, device, observe) if device.role is Role.firewall else None,
        "mirrors": [{"sources": list(m.sources), "observe": m.observe, "ids": m.ids} for m in mirrors],
        "release": {"family": release.family, "version": release.version, "text": str(release)} if release else None,
        "features": flags,
        "frr_version": str(data.get("frr_version", release.version if release and release.family == "FRR"
                                    else FRR_VERSION)),
        "secrets_resolved": cache.secrets.resolved,
    }
