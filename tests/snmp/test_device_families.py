"""Every device family of a computer room, decoded from real recordings served by snmpsim.

Recordings: tests/data/snmp-recordings/ (public LibreNMS test data, see its README) and the
shared set in ../shared/snmp-recordings/ (tests needing it skip when it is absent). Each
value is checked against the raw `OID|TYPE|VALUE` line of the recording, not a copy of it.
Profiles are chosen the way the exporter does it: module `auto` (sysObjectID and probes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from netops.snmp.collector import collect, resolve_modules
from netops.snmp.discovery import identify, matching, probes
from netops.snmp.families import render_text
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.agents import VENV_BIN, Snmpsim
from tests.snmp.conftest import ROOT, run, shared_recordings

LOCAL = ROOT / "tests" / "data" / "snmp-recordings"
REFUSED = {  # the partial-scrape agent refuses one scalar and one cell of a column
    "1.3.6.1.2.1.33.1.2.5.0|2|2716": "1.3.6.1.2.1.33.1.2.5.0|2:error|op=any,status=genError",
    "1.3.6.1.2.1.33.1.4.4.1.3.2|2|21": "1.3.6.1.2.1.33.1.4.4.1.3.2|2:error|op=any,status=genError",
}


def recording_path(name: str) -> Path | None:
    for base in (LOCAL, shared_recordings()):
        if base is not None and (base / f"{name}.snmprec").exists():
            return base / f"{name}.snmprec"
    return None


def raw(name: str, oid: str) -> str:
    """The value column of one line of the raw recording."""
    path = recording_path(name)
    assert path is not None, name
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, rest = line.partition("|")
        if key == oid:
            return rest.partition("|")[2]
    raise AssertionError(f"{oid} not in {name}")


def num(name: str, oid: str) -> int:
    return int(raw(name, oid))


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    if not (VENV_BIN / "snmpsim-command-responder").exists():
        pytest.skip("snmpsim is not installed (pip install snmpsim)")
    work = tmp_path_factory.mktemp("families")
    data = work / "data"
    data.mkdir()
    for base in (LOCAL, shared_recordings()):
        if base is not None:
            for file in base.glob("*.snmprec"):
                shutil.copy(file, data / file.name)
    text = (LOCAL / "generex-ups_cs141.snmprec").read_text(encoding="utf-8")
    for line, refused in REFUSED.items():
        assert line in text
        text = text.replace(line, refused)
    (data / "refuser.snmprec").write_text(text, encoding="utf-8")
    # indexing every recording (comware: 17,589 lines) takes a while on a loaded machine
    sim = Snmpsim(data, work, ready_community="avtech_roomalert12e", ready_seconds=240)
    yield sim
    sim.stop()


def need_shared(name: str) -> None:
    if recording_path(name) is None:
        pytest.skip(f"shared recording {name} is absent (../shared/snmp-recordings)")


def matched_by_identity(agent, community: str, profiles: dict) -> list[str]:
    """The profiles discovery picks for the recording served under `community`."""
    async def go():
        client = SnmpClient()
        try:
            target = SnmpTarget(name=community, host=agent.host, port=agent.port,
                                auth=SnmpAuth(community=community), timeout=5, retries=1)
            return await identify(await client.session(target), probes(profiles))
        finally:
            client.close()

    return matching(profiles, run(go()))


def scrape(agent, community: str, profiles: dict, modules: str = "system,auto", role: str | None = None):
    labels = {"device": community, **({"role": role} if role else {})}
    target = SnmpTarget(name=community, host=agent.host, port=agent.port, auth=SnmpAuth(community=community),
                        labels=labels, timeout=5, retries=1)
    chosen, auto = resolve_modules(modules.split(","), profiles)

    async def go():
        client = SnmpClient()
        try:
            return await collect(client, target, chosen, deadline=60, catalog=profiles if auto else None)
        finally:
            client.close()

    result = run(go())
    assert result.up, result.error
    return result


def values(result, name: str) -> list[tuple[dict, float]]:
    family = result.family(name)
    if family is None:
        return []
    return [({k: v for k, v in labels.items() if k not in ("device", "role")}, value)
            for labels, value in family.values()]


def one(result, name: str, **labels) -> float:
    matches = [v for l, v in values(result, name) if all(l.get(k) == w for k, w in labels.items())]
    assert len(matches) == 1, (name, labels, values(result, name))
    return matches[0]


# --- which profiles a device gets ----------------------------------------------------------

MATCHES = [
    ("avtech_roomalert12e", {"avtech_roomalert"}),
    ("hwg-wld_wld2", {"hwg_wld"}),
    ("hwg-poseidon", {"hwg_poseidon"}),
    ("hwg-ste", {"hwg_ste"}),
    ("geist-watchdog", {"geist_watchdog"}),
    ("apc_netbotz", {"apc_netbotz"}),
    ("apc_nbrk0200", {"apc_netbotz"}),
    ("generex-ups_cs141", {"ups_rfc1628"}),
    ("eatonups", {"eaton_xups"}),
    ("netmanplus", set()),
    ("huaweiups_ups2000", {"ups_rfc1628"}),
    ("netvision-rfc", {"ups_rfc1628", "ucd_snmp"}),
    ("akcp_serverprobe8", {"room_environment"}),
    ("stoneos", {"hillstone"}),
    ("vrp_5720", {"huawei_entity", "huawei_health"}),
    ("yunshan_s5735-v2", {"huawei_entity", "huawei_health"}),
    ("comware", {"h3c_entity", "h3c_health"}),
    ("linux_icecast", {"ucd_snmp"}),
    ("linux_lm-sensors", {"lm_sensors"}),
    ("ciscoasa_entity-sensor", {"entity_sensor"}),
    ("apc_nbrk0200_sensors", {"apc_netbotz"}),
    ("hwg-ste2", {"hwg_wld", "hwg_ste2"}),  # 21796.4.9 is WLD2's sysObjectID too; the STE2 tables decide
    ("liebert_mph", {"liebert_pdu"}),
    ("liebert_pex", {"liebert_cooling"}),  # sysObjectID 476.1.42 like every Liebert card; lgpEnvState decides
    ("huaweiups", {"ups_rfc1628"}),
    ("huawei-gse200m", {"huawei_ups"}),
    ("eastpower-istars-swv053", {"ups_rfc1628"}),
    ("apc_powernet_ups", {"apc_powernet_ups"}),  # no system group in the walk: the upsBasicBattery probe decides
    ("apc_galaxy_vs", {"apc_powernet_ups"}),  # sysObjectID 318.1.3.28.75: neither 318.1.3.2 nor 318.1.3.27
    ("huawei_usg_from_mib", {"huawei_usg", "huawei_entity"}),  # hand-made from the MIB (README), not a device
]


@pytest.mark.parametrize("name, expected", MATCHES, ids=[m[0] for m in MATCHES])
def test_profiles_matched_by_sys_object_id_and_probes(agent, profiles, name, expected):
    if recording_path(name) is None:
        pytest.skip(f"recording {name} is absent")

    assert set(matched_by_identity(agent, name, profiles)) == expected


# --- environment monitors ------------------------------------------------------------------

def test_avtech_room_alert_12e(agent, profiles):
    r = scrape(agent, "avtech_roomalert12e", profiles, role="environment_monitor")
    assert r.matched == ["avtech_roomalert"] and r.profile_matched is True
    base = "1.3.6.1.4.1.20916.1.10.1"
    assert one(r, "room_temperature_celsius", sensor=raw("avtech_roomalert12e", f"{base}.1.3.0")) \
        == num("avtech_roomalert12e", f"{base}.1.1.0") / 100 == 25.34
    assert one(r, "room_temperature_celsius", sensor="Ext Sensor 1") == num("avtech_roomalert12e", f"{base}.2.1.0") / 100
    assert one(r, "room_temperature_celsius", sensor="Ext Sensor 1") == 27.62
    for i, arc in enumerate((5, 6, 7, 8), start=1):
        assert one(r, "room_contact_alarm", sensor=f"Switch Sen {i}", kind="contact") \
            == num("avtech_roomalert12e", f"{base}.{arc}.1.0") == 0
    assert one(r, "snmp_profile_matched") == 1


def test_hwgroup_wld2_leak_and_disconnected_cables(agent, profiles):
    r = scrape(agent, "hwg-wld_wld2", profiles, role="environment_monitor")
    col = "1.3.6.1.4.1.21796.4.5.4.1"
    assert num("hwg-wld_wld2", f"{col}.6.1") == 0
    assert one(r, "room_contact_alarm", sensor="Sonde Nord", kind="water") == 0
    assert one(r, "room_sensor_fault", sensor="Sonde Nord") == 0
    for i in (2, 3, 4):
        name = raw("hwg-wld_wld2", f"{col}.2.{i}")
        assert num("hwg-wld_wld2", f"{col}.6.{i}") == 2  # cable disconnected
        assert one(r, "room_sensor_fault", sensor=name, kind="water") == 1
        assert [v for l, v in values(r, "room_contact_alarm") if l["sensor"] == name] == []  # not a leak
        assert one(r, "room_sensor_state", sensor=name, kind="water") == num("hwg-wld_wld2", f"{col}.3.{i}") == 3


def test_hwgroup_poseidon_temperature_humidity_contacts(agent, profiles):
    r = scrape(agent, "hwg-poseidon", profiles, role="environment_monitor")
    col = "1.3.6.1.4.1.21796.3.3.3.1"
    for i in range(1, 9):
        name, value, unit = raw("hwg-poseidon", f"{col}.2.{i}"), num("hwg-poseidon", f"{col}.6.{i}"), num("hwg-poseidon", f"{col}.9.{i}")
        if unit == 0:
            assert one(r, "room_temperature_celsius", sensor=name) == value / 10
        else:
            assert one(r, "room_humidity_ratio", sensor=name) == value / 1000
    assert one(r, "room_temperature_celsius", sensor="T.C4c") == 31.1
    assert len(values(r, "room_contact_alarm")) == 6
    assert all(v == 0 for _, v in values(r, "room_contact_alarm"))


def test_apc_netbotz_probes_and_sentinels(agent, profiles):
    r = scrape(agent, "apc_netbotz", profiles, role="environment_monitor")
    col = "1.3.6.1.4.1.318.1.1.10.5.1.1.1"
    temps = {l["sensor"]: v for l, v in values(r, "room_temperature_celsius")}
    for i in range(1, 18):
        assert temps[raw("apc_netbotz", f"{col}.3.{i}")] == num("apc_netbotz", f"{col}.5.{i}") / 10
    assert num("apc_netbotz", f"{col}.5.18") == -2147483647 and "Hall1-Wireless-Ext" not in temps
    humid = {l["sensor"]: v for l, v in values(r, "room_humidity_ratio")}
    assert len(humid) == 10 and humid["THUM-01-A3-F"] == num("apc_netbotz", f"{col}.8.1") / 100 == 0.45
    assert one(r, "room_temperature_celsius", sensor="TEMP-13-B12-R", location="Rack-B12-R") == 31.0


def test_apc_netbotz_200_sensor_pod_in_fahrenheit(agent, profiles):
    """NBRK0200: memSensorsStatusTable, whole degrees in the unit memSensorsStatusSysTempUnits names."""
    rec = "apc_nbrk0200_sensors"
    r = scrape(agent, rec, profiles, role="environment_monitor")
    assert r.matched == ["apc_netbotz"] and one(r, "snmp_profile_matched") == 1
    col = "1.3.6.1.4.1.318.1.1.10.4.2.3.1"
    assert num(rec, "1.3.6.1.4.1.318.1.1.10.4.2.1.0") == 2  # fahrenheit
    assert num(rec, f"{col}.7.0.1") == 2  # commsOK
    fahrenheit = num(rec, f"{col}.5.0.1")
    celsius = one(r, "room_temperature_celsius", sensor=raw(rec, f"{col}.3.0.1"), location=raw(rec, f"{col}.4.0.1"),
                  module="0", sensor_index="1")
    assert fahrenheit == 71 and celsius == pytest.approx((fahrenheit - 32) * 5 / 9) == pytest.approx(21.67, abs=0.01)
    assert one(r, "room_humidity_ratio", sensor="Sensor MM:1") == num(rec, f"{col}.6.0.1") / 100 == 0.35
    assert one(r, "room_sensor_fault", sensor="Sensor MM:1") == 0
    assert len(values(r, "room_temperature_celsius")) == 1  # not once per unit table


def test_hwgroup_ste2_inputs_and_a_sensor_without_its_unit(agent, profiles):
    rec = "hwg-ste2"
    r = scrape(agent, rec, profiles, role="environment_monitor")
    assert set(r.matched) == {"hwg_wld", "hwg_ste2"} and one(r, "snmp_profile_matched") == 1
    for i in (1, 2):
        name = raw(rec, f"1.3.6.1.4.1.21796.4.9.1.1.3.{i}")
        assert one(r, "room_contact_alarm", sensor=name, kind="contact") \
            == num(rec, f"1.3.6.1.4.1.21796.4.9.1.1.4.{i}") == 0
    # sensor 2 reads 203 but the recording has no sensUnit: 20.3 C or 20.3 %RH cannot be told
    assert num(rec, "1.3.6.1.4.1.21796.4.9.3.1.5.2") == 203
    assert values(r, "room_temperature_celsius") == [] and values(r, "room_humidity_ratio") == []


def test_liebert_pdu_sensor_pods(agent, profiles):
    rec = "liebert_mph"
    r = scrape(agent, rec, profiles, modules="system,if_mib,auto", role="environment_monitor")
    assert r.matched == ["liebert_pdu"] and one(r, "snmp_profile_matched") == 1
    col = "1.3.6.1.4.1.476.1.42.3.8.60.15.1"
    temps = {l["sensor"]: v for l, v in values(r, "room_temperature_celsius")}
    assert temps == {raw(rec, f"{col}.15.1.2.1"): num(rec, f"{col}.70.1.2.1") / 10,
                     raw(rec, f"{col}.15.1.3.1"): num(rec, f"{col}.70.1.3.1") / 10}
    assert temps == {"SNSR: 1-2": 17.5, "SNSR: 1-3": 20.1}
    # the same pods in Fahrenheit tenths agree: 63.5 F = 17.5 C
    assert (num(rec, f"{col}.40.1.2.1") / 10 - 32) * 5 / 9 == pytest.approx(temps["SNSR: 1-2"], abs=0.05)
    humid = {l["sensor"]: v for l, v in values(r, "room_humidity_ratio")}
    assert humid == {"SNSR: 1-1": num(rec, f"{col}.95.1.1.1") / 1000, "SNSR: 1-4": num(rec, f"{col}.95.1.4.1") / 1000}
    assert humid == {"SNSR: 1-1": 0.142, "SNSR: 1-4": 0.172}  # a very dry room: RoomHumidityOutOfRange
    assert [l["pdu"] for l, _ in values(r, "room_temperature_celsius")] == ["1", "1"]
    assert len(values(r, "if_out_bytes_total")) == 3


def test_liebert_pex_precision_air_conditioner(agent, profiles):
    """A Liebert PEX behind an IntelliSlot Web Card (snmpsim-data vertiv-power): whole degrees
    only, rows numbered 1..5 and named by well-known OIDs; two of them are compressors."""
    rec = "liebert_pex"
    r = scrape(agent, rec, profiles, modules="system,if_mib,auto", role="environment_monitor")
    assert r.matched == ["liebert_cooling"] and one(r, "snmp_profile_matched") == 1
    assert raw(rec, "1.3.6.1.4.1.476.1.42.2.4.2.1.4.1") == "4c69656265727420504558"  # "Liebert PEX"
    env = "1.3.6.1.4.1.476.1.42.3.4"
    col = f"{env}.1.3.3.1"
    point = {raw(rec, f"{col}.2.{i}"): i for i in range(1, 6)}
    control, supply, ret = point[f"{env}.1.1.1"], point[f"{env}.1.1.3"], point[f"{env}.1.1.2"]
    air = {l["sensor"]: v for l, v in values(r, "cooling_air_temperature_celsius")}
    # the supply-air row holds only a set point: no supply temperature is invented
    assert air == {"Control": num(rec, f"{col}.3.{control}"), "Return Air": num(rec, f"{col}.3.{ret}")} \
        == {"Control": 23, "Return Air": 23}
    # the same points in Fahrenheit agree: 73 F = 22.8 C, read as 23 in whole degrees
    assert (num(rec, f"{env}.1.2.3.1.3.{ret}") - 32) * 5 / 9 == pytest.approx(air["Return Air"], abs=0.5)
    setpoints = {l["sensor"]: v for l, v in values(r, "cooling_temperature_setpoint_celsius")}
    assert setpoints == {"Supply Air": num(rec, f"{col}.6.{supply}"), "Return Air": num(rec, f"{col}.6.{ret}")} \
        == {"Supply Air": 5, "Return Air": 23}
    assert one(r, "cooling_air_temperature_high_threshold_celsius", sensor="Return Air") == num(rec, f"{col}.4.{ret}") == 30
    assert one(r, "cooling_air_temperature_low_threshold_celsius", sensor="Control") == num(rec, f"{col}.5.{control}") == 15
    comps = {l["sensor"]: v for l, v in values(r, "cooling_component_temperature_celsius")}
    assert comps == {"Digital Scroll Compressor 1": num(rec, f"{col}.3.4"), "Digital Scroll Compressor 2": num(rec, f"{col}.3.5")} \
        == {"Digital Scroll Compressor 1": 29, "Digital Scroll Compressor 2": 37}
    assert raw(rec, f"{col}.2.4") == f"{env}.1.1.11.1" and raw(rec, f"{col}.2.5") == f"{env}.1.1.11.2"
    hum = f"{env}.2.2.3.1"
    assert raw(rec, f"{hum}.2.1") == f"{env}.2.1.1" and raw(rec, f"{hum}.2.2") == f"{env}.2.1.2"
    assert {l["sensor"]: v for l, v in values(r, "cooling_humidity_ratio")} \
        == {"Control": num(rec, f"{hum}.3.1") / 100, "Return Air": num(rec, f"{hum}.3.2") / 100} == {"Control": 0.42, "Return Air": 0.42}
    assert values(r, "cooling_humidity_setpoint_ratio") == [({"sensor": "Return Air"}, num(rec, f"{hum}.6.2") / 100)]
    assert one(r, "cooling_humidity_high_threshold_ratio", sensor="Return Air") == num(rec, f"{hum}.4.2") / 100 == 0.8
    assert num(rec, f"{env}.3.1.0") == 1 and one(r, "cooling_unit_state", state="on") == 1
    assert one(r, "cooling_unit_state", state="off") == one(r, "cooling_unit_state", state="standby") == 0
    assert num(rec, f"{env}.3.8.0") == 2 and one(r, "cooling_general_alarm") == 0  # off(2)
    assert one(r, "cooling_alarms_present") == num(rec, "1.3.6.1.4.1.476.1.42.3.2.2.0") == 0
    assert one(r, "cooling_capacity_ratio") == num(rec, f"{env}.3.9.0") / 100 == 0
    assert one(r, "cooling_fan_capacity_ratio") == num(rec, f"{env}.3.16.0") / 100 == 1
    # an air conditioner, not a room monitor or a UPS: nothing lands in those families
    assert values(r, "room_temperature_celsius") == [] and values(r, "room_humidity_ratio") == []
    assert not [f for f in r.families if f.name.startswith("ups_") and f.samples]
    assert len(values(r, "if_in_bytes_total")) == 2


def test_entity_sensor_mib_on_a_firewall(agent, profiles):
    """RFC 3433 on a Cisco ASA 5512-X: chassis and CPU temperatures are board sensors
    (entity_temperature_celsius), fans device_fan_speed_rpm; none is a room temperature."""
    rec = "ciscoasa_entity-sensor"
    r = scrape(agent, rec, profiles, role="firewall")
    assert r.matched == ["entity_sensor"]
    col = "1.3.6.1.2.1.99.1.1.1"
    temps = {l["entity"]: v for l, v in values(r, "entity_temperature_celsius")}
    expected = {raw(rec, f"1.3.6.1.2.1.47.1.1.1.1.7.{i}"): num(rec, f"{col}.4.{i}") for i in (12, 13, 14, 15)}
    # the ASA says yocto(1) for every sensor (its known bug): read as units, not 41e-24 C
    assert all(num(rec, f"{col}.2.{i}") == 1 and num(rec, f"{col}.3.{i}") == 0 for i in (12, 13, 14, 15))
    assert temps == expected and temps["CPU Temperature Sensor 0/0"] == 41
    fans = {l["fan"]: v for l, v in values(r, "device_fan_speed_rpm")}
    assert fans == {raw(rec, f"1.3.6.1.2.1.47.1.1.1.1.7.{i}"): num(rec, f"{col}.4.{i}") for i in (7, 9, 11)}
    assert fans["Chassis Fan Sensor 1"] == 8192
    assert values(r, "room_temperature_celsius") == [] and values(r, "room_humidity_ratio") == []


def test_lm_sensors_millidegrees_and_fans(agent, profiles):
    rec = "linux_lm-sensors"
    r = scrape(agent, rec, profiles, modules="auto")
    assert r.matched == ["lm_sensors"]
    col = "1.3.6.1.4.1.2021.13.16.2.1"
    for i in range(1, 8):
        name = raw(rec, f"{col}.2.{i}")
        assert one(r, "entity_temperature_celsius", entity=name, sensor_index=str(i)) == num(rec, f"{col}.3.{i}") / 1000
    # two packages each have a "Core0 Temp": the row index keeps them apart
    assert one(r, "entity_temperature_celsius", entity="Core0 Temp", sensor_index="3") == 62.0
    assert one(r, "entity_temperature_celsius", entity="temp3") == 28.5
    fans = {l["fan"]: v for l, v in values(r, "device_fan_speed_rpm")}
    assert fans == {f"fan{i}": num(rec, f"1.3.6.1.4.1.2021.13.16.3.1.3.{i}") for i in (1, 2, 3)} == {"fan1": 0, "fan2": 0, "fan3": 0}


def test_environment_monitor_without_a_decoding_profile_is_reported(agent, profiles):
    """Geist's recording holds only its identity: matched, but nothing decoded -> 0 and a warning."""
    r = scrape(agent, "geist-watchdog", profiles, role="environment_monitor")
    assert r.up and one(r, "snmp_profile_matched") == 0
    assert any("no profile decodes" in w and "1.3.6.1.4.1.21239.5.1" in w for w in r.warnings)
    r = scrape(agent, "netmanplus", profiles, modules="system,auto", role="ups")
    assert r.matched == [] and one(r, "snmp_profile_matched") == 0


