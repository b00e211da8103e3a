"""Alert rules: promtool checks and unit-tests every rule file; every metric a rule reads exists."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from tests.monitor.known_metrics import RULES, known_metrics
from tests.monitor.promql import metric_names

RULE_FILES = sorted(RULES.glob("*.yml"))
TEST_FILES = sorted((RULES / "tests").glob("*.yml"))
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) is not installed")


def test_every_rule_file_has_a_unit_test():
    assert RULE_FILES, "no rule files in monitors/rules"
    tested = set()
    for path in TEST_FILES:
        tested |= {f.rsplit("/", 1)[-1] for f in yaml.safe_load(path.read_text())["rule_files"]}
    assert {p.name for p in RULE_FILES} <= tested


@needs_promtool
@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_promtool_check_rules(path):
    result = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_promtool_test_rules(path):
    result = subprocess.run([PROMTOOL, "test", "rules", str(path)], capture_output=True, text=True, timeout=120,
                            cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def _rules():
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                yield path.name, rule


def test_rules_read_only_metrics_that_exist():
    known = known_metrics()
    unknown = {
        f"{file}: {rule.get('alert') or rule.get('record')}: {name}"
        for file, rule in _rules()
        for name in metric_names(rule["expr"])
        if name not in known
    }
    assert not unknown, "rules read metrics no profile produces:\n" + "\n".join(sorted(unknown))


def test_alerts_have_severity_and_text():
    for file, rule in _rules():
        if "alert" in rule:
            assert rule["labels"]["severity"] in ("critical", "warning", "info"), (file, rule["alert"])
            assert rule["annotations"]["summary"] and rule["annotations"]["description"], (file, rule["alert"])


def test_the_issue_alerts_exist():
    alerts = {rule["alert"] for _, rule in _rules() if "alert" in rule}
    assert {
        "DeviceDown", "UpsOnBattery", "UpsBatteryChargeLow", "UpsRuntimeLow", "UpsLoadHigh",
        "UpsBatteryNeedsReplacing", "RoomTemperatureHigh", "RoomTemperatureCritical", "RoomHumidityOutOfRange",
        "RoomWaterLeak", "RoomSmokeDetected", "UplinkDown", "TownVillagesDown",
    } <= alerts


def test_promql_metric_names():
    assert metric_names('sum by (town) (snmp_up{role="village_ap"} == bool 0) / count by (town) (snmp_up)') == {"snmp_up"}
    assert metric_names('rate(if_in_bytes_total{device="$device"}[$__rate_interval]) * 8') == {"if_in_bytes_total"}
    assert metric_names('(a{x="y"} != 1) and on (device, if_index) (b == 1)') == {"a", "b"}
    assert metric_names('count(ALERTS{alertstate="firing"}) or vector(0)') == {"ALERTS"}
    assert metric_names("town:village_down:ratio > 0.10") == {"town:village_down:ratio"}
