"""The generic PDU-to-metrics mapping, on hand-made data (no sockets)."""

from __future__ import annotations

from netops.snmp import ber
from netops.snmp.families import LabelSet, MetricFamily, Sample, render_text
from netops.snmp.metrics import families, plan, render_octets, split_index
from netops.snmp.profile import IndexPart, parse_profile

PROFILE = parse_profile("""
name: demo
tables:
  - name: scalars
    scalar: true
    metrics:
      - {name: demo_runtime_seconds, oid: 1.3.6.1.9.1, scale: 60, unknown: [4294967295]}
      - {name: demo_source, oid: 1.3.6.1.9.2, enum: {3: normal, 5: battery}, enum_as: state}
      - {name: demo_mode, oid: 1.3.6.1.9.3, enum: {1: auto, 2: manual}, enum_as: label, state_label: mode}
  - name: rows
    index:
      - {name: port, type: integer}
      - {name: peer, type: string}
    labels:
      - {label: port_name, oid: 1.3.6.1.9.20.1, key: [port]}
      - {label: kind, from: peer, classify: [{match: '(?i)^core', value: core}], default: other}
    filters:
      - {oid: 1.3.6.1.9.10.1.9, not_in: [0]}
    metrics:
      - {name: demo_bytes_total, oid: 1.3.6.1.9.10.1.2, type: counter, scale_by: 1.3.6.1.9.10.1.3}
      - {name: demo_alarm, oid: 1.3.6.1.9.10.1.4, value_map: {2: 0, 4: 1}}
      - {name: demo_peer_info, oid: 1.3.6.1.9.10.1.4, type: info}
""", "demo.yaml")

O = ber.parse_oid


def _peer(name: str) -> tuple[int, ...]:
    return (len(name), *name.encode())


DATA = {
    O("1.3.6.1.9.1"): {(0,): (ber.GAUGE32, 4294967295)},
    O("1.3.6.1.9.2"): {(0,): (ber.INTEGER, 5)},
    O("1.3.6.1.9.3"): {(0,): (ber.INTEGER, 2)},
    O("1.3.6.1.9.20.1"): {(7,): (ber.OCTET_STRING, b"GE0/0/7\r\n"), (8,): (ber.OCTET_STRING, b"GE0/0/8")},
    O("1.3.6.1.9.10.1.9"): {(7, *_peer("core-1")): (ber.INTEGER, 1), (8, *_peer("village")): (ber.INTEGER, 1),
                            (9, *_peer("gone")): (ber.INTEGER, 0)},
    O("1.3.6.1.9.10.1.2"): {(7, *_peer("core-1")): (ber.COUNTER64, 10), (8, *_peer("village")): (ber.COUNTER64, 3),
                            (9, *_peer("gone")): (ber.COUNTER64, 1)},
    O("1.3.6.1.9.10.1.3"): {(7, *_peer("core-1")): (ber.INTEGER, 4), (8, *_peer("village")): (ber.INTEGER, 2)},
    O("1.3.6.1.9.10.1.4"): {(7, *_peer("core-1")): (ber.INTEGER, 4), (8, *_peer("village")): (ber.INTEGER, 7)},
}


def _by_name(result: list[MetricFamily]) -> dict[str, MetricFamily]:
    return {f.name: f for f in result}


def test_plan_lists_scalars_and_columns_once():
    p = plan([PROFILE, PROFILE])
    assert p.scalars == (O("1.3.6.1.9.1"), O("1.3.6.1.9.2"), O("1.3.6.1.9.3"))
    assert O("1.3.6.1.9.20.1") in p.columns and O("1.3.6.1.9.10.1.3") in p.columns
    assert len(p.columns) == len(set(p.columns))


def test_unknown_sentinel_leaves_the_sample_out():
    assert _by_name(families([PROFILE], DATA))["demo_runtime_seconds"].samples == []


def test_enum_as_state_and_as_label():
    out = _by_name(families([PROFILE], DATA, {"device": "ups-1"}))
    assert out["demo_source"].values() == [({"device": "ups-1", "state": "normal"}, 0),
                                           ({"device": "ups-1", "state": "battery"}, 1)]
    assert out["demo_mode"].values() == [({"device": "ups-1", "mode": "manual"}, 1)]


def test_rows_get_index_lookup_and_derived_labels_and_filters_apply():
    out = _by_name(families([PROFILE], DATA, {"device": "sw"}))
    rows = out["demo_bytes_total"].values()
    assert rows == [
        ({"device": "sw", "port": "7", "peer": "core-1", "port_name": "GE0/0/7", "kind": "core"}, 40),
        ({"device": "sw", "port": "8", "peer": "village", "port_name": "GE0/0/8", "kind": "other"}, 6),
    ]  # the row whose filter column is 0 is gone; CR/LF in a DisplayString become spaces and are trimmed
    assert [v for _, v in out["demo_alarm"].values()] == [1]  # 7 is not in value_map: left out
    assert len(out["demo_peer_info"].samples) == 2


