"""Properties of every configuration rendered from the sample network (and a generated one)."""

from __future__ import annotations

import pytest

from netops.inventory import load_inventory
from netops.inventory.generate import write as generate_network
from netops.render import Renderer, render_devices
from netops.render.boundary import nat_routes
from netops.render.zone_policy import LOCAL_ZONE, is_isolated
from tests.render_support import SAMPLE, extended_inventory_dir, parse_config

RENDERED = ("huawei_vrp", "hp_comware", "cisco_ios", "frr")


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(SAMPLE)


@pytest.fixture(scope="module")
def results(inventory):
    return {r.device: r for r in render_devices(inventory)}


@pytest.fixture(scope="module")
def parsed(inventory, results):
    return {name: parse_config(r.platform, r.config) for name, r in results.items() if r.config is not None}


def test_every_renderable_device_renders_and_others_are_skipped_with_a_reason(inventory, results):
    for name, device in inventory.devices.items():
        result = results[name]
        if device.platform.value in RENDERED:
            assert result.status == "rendered", f"{name}: {result.reason}"
            assert result.config.endswith("\n") and result.config.strip()
        else:
            assert result.status == "skipped" and result.reason, name
    assert sum(r.status == "rendered" for r in results.values()) == 101


def test_extended_inventory_renders_every_platform_and_role_fallback(tmp_path):
    inv = load_inventory(extended_inventory_dir(tmp_path / "inv"))
    renderer = Renderer(inv)
    assert renderer.template_for(inv.devices["wangtai-ex-csw"]) == "cisco_ios/switch.j2"
    assert renderer.template_for(inv.devices["wangtai-ex-agg"]) == "hp_comware/access_switch.j2"
    assert all(r.ok for r in renderer.render_many())


def test_same_inventory_gives_same_bytes(inventory, results):
    again = render_devices(load_inventory(SAMPLE))
    assert {r.device: r.config for r in again} == {name: r.config for name, r in results.items()}


def test_hostname_is_the_device_name(parsed):
    for name, p in parsed.items():
        assert p.hostname == name


def test_every_rendered_interface_address_matches_the_inventory(inventory, parsed):
    for name, p in parsed.items():
        device = inventory.devices[name]
        expected = {i.name: list(i.addresses) for i in device.interfaces if i.addresses}
        rendered = {ifname: addrs for ifname, addrs in p.interfaces.items() if addrs}
        assert rendered == expected, name
        assert set(p.interfaces) <= {i.name for i in device.interfaces}, name


def test_rendered_routes_are_exactly_the_inventory_routes(inventory, parsed):
    """Plus, on a public-zone router, the route of each NAT firewall's public block (and nothing else)."""
    for name, p in parsed.items():
        device = inventory.devices[name]
        expected = [(r.prefix, r.next_hop) for r in device.routes]
        expected += [(block, hop) for block, hop, _ in nat_routes(inventory, device)]
        assert p.routes == expected, name
        assert p.discards == ([device.nat.public] if device.nat else []), name
    assert (nat_routes(inventory, inventory.devices["inet-rt-1"])
            == [(inventory.devices["fw-1"].nat.public, inventory.devices["fw-1"].interface("GigabitEthernet1/0/1")
                 .addresses[0].ip, "fw-1")])


def test_no_isolated_device_has_a_default_route_or_a_route_outside_its_zone(inventory, parsed):
    checked = 0
    for name, p in parsed.items():
        zones = [inventory.zones[z] for z in inventory.devices[name].zones]
        isolated = [z for z in zones if is_isolated(z)]
        if not isolated:
            continue
        checked += 1
        prefixes = [pfx for z in isolated for pfx in z.prefixes]
        for prefix, next_hop in p.routes:
            assert prefix.prefixlen > 0, f"{name}: default route"
            assert any(prefix.subnet_of(pfx) for pfx in prefixes), f"{name}: {prefix} leaves the zone"
            assert any(next_hop in pfx for pfx in prefixes), f"{name}: next hop {next_hop}"
    assert checked >= 14  # the intranet core, 12 town switches and the statistics switch