# --- UPS -----------------------------------------------------------------------------------

def test_generex_cs141_three_phase_on_bypass(agent, profiles):
    r = scrape(agent, "generex-ups_cs141", profiles, modules="system,if_mib,auto", role="ups")
    rec = "generex-ups_cs141"
    assert num(rec, "1.3.6.1.2.1.33.1.4.1.0") == 4
    assert one(r, "ups_output_source", state="bypass") == 1 and one(r, "ups_output_source", state="normal") == 0
    assert one(r, "ups_bypass_frequency_hertz") == num(rec, "1.3.6.1.2.1.33.1.5.1.0") / 10 == 50.0
    for line in (1, 2, 3):
        assert one(r, "ups_bypass_voltage_volts", line=str(line)) == num(rec, f"1.3.6.1.2.1.33.1.5.3.1.2.{line}")
        assert one(r, "ups_input_voltage_volts", line=str(line)) == num(rec, f"1.3.6.1.2.1.33.1.3.3.1.3.{line}")
    assert [v for _, v in sorted(values(r, "ups_bypass_voltage_volts"), key=lambda s: s[0]["line"])] == [233, 233, 235]
    # negative output power on lightly loaded phases is left out, not summed on a dashboard
    assert num(rec, "1.3.6.1.2.1.33.1.4.4.1.4.1") == -4 and num(rec, "1.3.6.1.2.1.33.1.4.4.1.4.3") == -26
    assert values(r, "ups_output_power_watts") == [({"line": "2"}, 469)]
    assert one(r, "ups_on_battery_seconds") == 0
    assert one(r, "ups_battery_runtime_seconds") == num(rec, "1.3.6.1.2.1.33.1.2.3.0") * 60
    assert one(r, "ups_battery_voltage_volts") == num(rec, "1.3.6.1.2.1.33.1.2.5.0") / 10 == 271.6
    assert one(r, "snmp_profile_matched") == 1
    # ifTable and ifXTable both present: HC counters, ifName
    assert one(r, "if_in_bytes_total", if_name="eth0") == num(rec, "1.3.6.1.2.1.31.1.1.1.6.2")
    assert one(r, "if_speed_bytes_per_second", if_name="eth0") == 100e6 / 8


