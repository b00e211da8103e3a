"""A real Prometheus (Debian's) scrapes the lab through the netops exporter with the generated
configuration and the project's alert rules; the test reads metrics and alerts back through
Prometheus's HTTP API after flipping lab states. Dashboards' queries are evaluated there too.

The rules are the real ones with every `for:` cut to 0s (the promtool unit tests check the
durations); scrape and evaluation intervals are short.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.inventory import load_inventory
from netops.lab import snmp as snmp_lab
from netops.monitoring import PrometheusOptions, file_sd, hashmod_shard, prometheus_config, render_file_sd, render_yaml
from tests.monitor.conftest import ROOT, free_tcp_port, netops_command, start, stop, wait_for, wait_http

PROMETHEUS = shutil.which("prometheus") or ("/usr/bin/prometheus" if Path("/usr/bin/prometheus").exists() else None)
pytestmark = pytest.mark.skipif(PROMETHEUS is None, reason="Debian package prometheus is not installed")

VILLAGES = [f"wangtai-v00{n}" for n in range(1, 6)]
DEVICES = ["ups-1", "env-1", "wangtai-ex-sw", *VILLAGES]
runner = CliRunner()


def api(base: str, path: str, **params):
    url = f"{base}{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.loads(response.read())
    assert body["status"] == "success", body
    return body["data"]


def query(base: str, expr: str):
    return api(base, "/api/v1/query", query=expr)["result"]


def firing(base: str, name: str):
    return [a for a in api(base, "/api/v1/alerts")["alerts"] if a["labels"]["alertname"] == name and a["state"] == "firing"]


def start_prometheus(workdir: Path, config: dict):
    (workdir / "prometheus.yml").write_text(render_yaml(config), encoding="utf-8")
    port = free_tcp_port()
    log = workdir / "prometheus.log"
    proc = start([PROMETHEUS, f"--config.file={workdir / 'prometheus.yml'}", f"--storage.tsdb.path={workdir / 'data'}",
                  f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"], log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/-/ready", proc, log)
    except BaseException:
        stop(proc)
        raise
    return proc, base


def fast_rules(target: Path) -> None:
    target.mkdir()
    for path in (ROOT / "monitors" / "rules").glob("*.yml"):
        text = re.sub(r"^(\s+)for: .*$", r"\1for: 0s", path.read_text(encoding="utf-8"), flags=re.M)
        (target / path.name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def stack(lab_env, tmp_path_factory):
    """Lab agents + `netops exporter --lab` + Prometheus, all on loopback, stopped by PID."""
    inventory, lab_dir = lab_env
    work = tmp_path_factory.mktemp("prometheus")
    result = runner.invoke(app, ["lab", "up", "-i", str(inventory), "--lab-dir", str(lab_dir), "--only", ",".join(DEVICES)])
    assert result.exit_code == 0, result.output
    exporter = prometheus = None
    try:
        port = free_tcp_port()
        log = work / "exporter.log"
        exporter = start([*netops_command(), "exporter", "--lab", "-i", str(inventory), "--listen", f"127.0.0.1:{port}",
                          "--log-level", "warning"], log)
        wait_http(f"http://127.0.0.1:{port}/-/healthy", exporter, log)
        inv = load_inventory(inventory)
        (work / "targets").mkdir()
        groups = [g for g in file_sd(inv, lab=True) if g["targets"][0] in DEVICES]
        (work / "targets" / "lab.json").write_text(render_file_sd(groups), encoding="utf-8")
        fast_rules(work / "rules")
        config = prometheus_config(PrometheusOptions(exporters=[f"127.0.0.1:{port}"], scrape_interval="3s",
                                                     scrape_timeout="3s", evaluation_interval="1s"))
        prometheus, base = start_prometheus(work, config)
        yield inventory, lab_dir, base
    finally:
        stop(prometheus)
        stop(exporter)
        snmp_lab.down(lab_dir)


def set_state(stack, device, state):
    inventory, lab_dir, _ = stack
    result = runner.invoke(app, ["lab", "set", device, state, "-i", str(inventory), "--lab-dir", str(lab_dir)])
    assert result.exit_code == 0, result.output


def test_metrics_arrive_with_inventory_labels(stack):
    base = stack[2]
    result = wait_for(lambda: query(base, 'ups_battery_charge_ratio{device="ups-1"}'), 30, "ups-1 charge in Prometheus")
    assert float(result[0]["value"][1]) == 1.0
    labels = result[0]["metric"]
    assert labels["instance"] == "ups-1" and labels["job"] == "snmp"
    assert labels["site"] == "admin-centre" and labels["zone"] == "extranet" and labels["role"] == "ups"
    assert labels["platform"] == "appliance"  # from file_sd, kept beside the exporter's labels
    assert not any(k.startswith("exported_") for k in labels)
    up = wait_for(lambda: len(query(base, 'snmp_up == 1')) == len(DEVICES) and query(base, 'snmp_up == 1'), 60,
                  "every lab device up")
    village = next(r["metric"] for r in up if r["metric"]["device"] == "wangtai-v001")
    assert village["town"] == "wangtai" and village["role"] == "village_ap"
    temp = query(base, 'room_temperature_celsius{device="env-1"}')
    assert float(temp[0]["value"][1]) == 24
    # a recording rule exists only once Prometheus has evaluated it after the scrapes: wait for that
    ratio = wait_for(lambda: [r for r in query(base, 'town:village_down:ratio{town="wangtai"}')
                              if r["value"][1] == "0"], 60, "town:village_down:ratio evaluated at 0 for wangtai")
    assert ratio[0]["metric"]["town"] == "wangtai"
    assert not firing(base, "UpsOnBattery")


def test_ups_on_battery_fires(stack):
    base = stack[2]
    wait_for(lambda: query(base, 'ups_output_source{device="ups-1",state="normal"} == 1'), 30, "ups-1 on mains")
    set_state(stack, "ups-1", "on_battery")
    alerts = wait_for(lambda: firing(base, "UpsOnBattery"), 30, "UpsOnBattery firing")
    assert alerts[0]["labels"]["device"] == "ups-1" and alerts[0]["labels"]["severity"] == "critical"
    set_state(stack, "ups-1", "low_battery")
    wait_for(lambda: firing(base, "UpsBatteryChargeLow") and firing(base, "UpsRuntimeLow"), 30, "low battery alerts")
    set_state(stack, "ups-1", "normal")
    wait_for(lambda: not firing(base, "UpsOnBattery"), 30, "UpsOnBattery resolved")


def test_room_too_hot_and_water(stack):
    base = stack[2]
    set_state(stack, "env-1", "hot")
    alerts = wait_for(lambda: firing(base, "RoomTemperatureCritical"), 30, "RoomTemperatureCritical firing")
    assert alerts[0]["labels"]["sensor"] == "Main room temperature"
    set_state(stack, "env-1", "leak")
    wait_for(lambda: firing(base, "RoomWaterLeak"), 30, "RoomWaterLeak firing")
    set_state(stack, "env-1", "normal")


def test_villages_down_give_one_alert_for_the_town(stack):
    base = stack[2]
    set_state(stack, "wangtai-v001", "down")
    set_state(stack, "wangtai-v002", "down")
    # on a loaded machine a third village's scrape may miss its deadline for a moment: wait
    # for the evaluation that sees exactly the two villages set down
    alerts = wait_for(lambda: [a for a in firing(base, "TownVillagesDown") if 0.39 < float(a["value"]) < 0.41], 60,
                      "TownVillagesDown firing for 2 of 5 villages")
    assert len(firing(base, "TownVillagesDown")) == 1
    assert alerts[0]["labels"]["town"] == "wangtai" and float(alerts[0]["value"]) == pytest.approx(0.4)
    # villages never page one by one
    assert not [a for a in firing(base, "DeviceDown") if a["labels"].get("device") in VILLAGES]
    port = wait_for(lambda: query(base, 'if_oper_status{device="wangtai-ex-sw",if_name="GigabitEthernet1/0/1"}'), 30,
                    "wangtai-ex-sw's port status")
    assert port[0]["value"][1] == "2"
    set_state(stack, "wangtai-v001", "up")
    set_state(stack, "wangtai-v002", "up")


def test_every_dashboard_query_is_valid_promql_here(stack):
    base = stack[2]
    substitutions = {"$__rate_interval": "1m", "${datasource}": "", "$device": "ups-1", "$town": "wangtai",
                     "$site": "admin-centre"}
    checked = 0
    for path in (ROOT / "monitors" / "dashboards").glob("*.json"):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                expr = target["expr"]
                for key, value in substitutions.items():
                    expr = expr.replace(key, value)
                query(base, expr)  # raises on a PromQL error
                checked += 1
    assert checked > 30


def test_hashmod_shards_split_targets_as_netops_predicts(tmp_path):
    """Prometheus's own hashmod keeps exactly the devices `hashmod_shard` assigns to the shard."""
    inv = load_inventory(ROOT / "inventory")
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "netops.json").write_text(render_file_sd(file_sd(inv)), encoding="utf-8")
    dead_exporter = f"127.0.0.1:{free_tcp_port()}"  # nothing listens: targets are listed, scrapes fail
    config = prometheus_config(PrometheusOptions(exporters=[dead_exporter], shards=3, rule_files=[],
                                                 scrape_interval="1h", scrape_timeout="1s"), shard=1)
    proc, base = start_prometheus(tmp_path, config)
    try:
        def active():
            targets = api(base, "/api/v1/targets", state="active")["activeTargets"]
            return {t["labels"]["instance"] for t in targets if t["labels"]["job"] == "snmp"}

        expected = {name for name in inv.devices if hashmod_shard(name, 3) == 1}
        assert wait_for(lambda: active() == expected and active(), 20, "shard 1's targets") == expected
        assert 20 < len(expected) < 60
    finally:
        stop(proc)
