"""The SSH lab's own life cycle: a failed start leaves nothing behind; status without a lab."""

from __future__ import annotations

import os

import pytest

from netops.lab import netns, ssh_routers
from tests.frr_lab import lab_base, lab_password, skip_without_lab


def test_status_and_down_without_a_lab(tmp_path):
    assert ssh_routers.status(tmp_path / "none") is None
    assert ssh_routers.down(tmp_path / "none") == []


def test_sequential_endpoints_stay_on_loopback():
    specs = ssh_routers.sequential_endpoints(["a", "b"], base="127.0.2.254")
    assert [(s.host, s.port) for s in specs] == [("127.0.2.254", 2222), ("127.0.2.255", 2222)]
    with pytest.raises(ssh_routers.LabError, match="not a loopback"):
        ssh_routers.sequential_endpoints(["a", "b"], base="127.255.255.255")


def test_failed_start_tears_down_what_it_started():
    skip_without_lab()
    base = lab_base(7)
    first = ssh_routers.LabSpec(name=f"a{os.getpid()}", password=lab_password(),
                                routers=ssh_routers.sequential_endpoints(["r1"], base=base))
    clash = ssh_routers.LabSpec(name=f"b{os.getpid()}", password=lab_password(),
                                routers=ssh_routers.sequential_endpoints(["r1", "r2"], base=base))
    dir_a, dir_b = ssh_routers.lab_dir(first.name), ssh_routers.lab_dir(clash.name)
    try:
        ssh_routers.up(first, dir_a)
        with pytest.raises(ssh_routers.LabError, match="forwarder"):
            ssh_routers.up(clash, dir_b)  # r1's endpoint is taken by the first lab
        assert not dir_b.exists()
        assert not netns.exists(f"netops-{clash.name}-r1") and not netns.exists(f"netops-{clash.name}-r2")
        assert ssh_routers.status(dir_a)["healthy"]  # the other lab is untouched
    finally:
        ssh_routers.down(dir_b)
        ssh_routers.down(dir_a)
    assert not dir_a.exists()
