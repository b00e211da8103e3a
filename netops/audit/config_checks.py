"""Layer 2, configuration: what each device is configured to do, checked against its zone.

Pure functions over the inventory, the policy and the parsed configurations. A device that
should have a configuration but has none (or an unreadable one) gets UNKNOWN for every
check that applies to it: nothing is passed unseen.
"""

from __future__ import annotations

import ipaddress
from netops.audit import boundary_config
from netops.audit.config_files import LoadedConfig
from netops.audit.configs import PARSERS, forget_lines
from netops.audit.configs.model import ParsedConfig, PolicyRule, Service
from netops.audit.findings import Finding, Verdict, failed, passed, unknown
from netops.audit.intent import address_zone_problem
from netops.audit.policy import FirewallBoundary, InlineFlow, Policy, boundary_flows, snmpv3_zones, untrusted_zone
from netops.audit.zone_rules import ZoneRules
from netops.inventory.model import Device, Flow, Inventory, Role

CONFIG_PLATFORMS = set(PARSERS)


def device_zones(d: Device) -> list[str]:
    zones = list(d.zones)
    for intf in d.interfaces:
        if intf.zone is not None and intf.zone not in zones:
            zones.append(intf.zone)
    return zones


def firewall_boundaries_of(d: Device, policy: Policy) -> list[FirewallBoundary]:
    if d.role is not Role.firewall and not any(d.name in b.firewalls for b in policy.firewall_boundaries):
        return []
    return [b for b in policy.firewall_boundaries if (d.name in b.firewalls) or (not b.firewalls and d.role is Role.firewall)]


def config_targets(inv: Inventory, policy: Policy) -> list[Device]:
    """Devices that must have a configuration: managed platforms, and every boundary firewall."""
    return [d for d in inv.devices.values()
            if d.platform.value in CONFIG_PLATFORMS or firewall_boundaries_of(d, policy)]


def applicable_checks(d: Device, inv: Inventory, policy: Policy, rules: ZoneRules, v3_zones: set[str],
                      sensors: dict[str, list] | None = None) -> list[str]:
    """`sensors`: boundary_config.sensor_ports of the whole network, computed once per audit."""
    zones = device_zones(d)
    checks = ["config.address-in-zone"]
    if rules.isolated(zones):
        checks.append("config.route-isolation")
    if policy.hardening.forbid_telnet:
        checks.append("config.no-telnet")
    if set(zones) & v3_zones:
        checks.append("config.snmp-v3")
    if firewall_boundaries_of(d, policy):
        checks += ["config.firewall-default-deny", "config.firewall-no-any-any", "config.firewall-flows",
                   "config.firewall-local", "config.boundary-logging", boundary_config.NAT_CHECK]
    if (d.name in sensors) if sensors is not None else boundary_config.ids_mirror_applies(d, inv, policy):
        checks.append(boundary_config.MIRROR_CHECK)
    return checks


def audit_configs(inv: Inventory, policy: Policy, rules: ZoneRules, configs: dict[str, LoadedConfig],
                  source: str) -> list[Finding]:
    """Every config check for every device that should have a configuration."""
    try:
        return _audit_configs(inv, policy, rules, configs, source)
    finally:
        forget_lines()  # the boundary checks' readers parse text too: none of it outlives the layer


def _audit_configs(inv: Inventory, policy: Policy, rules: ZoneRules, configs: dict[str, LoadedConfig],
                   source: str) -> list[Finding]:
    v3_zones = snmpv3_zones(policy, inv)
    sensors = boundary_config.sensor_ports(inv, policy)
    findings: list[Finding] = []
    for d in config_targets(inv, policy):
        checks = applicable_checks(d, inv, policy, rules, v3_zones, sensors)
        loaded = configs.get(d.name)
        problem = _evidence_problem(d, loaded, source)
        if problem is not None:
            findings.append(unknown("config.evidence", d.name, problem))
            findings += [unknown(c, d.name, f"no usable configuration: {problem}") for c in checks]
            continue
        assert loaded is not None and loaded.parsed is not None
        cfg = loaded.parsed
        where = dict(observed_at=loaded.observed_at, source=loaded.path)
        evidence = [f"{loaded.path} sha256 {loaded.sha256}"] + ([f"commit {loaded.commit}"] if loaded.commit else [])
        findings.append(passed("config.evidence", d.name, f"{cfg.platform} configuration, {cfg.lines} lines, "
                               f"complete, naming {d.name}, chosen by {loaded.ranked_by or 'file'}",
                               evidence=evidence + cfg.relocated, **where))
        for check in checks:
            finding = unplaced(CHECKS[check](d, cfg, inv, policy, rules), cfg)
            finding.observed_at = loaded.observed_at
            finding.source = finding.source or loaded.path
            findings.append(finding)
    return findings


