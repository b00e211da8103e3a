"""Where intended configs come from: a directory, the renderer, or the FRR stop-gap."""

import pytest

from netops.devices import intended
from netops.devices.target import DeviceTarget


def target(name, platform="frr"):
    return DeviceTarget(name=name, platform=platform, host="127.0.0.1", username="u", password="p")


def test_from_directory(tmp_path):
    (tmp_path / "r1.cfg").write_text("hostname r1\n")
    source = intended.from_directory(tmp_path)
    assert source(target("r1")) == "hostname r1\n"
    with pytest.raises(intended.IntendedError, match="r2.cfg"):
        source(target("r2"))


def test_renderer_or_frr_fallback(sample_inventory_dir, monkeypatch):
    from netops.inventory import load_inventory

    inv = load_inventory(sample_inventory_dir)
    text = intended.from_renderer(inv)(target("wangtai-ex-rt"))
    assert "hostname wangtai-ex-rt" in text
    assert "ip address 10.22.0.6/30" in text
