"""apc_powernet_ups's upsPhase frequency, apparent power, power factor, outputs above 1 and
the phase-to-phase fallback, against the real Galaxy VS recording and edits of its cells.

Every recorded value is checked against its raw line and against physics (V x A against VA,
W / VA against the power factor, phase-to-phase against sqrt(3) x phase-to-neutral). The
hostile cases are recorded cells changed the way other cards answer: tenths of a hertz where
the Galaxy says -1, -1 in the phase-to-neutral columns, no such columns at all, a second
output, power factors of 0 or above 1, sentinels. No agent needed: the decoding is pure.
"""

from __future__ import annotations

import math

from tests.snmp.test_apc_phase_decoding import PHASE, REC, _lines, _scrape

IN, IN_PH = f"{PHASE}.2.2.1", f"{PHASE}.2.3.1"  # upsPhaseInputEntry, upsPhaseInputPhaseEntry
OUT, OUT_PH = f"{PHASE}.3.2.1", f"{PHASE}.3.3.1"  # upsPhaseOutputEntry, upsPhaseOutputPhaseEntry
ADV_IN_FREQ = "1.3.6.1.4.1.318.1.1.1.3.2.4.0"
ADV_OUT_FREQ = "1.3.6.1.4.1.318.1.1.1.4.2.2.0"


def _raw(oid: str) -> int:
    for line in REC.read_text(encoding="utf-8").splitlines():
        if line.startswith(oid + "|"):
            return int(line.rsplit("|", 1)[1])
    raise AssertionError(f"{oid} is not in the recording")


def _values(out, name):
    return [value for _, value in _lines(out, name)]


def _unlabelled(out, name):
    return [value for labels, value in out.get(name, []) if not labels]


def test_recorded_output_power_factor_and_apparent_power_match_raw_lines_and_physics():
    out = _scrape({})
    assert _values(out, "ups_output_apparent_power_volt_amperes") == [_raw(f"{OUT_PH}.7.1.{i}") for i in (1, 2, 3)] == [2789, 2720, 2137]
    assert _values(out, "ups_output_power_factor") == [_raw(f"{OUT_PH}.19.1.{i}") / 100 for i in (1, 2, 3)] == [0.88, 0.86, 0.82]
    volts, amps = _values(out, "ups_output_voltage_volts"), _values(out, "ups_output_current_amperes")
    watts = _values(out, "ups_output_power_watts")
    for v, a, w, va, pf in zip(volts, amps, watts, _values(out, "ups_output_apparent_power_volt_amperes"), _values(out, "ups_output_power_factor")):
        assert abs(v * a - va) / va < 0.011  # 230 V x 12.1 A = 2783 VA against 2789 VA
        assert abs(w / va - pf) < 0.011  # 2432 W / 2789 VA = 0.872 against 0.88
    # the three phases against the card's whole-UPS figures (upsAdvOutputApparentPower / ActivePower)
    assert abs(sum(_values(out, "ups_output_apparent_power_volt_amperes")) - _raw("1.3.6.1.4.1.318.1.1.1.4.2.9.0")) / 7768 < 0.02
    assert abs(sum(watts) - _raw("1.3.6.1.4.1.318.1.1.1.4.2.8.0")) / 6632 < 0.02


def test_recorded_input_power_factor_matches_raw_lines_and_physics():
    out = _scrape({})
    assert _values(out, "ups_input_power_factor") == [_raw(f"{IN_PH}.13.1.{i}") / 100 for i in (1, 2, 3)] == [1.0, 1.0, 0.99]
    for v, a, w in zip(*(_values(out, n) for n in ("ups_input_voltage_volts", "ups_input_current_amperes", "ups_input_power_watts"))):
        assert abs(w - v * a) / w < 0.025  # a unit power factor: true power is V x A (223 V x 10.2 A = 2275 W against 2318 W)
    # the bypass carries no current: its recorded power factors are 0, which is no measurement
    assert [_raw(f"{IN_PH}.13.2.{i}") for i in (1, 2, 3)] == [0, 0, 0]
    assert "ups_bypass_power_factor" not in out


def test_recorded_frequencies_one_series_each_the_precise_one_first():
    out = _scrape({})
    # upsPhaseOutputFrequency 500 (tenths) wins over upsAdvOutputFrequency 50 (whole hertz): one series
    assert _raw(f"{OUT}.4.1") == 500 and _raw(ADV_OUT_FREQ) == 50
    assert out["ups_output_frequency_hertz"] == [({}, 50.0)]
    # both inputs say -1 (not supported): the input frequency stays upsAdvInputFrequency's, no bypass one
    assert (_raw(f"{IN}.4.1"), _raw(f"{IN}.4.2")) == (-1, -1)
    assert _lines(out, "ups_input_frequency_hertz") == [("1", _raw(ADV_IN_FREQ))]
    assert out["ups_bypass_frequency_hertz"] == []


