"""file_sd targets and prometheus.yml generated from the sample inventory."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from netops.inventory import load_inventory
from netops.monitoring import (
    MonitoringError,
    PrometheusOptions,
    file_sd,
    hashmod_shard,
    prometheus_config,
    shard_paths,
    uplink_interfaces,
)

PROMTOOL = shutil.which("promtool")


@pytest.fixture(scope="module")
def inv():
    return load_inventory(Path(__file__).resolve().parents[2] / "inventory")


def by_device(groups):
    return {g["targets"][0]: g["labels"] for g in groups}


def test_file_sd_has_every_snmp_device_with_inventory_labels(inv):
    groups = file_sd(inv)
    labels = by_device(groups)
    assert len(groups) == len(inv.devices) == 113
    assert labels["ups-1"] == {"device": "ups-1", "site": "admin-centre", "zone": "extranet", "role": "ups",
                               "platform": "appliance", "module": "system,ups_rfc1628,auto"}
    assert labels["env-1"]["module"] == "system,room_environment,auto"
    village = labels["wangtai-v001"]
    assert village["town"] == "wangtai" and village["site"] == "wangtai-v001" and village["role"] == "village_ap"
    assert labels["in-core-1"]["module"].split(",")[:3] == ["system", "if_mib", "lldp"]
    assert "huawei_entity" in labels["in-core-1"]["module"]
    assert "h3c_entity" in labels["ex-core-1"]["module"]
    assert "host_resources" in labels["in-srv-1"]["module"]
    # the admin centre has no town: the label is left out, not empty
    assert "town" not in labels["in-core-1"]
    assert all(isinstance(v, str) and v for g in groups for v in g["labels"].values())


def test_inventory_profile_override_reaches_module(inv):
    device = inv.devices["in-srv-1"].model_copy(update={"profiles": ["+ups_rfc1628"]})
    inv2 = inv.model_copy(update={"devices": {**inv.devices, "in-srv-1": device}})
    assert by_device(file_sd(inv2))["in-srv-1"]["module"].endswith("ups_rfc1628")


def test_prometheus_config_is_snmp_exporter_multi_target_style():
    config = prometheus_config(PrometheusOptions(exporters=["127.0.0.1:9089"]))
    job = config["scrape_configs"][0]
    assert job["metrics_path"] == "/snmp" and job["honor_labels"] is True
    relabel = job["relabel_configs"]
    assert {"source_labels": ["__address__"], "target_label": "__param_target"} in relabel
    assert {"source_labels": ["__param_target"], "target_label": "instance"} in relabel
    assert {"target_label": "__address__", "replacement": "127.0.0.1:9089"} in relabel
    assert {"source_labels": ["module"], "target_label": "__param_module"} in relabel
    assert not any(r.get("action") == "hashmod" for r in relabel)
    assert config["scrape_configs"][1]["static_configs"][0]["targets"] == ["127.0.0.1:9089"]


def test_shards_keep_their_own_hashmod_bucket_and_exporter():
    options = PrometheusOptions(exporters=["127.0.0.1:9089", "127.0.0.2:9089"], shards=3)
    configs = [prometheus_config(options, k) for k in range(3)]
    for k, config in enumerate(configs):
        relabel = config["scrape_configs"][0]["relabel_configs"]
        assert relabel[0] == {"source_labels": ["__address__"], "modulus": 3, "target_label": "__tmp_hash",
                              "action": "hashmod"}
        assert relabel[1] == {"source_labels": ["__tmp_hash"], "regex": str(k), "action": "keep"}
        assert config["global"]["external_labels"] == {"shard": str(k)}
    exporters = [c["scrape_configs"][0]["relabel_configs"][5]["replacement"] for c in configs]
    assert exporters == ["127.0.0.1:9089", "127.0.0.2:9089", "127.0.0.1:9089"]


def test_hashmod_spreads_the_sample_network(inv):
    counts = Counter(hashmod_shard(name, 4) for name in inv.devices)
    assert set(counts) == {0, 1, 2, 3} and min(counts.values()) > 10


@pytest.mark.parametrize("options, message", [
    (PrometheusOptions(shards=0), "at least 1"),
    (PrometheusOptions(exporters=["localhost"]), "HOST:PORT"),
    (PrometheusOptions(exporters=["127.0.0.1:9089/x"]), "HOST:PORT"),
    (PrometheusOptions(scrape_interval="10s", scrape_timeout="20s"), "longer than the interval"),
    (PrometheusOptions(scrape_interval="ten"), "duration"),
])
def test_bad_options_are_clear_errors(options, message):
    with pytest.raises(MonitoringError, match=message):
        prometheus_config(options)


def test_shard_paths(tmp_path):
    assert shard_paths(tmp_path / "prometheus.yml", 1) == [tmp_path / "prometheus.yml"]
    assert [p.name for p in shard_paths(tmp_path / "prometheus.yml", 2)] == [
        "prometheus-shard-0.yml", "prometheus-shard-1.yml"]


def test_uplinks_lead_toward_the_centre(inv):
    uplinks = uplink_interfaces(inv)
    assert uplinks["wangtai-v001"] == {"GigabitEthernet0/0/4"}
    assert uplinks["wangtai-ex-sw"] == {"GigabitEthernet1/0/47", "GigabitEthernet1/0/48"}
    assert uplinks["wangtai-ex-rt"] == {"eth0"}
    assert uplinks["wangtai-in-sw"] == {"XGigabitEthernet0/0/1"}
    assert uplinks["st-sw-1"] == {"XGigabitEthernet0/0/1"}
    assert "in-core-1" not in uplinks and "ex-core-1" not in uplinks


def test_cli_writes_targets_and_sharded_configs(tmp_path, sample_inventory_dir):
    runner = CliRunner()
    result = runner.invoke(app, ["monitor", "targets", "-i", str(sample_inventory_dir),
                                 "--out", str(tmp_path / "targets" / "netops.json")])
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "targets" / "netops.json").read_text())) == 113
    result = runner.invoke(app, ["monitor", "prometheus-config", "--shards", "2", "--exporter", "127.0.0.1:9089",
                                 "--out", str(tmp_path / "prometheus.yml")])
    assert result.exit_code == 0, result.output
    for k in range(2):
        config = yaml.safe_load((tmp_path / f"prometheus-shard-{k}.yml").read_text())
        assert config["global"]["external_labels"]["shard"] == str(k)
    if PROMTOOL:
        (tmp_path / "rules").mkdir()
        shutil.copy(sample_inventory_dir.parent / "monitors" / "rules" / "power.yml", tmp_path / "rules")
        for k in range(2):
            check = subprocess.run([PROMTOOL, "check", "config", str(tmp_path / f"prometheus-shard-{k}.yml")],
                                   capture_output=True, text=True, timeout=60)
            assert check.returncode == 0, check.stdout + check.stderr


def test_cli_errors_are_messages_not_tracebacks(tmp_path):
    result = CliRunner().invoke(app, ["monitor", "prometheus-config", "--exporter", "nowhere"])
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["monitor", "targets", "-i", str(tmp_path / "missing")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_committed_examples_are_current(inv, sample_inventory_dir):
    """monitors/prometheus/ holds what the commands generate for the sample network."""
    from netops.monitoring import render_file_sd

    root = sample_inventory_dir.parent / "monitors" / "prometheus"
    assert json.loads((root / "targets" / "netops.json").read_text()) == json.loads(render_file_sd(file_sd(inv)))
    single = yaml.safe_load((root / "prometheus.yml").read_text())
    assert single == prometheus_config(PrometheusOptions(rule_files=["../rules/*.yml"]))
    sharded = PrometheusOptions(shards=2, exporters=["127.0.0.1:9089", "127.0.0.2:9089"],
                                targets_files=["../targets/*.json"], rule_files=["../../rules/*.yml"])
    for k in range(2):
        assert yaml.safe_load((root / "sharded" / f"prometheus-shard-{k}.yml").read_text()) == prometheus_config(sharded, k)
