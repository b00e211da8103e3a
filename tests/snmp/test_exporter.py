"""The exporter over HTTP: inventory targets in lab mode, ad-hoc targets, health, reload, faults."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from netops.snmp.exporter import state_loader
from tests.snmp.agents import Snmpsim, UdpResponder
from tests.snmp.conftest import PROFILES, ROOT, ExporterThread, parse_metrics

AUTH_KEY, PRIV_KEY = "village-auth-key", "village-priv-key"


@pytest.fixture(scope="module")
def lab(recordings, tmp_path_factory):
    """The sample inventory with three devices mapped to snmpsim engines on loopback:
    ups-1 (Huawei UPS2000, v2c), env-1 (AKCP room sensor, v2c), wangtai-v001 (a village's
    Huawei switch, SNMPv3 authPriv SHA/AES as the inventory's snmpv3-extranet demands)."""
    work = tmp_path_factory.mktemp("lab")
    dirs = {}
    for name, recording in (("ups", "huaweiups_ups2000"), ("env", "akcp_serverprobe8"), ("vil", "yunshan_s5735-v2")):
        dirs[name] = work / name
        dirs[name].mkdir()
        shutil.copy(recordings / f"{recording}.snmprec", dirs[name] / "public.snmprec")
    # snmpsim picks a recording for SNMPv3 by context name; an empty context finds "self"
    shutil.copy(recordings / "yunshan_s5735-v2.snmprec", dirs["vil"] / "self.snmprec")
    v3 = ["--v3-user=netops-ex", f"--v3-auth-key={AUTH_KEY}", "--v3-auth-proto=SHA",
          f"--v3-priv-key={PRIV_KEY}", "--v3-priv-proto=AES"]
    sim = Snmpsim(dirs["ups"], work, ready_community="public", more=[(dirs["env"], []), (dirs["vil"], v3)])
    inventory = work / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    endpoints = [f"{h}:{p}" for h, p in sim.endpoints]
    (inventory / "lab.yaml").write_text(yaml.safe_dump({"lab": {"snmp": {
        "ups-1": endpoints[0], "env-1": endpoints[1], "wangtai-v001": endpoints[2]}}}))
    secrets = work / "secrets.yaml"
    secrets.write_text(yaml.safe_dump({"snmp-ex-auth": AUTH_KEY, "snmp-ex-priv": PRIV_KEY}))
    secrets.chmod(0o600)
    yield {"inventory": inventory, "secrets": secrets, "sim": sim}
    sim.stop()


@pytest.fixture
def lab_env(lab, monkeypatch):
    monkeypatch.setenv("NETOPS_SNMP_COMMUNITY", "public")
    monkeypatch.setenv("NETOPS_SECRETS_FILE", str(lab["secrets"]))
    return lab


@pytest.fixture
def exporter(lab_env):
    server = ExporterThread(state_loader(PROFILES, lab_env["inventory"], None, lab=True), scrape_timeout=20)
    yield server
    server.stop()


def test_ups_by_device_name_with_inventory_labels(exporter):
    status, body = exporter.get("/snmp?target=ups-1")
    assert status == 200
    m = parse_metrics(body)
    labels = {"device": "ups-1", "site": "admin-centre", "zone": "extranet", "role": "ups"}
    assert m["snmp_up"] == [(labels, 1.0)]
    assert m["ups_output_voltage_volts"] == [({**labels, "line": "1"}, 230.0)]
    assert m["ups_battery_temperature_celsius"] == [(labels, 21.0)]
    assert "ups_battery_runtime_seconds" not in m


def test_room_sensor_and_village_switch_over_v3(exporter):
    m = parse_metrics(exporter.get("/snmp?target=env-1")[1])
    assert {l["sensor"]: v for l, v in m["room_temperature_celsius"]} == {
        "Temp.Sensor Carrier": 20, "Temp.Sensor 2": 20, "Temp.Sensor 1": 22}
    m = parse_metrics(exporter.get("/snmp?target=wangtai-v001")[1])
    assert m["snmp_up"][0][1] == 1
    (labels, cpu), = m["entity_cpu_usage_ratio"]
    assert cpu == 0.67 and labels["town"] == "wangtai" and labels["role"] == "village_ap"
    assert len(m["if_oper_status"]) > 20


def test_module_parameter_overrides_defaults(exporter):
    m = parse_metrics(exporter.get("/snmp?target=ups-1&module=system")[1])
    assert "sys_uptime_seconds" in m and "ups_output_voltage_volts" not in m
    m = parse_metrics(exporter.get("/snmp?target=ups-1&module=system&module=ups_rfc1628&labels=0")[1])
    assert "ups_output_voltage_volts" in m and m["snmp_up"] == [({}, 1.0)]


@pytest.mark.parametrize("query, message", [
    ("/snmp", "'target' parameter is missing"),
    ("/snmp?target=no-such-device:x", "unknown target"),
    ("/snmp?target=ups-1&module=nope", "unknown module"),
    ("/snmp?target=in-core-1", "no lab SNMP endpoint"),  # never falls back to a real 10.x address
])
def test_bad_requests_are_400_with_a_reason(exporter, query, message):
    status, body = exporter.get(query)
    assert status == 400 and message in body


def test_health_reload_and_own_metrics(exporter):
    assert exporter.get("/-/healthy") == (200, "Healthy\n")
    assert exporter.get("/-/reload")[0] == 405
    assert exporter.get("/-/reload", method="POST")[0] == 200
    exporter.get("/snmp?target=ups-1")
    exporter.get("/snmp?target=ups-1&module=nope")
    m = parse_metrics(exporter.get("/metrics")[1])
    assert m["netops_exporter_scrapes_total"] and sum(v for l, v in m["netops_exporter_scrapes_total"]) >= 1
    assert m["netops_exporter_request_errors_total"][0][0]["reason"] == "module"
    assert m["netops_exporter_scrape_duration_seconds_count"][0][1] >= 1
    assert m["netops_exporter_scrapes_in_flight"] == [({}, 0.0)]
    assert m["netops_exporter_config_last_reload_successful"] == [({}, 1.0)]
    assert "process_resident_memory_bytes" in m


def test_metrics_expose_the_last_isolation_audit(lab_env, tmp_path):
    """The dashboards' compliance panel: /metrics rereads the audit state file at each scrape."""
    from netops.audit.metrics import AuditCollector, write_state

    state = tmp_path / "last-audit.json"
    server = ExporterThread(state_loader(PROFILES, lab_env["inventory"], None, lab=True),
                            extra_collectors=[AuditCollector(state)])
    try:
        m = parse_metrics(server.get("/metrics")[1])
        assert m["netops_audit_report_present"] == [({}, 0.0)]  # no audit yet: nothing claimed
        write_state({"passed": False, "meta": {"finished_at": "2026-11-23T10:00:00+00:00", "duration_s": 1.5},
                     "checks": [{"layer": "intent", "check": "intranet-physical-isolation",
                                 "PASS": 0, "FAIL": 1, "UNKNOWN": 0}],
                     "controls": [], "waivers": [], "results": []}, state)
        m = parse_metrics(server.get("/metrics")[1])
        assert m["netops_audit_report_present"] == [({}, 1.0)]
        assert m["netops_audit_passed"] == [({}, 0.0)]
        fails = [v for labels, v in m["netops_audit_results"] if labels["verdict"] == "FAIL"]
        assert fails == [1.0]
    finally:
        server.stop()


def test_failed_reload_keeps_the_old_profiles(lab_env, tmp_path):
    profiles = tmp_path / "profiles"
    shutil.copytree(PROFILES, profiles)
    server = ExporterThread(state_loader(profiles, lab_env["inventory"], None, lab=True))
    try:
        (profiles / "system.yaml").write_text("name: system\ntables: [oops\n")
        status, body = server.get("/-/reload", method="POST")
        assert status == 500 and "system.yaml" in body
        assert parse_metrics(server.get("/snmp?target=ups-1&module=system")[1])["snmp_up"][0][1] == 1
        assert parse_metrics(server.get("/metrics")[1])["netops_exporter_config_last_reload_successful"] == [({}, 0.0)]
    finally:
        server.stop()


def test_dead_agents_and_many_concurrent_scrapes(lab_env, tmp_path):
    silent = UdpResponder(lambda data: None)
    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"v2": {"version": "2c", "community": {"env": "NETOPS_SNMP_COMMUNITY"}}},
        "defaults": {"timeout": 3, "retries": 1},  # a loaded machine's snmpsim may take a second
    }))
    server = ExporterThread(state_loader(PROFILES, lab_env["inventory"], config, lab=True, allow_any_target=True),
                            concurrency=16)
    quick = {"X-Prometheus-Scrape-Timeout-Seconds": "0.8"}  # the dead target's scrapes end at 0.55 s

    def get(path: str):  # noqa: ANN202
        return server.get(path, headers=quick if "auth=" in path else None)

    try:
        dead = f"/snmp?target={silent.host}:{silent.port}&auth=v2&module=system,if_mib"
        started = time.perf_counter()
        status, body = get(dead)
        assert status == 200 and parse_metrics(body)["snmp_up"][0][1] == 0
        assert time.perf_counter() - started < 1.5
        paths = [dead if i % 3 == 0 else "/snmp?target=ups-1" for i in range(120)]
        with ThreadPoolExecutor(32) as pool:
            results = list(pool.map(get, paths))
        # a dead target's scrape may find no free slot within its short deadline (503, by design)
        assert all(status == 200 or ("auth=" in path and status == 503)
                   for path, (status, _) in zip(paths, results)), [r[0] for r in results]
        ups = [parse_metrics(body)["snmp_up"][0][1] for path, (_, body) in zip(paths, results) if "ups-1" in path]
        assert ups and all(v == 1 for v in ups)
        m = parse_metrics(server.get("/metrics")[1])
        busy = sum(1 for status, _ in results if status == 503)
        assert m["netops_exporter_scrape_timeouts_total"][0][1] + busy >= 40
        assert m["netops_exporter_scrapes_in_flight"] == [({}, 0.0)]
    finally:
        server.stop()
        silent.stop()