def test_tenths_of_a_hertz_replace_the_whole_hertz_and_never_add_a_series():
    out = _scrape({f"{OUT}.4.1": 499, f"{IN}.4.1": 501, f"{IN}.4.2": 498})
    assert out["ups_output_frequency_hertz"] == [({}, 49.9)]  # not 50 from upsAdv beside it
    assert _lines(out, "ups_input_frequency_hertz") == [("1", 50.1)]
    assert out["ups_bypass_frequency_hertz"] == [({}, 49.8)]


def test_unknown_phase_frequency_falls_back_to_upsadv_and_absent_upsadv_to_upsphase():
    for sentinel in (-1, 2147483647):
        out = _scrape({f"{OUT}.4.1": sentinel})
        assert out["ups_output_frequency_hertz"] == [({}, 50)]
    assert _scrape({ADV_OUT_FREQ: None})["ups_output_frequency_hertz"] == [({}, 50.0)]
    # neither: no frequency at all rather than a made-up one
    assert _scrape({ADV_OUT_FREQ: None, f"{OUT}.4.1": -1})["ups_output_frequency_hertz"] == []
    # a card without the upsPhase output table keeps upsAdvOutputFrequency
    no_table = {f"{OUT}.{c}.1": None for c in (1, 2, 3, 4)}
    assert _scrape(no_table)["ups_output_frequency_hertz"] == [({}, 50)]
    # an input frequency on an input that is not main (bypass first) is not the input's
    out = _scrape({f"{IN}.4.1": 501, f"{IN}.5.1": 3, f"{IN}.5.2": 2})
    assert _lines(out, "ups_input_frequency_hertz") == []
    assert out["ups_bypass_frequency_hertz"] == [({}, 50.1)]


def test_phase_to_neutral_minus_one_falls_back_to_phase_to_phase_in_its_own_family():
    edits = {f"{IN_PH}.14.1.{i}": -1 for i in (1, 2, 3)}
    out = _scrape(edits)
    assert _lines(out, "ups_input_voltage_volts") == []  # never 389 V where 230 V is meant
    pp = _lines(out, "ups_input_voltage_phase_to_phase_volts")
    assert pp == [(str(i), _raw(f"{IN_PH}.3.1.{i}")) for i in (1, 2, 3)] == [("1", 389), ("2", 390), ("3", 390)]
    # physics: the recorded phase-to-neutral 223/225/226 V give 388/391/389 V between phases
    pn = [223, 225, 226]
    for i, (_, value) in enumerate(pp):
        a, b = pn[i], pn[(i + 1) % 3]
        assert abs(math.sqrt(a * a + b * b + a * b) - value) < 2.5
    # the bypass still has its phase-to-neutral column: no fallback there
    assert _values(out, "ups_bypass_voltage_volts") == [223, 223, 225]
    assert out["ups_bypass_voltage_phase_to_phase_volts"] == []


def test_card_without_phase_to_neutral_columns_gives_phase_to_phase_everywhere():
    edits: dict[str, int | None] = {f"{IN_PH}.14.{n}.{i}": None for n in (1, 2) for i in (1, 2, 3)}
    edits |= {f"{OUT_PH}.22.1.{i}": None for i in (1, 2, 3)}
    out = _scrape(edits)
    assert _lines(out, "ups_input_voltage_phase_to_phase_volts") == [("1", 389), ("2", 390), ("3", 390)]
    assert _lines(out, "ups_bypass_voltage_phase_to_phase_volts") == [("1", 387), ("2", 389), ("3", 389)]
    assert _lines(out, "ups_output_voltage_phase_to_phase_volts") == [("1", 399), ("2", 399), ("3", 399)]
    for name in ("ups_input_voltage_volts", "ups_bypass_voltage_volts", "ups_output_voltage_volts"):
        assert _lines(out, name) == []


def test_phase_to_phase_fallback_refuses_split_phase_and_sentinels():
    edits: dict[str, int | None] = {f"{IN_PH}.14.1.{i}": -1 for i in (1, 2, 3)}
    # split phase: phases 1-2 are to neutral, phase 3 between 1 and 2; no single meaning
    assert _lines(_scrape({**edits, f"{IN}.3.1": 3}), "ups_input_voltage_phase_to_phase_volts") == []
    out = _scrape({**edits, f"{IN_PH}.3.1.2": -1, f"{IN_PH}.3.1.3": 2147483647})
    assert _lines(out, "ups_input_voltage_phase_to_phase_volts") == [("1", 389)]
    # a phase-to-neutral cell missing while the column exists: that row cannot be checked, left out
    out = _scrape({f"{IN_PH}.14.1.1": None, f"{IN_PH}.14.1.2": -1})
    assert _lines(out, "ups_input_voltage_phase_to_phase_volts") == [("2", 390)]
    assert _lines(out, "ups_input_voltage_volts") == [("3", 226)]


