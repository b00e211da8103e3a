"""Shared helpers for tests on the real FRR lab (not a test module)."""

from __future__ import annotations

import os
import secrets

import pytest

from netops.lab import ssh_routers


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
