"""Linux network namespaces for the lab: create, delete, run a command inside, open a socket inside.

A socket keeps the namespace it was created in, so a host process reaches a daemon in a
namespace by creating the socket while one thread is switched into it (setns), then using
the socket from anywhere. Only namespaces the lab created (named with its prefix) are touched.
"""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import threading
from pathlib import Path

NETNS_DIR = Path("/run/netns")
_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class NetnsError(RuntimeError):
    """A namespace could not be created, entered or removed."""


def _ip(*args: str) -> None:
    proc = subprocess.run(["ip", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise NetnsError(f"ip {' '.join(args)}: {proc.stderr.strip() or proc.returncode}")


def exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def create(name: str, veth: tuple[tuple[str, str], ...] = (("eth0", "eth1"), ("eth2", "eth3"))) -> None:
    """A fresh namespace with loopback up and veth pairs kept inside it.

    The veth pairs give the router real interfaces (eth0-eth3) to address; both ends of each
    stay in the namespace, so nothing the router does can reach the host's networks.
    """
    if exists(name):
        raise NetnsError(f"network namespace {name} already exists (is a lab with this name up?)")
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        for a, b in veth:
            _ip("-n", name, "link", "add", a, "type", "veth", "peer", "name", b)
            for ifname in (a, b):
                _ip("-n", name, "link", "set", ifname, "up")
    except NetnsError:
        delete(name)
        raise


def delete(name: str) -> None:
    if exists(name):
        _ip("netns", "delete", name)


def pids_in(name: str) -> list[int]:
    """Processes still living in the namespace (what `ip netns pids` reports)."""
    proc = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
    return [int(p) for p in proc.stdout.split() if p.isdigit()]


def exec_argv(name: str, argv: list[str]) -> list[str]:
    return ["ip", "netns", "exec", name, *argv]


def _setns(fd: int) -> None:
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise NetnsError(f"setns: {os.strerror(err)}")


def socket_in(name: str, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
    """A socket created inside namespace `name` (from a short-lived thread, so the caller's
    thread never changes namespace)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            fd = os.open(NETNS_DIR / name, os.O_RDONLY)
            try:
                _setns(fd)
            finally:
                os.close(fd)
            box["sock"] = socket.socket(family, kind)
        except Exception as exc:  # handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"netns-{name}")
    thread.start()
    thread.join()
    if "error" in box:
        error = box["error"]
        raise NetnsError(f"cannot open a socket in namespace {name}: {error}")
    return box["sock"]  # type: ignore[return-value]


def connect_in(name: str, address: tuple[str, int], timeout: float = 10.0) -> socket.socket:
    """A TCP connection made inside namespace `name`."""
    sock = socket_in(name)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock
