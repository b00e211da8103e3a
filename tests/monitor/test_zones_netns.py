"""One monitoring stack per zone, for real: intranet, extranet and stats each in a network
namespace with their own lab agents, netops exporter, Prometheus, Alertmanager, relay,
trap receiver and a stand-in SMS platform (netops.lab.zones). No namespace is wired to
another: the sample's policy allows no monitoring path between these zones.

Promises tried here: the intranet UPS's power-cut trap gives the intranet duty engineer
one Chinese SMS within 30 s and nobody else anything; no process in the extranet (or
stats) namespace can open a connection to any intranet address; 80 villages of one town
down page each person once; the poll path alone also delivers. Latencies are measured and
written to the test's directory (and printed with -s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netops.lab import zones
from tests.monitor.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(bool(zones.missing_software()),
                       reason=f"missing Debian packages: {', '.join(zones.missing_software())}"),
]
ON_BATTERY_TRAP = ["1.3.6.1.2.1.33.2.0.1", "1.3.6.1.2.1.33.1.2.3.0", "i", "42",
                   "1.3.6.1.2.1.33.1.2.2.0", "i", "3"]
LATENCY: dict[str, float] = {}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("zones")
    inventory = zones.prepare_inventory(ROOT / "inventory", base / "inventory", zones.ZONE_DEVICES)
    started = zones.up(inventory, base / "run", tag=str(os.getpid() % 100000))
    try:
        yield started
    finally:
        (base / "latency.json").write_text(json.dumps(LATENCY, indent=2))
        print(f"\nalert latency (s): {LATENCY}")
        zones.down(started)
        assert not any(zones.netns.exists(z.namespace) for z in started.zones.values())


def _sms(zone: zones.Zone, phone: str | None = None) -> list[dict]:
    out = []
    for message in zone.messages():
        if message["path"].startswith("/sms/"):
            body = json.loads(message["body"])
            if phone is None or body.get("mobile") == phone:
                out.append({**message, "json": body})
    return out


def _lab_set(lab: zones.ZoneLab, zone: str, device: str, state: str) -> None:
    z = lab.zones[zone]
    result = lab.run_in(zone, [*zones._netops(), "lab", "set", device, state, "-i", str(lab.inventory),
                               "--lab-dir", str(z.directory / "lab")])
    assert result.returncode == 0, result.stdout + result.stderr


WATCH_ALERTMANAGER = (
    "import json, sys, time, urllib.request\n"
    "url = sys.argv[1] + '/api/v2/alerts?filter=' + urllib.parse.quote(sys.argv[2])\n"
    "deadline = time.time() + 30\n"
    "while time.time() < deadline:\n"
    "    if json.load(urllib.request.urlopen(url, timeout=2)):\n"
    "        print(time.time()); break\n"
    "    time.sleep(0.01)\n"
)


def test_intranet_power_cut_trap_reaches_only_the_intranet(lab):
    intranet, extranet, stats = (lab.zones[z] for z in ("intranet", "extranet", "stats"))
    _lab_set(lab, "intranet", "in-ups-1", "on_battery")  # the mains are cut ...
    watcher = subprocess.Popen(zones.netns.exec_argv(intranet.namespace, [
        sys.executable, "-c", "import urllib.parse\n" + WATCH_ALERTMANAGER, f"http://{intranet.collector}:9093",
        'alertname="UpsOnBattery"']), stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    sent = time.time()
    zones.send_trap(lab, "intranet", "in-ups-1", ON_BATTERY_TRAP)  # ... and the UPS says so
    [message] = wait_for(lambda: _sms(intranet), 30, "an SMS at the intranet's gateway", interval=0.1)
    seen = watcher.communicate(timeout=30)[0].strip()
    assert seen, "the trap's alert never appeared in the intranet Alertmanager"
    LATENCY["trap_to_alertmanager"] = round(float(seen) - sent, 3)
    LATENCY["trap_to_sms"] = round(message["time"] - sent, 2)
    assert message["time"] - sent < 30
    body = message["json"]
    assert body["mobile"] == zones.NOTIFY_ENV["NETOPS_PHONE_DUTY_INTRANET"]
    assert body["token"] == zones.NOTIFY_ENV["NETOPS_SMS_INTRANET_TOKEN"]
    text = body["content"]
    assert text.startswith("【政务内网紧急】UPS市电中断"), text
    assert "in-ups-1" in text and "行政办公中心" in text and "处置" in text and "/UpsOnBattery" in text
    # the poll sees the same cut later: same group, so still one message; nobody else hears anything
    time.sleep(8)
    assert len(_sms(intranet)) == 1
    assert extranet.messages() == [] and stats.messages() == []


@pytest.mark.parametrize("source", ["extranet", "stats"])
def test_no_process_outside_the_intranet_reaches_it(lab, source):
    attempts = zones.connect_attempts(lab, source, "intranet")
    assert attempts and not [a for a in attempts if a[2] == "connected"], attempts
    assert all("unreachable" in a[2].lower() or "refused" in a[2].lower() for a in attempts), attempts
    # the same attempts inside the intranet do connect: the services are there, isolation stops them
    inside = {(h, p) for h, p, r in zones.connect_attempts(lab, "intranet", "intranet") if r == "connected"}
    intranet = lab.zones["intranet"]
    assert {(intranet.collector, 9093), (intranet.collector, 9095), (intranet.gateway, 8080)} <= inside


def test_poll_alone_delivers_in_the_extranet(lab):
    extranet = lab.zones["extranet"]
    _lab_set(lab, "extranet", "ups-1", "on_battery")  # no trap: only Prometheus's poll sees it
    cut = time.time()
    [message] = wait_for(lambda: _sms(extranet, zones.NOTIFY_ENV["NETOPS_PHONE_DUTY_EXTRANET"]), 120,
                         "the poll's SMS at the extranet's gateway", interval=0.2)
    LATENCY["poll_to_sms"] = round(message["time"] - cut, 2)
    assert "ups-1" in message["json"]["content"] and "政务外网" in message["json"]["content"]
    robot = [m for m in extranet.messages() if m["path"].startswith("/robot/send")]
    assert robot and "timestamp=" in robot[0]["path"] and "sign=" in robot[0]["path"]
    assert len(_sms(lab.zones["intranet"])) == 1 and lab.zones["stats"].messages() == []


def test_eighty_villages_down_page_once(lab):
    extranet = lab.zones["extranet"]
    before = {m["time"] for m in extranet.messages()}
    # as Prometheus sends them: one evaluation's alerts in one POST to Alertmanager's API
    alerts = [{"labels": {"alertname": "DeviceDown", "severity": "critical", "zone": "extranet", "town": "wangtai",
                          "role": "village_ap", "device": f"wangtai-v{i:03d}", "site": f"wangtai-v{i:03d}"},
               "annotations": {"summary": f"wangtai-v{i:03d} does not answer SNMP"}} for i in range(1, 81)]
    post = ("import sys, urllib.request\n"
            "req = urllib.request.Request(sys.argv[1], data=sys.stdin.read().encode(),"
            " headers={'Content-Type': 'application/json'})\n"
            "print(urllib.request.urlopen(req, timeout=10).status)\n")
    result = subprocess.run(zones.netns.exec_argv(extranet.namespace, [
        sys.executable, "-c", post, f"http://{extranet.collector}:9093/api/v2/alerts"]),
        input=json.dumps(alerts), capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "200", result.stderr

    def new_pages() -> list[dict]:
        return [m for m in _sms(extranet) if m["time"] not in before and "80台" in m["json"]["content"]]

    wait_for(lambda: len(new_pages()) >= 2, 40, "the town's page to the duty engineer and the town admin")
    time.sleep(8)  # anything more would arrive within this
    pages = new_pages()
    by_phone = {}
    for page in pages:
        by_phone.setdefault(page["json"]["mobile"], []).append(page)
    assert sorted(by_phone) == ["13800000002", "13800000009"]  # duty-extranet and wangtai-admin
    assert all(len(v) == 1 for v in by_phone.values()), by_phone
    assert "王台镇" in pages[0]["json"]["content"]
    assert len(_sms(lab.zones["intranet"])) == 1 and lab.zones["stats"].messages() == []


def _amtool_add(lab: zones.ZoneLab, zone: str, *labels: str) -> None:
    z = lab.zones[zone]
    result = lab.run_in(zone, ["amtool", "alert", "add", *labels, f"--alertmanager.url=http://{z.collector}:9093"])
    assert result.returncode == 0, result.stderr


def test_inhibition_town_router_and_room_power_cut(lab):
    extranet = lab.zones["extranet"]
    start = time.time()
    # the town's router is down: its villages' alert is an echo of it
    _amtool_add(lab, "extranet", "DeviceDown", "severity=critical", "zone=extranet", "town=boli",
                "role=router", "device=boli-ex-rt", "site=boli")
    time.sleep(1)
    _amtool_add(lab, "extranet", "TownVillagesDown", "severity=critical", "zone=extranet", "town=boli")
    # ups-1 (admin-centre) is on battery since the poll test: a server there going down is its echo
    _amtool_add(lab, "extranet", "DeviceDown", "severity=critical", "zone=extranet", "site=admin-centre",
                "role=server", "device=ex-srv-1")
    wait_for(lambda: any("boli-ex-rt" in m["json"]["content"] for m in _sms(extranet)), 40, "the router's page")
    time.sleep(8)
    texts = [m["json"]["content"] for m in _sms(extranet) if m["time"] >= start]
    assert texts
    assert not [t for t in texts if "乡镇多个村点不可达" in t and "boli" in t], texts
    assert not [t for t in texts if "ex-srv-1" in t], texts
