"""The console in headless Chromium (Debian's), over the DevTools protocol: log in, the
topology with its zones, a device turning red after `netops lab set ... down`, the moved-cable
audit's path highlighted, two backups diffed, a dark village's town, cause and last switch
change in three clicks. Screenshots of every page go to out/test-web/ (docs/web/ has a set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.web.browser import CHROMIUM, Browser
from tests.web.conftest import PASSWORDS, SECRET

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("NETOPS_WEB_SCREENSHOTS", ROOT / "out" / "test-web"))
RED = "rgb(255, 107, 107)"
runner = CliRunner()


@pytest.fixture(scope="module")
def browser(console, tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium") / "profile")
    try:
        b.open(console["base"] + "/login")
        b.screenshot(SHOTS / "01-login.png")
        b.fill("#user", "eng")
        b.fill("#password", PASSWORDS["eng"])
        b.click("#submit")
        assert b.url().endswith("/topology")
        yield b
    finally:
        b.close()


def fill_of(b: Browser, element_id: str) -> str:
    return b.evaluate(f"""(() => {{ const g = document.getElementById({element_id!r});
        if (!g) return null; const s = g.querySelector('polygon,ellipse,path'); return getComputedStyle(s).fill; }})()""")


def stroke_of(b: Browser, element_id: str) -> str:
    return b.evaluate(f"""(() => {{ const g = document.getElementById({element_id!r});
        if (!g) return null; return getComputedStyle(g.querySelector('path')).stroke; }})()""")


def lab_set(console, device: str, state: str) -> None:
    result = runner.invoke(app, ["lab", "set", device, state, "-i", str(console["inventory"]), "--lab-dir", str(console["lab_dir"])])
    assert result.exit_code == 0, result.output


def test_topology_has_zones_and_turns_a_device_red(console, browser):
    b = browser
    b.open(console["base"] + "/topology")
    for zone in ("zone-intranet", "zone-extranet"):
        assert b.evaluate(f"!!document.getElementById({zone!r})"), zone
    # wait for the first scrapes: wangtai-ex-sw green
    def green() -> bool:
        b.open(console["base"] + "/topology")
        return fill_of(b, "dev-wangtai-ex-sw") == "rgb(183, 228, 176)"
    _poll(green, 90, "wangtai-ex-sw green on the topology", lambda: b.evaluate("fetch('/api/topology.json').then(r => r.text())"))
    b.screenshot(SHOTS / "02-topology.png")
    lab_set(console, "wangtai-ex-sw", "down")
    try:
        def red() -> bool:
            b.open(console["base"] + "/topology")
            return fill_of(b, "dev-wangtai-ex-sw") == RED
        _poll(red, 60, "wangtai-ex-sw red on the topology")
        assert "wangtai-ex-sw" in b.text("#down-list")
        b.screenshot(SHOTS / "03-topology-device-down.png")
    finally:
        lab_set(console, "wangtai-ex-sw", "up")


def test_moved_cable_audit_path_is_highlighted(console, browser):
    b = browser
    b.open(console["base"] + "/audit")
    assert "FAIL" in b.text("#audit-verdict")
    assert "wangtai-in-sw" in b.text("main")
    b.screenshot(SHOTS / "04-audit.png")
    b.click("#show-paths")
    assert "audit=1" in b.url()
    assert "wangtai-in-sw → wangtai-ex-sw" in b.text("#audit-paths")
    assert stroke_of(b, "cable-dev-wangtai-ex-sw--dev-wangtai-in-sw") == "rgb(208, 0, 0)"
    assert stroke_of(b, "cable-dev-ex-core-1--dev-wangtai-ex-sw") != "rgb(208, 0, 0)"  # only the path
    b.screenshot(SHOTS / "05-topology-audit-path.png")


def test_diff_two_backups_with_secrets_masked(console, browser):
    b = browser
    first, second = console["versions"]
    b.open(console["base"] + "/history/wangtai-ex-sw")
    assert first[:10] in b.text("main") and second[:10] in b.text("main")
    b.click("#diff-button")
    diff = b.text("#diff")
    assert "+vlan batch 200" in diff
    assert SECRET not in b.evaluate("document.documentElement.outerHTML")
    b.screenshot(SHOTS / "06-history-diff.png")


def test_dark_village_town_cause_and_last_change_in_three_clicks(console, browser):
    b = browser
    lab_set(console, "wangtai-v003", "down")
    try:
        def dark() -> bool:
            b.open(console["base"] + "/villages")
            return "1/" in b.text("#town-wangtai")
        _poll(dark, 60, "wangtai shows a dark village")
        b.screenshot(SHOTS / "07-villages.png")
        b.open(console["base"] + "/topology")
        b.click("#nav-villages")  # click 1: the villages page from anywhere
        b.click("#town-wangtai h2 a")  # click 2: the town, its uplink and each village's cause
        row = b.text('tr[id="wangtai-v003"]')
        assert "中断" in row and ("村设备不可达" in row or "乡镇上联中断" in row)  # a cause, whichever it is
        b.screenshot(SHOTS / "08-town.png")
        b.click('tr[id="wangtai-v003"] a.last-change')  # click 3: the switch's last config change, diffed
        assert "/history/wangtai-ex-sw" in b.url()
        assert "+vlan batch 200" in b.text("#diff")
    finally:
        lab_set(console, "wangtai-v003", "up")


def test_room_and_device_pages(console, browser):
    b = browser
    def runtime() -> bool:
        b.open(console["base"] + "/room")
        return "min" in b.text("#power")
    _poll(runtime, 60, "UPS runtime on the room page")
    assert "°C" in b.text("#sensors")
    b.screenshot(SHOTS / "09-room.png")
    b.open(console["base"] + "/device/wangtai-ex-sw")
    assert "wangtai-ex-sw" in b.text("#device-name")
    assert "wangtai-v001" in b.text("main")  # its cables
    b.screenshot(SHOTS / "10-device.png")
    b.open(console["base"] + "/villages?lang=en")
    assert "Villages by town" in b.text("main")
    b.screenshot(SHOTS / "11-villages-en.png")


def test_scoped_viewer_in_the_browser(console, tmp_path):
    b = Browser(tmp_path / "profile")
    try:
        b.open(console["base"] + "/login")
        b.fill("#user", "wangtai")
        b.fill("#password", PASSWORDS["wangtai"])
        b.click("#submit")
        b.open(console["base"] + "/device/in-core-1")
        assert "无权查看" in b.text("body") or "not in your scope" in b.text("body")
        b.open(console["base"] + "/topology")
        assert b.evaluate("!!document.getElementById('dev-wangtai-ex-sw')")
        assert not b.evaluate("!!document.getElementById('dev-in-core-1')")
        b.screenshot(SHOTS / "12-viewer-topology.png")
    finally:
        b.close()


def _poll(check, timeout: float, what: str, context=lambda: "") -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout} s: {what} {context()}")
