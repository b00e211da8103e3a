"""Grafana dashboards: valid JSON, panels with queries, and only metrics that exist."""

from __future__ import annotations

import json
import re

import pytest

from tests.monitor.known_metrics import ROOT, known_metrics
from tests.monitor.promql import metric_names

DASHBOARDS = sorted((ROOT / "monitors" / "dashboards").glob("*.json"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def panels(dashboard):
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def expressions(dashboard):
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            definition = var["definition"]
            match = re.fullmatch(r"label_values\((.*),\s*\w+\)", definition)
            yield f"variable {var['name']}", match.group(1) if match else definition


def test_the_four_dashboards_exist():
    assert {p.stem for p in DASHBOARDS} >= {"overview", "computer-room", "villages", "device"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_structure(path):
    dashboard = load(path)
    assert dashboard["uid"] and dashboard["title"].startswith("netops /")
    assert isinstance(dashboard["schemaVersion"], int)
    ids = [p["id"] for p in panels(dashboard)]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    queried = [p for p in panels(dashboard) if p["type"] != "row"]
    assert len(queried) >= 4
    for panel in queried:
        assert panel["targets"], panel["title"]
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        for target in panel["targets"]:
            assert target["expr"].strip() and target["refId"]
            assert target["datasource"]["uid"] == "${datasource}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_queries_read_metrics_that_exist(path):
    known = known_metrics()
    unknown = sorted({f"{where}: {name}" for where, expr in expressions(load(path))
                      for name in metric_names(expr) if name not in known})
    assert not unknown, "dashboard reads metrics no profile or rule produces:\n" + "\n".join(unknown)


def test_dashboards_cover_power_environment_villages_and_devices():
    text = {p.stem: p.read_text(encoding="utf-8") for p in DASHBOARDS}
    assert "ups_battery_charge_ratio" in text["computer-room"] and "room_temperature_celsius" in text["computer-room"]
    assert "cooling_alarms_present" in text["computer-room"] and "cooling_air_temperature_celsius" in text["computer-room"]
    assert "town:village_down:ratio" in text["villages"]
    assert "if_in_bytes_total" in text["device"]
    assert "snmp_up" in text["overview"]