def test_split_index_handles_strings_inet_and_implied():
    parts = [IndexPart(name="a", type="integer"), IndexPart(name="b", type="inet"),
             IndexPart(name="c", type="implied")]
    assert split_index(parts, (5, 4, 10, 0, 0, 1, 65, 66)) == [(5,), (4, 10, 0, 0, 1), (65, 66)]
    assert split_index(parts[:2], (5, 9, 1)) is None  # length prefix runs past the end
    assert split_index(parts[:1], (5, 6)) is None  # left-over sub-identifiers


def test_octet_rendering():
    assert render_octets(bytes.fromhex("14a0f8cfaf39"), "auto") == "14:a0:f8:cf:af:39"
    assert render_octets(b"CE-NG", "auto") == "CE-NG"
    assert render_octets(bytes([10, 0, 0, 1]), "ip") == "10.0.0.1"
    assert render_octets("王台镇".encode(), "text") == "王台镇"


def test_text_exposition_escapes_and_formats():
    labels = LabelSet({"device": 'a"b', "descr": "x\\y\nz"})
    text = render_text([MetricFamily("demo_total", "counter", "help\nline", [Sample(labels, 3), Sample(labels, 0.25)])])
    assert text == (
        "# HELP demo_total help\\nline\n# TYPE demo_total counter\n"
        'demo_total{device="a\\"b",descr="x\\\\y\\nz"} 3\n'
        'demo_total{device="a\\"b",descr="x\\\\y\\nz"} 0.25\n'
    )


def test_text_exposition_parses_with_prometheus_client():
    from prometheus_client.parser import text_string_to_metric_families

    text = render_text(families([PROFILE], DATA, {"device": "sw"}))
    parsed = {f.name: f for f in text_string_to_metric_families(text)}
    assert parsed["demo_bytes"].type == "counter"
    assert {s.labels["peer"] for s in parsed["demo_bytes"].samples} == {"core-1", "village"}


LINES = parse_profile("""
name: lines
tables:
  - name: count
    scalar: true
    metrics:
      - {name: demo_lines, oid: 1.3.6.1.9.50}
  - name: lineEntry
    index: [{name: line, type: integer}]
    rows_limit: {oid: 1.3.6.1.9.50}
    labels:
      - {label: port, oid: 1.3.6.1.9.60.1, fallback: 1.3.6.1.9.61.1}
    metrics:
      - {name: demo_power_watts, oid: 1.3.6.1.9.51.1, min: 0, unknown: [-1, 2147483647]}
      - {name: demo_speed_bytes_per_second, oid: 1.3.6.1.9.52.1, scale: 125000, fallback: [{oid: 1.3.6.1.9.53.1, scale: 0.125}]}
      - {name: demo_light_dbm, oid: 1.3.6.1.9.54.1, scale: 0.001, convert: mw_to_dbm, unknown: [-1]}
""", "lines.yaml")


def test_rows_beyond_the_line_count_sentinels_negative_power_and_fallbacks():
    """Hand-made data shaped like an RFC 1628 card with 1 of 3 lines in use (Riello-style zeros)."""
    data = {
        O("1.3.6.1.9.50"): {(0,): (ber.INTEGER, 2)},
        O("1.3.6.1.9.51.1"): {(1,): (ber.INTEGER, 469), (2,): (ber.INTEGER, -4), (3,): (ber.INTEGER, 0)},
        O("1.3.6.1.9.53.1"): {(1,): (ber.GAUGE32, 10_000_000), (2,): (ber.GAUGE32, 100_000_000)},
        O("1.3.6.1.9.54.1"): {(1,): (ber.INTEGER, 536), (2,): (ber.INTEGER, -1)},
        O("1.3.6.1.9.61.1"): {(1,): (ber.OCTET_STRING, b"eth0"), (2,): (ber.OCTET_STRING, b"eth1")},
    }
    out = _by_name(families([LINES], data))
    assert out["demo_power_watts"].values() == [({"line": "1", "port": "eth0"}, 469)]  # -4 below min, line 3 > count
    assert out["demo_speed_bytes_per_second"].values() == [({"line": "1", "port": "eth0"}, 1_250_000),
                                                          ({"line": "2", "port": "eth1"}, 12_500_000)]
    assert out["demo_light_dbm"].values() == [({"line": "1", "port": "eth0"}, -2.71)]
    # the fallback column is read only when the first column holds nothing
    from netops.snmp.metrics import fallback_plan

    assert O("1.3.6.1.9.53.1") in fallback_plan([LINES], data).columns
    assert fallback_plan([LINES], {**data, O("1.3.6.1.9.52.1"): {(1,): (ber.GAUGE32, 1000)},
                                   O("1.3.6.1.9.60.1"): {(1,): (ber.OCTET_STRING, b"x")}}).columns == ()