def test_eaton_xups_and_interfaces_without_ifxtable(agent, profiles):
    r = scrape(agent, "eatonups", profiles, modules="system,if_mib,auto", role="ups")
    assert r.matched == ["eaton_xups"] and one(r, "snmp_profile_matched") == 1
    rec = "eatonups"
    assert one(r, "ups_input_voltage_volts", line="1") == num(rec, "1.3.6.1.4.1.534.1.3.4.1.2.1") == 228
    assert one(r, "ups_input_frequency_hertz") == num(rec, "1.3.6.1.4.1.534.1.3.1.0") / 10 == 50.0
    assert one(r, "ups_output_voltage_volts", line="1") == num(rec, "1.3.6.1.4.1.534.1.4.4.1.2.1") == 230
    assert one(r, "ups_output_current_amperes", line="1") == num(rec, "1.3.6.1.4.1.534.1.4.4.1.3.1") == 1
    assert one(r, "ups_output_power_watts", line="1") == num(rec, "1.3.6.1.4.1.534.1.4.4.1.4.1") == 231
    assert one(r, "ups_output_frequency_hertz") == 50.0
    assert one(r, "ups_bypass_voltage_volts", line="1") == num(rec, "1.3.6.1.4.1.534.1.5.3.1.2.1") == 228
    assert one(r, "ups_battery_charge_ratio") == num(rec, "1.3.6.1.4.1.534.1.2.4.0") / 100 == 1.0
    assert one(r, "ups_battery_voltage_volts") == num(rec, "1.3.6.1.4.1.534.1.2.2.0") == 78
    assert one(r, "ups_bypass_frequency_hertz") == num(rec, "1.3.6.1.4.1.534.1.5.1.0") / 10 == 50.0
    # the card answers no runtime, load or output source: nothing is made up for them
    assert values(r, "ups_battery_runtime_seconds") == values(r, "ups_output_load_ratio") == []
    assert values(r, "ups_output_source") == []
    # no ifXTable: 32-bit counters, ifSpeed and ifDescr stand in
    assert one(r, "if_in_bytes_total", if_name="UM9008") == num(rec, "1.3.6.1.2.1.2.2.1.10.1") == 4192067549
    assert one(r, "if_out_bytes_total", if_name="UM9008") == num(rec, "1.3.6.1.2.1.2.2.1.16.1")
    assert one(r, "if_speed_bytes_per_second", if_name="UM9008") == num(rec, "1.3.6.1.2.1.2.2.1.5.1") / 8


