"""Geist / Vertiv Watchdog values from real walks of three firmware releases, served by snmpsim.

The recordings (tests/data/snmp-recordings/geist-watchdog_fw{154,300,320}.snmprec, sources in
that folder's README) are walks other projects quoted in their source: firmware 1.5.4 and
3.2.0 answer internalTable in the MIB's column order, 3.0.0 one column later. Every value is
checked against the raw recording line. The hostile cases are edits of those recordings made
here, each named in EDITS (and in the README): a Fahrenheit unit, a unit the MIB does not
know, no unit, another firmware, each layout's data under the other layout's version, and
MIB-order remote probe rows (no public walk has any; they are labelled synthetic).
"""

from __future__ import annotations

import math
import shutil
import subprocess

import pytest

from netops.snmp.families import render_text
from tests.snmp.agents import Snmpsim
from tests.snmp.test_device_families import LOCAL, one, scrape, values

GEIST = "1.3.6.1.4.1.21239.5.1"
VERSION, UNITS = f"{GEIST}.1.2.0", f"{GEIST}.1.7.0"
INTERNAL = f"{GEIST}.2.1"
RECORDINGS = ("geist-watchdog_fw154", "geist-watchdog_fw320", "geist-watchdog_fw300")
# layout -> the internalTable columns of name, availability, temperature, humidity, dew point
MIB_ORDER = {"name": 3, "avail": 4, "temp": 5, "humidity": 6, "dew": 7}
FW300 = {"name": 3, "avail": 5, "temp": 6, "humidity": 7, "dew": 8}
LAYOUT = {"geist-watchdog_fw154": MIB_ORDER, "geist-watchdog_fw320": MIB_ORDER, "geist-watchdog_fw300": FW300}

# Synthetic remote probes in the MIB's column order (GEIST-V4-MIB tempSensorTable 5.1.4,
# airFlowSensorTable 5.1.5, t3hdSensorTable 5.1.8, thdSensorTable 5.1.9): no public walk holds any.
PROBES = {
    f"{GEIST}.4.1.3.2": "4|Rack 12 inlet", f"{GEIST}.4.1.4.2": "66|1", f"{GEIST}.4.1.5.2": "2|221",
    f"{GEIST}.5.1.3.1": "4|Row 3 airflow", f"{GEIST}.5.1.4.1": "66|0", f"{GEIST}.5.1.5.1": "2|0",
    f"{GEIST}.5.1.7.1": "2|0",
    f"{GEIST}.9.1.3.1": "4|Rack 12 exhaust", f"{GEIST}.9.1.4.1": "66|1", f"{GEIST}.9.1.5.1": "2|305",
    f"{GEIST}.9.1.6.1": "2|28",
    # t3hdSensorTable 5.1.8: its own sensor (.5 name, .6 temp, .7 humidity), external A
    # (.9 status, .10 name, .11 temp) and external B, unplugged (.12 status 0)
    f"{GEIST}.8.1.3.1": "4|T3HD 1", f"{GEIST}.8.1.4.1": "66|1", f"{GEIST}.8.1.5.1": "4|Rack 7 middle",
    f"{GEIST}.8.1.6.1": "2|240", f"{GEIST}.8.1.7.1": "2|33", f"{GEIST}.8.1.9.1": "66|1",
    f"{GEIST}.8.1.10.1": "4|Rack 7 top", f"{GEIST}.8.1.11.1": "2|262", f"{GEIST}.8.1.12.1": "66|0",
    f"{GEIST}.8.1.13.1": "4|Rack 7 bottom", f"{GEIST}.8.1.14.1": "2|0",
}
# variant -> (base recording, {oid: new "TYPE|VALUE" line tail, or None to remove the line})
EDITS = {
    "geist-fw320-fahrenheit": ("geist-watchdog_fw320", {UNITS: "2|0", f"{INTERNAL}.5.1": "2|631"}),
    "geist-fw300-fahrenheit": ("geist-watchdog_fw300", {UNITS: "2|0", f"{INTERNAL}.6.1": "2|678"}),
    "geist-fw320-unit2": ("geist-watchdog_fw320", {UNITS: "2|2"}),
    "geist-fw320-nounit": ("geist-watchdog_fw320", {UNITS: None}),
    "geist-fw310": ("geist-watchdog_fw320", {VERSION: "4|3.1.0"}),
    # an unknown firmware whose rows are 3.0.0-shifted: read in the MIB order, the row check
    # (an integer availability in .4) refuses them
    "geist-fw300-as-301": ("geist-watchdog_fw300", {VERSION: "4|3.0.1"}),
    "geist-fw320-as-300": ("geist-watchdog_fw320", {VERSION: "4|3.0.0"}),
    "geist-fw300-as-320": ("geist-watchdog_fw300", {VERSION: "4|3.2.0"}),
    # a 3.2.0 unit at 0.1 C under version 3.0.0: its temperature cell (1) looks like 3.0.0's
    # availability; only the serial-string check on .4 keeps 4.6 C / 56 % from being read
    "geist-fw320-as-300-cold": ("geist-watchdog_fw320", {VERSION: "4|3.0.0", f"{INTERNAL}.5.1": "2|1"}),
    "geist-fw320-probes": ("geist-watchdog_fw320", PROBES),
    "geist-fw300-probes": ("geist-watchdog_fw300", PROBES),
}


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split("."))


