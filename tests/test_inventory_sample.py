"""The bundled sample network loads, validates and has the shape the seeds describe."""

from netops.inventory import load_inventory
from netops.inventory.model import Role
from netops.inventory.summary import summarise


def test_sample_is_valid_and_complete(sample_inventory_dir):
    inv = load_inventory(sample_inventory_dir)
    s = summarise(inv)
    assert s.towns >= 12 and s.villages >= 60
    assert {"intranet", "extranet", "internet", "stats"} <= set(inv.zones)
    room = inv.sites["admin-centre"].location("main-room")
    assert room.area_m2 == 300 and room.air_conditioning and room.fire_system
    roles = {d.role for d in inv.devices.values()}
    assert {Role.core_switch, Role.firewall, Role.ids, Role.ups, Role.eps, Role.environment_monitor,
            Role.gatekeeper, Role.village_ap} <= roles
    for town in (s for s in inv.sites.values() if s.kind.value == "town"):
        zones = {z for d in inv.devices.values() if d.site == town.name for z in d.zones}
        assert {"intranet", "extranet"} <= zones, town.name
    assert all(d.town for d in inv.devices.values() if d.role is Role.village_ap)


def test_villages_come_from_the_csv(sample_inventory_dir):
    inv = load_inventory(sample_inventory_dir)
    v = inv.devices["wangtai-v001"]
    assert v.site == "wangtai-v001" and inv.sites[v.site].town == "wangtai" and v.town == "wangtai"
    assert str(v.mgmt_address) == "10.21.1.1"
    uplink = [link for link in inv.links if link.a.device == v.name]
    assert len(uplink) == 1 and uplink[0].b.device == "wangtai-ex-sw"


def test_power_budget_within_capacity(sample_inventory_dir):
    budget = {p.unit: p for p in summarise(load_inventory(sample_inventory_dir)).power}
    assert budget["ups-1"].load_w > 0 and budget["ups-1"].load_w <= budget["ups-1"].capacity_w
    assert budget["eps-1"].fed_devices == 5