def test_power_factor_and_apparent_power_sentinels_are_left_out():
    out = _scrape({f"{OUT_PH}.19.1.1": 0, f"{OUT_PH}.19.1.2": 101, f"{OUT_PH}.19.1.3": -1,
                   f"{OUT_PH}.7.1.1": -1, f"{OUT_PH}.7.1.2": 2147483647, f"{IN_PH}.13.1.3": 2147483647})
    assert _lines(out, "ups_output_power_factor") == []
    assert _lines(out, "ups_output_apparent_power_volt_amperes") == [("3", 2137)]
    assert _lines(out, "ups_input_power_factor") == [("1", 1.0), ("2", 1.0)]


def test_single_phase_output_rows_add_no_power_factor_or_apparent_power():
    out = _scrape({f"{OUT}.2.1": 1})
    for name in ("ups_output_power_factor", "ups_output_apparent_power_volt_amperes", "ups_output_current_amperes"):
        assert _lines(out, name) == []


def _second_output() -> dict[str, int | None]:
    """Output 2 of a two-output unit: the recorded output 1's cells, scaled, under index 2."""
    edits: dict[str, int | None] = {f"{PHASE}.3.1.0": 2, f"{OUT}.1.2": 2, f"{OUT}.2.2": 3, f"{OUT}.3.2": 4, f"{OUT}.4.2": 600}
    for i, (volts, tenths_a, va, watts, pf, pct) in enumerate(((231, 50, 1155, 1040, 90, 12), (232, 40, 928, 830, 89, 10), (229, -1, -1, -1, -1, -1)), 1):
        edits |= {f"{OUT_PH}.1.2.{i}": 2, f"{OUT_PH}.2.2.{i}": i, f"{OUT_PH}.22.2.{i}": volts, f"{OUT_PH}.4.2.{i}": tenths_a,
                  f"{OUT_PH}.7.2.{i}": va, f"{OUT_PH}.13.2.{i}": watts, f"{OUT_PH}.19.2.{i}": pf, f"{OUT_PH}.10.2.{i}": pct}
    return edits


def _of_output(out, name, output):
    return sorted((labels["line"], value) for labels, value in out.get(name, []) if labels.get("output") == output)


def test_outputs_above_1_carry_an_output_label_and_leave_output_1_alone():
    out = _scrape(_second_output())
    assert _of_output(out, "ups_output_voltage_volts", "2") == [("1", 231), ("2", 232), ("3", 229)]
    assert _of_output(out, "ups_output_current_amperes", "2") == [("1", 5.0), ("2", 4.0)]
    assert _of_output(out, "ups_output_apparent_power_volt_amperes", "2") == [("1", 1155), ("2", 928)]
    assert _of_output(out, "ups_output_power_watts", "2") == [("1", 1040), ("2", 830)]
    assert _of_output(out, "ups_output_power_factor", "2") == [("1", 0.90), ("2", 0.89)]
    assert _of_output(out, "ups_output_load_ratio", "2") == [("1", 0.12), ("2", 0.10)]
    assert [v for labels, v in out["ups_output_frequency_hertz"] if labels == {"output": "2"}] == [60.0]
    # output 1 unchanged: the recorded three lines without an output label, one frequency
    assert _of_output(out, "ups_output_voltage_volts", None) == [("1", 230), ("2", 230), ("3", 230)]
    assert _unlabelled(out, "ups_output_frequency_hertz") == [50.0]
    assert _of_output(out, "ups_output_load_ratio", None) == [("1", 0.21)]
    # no two samples share a label set in any family (an exposition Prometheus would reject)
    for name, samples in out.items():
        keys = [tuple(sorted(labels.items())) for labels, _ in samples]
        assert len(keys) == len(set(keys)), name


def test_a_fixed_row_filter_is_walked_and_is_neither_scalar_nor_keyed():
    """The `row` filter the upsAdv frequencies use: its column is walked (not a GET of .0),
    and a profile mixing it with `scalar` or `key` fails to load with the field named."""
    from netops.snmp.metrics import plan
    from netops.snmp.profile import ProfileError, load_profile, parse_profile
    from tests.snmp.conftest import ROOT

    fetch = plan([load_profile(ROOT / "monitors" / "profiles" / "apc_powernet_ups.yaml")])
    freq = (1, 3, 6, 1, 4, 1, 318, 1, 1, 1, 9, 3, 2, 1, 4)
    assert freq in fetch.columns and freq not in fetch.scalars
    for extra in ("scalar: true", "key: [i]"):
        text = ("name: demo\ntables:\n  - name: t\n    index: [{name: i, type: integer}]\n"
                f"    filters: [{{oid: 1.3.6.1.4.1.99.2, row: [1], {extra}, in: [1]}}]\n"
                "    metrics:\n      - {name: demo_value, oid: 1.3.6.1.4.1.99.1.1}\n")
        try:
            parse_profile(text, "monitors/profiles/demo.yaml")
        except ProfileError as error:
            assert error.field == "tables[0] (t).filters[0]" and error.line == 5
            assert "fixed 'row'" in str(error)
        else:
            raise AssertionError(f"row with {extra} loaded")
