"""Semantic checks across the whole inventory: the rules no single field can enforce.

Each check is a pure function of the resolved inventory; problems are located through the
source map so the engineer sees the file and line of the value to change.
"""

from __future__ import annotations

import functools
import ipaddress
from collections import defaultdict
from enum import Enum
from typing import Annotated, Any, Callable, Iterator, get_args, get_origin

from pydantic import BaseModel

from netops.errors import Problem
from netops.inventory.model import (
    BOUNDARY_ROLES,
    POWER_SOURCE_ROLES,
    Device,
    Interface,
    Inventory,
    Isolation,
    Platform,
    Role,
    SiteKind,
    Zone,
)
from netops.inventory.source import SourceMap

Check = Callable[[Inventory, "Locator"], Iterator[Problem]]


class Locator:
    """Turns (device name, field, ...) into the source path of the value as it was written."""

    def __init__(self, src: SourceMap):
        self.src = src
        self._index: dict[str, dict[str, int]] = {}

    def _position(self, section: str, name: str) -> int | None:
        if section not in self._index:
            index: dict[str, int] = {}
            for i, item in enumerate(self.src.doc.get(section, [])):
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    index.setdefault(item["name"], i)
            self._index[section] = index
        return self._index[section].get(name)

    def at(self, section: str, name: str, *rest: object) -> tuple:
        i = self._position(section, name)
        if i is None:
            return (section,)
        path: tuple = (section, i)
        node = self.src.doc[section][i]
        for key in rest:
            # interfaces are addressed by name: find the one written by hand, if any
            if isinstance(key, tuple) and key[0] == "by_name":
                items = node if isinstance(node, list) else []
                j = next((j for j, it in enumerate(items) if isinstance(it, dict) and it.get("name") == key[1]), None)
                if j is None:
                    break
                path += (j,)
                node = items[j]
            else:
                path += (key,)
                node = node.get(key) if isinstance(node, dict) else (
                    node[key] if isinstance(node, list) and isinstance(key, int) and key < len(node) else None)
        return path

    def problem(self, path: tuple, message: str) -> Problem:
        return self.src.problem(path, message)

    def device(self, name: str, *rest: object) -> tuple:
        return self.at("devices", name, *rest)

    def interface(self, device: str, interface: str, *rest: object) -> tuple:
        return self.at("devices", device, "interfaces", ("by_name", interface), *rest)


def _zone_for_address(zones: dict[str, Zone], ip: ipaddress.IPv4Address) -> str | None:
    for zone in zones.values():
        if zone.contains(ip):
            return zone.name
    return None


