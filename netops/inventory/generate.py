"""Write a complete county network of any size: the sample network and scale test inventories.

The shape follows the seeds: an administrative centre whose main computer room holds the
intranet and extranet cores, the boundary firewall with its IDS, the Internet edge router,
servers, a UPS for communication gear and an EPS for computers; a statistics special
network behind a gatekeeper; towns with separate intranet and extranet equipment; villages
on the extranet through their town, loaded from a CSV.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import yaml

TOWNS = [
    ("wangtai", "王台镇"), ("zhangjialou", "张家楼镇"), ("cangnan", "藏南镇"), ("dachang", "大场镇"),
    ("haiqing", "海青镇"), ("liuwang", "六汪镇"), ("baoshan", "宝山镇"), ("dacun", "大村镇"),
    ("langya", "琅琊镇"), ("boli", "泊里镇"), ("tieshan", "铁山街道"), ("yinzhu", "隐珠街道"),
]
VILLAGES_PER_SWITCH = 46  # a 48-port switch keeps two ports for its router
VILLAGES_PER_BLOCK = 250  # one /24 of village addresses; a town beyond it gets the next block
VILLAGE_BLOCKS = ("10.21", "10.24", "10.25", "10.26", "10.27")  # town t: <block>.t.0/24


def _town_names(count: int) -> list[tuple[str, str]]:
    if count <= len(TOWNS):
        return TOWNS[:count]
    return [(f"town{i + 1:03d}", f"第{i + 1}镇") for i in range(count)]


DEVICE_TYPES: list[dict[str, Any]] = [
    {"name": "huawei-s7706", "manufacturer": "Huawei", "model": "S7706", "platform": "huawei_vrp",
     "software": "VRP V200R019C10",
     "u_height": 10, "power_draw_w": 1200,
     "interfaces": [{"name": f"XGigabitEthernet{slot}/0/{{1-24}}", "kind": "fibre"} for slot in range(1, 9)]
     + [{"name": "GigabitEthernet9/0/{1-48}"}, {"name": "MEth0/0/1", "kind": "management"}]},
    {"name": "h3c-s10508", "manufacturer": "H3C", "model": "S10508", "platform": "hp_comware",
     "software": "Comware 7.1.045",
     "u_height": 14, "power_draw_w": 1500,
     "interfaces": [{"name": f"Ten-GigabitEthernet{slot}/0/{{1-48}}", "kind": "fibre"} for slot in range(1, 5)]
     + [{"name": "GigabitEthernet5/0/{1-48}"}]},
    {"name": "huawei-usg6650", "manufacturer": "Huawei", "model": "USG6650", "platform": "huawei_vrp",
     "software": "USG V500R005C20",
     "u_height": 1, "power_draw_w": 350, "interfaces": [{"name": "GigabitEthernet1/0/{0-7}"}]},
    {"name": "venustech-ids", "manufacturer": "Venustech", "model": "TianTian IDS 2000", "platform": "appliance",
     "u_height": 1, "power_draw_w": 300, "interfaces": [{"name": "eth{0-3}"}]},
    {"name": "netgap-gk", "manufacturer": "Netgap", "model": "One-way gatekeeper GK-1000", "platform": "appliance",
     "u_height": 2, "power_draw_w": 200, "interfaces": [{"name": "eth{0-3}"}]},
    {"name": "cisco-isr4331", "manufacturer": "Cisco", "model": "ISR4331", "platform": "cisco_ios",
     "software": "IOS-XE 17.9",
     "u_height": 1, "power_draw_w": 250, "interfaces": [{"name": "GigabitEthernet0/0/{0-2}"}]},
    {"name": "ibm-x3850", "manufacturer": "IBM", "model": "System x3850 X6 (4-way)", "platform": "linux",
     "u_height": 4, "power_draw_w": 1400, "interfaces": [{"name": "eth{0-3}"}]},
    {"name": "huawei-ups5000", "manufacturer": "Huawei", "model": "UPS5000-E-60K", "platform": "appliance",
     "u_height": 0, "capacity_w": 54000, "interfaces": [{"name": "mgmt0", "kind": "management"}]},
    {"name": "eps-40k", "manufacturer": "Kehua", "model": "EPS 40 kW", "platform": "appliance",
     "u_height": 0, "capacity_w": 40000, "interfaces": [{"name": "mgmt0", "kind": "management"}]},
    {"name": "akcp-sp8", "manufacturer": "AKCP", "model": "sensorProbe8 SP8406i", "platform": "appliance",
     "u_height": 1, "power_draw_w": 10, "interfaces": [{"name": "eth0"}]},
    {"name": "huawei-s5735", "manufacturer": "Huawei", "model": "S5735-L48T4X", "platform": "huawei_vrp",
     "software": "VRP V200R021C10",
     "u_height": 1, "power_draw_w": 60,
     "interfaces": [{"name": "GigabitEthernet0/0/{1-48}"}, {"name": "XGigabitEthernet0/0/{1-4}", "kind": "fibre"}]},
    {"name": "h3c-s5130", "manufacturer": "H3C", "model": "S5130S-52S-EI", "platform": "hp_comware",
     "software": "Comware 7.1.070",
     "u_height": 1, "power_draw_w": 50,
     "interfaces": [{"name": "GigabitEthernet1/0/{1-48}"}, {"name": "Ten-GigabitEthernet1/0/{49-52}", "kind": "fibre"}]},
    {"name": "frr-router", "manufacturer": "netops lab", "model": "FRR 8 router", "platform": "frr",
     "software": "FRR 8.4.4",
     "u_height": 1, "power_draw_w": 60, "interfaces": [{"name": "eth{0-3}"}]},
    {"name": "huawei-ar161", "manufacturer": "Huawei", "model": "AR161", "platform": "huawei_vrp",
     "software": "AR V300R019C10",
     "u_height": 0, "power_draw_w": 20, "uplink": "GigabitEthernet0/0/4",
     "interfaces": [{"name": "GigabitEthernet0/0/{0-4}"}]},
]


def _p2p(t: int) -> tuple[str, str]:
    """The /30 between the extranet core and town t's router: (core side, router side)."""
    base = 4 * t
    return f"10.22.{base // 256}.{base % 256 + 1}", f"10.22.{base // 256}.{base % 256 + 2}"


