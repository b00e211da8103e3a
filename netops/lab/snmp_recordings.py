"""Simulated SNMP agents' data: snmpsim recordings generated from the inventory.

Every device of the lab gets a recording built from what the inventory says it is: the
system group, one IF-MIB row per interface (oper up where a cable is declared and the far
end is up), LLDP remote entries matching the declared cables, entity CPU/memory/temperature
for Huawei and H3C, a Huawei firewall's session table, HOST-RESOURCES for servers, RFC 1628 UPS-MIB values for UPS/EPS and an
AKCP sensorProbe sensor table for the room monitor. A *state* per device (UPS on battery,
room hot, village down, ...) changes the values so alerts can be seen firing.

These are simulations of devices that cannot exist here (Huawei, H3C, UPS cards, sensors):
every sysDescr says "netops lab simulated agent". Everything here is pure; `lab/snmp.py`
writes the files and runs snmpsim.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from netops.inventory.graph import CableGraph
from netops.inventory.model import Device, Interface, InterfaceKind, Inventory, Platform, Role
from netops.inventory.summary import power_budget
from netops.monitoring import uplink_interfaces

SIMULATED = "netops lab simulated agent"

# --- states ---------------------------------------------------------------------------------

UPS_STATES = ("normal", "on_battery", "low_battery", "battery_bad", "overload")
SENSOR_STATES = ("normal", "warm", "hot", "humid", "dry", "leak", "smoke", "door_open")
COMMON_STATES = ("normal", "down", "up")


def states_for(device: Device) -> tuple[str, ...]:
    """The simulated states `netops lab set` accepts for this device."""
    if device.role in (Role.ups, Role.eps):
        return UPS_STATES + ("down", "up")
    if device.role is Role.environment_monitor:
        return SENSOR_STATES + ("down", "up")
    return COMMON_STATES


def normalise_state(state: str) -> str:
    """'up' is the opposite of 'down': both mean the agent answers; 'up' resets to normal."""
    return "normal" if state == "up" else state


# --- OIDs -----------------------------------------------------------------------------------

SYSTEM = "1.3.6.1.2.1.1"
IF_NUMBER = "1.3.6.1.2.1.2.1.0"
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"
ENT_PHYSICAL = "1.3.6.1.2.1.47.1.1.1.1"
HW_ENTITY_STATE = "1.3.6.1.4.1.2011.5.25.31.1.1.1.1"  # HUAWEI-ENTITY-EXTENT-MIB hwEntityStateEntry
H3C_ENTITY_STATE = "1.3.6.1.4.1.25506.2.6.1.1.1.1"  # HH3C-ENTITY-EXT-MIB hh3cEntityExtStateEntry
HW_SEC_STAT_SESS = "1.3.6.1.4.1.2011.6.122.15.1.2.1"  # HUAWEI-SECURITY-STAT-MIB hwSecStatMonitorGlobalSessFlow
HR_STORAGE = "1.3.6.1.2.1.25.2.3.1"
HR_DEVICE = "1.3.6.1.2.1.25.3.2.1"
HR_PROCESSOR_LOAD = "1.3.6.1.2.1.25.3.3.1.2"
UCD = "1.3.6.1.4.1.2021"
UPS = "1.3.6.1.2.1.33.1"
UPS_ALARM_WELL_KNOWN = "1.3.6.1.2.1.33.1.6.3"
AKCP_TEMP = "1.3.6.1.4.1.3854.1.2.2.1.16.1"
AKCP_HUMIDITY = "1.3.6.1.4.1.3854.1.2.2.1.17.1"
AKCP_SWITCH = "1.3.6.1.4.1.3854.1.2.2.1.18.1"
LLDP_LOC = "1.0.8802.1.1.2.1.3"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"

# RFC 1628 upsWellKnownAlarms
ALARM_BATTERY_BAD = 1
ALARM_ON_BATTERY = 2
ALARM_LOW_BATTERY = 3
ALARM_INPUT_BAD = 6
ALARM_OUTPUT_OVERLOAD = 8

SYS_OBJECT_ID = {
    Platform.huawei_vrp: "1.3.6.1.4.1.2011.2.23.1",
    Platform.hp_comware: "1.3.6.1.4.1.25506.11.1.1",
    Platform.cisco_ios: "1.3.6.1.4.1.9.1.1861",
    Platform.frr: "1.3.6.1.4.1.8072.3.2.10",
    Platform.linux: "1.3.6.1.4.1.8072.3.2.10",
}
APPLIANCE_OBJECT_ID = {
    Role.ups: "1.3.6.1.2.1.33",
    Role.eps: "1.3.6.1.2.1.33",
    Role.environment_monitor: "1.3.6.1.4.1.3854.1",
}


class Varbind(NamedTuple):
    oid: str
    tag: str  # snmprec type: 2 INTEGER, 4 OCTET STRING, 4x hex, 6 OID, 65/66/67/70, 67:numeric
    value: str


@dataclass
class LabNetwork:
    """What every recording needs to know about the rest of the network."""

    inventory: Inventory
    states: dict[str, str] = field(default_factory=dict)
    graph: CableGraph | None = None
    uplinks: dict[str, set[str]] | None = None

    def __post_init__(self) -> None:
        if self.graph is None:
            self.graph = CableGraph(self.inventory)
        if self.uplinks is None:
            self.uplinks = uplink_interfaces(self.inventory, self.graph)

    def state(self, device: str) -> str:
        return self.states.get(device, "normal")

    def is_down(self, device: str) -> bool:
        return self.state(device) == "down"


# --- helpers --------------------------------------------------------------------------------


def _seed(*parts: object) -> int:
    """A stable number from names: the same inventory always gives the same recordings."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _text(value: str) -> tuple[str, str]:
    """snmprec OCTET STRING: plain when safe, hex (`4x`) for non-ASCII, '|' or line breaks."""
    if value.isascii() and value.isprintable() and "|" not in value:
        return "4", value
    return "4x", value.encode("utf-8").hex()