def test_prometheus_scrape_timeout_header_bounds_the_scrape(lab_env, tmp_path):
    silent = UdpResponder(lambda data: None)
    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"v2": {"version": "2c", "community": {"env": "NETOPS_SNMP_COMMUNITY"}}},
        "defaults": {"timeout": 5, "retries": 3},
        "targets": {"silent": {"address": f"{silent.host}:{silent.port}", "auth": "v2"}}}))
    server = ExporterThread(state_loader(PROFILES, None, config, lab=False))
    try:
        started = time.perf_counter()
        status, body = server.get("/snmp?target=silent&module=system",
                                  headers={"X-Prometheus-Scrape-Timeout-Seconds": "1"})
        assert status == 200 and parse_metrics(body)["snmp_up"][0][1] == 0
        assert time.perf_counter() - started < 1.5
    finally:
        server.stop()
        silent.stop()


def test_http_garbage_gets_400_and_server_survives(exporter):
    with socket.create_connection((exporter.host, exporter.port), timeout=5) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert sock.recv(100).split(b" ")[1] == b"400"
    with socket.create_connection((exporter.host, exporter.port), timeout=5) as sock:
        sock.sendall(b"GET /snmp?target=ups-1 HTTP/1.1\r\nHost: x\r\n" + b"X: " + b"a" * 20000 + b"\r\n\r\n")
        assert sock.recv(100).split(b" ")[1] in (b"400", b"431")
    assert exporter.get("/-/healthy")[0] == 200


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_netops_exporter_command_serves_and_stops(lab_env):
    port = _free_tcp_port()
    env = {**os.environ, "NETOPS_SNMP_COMMUNITY": "public", "NETOPS_SECRETS_FILE": str(lab_env["secrets"])}
    netops = Path(sys.executable).parent / "netops"
    proc = subprocess.Popen([str(netops), "exporter", "--inventory", str(lab_env["inventory"]), "--lab",
                             "--listen", f"127.0.0.1:{port}"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        import urllib.request

        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/snmp?target=ups-1", timeout=10) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode() if proc.poll() is not None else "no answer") from None
                time.sleep(0.2)
        assert 'ups_output_voltage_volts{device="ups-1"' in body
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0
    out = proc.stdout.read().decode()
    assert f"listening on http://127.0.0.1:{port}/" in out


def test_exporter_binds_loopback_by_default():
    from typer.testing import CliRunner

    import cli

    help_text = CliRunner().invoke(cli.app, ["exporter", "--help"]).output
    assert "127.0.0.1:9089" in help_text
