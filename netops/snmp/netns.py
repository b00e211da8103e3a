"""Sockets inside a network namespace, for the one SNMP client to query lab devices there.

A socket belongs to the namespace it was created in, whatever thread or loop uses it
later. So a tiny child process enters the namespace (`nsenter --net=`), creates and binds
the UDP socket, and hands its descriptor back over a Unix socket pair (SCM_RIGHTS). No
thread of this process ever changes namespace, and the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from netops.snmp.errors import SnmpConfigError

_CHILD = (
    "import socket,sys\n"
    "family=int(sys.argv[1])\n"
    "s=socket.socket(family,socket.SOCK_DGRAM)\n"
    "s.bind(('::',0) if family==socket.AF_INET6 else ('0.0.0.0',0))\n"
    "socket.send_fds(socket.socket(fileno=int(sys.argv[2])),[b'k'],[s.fileno()])\n"
)


def netns_path(netns: str) -> Path:
    """A namespace name (under /run/netns, as `ip netns` makes them) or a path."""
    return Path(netns if "/" in netns else f"/run/netns/{netns}")


async def netns_socket(netns: str, family: int = socket.AF_INET, timeout: float = 10.0) -> socket.socket:
    """A bound UDP socket living in `netns`; raises SnmpConfigError when it cannot be made."""
    path = netns_path(netns)
    nsenter = shutil.which("nsenter")
    if nsenter is None:
        raise SnmpConfigError("nsenter (util-linux) is needed to query devices inside a network namespace")
    if not path.exists():
        raise SnmpConfigError(f"network namespace {netns!r} does not exist ({path})")
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        proc = await asyncio.create_subprocess_exec(
            nsenter, f"--net={path}", sys.executable, "-I", "-S", "-c", _CHILD, str(int(family)), str(theirs.fileno()),
            pass_fds=(theirs.fileno(),), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        theirs.close()
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise SnmpConfigError(f"creating a socket in network namespace {netns!r} timed out") from None
        if proc.returncode != 0:
            raise SnmpConfigError(f"cannot create a socket in network namespace {netns!r}: "
                                  f"{err.decode(errors='replace').strip()[-300:]}")
        ours.setblocking(False)
        try:
            _, fds, _, _ = socket.recv_fds(ours, 16, 1)
        except BlockingIOError:
            raise SnmpConfigError(f"no socket came back from network namespace {netns!r}") from None
        if not fds:
            raise SnmpConfigError(f"no socket came back from network namespace {netns!r}")
        return socket.socket(fileno=fds[0])
    finally:
        theirs.close()
        ours.close()


def netns_socket_factory(netns: str) -> Callable[[int], Awaitable[socket.socket]]:
    """For `SnmpClient(socket_factory=...)`: every socket of that client lives in `netns`."""

    async def make(family: int) -> socket.socket:
        return await netns_socket(netns, family)

    return make