def test_each_firewall_permits_only_inventory_flows_and_ends_in_deny_all(inventory, parsed):
    firewalls = [d for d in inventory.devices.values() if d.role.value == "firewall"]
    assert firewalls
    for fw in firewalls:
        rules = parsed[fw.name].rules
        assert rules, fw.name
        last = rules[-1]
        assert last["action"] == ["deny"]
        assert set(last) <= {"name", "description", "action"}, "the last rule must match everything"
        flows = {f.name: f for f in inventory.flows if f.from_zone in fw.zones and f.to_zone in fw.zones}
        permitted = [r for r in rules[:-1]]
        assert all(r["action"] == ["permit"] for r in permitted)
        for rule in permitted:
            name = rule["name"][0]
            zones = (rule["source-zone"][0], rule["destination-zone"][0])
            if LOCAL_ZONE in zones:  # the firewall's own management and services only
                assert name.startswith("netops-"), name
                continue
            flow = flows.pop(name)
            assert zones == (flow.from_zone, flow.to_zone)
        assert not flows, f"flows not permitted: {sorted(flows)}"


def test_firewall_zones_bind_every_addressed_interface(inventory, results):
    fw = inventory.devices["fw-1"]
    text = results["fw-1"].config
    for interface in fw.interfaces:
        if interface.addresses:
            zone = fw.interface_zone(interface)
            block = text.split(f"firewall zone name {zone}\n", 1)[1].split("#", 1)[0]
            assert f" add interface {interface.name}\n" in block


def test_hardening_lldp_logging_ntp_and_snmpv3_in_every_config(inventory, results):
    for name, r in results.items():
        if r.config is None:
            continue
        device = inventory.devices[name]
        zone = inventory.zones[device.zone]
        text = r.config
        lines = text.splitlines()
        assert not any(line.strip() in ("telnet server enable", "transport input telnet") for line in lines)
        assert "community" not in text, name  # never an SNMP v1/v2c community
        for ip in zone.services.syslog + zone.services.ntp:
            assert str(ip) in text, f"{name}: {ip}"
        if r.platform == "frr":
            assert "lldpd enabled" in text and "snmpd v3 authPriv" in text
            continue
        assert any("lldp" in line and ("enable" in line or "run" in line) for line in lines), name
        assert any(line.strip() in ("undo telnet server enable",) or line.strip() == "transport input ssh"
                   for line in lines), name
        snmp = inventory.snmp_credentials[device.snmp]
        assert any(snmp.username in line and ("privacy" in line or " priv " in line) for line in lines), name
        for ip in zone.services.snmp_collectors:
            assert any(str(ip) in line and ("privacy" in line or "priv" in line) for line in lines), name


def test_management_acl_permits_exactly_the_zone_management_prefixes(inventory, results):
    for name, r in results.items():
        if r.config is None or r.platform == "frr":
            continue
        zone = inventory.zones[inventory.devices[name].zone]
        text = r.config
        acl = text.split("NETOPS-MGMT\n" if r.platform == "cisco_ios" else " 2000\n", 1)[1].split("deny", 1)[0]
        permitted = [line.split()[-2:] for line in acl.splitlines() if "permit" in line]
        expected = [[str(p.network_address), str(p.hostmask)] for p in zone.services.management]
        assert permitted == expected, name


def test_generated_network_renders_every_device(tmp_path):
    generate_network(tmp_path / "gen", 3, 30)
    inv = load_inventory(tmp_path / "gen")
    results = render_devices(inv)
    failed = [(r.device, r.reason) for r in results if r.status == "failed"]
    assert not failed
    assert sum(r.status == "rendered" for r in results) >= 30
    for r in results:
        if r.config is not None:
            device = inv.devices[r.device]
            p = parse_config(r.platform, r.config)
            assert {k: v for k, v in p.interfaces.items() if v} == {
                i.name: list(i.addresses) for i in device.interfaces if i.addresses}


def test_addresses_on_the_wire_are_what_the_inventory_says(inventory, parsed):
    """Every address rendered anywhere lies in one of the device's zones' prefixes."""
    for name, p in parsed.items():
        device = inventory.devices[name]
        prefixes = [pfx for z in device.zones for pfx in inventory.zones[z].prefixes]
        for addrs in p.interfaces.values():
            for a in addrs:
                assert any(a.ip in pfx for pfx in prefixes), f"{name}: {a}"
