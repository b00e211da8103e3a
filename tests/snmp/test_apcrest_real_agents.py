"""The Liebert PEX supply-air alert and the APC upsPhase additions through a real snmpsim
agent serving the two real recordings, and the alert rules evaluated by promtool on what
netops exports, both ways: the recorded PEX (and the same unit reporting a normal supply air
beside its 5 C supply-row setting) raises nothing; warm supply air or a control point above
its set point does.
"""

from __future__ import annotations

import pytest

from tests.snmp.agents import Snmpsim
from tests.snmp.test_device_families import LOCAL, _promtool_rules, _series, num, one, scrape, values

PEX, GALAXY = "liebert_pex", "apc_galaxy_vs"
ENV = "1.3.6.1.4.1.476.1.42.3.4"


# the Galaxy with its second input (the bypass) typed main(2): two main inputs, whose rows map
# to the same `line` series; an edit of one recorded cell (upsPhaseInputType.2)
TWO_MAINS = "apc_galaxy_two_mains"
INPUT_TYPE_2 = "1.3.6.1.4.1.318.1.1.1.9.2.2.1.5.2|2|"


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    texts = {name: (LOCAL / f"{name}.snmprec").read_text(encoding="utf-8") for name in (PEX, GALAXY)}
    assert f"\n{INPUT_TYPE_2}3\n" in texts[GALAXY]
    texts[TWO_MAINS] = texts[GALAXY].replace(f"\n{INPUT_TYPE_2}3\n", f"\n{INPUT_TYPE_2}2\n")
    sim = Snmpsim.serving_texts(texts, tmp_path_factory.mktemp("apcrest"), ready_community=PEX, ready_seconds=120)
    yield sim
    sim.stop()


def test_pex_control_set_point_is_the_unit_setting_not_the_supply_row(agent, profiles):
    r = scrape(agent, PEX, profiles, role="environment_monitor")
    # lgpEnvTemperatureSettingDegC 23 C; its Fahrenheit clone 73 F = 22.8 C agrees
    assert one(r, "cooling_control_setpoint_celsius") == num(PEX, f"{ENV}.1.3.1.0") == 23
    assert (num(PEX, f"{ENV}.1.2.1.0") - 32) * 5 / 9 == pytest.approx(23, abs=0.5)
    assert one(r, "cooling_air_temperature_celsius", sensor="Control") == 23
    # the supply row's setting is still exported as the unit reports it, but no rule reads it
    assert one(r, "cooling_temperature_setpoint_celsius", sensor="Supply Air") == num(PEX, f"{ENV}.1.3.3.1.6.2") == 5
    assert [l for l, _ in values(r, "cooling_air_temperature_celsius") if l["sensor"] == "Supply Air"] == []


def _with(series: list[dict], device: str, extra: dict[str, str], replace: dict[str, str] | None = None) -> list[dict]:
    """The recorded PEX series under another device name, with extra or changed samples."""
    out = []
    for s in series:
        text = s["series"].replace(f'device="{PEX}"', f'device="{device}"')
        for old, new in (replace or {}).items():
            if text.startswith(old):
                s = {**s, "values": new}
        out.append({**s, "series": text})
    base = next(s["series"] for s in out if s["series"].startswith("cooling_control_setpoint_celsius{"))
    labels = base[base.index("{"):]
    for name, value in extra.items():
        metric, _, sensor = name.partition("/")
        text = labels if not sensor else labels[:-1] + f',sensor="{sensor}"}}'
        out.append({"series": metric + text, "values": value})
    return out


def test_pex_series_page_only_for_warm_supply_air_or_a_missed_set_point(agent, profiles, tmp_path):
    r = scrape(agent, PEX, profiles, role="environment_monitor")
    recorded = _series(r)
    # the same unit measuring a normal 14 C supply air beside its 5 C supply-row setting: the
    # old rule (supply > setting + 5) paged it
    normal = _with(recorded, "pex-normal", {"cooling_air_temperature_celsius/Supply Air": "14x20"})
    warm = _with(recorded, "pex-warm-supply", {"cooling_air_temperature_celsius/Supply Air": "29x20"})
    missed = _with(recorded, "pex-above-set-point", {},
                   {'cooling_air_temperature_celsius{': "29x20"})  # control and return air at 29 C
    assert any(s["series"].startswith("cooling_temperature_setpoint_celsius{") and 'sensor="Supply Air"' in s["series"]
               and s["values"].startswith("5") for s in normal)
    site = {"severity": "warning", "site": "admin-centre", "role": "environment_monitor"}
    _promtool_rules(tmp_path, "environment.yml", recorded + normal + warm + missed, {
        "AirConditionerAlarm": [], "AirConditionerStopped": [],
        "AirConditionerSupplyAirWarm": [{
            "exp_labels": {**site, "device": "pex-warm-supply", "sensor": "Supply Air"},
            "exp_annotations": {
                "summary": "admin-centre: pex-warm-supply supply air is 29 °C",
                "description": "The supply air of pex-warm-supply has been above its high-temperature threshold "
                               "(27 °C where the unit sets none) for 10 minutes: the unit runs but does not cool enough."}}],
        "AirConditionerAboveSetPoint": [{
            "exp_labels": {**site, "device": "pex-above-set-point"},
            "exp_annotations": {
                "summary": "admin-centre: pex-above-set-point holds 29 °C, above its set point",
                "description": "The control temperature of pex-above-set-point has been more than 5 °C above the set "
                               "point it controls to for 10 minutes: the unit runs but does not cool."}}],
    }, eval_time="12m")


