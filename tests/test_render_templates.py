"""Template choice, fallbacks, the environment's filters and errors that name their template line."""

from __future__ import annotations

import pytest

from netops.inventory import load_inventory
from netops.inventory.model import Route, SnmpCredential
from netops.render import NoTemplate, NotRendered, RenderError, Renderer, RouteOutsideZone, render_device, select_devices
from netops.render.environment import TEMPLATES_ENV, find_templates_dir, vlan_ranges, word
from netops.render.zone_policy import firewall_zones, route_problems
from tests.render_support import ROOT, SAMPLE


@pytest.fixture
def inventory():
    return load_inventory(SAMPLE)


def test_vlan_ranges_compacts_runs_per_platform_style():
    assert vlan_ranges([103, 101, 102, 200, 202, 201, 300]) == "101 to 103 200 to 202 300"
    assert vlan_ranges([100, 200, 201], "-", ",") == "100,200-201"
    assert vlan_ranges([]) == ""


def test_word_makes_one_token():
    assert word("to the Internet via fw-1") == "to_the_Internet_via_fw-1"
    assert word("x" * 100, 10) == "x" * 10
    assert word(None) == ""


def test_platforms_netops_does_not_configure_are_skipped_with_a_reason(inventory):
    with pytest.raises(NotRendered, match="Linux host"):
        render_device(inventory, "in-srv-1")
    with pytest.raises(NotRendered, match="appliance"):
        render_device(inventory, "ups-1")


def test_missing_template_names_platform_role_and_what_was_tried(inventory):
    device = inventory.devices["wangtai-in-sw"]
    device.role = device.role.__class__("router")
    with pytest.raises(NoTemplate) as err:
        render_device(inventory, "wangtai-in-sw")
    assert "no template for platform huawei_vrp role router" in str(err.value)
    assert "huawei_vrp/router.j2" in str(err.value)


def test_role_fallbacks(inventory):
    renderer = Renderer(inventory)
    device = inventory.devices["wangtai-ex-sw"]
    device.role = device.role.__class__("aggregation_switch")
    assert renderer.template_for(device) == "hp_comware/access_switch.j2"
    village = inventory.devices["wangtai-v001"]
    village.role = village.role.__class__("wireless_ap")
    assert renderer.template_for(village) == "huawei_vrp/village_ap.j2"


def test_unknown_device_is_a_clear_error(inventory):
    with pytest.raises(RenderError, match="no device named 'nope'"):
        render_device(inventory, "nope")


def test_templates_dir_from_option_env_or_project(tmp_path, monkeypatch):
    assert find_templates_dir(tmp_path) == tmp_path.resolve()
    assert find_templates_dir(None, {TEMPLATES_ENV: str(tmp_path)}) == tmp_path.resolve()
    monkeypatch.chdir(tmp_path)
    assert find_templates_dir(None, {}) == (ROOT / "templates").resolve()
    with pytest.raises(RenderError, match="no templates directory found"):
        find_templates_dir(tmp_path / "absent")


def test_a_template_error_names_the_template_and_line(inventory, tmp_path):
    (tmp_path / "frr").mkdir()
    (tmp_path / "frr" / "router.j2").write_text("hostname {{ c.hostname }}\n{{ c.no_such_thing }}\n")
    with pytest.raises(RenderError) as err:
        render_device(inventory, "wangtai-ex-rt", templates_dir=tmp_path)
    assert "frr/router.j2:2" in str(err.value) and "no_such_thing" in str(err.value)


def test_template_writing_none_is_refused(inventory, tmp_path):
    (tmp_path / "frr").mkdir()
    (tmp_path / "frr" / "router.j2").write_text("hostname {{ c.mgmt.interface }}\n")
    with pytest.raises(RenderError, match="wrote None"):
        render_device(inventory, "wangtai-ex-rt", templates_dir=tmp_path)


def test_frr_refuses_switch_ports(inventory):
    device = inventory.devices["wangtai-ex-rt"]
    device.interfaces[0] = device.interfaces[0].model_copy(update={"mode": "access"})
    with pytest.raises(RenderError, match="eth0 is access: FRR routes"):
        render_device(inventory, "wangtai-ex-rt")