# --- RFC 3433 scale/precision and unit scalars (hand-made rows shaped like real agents) ---

def _entity_sensor_profile():
    from netops.snmp.profile import load_profile
    from tests.snmp.conftest import ROOT

    return load_profile(ROOT / "monitors" / "profiles" / "entity_sensor.yaml")


def _sensor_rows(rows: dict[int, tuple[int, int, int, int, int]]) -> dict:
    """entity index -> (type, scale, precision, value, status) as entPhySensorTable columns."""
    data: dict = {O("1.3.6.1.2.1.47.1.1.1.1.7"): {}}
    for col in range(1, 6):
        data[O(f"1.3.6.1.2.1.99.1.1.1.{col}")] = {}
    for index, cells in rows.items():
        data[O("1.3.6.1.2.1.47.1.1.1.1.7")][(index,)] = (ber.OCTET_STRING, f"s{index}".encode())
        for col, value in zip(range(1, 6), cells):
            if value is not None:
                data[O(f"1.3.6.1.2.1.99.1.1.1.{col}")][(index,)] = (ber.INTEGER, value)
    return data


def test_entity_sensor_scale_and_precision():
    data = _sensor_rows({
        1: (8, 9, 1, 235, 1),       # units, 1 decimal place: 23.5 C
        2: (8, 8, 0, 41500, 1),     # milli: 41.5 C
        3: (8, 8, 2, 4150000, 1),   # milli and 2 places: 41.5 C
        4: (8, 9, -2, 4100, 1),     # negative precision: accuracy only, value as it is
        5: (8, 9, 0, 30, 2),        # unavailable(2): not shown
        6: (8, 99, 0, 30, 1),       # a scale RFC 3433 does not define: not guessed
        7: (8, 9, None, 30, 1),     # no precision cell: not guessed
        8: (9, 9, 1, 455, 1),       # percentRH, 1 place: 0.455
        9: (10, 10, 1, 52, 1),      # kilo rpm, 1 place: 5,200 rpm
        10: (8, 1, 0, 41, 1),       # yocto: Cisco ASA's bug for units
    })
    out = _by_name(families([_entity_sensor_profile()], data))
    temps = {labels["entity"]: value for labels, value in out["entity_temperature_celsius"].values()}
    assert temps == {"s1": 23.5, "s2": 41.5, "s3": 41.5, "s4": 4100, "s10": 41}
    assert out["room_humidity_ratio"].values() == [({"entity_index": "8", "sensor": "s8"}, 0.455)]
    assert out["device_fan_speed_rpm"].values() == [({"entity_index": "9", "fan": "s9"}, 5200)]


def test_a_unit_scalar_filters_every_row_and_fails_closed():
    """NetBotz 200: memSensorsStatusSysTempUnits.0 decides Celsius or Fahrenheit for all rows;
    without it no temperature is shown (a Fahrenheit reading shown as Celsius is worse)."""
    from netops.snmp.profile import load_profile
    from tests.snmp.conftest import ROOT

    netbotz = load_profile(ROOT / "monitors" / "profiles" / "apc_netbotz.yaml")
    col = "1.3.6.1.4.1.318.1.1.10.4.2.3.1"
    rows = {
        O(f"{col}.3"): {(0, 1): (ber.OCTET_STRING, b"Pod 1"), (0, 2): (ber.OCTET_STRING, b"Pod 2")},
        O(f"{col}.5"): {(0, 1): (ber.INTEGER, 68), (0, 2): (ber.INTEGER, 20)},
        O(f"{col}.7"): {(0, 1): (ber.INTEGER, 2), (0, 2): (ber.INTEGER, 3)},
    }
    assert O("1.3.6.1.4.1.318.1.1.10.4.2.1") in plan([netbotz]).scalars
    units = O("1.3.6.1.4.1.318.1.1.10.4.2.1")
    for code, expected in ((1, 68), (2, 20)):
        out = _by_name(families([netbotz], {**rows, units: {(0,): (ber.INTEGER, code)}}))
        assert [v for _, v in out["room_temperature_celsius"].values()] == [expected]  # pod 2 lost: no reading
        assert {l["sensor"]: v for l, v in out["room_sensor_fault"].values()} == {"Pod 1": 0, "Pod 2": 1}
    out = _by_name(families([netbotz], rows))
    assert out["room_temperature_celsius"].values() == []


