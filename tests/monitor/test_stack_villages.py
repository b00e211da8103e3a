"""80 villages of one town down: one TownVillagesDown alert for the town and no per-village
page (promtool). Alertmanager's side (one SMS per person) is in test_zones_netns.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) is not installed")
def test_eighty_villages_down_is_one_alert(tmp_path):
    series = []
    for i in range(1, 81):  # every village of wangtai goes dark at minute 2
        series.append({"series": f'snmp_up{{device="wangtai-v{i:03d}",role="village_ap",town="wangtai",'
                                 f'zone="extranet"}}', "values": "1 1 0x20"})
    for i in range(1, 21):  # boli's stay up
        series.append({"series": f'snmp_up{{device="boli-v{i:03d}",role="village_ap",town="boli",'
                                 f'zone="extranet"}}', "values": "1x22"})
    series.append({"series": 'snmp_up{device="wangtai-ex-sw",role="access_switch",town="wangtai",zone="extranet"}',
                   "values": "1x22"})
    test = {
        "rule_files": [str(ROOT / "monitors" / "rules" / "devices.yml")],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": series,
            "alert_rule_test": [
                {"eval_time": "10m", "alertname": "TownVillagesDown", "exp_alerts": [{
                    "exp_labels": {"severity": "critical", "town": "wangtai"},
                    "exp_annotations": {
                        "summary": "wangtai: 100% of villages are unreachable",
                        "description": "More than 10 % of the villages of wangtai have not answered SNMP for 5 "
                                       "minutes: check the town's extranet switch and router first."}}]},
                {"eval_time": "10m", "alertname": "DeviceDown", "exp_alerts": []},
            ],
        }],
    }
    path = tmp_path / "villages_test.yml"
    path.write_text(yaml.safe_dump(test, sort_keys=False))
    result = subprocess.run([PROMTOOL, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
