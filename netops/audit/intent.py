"""Layer 1, intent: what the inventory's cables and devices say, checked against the policy.

Pure functions over (Inventory, CableGraph, Policy). The inventory may be one the validator
rejects (a cable from the intranet to the extranet is exactly what we look for): these
checks evaluate what is there and name each counterexample path device by device.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from typing import Callable, Iterable, Iterator

from netops.audit.findings import Finding, PathStep, failed, passed, path_text, steps_from_hops, unknown
from netops.audit.policy import FirewallBoundary, Policy, isolated_pairs
from netops.errors import Problem
from netops.inventory.graph import CableGraph, Hop
from netops.inventory.model import Device, Inventory, Role, ZoneKind
from netops.inventory.source import SourceMap

MAX_PATHS = 25  # counterexamples listed per target; the rest are counted


class IntentContext:
    """Per-audit lookups every intent check shares: zones of each device, cable sources."""

    def __init__(self, inv: Inventory, graph: CableGraph, policy: Policy, src: SourceMap | None = None):
        self.inv = inv
        self.graph = graph
        self.policy = policy
        self.src = src
        self._device_index: dict[str, int] | None = None
        self.zones: dict[str, list[str]] = {}
        for d in inv.devices.values():
            zones = list(d.zones)
            for intf in d.interfaces:
                if intf.zone is not None and intf.zone not in zones:
                    zones.append(intf.zone)
            self.zones[d.name] = zones
        self.members: dict[str, set[str]] = {}
        for name, zones in self.zones.items():
            for z in zones:
                self.members.setdefault(z, set()).add(name)

    def zones_of(self, device: str) -> list[str]:
        return self.zones.get(device, [])

    def cable_source(self, index: int) -> str | None:
        if self.src is None:
            return None
        file, line = self.src.locate(("links", index))
        return f"{file}:{line}" if line else None

    def device_source(self, name: str) -> str | None:
        if self.src is None:
            return None
        if self._device_index is None:
            self._device_index = {}
            for i, item in enumerate(self.src.doc.get("devices", [])):
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    self._device_index.setdefault(item["name"], i)
        i = self._device_index.get(name)
        if i is None:
            return None
        file, line = self.src.locate(("devices", i))
        return f"{file}:{line}" if line else None

    def end_zones(self, device: str, interface: str) -> list[str]:
        """The zones a cable end belongs to: its interface's zone, else the device's."""
        d = self.inv.devices.get(device)
        if d is None:
            return []
        intf = d.interface(interface)
        zone = d.interface_zone(intf) if intf is not None else None
        return [zone] if zone is not None else self.zones_of(device)

    def steps(self, hops: list[Hop]) -> list[PathStep]:
        return steps_from_hops(hops, self.zones_of)

    def hop_evidence(self, hops: Iterable[Hop]) -> list[str]:
        out = []
        for hop in hops:
            where = self.cable_source(hop.link_index)
            out.append(f"cable {hop.device}:{hop.interface} -- {hop.peer}:{hop.peer_interface}"
                       + (f" ({where})" if where else ""))
        return out


def bfs(graph: CableGraph, sources: Iterable[str], is_target: Callable[[str], bool],
        may_cross: Callable[[str], bool], banned: set[int] = frozenset()) -> list[Hop] | None:  # type: ignore[assignment]
    """Shortest cable path from any source to a target, not continuing through uncrossable devices."""
    parent: dict[str, Hop | None] = {}
    queue: deque[str] = deque()
    for s in sources:
        if s in graph.adjacent and s not in parent:
            parent[s] = None
            queue.append(s)
    while queue:
        current = queue.popleft()
        for hop in graph.adjacent[current]:
            if hop.peer in parent or hop.link_index in banned:
                continue
            parent[hop.peer] = hop
            if is_target(hop.peer):
                path = [hop]
                while (back := parent[path[0].device]) is not None:
                    path.insert(0, back)
                return path
            if may_cross(hop.peer):
                queue.append(hop.peer)
    return None


# --- inventory problems ----------------------------------------------------------------------


def check_inventory_problems(problems: list[Problem]) -> Iterator[Finding]:
    """The validator's problems are audit findings: an inventory that lies proves nothing."""
    check = "intent.inventory-valid"
    if not problems:
        yield passed(check, "inventory", "the inventory loads and passes every semantic check")
        return
    for p in sorted(set(problems)):
        target = f"{p.file}:{p.line}" if p.line else p.file
        yield failed(check, target + (f" {p.field}" if p.field else ""), p.message,
                     source=target, evidence=[str(p)])