def test_apc_powernet_smart_ups_on_mains(agent, profiles):
    """A real APC card walk (PowerNet-MIB upsBasic/upsAdv only, no system group): every decoded
    value against its raw line; runtime is TimeTicks (1/100 s), capacity and load are percent."""
    rec = "apc_powernet_ups"
    r = scrape(agent, rec, profiles, role="ups")
    assert r.matched == ["apc_powernet_ups"] and one(r, "snmp_profile_matched") == 1
    assert num(rec, "1.3.6.1.4.1.318.1.1.1.2.1.1.0") == 2  # upsBasicBatteryStatus batteryNormal
    assert one(r, "ups_battery_status", state="normal") == 1 and one(r, "ups_battery_status", state="low") == 0
    assert one(r, "ups_battery_charge_ratio") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.1.0") / 100 == 1.0
    assert one(r, "ups_battery_temperature_celsius") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.2.0") == 23
    assert one(r, "ups_battery_runtime_seconds") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.3.0") / 100 == 39925
    assert num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.4.0") == 1 and one(r, "ups_battery_replace_needed") == 0
    assert one(r, "ups_battery_voltage_volts") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.8.0") == 110
    assert one(r, "ups_input_voltage_volts", line="1") == num(rec, "1.3.6.1.4.1.318.1.1.1.3.2.1.0") == 234
    assert one(r, "ups_input_frequency_hertz") == num(rec, "1.3.6.1.4.1.318.1.1.1.3.2.4.0") == 50
    assert num(rec, "1.3.6.1.4.1.318.1.1.1.4.1.1.0") == 2  # upsBasicOutputStatus onLine
    assert one(r, "ups_output_source", state="normal") == 1 and one(r, "ups_output_source", state="battery") == 0
    assert one(r, "ups_output_voltage_volts", line="1") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.1.0") == 220
    assert one(r, "ups_output_frequency_hertz") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.2.0") == 50
    assert one(r, "ups_output_load_ratio", line="1") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.3.0") / 100 == 0.1
    assert one(r, "ups_output_current_amperes", line="1") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.4.0") == 1