def edited(base: str, edits: dict[str, str | None]) -> str:
    """The base recording with lines replaced, removed or added, in OID order (snmpsim needs it)."""
    lines = {}
    for line in (LOCAL / f"{base}.snmprec").read_text(encoding="utf-8").splitlines():
        oid, _, rest = line.partition("|")
        lines[oid] = rest
    for oid, rest in edits.items():
        if rest is None:
            assert oid in lines, (base, oid)
            del lines[oid]
        else:
            lines[oid] = rest
    return "".join(f"{oid}|{lines[oid]}\n" for oid in sorted(lines, key=_oid_key))


def cells(text: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in text.splitlines():
        oid, tag, value = line.split("|", 2)
        out[oid] = (tag, value)
    return out


def serve(tmp_path_factory, recordings, edits):
    """snmpsim serving recordings unchanged plus their edits: (agent, {community: text})."""
    texts = {name: (LOCAL / f"{name}.snmprec").read_text(encoding="utf-8") for name in recordings}
    texts.update({name: edited(base, changes) for name, (base, changes) in edits.items()})
    sim = Snmpsim.serving_texts(texts, tmp_path_factory.mktemp("edited"), ready_community=recordings[0],
                                ready_seconds=120)
    return sim, texts


@pytest.fixture(scope="module")
def geist(tmp_path_factory):
    """(agent, {community: recording text}) for the three recordings and their edits."""
    sim, texts = serve(tmp_path_factory, RECORDINGS, EDITS)
    yield sim, texts
    sim.stop()


def _scrape(geist, name, profiles, role="environment_monitor"):
    agent, _ = geist
    return scrape(agent, name, profiles, modules="system,auto", role=role)


def raw(geist, name: str, oid: str) -> int:
    tag, value = cells(geist[1][name])[oid]
    assert tag in ("2", "66"), (name, oid, tag)
    return int(value)


def dew_point(celsius: float, ratio: float) -> float:
    """Magnus formula (Sonntag 1990 constants), good to about 0.1 C in room conditions."""
    gamma = math.log(ratio) + 17.62 * celsius / (243.12 + celsius)
    return 243.12 * gamma / (17.62 - gamma)


# --- the real walks ------------------------------------------------------------------------

@pytest.mark.parametrize("name", RECORDINGS)
def test_internal_sensor_values_against_the_raw_lines(geist, profiles, name):
    r = _scrape(geist, name, profiles)
    cols = LAYOUT[name]
    label = cells(geist[1][name])[f"{INTERNAL}.{cols['name']}.1"][1]
    assert r.matched == ["geist_watchdog"] and one(r, "snmp_profile_matched") == 1
    assert raw(geist, name, UNITS) == 1
    assert one(r, "room_temperature_celsius", sensor=label, probe="internal") == raw(
        geist, name, f"{INTERNAL}.{cols['temp']}.1") / 10
    assert one(r, "room_humidity_ratio", sensor=label) == raw(geist, name, f"{INTERNAL}.{cols['humidity']}.1") / 100
    assert raw(geist, name, f"{INTERNAL}.{cols['avail']}.1") == 1
    assert one(r, "room_sensor_fault", sensor=label) == 0
    assert not [w for w in r.warnings if "no profile decodes" in w]


def test_the_values_themselves(geist, profiles):
    """Spelled out once, so a wrong column cannot agree with itself."""
    expect = {"geist-watchdog_fw154": ("GBB15", 26.2, 0.14), "geist-watchdog_fw320": ("RSGLDN Watchdog 15", 17.3, 0.46),
              "geist-watchdog_fw300": ("Data Center 1", 19.9, 0.36)}
    for name, (sensor, celsius, ratio) in expect.items():
        r = _scrape(geist, name, profiles)
        assert values(r, "room_temperature_celsius") == [
            ({"sensor_index": "1", "sensor": sensor, "probe": "internal"}, celsius)], name
        assert values(r, "room_humidity_ratio") == [({"sensor_index": "1", "sensor": sensor, "probe": "internal"}, ratio)]


@pytest.mark.parametrize("name", RECORDINGS)
def test_recorded_dew_point_confirms_the_columns_and_celsius(geist, name):
    """Each walk's dew point column is what its temperature and humidity columns give, in
    Celsius: the column order and unit 1 = Celsius are the device's, not an assumption.
    Read as Fahrenheit, the same numbers would need a dew point several degrees off."""
    cols = LAYOUT[name]
    celsius = raw(geist, name, f"{INTERNAL}.{cols['temp']}.1") / 10
    ratio = raw(geist, name, f"{INTERNAL}.{cols['humidity']}.1") / 100
    recorded = raw(geist, name, f"{INTERNAL}.{cols['dew']}.1") / 10
    assert abs(dew_point(celsius, ratio) - recorded) < 0.3, (name, dew_point(celsius, ratio), recorded)
    as_fahrenheit = dew_point((celsius - 32) * 5 / 9, ratio) * 9 / 5 + 32
    assert abs(as_fahrenheit - recorded) > 3
    # the other layout's columns do not fit: a shifted read is not a plausible room
    other = FW300 if cols is MIB_ORDER else MIB_ORDER
    shifted = [cells(geist[1][name]).get(f"{INTERNAL}.{other[k]}.1") for k in ("temp", "humidity", "dew")]
    if all(c is not None and c[0] in ("2", "66") for c in shifted):
        t, h, d = (int(c[1]) for c in shifted)
        assert not (0 < h <= 100 and abs(dew_point(t / 10, h / 100) - d / 10) < 1), (name, t, h, d)


# --- edits: unit, firmware, layout guard ----------------------------------------------------

@pytest.mark.parametrize("name, column", [("geist-fw320-fahrenheit", 5), ("geist-fw300-fahrenheit", 6)])
def test_fahrenheit_is_converted(geist, profiles, name, column):
    r = _scrape(geist, name, profiles)
    assert raw(geist, name, UNITS) == 0
    fahrenheit = raw(geist, name, f"{INTERNAL}.{column}.1") / 10
    (labels, celsius), = values(r, "room_temperature_celsius")
    assert celsius == pytest.approx((fahrenheit - 32) * 5 / 9, abs=1e-9)
    assert round(celsius, 1) == {"geist-fw320-fahrenheit": 17.3, "geist-fw300-fahrenheit": 19.9}[name]
    assert len(values(r, "room_humidity_ratio")) == 1  # humidity has no unit


@pytest.mark.parametrize("name", ["geist-fw320-unit2", "geist-fw320-nounit"])
def test_unknown_or_missing_unit_gives_no_temperature(geist, profiles, name):
    r = _scrape(geist, name, profiles)
    assert values(r, "room_temperature_celsius") == []
    assert values(r, "room_humidity_ratio") == [({"sensor_index": "1", "sensor": "RSGLDN Watchdog 15",
                                                  "probe": "internal"}, 0.46)]


def test_other_firmware_in_the_mib_order_is_decoded(geist, profiles):
    """Every firmware but 3.0.0 is read in the MIB's order, as LibreNMS, Observium, Centreon
    and Checkmk (above 3.0.0) read it: 3.2.0's rows under version 3.1.0 give 3.2.0's values."""
    r = _scrape(geist, "geist-fw310", profiles)
    assert values(r, "room_temperature_celsius") == [({"sensor_index": "1", "sensor": "RSGLDN Watchdog 15",
                                                       "probe": "internal"}, 17.3)]
    assert one(r, "snmp_profile_matched") == 1


@pytest.mark.parametrize("name", ["geist-fw300-as-301", "geist-fw320-as-300", "geist-fw300-as-320",
                                  "geist-fw320-as-300-cold"])
def test_wrong_layout_decodes_nothing_and_says_so(geist, profiles, name):
    """Rows of one layout under a version read in the other fail the row's own check
    (availability must be an integer in the layout's column, the serial a string there)."""
    r = _scrape(geist, name, profiles)
    assert r.matched == ["geist_watchdog"]
    for family in ("room_temperature_celsius", "room_humidity_ratio", "room_sensor_fault"):
        assert values(r, family) == [], (name, family)
    assert one(r, "snmp_profile_matched") == 0
    assert any("no profile decodes" in w and "1.3.6.1.4.1.21239.5.1" in w for w in r.warnings)


def test_remote_probes_in_mib_order(geist, profiles):
    """Synthetic MIB-order rows: temperature probe, an unplugged airflow probe, a THD probe."""
    name = "geist-fw320-probes"
    r = _scrape(geist, name, profiles)
    temps = {(l["probe"], l["sensor"]): v for l, v in values(r, "room_temperature_celsius")}
    assert temps == {("internal", "RSGLDN Watchdog 15"): 17.3,
                     ("temperature", "Rack 12 inlet"): raw(geist, name, f"{GEIST}.4.1.5.2") / 10,
                     ("thd", "Rack 12 exhaust"): raw(geist, name, f"{GEIST}.9.1.5.1") / 10,
                     ("t3hd", "Rack 7 middle"): raw(geist, name, f"{GEIST}.8.1.6.1") / 10,
                     ("t3hd_a", "Rack 7 top"): raw(geist, name, f"{GEIST}.8.1.11.1") / 10}
    hums = {(l["probe"], l["sensor"]): v for l, v in values(r, "room_humidity_ratio")}
    assert hums == {("internal", "RSGLDN Watchdog 15"): 0.46, ("thd", "Rack 12 exhaust"): 0.28,
                    ("t3hd", "Rack 7 middle"): 0.33}
    faults = {(l["probe"], l["sensor"]): v for l, v in values(r, "room_sensor_fault")}
    assert faults[("airflow", "Row 3 airflow")] == 1  # unplugged: a fault, not a 0 C reading
    assert faults[("t3hd_b", "Rack 7 bottom")] == 1
    assert faults[("temperature", "Rack 12 inlet")] == 0 and faults[("thd", "Rack 12 exhaust")] == 0
    assert faults[("t3hd", "Rack 7 middle")] == 0 and faults[("t3hd_a", "Rack 7 top")] == 0


def test_remote_probes_are_not_read_on_firmware_300(geist, profiles):
    """3.0.0 shifts internalTable; nothing says how it orders the probe tables: left out."""
    r = _scrape(geist, "geist-fw300-probes", profiles)
    assert {l["probe"] for l, _ in values(r, "room_temperature_celsius")} == {"internal"}
    assert {l["probe"] for l, _ in values(r, "room_sensor_fault")} == {"internal"}


@pytest.mark.parametrize("name", [*RECORDINGS, *EDITS])
def test_promtool_check_metrics(geist, profiles, name):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    r = _scrape(geist, name, profiles)
    lint = subprocess.run([promtool, "check", "metrics"], input=render_text(r.families), capture_output=True,
                          text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("name", [*RECORDINGS, "geist-fw320-fahrenheit", "geist-fw320-probes"])
def test_under_snmp_exporter_names(geist, profiles, name):
    """--metric-names snmp_exporter: the MIB objects with raw values, no family twice."""
    from netops.snmp.exporter_names import with_names

    r = _scrape(geist, name, with_names(profiles, "snmp_exporter"))
    produced = {f.name: f for f in r.families if f.samples and not f.name.startswith("snmp_")}
    assert {"internalTemp", "internalHumidity", "internalAvail"} <= set(produced)
    series = [(f.name, tuple(sorted(labels.items()))) for f in produced.values() for labels, _ in f.values()]
    assert len(series) == len(set(series))
    cols = LAYOUT.get(name, MIB_ORDER if "320" in name else FW300)
    internal = [v for labels, v in produced["internalTemp"].values() if labels["probe"] == "internal"]
    assert internal == [raw(geist, name, f"{INTERNAL}.{cols['temp']}.1")]  # the temperature column, raw
