"""One asyncio UDP socket per address family, shared by every v2c request in a process.

Sharing one socket keeps a 1,100-device poll to a handful of file descriptors. Responses
are matched to requests by request-id, source address and community; anything else
(strays, late duplicates, garbage) is counted and dropped, so a garbage-speaking agent
costs its caller one timeout and nothing more.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass

from netops.snmp import ber
from netops.snmp.errors import SnmpConfigError, SnmpProtocolError, SnmpTimeout


@dataclass
class TransportStats:
    sent: int = 0
    received: int = 0
    malformed: int = 0
    unmatched: int = 0


@dataclass(slots=True)
class _Pending:
    address: tuple[str, int]
    accept: Callable[[bytes], object]
    future: asyncio.Future


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, client: "UdpClient") -> None:
        self.client = client

    def datagram_received(self, data: bytes, addr) -> None:  # noqa: ANN001
        self.client._received(data, addr)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable and similar: the request will simply time out.
        pass


class UdpClient:
    """Send SNMP messages and await their responses, many targets at once.

    A response is matched by message id (v1/v2c request-id, v3 msgID) and source address,
    then handed to the request's own `accept` function, which decodes and verifies it
    (community, digest...). `accept` returning None or raising BerError drops the datagram.
    """

    def __init__(self, receive_buffer: int = 4 << 20) -> None:
        self._transports: dict[int, asyncio.DatagramTransport] = {}
        self._pending: dict[int, _Pending] = {}
        self._next_id = random.randrange(1, 1 << 30)
        self._receive_buffer = receive_buffer
        self.stats = TransportStats()

    async def _transport(self, family: int) -> asyncio.DatagramTransport:
        transport = self._transports.get(family)
        if transport is None or transport.is_closing():
            sock = socket.socket(family, socket.SOCK_DGRAM)
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self._receive_buffer)
            except OSError:
                pass
            sock.bind(("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0))
            loop = asyncio.get_running_loop()
            transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(self), sock=sock)
            self._transports[family] = transport
        return transport

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.cancel()
        self._pending.clear()

    def new_id(self) -> int:
        self._next_id = self._next_id + 1 if self._next_id < (1 << 31) - 1 else 1
        while self._next_id in self._pending:
            self._next_id += 1
        return self._next_id

    def _received(self, data: bytes, addr) -> None:  # noqa: ANN001
        self.stats.received += 1
        message_id = ber.peek_message_id(data)
        pending = self._pending.get(message_id) if message_id is not None else None
        if pending is None or pending.future.done() or tuple(addr[:2]) != pending.address:
            self.stats.unmatched += 1
            return
        try:
            result = pending.accept(data)
        except ber.BerError:
            self.stats.malformed += 1
            return
        if result is None:
            self.stats.unmatched += 1
            return
        pending.future.set_result(result)

    async def exchange(
        self,
        address: tuple[str, int],
        message: bytes,
        message_id: int,
        accept: Callable[[bytes], object],
        *,
        timeout: float = 2.0,
        retries: int = 1,
    ):  # noqa: ANN201
        """Send, resend on timeout up to `retries` times, return what `accept` made of the answer.

        A retry resends the same message, so a late answer to an earlier try is still taken.
        """
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        transport = await self._transport(family)
        future = asyncio.get_running_loop().create_future()
        self._pending[message_id] = _Pending(address, accept, future)
        try:
            for _ in range(retries + 1):
                try:
                    transport.sendto(message, address)
                except OSError as exc:
                    raise SnmpConfigError(f"cannot send to {address[0]}:{address[1]}: {exc}") from None
                self.stats.sent += 1
                try:
                    return await asyncio.wait_for(asyncio.shield(future), timeout)
                except TimeoutError:
                    continue
            raise SnmpTimeout(
                f"no response from {address[0]}:{address[1]} after {retries + 1} tries of {timeout:g}s"
            )
        finally:
            self._pending.pop(message_id, None)
            if not future.done():
                future.cancel()

    async def request(
        self,
        address: tuple[str, int],
        community: bytes,
        pdu_type: int,
        oids: list[ber.Oid],
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
        timeout: float = 2.0,
        retries: int = 1,
        version: int = ber.VERSION_2C,
    ) -> ber.Response:
        """One v1/v2c request; an error-status in the response raises SnmpProtocolError."""
        request_id = self.new_id()
        message = ber.encode_request(pdu_type, community, request_id, oids, non_repeaters, max_repetitions, version)

        def accept(data: bytes) -> ber.Response | None:
            response = ber.decode_message(data)
            if response.pdu_type != ber.RESPONSE or response.community != community:
                return None
            return response

        response = await self.exchange(address, message, request_id, accept, timeout=timeout, retries=retries)
        if response.error_status:
            raise SnmpProtocolError(
                f"agent returned error-status {response.error_status} at index {response.error_index}",
                status=response.error_status,
            )
        return response


def parse_address(host: str, port: int) -> tuple[str, int]:
    """Normalise an IP literal (SNMP targets are addressed by IP; names are resolved earlier)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise SnmpConfigError(f"not an IP address: {host!r}") from None
    if not 0 < port < 65536:
        raise SnmpConfigError(f"port out of range: {port}")
    return str(ip), port
