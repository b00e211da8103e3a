"""Recordings generated from the inventory (pure: no agents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.inventory import load_inventory
from netops.lab.snmp_recordings import (
    LLDP_REM,
    SIMULATED,
    LabNetwork,
    affected_by,
    device_recording,
    render_snmprec,
    states_for,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inv():
    return load_inventory(ROOT / "inventory")


def values(inv, device, states=None):
    net = LabNetwork(inv, states=states or {})
    return {vb.oid: (vb.tag, vb.value) for vb in device_recording(inv.devices[device], net)}


def test_every_device_gets_a_sorted_recording_naming_itself(inv):
    net = LabNetwork(inv)
    for device in inv.devices.values():
        recording = device_recording(device, net)
        keys = [tuple(int(p) for p in vb.oid.split(".")) for vb in recording]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), device.name
        oids = {vb.oid: vb.value for vb in recording}
        assert oids["1.3.6.1.2.1.1.5.0"] == device.name
        assert SIMULATED in oids["1.3.6.1.2.1.1.1.0"]
        assert int(oids["1.3.6.1.2.1.2.1.0"]) == len(device.interfaces)


def test_snmprec_lines_are_well_formed(inv):
    text = render_snmprec(device_recording(inv.devices["wangtai-v001"], LabNetwork(inv)))
    for line in text.splitlines():
        oid, tag, value = line.split("|", 2)
        assert oid[0].isdigit() and tag
        if tag == "4x":
            bytes.fromhex(value)
    # the Chinese site label travels hex-encoded
    assert "1.3.6.1.2.1.1.6.0|4x|" in text


def test_interfaces_are_up_where_cabled(inv):
    v = values(inv, "wangtai-ex-sw")
    names = {oid.rsplit(".", 1)[1]: val for oid, (_, val) in v.items() if oid.startswith("1.3.6.1.2.1.31.1.1.1.1.")}
    status = {names[i]: v[f"1.3.6.1.2.1.2.2.1.8.{i}"][1] for i in names}
    assert status["GigabitEthernet1/0/1"] == "1"  # wangtai-v001
    assert status["GigabitEthernet1/0/47"] == "1"  # wangtai-ex-rt
    assert status["GigabitEthernet1/0/20"] == "2"  # nothing cabled
    alias = {names[i]: v[f"1.3.6.1.2.1.31.1.1.1.18.{i}"][1] for i in names}
    assert alias["GigabitEthernet1/0/47"].startswith("uplink")
    assert not alias["GigabitEthernet1/0/1"].startswith("uplink")


def test_lldp_neighbours_match_the_cables(inv):
    v = values(inv, "wangtai-ex-sw")
    remote = sorted(val for oid, (_, val) in v.items() if oid.startswith(f"{LLDP_REM}.9."))
    assert remote == ["wangtai-ex-rt", "wangtai-ex-rt", "wangtai-v001", "wangtai-v002", "wangtai-v003",
                      "wangtai-v004", "wangtai-v005"]
    # appliances speak no LLDP: the core sees no neighbour on the UPS's port
    core = values(inv, "ex-core-1")
    assert "ups-1" not in {val for oid, (_, val) in core.items() if oid.startswith(f"{LLDP_REM}.9.")}


def test_a_village_that_is_down_has_no_recording_and_takes_its_port_and_lldp_with_it(inv):
    net = LabNetwork(inv, states={"wangtai-v001": "down"})
    assert affected_by("wangtai-v001", net) == ["wangtai-v001", "wangtai-ex-sw"]
    assert affected_by("ups-1", net, reachability_changed=False) == ["ups-1"]
    v = values(inv, "wangtai-ex-sw", {"wangtai-v001": "down"})
    assert v["1.3.6.1.2.1.2.2.1.8.1"][1] == "2"
    assert "wangtai-v001" not in {val for oid, (_, val) in v.items() if oid.startswith(f"{LLDP_REM}.9.")}


@pytest.mark.parametrize("state, expect", [
    ("normal", {"2.1.0": "2", "2.4.0": "100", "4.1.0": "3", "6.1.0": "0"}),
    ("on_battery", {"2.1.0": "2", "2.4.0": "80", "4.1.0": "5", "6.1.0": "2", "2.3.0": "25"}),
    ("low_battery", {"2.1.0": "3", "2.4.0": "35", "4.1.0": "5", "2.3.0": "6"}),
    ("battery_bad", {"6.1.0": "1", "6.2.1.2.1": "1.3.6.1.2.1.33.1.6.3.1", "7.3.0": "3"}),
    ("overload", {"4.4.1.5.1": "95", "6.2.1.2.1": "1.3.6.1.2.1.33.1.6.3.8"}),
])
def test_ups_states(inv, state, expect):
    v = values(inv, "ups-1", {"ups-1": state})
    for suffix, value in expect.items():
        assert v[f"1.3.6.1.2.1.33.1.{suffix}"][1] == value, (state, suffix)


def test_ups_load_follows_the_power_budget(inv):
    # ups-1 feeds 3,810 W of a 54 kW rating: 7 % on each of three lines
    v = values(inv, "ups-1")
    assert [v[f"1.3.6.1.2.1.33.1.4.4.1.5.{line}"][1] for line in (1, 2, 3)] == ["7", "7", "7"]


@pytest.mark.parametrize("state, temp, humidity, tripped", [
    ("normal", "24", "45", None), ("warm", "32", "45", None), ("hot", "37", "45", None),
    ("humid", "24", "82", None), ("dry", "24", "22", None),
    ("leak", "24", "45", 0), ("smoke", "24", "45", 1), ("door_open", "24", "45", 2),
])
def test_sensor_states(inv, state, temp, humidity, tripped):
    v = values(inv, "env-1", {"env-1": state})
    base = "1.3.6.1.4.1.3854.1.2.2.1"
    assert v[f"{base}.16.1.3.0"][1] == temp
    assert v[f"{base}.17.1.3.0"][1] == humidity
    for index in range(3):
        assert v[f"{base}.18.1.3.{index}"][1] == ("4" if index == tripped else "2")


def test_states_per_role(inv):
    assert "on_battery" in states_for(inv.devices["ups-1"])
    assert "leak" in states_for(inv.devices["env-1"])
    assert states_for(inv.devices["wangtai-v001"]) == ("normal", "down", "up")


def test_the_huawei_firewall_serves_its_session_table(inv):
    """fw-1 (huawei_vrp, role firewall) answers HUAWEI-SECURITY-STAT-MIB, so module auto
    matches huawei_usg on it; a Huawei switch does not."""
    from netops.snmp.discovery import Identity, matching
    from netops.snmp.profile import load_profiles

    fw = values(inv, "fw-1")
    sess = {int(oid.split(".")[-2]): int(v) for oid, (tag, v) in fw.items()
            if oid.startswith("1.3.6.1.4.1.2011.6.122.15.1.2.1.") and tag == "70"}
    assert sorted(sess) == list(range(1, 9))
    assert sess[6] + sess[7] + sess[8] <= sess[4] and sess[5] < sess[4] and sess[2] >= sess[3]
    profiles = load_profiles(ROOT / "monitors" / "profiles")
    oid = tuple(int(p) for p in fw["1.3.6.1.2.1.1.2.0"][1].split("."))
    assert "huawei_usg" in matching(profiles, Identity(oid, frozenset({(1, 3, 6, 1, 4, 1, 2011, 6, 122, 15, 1, 2, 1)})))
    assert not [o for o in values(inv, "ex-core-1") if o.startswith("1.3.6.1.4.1.2011.6.122.")]
