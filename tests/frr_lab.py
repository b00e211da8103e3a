"""Shared helpers for tests on the real FRR lab (not a test module)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from netops.lab import ssh_routers

ROOT = Path(__file__).resolve().parent.parent


def skip_without_lab() -> None:
    missing = ssh_routers.missing_requirements()
    if missing:
        pytest.skip("the FRR SSH lab cannot run here: missing " + ", ".join(missing))


def lab_base(offset: int) -> str:
    """A per-process loopback /24 (127.0.6-55.x) so parallel runs and a demo lab never collide."""
    return f"127.0.{6 + (os.getpid() + offset) % 50}.1"


def lab_password() -> str:
    return "lab-" + secrets.token_hex(8)


def intended_frr(name: str, description: str = "uplink to ex-core-1", route: str = "0.0.0.0/0 10.22.0.5",
                 extra: str = "") -> str:
    """An intended FRR config written by the test (the renderer's output is tested separately)."""
    return (
        "frr defaults traditional\n"
        f"hostname {name}\n"
        "service integrated-vtysh-config\n"
        "!\n"
        f"ip route {route}\n"
        "!\n"
        "interface eth0\n"
        f" description {description}\n"
        " ip address 10.22.0.6/30\n"
        "exit\n"
        "!\n"
        "interface eth1\n"
        " description town office LAN\n"
        " ip address 10.20.1.1/24\n"
        "exit\n"
        "!\n"
        f"{extra}"
    )


class LabEnv:
    """A running lab of sample-network routers, and the netops CLI pointed at it."""

    def __init__(self, base: Path, inventory: Path, lab_dir: Path, password: str):
        self.base, self.inventory, self.lab_dir, self.password = base, inventory, lab_dir, password
        self.intended = base / "intended"
        self.repo = base / "backups"

    def state(self):
        return ssh_routers.load_state(self.lab_dir)

    def running(self, name: str) -> str:
        return ssh_routers.running_config(self.state(), name)

    @property
    def env(self) -> dict[str, str]:
        return {"NETOPS_LAB_PASSWORD": self.password, "NETOPS_SECRETS_FILE": ""}

    def lab_args(self, command: str) -> list[str]:
        common = ["-i", str(self.inventory)]
        if command in ("backup", "diff", "push"):
            common += ["--lab", "--lab-dir", str(self.lab_dir)]
        return common

    def netops(self, *args: str):
        from cli import app

        return CliRunner().invoke(app, [*args, *self.lab_args(args[0])], env=self.env, catch_exceptions=False)

    def write_intended(self, configs: dict[str, str]) -> None:
        self.intended.mkdir(exist_ok=True)
        for name, text in configs.items():
            (self.intended / f"{name}.cfg").write_text(text)


@contextlib.contextmanager
def running_lab(base: Path, routers: list[str], offset: int, tag: str = "t"):
    """Bring up `routers` (lab.ssh devices of the sample inventory) on a per-process loopback /24;
    always torn down on exit."""
    skip_without_lab()
    inventory = base / "inventory"
    shutil.copytree(ROOT / "inventory", inventory)
    lab = yaml.safe_load((inventory / "lab.yaml").read_text())
    first = lab_base(offset).rsplit(".", 1)[0]
    lab["lab"]["ssh"] = {name: {"endpoint": f"{first}.{i + 1}:2222"} for i, name in enumerate(routers)}
    (inventory / "lab.yaml").write_text(yaml.safe_dump(lab, sort_keys=False))
    name = f"{tag}{os.getpid()}"
    lab_dir = ssh_routers.lab_dir(name)
    env = LabEnv(base, inventory, lab_dir, lab_password())
    try:
        result = env.netops("lab", "up", "--ssh", "--name", name, "--dir", str(lab_dir))
        assert result.exit_code == 0, result.output
        yield env
    finally:
        ssh_routers.down(lab_dir)
