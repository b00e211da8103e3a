"""Refuse any packet this test process would send outside loopback.

DEVELOPERS.md: tests talk only to 127.0.0.0/8 (or ::1), or inside network namespaces the
test itself built. The guard wraps the socket calls that pick a destination; a call made
from a thread that has entered another network namespace is exempt, because only tests
create namespaces here.
"""

from __future__ import annotations

import ipaddress
import os
import socket

_HOST_NETNS = os.readlink("/proc/self/ns/net") if os.path.exists("/proc/self/ns/net") else None


class ForbiddenDestination(AssertionError):
    """A test tried to reach an address outside loopback."""


def _in_private_namespace() -> bool:
    try:
        return os.readlink("/proc/thread-self/ns/net") != _HOST_NETNS
    except OSError:
        return False


def _check(sock: socket.socket, address, violations: list[str]) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    if not isinstance(address, tuple) or not address:
        return
    host = address[0]
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        try:
            ip = ipaddress.ip_address(socket.gethostbyname(host))
        except OSError:
            return  # unresolvable: the call itself will fail
    if ip.is_loopback or ip.is_unspecified:
        return
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped and ip.ipv4_mapped.is_loopback:
        return
    if _in_private_namespace():
        return
    message = f"test tried to reach {ip} (only 127.0.0.0/8 or a test's own namespace)"
    violations.append(message)
    raise ForbiddenDestination(message)


def install(monkeypatch) -> list[str]:
    """Wrap connect/connect_ex/sendto/sendmsg for one test; return the list of violations.

    Libraries may swallow the exception (asyncio transports do), so the caller also fails
    the test at teardown when the list is not empty.
    """
    base = socket.socket
    violations: list[str] = []

    def connect(self, address, _orig=base.connect):
        _check(self, address, violations)
        return _orig(self, address)

    def connect_ex(self, address, _orig=base.connect_ex):
        _check(self, address, violations)
        return _orig(self, address)

    def sendto(self, data, *args, _orig=base.sendto):
        _check(self, args[-1], violations)
        return _orig(self, data, *args)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None, _orig=base.sendmsg):
        if address is not None:
            _check(self, address, violations)
            return _orig(self, buffers, ancdata, flags, address)
        return _orig(self, buffers, ancdata, flags)

    monkeypatch.setattr(base, "connect", connect)
    monkeypatch.setattr(base, "connect_ex", connect_ex)
    monkeypatch.setattr(base, "sendto", sendto)
    monkeypatch.setattr(base, "sendmsg", sendmsg)
    return violations