# --- physical isolation ----------------------------------------------------------------------


def check_physical_isolation(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.physical-isolation"
    for a, b in isolated_pairs(ctx.policy, ctx.inv):
        target = f"{a} | {b}"
        members_a = ctx.members.get(a, set())
        members_b = ctx.members.get(b, set())
        paths: list[list[PathStep]] = []
        evidence: list[str] = []
        for name in sorted(members_a & members_b):
            paths.append([PathStep(name, ctx.zones_of(name))])
            evidence.append(f"device {name} stands in both '{a}' and '{b}'"
                            + (f" ({w})" if (w := ctx.device_source(name)) else ""))
        total = len(paths)
        for index, link in enumerate(ctx.inv.links):
            for x, y in ((link.a, link.b), (link.b, link.a)):
                if x.device not in members_a or y.device in members_a:
                    continue
                where = ctx.cable_source(index)
                if y.device not in ctx.inv.devices:
                    total += 1
                    if len(paths) < MAX_PATHS:
                        paths.append([PathStep(x.device, ctx.zones_of(x.device), None, x.interface),
                                      PathStep(y.device, [], y.interface, None)])
                        evidence.append(f"cable {x}--{y} leaves '{a}' to a device the inventory does not "
                                        f"declare: it may reach '{b}'" + (f" ({where})" if where else ""))
                    continue
                exit_hop = Hop(x.device, x.interface, y.device, y.interface, index)
                if y.device in members_b:
                    rest: list[Hop] | None = []
                else:
                    rest = bfs(ctx.graph, [y.device], lambda n: n in members_b,
                               lambda n: n not in members_a, banned={index})
                if rest is None:
                    continue
                total += 1
                if len(paths) < MAX_PATHS:
                    hops = [exit_hop] + rest
                    paths.append(ctx.steps(hops))
                    evidence.append(f"path {path_text(paths[-1])}")
                    evidence += ctx.hop_evidence(hops[:1])
        if total:
            more = f" (first {MAX_PATHS} listed)" if total > MAX_PATHS else ""
            yield failed(check, target, f"zone '{a}' reaches zone '{b}': {total} counterexample "
                                        f"path(s){more}; the zones must be physically isolated",
                         paths=paths, evidence=evidence)
        else:
            yield passed(check, target, f"no cable path joins '{a}' ({len(members_a)} devices) and "
                                        f"'{b}' ({len(members_b)} devices)")


# --- dual homing ----------------------------------------------------------------------------


def _approved_zones(ctx: IntentContext, d: Device) -> tuple[list[set[str]], list[str]]:
    """The zone sets this device may join, and notes on approvals it lacks."""
    allowed: list[set[str]] = []
    notes: list[str] = []
    for g in ctx.policy.gatekeepers:
        if g.device == d.name:
            if d.role is Role.gatekeeper:
                allowed.append(set(g.zones))
            else:
                notes.append(f"the policy approves {d.name} as a gatekeeper but its role is {d.role.value}")
    if d.role is Role.firewall:
        for b in ctx.policy.firewall_boundaries:
            if not b.firewalls or d.name in b.firewalls:
                allowed.append(set(b.zones))
    return allowed, notes


def check_dual_homing(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.dual-homing"
    for d in ctx.inv.devices.values():
        attached: dict[str, list[str]] = {}
        for z in ctx.zones_of(d.name):
            attached.setdefault(z, []).append("declared zone")
        for hop in ctx.graph.neighbours(d.name):
            for z in ctx.end_zones(hop.peer, hop.peer_interface):
                attached.setdefault(z, []).append(f"{hop.interface} -> {hop.peer}:{hop.peer_interface}")
        if len(attached) <= 1:
            zone = next(iter(attached), "no zone")
            yield passed(check, d.name, f"one zone: {zone}")
            continue
        zones = set(attached)
        allowed, notes = _approved_zones(ctx, d)
        evidence = [f"{z}: {', '.join(why[:6])}" + (f" (+{len(why) - 6} more)" if len(why) > 6 else "")
                    for z, why in sorted(attached.items())] + notes
        if any(zones <= ok for ok in allowed):
            yield passed(check, d.name, f"approved {d.role.value} joining {', '.join(sorted(zones))}",
                         evidence=evidence)
        else:
            yield failed(check, d.name, f"{d.role.value} {d.name} is dual-homed across "
                                        f"{', '.join(sorted(zones))} without approval in the policy",
                         evidence=evidence, source=ctx.device_source(d.name))


# --- firewall boundaries --------------------------------------------------------------------


def _devices_of_role(ctx: IntentContext, named: list[str], role: Role, label: str) -> tuple[list[str], list[str]]:
    """The devices the policy names for a role (each checked), or every device of that role."""
    if not named:
        return [d.name for d in ctx.inv.devices.values() if d.role is role], []
    found, problems = [], []
    for name in named:
        d = ctx.inv.devices.get(name)
        if d is None:
            problems.append(f"{label} {name} is not in the inventory")
        elif d.role is not role:
            problems.append(f"{label} {name} has role {d.role.value}, not {role.value}")
        else:
            found.append(name)
    return found, problems


def _boundary_firewalls(ctx: IntentContext, b: FirewallBoundary) -> tuple[set[str], list[str]]:
    found, problems = _devices_of_role(ctx, b.firewalls, Role.firewall, "approved firewall")
    return set(found), problems


def check_firewall_boundaries(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.firewall-boundary"
    for b in ctx.policy.firewall_boundaries:
        x, y = b.zones
        target = f"{b.name} ({x} | {y})"
        firewalls, problems = _boundary_firewalls(ctx, b)
        members_x = ctx.members.get(x, set()) - firewalls
        members_y = ctx.members.get(y, set()) - firewalls
        paths: list[list[PathStep]] = []
        evidence = list(problems)
        for name in sorted(members_x & members_y):
            paths.append([PathStep(name, ctx.zones_of(name))])
            evidence.append(f"{name} is not an approved firewall yet stands in both '{x}' and '{y}'")
        banned: set[int] = set()
        while len(paths) < MAX_PATHS:
            hops = bfs(ctx.graph, sorted(members_x), lambda n: n in members_y,
                       lambda n: n not in firewalls, banned)
            if hops is None:
                break
            paths.append(ctx.steps(hops))
            evidence.append(f"bypass {path_text(paths[-1])}")
            crossing = next((h for h in hops if h.peer not in members_x), hops[-1])
            evidence += ctx.hop_evidence([crossing])
            banned.add(crossing.link_index)
        through = []
        for f in sorted(firewalls):
            seen = set(ctx.zones_of(f))
            for h in ctx.graph.neighbours(f):
                seen.update(ctx.end_zones(h.peer, h.peer_interface))
            if {x, y} <= seen:
                through.append(f)
        if paths:
            yield failed(check, target, f"{len(paths)} path(s) between '{x}' and '{y}' avoid every approved "
                                        f"firewall ({', '.join(sorted(firewalls)) or 'none'})",
                         paths=paths, evidence=evidence)
        elif problems:
            yield failed(check, target, "; ".join(problems), evidence=evidence)
        elif through:
            yield passed(check, target, f"every cable path between '{x}' and '{y}' crosses {', '.join(through)}",
                         evidence=[f"approved firewalls: {', '.join(sorted(firewalls))}"])
        else:
            yield passed(check, target, f"'{x}' and '{y}' are not connected at all",
                         evidence=[f"approved firewalls: {', '.join(sorted(firewalls)) or 'none'}"])


def check_ids_coverage(ctx: IntentContext) -> Iterator[Finding]:
    """An IDS cabled to a boundary firewall (mirror port), or next to it on the boundary's switch."""
    check = "intent.ids-coverage"
    for b in ctx.policy.firewall_boundaries:
        target = f"{b.name} ({' | '.join(b.zones)})"
        firewalls, _ = _boundary_firewalls(ctx, b)
        candidates, evidence = _devices_of_role(ctx, b.ids, Role.ids, "IDS named by the policy")
        near_fw = {h.peer for f in firewalls for h in ctx.graph.neighbours(f)}
        watching = []
        for ids in sorted(candidates):
            for hop in ctx.graph.neighbours(ids):
                if hop.peer in firewalls:
                    watching.append(f"{ids}:{hop.interface} -- {hop.peer}:{hop.peer_interface} "
                                    "(boundary firewall port)")
                elif hop.peer in near_fw and set(ctx.zones_of(hop.peer)) & set(b.zones):
                    watching.append(f"{ids}:{hop.interface} -- {hop.peer}:{hop.peer_interface} "
                                    "(switch beside the boundary firewall)")
        if watching and not evidence:
            yield passed(check, target, f"watched by {', '.join(sorted({w.split(':')[0] for w in watching}))}",
                         evidence=watching)
        else:
            reason = "; ".join(evidence) if evidence else (
                "no IDS is cabled to a boundary firewall or to a switch beside it"
                if candidates else "the inventory has no IDS")
            yield failed(check, target, reason, evidence=watching + evidence)


def check_boundary_audit(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.boundary-audit"
    for b in ctx.policy.firewall_boundaries:
        target = f"{b.name} ({' | '.join(b.zones)})"
        evidence, missing = [], []
        for z in b.zones:
            zone = ctx.inv.zones.get(z)
            if zone is None:
                missing.append(f"zone {z} is not in the inventory")
            elif zone.kind is ZoneKind.public:
                evidence.append(f"{z}: public zone, audited from the other side")
            elif zone.services.syslog:
                evidence.append(f"{z}: syslog collectors {', '.join(map(str, zone.services.syslog))}")
            else:
                missing.append(f"zone {z} declares no syslog collector for boundary logs")
        if missing:
            yield failed(check, target, "; ".join(missing), evidence=evidence)
        else:
            yield passed(check, target, "boundary logs have a declared collector", evidence=evidence)


# --- addresses, prefixes, wireless ----------------------------------------------------------


def check_prefix_overlap(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.prefix-overlap"
    zones = sorted(ctx.inv.zones.values(), key=lambda z: z.name)
    for i, za in enumerate(zones):
        for zb in zones[i + 1:]:
            hits = [f"{pa} ({za.name}) overlaps {pb} ({zb.name})"
                    for pa in za.prefixes for pb in zb.prefixes if pa.overlaps(pb)]
            target = f"{za.name} | {zb.name}"
            if hits:
                yield failed(check, target, f"prefixes of '{za.name}' and '{zb.name}' overlap: an address "
                                            "could not be assigned to one zone", evidence=hits)
            else:
                yield passed(check, target, "no overlap",
                             evidence=[f"{za.name}: {', '.join(map(str, za.prefixes)) or 'none'}; "
                                       f"{zb.name}: {', '.join(map(str, zb.prefixes)) or 'none'}"])


def check_wireless(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.no-wireless"
    closed = {z.name for z in ctx.inv.zones.values() if not z.wireless_allowed}
    for d in ctx.inv.devices.values():
        zones = [z for z in ctx.zones_of(d.name) if z in closed]
        if not zones:
            continue
        dtype = ctx.inv.device_types.get(d.device_type) if d.device_type else None
        radios = [i.name for i in d.interfaces if i.kind.value == "wireless"]
        if d.role is Role.wireless_ap or radios or (dtype is not None and dtype.wireless):
            why = ([f"role {d.role.value}"] if d.role is Role.wireless_ap else []) + \
                  [f"wireless interface {r}" for r in radios] + \
                  ([f"device type {dtype.name} is wireless"] if dtype is not None and dtype.wireless else [])
            yield failed(check, d.name, f"wireless device in zone {', '.join(zones)}, which forbids wireless",
                         evidence=why, source=ctx.device_source(d.name))
        else:
            yield passed(check, d.name, f"no radio in zone {', '.join(zones)}")


def address_zone_problem(inv: Inventory, zones: list[str], ip: ipaddress.IPv4Address) -> str | None:
    """An address must lie in one of its zones' prefixes (or, for zones without, in no other zone)."""
    known = [inv.zones[z] for z in zones if z in inv.zones]
    if not known:
        return f"{ip}: zone {'/'.join(zones) or '?'} is not in the inventory"
    value = int(ip)
    if any(value & int(p.netmask) == int(p.network_address) for z in known for p in z.prefixes):
        return None
    if all(not z.prefixes for z in known):
        other = next((z.name for z in inv.zones.values() if z.contains(ip)), None)
        return None if other is None else f"{ip} lies in zone '{other}', not '{'/'.join(zones)}'"
    expected = ", ".join(str(p) for z in known for p in z.prefixes)
    return f"{ip} lies outside zone '{'/'.join(zones)}' ({expected})"


def check_addresses(ctx: IntentContext) -> Iterator[Finding]:
    check = "intent.address-in-zone"
    inv = ctx.inv
    for d in inv.devices.values():
        seen, bad, undecided = 0, [], []
        if d.mgmt_address is not None:
            seen += 1
            problem = address_zone_problem(inv, d.zones, d.mgmt_address)
            if problem:
                bad.append(f"mgmt_address: {problem}")
        for intf in d.interfaces:
            if not intf.addresses:
                continue
            zone = d.interface_zone(intf)
            for addr in intf.addresses:
                seen += 1
                if zone is None:
                    undecided.append(f"{intf.name} {addr}: interface of a multi-zone device names no zone")
                    continue
                problem = address_zone_problem(inv, [zone], addr.ip)
                if problem:
                    bad.append(f"{intf.name}: {problem}")
        if not seen:
            continue
        if bad:
            yield failed(check, d.name, f"{len(bad)} address(es) outside their zone", evidence=bad + undecided,
                         source=ctx.device_source(d.name))
        elif undecided:
            yield unknown(check, d.name, "zone of some addresses cannot be decided", evidence=undecided)
        else:
            yield passed(check, d.name, f"{seen} address(es) inside their zone")


def _flows_out_of(inv: Inventory, zone: str, ip: ipaddress.IPv4Address) -> list[str]:
    """Flows that name this host as a source toward another zone, or its zone's collector as a
    destination from another zone: a monitoring path across the boundary."""
    out = []
    for flow in inv.flows:
        names = [p for p in flow.sources if p != "any" and p.prefixlen == 32 and ip in p]
        if flow.from_zone == zone and flow.to_zone != zone and names:
            out.append(f"flow {flow.name}: {ip} -> zone {flow.to_zone}")
        dests = [p for p in flow.destinations if p != "any" and ip in p and p.prefixlen == 32]
        if flow.to_zone == zone and flow.from_zone != zone and dests:
            out.append(f"flow {flow.name}: zone {flow.from_zone} -> {ip}")
    return out


def check_monitoring_hosts(ctx: IntentContext) -> Iterator[Finding]:
    """Each zone's collector (exporter, Prometheus, Alertmanager, trap receiver: `netops monitor
    plan` puts them there) sits in the zone it watches and reaches no other zone."""
    from netops.stack.plan import federation_problems

    check = "intent.monitoring-hosts"
    inv = ctx.inv
    owners: dict[ipaddress.IPv4Address, list[str]] = {}
    for zone in inv.zones.values():
        for ip in zone.services.snmp_collectors:
            owners.setdefault(ip, []).append(zone.name)
    hosts: dict[ipaddress.IPv4Address, Device] = {}
    for d in inv.devices.values():
        for ip in [d.mgmt_address] + [a.ip for i in d.interfaces for a in i.addresses]:
            if ip is not None:
                hosts.setdefault(ip, d)
    for zone in sorted(inv.zones.values(), key=lambda z: z.name):
        for ip in zone.services.snmp_collectors:
            bad = []
            if zone.prefixes and not zone.contains(ip):
                bad.append(f"{ip} lies outside zone {zone.name} ({', '.join(map(str, zone.prefixes))})")
            bad += [f"{ip} lies in zone {z.name} too" for z in inv.zones.values()
                    if z.name != zone.name and z.contains(ip)]
            bad += [f"{ip} is also the collector of zone {z}: one host would watch two zones"
                    for z in owners[ip] if z != zone.name]
            host = hosts.get(ip)
            if host is not None and set(ctx.zones_of(host.name)) - {zone.name}:
                bad.append(f"{ip} is {host.name}, which stands in zones {', '.join(ctx.zones_of(host.name))}")
            bad += _flows_out_of(inv, zone.name, ip)
            target = f"{zone.name} collector {ip}"
            if bad:
                yield failed(check, target, "the monitoring host is not confined to its zone", evidence=bad)
            else:
                yield passed(check, target, f"inside {zone.name} only; no flow or federation leaves it")
    for problem in federation_problems(inv):
        yield failed(check, "federation", problem)


INTENT_CHECKS = (
    check_physical_isolation,
    check_dual_homing,
    check_firewall_boundaries,
    check_ids_coverage,
    check_boundary_audit,
    check_prefix_overlap,
    check_wireless,
    check_addresses,
    check_monitoring_hosts,
)


def audit_intent(inv: Inventory, policy: Policy, problems: list[Problem], src: SourceMap | None = None,
                 graph: CableGraph | None = None) -> list[Finding]:
    """Every intent check; validation problems become findings rather than stopping the audit."""
    ctx = IntentContext(inv, graph or CableGraph(inv), policy, src)
    findings = list(check_inventory_problems(problems))
    for check in INTENT_CHECKS:
        findings.extend(check(ctx))
    return findings