def test_apc_galaxy_vs_three_phases_from_upsphase(agent, profiles):
    """Galaxy VS 40 kW (real walk): battery, output state, frequency and load from upsAdv; no
    upsAdvInputLineVoltage / upsAdvOutputVoltage / upsAdvOutputCurrent, so the per-line values
    come from the upsPhase tables (318.1.1.1.9): input 1 is main, input 2 bypass, one output;
    phase-to-neutral volts, tenths of amperes, watts; -1 (not supported) is left out."""
    rec = "apc_galaxy_vs"
    r = scrape(agent, rec, profiles, role="ups")
    assert r.matched == ["apc_powernet_ups"] and one(r, "snmp_profile_matched") == 1
    assert raw(rec, "1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.318.1.3.28.75"
    assert one(r, "ups_battery_status", state="normal") == 1 and num(rec, "1.3.6.1.4.1.318.1.1.1.2.1.1.0") == 2
    assert one(r, "ups_battery_charge_ratio") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.1.0") / 100 == 1.0
    assert one(r, "ups_battery_temperature_celsius") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.2.0") == 28
    assert one(r, "ups_battery_runtime_seconds") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.3.0") / 100 == 6108
    assert one(r, "ups_battery_voltage_volts") == num(rec, "1.3.6.1.4.1.318.1.1.1.2.2.8.0") == 542
    assert one(r, "ups_input_frequency_hertz") == num(rec, "1.3.6.1.4.1.318.1.1.1.3.2.4.0") == 50
    assert one(r, "ups_output_source", state="normal") == 1 and num(rec, "1.3.6.1.4.1.318.1.1.1.4.1.1.0") == 2
    assert one(r, "ups_output_frequency_hertz") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.2.0") == 50
    # upsPhaseOutputFrequency is in tenths: 500 is the same 50 Hz (not exported twice)
    assert num(rec, "1.3.6.1.4.1.318.1.1.1.9.3.2.1.4.1") / 10 == 50
    # whole-UPS load from upsAdvOutputLoad (line 1, as on a single-phase unit); per-phase percent is -1
    assert one(r, "ups_output_load_ratio", line="1") == num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.3.0") / 100 == 0.21
    assert len(values(r, "ups_output_load_ratio")) == 1
    assert {num(rec, f"1.3.6.1.4.1.318.1.1.1.9.3.3.1.10.1.{i}") for i in (1, 2, 3)} == {-1}
    ph = "1.3.6.1.4.1.318.1.1.1.9"
    assert (num(rec, f"{ph}.2.2.1.5.1"), num(rec, f"{ph}.2.2.1.5.2")) == (2, 3)  # main, bypass
    for line in ("1", "2", "3"):
        assert one(r, "ups_input_voltage_volts", line=line) == num(rec, f"{ph}.2.3.1.14.1.{line}")
        assert one(r, "ups_input_current_amperes", line=line) == num(rec, f"{ph}.2.3.1.6.1.{line}") / 10
        assert one(r, "ups_input_power_watts", line=line) == num(rec, f"{ph}.2.3.1.9.1.{line}")
        assert one(r, "ups_bypass_voltage_volts", line=line) == num(rec, f"{ph}.2.3.1.14.2.{line}")
        assert one(r, "ups_bypass_current_amperes", line=line) == num(rec, f"{ph}.2.3.1.6.2.{line}") / 10
        assert one(r, "ups_bypass_power_watts", line=line) == num(rec, f"{ph}.2.3.1.9.2.{line}")
        assert one(r, "ups_output_voltage_volts", line=line) == num(rec, f"{ph}.3.3.1.22.1.{line}")
        assert one(r, "ups_output_current_amperes", line=line) == num(rec, f"{ph}.3.3.1.4.1.{line}") / 10
        assert one(r, "ups_output_power_watts", line=line) == num(rec, f"{ph}.3.3.1.13.1.{line}")

    def by_line(name):
        return [v for _, v in sorted(values(r, name), key=lambda s: s[0]["line"])]

    assert by_line("ups_input_voltage_volts") == [223, 225, 226]  # phase-to-neutral, not the 389 V phase-to-phase
    assert by_line("ups_input_current_amperes") == [10.2, 10.4, 10.4]
    assert by_line("ups_input_power_watts") == [2318, 2383, 2341]
    assert by_line("ups_bypass_voltage_volts") == [223, 223, 225]
    assert by_line("ups_bypass_current_amperes") == [0, 0, 0] and by_line("ups_bypass_power_watts") == [23, 0, 0]
    assert by_line("ups_output_voltage_volts") == [230, 230, 230]
    assert by_line("ups_output_current_amperes") == [12.1, 11.8, 9.2]
    assert by_line("ups_output_power_watts") == [2432, 2347, 1773]
    # physics: V x A per phase is the VA upsPhaseOutputLoad reports (within rounding), and the
    # three phases add up to upsAdvOutputActivePower within 2 %
    for i, line in enumerate(("1", "2", "3"), start=1):
        va = num(rec, f"{ph}.3.3.1.7.1.{i}")
        assert one(r, "ups_output_voltage_volts", line=line) * one(r, "ups_output_current_amperes", line=line) \
            == pytest.approx(va, rel=0.01)
        assert one(r, "ups_output_power_watts", line=line) <= va
    assert sum(by_line("ups_output_power_watts")) == pytest.approx(num(rec, "1.3.6.1.4.1.318.1.1.1.4.2.8.0"), rel=0.02)
    # absent upstream: no replace indicator
    assert values(r, "ups_battery_replace_needed") == []


def test_huawei_ups2000_unused_lines_and_sentinels(agent, profiles):
    need_shared("huaweiups_ups2000")
    r = scrape(agent, "huaweiups_ups2000", profiles, role="ups")
    rec = "huaweiups_ups2000"
    assert num(rec, "1.3.6.1.2.1.33.1.2.3.0") == 4294967295 and values(r, "ups_battery_runtime_seconds") == []
    assert one(r, "ups_output_voltage_volts", line="1") == num(rec, "1.3.6.1.2.1.33.1.4.4.1.2.1")
    assert one(r, "snmp_profile_matched") == 1


def test_huawei_ups5000_three_phases_from_the_hwups_mib(agent, profiles):
    """UPS5000-E (GSE200M card): per-phase input, output and bypass from the hwUps MIB; the
    card's UPS-MIB, which reports 0.1 V and 0.01 Hz where RFC 1628 says V and 0.1 Hz, is
    replaced rather than exported as 2369 V and 500 Hz."""
    rec = "huawei-gse200m"
    r = scrape(agent, rec, profiles, role="ups")
    assert r.matched == ["huawei_ups"] and one(r, "snmp_profile_matched") == 1
    hw = "1.3.6.1.4.1.2011.6.174.1"
    assert num(rec, "1.3.6.1.2.1.33.1.3.3.1.3.1") == 2369 and num(rec, "1.3.6.1.2.1.33.1.3.3.1.2.1") == 5000
    for i, line in enumerate(("1", "2", "3")):
        assert one(r, "ups_input_voltage_volts", line=line, ups="1") == num(rec, f"{hw}.3.100.1.{1 + i}.1") / 10
        assert one(r, "ups_input_current_amperes", line=line) == num(rec, f"{hw}.3.100.1.{5 + i}.1") / 10
        assert one(r, "ups_output_voltage_volts", line=line) == num(rec, f"{hw}.4.100.1.{1 + i}.1") / 10
        assert one(r, "ups_output_current_amperes", line=line) == num(rec, f"{hw}.4.100.1.{4 + i}.1") / 10
        assert one(r, "ups_output_power_watts", line=line) == num(rec, f"{hw}.4.100.1.{8 + i}.1") * 100
        assert one(r, "ups_output_load_ratio", line=line) == num(rec, f"{hw}.4.100.1.{14 + i}.1") / 1000
        assert one(r, "ups_bypass_voltage_volts", line=line) == num(rec, f"{hw}.5.100.1.{1 + i}.1") / 10
    assert [v for _, v in sorted(values(r, "ups_input_voltage_volts"), key=lambda s: s[0]["line"])] == [234.7, 238.0, 236.1]
    assert one(r, "ups_output_load_ratio", line="3") == 0.481
    assert one(r, "ups_output_power_watts", line="3") == 6000
    assert one(r, "ups_input_frequency_hertz") == num(rec, f"{hw}.3.100.1.4.1") / 100 == 50.0
    assert one(r, "ups_output_frequency_hertz") == 49.99 and one(r, "ups_bypass_frequency_hertz") == 50.0
    assert one(r, "ups_battery_voltage_volts") == num(rec, f"{hw}.6.100.1.1.1") / 10 == 538.5
    assert one(r, "ups_battery_charge_ratio") == 1.0
    assert one(r, "ups_battery_runtime_seconds") == num(rec, f"{hw}.6.100.1.4.1") == 28080
    assert num(rec, f"{hw}.2.101.1.1.1") == 3  # supplied by the inverter
    assert one(r, "ups_output_source", state="normal") == 1 and one(r, "ups_output_source", state="bypass") == 0
    # nothing from the card's non-conformant UPS-MIB
    assert all(v < 300 for _, v in values(r, "ups_input_voltage_volts") + values(r, "ups_output_voltage_volts"))
    assert all(v < 70 for name in ("ups_input_frequency_hertz", "ups_output_frequency_hertz")
               for _, v in values(r, name))


def test_eastpower_rows_with_a_trailing_zero_are_decoded(agent, profiles):
    """EastPower iStars (EA9080, three phases) answers UPS-MIB table cells as
    upsInputVoltage.1.0, a scalar's .0 after the row: still row 1, not dropped."""
    rec = "eastpower-istars-swv053"
    r = scrape(agent, rec, profiles, role="ups")
    assert r.matched == ["ups_rfc1628"] and one(r, "snmp_profile_matched") == 1
    base = "1.3.6.1.2.1.33.1"
    for line in (1, 2, 3):
        assert one(r, "ups_input_voltage_volts", line=str(line)) == num(rec, f"{base}.3.3.1.3.{line}.0")
        assert one(r, "ups_input_frequency_hertz", line=str(line)) == num(rec, f"{base}.3.3.1.2.{line}.0") / 10 == 50.0
        assert one(r, "ups_output_voltage_volts", line=str(line)) == num(rec, f"{base}.4.4.1.2.{line}.0") == 219
        assert one(r, "ups_output_load_ratio", line=str(line)) == num(rec, f"{base}.4.4.1.5.{line}.0") / 100
        assert one(r, "ups_bypass_voltage_volts", line=str(line)) == num(rec, f"{base}.5.3.1.2.{line}.0") == 235
    assert [v for _, v in sorted(values(r, "ups_input_voltage_volts"), key=lambda s: s[0]["line"])] == [236, 236, 234]
    assert one(r, "ups_battery_voltage_volts") == num(rec, f"{base}.2.5.0") / 10 == 213.0
    assert one(r, "ups_battery_temperature_celsius") == num(rec, f"{base}.2.7.0") == 36
    assert one(r, "ups_output_source", state="normal") == 1
    # the card says 0 minutes left at 100 % charge on mains: exported as it says
    assert num(rec, f"{base}.2.3.0") == 0 and one(r, "ups_battery_runtime_seconds") == 0


def test_huawei_ups_card_answering_only_its_identity_is_not_silently_up(agent, profiles):
    """A Huawei GSE200M card that answers upsIdentManufacturer and nothing else: matched by the
    upsIdent probe, but no battery, input or output data -> snmp_profile_matched 0 and a warning."""
    r = scrape(agent, "huaweiups", profiles, role="ups")
    assert raw("huaweiups", "1.3.6.1.2.1.33.1.1.1.0") == "HUAWEI"
    assert r.matched == ["ups_rfc1628"] and one(r, "snmp_profile_matched") == 0
    assert any("no profile decodes power data" in w for w in r.warnings), r.warnings
    assert not [f.name for f in r.families if f.name.startswith("ups_") and f.samples]


# --- firewalls and switch health -----------------------------------------------------------

def test_hillstone_stoneos_firewall(agent, profiles):
    need_shared("stoneos")
    r = scrape(agent, "stoneos", profiles, role="firewall")
    assert "hillstone" in r.matched
    assert one(r, "entity_cpu_usage_ratio", entity="system") == num("stoneos", "1.3.6.1.4.1.28557.2.2.1.3.0") / 100
    assert one(r, "entity_memory_size_bytes") == num("stoneos", "1.3.6.1.4.1.28557.2.2.1.4.0") * 1024
    assert one(r, "entity_memory_used_bytes") == num("stoneos", "1.3.6.1.4.1.28557.2.2.1.5.0") * 1024
    assert {l["psu"]: v for l, v in values(r, "device_psu_failed")} == {"PS0": 0, "PS1": 0}
    assert one(r, "entity_temperature_celsius", entity="Switch") == num("stoneos", "1.3.6.1.4.1.28557.2.28.1.2.1.3.4") == 68


def test_huawei_fans_power_supplies_and_light_levels(agent, profiles):
    need_shared("yunshan_s5735-v2")
    r = scrape(agent, "yunshan_s5735-v2", profiles)
    fan = "1.3.6.1.4.1.2011.5.25.31.1.1.10.1"
    for i in (1, 2):
        name = raw("yunshan_s5735-v2", f"{fan}.8.1.{i}")
        assert one(r, "device_fan_failed", fan=name) == 0
        assert one(r, "device_fan_speed_ratio", fan=name) == num("yunshan_s5735-v2", f"{fan}.5.1.{i}") / 100
    assert len(values(r, "device_psu_failed")) == 4 and all(v == 0 for _, v in values(r, "device_psu_failed"))
    assert values(r, "transceiver_rx_power_dbm") == []  # -1: no module reading
    r = scrape(agent, "vrp_5720", profiles)
    microwatts = num("vrp_5720", "1.3.6.1.4.1.2011.5.25.31.1.1.3.1.8.67469390")
    dbm = [v for l, v in values(r, "transceiver_rx_power_dbm")]
    assert microwatts == 536 and -2.71 in dbm  # 10 * log10(0.536 mW)


def test_h3c_fans_power_supplies_and_light_levels(agent, profiles):
    need_shared("comware")
    r = scrape(agent, "comware", profiles)
    assert one(r, "device_fan_failed", fan="0") == 0
    assert {l["psu"]: v for l, v in values(r, "device_psu_failed")} == {"0": 0, "1": 0, "2": 0}  # 3-5 not installed
    port = raw("comware", "1.3.6.1.2.1.31.1.1.1.1.13")
    assert one(r, "transceiver_rx_power_dbm", interface=port) == num("comware", "1.3.6.1.4.1.25506.2.70.1.1.1.12.13") / 100
    assert one(r, "transceiver_tx_power_dbm", interface=port) == -5.41


# --- partial scrapes -----------------------------------------------------------------------

def test_agent_refusing_one_object_loses_only_that(agent, profiles):
    r = scrape(agent, "refuser", profiles, modules="system,if_mib,ups_rfc1628", role="ups")
    assert r.up
    assert r.modules["system"] == [] and r.modules["if_mib"] == []
    assert r.modules["ups_rfc1628"] == ["1.3.6.1.2.1.33.1.2.5", "1.3.6.1.2.1.33.1.4.4.1.3"]
    assert one(r, "snmp_scrape_module_up", module="ups_rfc1628") == 0
    assert one(r, "snmp_scrape_module_failed_objects", module="ups_rfc1628") == 2
    assert one(r, "snmp_scrape_module_up", module="if_mib") == 1
    assert values(r, "ups_battery_voltage_volts") == [] and values(r, "ups_output_current_amperes") == []
    # everything else the agent answered is there
    assert one(r, "ups_battery_charge_ratio") == 1.0
    assert one(r, "ups_output_voltage_volts", line="3") == 235
    assert one(r, "ups_output_source", state="bypass") == 1
    assert one(r, "if_in_bytes_total", if_name="eth0") == 26086247739
    assert any("upsBattery" in w or "1.3.6.1.2.1.33.1.2.5" in w for w in r.warnings)


def test_refused_object_is_narrowed_within_a_prometheus_scrape_timeout(agent, profiles):
    """The AVTECH agent never answers a GETBULK that reaches ifSpecific.1; with the target's
    default timeout (2 s, 1 retry) its if_mib scrape must still be up, whole, inside
    Prometheus's default 10 s scrape timeout (before: 16 s, snmp_up 0)."""
    from netops.snmp.walk import NARROW_FLOOR

    target = SnmpTarget(name="avtech", host=agent.host, port=agent.port,
                        auth=SnmpAuth(community="avtech_roomalert12e"), labels={"device": "avtech"})
    assert (target.timeout, target.retries) == (2.0, 1)

    async def go():
        client = SnmpClient()
        try:
            return await collect(client, target, [profiles["system"], profiles["if_mib"]], deadline=10)
        finally:
            client.close()

    r = run(go())
    assert r.up, r.error
    assert r.modules == {"system": [], "if_mib": []}
    rec = "avtech_roomalert12e"
    assert one(r, "if_in_bytes_total", if_index="1") == num(rec, "1.3.6.1.2.1.2.2.1.10.1")
    # one full timeout (2 x 2 s) for the first refusal, then short ones for the pieces
    assert r.duration < 2 * 2 + 6 * NARROW_FLOOR


# --- exposition ----------------------------------------------------------------------------

ALL = [name for name, _ in MATCHES] + ["refuser"]


@pytest.mark.parametrize("name", ALL)
def test_promtool_check_metrics_passes_on_every_recording(agent, profiles, name):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    if name != "refuser" and recording_path(name) is None:
        pytest.skip(f"recording {name} is absent")
    r = scrape(agent, name, profiles, modules="system,if_mib,auto")
    text = render_text(r.families)
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # promtool does not look for a series given twice; Prometheus would drop one of them
    series = [(f.name, tuple(sorted(labels.items()))) for f in r.families for labels, _ in f.values()]
    assert len(series) == len(set(series)), sorted({s for s in series if series.count(s) > 1})


# --- the alert rules on what real devices export ------------------------------------------

def _series(result, rename: dict[str, str] | None = None) -> list[dict]:
    """The scrape as promtool input series, each sample held for 10 minutes."""
    out = []
    for family in result.families:
        for labels, value in family.values():
            labels = {**labels, "site": "admin-centre"}
            if rename and labels.get("device") in rename:
                labels["device"] = rename[labels["device"]]
            text = ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(labels.items()))
            out.append({"series": f"{family.name}{{{text}}}", "values": f"{value}x20"})
    return out