def test_galaxy_upsphase_additions_through_the_agent(agent, profiles):
    r = scrape(agent, GALAXY, profiles, role="ups")
    ph = "1.3.6.1.4.1.318.1.1.1.9.3.3.1"
    for line in ("1", "2", "3"):
        assert one(r, "ups_output_apparent_power_volt_amperes", line=line) == num(GALAXY, f"{ph}.7.1.{line}")
        assert one(r, "ups_output_power_factor", line=line) == num(GALAXY, f"{ph}.19.1.{line}") / 100
    assert one(r, "ups_output_frequency_hertz") == num(GALAXY, "1.3.6.1.4.1.318.1.1.1.9.3.2.1.4.1") / 10 == 50.0
    assert values(r, "ups_output_voltage_phase_to_phase_volts") == []


def test_galaxy_frequencies_raise_no_alert_and_an_off_frequency_output_does(agent, profiles, tmp_path):
    """The recorded 50.0 Hz (upsPhase tenths) is in range; the same unit with its output at
    48.5 Hz and its input at 52 Hz warns, once per feed."""
    r = scrape(agent, GALAXY, profiles, role="ups")
    recorded = _series(r)
    off = []
    for s in _series(r, rename={GALAXY: "galaxy-off"}):
        if s["series"].startswith("ups_output_frequency_hertz{"):
            s = {**s, "values": "48.5x20"}
        elif s["series"].startswith("ups_input_frequency_hertz{"):
            s = {**s, "values": "52x20"}
        off.append(s)
    labels = {"severity": "warning", "device": "galaxy-off", "site": "admin-centre", "role": "ups"}
    _promtool_rules(tmp_path, "power.yml", recorded + off, {
        "UpsOutputFrequencyOutOfRange": [{
            "exp_labels": labels,
            "exp_annotations": {"summary": "galaxy-off output frequency is 48.5 Hz",
                                "description": "The output frequency of galaxy-off has been more than 1 Hz from its nominal "
                                               "50/60 Hz for a minute: the inverter is not regulating."}}],
        "UpsInputFrequencyOutOfRange": [{
            "exp_labels": {**labels, "line": "1", "feed": "input"},
            "exp_annotations": {"summary": "galaxy-off input frequency is 52 Hz",
                                "description": "The input frequency of galaxy-off has been more than 1 Hz from 50/60 Hz for "
                                               "5 minutes: the UPS cannot synchronise to it, and a transfer to bypass would "
                                               "interrupt the load."}}],
    })


def test_two_rows_on_one_series_give_it_once_and_say_so(agent, profiles):
    """Two main inputs map to the same `line` series: the scrape gives each series once (the
    first input's, as recorded) and names what it dropped, instead of an exposition in which
    Prometheus would keep one of two at random."""
    r = scrape(agent, TWO_MAINS, profiles)
    for family in r.families:
        keys = [tuple(sorted(labels.items())) for labels, _ in family.values()]
        assert len(keys) == len(set(keys)), family.name
    assert sorted(values(r, "ups_input_voltage_volts"), key=lambda s: s[0]["line"]) == [
        ({"line": line}, num(GALAXY, f"1.3.6.1.4.1.318.1.1.1.9.2.3.1.14.1.{line}")) for line in ("1", "2", "3")]
    warning = [w for w in r.warnings if "series given twice" in w]
    assert warning and "ups_input_voltage_volts{" in warning[0], r.warnings
    recorded = scrape(agent, GALAXY, profiles)
    assert not [w for w in recorded.warnings if "series given twice" in w], recorded.warnings