def _s(oid: str, value: str) -> Varbind:
    tag, text = _text(value)
    return Varbind(oid, tag, text)


def _i(oid: str, value: int) -> Varbind:
    return Varbind(oid, "2", str(int(value)))


def base_mac(device: str) -> bytes:
    """A locally administered MAC for the device (02:...), stable per name."""
    seed = _seed("mac", device)
    return bytes([0x02]) + seed.to_bytes(8, "big")[:5]


def interface_mac(device: str, if_index: int) -> bytes:
    mac = bytearray(base_mac(device))
    mac[5] = (mac[5] + if_index) % 256
    mac[4] = (mac[4] + if_index // 256) % 256
    return bytes(mac)


def sys_descr(device: Device) -> str:
    model = device.model or device.device_type or device.role.value
    if device.platform is Platform.huawei_vrp:
        return f"Huawei Versatile Routing Platform Software, VRP (R) software, HUAWEI {model} ({SIMULATED})"
    if device.platform is Platform.hp_comware:
        return f"H3C Comware Platform Software, Software Version 7.1.070, H3C {model} ({SIMULATED})"
    if device.platform is Platform.cisco_ios:
        return f"Cisco IOS XE Software, {model} Software, Version 16.9.4 ({SIMULATED})"
    if device.platform is Platform.frr:
        return f"Linux {device.name} 6.1.0 x86_64, FRRouting 8.4 ({SIMULATED})"
    if device.platform is Platform.linux:
        return f"Linux {device.name} 4.18.0 x86_64 ({SIMULATED})"
    return f"{device.manufacturer or ''} {model} ({SIMULATED})".strip()


def speed_mbps(interface: Interface) -> int:
    name = interface.name.lower()
    if interface.kind is InterfaceKind.management or name.startswith(("meth", "mgmt")):
        return 100
    if name.startswith(("xgigabit", "ten-gigabit", "10ge")):
        return 10_000
    if name.startswith(("fortygig", "40ge")):
        return 40_000
    if name.startswith(("hundredgig", "100ge")):
        return 100_000
    return 1000


IF_TYPE = {
    InterfaceKind.ethernet: 6,
    InterfaceKind.fibre: 6,
    InterfaceKind.management: 6,
    InterfaceKind.wireless: 71,
    InterfaceKind.lag: 161,
    InterfaceKind.vlan: 136,
    InterfaceKind.loopback: 24,
    InterfaceKind.power: 1,
}

LLDP_SPEAKERS = {Platform.huawei_vrp, Platform.hp_comware, Platform.cisco_ios, Platform.frr, Platform.linux}


def lldp_capabilities(device: Device) -> str:
    """LLDP system capabilities BITS as hex: bridge 0x20, router 0x08, station 0x01."""
    if device.role in (Role.core_switch, Role.aggregation_switch):
        return "28"
    if device.role in (Role.access_switch,):
        return "20"
    if device.role in (Role.router, Role.firewall, Role.village_ap, Role.gatekeeper):
        return "08"
    return "01"


# --- groups of objects ----------------------------------------------------------------------


def system_group(device: Device, net: LabNetwork) -> list[Varbind]:
    site = net.inventory.sites.get(device.site)
    where = "/".join(p for p in (device.site, device.location, device.rack) if p)
    if site is not None and site.label:
        where = f"{site.label} {where}"
    uptime_days = 1 + _seed("uptime", device.name) % 200
    return [
        _s(f"{SYSTEM}.1.0", sys_descr(device)),
        Varbind(f"{SYSTEM}.2.0", "6", SYS_OBJECT_ID.get(device.platform)
                or APPLIANCE_OBJECT_ID.get(device.role, "1.3.6.1.4.1.8072.3.2.10")),
        Varbind(f"{SYSTEM}.3.0", "67:numeric", f"rate=100,initial={uptime_days * 8_640_000}"),
        _s(f"{SYSTEM}.4.0", "netops lab"),
        _s(f"{SYSTEM}.5.0", device.name),
        _s(f"{SYSTEM}.6.0", where),
        _i(f"{SYSTEM}.7.0", 78 if device.role not in (Role.server,) else 72),
    ]


def interface_oper_up(device: Device, interface: Interface, net: LabNetwork) -> bool:
    """Up when enabled and either logical (VLAN, loopback) or cabled to a device that is up."""
    if not interface.enabled:
        return False
    if interface.kind in (InterfaceKind.vlan, InterfaceKind.loopback):
        return True
    peers = [h for h in net.graph.neighbours(device.name) if h.interface == interface.name]
    if peers:
        return not any(net.is_down(h.peer) for h in peers)
    if interface.kind is InterfaceKind.lag:
        return True
    # an uncabled management port of an appliance is its only link: keep it up
    return len(device.interfaces) == 1


def interface_alias(device: Device, interface: Interface, net: LabNetwork) -> str:
    """ifAlias as netops writes port descriptions: the inventory's, else the cable's far end;
    ports toward the centre start with "uplink" (what the UplinkDown alert looks for)."""
    text = interface.description or ""
    if not text:
        hop = next((h for h in net.graph.neighbours(device.name) if h.interface == interface.name), None)
        text = f"to {hop.peer} {hop.peer_interface}" if hop else ""
    if interface.name in net.uplinks.get(device.name, ()) and not text.lower().startswith("uplink"):
        text = f"uplink {text}".strip()
    return text


def interface_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    out: list[Varbind] = [_i(IF_NUMBER, len(device.interfaces))]
    for index, interface in enumerate(device.interfaces, start=1):
        up = interface_oper_up(device, interface, net)
        mbps = speed_mbps(interface)
        # traffic: a stable 0.5-5 % of line rate on up ports, in bytes per second
        load = (5 + _seed("load", device.name, interface.name) % 46) / 1000
        bps = max(1, int(mbps * 1_000_000 / 8 * load)) if up else 0
        pps = max(1, bps // 700) if up else 0
        mac = interface_mac(device.name, index)
        if_type = IF_TYPE.get(interface.kind, 6)

        def col(column: int, tag: str, value: str, table: str = IF_ENTRY) -> Varbind:
            return Varbind(f"{table}.{column}.{index}", tag, value)

        def counter(column: int, width: str, rate: int, table: str = IF_ENTRY) -> Varbind:
            if rate <= 0:
                return col(column, width, "0", table)
            start = _seed("ctr", device.name, interface.name, column) % 1_000_000_000
            limit = "" if width == "70" else ",max=4294967295,wrap=1"
            return col(column, f"{width}:numeric", f"rate={rate},initial={start}{limit}", table)

        out += [
            col(1, "2", str(index)),
            col(2, *_text(interface.name)),
            col(3, "2", str(if_type)),
            col(4, "2", "1500"),
            col(5, "66", str(min(mbps * 1_000_000, 4_294_967_295))),
            col(6, "4x", mac.hex()) if if_type != 24 else col(6, "4", ""),
            col(7, "2", "1" if interface.enabled else "2"),
            col(8, "2", "1" if up else "2"),
            col(9, "67", "0"),
            counter(10, "65", bps),
            counter(11, "65", pps),
            col(13, "65", "0"),
            col(14, "65", "0"),
            counter(16, "65", bps // 2),
            counter(17, "65", pps // 2),
            col(19, "65", "0"),
            col(20, "65", "0"),
            col(1, *_text(interface.name), table=IFX_ENTRY),
            col(2, "65", "0", IFX_ENTRY),
            col(3, "65", "0", IFX_ENTRY),
            counter(6, "70", bps, IFX_ENTRY),
            counter(7, "70", pps, IFX_ENTRY),
            col(8, "70", "0", IFX_ENTRY),
            col(9, "70", "0", IFX_ENTRY),
            counter(10, "70", bps // 2, IFX_ENTRY),
            counter(11, "70", pps // 2, IFX_ENTRY),
            col(15, "66", str(mbps), IFX_ENTRY),
            col(16, "2", "2", IFX_ENTRY),
            col(17, "2", "1" if if_type == 6 else "2", IFX_ENTRY),
            col(18, *_text(interface_alias(device, interface, net)), table=IFX_ENTRY),
        ]
    return out


def lldp_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    """LLDP-MIB local ports and one remote entry per cable to an LLDP speaker that is up."""
    if device.platform not in LLDP_SPEAKERS:
        return []
    inv = net.inventory
    index_of = {i.name: n for n, i in enumerate(device.interfaces, start=1)}
    out = [
        _i(f"{LLDP_LOC}.1.0", 4),  # lldpLocChassisIdSubtype: macAddress
        Varbind(f"{LLDP_LOC}.2.0", "4x", base_mac(device.name).hex()),
        _s(f"{LLDP_LOC}.3.0", device.name),
        _s(f"{LLDP_LOC}.4.0", sys_descr(device)),
        Varbind(f"{LLDP_LOC}.5.0", "4x", lldp_capabilities(device)),
        Varbind(f"{LLDP_LOC}.6.0", "4x", lldp_capabilities(device)),
    ]
    for interface in device.interfaces:
        if interface.kind in (InterfaceKind.vlan, InterfaceKind.loopback, InterfaceKind.lag):
            continue
        port = index_of[interface.name]
        out += [
            _i(f"{LLDP_LOC}.7.1.2.{port}", 5),  # lldpLocPortIdSubtype: interfaceName
            _s(f"{LLDP_LOC}.7.1.3.{port}", interface.name),
            _s(f"{LLDP_LOC}.7.1.4.{port}", interface.description or interface.name),
        ]
    for hop in net.graph.neighbours(device.name):
        peer = inv.devices.get(hop.peer)
        port = index_of.get(hop.interface)
        if peer is None or port is None or peer.platform not in LLDP_SPEAKERS:
            continue
        interface = device.interface(hop.interface)
        if net.is_down(hop.peer) or net.is_down(device.name) or not (interface and interface.enabled):
            continue
        peer_if = peer.interface(hop.peer_interface)
        row = f"0.{port}.1"  # lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
        out += [
            _i(f"{LLDP_REM}.4.{row}", 4),
            Varbind(f"{LLDP_REM}.5.{row}", "4x", base_mac(peer.name).hex()),
            _i(f"{LLDP_REM}.6.{row}", 5),
            _s(f"{LLDP_REM}.7.{row}", hop.peer_interface),
            _s(f"{LLDP_REM}.8.{row}", (peer_if.description if peer_if else None) or hop.peer_interface),
            _s(f"{LLDP_REM}.9.{row}", peer.name),
            _s(f"{LLDP_REM}.10.{row}", sys_descr(peer)),
            Varbind(f"{LLDP_REM}.11.{row}", "4x", lldp_capabilities(peer)),
            Varbind(f"{LLDP_REM}.12.{row}", "4x", lldp_capabilities(peer)),
        ]
    return out


def entity_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    """ENTITY-MIB chassis and main board, with the vendor's CPU/memory/temperature table."""
    if device.platform not in (Platform.huawei_vrp, Platform.hp_comware):
        return []
    huawei = device.platform is Platform.huawei_vrp
    chassis, board = (67108867, 67108873) if huawei else (1, 2)
    model = device.model or device.device_type or ""
    out = [
        _s(f"{ENT_PHYSICAL}.2.{chassis}", f"{model} chassis"),
        _i(f"{ENT_PHYSICAL}.5.{chassis}", 3),
        _s(f"{ENT_PHYSICAL}.7.{chassis}", model),
        _s(f"{ENT_PHYSICAL}.2.{board}", "Main processing unit"),
        _i(f"{ENT_PHYSICAL}.5.{board}", 9),
        _s(f"{ENT_PHYSICAL}.7.{board}", "MPU Board 0" if huawei else "Board 1"),
    ]
    cpu = 5 + _seed("cpu", device.name) % 30
    mem = 20 + _seed("mem", device.name) % 40
    temp = 30 + _seed("temp", device.name) % 15
    if huawei:
        columns = {5: cpu, 6: 80, 7: mem, 8: 90, 11: temp, 12: 70}
        base = HW_ENTITY_STATE
    else:
        columns = {6: cpu, 7: 80, 8: mem, 9: 90, 12: temp, 13: 70}
        base = H3C_ENTITY_STATE
    # only boards measure; other entities report 0 (H3C: 65535 for "no temperature sensor")
    idle = {column: 0 for column in columns}
    if not huawei:
        idle[12] = 65535
    for index in (chassis, board):
        for column, value in columns.items():
            out.append(_i(f"{base}.{column}.{index}", value if index == board else idle[column]))
    return out


def firewall_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    """A Huawei USG's session table (hwSecStatMonitorGlobalSessFlow scalars, Counter64)."""
    if device.role is not Role.firewall or device.platform is not Platform.huawei_vrp:
        return []
    total = 20_000 + _seed("sessions", device.name) % 60_000
    rate = 300 + _seed("setup", device.name) % 900
    tcp, udp = total * 80 // 100, total * 18 // 100
    values = {1: rate * 86_400 * (1 + _seed("days", device.name) % 200), 2: rate * 5, 3: rate, 4: total,
              5: total // 200, 6: tcp, 7: udp, 8: total // 100}
    return [Varbind(f"{HW_SEC_STAT_SESS}.{sub}.0", "70", str(value)) for sub, value in values.items()]


def host_resources_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    if device.platform not in (Platform.linux, Platform.frr):
        return []
    cpu = 3 + _seed("cpu", device.name) % 40
    ram_kb = 65_536 * 1024 if device.role is Role.server else 4 * 1024 * 1024
    disk_blocks = 500 * 1024 * 1024 // 4 if device.role is Role.server else 16 * 1024 * 1024 // 4
    used_ratio = (20 + _seed("disk", device.name) % 60) / 100
    out = [
        Varbind("1.3.6.1.2.1.25.1.1.0", "67:numeric", "rate=100,initial=864000"),
        Varbind("1.3.6.1.2.1.25.1.5.0", "66", "1"),
        Varbind("1.3.6.1.2.1.25.1.6.0", "66", str(120 + _seed("procs", device.name) % 200)),
        _i("1.3.6.1.2.1.25.2.2.0", ram_kb),
    ]
    cores = 4 if device.role is Role.server else 2
    for n in range(cores):
        out += [
            _i(f"{HR_DEVICE}.1.{196608 + n}", 196608 + n),
            Varbind(f"{HR_DEVICE}.2.{196608 + n}", "6", "1.3.6.1.2.1.25.3.1.3"),  # hrDeviceProcessor
            _s(f"{HR_DEVICE}.3.{196608 + n}", f"CPU {n}: Intel Xeon (netops lab)"),
            _i(f"{HR_PROCESSOR_LOAD}.{196608 + n}", cpu + n),
        ]
    # UCD-SNMP-MIB, as net-snmp's snmpd serves it on Linux
    out += [
        _i(f"{UCD}.4.3.0", 0),
        _i(f"{UCD}.4.4.0", 0),
        _i(f"{UCD}.4.5.0", ram_kb),
        _i(f"{UCD}.4.6.0", int(ram_kb * 0.55)),
        _i(f"{UCD}.4.13.0", int(ram_kb * 0.01)),
        _i(f"{UCD}.4.14.0", int(ram_kb * 0.02)),
        _i(f"{UCD}.4.15.0", int(ram_kb * 0.2)),
    ]
    for n, minutes in enumerate((1, 5, 15), start=1):
        out += [
            _i(f"{UCD}.10.1.1.{n}", n),
            _s(f"{UCD}.10.1.2.{n}", f"Load-{minutes}"),
            _i(f"{UCD}.10.1.5.{n}", cpu * cores),
        ]
    storages = [
        (1, "1.3.6.1.2.1.25.2.1.2", "Physical memory", 1024, ram_kb, int(ram_kb * 0.45)),
        (31, "1.3.6.1.2.1.25.2.1.4", "/", 4096, disk_blocks, int(disk_blocks * used_ratio)),
    ]
    for index, kind, descr, unit, size, used in storages:
        out += [
            _i(f"{HR_STORAGE}.1.{index}", index),
            Varbind(f"{HR_STORAGE}.2.{index}", "6", kind),
            _s(f"{HR_STORAGE}.3.{index}", descr),
            _i(f"{HR_STORAGE}.4.{index}", unit),
            _i(f"{HR_STORAGE}.5.{index}", size),
            _i(f"{HR_STORAGE}.6.{index}", used),
        ]
    return out


def ups_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    """RFC 1628 UPS-MIB; output load from the inventory's power budget for this unit."""
    if device.role not in (Role.ups, Role.eps):
        return []
    state = net.state(device.name)
    budget = next((b for b in power_budget(net.inventory) if b.unit == device.name), None)
    capacity = device.capacity_w or (budget.capacity_w if budget else 10_000.0)
    load_w = budget.load_w if budget and budget.load_w else capacity * 0.3
    load_pct = round(100 * load_w / capacity) if capacity else 30
    lines = 3 if capacity >= 20_000 else 1

    status, seconds, minutes, charge, source = 2, 0, 45, 100, 3
    in_volts, in_freq = 230, 500
    alarms: list[int] = []
    test_result = 1  # donePass
    if state == "on_battery":
        status, seconds, minutes, charge, source = 2, 300, 25, 80, 5
        in_volts, in_freq = 0, 0
        alarms = [ALARM_ON_BATTERY, ALARM_INPUT_BAD]
    elif state == "low_battery":
        status, seconds, minutes, charge, source = 3, 1500, 6, 35, 5
        in_volts, in_freq = 0, 0
        alarms = [ALARM_ON_BATTERY, ALARM_LOW_BATTERY, ALARM_INPUT_BAD]
    elif state == "battery_bad":
        minutes, charge, test_result = 12, 100, 3  # self-test doneError: replace the battery
        alarms = [ALARM_BATTERY_BAD]
    elif state == "overload":
        load_pct, minutes = 95, 8
        alarms = [ALARM_OUTPUT_OVERLOAD]
    load_w = capacity * load_pct / 100

    out = [
        _s(f"{UPS}.1.1.0", device.manufacturer or ""),
        _s(f"{UPS}.1.2.0", device.model or ""),
        _s(f"{UPS}.1.3.0", "V100R001 (netops lab)"),
        _s(f"{UPS}.1.5.0", device.name),
        _i(f"{UPS}.2.1.0", status),
        _i(f"{UPS}.2.2.0", seconds),
        _i(f"{UPS}.2.3.0", minutes),
        _i(f"{UPS}.2.4.0", charge),
        _i(f"{UPS}.2.5.0", 4800 if charge > 50 else 4380),  # 0.1 V DC
        _i(f"{UPS}.2.6.0", 0 if source != 5 else int(load_w / 480 * 10)),  # 0.1 A
        _i(f"{UPS}.2.7.0", 25),
        Varbind(f"{UPS}.3.1.0", "65", str(1 if source == 5 else 0)),
        _i(f"{UPS}.3.2.0", lines),
    ]
    for line in range(1, lines + 1):
        out += [
            _i(f"{UPS}.3.3.1.1.{line}", line),
            _i(f"{UPS}.3.3.1.2.{line}", in_freq),
            _i(f"{UPS}.3.3.1.3.{line}", in_volts),
            _i(f"{UPS}.3.3.1.4.{line}", int(load_w / lines / 230 * 10) if in_volts else 0),
            _i(f"{UPS}.3.3.1.5.{line}", int(load_w / lines) if in_volts else 0),
        ]
    out += [
        _i(f"{UPS}.4.1.0", source),
        _i(f"{UPS}.4.2.0", 500),
        _i(f"{UPS}.4.3.0", lines),
    ]
    for line in range(1, lines + 1):
        out += [
            _i(f"{UPS}.4.4.1.1.{line}", line),
            _i(f"{UPS}.4.4.1.2.{line}", 230),
            _i(f"{UPS}.4.4.1.3.{line}", int(load_w / lines / 230 * 10)),
            _i(f"{UPS}.4.4.1.4.{line}", int(load_w / lines)),
            _i(f"{UPS}.4.4.1.5.{line}", load_pct),
        ]
    out += [
        _i(f"{UPS}.5.1.0", 500),
        _i(f"{UPS}.5.2.0", 0),
        Varbind(f"{UPS}.6.1.0", "66", str(len(alarms))),
    ]
    for n, alarm in enumerate(alarms, start=1):
        out += [
            Varbind(f"{UPS}.6.2.1.2.{n}", "6", f"{UPS_ALARM_WELL_KNOWN}.{alarm}"),
            Varbind(f"{UPS}.6.2.1.3.{n}", "67", "100"),
        ]
    out += [
        _i(f"{UPS}.7.3.0", test_result),
        _i(f"{UPS}.9.1.0", 230),  # upsConfigInputVoltage
        _i(f"{UPS}.9.3.0", 230),  # upsConfigOutputVoltage
        _i(f"{UPS}.9.5.0", int(capacity / 0.9)),  # upsConfigOutputVA
        _i(f"{UPS}.9.6.0", int(capacity)),  # upsConfigOutputPower
    ]
    return out


# AKCP SPAGENT-MIB sensor status
AKCP_NORMAL, AKCP_HIGH_WARNING, AKCP_HIGH_CRITICAL = 2, 3, 4
AKCP_LOW_WARNING, AKCP_LOW_CRITICAL = 5, 6

ENV_SWITCHES = ("Water leak under raised floor", "Smoke detector", "Door contact")


def sensor_rows(device: Device, net: LabNetwork) -> list[Varbind]:
    """An AKCP sensorProbe8 as in the main computer room: one temperature and humidity
    probe, and dry contacts for a water rope, a smoke detector and the door."""
    if device.role is not Role.environment_monitor:
        return []
    state = net.state(device.name)
    temp = {"warm": 32, "hot": 37}.get(state, 24)
    humidity = {"humid": 82, "dry": 22}.get(state, 45)
    temp_status = (
        AKCP_HIGH_CRITICAL if temp >= 35 else AKCP_HIGH_WARNING if temp >= 30 else AKCP_NORMAL
    )
    hum_status = (
        AKCP_HIGH_WARNING if humidity > 70 else AKCP_LOW_WARNING if humidity < 30 else AKCP_NORMAL
    )
    tripped = {"leak": 0, "smoke": 1, "door_open": 2}.get(state)
    out = [
        _s(f"{AKCP_TEMP}.1.0", "Main room temperature"),
        _i(f"{AKCP_TEMP}.3.0", temp),
        _i(f"{AKCP_TEMP}.4.0", temp_status),
        _i(f"{AKCP_TEMP}.5.0", 1),
        _i(f"{AKCP_TEMP}.7.0", 30),
        _i(f"{AKCP_TEMP}.8.0", 35),
        _i(f"{AKCP_TEMP}.9.0", 10),
        _i(f"{AKCP_TEMP}.10.0", 5),
        _i(f"{AKCP_TEMP}.12.0", 1),  # degree type: Celsius
        _i(f"{AKCP_TEMP}.14.0", temp * 10),
        _s(f"{AKCP_HUMIDITY}.1.0", "Main room humidity"),
        _i(f"{AKCP_HUMIDITY}.3.0", humidity),
        _i(f"{AKCP_HUMIDITY}.4.0", hum_status),
        _i(f"{AKCP_HUMIDITY}.5.0", 1),
        _i(f"{AKCP_HUMIDITY}.7.0", 70),
        _i(f"{AKCP_HUMIDITY}.8.0", 80),
        _i(f"{AKCP_HUMIDITY}.9.0", 30),
        _i(f"{AKCP_HUMIDITY}.10.0", 20),
    ]
    for index, descr in enumerate(ENV_SWITCHES):
        out += [
            _s(f"{AKCP_SWITCH}.1.{index}", descr),
            _i(f"{AKCP_SWITCH}.3.{index}", AKCP_HIGH_CRITICAL if tripped == index else AKCP_NORMAL),
            _i(f"{AKCP_SWITCH}.4.{index}", 1),
            _i(f"{AKCP_SWITCH}.5.{index}", 1),
        ]
    return out


GROUPS = (system_group, interface_rows, lldp_rows, entity_rows, firewall_rows, host_resources_rows, ups_rows,
          sensor_rows)


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def device_recording(device: Device, net: LabNetwork) -> list[Varbind]:
    """Every object the simulated agent of `device` serves, sorted by OID."""
    varbinds: dict[str, Varbind] = {}
    for group in GROUPS:
        for vb in group(device, net):
            varbinds[vb.oid] = vb
    return sorted(varbinds.values(), key=lambda vb: _oid_key(vb.oid))


def render_snmprec(varbinds: Iterable[Varbind]) -> str:
    return "".join(f"{vb.oid}|{vb.tag}|{vb.value}\n" for vb in varbinds)


def affected_by(device: str, net: LabNetwork, reachability_changed: bool = True) -> list[str]:
    """Devices whose recording changes when `device` changes state: itself and, when it goes
    down or comes back, its cable peers (their ports and LLDP tables follow it)."""
    names = [device]
    if not reachability_changed:
        return names
    for hop in net.graph.neighbours(device):
        if hop.peer not in names and hop.peer in net.inventory.lab.snmp:
            names.append(hop.peer)
    return names
