"""An explicit `--config` outranks the ./inventory default (flag > env > file > default): a shard
exporter started in a directory that happens to hold an inventory must not load it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETOPS = Path(sys.executable).parent / "netops"

CONFIG = """\
auths:
  lab: {version: "2c", community: {env: NETOPS_TEST_COMMUNITY}}
targets:
  only-target: {address: "127.0.0.1:1161", auth: lab}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready_line(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Start the exporter, return its ready line (or its error), then stop it by PID."""
    proc = subprocess.Popen([str(NETOPS), "exporter", "--listen", f"127.0.0.1:{_free_port()}", *args], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "listening on" in line or not line:
                break
        return "".join(lines)
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(20)


@pytest.fixture
def site(tmp_path):
    """A working directory holding an ./inventory that cannot even be loaded."""
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    (tmp_path / "inventory" / "devices.yaml").write_text("devices: [{name: broken, role: toaster}]\n", encoding="utf-8")
    (tmp_path / "shard.yaml").write_text(CONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NETOPS_INVENTORY", "NETOPS_CONFIG")}
    env.update({"NETOPS_TEST_COMMUNITY": "public", "NETOPS_CACHE": "off", "NO_COLOR": "1",
                "XDG_CONFIG_HOME": str(tmp_path / "no-config")})
    return tmp_path, env


@pytest.mark.skipif(not NETOPS.exists(), reason="the netops console script is not installed in this venv")
def test_explicit_config_wins_over_the_inventory_in_the_working_directory(site):
    cwd, env = site
    out = _ready_line(["--config", "shard.yaml"], cwd, env)
    assert "listening on" in out and "1 named targets" in out, out


@pytest.mark.skipif(not NETOPS.exists(), reason="the netops console script is not installed in this venv")
def test_without_config_the_default_inventory_is_still_read(site):
    cwd, env = site
    out = _ready_line([], cwd, env)
    assert "listening on" not in out and "devices[broken]" in out, out


@pytest.mark.skipif(not NETOPS.exists(), reason="the netops console script is not installed in this venv")
def test_a_named_inventory_is_loaded_beside_the_config(site):
    cwd, env = site
    out = _ready_line(["--config", "shard.yaml", "-i", str(ROOT / "inventory")], cwd, env)
    assert "listening on" in out and "1 named targets" not in out, out
    env["NETOPS_INVENTORY"] = "inventory"  # env outranks the default too: the broken one, named, is read
    out = _ready_line(["--config", "shard.yaml"], cwd, env)
    assert "listening on" not in out and "devices[broken]" in out, out
