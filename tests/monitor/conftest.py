"""Fixtures for the monitoring and lab tests: a copy of the sample inventory whose lab
endpoints sit on a loopback /24 of their own (so a developer's running lab or another
test never collides), lab secrets in the environment, and process helpers."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

LAB_SECRETS_ENV = {
    "NETOPS_SNMP_IN_AUTH": "lab-intranet-auth",
    "NETOPS_SNMP_IN_PRIV": "lab-intranet-priv",
    "NETOPS_SNMP_COMMUNITY": "lab-appliance",
    "NETOPS_LAB_COMMUNITY": "netops-lab-test",
}
LAB_SECRETS_FILE = {"snmp-ex-auth": "lab-extranet-auth", "snmp-ex-priv": "lab-extranet-priv"}


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_inventory_copy(target: Path) -> Path:
    """The sample inventory with lab.snmp moved to 127.<random>.0.N:<random port>."""
    shutil.copytree(ROOT / "inventory", target)
    lab_file = target / "lab.yaml"
    lab = yaml.safe_load(lab_file.read_text(encoding="utf-8"))
    second = random.randint(64, 250)
    port = random.randint(20000, 50000)
    for n, name in enumerate(list(lab["lab"]["snmp"]), start=1):
        lab["lab"]["snmp"][name] = f"127.{second}.{n // 250}.{n % 250 + 1}:{port}"
    lab_file.write_text(yaml.safe_dump(lab, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def lab_env(tmp_path_factory):
    """(inventory dir, lab dir) with the lab's secrets in the environment for this module."""
    base = tmp_path_factory.mktemp("monitor-lab")
    inventory = lab_inventory_copy(base / "inventory")
    secrets = base / "secrets.yaml"
    secrets.write_text(yaml.safe_dump(LAB_SECRETS_FILE), encoding="utf-8")
    os.chmod(secrets, 0o600)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in LAB_SECRETS_ENV.items():
            mp.setenv(key, value)
        mp.setenv("NETOPS_SECRETS_FILE", str(secrets))
        mp.delenv("NETOPS_LAB_DIR", raising=False)
        yield inventory, base / "lab"


def netops_command() -> list[str]:
    script = Path(sys.executable).with_name("netops")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from cli import main; main()"]


def start(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    out = open(log, "ab")
    try:
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True, cwd=str(ROOT))
    finally:
        out.close()


def stop(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """End a process this test started, by its PID."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[0]} exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready after {timeout} s:\n{log.read_text(errors='replace')[-2000:]}")


def wait_for(check, timeout: float, what: str, interval: float = 0.5):
    """Poll `check()` until it returns something truthy; fail with `what` and the last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last!r}")