def _evidence_problem(d: Device, loaded: LoadedConfig | None, source: str) -> str | None:
    """Why this file is not evidence about this device: missing, unreadable, ambiguous, another
    dialect, incomplete, another device's, or without an interface the inventory addresses or zones."""
    if loaded is None:
        return f"no configuration for {d.name} in {source}"
    if loaded.error is not None or loaded.parsed is None:
        return loaded.error or "unreadable configuration"
    if loaded.problems:
        return f"{loaded.path}: {'; '.join(loaded.problems)}"
    hostname = loaded.parsed.hostname
    if hostname != d.name:
        return f"{loaded.path} is the configuration of '{hostname}', not {d.name}"
    configured = loaded.parsed.interfaces
    missing = [i.name for i in d.interfaces if (i.addresses or i.zone is not None) and i.name not in configured]
    if missing:  # names are case-insensitive on the devices
        lowered = {name.lower() for name in configured}
        missing = [name for name in missing if name.lower() not in lowered]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return (f"{loaded.path} lacks interface(s) the inventory addresses or zones: {shown} "
                "(truncated, or not this device's configuration)")
    return None


def unplaced(finding: Finding, cfg: ParsedConfig) -> Finding:
    """A PASS over a configuration holding lines of the check's kind that the audit could not place
    or read is not a PASS: UNKNOWN, naming the lines."""
    kind = UNPLACED_KIND.get(finding.check)
    lines = cfg.unplaced.get(kind, []) if kind else []
    if not lines or finding.verdict is not Verdict.PASS:
        if lines:
            finding.evidence += [f"{line} (not placed)" for line in lines]
        return finding
    return unknown(finding.check, finding.target, f"{len(lines)} {kind} line(s) the audit cannot place or read",
                   evidence=[str(line) for line in lines] + finding.evidence, source=finding.source)


# --- per-device checks ----------------------------------------------------------------------


def _interface_zone(d: Device, name: str) -> tuple[str | None, bool]:
    """(zone, known): the inventory's zone of a configured interface (sub-interfaces by parent)."""
    intf = d.interface(name) or d.interface(name.split(".")[0])
    if intf is not None:
        zone = d.interface_zone(intf)
        return zone, zone is not None
    zones = device_zones(d)
    return (zones[0], True) if len(zones) == 1 else (None, False)


