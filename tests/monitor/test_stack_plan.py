"""`netops monitor plan`: one stack per zone, whole towns per shard, no cross-zone path.

Each test tries to break a promise: a device in another zone's targets, a town split over
two shards, a polling rule more aggressive than snmp_exporter's, federation out of the
intranet or across the gatekeeper, a notification channel of another zone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from netops.inventory import load_inventory
from netops.snmp.targets import TargetMap, load_exporter_config
from netops.stack.plan import PlanError, plan

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory"
PROMTOOL = shutil.which("promtool")
AMTOOL = shutil.which("amtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) is not installed")
needs_amtool = pytest.mark.skipif(
    AMTOOL is None, reason="amtool (Debian package prometheus-alertmanager) is not installed")


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    result = CliRunner().invoke(app, ["monitor", "plan", "-i", str(INVENTORY), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return out


def _inventory_with(tmp_path: Path, change) -> Path:  # noqa: ANN001
    """A copy of the sample inventory whose monitoring.yaml is changed by `change(doc)`."""
    target = tmp_path / "inventory"
    shutil.copytree(INVENTORY, target)
    path = target / "monitoring.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _plan_cli(inventory: Path, out: Path):  # noqa: ANN202
    return CliRunner().invoke(app, ["monitor", "plan", "-i", str(inventory), "--out", str(out)])


def test_each_zone_polls_only_its_own_devices(planned):
    inv = load_inventory(INVENTORY)
    seen: dict[str, str] = {}
    for zone in ("intranet", "extranet", "stats"):
        zone_dir = planned / zone
        for path in (zone_dir / "targets").glob("*.json"):
            for group in json.loads(path.read_text()):
                name = group["targets"][0]
                assert group["labels"]["zone"] == zone
                assert name not in seen, f"{name} is polled by {seen.get(name)} and {zone}"
                seen[name] = zone
                device = inv.devices[name]
                assert zone in device.zones
                assert inv.zones[zone].contains(device.mgmt_address), (name, zone)
        # the exporter config names only this zone's addresses
        for path in (zone_dir / "exporter").glob("*.json"):
            config = load_exporter_config(path)
            for target in config.targets.values():
                host = target.address.rpartition(":")[0]
                assert any(host.startswith(p) for p in {"intranet": ("10.10.",), "extranet": ("10.20.", "10.21.", "10.22."),
                                                        "stats": ("10.30.",)}[zone]), (zone, target.address)
    monitored = {d.name for d in inv.devices.values() if d.snmp and d.zone != "internet"}
    assert set(seen) == monitored
    assert "in-ups-1" in seen and seen["in-ups-1"] == "intranet"
    assert seen["gk-1"] == "extranet"  # the gatekeeper's management address is in the extranet


def test_shards_hold_whole_towns(planned):
    files = sorted((planned / "extranet" / "targets").glob("shard-*.json"))
    assert len(files) == 2
    town_shard: dict[str, str] = {}
    sizes = []
    for path in files:
        groups = json.loads(path.read_text())
        sizes.append(len(groups))
        for group in groups:
            town = group["labels"].get("town")
            if town:
                assert town_shard.setdefault(town, path.name) == path.name, f"town {town} split over shards"
    assert len(set(town_shard.values())) == 2
    assert abs(sizes[0] - sizes[1]) <= 10, sizes  # balanced by whole towns


def test_polling_is_never_more_aggressive_than_snmp_exporter(planned):
    inv = load_inventory(INVENTORY)
    for path in planned.glob("*/exporter/*.json"):
        config = load_exporter_config(path)
        targets = TargetMap(None, config)
        for name, static in config.targets.items():
            assert static.timeout >= 5 and static.retries >= 3, (name, static.timeout, static.retries)
            if inv.devices[name].role.value == "village_ap":
                assert static.timeout == 10  # the sample's rule for slow village links
        # the exporter applies the per-target figures
        name = next(iter(config.targets))
        try:
            resolved = targets.resolve(name)
        except Exception:  # noqa: BLE001 - secrets are not set here; the limits are the point
            continue
        assert resolved.timeout == config.targets[name].timeout


@needs_promtool
def test_prometheus_configs_pass_promtool(planned):
    paths = sorted(planned.glob("*/prometheus/shard-*.yml"))
    assert len(paths) == 4  # intranet 1, extranet 2, stats 1
    for path in paths:
        result = subprocess.run([PROMTOOL, "check", "config", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        config = yaml.safe_load(path.read_text())
        zone = path.parts[-3]
        assert config["global"]["external_labels"]["zone"] == zone
        am = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0]
        collector = load_inventory(INVENTORY).zones[zone].services.snmp_collectors[0]
        assert am == f"{collector}:9093"


@needs_amtool
def test_alertmanager_configs_pass_amtool(planned):
    for zone in ("intranet", "extranet", "stats"):
        path = planned / zone / "alertmanager" / "alertmanager.yml"
        result = subprocess.run([AMTOOL, "check-config", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        text = path.read_text()
        for other in {"intranet", "extranet", "stats"} - {zone}:
            assert f'zone="{other}"' not in text and f"-{other}" not in text, (zone, other)


def _routes(planned: Path, zone: str, *labels: str) -> str:
    path = planned / zone / "alertmanager" / "alertmanager.yml"
    result = subprocess.run([AMTOOL, "config", "routes", "test", f"--config.file={path}", *labels],
                            capture_output=True, text=True, timeout=60)
    return result.stdout.strip()


@needs_amtool
def test_routing_tree_by_zone_town_and_severity(planned):
    assert _routes(planned, "intranet", "zone=intranet", "severity=critical", "alertname=UpsOnBattery") \
        == "intranet-route-1"
    assert _routes(planned, "intranet", "zone=intranet", "severity=warning") == "intranet-route-2"
    # a town's own administrator hears about that town as well as the zone's duty engineer
    assert _routes(planned, "extranet", "zone=extranet", "severity=critical", "town=wangtai") \
        == "extranet-route-1,extranet-route-2"
    assert _routes(planned, "extranet", "zone=extranet", "severity=critical", "town=boli") == "extranet-route-1"
    assert _routes(planned, "extranet", "zone=extranet", "severity=warning") == "extranet-route-3"
    # an alert labelled with another zone reaches no one here
    assert _routes(planned, "extranet", "zone=intranet", "severity=critical") == "null"
    assert _routes(planned, "stats", "zone=stats", "severity=info") == "stats-route-1"


def test_federation_out_of_the_intranet_is_refused(tmp_path):
    def change(doc):
        doc["monitoring"]["zones"][0]["federate_to"] = ["extranet"]
    result = _plan_cli(_inventory_with(tmp_path, change), tmp_path / "out")
    assert result.exit_code == 2
    assert "extranet Prometheus -> intranet Prometheus" in result.output
    assert "intranet is physically isolated" in result.output
    assert not (tmp_path / "out").exists()


def test_federation_across_the_gatekeeper_is_refused(tmp_path):
    def change(doc):
        doc["monitoring"]["zones"][2]["federate_to"] = ["extranet"]
    result = _plan_cli(_inventory_with(tmp_path, change), tmp_path / "out")
    assert result.exit_code == 2
    assert "stats is reached only through a one-way gatekeeper" in result.output


def test_federation_needs_a_flow(tmp_path):
    def change(doc):
        doc["monitoring"]["zones"][1]["federate_to"] = ["internet"]
    result = _plan_cli(_inventory_with(tmp_path, change), tmp_path / "out")
    assert result.exit_code == 2
    assert "no inventory flow permits internet -> extranet tcp/9090" in result.output


def test_a_channel_of_another_zone_is_refused(tmp_path):
    def change(doc):
        doc["notify"]["routes"][0]["channels"] = ["sms-extranet"]
    result = _plan_cli(_inventory_with(tmp_path, change), tmp_path / "out")
    assert result.exit_code == 2
    assert "channel 'sms-extranet' belongs to zone extranet" in result.output
    assert "intranet -> extranet" in result.output


def test_a_device_outside_its_zone_is_refused(tmp_path):
    target = tmp_path / "inventory"
    shutil.copytree(INVENTORY, target)
    path = target / "monitoring.yaml"
    path.write_text(path.read_text().replace("mgmt_address: 10.10.0.40", "mgmt_address: 10.20.0.99"))
    # the validator already refuses this; the plan refuses it again (defence in depth)
    inv = load_inventory(target, check=False)
    with pytest.raises(PlanError) as info:
        plan(inv)
    assert "in-ups-1 (zone intranet) has mgmt_address 10.20.0.99 in extranet" in str(info.value)
    assert "intranet -> extranet udp/161" in str(info.value)


def test_bad_notify_section_is_a_clear_error(tmp_path):
    def change(doc):
        doc["notify"]["channels"][0].pop("url")
    result = CliRunner().invoke(app, ["monitor", "plan", "-i", str(_inventory_with(tmp_path, change)),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "monitoring.yaml" in result.output and "a sms channel needs url" in result.output
    assert "Traceback" not in result.output


def test_secrets_stay_references(planned):
    text = "\n".join(p.read_text() for p in planned.rglob("*") if p.is_file())
    assert "<secret:wecom-extranet-secret>" in text
    assert "env: NETOPS_PHONE_DUTY_INTRANET" in text


def test_an_sms_route_without_a_phone_is_refused(tmp_path):
    def change(doc):
        doc["notify"]["routes"][0]["people"] = []
    result = _plan_cli(_inventory_with(tmp_path, change), tmp_path / "out")
    assert result.exit_code == 2
    assert "none of the route's people has a phone: nobody would be told" in result.output


@needs_promtool
def test_allowed_federation_is_generated(tmp_path):
    """Two zones whose policy allows it (firewall isolation and a flow for tcp/9090) federate:
    here the Internet edge is given a collector and a flow, which the sample does not have."""
    target = tmp_path / "inventory"
    shutil.copytree(INVENTORY, target)
    network = target / "network.yaml"
    text = network.read_text().replace(
        "  description: The Internet edge\n",
        "  description: The Internet edge\n  services:\n    snmp_collectors:\n    - 198.51.100.12\n")
    text = text.replace("- name: extranet-web-out\n", "- name: internet-federates-extranet\n  from_zone: internet\n"
                        "  to_zone: extranet\n  protocol: tcp\n  ports:\n  - 9090\n- name: extranet-web-out\n")
    network.write_text(text)
    monitoring = target / "monitoring.yaml"
    monitoring.write_text(monitoring.read_text().replace(
        "      shard_by: town\n      shards: 2\n", "      shard_by: town\n      shards: 2\n      federate_to: [internet]\n"))
    out = tmp_path / "out"
    result = _plan_cli(target, out)
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((out / "internet" / "prometheus" / "shard-0.yml").read_text())
    [job] = [j for j in config["scrape_configs"] if j["job_name"] == "federate-extranet"]
    assert job["static_configs"][0]["targets"] == ["10.20.0.12:9090", "10.20.0.12:9190"]
    assert job["metrics_path"] == "/federate"
    for zone in ("intranet", "extranet", "stats"):  # nobody else federates anything
        text = (out / zone / "prometheus" / "shard-0.yml").read_text()
        assert "/federate" not in text
    check = subprocess.run([PROMTOOL, "check", "config", str(out / "internet" / "prometheus" / "shard-0.yml")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
