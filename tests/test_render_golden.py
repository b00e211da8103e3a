"""Golden configurations: one or more devices per platform and role, byte for byte.

Regenerate after an intended template change, then review the diff in git:
    NETOPS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_render_golden.py
"""

from __future__ import annotations

import os

import pytest

from netops.inventory import load_inventory
from netops.render import Renderer
from tests.render_support import GOLDEN, extended_inventory_dir

GOLDEN_DEVICES = {
    "in-core-1": "huawei_vrp/core_switch.j2",
    "wangtai-in-sw": "huawei_vrp/access_switch.j2",
    "st-sw-1": "huawei_vrp/access_switch.j2",
    "wangtai-v001": "huawei_vrp/village_ap.j2",
    "fw-1": "huawei_vrp/firewall.j2",
    "ex-core-1": "hp_comware/core_switch.j2",
    "wangtai-ex-sw": "hp_comware/access_switch.j2",
    "wangtai-ex-agg": "hp_comware/access_switch.j2",  # aggregation_switch falls back to access
    "inet-rt-1": "cisco_ios/router.j2",
    "wangtai-ex-csw": "cisco_ios/switch.j2",
    "wangtai-ex-rt": "frr/router.j2",
}
UPDATE = os.environ.get("NETOPS_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    return Renderer(load_inventory(extended_inventory_dir(tmp_path_factory.mktemp("golden") / "inv")))


@pytest.mark.parametrize("device", sorted(GOLDEN_DEVICES))
def test_render_matches_golden(renderer, device):
    inv_device = renderer.inventory.devices[device]
    assert renderer.template_for(inv_device) == GOLDEN_DEVICES[device]
    text = renderer.render(device)
    path = GOLDEN / inv_device.platform.value / f"{device}.cfg"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with NETOPS_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{device} differs from {path}; if the change is intended: NETOPS_UPDATE_GOLDEN=1 pytest {__file__}")


def test_no_stale_golden_files():
    on_disk = {p.stem for p in GOLDEN.rglob("*.cfg")}
    assert on_disk <= set(GOLDEN_DEVICES)