def _promtool_rules(tmp_path, rule_file: str, series: list[dict], alerts: dict[str, list[dict]],
                    eval_time: str = "8m") -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    test = {"rule_files": [str(ROOT / "monitors" / "rules" / rule_file)], "evaluation_interval": "30s",
            "tests": [{"interval": "30s", "input_series": series,
                       "alert_rule_test": [{"eval_time": eval_time, "alertname": name, "exp_alerts": exp}
                                           for name, exp in alerts.items()]}]}
    path = tmp_path / "test.yml"
    path.write_text(yaml.safe_dump(test, sort_keys=False), encoding="utf-8")
    lint = subprocess.run([promtool, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_eastpower_runtime_of_zero_on_mains_does_not_page(agent, profiles, tmp_path):
    """EastPower iStars says 0 minutes at 100 % on mains (the card does not know): no
    UpsRuntimeLow from what netops exports; the same values on battery do page."""
    rec = "eastpower-istars-swv053"
    r = scrape(agent, rec, profiles, role="ups")
    assert one(r, "ups_battery_runtime_seconds") == 0 and one(r, "ups_battery_charge_ratio") == 1
    on_mains = _series(r)
    on_battery = [
        {**s, "values": {"1": "0x20", "0": "1x20"}.get(s["values"].split("x")[0], s["values"])}
        if s["series"].startswith("ups_output_source{") and ('"normal"' in s["series"] or '"battery"' in s["series"])
        else s
        for s in _series(r, rename={rec: "eastpower-on-battery"})
    ]
    assert any('"battery"' in s["series"] and s["values"] == "1x20" for s in on_battery)
    page = {"severity": "critical", "device": "eastpower-on-battery", "site": "admin-centre", "role": "ups"}
    _promtool_rules(tmp_path, "power.yml", on_mains + on_battery, {"UpsRuntimeLow": [{
        "exp_labels": page,
        "exp_annotations": {"summary": "eastpower-on-battery has 0s of battery runtime left",
                            "description": "Estimated runtime of eastpower-on-battery at the present load is below 10 minutes."}}]})


PER_LINE = ("ups_input_voltage_volts", "ups_output_voltage_volts", "ups_output_current_amperes",
            "ups_output_power_watts")  # the per-line families the Generex recording answers


def test_three_phase_apc_feeds_the_power_panels_as_rfc1628_does(agent, profiles, tmp_path):
    """The Galaxy VS (PowerNet upsPhase*) and the Generex CS141 (RFC 1628) give the per-line
    families the same label names and lines 1-3, so the computer-room dashboard's queries and
    the power rules read both alike; the panels' expressions evaluated by promtool."""
    apc = scrape(agent, "apc_galaxy_vs", profiles, role="ups")
    rfc = scrape(agent, "generex-ups_cs141", profiles, role="ups")
    for name in PER_LINE:
        shapes = [{tuple(sorted(labels)) for labels, _ in values(r, name)} for r in (apc, rfc)]
        lines = [sorted(labels["line"] for labels, _ in values(r, name)) for r in (apc, rfc)]
        assert shapes[0] == shapes[1] and len(shapes[0]) == 1, name
        # the Generex leaves out the powers its lightly loaded phases report as negative
        assert lines[0] == ["1", "2", "3"] and set(lines[1]) <= {"1", "2", "3"} and lines[1], name
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    series = _series(apc) + _series(rfc)
    apc_dev = "apc_galaxy_vs"  # scrape() names the device after the recording
    panels = {  # the computer-room dashboard's UPS panels, on the APC
        "sum by (device) (ups_output_power_watts{device=\"%s\"})": 2432 + 2347 + 1773,
        "max by (device) (ups_output_load_ratio{device=\"%s\"})": 0.21,
        "count by (device) (ups_input_voltage_volts{device=\"%s\"})": 3,
        "count by (device) (ups_output_voltage_volts{device=\"%s\"})": 3,
    }
    tests = [{"interval": "30s", "input_series": series, "promql_expr_test": [
        {"expr": expr % apc_dev, "eval_time": "5m",
         "exp_samples": [{"labels": f'{{device="{apc_dev}"}}', "value": value}]}
        for expr, value in panels.items()]}]
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump({"tests": tests}, sort_keys=False), encoding="utf-8")
    lint = subprocess.run([promtool, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    _promtool_rules(tmp_path, "power.yml", series, {"UpsLoadHigh": [], "UpsOnBattery": []})


def test_liebert_pex_running_normally_raises_no_cooling_alert(agent, profiles, tmp_path):
    r = scrape(agent, "liebert_pex", profiles, role="environment_monitor")
    _promtool_rules(tmp_path, "environment.yml", _series(r), {
        "AirConditionerAlarm": [], "AirConditionerStopped": [], "AirConditionerSupplyAirWarm": []})


# --- efficiency ----------------------------------------------------------------------------

def test_small_agent_is_not_read_past_its_tables(agent, profiles):
    """A 1-interface UPS card: the first scrape walks entries once; later ones ask for exactly
    one row per column (plus one probe row per table), not max-repetitions per column."""
    from netops.snmp.discovery import TargetMemory

    memory = TargetMemory()
    target = SnmpTarget(name="eatonups", host=agent.host, port=agent.port, auth=SnmpAuth(community="eatonups"),
                        timeout=5, retries=1)

    async def go():
        client = SnmpClient()
        try:
            return [await collect(client, target, [profiles["if_mib"]], deadline=30, memory=memory)
                    for _ in range(3)]
        finally:
            client.close()

    first, second, third = run(go())
    assert second.up and third.up and memory.hints
    planned_columns = len({c for t in profiles["if_mib"].tables if not t.scalar
                           for c in [*(m.oid for m in t.metrics), *(l.oid for l in t.labels if l.oid)]})
    # one row: each planned column costs one varbind, the probe one more, ifXTable one (absent)
    assert second.varbinds == third.varbinds <= planned_columns + 1 + 5 + 2
    assert first.varbinds <= 25 + 25 + 6 + 3  # two entry walks of 25, the fallback pass, scalars
    assert one(third, "if_in_bytes_total", if_name="UM9008") == 4192067549


def test_collect_cli_warns_when_nothing_is_decoded(agent, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from netops.commands.snmp import app

    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"geist": {"version": "2c", "community": {"env": "GEIST_COMMUNITY"}}},
        "targets": {"room-9": {"address": f"{agent.host}:{agent.port}", "auth": "geist",
                               "labels": {"role": "environment_monitor"}, "profiles": ["system", "auto"]}},
    }))
    monkeypatch.setenv("GEIST_COMMUNITY", "geist-watchdog")
    result = CliRunner().invoke(app, ["collect", "room-9", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["up"] and report["profile_matched"] is False
    assert report["matched_profiles"] == ["geist_watchdog"]
    assert any("no profile decodes" in w for w in report["warnings"])
    text = CliRunner().invoke(app, ["collect", "room-9", "--config", str(config)])
    assert "warning" in text.output and "no profile decodes" in text.output


@pytest.mark.parametrize("name", ALL)
def test_every_recording_under_snmp_exporter_names(agent, profiles, name):
    """--metric-names snmp_exporter: every family is a MIB object, every sample of the default
    names has its counterpart, and promtool flags only snmp_exporter's own naming style."""
    from netops.snmp.exporter_names import sanitized, with_names

    if name != "refuser" and recording_path(name) is None:
        pytest.skip(f"recording {name} is absent")
    compat = with_names(profiles, "snmp_exporter")
    default = scrape(agent, name, profiles, modules="system,if_mib,auto")
    r = scrape(agent, name, compat, modules="system,if_mib,auto")
    objects = {sanitized(m.object or m.name) for p in compat.values() for t in p.tables for m in t.metrics}
    produced = {f.name for f in r.families if f.samples and not f.name.startswith("snmp_")}
    assert produced <= objects
    assert r.matched == default.matched and r.modules == default.modules
    counterparts: dict[str, set[str]] = {}
    for profile in profiles.values():
        for metric in (m for t in profile.tables for m in t.metrics if m.object):
            counterparts.setdefault(metric.name, set()).update(
                sanitized(o) for o in [metric.object, *(f.object for f in metric.fallback if f.object)])
    for family in default.families:
        if family.samples and family.name in counterparts:
            assert counterparts[family.name] & produced, (family.name, counterparts[family.name])
    promtool = shutil.which("promtool")
    if promtool is not None:
        lint = subprocess.run([promtool, "check", "metrics"], input=render_text(r.families), capture_output=True,
                              text=True, timeout=60)
        lines = [line for line in (lint.stdout + lint.stderr).splitlines() if line.strip()]
        assert all("snake_case" in line or "_total" in line for line in lines), lines