def test_liebert_air_conditioner_tenths_columns_and_points_that_are_not_air():
    """LIEBERT-GP-ENVIRONMENTAL-MIB laid out as a real unit does (rows 1, 2, 3, points named
    by their well-known OID; the real PEX recording is in test_device_families.py), here with
    the tenths columns a newer card has, which win over whole degrees."""
    from netops.snmp.profile import load_profile
    from tests.snmp.conftest import ROOT

    liebert = load_profile(ROOT / "monitors" / "profiles" / "liebert_cooling.yaml")
    env = "1.3.6.1.4.1.476.1.42.3.4"
    supply, ret, comp, text = (1,), (2,), (3,), (4,)
    temp = f"{env}.1.3.3.1"
    data = {
        O(f"{temp}.2"): {supply: (ber.OBJECT_IDENTIFIER, O(f"{env}.1.1.3")), ret: (ber.OBJECT_IDENTIFIER, O(f"{env}.1.1.2")),
                         comp: (ber.OBJECT_IDENTIFIER, O(f"{env}.1.1.11.1")),
                         text: (ber.OCTET_STRING, b"Supply Air")},  # not the MIB's type: not shown as anything
        O(f"{temp}.50"): {supply: (ber.INTEGER, 168), ret: (ber.INTEGER, 243), comp: (ber.INTEGER, 412), text: (ber.INTEGER, 1)},
        O(f"{temp}.3"): {supply: (ber.INTEGER, 17), ret: (ber.INTEGER, 24)},
        O(f"{temp}.6"): {ret: (ber.INTEGER, 24)},  # a unit without the tenths set point: whole degrees
        O(f"{env}.2.2.3.1.2"): {(1,): (ber.OBJECT_IDENTIFIER, O(f"{env}.2.1.2"))},
        O(f"{env}.2.2.3.1.50"): {(1,): (ber.INTEGER, 463)},
        O(f"{env}.2.2.3.1.6"): {(1,): (ber.INTEGER, 50)},
        O(f"{env}.3.1"): {(0,): (ber.INTEGER, 1)},
        O(f"{env}.3.8"): {(0,): (ber.INTEGER, 1)},
        O(f"{env}.3.9"): {(0,): (ber.GAUGE32, 4294967295)},
        O("1.3.6.1.4.1.476.1.42.3.2.2"): {(0,): (ber.GAUGE32, 2)},
    }
    from netops.snmp.metrics import fallback_plan

    assert O(f"{temp}.6") in fallback_plan([liebert], {O(f"{temp}.50"): data[O(f"{temp}.50")]}).columns
    out = _by_name(families([liebert], data))
    assert {l["sensor"]: v for l, v in out["cooling_air_temperature_celsius"].values()} == {"Supply Air": 16.8, "Return Air": 24.3}
    assert out["cooling_component_temperature_celsius"].values() == [({"sensor": "Digital Scroll Compressor 1"}, 41.2)]
    assert out["cooling_temperature_setpoint_celsius"].values() == [({"sensor": "Return Air"}, 24)]
    assert out["cooling_humidity_ratio"].values() == [({"sensor": "Return Air"}, 0.463)]
    assert out["cooling_humidity_setpoint_ratio"].values() == [({"sensor": "Return Air"}, 0.5)]
    assert {l["state"]: v for l, v in out["cooling_unit_state"].values()} == {"on": 1, "off": 0, "standby": 0}
    assert out["cooling_general_alarm"].values() == [({}, 1)]
    assert out["cooling_alarms_present"].values() == [({}, 2)]
    assert out["cooling_capacity_ratio"].values() == []  # 4294967295: not known
def test_a_row_with_a_trailing_zero_is_its_row_once():
    """EastPower's upsInputVoltage.1.0 is row 1; an agent answering both .1 and .1.0 gives one series."""
    from netops.snmp import ber
    from netops.snmp.metrics import families
    from netops.snmp.profile import parse_profile

    profile = parse_profile("""
name: t
tables:
  - name: e
    index: [{name: line, type: integer}]
    metrics: [{name: v_volts, oid: 1.3.6.1.2.1.33.1.3.3.1.3}]
""")
    col = (1, 3, 6, 1, 2, 1, 33, 1, 3, 3, 1, 3)
    only_suffixed = {col: {(1, 0): (ber.INTEGER, 236), (2, 0): (ber.INTEGER, 234)}}
    both = {col: {(1,): (ber.INTEGER, 230), (1, 0): (ber.INTEGER, 236)}}
    for data, expected in ((only_suffixed, [({"line": "1"}, 236), ({"line": "2"}, 234)]),
                           (both, [({"line": "1"}, 230)])):
        (family,) = families([profile], data)
        assert family.values() == expected
