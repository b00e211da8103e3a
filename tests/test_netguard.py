"""The guard itself: loopback passes, anything else is refused before a packet leaves."""

import socket

import pytest

from tests.netguard import ForbiddenDestination


def test_private_address_refused(_loopback_only):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(ForbiddenDestination):
            s.sendto(b"x", ("10.1.1.1", 161))
        with pytest.raises(ForbiddenDestination):
            s.connect(("192.168.1.1", 22))
    finally:
        s.close()
    assert len(_loopback_only) == 2
    _loopback_only.clear()


def test_public_tcp_refused(_loopback_only):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(ForbiddenDestination):
            s.connect_ex(("8.8.8.8", 53))
    finally:
        s.close()
    _loopback_only.clear()


def test_loopback_allowed():
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.3.9", 0))
    cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        cli.sendto(b"ping", srv.getsockname())
        assert srv.recvfrom(16)[0] == b"ping"
    finally:
        srv.close()
        cli.close()


async def _asyncio_udp():
    import asyncio

    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, family=socket.AF_INET)
    try:
        transport.sendto(b"x", ("172.16.0.1", 161))
    finally:
        transport.close()


def test_asyncio_udp_refused(_loopback_only):
    """asyncio swallows the error into the transport; the guard still records it."""
    import asyncio

    try:
        asyncio.run(_asyncio_udp())
    except ForbiddenDestination:
        pass
    assert _loopback_only and "172.16.0.1" in _loopback_only[0]
    _loopback_only.clear()  # recorded as intended: do not fail this test at teardown
