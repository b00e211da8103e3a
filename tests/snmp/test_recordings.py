"""Profiles decode real devices: snmpsim serves the shared LibreNMS recordings unchanged."""

from __future__ import annotations

import pytest

from netops.snmp.collector import collect
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.conftest import run


def scrape(agent, community: str, profiles: dict, names: list[str]):
    target = SnmpTarget(name=community, host=agent.host, port=agent.port, auth=SnmpAuth(community=community),
                        labels={"device": community}, timeout=5, retries=1)

    async def go():
        client = SnmpClient()
        try:
            return await collect(client, target, [profiles[n] for n in names], deadline=60)
        finally:
            client.close()

    result = run(go())
    assert result.up, result.error
    assert not result.warnings
    return result


def values(result, name: str) -> list[tuple[dict, float]]:
    family = result.family(name)
    assert family is not None, name
    return [({k: v for k, v in labels.items() if k != "device"}, value) for labels, value in family.values()]


def one(result, name: str, **labels) -> float:
    matches = [v for l, v in values(result, name) if all(l.get(k) == w for k, w in labels.items())]
    assert len(matches) == 1, (name, labels, values(result, name))
    return matches[0]


@pytest.fixture(scope="module")
def huawei_ups(snmpsim_recordings, profiles):
    return scrape(snmpsim_recordings, "huaweiups_ups2000", profiles, ["system", "ups_rfc1628"])


def test_huawei_ups2000(huawei_ups):
    r = huawei_ups
    assert one(r, "ups_output_voltage_volts", line="1") == 230
    assert one(r, "ups_input_voltage_volts", line="1") == 233
    assert one(r, "ups_input_frequency_hertz", line="1") == 50.0
    assert one(r, "ups_output_frequency_hertz") == 50.0
    assert one(r, "ups_battery_voltage_volts") == 270.7
    assert one(r, "ups_battery_temperature_celsius") == 21
    assert one(r, "ups_output_load_ratio", line="1") == 0.27
    assert one(r, "ups_battery_charge_ratio") == 1.0
    assert one(r, "ups_output_source", state="normal") == 1
    assert one(r, "ups_output_source", state="battery") == 0
    assert one(r, "ups_battery_status", state="normal") == 1
    # upsEstimatedMinutesRemaining = 4294967295 means "unknown": no sample, not 4e9 minutes
    assert values(r, "ups_battery_runtime_seconds") == []
    assert one(r, "ups_info", manufacturer="HUAWEI") == 1


def test_netvision_unknown_sentinels(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "netvision-rfc", profiles, ["ups_rfc1628"])
    assert one(r, "ups_input_voltage_volts", line="1") == 234
    assert one(r, "ups_output_voltage_volts", line="1") == 230
    assert one(r, "ups_input_frequency_hertz", line="1") == 49.9
    assert one(r, "ups_battery_temperature_celsius") == 27
    assert one(r, "ups_output_load_ratio", line="1") == 0.07
    for name in ("ups_battery_runtime_seconds", "ups_battery_current_amperes", "ups_input_current_amperes"):
        assert values(r, name) == [], name  # 65535 / 655350 = unknown


def test_vrp_5720_lldp_neighbours(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "vrp_5720", profiles, ["lldp"])
    neighbours = {(l["local_port"], l["remote_sysname"], l["remote_port_id"]) for l, _ in values(r, "lldp_remote_info")}
    assert neighbours == {
        ("GigabitEthernet0/0/14", "LNS-Huawei", "GigabitEthernet0/0/7"),
        ("XGigabitEthernet0/0/1", "CE-NG", "10GE1/0/42"),
        ("XGigabitEthernet0/0/2", "Zrih", "XGigabitEthernet0/0/1"),
        ("XGigabitEthernet0/0/4", "CE-NG", "10GE1/0/41"),
        ("MEth0/0/1", "pm-test", "GigabitEthernet0/0/1"),
    }
    chassis = {l["remote_chassis_id"] for l, _ in values(r, "lldp_remote_info")}
    assert "14:a0:f8:cf:af:39" in chassis


