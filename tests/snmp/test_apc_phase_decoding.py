"""apc_powernet_ups's upsPhase tables against edits of the real Galaxy VS recording.

The decoding is pure (netops.snmp.metrics.families), so the hostile cases are the recorded
cells with a few changed, fed straight to it: what a single-phase unit answering upsPhase,
or a three-phase unit without upsAdvOutputLoad, would give. No agent needed.
"""

from __future__ import annotations

from netops.snmp import ber
from netops.snmp.metrics import families, profile_oids
from netops.snmp.profile import load_profile
from tests.snmp.conftest import ROOT

REC = ROOT / "tests" / "data" / "snmp-recordings" / "apc_galaxy_vs.snmprec"
PHASE = "1.3.6.1.4.1.318.1.1.1.9"
ADV_LOAD = "1.3.6.1.4.1.318.1.1.1.4.2.3.0"


def _recording(edits: dict[str, int | None]) -> dict[tuple[int, ...], tuple[int, object]]:
    cells: dict[tuple[int, ...], tuple[int, object]] = {}
    for line in REC.read_text(encoding="utf-8").splitlines():
        oid, tag, value = line.split("|", 2)
        cells[ber.parse_oid(oid)] = (int(tag), int(value) if tag in ("2", "66", "67") else value.encode())
    for oid, value in edits.items():
        if value is None:
            cells.pop(ber.parse_oid(oid))
        else:
            cells[ber.parse_oid(oid)] = (2, value)
    return cells


def _scrape(edits: dict[str, int | None]) -> dict[str, list[tuple[dict, float]]]:
    profile = load_profile(ROOT / "monitors" / "profiles" / "apc_powernet_ups.yaml")
    cells = _recording(edits)
    data = {}
    for col in profile_oids(profile):
        rows = {oid[len(col):]: cell for oid, cell in cells.items() if oid[:len(col)] == col and len(oid) > len(col)}
        if rows:
            data[col] = rows
    return {f.name: [(dict(labels), value) for labels, value in f.values()] for f in families([profile], data)}


def _lines(out, name):
    return sorted((labels["line"], value) for labels, value in out.get(name, []))


def test_recorded_galaxy_gives_three_lines_each():
    out = _scrape({})
    assert _lines(out, "ups_input_voltage_volts") == [("1", 223), ("2", 225), ("3", 226)]
    assert _lines(out, "ups_bypass_voltage_volts") == [("1", 223), ("2", 223), ("3", 225)]
    assert _lines(out, "ups_output_current_amperes") == [("1", 12.1), ("2", 11.8), ("3", 9.2)]


def test_single_phase_unit_answering_upsphase_keeps_one_line_1_series():
    """upsPhaseNum*Phases 1: the upsAdv scalars stay the only line-1 voltage and current."""
    out = _scrape({f"{PHASE}.2.2.1.2.1": 1, f"{PHASE}.2.2.1.2.2": 1, f"{PHASE}.3.2.1.2.1": 1,
                   "1.3.6.1.4.1.318.1.1.1.3.2.1.0": 231, "1.3.6.1.4.1.318.1.1.1.4.2.1.0": 230})
    assert _lines(out, "ups_input_voltage_volts") == [("1", 231)]
    assert _lines(out, "ups_output_voltage_volts") == [("1", 230)]
    assert "ups_bypass_voltage_volts" not in out or out["ups_bypass_voltage_volts"] == []


def test_per_phase_load_only_without_upsadvoutputload():
    loads = {f"{PHASE}.3.3.1.10.1.{i}": v for i, v in ((1, 30), (2, 29), (3, -1))}
    with_total = _scrape(loads)
    assert _lines(with_total, "ups_output_load_ratio") == [("1", 0.21)]  # no second line-1 series
    without_total = _scrape({**loads, ADV_LOAD: None})
    assert _lines(without_total, "ups_output_load_ratio") == [("1", 0.30), ("2", 0.29)]  # -1 left out


def test_sentinels_and_unknown_input_types_are_left_out():
    out = _scrape({f"{PHASE}.2.3.1.14.1.2": -1, f"{PHASE}.3.3.1.4.1.3": -1, f"{PHASE}.2.2.1.5.2": 1})
    assert _lines(out, "ups_input_voltage_volts") == [("1", 223), ("3", 226)]
    assert _lines(out, "ups_output_current_amperes") == [("1", 12.1), ("2", 11.8)]
    assert out.get("ups_bypass_voltage_volts", []) == []  # input 2 typed unknown(1): neither main nor bypass