def check_references(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    for site in inv.sites.values():
        if site.kind is SiteKind.village and not site.town:
            yield loc.problem(loc.at("sites", site.name, "town"), "a village must name its town")
        if site.town:
            town = inv.sites.get(site.town)
            if town is None:
                yield loc.problem(loc.at("sites", site.name, "town"), f"unknown town site '{site.town}'")
            elif town.kind is not SiteKind.town:
                yield loc.problem(loc.at("sites", site.name, "town"),
                                  f"site '{site.town}' is a {town.kind.value}, expected a town")
    for d in inv.devices.values():
        site = inv.sites.get(d.site)
        if site is None:
            yield loc.problem(loc.device(d.name, "site"), f"unknown site '{d.site}'")
        elif d.location is not None:
            location = site.location(d.location)
            if location is None:
                yield loc.problem(loc.device(d.name, "location"),
                                  f"site '{d.site}' has no location '{d.location}'")
            elif d.rack is not None and not any(r.name == d.rack for r in location.racks):
                yield loc.problem(loc.device(d.name, "rack"),
                                  f"location '{d.location}' has no rack '{d.rack}'")
        elif d.rack is not None:
            yield loc.problem(loc.device(d.name, "rack"), "a rack needs a location")
        for i, zone in enumerate(d.zones):
            if zone not in inv.zones:
                yield loc.problem(loc.device(d.name, "zones", i), f"unknown zone '{zone}'")
        if d.credentials and d.credentials not in inv.credentials:
            yield loc.problem(loc.device(d.name, "credentials"), f"unknown credential '{d.credentials}'")
        if d.snmp and d.snmp not in inv.snmp_credentials:
            yield loc.problem(loc.device(d.name, "snmp"), f"unknown SNMP credential '{d.snmp}'")
        if d.mgmt_interface and d.interface(d.mgmt_interface) is None:
            yield loc.problem(loc.device(d.name, "mgmt_interface"),
                              f"device has no interface '{d.mgmt_interface}'")
        if d.role in POWER_SOURCE_ROLES and d.capacity_w is None:
            yield loc.problem(loc.device(d.name), "a UPS/EPS needs capacity_w (here or on its device type)")
        seen: set[str] = set()
        for intf in d.interfaces:
            if intf.name in seen:
                yield loc.problem(loc.interface(d.name, intf.name, "name"), f"duplicate interface '{intf.name}'")
            seen.add(intf.name)
            if intf.zone is not None and intf.zone not in inv.zones:
                yield loc.problem(loc.interface(d.name, intf.name, "zone"), f"unknown zone '{intf.zone}'")
            elif intf.zone is not None and intf.zone not in d.zones:
                yield loc.problem(loc.interface(d.name, intf.name, "zone"),
                                  f"zone '{intf.zone}' is not one of the device's zones ({', '.join(d.zones)})")
        vlan_ids = {v.id for v in d.vlans}
        for intf in d.interfaces:
            for vid in ([intf.vlan] if intf.vlan else []) + intf.vlans:
                if vid not in vlan_ids:
                    yield loc.problem(loc.interface(d.name, intf.name), f"VLAN {vid} is not defined in the device's vlans")
    for i, flow in enumerate(inv.flows):
        for side in ("from_zone", "to_zone"):
            if getattr(flow, side) not in inv.zones:
                yield loc.problem(("flows", i, side), f"unknown zone '{getattr(flow, side)}'")
    for kind in ("snmp", "ssh"):
        for name in getattr(inv.lab, kind):
            if name not in inv.devices:
                yield loc.problem(("lab", kind, name), f"unknown device '{name}'")


def check_racks(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    used: dict[tuple, dict[int, str]] = defaultdict(dict)
    for d in inv.devices.values():
        if d.rack is None or d.position is None:
            continue
        site = inv.sites.get(d.site)
        location = site.location(d.location) if site and d.location else None
        rack = next((r for r in location.racks if r.name == d.rack), None) if location else None
        if rack is None:
            continue
        dtype = inv.device_types.get(d.device_type) if d.device_type else None
        height = dtype.u_height if dtype else 1
        top = d.position + max(height, 1) - 1
        if top > rack.u_height:
            yield loc.problem(loc.device(d.name, "position"),
                              f"occupies U{d.position}-U{top} but rack '{rack.name}' has {rack.u_height} U")
        units = used[(d.site, d.location, d.rack)]
        for u in range(d.position, d.position + height):
            if u in units:
                yield loc.problem(loc.device(d.name, "position"), f"U{u} of rack '{rack.name}' is taken by '{units[u]}'")
                break
            units[u] = d.name


def check_addresses(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    owner: dict[ipaddress.IPv4Address, str] = {}
    for d in inv.devices.values():
        mine: set[ipaddress.IPv4Address] = set()
        # (address, where it was written as a path recipe, zones it must lie in)
        places: list[tuple[ipaddress.IPv4Address, tuple, list[str]]] = []
        if d.mgmt_address is not None:
            places.append((d.mgmt_address, ("mgmt_address",), d.zones))
        for intf in d.interfaces:
            if not intf.addresses:
                continue
            zone = d.interface_zone(intf)
            if zone is None:
                yield loc.problem(loc.interface(d.name, intf.name, "zone"),
                                  "an addressed interface of a device in several zones must name its zone")
                continue
            for k, addr in enumerate(intf.addresses):
                places.append((addr.ip, (intf.name, "addresses", k), [zone]))
        for ip, recipe, zones in places:
            def path(recipe: tuple = recipe, name: str = d.name) -> tuple:
                return loc.device(name, *recipe) if len(recipe) == 1 else loc.interface(name, *recipe)

            if ip in owner and owner[ip] != d.name:
                yield loc.problem(path(), f"address {ip} is already used by device '{owner[ip]}'")
            elif ip not in mine:
                owner[ip] = d.name
                mine.add(ip)
            known = [inv.zones[z] for z in zones if z in inv.zones]
            if not known or any(z.contains(ip) for z in known):
                continue
            names = "/".join(z.name for z in known)
            if all(not z.prefixes for z in known):
                other = _zone_for_address(inv.zones, ip)
                if other is not None:
                    yield loc.problem(path(), f"address {ip} lies in zone '{other}' but belongs to zone '{names}'")
            else:
                prefixes = ", ".join(str(p) for z in known for p in z.prefixes)
                yield loc.problem(path(), f"address {ip} is outside zone '{names}' (expected inside {prefixes})")


def check_prefix_overlap(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    flat = [(z.name, i, p) for z in inv.zones.values() for i, p in enumerate(z.prefixes)]
    for a in range(len(flat)):
        for b in range(a + 1, len(flat)):
            (za, _, pa), (zb, ib, pb) = flat[a], flat[b]
            if pa.overlaps(pb):
                where = "twice in zone" if za == zb else f"in zone '{za}' overlaps zone"
                yield loc.problem(loc.at("zones", zb, "prefixes", ib),
                                  f"prefix {pb} overlaps {pa} {where} '{zb}'" if za == zb else
                                  f"prefix {pb} of zone '{zb}' overlaps {pa} of zone '{za}'")


_STRICTNESS = {Isolation.none: 0, Isolation.firewall: 1, Isolation.gatekeeper: 2, Isolation.physical: 3}


def check_links(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    cabled: dict[tuple[str, str], int] = {}
    for i, link in enumerate(inv.links):
        ends = []
        for side in ("a", "b"):
            ep = getattr(link, side)
            device = inv.devices.get(ep.device)
            if device is None:
                yield loc.problem(("links", i, side), f"unknown device '{ep.device}'")
                continue
            intf = device.interface(ep.interface)
            if intf is None:
                yield loc.problem(("links", i, side), f"device '{ep.device}' has no interface '{ep.interface}'")
                continue
            key = (ep.device, ep.interface)
            if key in cabled:
                yield loc.problem(("links", i, side), f"{ep} already has a cable (links[{cabled[key]}])")
                continue
            cabled[key] = i
            ends.append((device, intf))
        if len(ends) != 2:
            continue
        unzoned = [(d, intf) for d, intf in ends if d.interface_zone(intf) is None and len(d.zones) > 1]
        for d, intf in unzoned:
            yield loc.problem(("links", i), f"{d.name}:{intf.name} has no zone, and '{d.name}' stands in zones "
                                            f"{', '.join(d.zones)}: a cabled port of a device in several zones "
                                            "must name its zone (zone: ...)")
        if unzoned:
            continue
        (da, ia), (db, ib) = ends
        if da.name == db.name:
            yield loc.problem(("links", i), f"cable loops back into device '{da.name}'")
            continue
        za, zb = da.interface_zone(ia), db.interface_zone(ib)
        if za is None or zb is None or za == zb or za not in inv.zones or zb not in inv.zones:
            continue
        for d, intf, zone, other in ((da, ia, za, zb), (db, ib, zb, za)):
            if len(d.zones) > 1:
                yield loc.problem(("links", i), f"{d.name}:{intf.name} is in zone '{zone}' but its cable leads into "
                                                f"zone '{other}': a port of a device in several zones is cabled "
                                                "inside its own zone")
        yield from _cross_zone(inv, loc, i, (da, za), (db, zb))


def _cross_zone(inv: Inventory, loc: Locator, i: int, a: tuple[Device, str], b: tuple[Device, str]) -> Iterator[Problem]:
    (da, za), (db, zb) = a, b
    zone_a, zone_b = inv.zones[za], inv.zones[zb]
    strict = max(zone_a.isolation, zone_b.isolation, key=_STRICTNESS.__getitem__)
    roles = {da.role, db.role}
    what = f"cable {da.name} ({za}) - {db.name} ({zb})"
    if strict is Isolation.physical:
        isolated = zone_a if zone_a.isolation is Isolation.physical else zone_b
        yield loc.problem(("links", i), f"{what} breaks the physical isolation of zone '{isolated.name}'")
    elif strict is Isolation.gatekeeper and Role.gatekeeper not in roles:
        yield loc.problem(("links", i), f"{what} joins zones that may meet only through a gatekeeper")
    elif strict is Isolation.firewall and not roles & BOUNDARY_ROLES:
        yield loc.problem(("links", i), f"{what} joins zones without a firewall or gatekeeper at either end")


def check_power(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    policy = inv.settings.power_policy
    load: dict[str, float] = defaultdict(float)
    for d in inv.devices.values():
        dtype = inv.device_types.get(d.device_type) if d.device_type else None
        for k, feed in enumerate(d.power):
            source = inv.devices.get(feed.source)
            path = loc.device(d.name, "power", k)
            if source is None:
                yield loc.problem(path + ("source",), f"unknown power source '{feed.source}'")
                continue
            if source.role not in POWER_SOURCE_ROLES:
                yield loc.problem(path + ("source",), f"'{feed.source}' is a {source.role.value}, not a UPS or EPS")
                continue
            draw = feed.draw_w if feed.draw_w is not None else (dtype.power_draw_w if dtype else None)
            if draw is None:
                yield loc.problem(path, "power draw unknown: set draw_w here or power_draw_w on the device type")
                continue
            load[source.name] += draw
            if d.role in policy.ups_roles and source.role is not Role.ups:
                yield loc.problem(path + ("source",), f"a {d.role.value} is communication equipment and must be "
                                                      f"fed by a UPS, not the {source.role.value} '{source.name}'")
            if d.role in policy.eps_roles and source.role is not Role.eps:
                yield loc.problem(path + ("source",), f"a {d.role.value} is computer equipment and must be "
                                                      f"fed by an EPS, not the {source.role.value} '{source.name}'")
        if not d.power and d.role in set(policy.ups_roles) | set(policy.eps_roles) and d.location:
            site = inv.sites.get(d.site)
            location = site.location(d.location) if site else None
            if location is not None and location.kind in policy.required_in:
                kind = "UPS" if d.role in policy.ups_roles else "EPS"
                yield loc.problem(loc.device(d.name), f"a {d.role.value} in {location.kind.value} "
                                                      f"'{location.name}' must be fed by a {kind} (power: ...)")
    for name, watts in load.items():
        unit = inv.devices[name]
        if unit.capacity_w is not None and watts > unit.capacity_w:
            yield loc.problem(loc.device(name, "capacity_w"),
                              f"load {watts:.0f} W exceeds capacity {unit.capacity_w:.0f} W "
                              f"({100 * watts / unit.capacity_w:.0f} %)")


def check_wireless(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    for d in inv.devices.values():
        dtype = inv.device_types.get(d.device_type) if d.device_type else None
        wireless = d.is_wireless or bool(dtype and dtype.wireless)
        if not wireless:
            continue
        for zone in d.zones:
            z = inv.zones.get(zone)
            if z is not None and not z.wireless_allowed:
                yield loc.problem(loc.device(d.name), f"wireless device in zone '{zone}', which forbids wireless")


def check_zones_of_devices(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """Only boundary devices stand in several zones, as each zone's isolation allows; the
    intranet allows no SNMP v1/v2c."""
    for d in inv.devices.values():
        if len(d.zones) > 1 and d.role not in BOUNDARY_ROLES:
            yield loc.problem(loc.device(d.name, "zones"),
                              f"a {d.role.value} in zones {', '.join(d.zones)} is dual-homed: only a firewall or "
                              "gatekeeper may stand in several zones")
        elif len(d.zones) > 1:
            yield from _boundary_zones(inv, loc, d)
        snmp = inv.snmp_credentials.get(d.snmp) if d.snmp else None
        if snmp is not None and snmp.version != "3":
            for zone in d.zones:
                z = inv.zones.get(zone)
                if z is not None and z.kind.value == "classified":
                    yield loc.problem(loc.device(d.name, "snmp"),
                                      f"zone '{zone}' is classified: SNMP v{snmp.version} is not allowed, use v3 authPriv")


def _boundary_zones(inv: Inventory, loc: Locator, d: Device) -> Iterator[Problem]:
    """A device in several zones joins them: it must be the kind of device their isolation allows,
    and each port it configures says which zone it is in (addressed ports: check_addresses)."""
    for intf in d.interfaces:
        if intf.zone is None and not intf.addresses and (intf.mode or intf.vlan or intf.vlans or intf.description):
            yield loc.problem(loc.interface(d.name, intf.name, "zone"),
                              f"'{d.name}' stands in zones {', '.join(d.zones)}: each port it configures must "
                              "name its zone (zone: ...)")
    for zone in dict.fromkeys(d.zones):
        z = inv.zones.get(zone)
        others = ", ".join(f"'{o}'" for o in dict.fromkeys(d.zones) if o != zone)
        if z is None or not others:
            continue
        if z.isolation is Isolation.physical:
            yield loc.problem(loc.device(d.name, "zones"),
                              f"zone '{zone}' is physically isolated: no device, not even a {d.role.value}, may "
                              f"stand in it and in {others}")
        elif z.isolation is Isolation.gatekeeper and d.role is not Role.gatekeeper:
            yield loc.problem(loc.device(d.name, "zones"),
                              f"zone '{zone}' meets other zones only through a gatekeeper: a {d.role.value} may "
                              f"not stand in it and in {others}")


def check_routes(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    for d in inv.devices.values():
        connected = [a.network for i in d.interfaces for a in i.addresses]
        if not connected:
            continue
        for k, route in enumerate(d.routes):
            if not any(route.next_hop in net for net in connected):
                yield loc.problem(loc.device(d.name, "routes", k, "next_hop"),
                                  f"next hop {route.next_hop} is not on any connected subnet of the device")


# Characters a platform's CLI acts on as they are typed, even inside a description: `?` lists
# help (IOS, VRP, Comware, vtysh) and the rest of the line is never entered as written.
KEYSTROKES: dict[Platform, str] = {
    Platform.cisco_ios: "?", Platform.frr: "?", Platform.huawei_vrp: "?", Platform.hp_comware: "?",
}


def _free_text(annotation: Any, metadata: tuple = ()) -> bool:
    """Whether a field of this type can hold free text (SafeText, str, Any, or models of them).

    Names, interface names and references have patterns that admit no such character: they
    are skipped, which keeps the walk over 10,000 devices short.
    """
    if get_origin(annotation) is Annotated:
        inner, *meta = get_args(annotation)
        return _free_text(inner, tuple(meta))
    if annotation is str:
        patterns = [p for m in metadata for p in [getattr(m, "pattern", None)] + [
            getattr(x, "pattern", None) for x in getattr(m, "metadata", ())] if p]
        return all(p.startswith("^[^") for p in patterns)  # SafeText only excludes characters
    if annotation is Any:
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel) and not issubclass(annotation, Enum)
    return any(_free_text(arg) for arg in get_args(annotation))


@functools.cache
def _text_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, info in cls.model_fields.items() if _free_text(info.annotation, tuple(info.metadata)))


def _find(value: object, keys: str, path: tuple, out: list[tuple[tuple, str]], seen: set[int]) -> None:
    """Append (path within the device, key) for each free-text string holding one of `keys`."""
    if isinstance(value, str):
        out.extend((path, key) for key in keys if key in value)
    elif isinstance(value, BaseModel):
        for name in _text_fields(type(value)):
            item = getattr(value, name)
            if isinstance(item, str):  # inline: most fields are plain strings or empty
                if any(key in item for key in keys):
                    out.extend((path + (name,), key) for key in keys if key in item)
            elif item:
                _find(item, keys, path + (name,), out, seen)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            if isinstance(item, Interface):  # unconfigured ports are shared by every device of a type
                if id(item) in seen or item.description is None and len(_text_fields(Interface)) == 1:
                    continue
                seen.add(id(item))
                _find(item, keys, path + (("by_name", item.name),), out, seen)
            else:
                _find(item, keys, path + (k,), out, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            _find(key, keys, path, out, seen)
            _find(item, keys, path + (key,), out, seen)


def check_keystrokes(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """Refuse text that the device's CLI would act on as keys when a config is pushed."""
    seen: set[int] = set()
    firewalls = set()
    for d in inv.devices.values():
        keys = KEYSTROKES.get(d.platform)
        if not keys:
            continue
        if d.role is Role.firewall:
            firewalls.add(d.platform)
        found: list[tuple[tuple, str]] = []
        _find(d, keys, (), found, seen)
        for path, key in found:
            yield loc.problem(loc.device(d.name, *path), _keystroke_message(key, d.platform))
    for platform in sorted(firewalls):  # flows become rules, with their descriptions, on each firewall
        for k, flow in enumerate(inv.flows):
            for key in KEYSTROKES[platform]:
                if key in (flow.description or ""):
                    yield loc.problem(("flows", k, "description"), _keystroke_message(key, platform))


def keystroke_lines(platform: str, lines: list[str]) -> list[str]:
    """Lines that a platform's CLI would not take as written (a keystroke in them), with why.

    Used by the push driver for lines that never passed validation (`--intended DIR`)."""
    try:
        keys = KEYSTROKES.get(Platform(platform), "")
    except ValueError:
        return []
    return [f"line {n + 1} {line.strip()!r}: {_keystroke_message(key, Platform(platform))}"
            for n, line in enumerate(lines) for key in keys if key in line]


def _keystroke_message(key: str, platform: Platform) -> str:
    return (f"'{key}' is a keystroke on {platform.value} (the CLI answers it with help, so the line would not "
            "be entered as written): remove it")


def check_releases(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """A declared software release must be one the templates are written for (docs/render.md)."""
    from netops.render.releases import ReleaseError, parse_release  # the renderer owns the table
    for t in inv.device_types.values():
        if t.software is not None:
            try:
                parse_release(t.software, t.platform.value)
            except ReleaseError as exc:
                yield loc.problem(loc.at("device_types", t.name, "software"), str(exc))
    for d in inv.devices.values():
        dtype = inv.device_types.get(d.device_type or "")
        if d.software is None or (dtype is not None and dtype.software == d.software):
            continue  # inherited from the type: reported there once
        try:
            parse_release(d.software, d.platform.value)
        except ReleaseError as exc:
            yield loc.problem(loc.device(d.name, "software"), str(exc))


def check_nat(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """Published addresses lie in a firewall's public block; NAT is declared on firewalls only."""
    blocks = {d.name: d.nat.public for d in inv.devices.values() if d.nat is not None}
    for d in inv.devices.values():
        if d.nat is not None and d.role is not Role.firewall:
            yield loc.problem(loc.device(d.name, "nat"), f"nat is for boundary firewalls, not a {d.role.value}")
    for k, flow in enumerate(inv.flows):
        if flow.public_address is None:
            continue
        if not any(flow.public_address in block for block in blocks.values()):
            yield loc.problem(("flows", k, "public_address"),
                              f"{flow.public_address} is in no firewall's nat.public block "
                              f"({', '.join(f'{n}: {b}' for n, b in blocks.items()) or 'no firewall declares nat'})")
        if len(flow.destinations) != 1 or flow.destinations[0] == "any" or flow.destinations[0].prefixlen != 32:
            yield loc.problem(("flows", k, "destinations"),
                              "a published flow (public_address) needs exactly one destination host (/32)")


CHECKS: tuple[Check, ...] = (
    check_references,
    check_racks,
    check_addresses,
    check_prefix_overlap,
    check_links,
    check_power,
    check_wireless,
    check_zones_of_devices,
    check_routes,
    check_keystrokes,
    check_releases,
    check_nat,
)


def validate_inventory(inv: Inventory, src: SourceMap) -> list[Problem]:
    loc = Locator(src)
    return [p for check in CHECKS for p in check(inv, loc)]