def _ex_core_port(t: int) -> str:
    return f"Ten-GigabitEthernet{1 + (t - 1) // 47}/0/{(t - 1) % 47 + 1}"


def _in_core_port(t: int) -> str:
    return f"XGigabitEthernet{1 + (t - 1) // 24}/0/{(t - 1) % 24 + 1}"


def _dev(name: str, role: str, dtype: str, site: str, zone: str | list[str], mgmt: str | None, **extra: Any) -> dict:
    device: dict[str, Any] = {"name": name, "role": role, "device_type": dtype, "site": site}
    device["zones" if isinstance(zone, list) else "zone"] = zone
    if mgmt:
        device["mgmt_address"] = mgmt
    device.update(extra)
    return device


def _link(a: str, b: str, media: str = "fibre_sm") -> dict:
    return {"a": a, "b": b, "media": media}


def _centre(town_names: list[tuple[str, str]]) -> tuple[list[dict], list[dict]]:
    towns = len(town_names)
    room = {"location": "main-room"}
    ups = [{"source": "ups-1"}]
    eps = [{"source": "eps-1"}]
    vlan_mgmt = {"id": 100, "name": "mgmt"}
    devices = [
        _dev("in-core-1", "core_switch", "huawei-s7706", "admin-centre", "intranet", "10.10.0.1",
             **room, rack="A01", position=1, description="Intranet core switch", power=ups,
             mgmt_interface="Vlanif100",
             vlans=[vlan_mgmt] + [{"id": 100 + t, "name": f"town{t:02d}"} for t in range(1, towns + 1)],
             interfaces=[{"name": "Vlanif100", "kind": "vlan", "addresses": ["10.10.0.1/24"]}]
             + [{"name": f"Vlanif{100 + t}", "kind": "vlan", "addresses": [f"10.10.{t}.254/24"]}
                for t in range(1, towns + 1)]
             + [{"name": _in_core_port(t), "mode": "trunk", "vlans": [100 + t], "description": f"to {n}-in-sw"}
                for t, (n, _) in enumerate(town_names, start=1)]
             + [{"name": f"GigabitEthernet9/0/{i}", "mode": "access", "vlan": 100} for i in (1, 2)]),
        _dev("in-srv-1", "server", "ibm-x3850", "admin-centre", "intranet", "10.10.0.10", **room, rack="A02",
             position=1, description="Intranet OA, NTP and syslog server", power=eps,
             interfaces=[{"name": "eth0", "addresses": ["10.10.0.10/24"]}]),
        _dev("in-srv-2", "server", "ibm-x3850", "admin-centre", "intranet", "10.10.0.12", **room, rack="A02",
             position=5, description="Intranet monitoring collector", power=eps,
             interfaces=[{"name": "eth0", "addresses": ["10.10.0.12/24"]}]),
        _dev("ex-core-1", "core_switch", "h3c-s10508", "admin-centre", "extranet", "10.20.0.1", **room,
             rack="A03", position=1, description="Extranet core switch", power=ups, mgmt_interface="Vlan-interface100",
             vlans=[vlan_mgmt],
             interfaces=[{"name": "Vlan-interface100", "kind": "vlan", "addresses": ["10.20.0.1/24"]},
                         {"name": "Ten-GigabitEthernet1/0/48", "mode": "routed", "addresses": ["10.20.255.1/30"],
                          "description": "to boundary firewall fw-1"}]
             + [{"name": _ex_core_port(t), "mode": "routed", "addresses": [f"{_p2p(t)[0]}/30"],
                 "description": f"to {n}-ex-rt"} for t, (n, _) in enumerate(town_names, start=1)]
             + [{"name": "GigabitEthernet5/0/{1-9}", "mode": "access", "vlan": 100}],
             routes=[{"prefix": "0.0.0.0/0", "next_hop": "10.20.255.2", "description": "to the Internet via fw-1"}]
             + [r for t in range(1, towns + 1) for r in (
                 {"prefix": f"10.20.{t}.0/24", "next_hop": _p2p(t)[1]},
                 {"prefix": f"10.21.{t}.0/24", "next_hop": _p2p(t)[1]})]),
        _dev("ex-srv-1", "server", "ibm-x3850", "admin-centre", "extranet", "10.20.0.10", **room, rack="A04",
             position=1, description="Extranet OA, NTP and syslog server", power=eps,
             interfaces=[{"name": "eth0", "addresses": ["10.20.0.10/24"]}]),
        _dev("ex-srv-2", "server", "ibm-x3850", "admin-centre", "extranet", "10.20.0.12", **room, rack="A04",
             position=5, description="Extranet monitoring collector", power=eps,
             interfaces=[{"name": "eth0", "addresses": ["10.20.0.12/24"]}]),
        _dev("ex-web-1", "server", "ibm-x3850", "admin-centre", "extranet", "10.20.0.20", **room, rack="A04",
             position=9, description="Government portal web server", power=eps,
             interfaces=[{"name": "eth0", "addresses": ["10.20.0.20/24"]}]),
        _dev("fw-1", "firewall", "huawei-usg6650", "admin-centre", ["extranet", "internet"], "10.20.0.2", **room,
             rack="A05", position=10, description="Boundary firewall extranet-Internet", power=ups,
             mgmt_interface="GigabitEthernet1/0/3", nat={"public": "198.51.100.16/28", "source": "easy-ip"},
             interfaces=[
                 {"name": "GigabitEthernet1/0/0", "zone": "extranet", "mode": "routed",
                  "addresses": ["10.20.255.2/30"], "description": "trust: extranet core"},
                 {"name": "GigabitEthernet1/0/1", "zone": "internet", "mode": "routed",
                  "addresses": ["198.51.100.2/30"], "description": "untrust: Internet edge router"},
                 {"name": "GigabitEthernet1/0/3", "zone": "extranet", "mode": "routed",
                  "addresses": ["10.20.0.2/24"], "description": "management"}],
             routes=[{"prefix": "10.20.0.0/16", "next_hop": "10.20.255.1"},
                     {"prefix": "10.21.0.0/16", "next_hop": "10.20.255.1"},
                     {"prefix": "0.0.0.0/0", "next_hop": "198.51.100.1"}]),
        _dev("ids-1", "ids", "venustech-ids", "admin-centre", "extranet", "10.20.0.3", **room, rack="A05",
             position=12, description="IDS watching the Internet boundary", power=ups,
             interfaces=[{"name": "eth0", "addresses": ["10.20.0.3/24"]}, {"name": "eth1", "description": "mirror from ex-core-1"}]),
        _dev("inet-rt-1", "router", "cisco-isr4331", "admin-centre", "internet", "198.51.100.1", **room, rack="A05",
             position=14, description="Internet edge router", power=ups,
             interfaces=[{"name": "GigabitEthernet0/0/0", "mode": "routed", "addresses": ["198.51.100.6/30"],
                          "description": "ISP uplink"},
                         {"name": "GigabitEthernet0/0/1", "mode": "routed", "addresses": ["198.51.100.1/30"],
                          "description": "to boundary firewall fw-1"}],
             routes=[{"prefix": "0.0.0.0/0", "next_hop": "198.51.100.5", "description": "ISP"}]),
        _dev("gk-1", "gatekeeper", "netgap-gk", "admin-centre", ["stats", "extranet"], "10.20.0.30", **room,
             rack="A06", position=1, description="One-way gatekeeper statistics to extranet", power=ups,
             interfaces=[{"name": "eth0", "zone": "stats", "addresses": ["10.30.0.2/24"]},
                         {"name": "eth1", "zone": "extranet", "addresses": ["10.20.0.30/24"]}]),
        _dev("st-sw-1", "access_switch", "huawei-s5735", "dept-stats", "stats", "10.30.0.1",
             description="Statistics special network switch", mgmt_interface="Vlanif100", vlans=[vlan_mgmt],
             interfaces=[{"name": "Vlanif100", "kind": "vlan", "addresses": ["10.30.0.1/24"]}]
             + [{"name": f"GigabitEthernet0/0/{i}", "mode": "access", "vlan": 100} for i in (1, 2)]),
        _dev("st-srv-1", "server", "ibm-x3850", "dept-stats", "stats", "10.30.0.10",
             description="Statistics reporting server", interfaces=[{"name": "eth0", "addresses": ["10.30.0.10/24"]}]),
        _dev("ups-1", "ups", "huawei-ups5000", "admin-centre", "extranet", "10.20.0.40", **room,
             description="UPS for communication equipment"),
        _dev("eps-1", "eps", "eps-40k", "admin-centre", "extranet", "10.20.0.41", **room,
             description="EPS for computer equipment"),
        _dev("env-1", "environment_monitor", "akcp-sp8", "admin-centre", "extranet", "10.20.0.42", **room,
             rack="A06", position=20, description="Main computer room environment monitor", power=ups),
    ]
    links = [
        _link("in-core-1:GigabitEthernet9/0/1", "in-srv-1:eth0", "cat5e_shielded"),
        _link("in-core-1:GigabitEthernet9/0/2", "in-srv-2:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/1", "ex-srv-1:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/2", "ex-srv-2:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/3", "ex-web-1:eth0", "cat5e_shielded"),
        _link("ex-core-1:Ten-GigabitEthernet1/0/48", "fw-1:GigabitEthernet1/0/0", "fibre_mm"),
        _link("ex-core-1:GigabitEthernet5/0/4", "fw-1:GigabitEthernet1/0/3", "cat5e_shielded"),
        _link("fw-1:GigabitEthernet1/0/1", "inet-rt-1:GigabitEthernet0/0/1", "fibre_mm"),
        _link("ex-core-1:GigabitEthernet5/0/10", "ids-1:eth1", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/5", "ids-1:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/6", "gk-1:eth1", "cat5e_shielded"),
        _link("gk-1:eth0", "st-sw-1:XGigabitEthernet0/0/1", "fibre_sm"),
        _link("st-sw-1:GigabitEthernet0/0/1", "st-srv-1:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/7", "env-1:eth0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/8", "ups-1:mgmt0", "cat5e_shielded"),
        _link("ex-core-1:GigabitEthernet5/0/9", "eps-1:mgmt0", "cat5e_shielded"),
    ]
    return devices, links


def _village_address(t: int, v: int) -> tuple[str, str]:
    """Village v of town t: (mgmt address/24, gateway); blocks of 250 in successive /24s."""
    block, index = divmod(v - 1, VILLAGES_PER_BLOCK)
    prefix = VILLAGE_BLOCKS[block]
    return f"{prefix}.{t}.{index + 1}/24", f"{prefix}.{t}.254"


def _town(t: int, name: str, villages: int) -> tuple[list[dict], list[dict]]:
    site = name
    blocks = max(1, math.ceil(villages / VILLAGES_PER_BLOCK))
    village_gateways = [f"{VILLAGE_BLOCKS[b]}.{t}.254/24" for b in range(blocks)]
    core_port = _ex_core_port(t)
    p2p_core, p2p_router = _p2p(t)
    devices = [
        _dev(f"{name}-in-sw", "access_switch", "huawei-s5735", site, "intranet", f"10.10.{t}.1",
             location="office-centre", description="Town intranet access switch", mgmt_interface=f"Vlanif{100 + t}",
             vlans=[{"id": 100 + t, "name": "intranet"}],
             interfaces=[{"name": f"Vlanif{100 + t}", "kind": "vlan", "addresses": [f"10.10.{t}.1/24"]},
                         {"name": "XGigabitEthernet0/0/1", "mode": "trunk", "vlans": [100 + t],
                          "description": "uplink to in-core-1"}],
             routes=[{"prefix": "10.10.0.0/16", "next_hop": f"10.10.{t}.254", "description": "intranet only"}]),
        _dev(f"{name}-ex-rt", "router", "frr-router", site, "extranet", f"10.20.{t}.1", location="office-centre",
             description="Town extranet router",
             interfaces=[{"name": "eth0", "addresses": [f"{p2p_router}/30"], "description": "uplink to ex-core-1"},
                         {"name": "eth1", "addresses": [f"10.20.{t}.1/24"], "description": "town office LAN"},
                         {"name": "eth2", "addresses": village_gateways, "description": "village access"}],
             routes=[{"prefix": "0.0.0.0/0", "next_hop": p2p_core, "description": "extranet core"}]),
    ]
    links = [
        _link(f"{name}-in-sw:XGigabitEthernet0/0/1", f"in-core-1:{_in_core_port(t)}"),
        _link(f"{name}-ex-rt:eth0", f"ex-core-1:{core_port}"),
    ]
    switches = max(1, math.ceil(villages / VILLAGES_PER_SWITCH))
    for s in range(1, switches + 1):
        sw = f"{name}-ex-sw" if s == 1 else f"{name}-ex-sw{s}"
        interfaces = [{"name": "Vlan-interface100", "kind": "vlan", "addresses": [f"10.20.{t}.{1 + s}/24"]}]
        interfaces += [{"name": f"GigabitEthernet1/0/{{1-{VILLAGES_PER_SWITCH}}}", "mode": "access", "vlan": 200,
                        "description": "village access"}]
        if s == 1:
            interfaces += [{"name": "GigabitEthernet1/0/47", "mode": "access", "vlan": 100, "description": "router LAN"},
                           {"name": "GigabitEthernet1/0/48", "mode": "access", "vlan": 200,
                            "description": "router village access"}]
            interfaces += [{"name": f"Ten-GigabitEthernet1/0/{48 + k}", "mode": "trunk", "vlans": [100, 200]}
                           for k in range(1, switches)]
        else:
            interfaces += [{"name": "Ten-GigabitEthernet1/0/52", "mode": "trunk", "vlans": [100, 200],
                            "description": f"uplink to {name}-ex-sw"}]
            links.append(_link(f"{sw}:Ten-GigabitEthernet1/0/52", f"{name}-ex-sw:Ten-GigabitEthernet1/0/{47 + s}"))
        devices.append(_dev(sw, "access_switch", "h3c-s5130", site, "extranet", f"10.20.{t}.{1 + s}",
                            location="office-centre", description="Town extranet access switch",
                            mgmt_interface="Vlan-interface100",
                            vlans=[{"id": 100, "name": "town-lan"}, {"id": 200, "name": "villages"}],
                            interfaces=interfaces,
                            routes=[{"prefix": "0.0.0.0/0", "next_hop": f"10.20.{t}.1"}]))
    links += [_link(f"{name}-ex-rt:eth1", f"{name}-ex-sw:GigabitEthernet1/0/47", "cat5e_shielded"),
              _link(f"{name}-ex-rt:eth2", f"{name}-ex-sw:GigabitEthernet1/0/48", "cat5e_shielded")]
    return devices, links


def build(towns: int = 12, villages: int = 60) -> dict[str, Any]:
    """The files of a network as {filename: content}; YAML content as data, the CSV as text."""
    town_names = _town_names(towns)
    per_town = [villages // towns + (1 if i < villages % towns else 0) for i in range(towns)]
    if max(per_town) > VILLAGES_PER_BLOCK * len(VILLAGE_BLOCKS):
        raise ValueError(f"at most {VILLAGES_PER_BLOCK * len(VILLAGE_BLOCKS)} villages per town "
                         f"({len(VILLAGE_BLOCKS)} /24s of village addresses each)")
    if towns > 180:
        raise ValueError("at most 180 towns (the cores' port and VLAN plan)")
    devices, links = _centre(town_names)
    sites = [
        {"name": "admin-centre", "kind": "admin_centre", "label": "行政办公中心",
         "locations": [
             {"name": "main-room", "kind": "computer_room", "label": "主控机房", "area_m2": 300,
              "racks": [{"name": f"A0{i}"} for i in range(1, 7)],
              "air_conditioning": [{"name": "pac-1", "kind": "precision", "cooling_kw": 40},
                                   {"name": "pac-2", "kind": "precision", "cooling_kw": 40}],
              "fire_system": {"kind": "gas_fm200", "description": "七氟丙烷气体灭火"}},
             {"name": "training-room", "kind": "training_room", "label": "培训室", "area_m2": 100}]},
        {"name": "dept-stats", "kind": "department", "label": "统计局",
         "locations": [{"name": "equipment-room", "kind": "equipment_room"}]},
    ]
    village_rows = []
    for t, ((name, label), count) in enumerate(zip(town_names, per_town), start=1):
        sites.append({"name": name, "kind": "town", "label": label,
                      "locations": [{"name": "office-centre", "kind": "office", "label": "镇办公中心"}]})
        town_devices, town_links = _town(t, name, count)
        devices += town_devices
        links += town_links
        for v in range(1, count + 1):
            s, port = divmod(v - 1, VILLAGES_PER_SWITCH)
            sw = f"{name}-ex-sw" if s == 0 else f"{name}-ex-sw{s + 1}"
            address, gateway = _village_address(t, v)
            village_rows.append({"name": f"{name}-v{v:03d}", "town": name, "device_type": "huawei-ar161",
                                 "mgmt_address": address, "uplink": f"{sw}:GigabitEthernet1/0/{port + 1}",
                                 "gateway": gateway, "label": f"{label}第{v}村"})
    lab_snmp = {}
    names = [d["name"] for d in devices] + [r["name"] for r in village_rows]
    for i, n in enumerate(names):
        # 250 endpoints per /24 of 127.1.0.0/16, then 127.2.0.0/16 ... (a province passes 62,500)
        lab_snmp[n] = f"127.{1 + i // 62500}.{(i // 250) % 250}.{i % 250 + 1}:1161"
    lab_ssh = [d["name"] for d in devices if d["device_type"] == "frr-router"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["name", "town", "device_type", "mgmt_address", "uplink", "gateway", "label"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(village_rows)
    return {
        "network.yaml": {"settings": _settings(), "zones": _zones(max(per_town)), "flows": _flows()},
        "device_types.yaml": {"device_types": DEVICE_TYPES},
        "credentials.yaml": _credentials(),
        "groups.yaml": _groups(),
        "sites.yaml": {"sites": sites},
        "devices.yaml": {"devices": devices},
        "links.yaml": {"links": links, "villages_csv": ["villages.csv"]},
        "lab.yaml": {"lab": {"snmp": lab_snmp, "ssh": lab_ssh}},
        "villages.csv": out.getvalue(),
    }


def _settings() -> dict:
    return {"name": "Sample county e-government network", "domain": "gov.example", "timezone": "Asia/Shanghai",
            "secrets_file": "~/.config/netops/secrets.yaml"}


def _zones(villages_per_town: int = 0) -> list[dict]:
    blocks = max(1, math.ceil(villages_per_town / VILLAGES_PER_BLOCK))
    extra = [f"{prefix}.0.0/16" for prefix in VILLAGE_BLOCKS[1:blocks]]  # only when a town needs them
    return [
        {"name": "intranet", "label": "政务内网", "kind": "classified", "isolation": "physical",
         "prefixes": ["10.10.0.0/16"], "description": "Classified network: physically isolated from every other",
         "services": {"ntp": ["10.10.0.10"], "syslog": ["10.10.0.10"], "snmp_collectors": ["10.10.0.12"],
                      "management": ["10.10.0.0/24"]}},
        {"name": "extranet", "label": "政务外网", "kind": "government", "isolation": "firewall",
         "prefixes": ["10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16", *extra],
         "description": "E-government network: meets the Internet only through the boundary firewall",
         "services": {"ntp": ["10.20.0.10"], "syslog": ["10.20.0.10"], "snmp_collectors": ["10.20.0.12"],
                      "management": ["10.20.0.0/24"]}},
        {"name": "internet", "label": "互联网", "kind": "public", "isolation": "none",
         "prefixes": ["198.51.100.0/24"], "description": "The Internet edge"},
        {"name": "stats", "label": "统计专网", "kind": "special", "isolation": "gatekeeper",
         "prefixes": ["10.30.0.0/16"], "description": "Statistics special network: reaches the extranet only "
                                                     "through the one-way gatekeeper",
         "services": {"ntp": ["10.30.0.10"], "syslog": ["10.30.0.10"], "snmp_collectors": ["10.30.0.10"],
                      "management": ["10.30.0.0/24"]}},
    ]


def _flows() -> list[dict]:
    return [
        {"name": "extranet-web-out", "from_zone": "extranet", "to_zone": "internet",
         "sources": ["10.20.0.0/16", "10.21.0.0/16"], "protocol": "tcp", "ports": [80, 443],
         "description": "Extranet users browse the web"},
        {"name": "extranet-dns-out", "from_zone": "extranet", "to_zone": "internet",
         "sources": ["10.20.0.10/32"], "protocol": "udp", "ports": [53]},
        {"name": "portal-in", "from_zone": "internet", "to_zone": "extranet",
         "destinations": ["10.20.0.20/32"], "protocol": "tcp", "ports": [443],
         "public_address": "198.51.100.17",
         "description": "Citizens reach the government portal"},
    ]


def _credentials() -> dict:
    return {
        "credentials": [
            {"name": "netops-admin", "username": "netops", "password": {"env": "NETOPS_ADMIN_PASSWORD"}},
            {"name": "netops-lab", "username": "netops", "password": {"env": "NETOPS_LAB_PASSWORD"}},
        ],
        "snmp_credentials": [
            {"name": "snmpv3-intranet", "version": "3", "username": "netops-in", "auth_protocol": "sha",
             "auth_key": {"env": "NETOPS_SNMP_IN_AUTH"}, "priv_protocol": "aes",
             "priv_key": {"env": "NETOPS_SNMP_IN_PRIV"}},
            {"name": "snmpv3-extranet", "version": "3", "username": "netops-ex", "auth_protocol": "sha",
             "auth_key": {"secret": "snmp-ex-auth"}, "priv_protocol": "aes", "priv_key": {"secret": "snmp-ex-priv"}},
            {"name": "snmp-appliance", "version": "2c", "community": {"env": "NETOPS_SNMP_COMMUNITY"}},
        ],
    }


def _groups() -> dict:
    return {
        "defaults": {"name": "defaults", "credentials": "netops-admin", "snmp": "snmpv3-extranet"},
        "groups": [
            {"name": "village", "description": "Village access points (from villages.csv)", "role": "village_ap",
             "zone": "extranet", "tags": ["village"]},
            {"name": "intranet", "description": "Every intranet device", "snmp": "snmpv3-intranet"},
            {"name": "appliance", "description": "UPS, EPS and sensors with an SNMP card only",
             "snmp": "snmp-appliance", "credentials": None},
            {"name": "frr-lab", "description": "Routers the lab provides as FRR over SSH", "credentials": "netops-lab"},
        ],
    }


def _assign_groups(files: dict[str, Any]) -> None:
    for d in files["devices.yaml"]["devices"]:
        groups = []
        if d.get("zone") == "intranet":
            groups.append("intranet")
        if d["device_type"] in ("huawei-ups5000", "eps-40k", "akcp-sp8"):
            groups.append("appliance")
        if d["device_type"] == "frr-router":
            groups.append("frr-lab")
        if groups:
            d["groups"] = groups


def write(directory: Path, towns: int = 12, villages: int = 60) -> list[Path]:
    files = build(towns, villages)
    _assign_groups(files)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = directory / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
        written.append(path)
    return written