def check_addresses(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.address-in-zone"
    bad, undecided, seen = [], [], 0
    for intf in cfg.interfaces.values():
        for addr, line in intf.addresses:
            seen += 1
            zone, known = _interface_zone(d, intf.name)
            if not known or zone is None:
                undecided.append(f"{line}: interface {intf.name} has no zone in the inventory")
                continue
            problem = address_zone_problem(inv, [zone], addr.ip)
            if problem:
                bad.append(f"{line}: {intf.name} {problem}")
    if bad:
        return failed(check, d.name, f"{len(bad)} configured address(es) outside the interface's zone",
                      evidence=bad + undecided)
    if undecided:
        return unknown(check, d.name, "the zone of some configured interfaces is unknown", evidence=undecided)
    return passed(check, d.name, f"{seen} configured address(es), each inside its zone" if seen
                  else "no interface address configured")


def check_routes(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.route-isolation"
    zones = device_zones(d)
    bad = []
    for route in cfg.routes:
        if route.discard:
            continue
        problem = rules.route_problem(zones, route.prefix, route.next_hop)
        if problem:
            bad.append(f"{route.line}: {problem}")
    notes = [f"{line}: dynamic routing: its routes are checked live (live.route-isolation)"
             for line in cfg.dynamic_routing]
    if bad:
        return failed(check, d.name, f"{len(bad)} static route(s) lead out of zone {'/'.join(zones)}",
                      evidence=bad + notes)
    return passed(check, d.name, f"{len(cfg.routes)} static route(s), none leading out of {'/'.join(zones)}",
                  evidence=[str(r.line) for r in cfg.routes[:20]] + notes)


def check_telnet(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.no-telnet"
    state = cfg.telnet
    evidence = [str(line) for line in state.evidence]
    if cfg.http.enabled is True:
        return failed(check, d.name, "the plain-HTTP management server is enabled: passwords would cross the "
                                     "network in clear", evidence=[str(line) for line in cfg.http.evidence] + evidence)
    if state.enabled is True:
        return failed(check, d.name, "telnet is enabled: management passwords would cross the network in clear",
                      evidence=evidence)
    if state.enabled is False:
        return passed(check, d.name, "telnet is disabled", evidence=evidence)
    return unknown(check, d.name, "the configuration does not say whether telnet is enabled (the software "
                                  "default decides): disable it explicitly")


def check_snmp(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.snmp-v3"
    state = cfg.snmp
    evidence = [str(line) for line in state.evidence]
    if state.configured is None:
        return unknown(check, d.name, f"the SNMP agent of a {cfg.platform} device is configured outside this "
                                      "file (snmpd.conf)", evidence=evidence)
    if not state.configured:
        return passed(check, d.name, "no SNMP agent configured")
    weak = sorted(state.versions & {"v1", "v2c"})
    if weak or state.legacy:
        what = f"SNMP {'/'.join(weak)} enabled" if weak else "SNMPv1/v2c communities, groups, users or targets"
        return failed(check, d.name, f"{what} in a zone that allows only SNMPv3",
                      evidence=[str(line) for line in state.legacy] + evidence)
    return passed(check, d.name, "SNMPv3 only", evidence=evidence)


# --- firewall checks -------------------------------------------------------------------------


def _zone_map(d: Device, cfg: ParsedConfig) -> dict[str, set[str]]:
    """Firewall security zone -> inventory zones of the interfaces bound to it."""
    out: dict[str, set[str]] = {}
    for name, interfaces in cfg.security_zones.items():
        zones: set[str] = set()
        for intf in interfaces:
            zone, known = _interface_zone(d, intf)
            if known and zone is not None:
                zones.add(zone)
        out[name] = zones
    return out


def _is_any_any(rule: PolicyRule) -> bool:
    return rule.sources is None and rule.destinations is None


def _rule_text(rule: PolicyRule) -> str:
    src = "any" if rule.sources is None else ",".join(map(str, rule.sources))
    dst = "any" if rule.destinations is None else ",".join(map(str, rule.destinations))
    svc = "any" if rule.services is None else ",".join(
        s.protocol + (":" + "/".join(map(str, s.ports)) if s.ports else "") for s in rule.services)
    zones = f"{','.join(rule.source_zones) or 'any'}->{','.join(rule.destination_zones) or 'any'}"
    return f"line {rule.line.number}: rule {rule.name} [{zones} {src} -> {dst} {svc} {rule.action or '?'}]"


def check_default_deny(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.firewall-default-deny"
    if cfg.rules is None:
        return failed(check, d.name, "no security policy in the configuration: nothing shows a default deny")
    active = [r for r in cfg.rules if r.enabled]
    if cfg.default_action is not None and cfg.default_action[0] != "deny":
        action, line = cfg.default_action
        return failed(check, d.name, f"the default action is {action}", evidence=[str(line)])
    last = active[-1] if active else None
    if last is not None and last.action == "deny" and _is_any_any(last) and last.services is None \
            and not last.source_zones and not last.destination_zones and not last.unresolved:
        return passed(check, d.name, f"the policy ends with rule {last.name}: deny everything",
                      evidence=[_rule_text(last)])
    if cfg.default_action is not None:
        return passed(check, d.name, "the default action is deny", evidence=[str(cfg.default_action[1])])
    return unknown(check, d.name, "the policy does not end in an explicit deny-all rule and the default "
                                  "action is not written: the software default decides",
                   evidence=[_rule_text(last)] if last else [])


def check_any_any(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.firewall-no-any-any"
    if cfg.rules is None:
        return unknown(check, d.name, "no security policy in the configuration")
    zmap = _zone_map(d, cfg)
    bad, unsure, evidence = [], [], []
    if cfg.default_action is not None and cfg.default_action[0] == "permit":
        bad.append(f"{cfg.default_action[1]}: default action permit lets any address reach any address")
    for b in firewall_boundaries_of(d, policy):
        outside = untrusted_zone(b, inv)
        untrusted = {sz for sz, zones in zmap.items() if outside in zones}
        if not untrusted:
            unsure.append(f"no firewall zone is bound to an interface of zone '{outside}' "
                          f"(zones: {', '.join(f'{k}={sorted(v)}' for k, v in zmap.items()) or 'none'})")
            continue
        evidence.append(f"untrusted side '{outside}' = firewall zone(s) {', '.join(sorted(untrusted))}")
        for rule in cfg.rules:
            if not rule.enabled or rule.action != "permit":
                continue
            from_outside = not rule.source_zones or bool(set(rule.source_zones) & untrusted)
            if not from_outside:
                continue
            if _is_any_any(rule) and not rule.unresolved:
                bad.append(f"{_rule_text(rule)}: permits any to any from '{outside}'")
            elif rule.unresolved and (rule.sources is None or rule.destinations is None):
                unsure.append(f"{_rule_text(rule)}: unresolved {', '.join(rule.unresolved)}")
    if bad:
        return failed(check, d.name, f"{len(bad)} any-to-any permit(s) from the untrusted side",
                      evidence=bad + unsure + evidence)
    if unsure:
        return unknown(check, d.name, "some rules could not be read", evidence=unsure + evidence)
    return passed(check, d.name, f"{len(cfg.rules)} rule(s), no any-to-any permit from the untrusted side",
                  evidence=evidence)


def _nets_covered(rule_nets: list[ipaddress.IPv4Network] | None, flow_nets: list) -> bool:
    if "any" in flow_nets:
        return True
    if rule_nets is None:
        return False
    return all(any(isinstance(f, ipaddress.IPv4Network) and n.subnet_of(f) for f in flow_nets) for n in rule_nets)


def _services_covered(services: list[Service] | None, flow: Flow | InlineFlow) -> bool:
    if services is None:
        return flow.protocol == "any" and not flow.ports
    for s in services:
        if flow.protocol != "any" and s.protocol != flow.protocol:
            return False
        if flow.ports and (not s.ports or not set(s.ports) <= set(flow.ports)):
            return False
    return True


def check_flows(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.firewall-flows"
    if cfg.rules is None:
        return unknown(check, d.name, "no security policy in the configuration")
    zmap = _zone_map(d, cfg)
    boundaries = firewall_boundaries_of(d, policy)
    flows = [f for b in boundaries for f in boundary_flows(b, inv)]
    boundary_pairs = {frozenset(b.zones) for b in boundaries}
    all_zones = set().union(*zmap.values()) if zmap else set(device_zones(d))
    uncovered, unsure, matched, notes = [], [], [], []
    for rule in cfg.rules:
        if not rule.enabled or rule.action != "permit":
            continue
        if rule.unresolved:
            unsure.append(f"{_rule_text(rule)}: unresolved {', '.join(rule.unresolved)}")
            continue
        if "local" in rule.source_zones or "local" in rule.destination_zones:
            notes.append(f"{_rule_text(rule)}: traffic to or from the firewall itself, not a zone flow")
            continue
        sides = []
        for names in (rule.source_zones, rule.destination_zones):
            if not names:
                sides.append(all_zones)
                continue
            unmapped = [n for n in names if not zmap.get(n)]
            if unmapped:
                sides.append(None)
                unsure.append(f"{_rule_text(rule)}: firewall zone(s) {', '.join(unmapped)} have no interface "
                              "of a known inventory zone")
            else:
                sides.append(set().union(*(zmap[n] for n in names)))
        if None in sides:
            continue
        pairs = [(a, b) for a in sorted(sides[0]) for b in sorted(sides[1]) if a != b]
        if not pairs:
            notes.append(f"{_rule_text(rule)}: within one zone, not a boundary flow")
            continue
        for a, b in pairs:
            if frozenset((a, b)) not in boundary_pairs:
                uncovered.append(f"{_rule_text(rule)}: permits {a} -> {b}, which no firewall boundary "
                                 "of the policy joins")
                continue
            flow = next((f for f in flows if f.from_zone == a and f.to_zone == b
                         and _nets_covered(rule.sources, f.sources)
                         and _nets_covered(rule.destinations, f.destinations)
                         and _services_covered(rule.services, f)), None)
            if flow is None:
                uncovered.append(f"{_rule_text(rule)}: permits {a} -> {b} beyond every allowed flow")
            else:
                matched.append(f"{_rule_text(rule)}: allowed flow {flow.name}")
    if uncovered:
        return failed(check, d.name, f"{len(uncovered)} permit(s) not covered by an allowed flow",
                      evidence=uncovered + unsure + matched + notes)
    if unsure:
        return unknown(check, d.name, "some permit rules could not be read", evidence=unsure + matched + notes)
    return passed(check, d.name, f"{len(matched)} permit(s), each an allowed flow", evidence=matched + notes)


def _untrusted_zones(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy) -> tuple[set[str], list[str]]:
    """Firewall zones bound to an interface of a boundary's untrusted inventory zone, and what could not be mapped."""
    zmap = _zone_map(d, cfg)
    found: set[str] = set()
    unsure: list[str] = []
    for b in firewall_boundaries_of(d, policy):
        outside = untrusted_zone(b, inv)
        mine = {sz for sz, zones in zmap.items() if outside in zones}
        if not mine:
            unsure.append(f"no firewall zone is bound to an interface of zone '{outside}'")
        found |= mine
    return found, unsure


def _reaches_local(rule: PolicyRule, cfg: ParsedConfig) -> bool:
    """Zone `local` is the firewall itself; a rule with no destination zone reaches it when its
    destinations include one of the firewall's own addresses (or are any)."""
    if "local" in rule.destination_zones:
        return True
    if rule.destination_zones:
        return False
    if rule.destinations is None:
        return True
    own = [addr.ip for intf in cfg.interfaces.values() for addr, _ in intf.addresses]
    return any(ip in net for net in rule.destinations for ip in own)


def check_local(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    """The firewall's own plane: a permit from the untrusted side into `local` opens the firewall's
    management (SSH, SNMP, HTTPS, telnet...) to the Internet, whatever the service."""
    check = "config.firewall-local"
    if cfg.rules is None:
        return unknown(check, d.name, "no security policy in the configuration")
    untrusted, unsure = _untrusted_zones(d, cfg, inv, policy)
    bad, notes = [], []
    for rule in cfg.rules:
        if not rule.enabled or rule.action != "permit":
            continue
        from_outside = not rule.source_zones or bool(set(rule.source_zones) & untrusted)
        if not from_outside or not _reaches_local(rule, cfg):
            if "local" in rule.destination_zones:
                notes.append(f"{_rule_text(rule)}: to the firewall from inside")
            continue
        if rule.unresolved and "local" not in rule.destination_zones:
            unsure.append(f"{_rule_text(rule)}: unresolved {', '.join(rule.unresolved)}")
            continue
        side = "any zone" if not rule.source_zones else ", ".join(sorted(set(rule.source_zones) & untrusted))
        bad.append(f"{_rule_text(rule)}: permits {side} (untrusted side) to the firewall itself")
    if cfg.default_action is not None and cfg.default_action[0] == "permit":
        bad.append(f"{cfg.default_action[1]}: default action permit lets the untrusted side reach the firewall")
    if bad:
        return failed(check, d.name, f"{len(bad)} permit(s) from the untrusted side to the firewall itself",
                      evidence=bad + unsure + notes)
    if unsure:
        return unknown(check, d.name, "the untrusted side of the firewall could not be told", evidence=unsure + notes)
    return passed(check, d.name, "nothing from the untrusted side reaches the firewall itself", evidence=notes)


def check_logging(d: Device, cfg: ParsedConfig, inv: Inventory, policy: Policy, rules: ZoneRules) -> Finding:
    check = "config.boundary-logging"
    collectors = {ip for z in device_zones(d) if z in inv.zones for ip in inv.zones[z].services.syslog}
    hosts = [f"{line}: loghost {ip}" for ip, line in cfg.loghosts]
    if not cfg.loghosts:
        if cfg.local_syslog_only:
            return unknown(check, d.name, "logs go to the local syslog; where they are forwarded is not in this file")
        return failed(check, d.name, "the boundary firewall sends its logs nowhere (no loghost)")
    if not collectors:
        return passed(check, d.name, "logs are sent to a loghost (the zones declare no collector to compare)",
                      evidence=hosts)
    if any(ip in collectors for ip, _ in cfg.loghosts):
        return passed(check, d.name, "logs are sent to the zone's syslog collector", evidence=hosts)
    return failed(check, d.name, f"logs go to {', '.join(str(ip) for ip, _ in cfg.loghosts)}, not to the "
                                 f"declared collectors {', '.join(map(str, sorted(collectors)))}", evidence=hosts)


# which kind of unplaced line (ParsedConfig.unplaced) makes a check UNKNOWN
UNPLACED_KIND = {
    "config.route-isolation": "route",
    "config.no-telnet": "telnet",
    "config.snmp-v3": "snmp",
    "config.firewall-default-deny": "firewall",
    "config.firewall-no-any-any": "firewall",
    "config.firewall-flows": "firewall",
    "config.firewall-local": "firewall",
}

CHECKS = {
    "config.address-in-zone": check_addresses,
    "config.route-isolation": check_routes,
    "config.no-telnet": check_telnet,
    "config.snmp-v3": check_snmp,
    "config.firewall-default-deny": check_default_deny,
    "config.firewall-no-any-any": check_any_any,
    "config.firewall-flows": check_flows,
    "config.firewall-local": check_local,
    "config.boundary-logging": check_logging,
    boundary_config.NAT_CHECK: boundary_config.check_boundary_nat,
    boundary_config.MIRROR_CHECK: boundary_config.check_ids_mirror,
}
