"""HWg-STE (v1, STE-MIB) values from a real walk, served by snmpsim.

The recording (tests/data/snmp-recordings/hwg-ste_values.snmprec) is the STE walk Observium
quotes in its STE-MIB discovery code: a temperature sensor, celsius(1) 196, and a humidity
sensor, percent(4) 261, in state alarmlo(4). The hostile cases are edits of it made here
(EDITS, also named in the README): the units STE-MIB defines besides those two, and a sensor
in state invalid(0). The Poseidon counts its units from 0 = C; a profile that read the STE
that way showed nothing for this walk, and would show a kelvin probe as humidity.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from netops.snmp.families import render_text
from tests.snmp.test_device_families import one, scrape, values
from tests.snmp.test_geist_values import cells, serve

REC = "hwg-ste_values"
SENS = "1.3.6.1.4.1.21796.4.1.3.1"
EDITS = {
    "ste-fahrenheit": (REC, {f"{SENS}.7.1": "2|2", f"{SENS}.5.1": "2|673"}),  # 67.3 F = 19.6 C
    "ste-kelvin": (REC, {f"{SENS}.7.1": "2|3", f"{SENS}.5.1": "2|2928"}),  # 292.8 K: not converted, not humidity
    "ste-unit-none": (REC, {f"{SENS}.7.1": "2|0"}),  # none(0): no temperature (the Poseidon's 0 = C)
    "ste-invalid": (REC, {f"{SENS}.3.1": "2|0"}),  # sensor 1 invalid(0): a fault, no value
}


@pytest.fixture(scope="module")
def ste(tmp_path_factory):
    sim, texts = serve(tmp_path_factory, [REC, "hwg-ste"], EDITS)
    yield sim, texts
    sim.stop()


def _scrape(ste, name, profiles):
    return scrape(ste[0], name, profiles, modules="system,auto", role="environment_monitor")


def raw(ste, name, oid):
    tag, value = cells(ste[1][name])[oid]
    assert tag == "2", (name, oid)
    return int(value)


def test_real_walk_values_against_the_raw_lines(ste, profiles):
    r = _scrape(ste, REC, profiles)
    assert r.matched == ["hwg_ste"] and one(r, "snmp_profile_matched") == 1
    assert raw(ste, REC, f"{SENS}.7.1") == 1 and raw(ste, REC, f"{SENS}.7.2") == 4  # celsius(1), percent(4)
    assert values(r, "room_temperature_celsius") == [
        ({"sensor_index": "1", "sensor": "Sensor 26518"}, raw(ste, REC, f"{SENS}.5.1") / 10)]
    assert values(r, "room_humidity_ratio") == [
        ({"sensor_index": "2", "sensor": "Sensor 29068"}, raw(ste, REC, f"{SENS}.5.2") / 1000)]
    assert values(r, "room_temperature_celsius")[0][1] == 19.6 and values(r, "room_humidity_ratio")[0][1] == 0.261
    # the agent's own text rendering of each value agrees
    assert cells(ste[1][REC])[f"{SENS}.4.1"] == ("4", "19.6") and cells(ste[1][REC])[f"{SENS}.4.2"] == ("4", "26.1")
    # alarmlo(4) is a threshold alarm the operator set, not a broken sensor
    assert {l["sensor_index"]: v for l, v in values(r, "room_sensor_fault")} == {"1": 0, "2": 0}


def test_fahrenheit_is_converted(ste, profiles):
    r = _scrape(ste, "ste-fahrenheit", profiles)
    (_, celsius), = values(r, "room_temperature_celsius")
    assert celsius == pytest.approx((raw(ste, "ste-fahrenheit", f"{SENS}.5.1") / 10 - 32) * 5 / 9, abs=1e-9)
    assert round(celsius, 1) == 19.6


@pytest.mark.parametrize("name", ["ste-kelvin", "ste-unit-none"])
def test_units_not_decoded_give_nothing_for_that_sensor(ste, profiles, name):
    r = _scrape(ste, name, profiles)
    assert values(r, "room_temperature_celsius") == []
    assert [l["sensor_index"] for l, _ in values(r, "room_humidity_ratio")] == ["2"]  # not the kelvin sensor


def test_invalid_sensor_is_a_fault_not_a_reading(ste, profiles):
    r = _scrape(ste, "ste-invalid", profiles)
    assert values(r, "room_temperature_celsius") == []
    assert {l["sensor_index"]: v for l, v in values(r, "room_sensor_fault")} == {"1": 1, "2": 0}


def test_identity_only_recording_still_reports_nothing_decoded(ste, profiles):
    r = _scrape(ste, "hwg-ste", profiles)
    assert r.matched == ["hwg_ste"] and one(r, "snmp_profile_matched") == 0


@pytest.mark.parametrize("name", [REC, *EDITS])
def test_promtool_check_metrics(ste, profiles, name):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    lint = subprocess.run([promtool, "check", "metrics"], input=render_text(_scrape(ste, name, profiles).families),
                          capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_under_snmp_exporter_names(ste, profiles):
    """--metric-names snmp_exporter: raw sensValue per sensor, each series once."""
    from netops.snmp.exporter_names import with_names

    r = _scrape(ste, REC, with_names(profiles, "snmp_exporter"))
    family = r.family("sensValue")
    assert family is not None
    got = {labels["sensor_index"]: v for labels, v in family.values()}
    assert got == {"1": raw(ste, REC, f"{SENS}.5.1"), "2": raw(ste, REC, f"{SENS}.5.2")}
    series = [(f.name, tuple(sorted(labels.items()))) for f in r.families for labels, _ in f.values()]
    assert len(series) == len(set(series))
