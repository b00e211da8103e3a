"""The SNMP lab for real: snmpsim agents on loopback, read through the exporter's collector
and the metric profiles (so the recordings and the profiles cannot drift apart)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.lab import snmp as snmp_lab
from tests.monitor.conftest import LAB_SECRETS_ENV, LAB_SECRETS_FILE

DEVICES = ["ups-1", "env-1", "in-core-1", "wangtai-v001", "wangtai-ex-sw", "wangtai-ex-rt"]
runner = CliRunner()


def netops(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture(scope="module")
def lab(lab_env):
    inventory, lab_dir = lab_env
    result = netops("lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir), "--only", ",".join(DEVICES))
    assert result.exit_code == 0, result.output
    try:
        yield inventory, lab_dir
    finally:
        state = snmp_lab.load_state(lab_dir)
        snmp_lab.down(lab_dir)
        if state is not None:
            for pid in state.pids:
                assert not snmp_lab.pid_alive(pid), f"snmpsim {pid} still runs"


def collect(inventory, device, timeout="5"):
    result = netops("snmp", "collect", device, "-i", str(inventory), "--lab", "--json", "--timeout", timeout)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.output)


def samples(data, metric):
    for family in data["metrics"]:
        if family["name"] == metric:
            return family["samples"]
    return []


def value(data, metric, **labels):
    found = [s["value"] for s in samples(data, metric) if all(s["labels"].get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (metric, labels, samples(data, metric))
    return found[0]


def test_status_shows_pids_endpoints_and_auth(lab):
    inventory, lab_dir = lab
    result = netops("lab", "status", "--lab-dir", str(lab_dir), "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["running"] and info["agents"] == len(DEVICES)
    assert set(info["endpoints"]) == set(DEVICES)
    assert info["auth"]["ups-1"] == "v2c" and info["auth"]["in-core-1"] == "v3" and info["auth"]["wangtai-v001"] == "v3"
    assert all(e.startswith("127.") for e in info["endpoints"].values())


def test_no_secret_reaches_state_logs_or_command_lines(lab):
    _, lab_dir = lab
    secrets = [*LAB_SECRETS_FILE.values(), LAB_SECRETS_ENV["NETOPS_SNMP_IN_AUTH"], LAB_SECRETS_ENV["NETOPS_SNMP_IN_PRIV"],
               LAB_SECRETS_ENV["NETOPS_SNMP_COMMUNITY"]]
    state = snmp_lab.load_state(lab_dir)
    texts = [snmp_lab.state_path(lab_dir).read_text()] + [open(log).read() for log in state.logs]
    for pid in state.pids:
        texts.append(open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"))
    for secret in secrets:
        assert not any(secret in text for text in texts), "a secret leaked"
    # the 0600 arguments file with the v3 keys is gone once the agents answer
    assert not list((lab_dir / "snmp").glob("agents-*.args"))
    assert oct((lab_dir / "snmp").stat().st_mode & 0o777) == "0o700"


def test_lab_community_answers_v2c(lab):
    inventory, lab_dir = lab
    state = snmp_lab.load_state(lab_dir)
    assert state.community == LAB_SECRETS_ENV["NETOPS_LAB_COMMUNITY"]
    for name, info in state.agents.items():
        assert snmp_lab.probe(info.endpoint, state.community), name
    assert not snmp_lab.probe(state.agents["ups-1"].endpoint, "wrong-community", timeout=0.5)


def test_ups_through_its_inventory_v2c_community_and_profile(lab):
    code, data = collect(lab[0], "ups-1")
    assert code == 0 and data["up"], data
    assert value(data, "ups_battery_charge_ratio") == 1
    assert value(data, "ups_battery_runtime_seconds") == 45 * 60
    assert value(data, "ups_output_source", state="normal") == 1
    assert value(data, "ups_output_load_ratio", line="1") == pytest.approx(0.07)
    assert value(data, "sys_uptime_seconds") > 86400


def test_switch_over_snmpv3_with_board_health_and_lldp(lab):
    code, data = collect(lab[0], "in-core-1")
    assert code == 0 and data["up"], data
    assert value(data, "entity_cpu_usage_ratio", entity="MPU Board 0") > 0
    assert value(data, "if_oper_status", if_name="XGigabitEthernet1/0/1") == 1  # to wangtai-in-sw
    assert value(data, "if_oper_status", if_name="XGigabitEthernet8/0/24") == 2  # nothing cabled
    code, data = collect(lab[0], "wangtai-ex-sw")  # v3 keys from the secrets file
    assert code == 0, data
    neighbours = {s["labels"]["remote_sysname"] for s in samples(data, "lldp_remote_info")}
    assert {"wangtai-ex-rt", "wangtai-v001"} <= neighbours
    assert value(data, "entity_temperature_celsius", entity="Board 1") > 0


def test_room_sensor(lab):
    code, data = collect(lab[0], "env-1")
    assert code == 0, data
    assert value(data, "room_temperature_celsius") == 24
    assert value(data, "room_humidity_ratio") == pytest.approx(0.45)
    assert {s["labels"]["kind"]: s["value"] for s in samples(data, "room_contact_alarm")} == {
        "water": 0, "smoke": 0, "door": 0}


def test_set_flips_states_that_the_agents_serve_at_once(lab):
    inventory, lab_dir = lab
    result = netops("lab", "set", "ups-1", "on_battery", "-i", str(inventory), "--lab-dir", str(lab_dir))
    assert result.exit_code == 0, result.output
    _, data = collect(inventory, "ups-1")
    assert value(data, "ups_output_source", state="battery") == 1
    assert value(data, "ups_battery_charge_ratio") == pytest.approx(0.8)
    assert {s["labels"]["alarm"] for s in samples(data, "ups_alarm_info")} == {"on_battery", "input_bad"}
    # a second change within the same second is seen too (snmpsim compares whole-second mtimes)
    assert netops("lab", "set", "ups-1", "low_battery", "-i", str(inventory), "--lab-dir", str(lab_dir)).exit_code == 0
    _, data = collect(inventory, "ups-1")
    assert value(data, "ups_battery_status", state="low") == 1
    assert netops("lab", "set", "env-1", "leak", "-i", str(inventory), "--lab-dir", str(lab_dir)).exit_code == 0
    _, data = collect(inventory, "env-1")
    assert value(data, "room_contact_alarm", kind="water") == 1
    for device in ("ups-1", "env-1"):
        assert netops("lab", "set", device, "normal", "-i", str(inventory), "--lab-dir", str(lab_dir)).exit_code == 0
    _, data = collect(inventory, "ups-1")
    assert value(data, "ups_output_source", state="normal") == 1


def test_a_village_down_is_silent_and_its_town_port_goes_down(lab):
    inventory, lab_dir = lab
    result = netops("lab", "set", "wangtai-v001", "down", "-i", str(inventory), "--lab-dir", str(lab_dir), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rewritten"] == ["wangtai-v001", "wangtai-ex-sw"]
    started = time.monotonic()
    code, data = collect(inventory, "wangtai-v001", timeout="2")
    assert code == 1 and not data["up"] and data["reason"] == "timeout"
    assert time.monotonic() - started < 6
    _, data = collect(inventory, "wangtai-ex-sw")
    assert value(data, "if_oper_status", if_name="GigabitEthernet1/0/1") == 2
    assert "wangtai-v001" not in {s["labels"]["remote_sysname"] for s in samples(data, "lldp_remote_info")}
    assert netops("lab", "set", "wangtai-v001", "up", "-i", str(inventory), "--lab-dir", str(lab_dir)).exit_code == 0
    code, data = collect(inventory, "wangtai-v001")
    assert code == 0 and data["up"]


def test_bad_requests_are_clear_errors(lab):
    inventory, lab_dir = lab
    result = netops("lab", "set", "ups-1", "hot", "-i", str(inventory), "--lab-dir", str(lab_dir))
    assert result.exit_code == 2 and "accepts states" in result.output
    result = netops("lab", "set", "eps-1", "on_battery", "-i", str(inventory), "--lab-dir", str(lab_dir))
    assert result.exit_code == 2 and "not a device of the running lab" in result.output
    result = netops("lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir), "--only", "ups-1")
    assert result.exit_code == 3 and "already running" in result.output
    result = netops("lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir) + "-other", "--only", "ups-1")
    assert result.exit_code == 3 and "already in use" in result.output
    result = netops("lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir) + "-x", "--only", "nosuch")
    assert result.exit_code == 2 and "nosuch" in result.output
    assert "Traceback" not in result.output


def test_down_stops_only_this_labs_processes(lab_env, tmp_path):
    inventory, _ = lab_env
    other = tmp_path / "lab2"
    result = netops("lab", "up", "-i", str(inventory), "--lab-dir", str(other), "--only", "eps-1")
    assert result.exit_code == 0, result.output
    pid = snmp_lab.load_state(other).pids[0]
    assert snmp_lab.pid_alive(pid)
    result = netops("lab", "down", "--lab-dir", str(other), "--json")
    assert json.loads(result.output) == {"stopped": [pid]}
    assert not snmp_lab.pid_alive(pid)
    result = netops("lab", "status", "--lab-dir", str(other))
    assert result.exit_code == 1 and "not running" in result.output
    assert json.loads(netops("lab", "down", "--lab-dir", str(other), "--json").output) == {"stopped": []}


def test_relative_lab_dir_is_made_absolute(monkeypatch, tmp_path):
    """snmpsim runs in its own working directory: a relative --lab-dir must still be found."""
    monkeypatch.chdir(tmp_path)
    assert snmp_lab.lab_dir(Path("out/lab")) == tmp_path / "out" / "lab"