def test_snmp_v2c_and_missing_credentials_are_refused(inventory):
    inventory.snmp_credentials["snmpv3-extranet"] = SnmpCredential.model_validate(
        {"name": "snmpv3-extranet", "version": "2c", "community": {"env": "X"}})
    with pytest.raises(RenderError, match="SNMPv3 authPriv only"):
        render_device(inventory, "wangtai-ex-rt")
    inventory.devices["inet-rt-1"].credentials = None
    with pytest.raises(RenderError, match="needs a local user"):
        render_device(inventory, "inet-rt-1")


def test_intranet_default_route_is_refused_and_never_rendered(inventory):
    device = inventory.devices["wangtai-in-sw"]
    device.routes.append(Route(prefix="0.0.0.0/0", next_hop="10.10.1.254"))
    problems = route_problems(inventory, device)
    assert any("default route in isolated zone intranet" in p for p in problems)
    with pytest.raises(RouteOutsideZone):
        render_device(inventory, "wangtai-in-sw")
    results = {r.device: r for r in Renderer(inventory).render_many()}
    assert results["wangtai-in-sw"].status == "failed" and results["wangtai-in-sw"].config is None
    assert results["wangtai-ex-sw"].status == "rendered"  # one device's failure stops no other


@pytest.mark.parametrize("prefix, hop, message", [
    ("10.20.0.0/16", "10.10.1.254", "leads outside isolated zone intranet"),
    ("10.10.0.0/16", "10.20.0.1", "next hop lies outside isolated zone intranet"),
])
def test_intranet_routes_toward_other_zones_are_refused(inventory, prefix, hop, message):
    device = inventory.devices["wangtai-in-sw"]
    device.routes = [Route(prefix=prefix, next_hop=hop)]
    assert any(message in p for p in route_problems(inventory, device))


def test_no_route_from_outside_into_the_intranet(inventory):
    device = inventory.devices["wangtai-ex-rt"]
    device.routes.append(Route(prefix="10.10.5.0/24", next_hop="10.22.0.5"))
    assert any("leads into isolated zone intranet" in p for p in route_problems(inventory, device))
    with pytest.raises(RouteOutsideZone):
        render_device(inventory, "wangtai-ex-rt")


def test_firewall_zone_priorities_are_unique_and_avoid_builtin_zones(inventory):
    fw = inventory.devices["fw-1"]
    zones = firewall_zones(inventory, fw)
    priorities = [z.priority for z in zones]
    assert len(set(priorities)) == len(priorities)
    assert not set(priorities) & {100, 85, 50, 5}


def test_select_devices_by_site_role_and_name(inventory):
    wangtai = select_devices(inventory, sites=["wangtai"])
    assert "wangtai-ex-rt" in wangtai and "wangtai-v001" in wangtai and "boli-ex-rt" not in wangtai
    assert select_devices(inventory, sites=["wangtai"], roles=["router"]) == ["wangtai-ex-rt"]
    assert select_devices(inventory, names=["fw-1"]) == ["fw-1"]
    with pytest.raises(RenderError, match="no site named 'atlantis'"):
        select_devices(inventory, sites=["atlantis"])
    with pytest.raises(RenderError, match="unknown role 'toaster'"):
        select_devices(inventory, roles=["toaster"])
    with pytest.raises(RenderError, match="no device named 'nope'"):
        select_devices(inventory, names=["nope"])


def test_render_device_is_the_devices_helpers_entry_point(inventory):
    text = render_device(inventory, "wangtai-ex-rt")
    assert "interface eth0\n ip address 10.22.0.6/30\nexit\n" in text.replace(" description uplink to ex-core-1\n", "")
    assert text.endswith("end\n")


def test_templates_directory_ships_every_platform_role():
    names = {str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*.j2")}
    assert {"huawei_vrp/core_switch.j2", "huawei_vrp/access_switch.j2", "huawei_vrp/village_ap.j2",
            "huawei_vrp/firewall.j2", "hp_comware/core_switch.j2", "hp_comware/access_switch.j2",
            "cisco_ios/router.j2", "cisco_ios/switch.j2", "frr/router.j2"} <= names