def test_vrp_5720_board_health_and_interfaces(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "vrp_5720", profiles, ["system", "if_mib", "huawei_entity"])
    assert one(r, "entity_cpu_usage_ratio", entity="MPU Board 0") == 0.44
    assert one(r, "entity_memory_usage_ratio", entity="MPU Board 0") == 0.09
    assert one(r, "entity_temperature_celsius", entity="MPU Board 0") == 42
    ge1 = {"if_name": "GigabitEthernet0/0/1"}
    assert one(r, "if_oper_status", **ge1) == 2
    assert one(r, "if_speed_bytes_per_second", **ge1) == 1e9 / 8
    assert len(values(r, "if_admin_status")) == len(values(r, "if_oper_status")) > 50
    sys_descr = values(r, "sys_info")[0][0]["sys_descr"]
    assert sys_descr.startswith("S5720-56C-PWR-EI-AC Huawei Versatile Routing Platform")  # 4x hex with CR/LF
    assert "\n" not in sys_descr and "\r" not in sys_descr


def test_yunshan_board(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "yunshan_s5735-v2", profiles, ["huawei_entity"])
    assert one(r, "entity_cpu_usage_ratio") == 0.67
    assert one(r, "entity_memory_usage_ratio") == 0.60
    assert one(r, "entity_temperature_celsius") == 25


def test_comware_boards_and_sensors(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "comware", profiles, ["h3c_entity"])
    assert one(r, "entity_cpu_usage_ratio", entity="Master Board 4") == 0.21
    assert one(r, "entity_memory_usage_ratio", entity="Master Board 4") == 0.20
    temps = dict((l["entity"], v) for l, v in values(r, "entity_temperature_celsius"))
    assert temps["sensor 0.11.4"] == 58
    assert 65535 not in temps.values()  # "no sensor" is left out
    assert len(temps) == 27


def test_akcp_room_sensor(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "akcp_serverprobe8", profiles, ["room_environment"])
    temps = {l["sensor"]: v for l, v in values(r, "room_temperature_celsius")}
    assert temps == {"Temp.Sensor Carrier": 20, "Temp.Sensor 2": 20, "Temp.Sensor 1": 22}  # offline slots left out
    humidity = {l["sensor"]: v for l, v in values(r, "room_humidity_ratio")}
    assert humidity == {"Custom Descr 1": 0.42, "Custom Descr 2": 0.41, "Custom Descr 3": 0.39}
    contacts = {l["sensor"]: (l["kind"], v) for l, v in values(r, "room_contact_alarm")}
    assert contacts["USV Carrier 230V ausgefallen"] == ("contact", 0)
    assert len(contacts) == 5


def test_linux_host(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "linux_icecast", profiles, ["host_resources", "ucd_snmp"])
    assert one(r, "host_memory_total_bytes") == 841176 * 1024
    assert one(r, "host_memory_available_bytes") == 80004 * 1024
    assert one(r, "host_memory_cached_bytes") == 344508 * 1024
    assert one(r, "host_swap_total_bytes") == 0
    assert one(r, "host_storage_size_bytes", storage="/", storage_type="fixed_disk") > 20e9
    assert one(r, "host_cpu_load_ratio") == 0.13
    assert {l["period"] for l, _ in values(r, "host_load_average")} == {"1m", "5m", "15m"}


def test_stoneos_leading_dot_object_id(snmpsim_recordings, profiles):
    r = scrape(snmpsim_recordings, "stoneos", profiles, ["system", "if_mib"])
    assert values(r, "sys_info")[0][0]["sys_object_id"] == "1.3.6.1.4.1.28557.1.126"
    assert values(r, "if_number") == []  # the recording has no ifNumber
    assert len(values(r, "if_oper_status")) == 18
