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
    community: bytes
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
    """Send SNMP v1/v2c requests and await their responses, many targets at once."""

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

    def _request_id(self) -> int:
        self._next_id = self._next_id + 1 if self._next_id < (1 << 31) - 1 else 1
        while self._next_id in self._pending:
            self._next_id += 1
        return self._next_id

    def _received(self, data: bytes, addr) -> None:  # noqa: ANN001
        self.stats.received += 1
        request_id = ber.peek_request_id(data)
        pending = self._pending.get(request_id) if request_id is not None else None
        if pending is None or pending.future.done() or tuple(addr[:2]) != pending.address:
            self.stats.unmatched += 1
            return
        try:
            response = ber.decode_message(data)
        except ber.BerError:
            self.stats.malformed += 1
            return
        if response.pdu_type != ber.RESPONSE or response.community != pending.community:
            self.stats.unmatched += 1
            return
        pending.future.set_result(response)

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
        """Send one request, resend on timeout up to `retries` times, return the Response.

        A retry keeps the request-id, so a late answer to an earlier try is still taken.
        """
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        transport = await self._transport(family)
        request_id = self._request_id()
        message = ber.encode_request(
            pdu_type, community, request_id, oids, non_repeaters, max_repetitions, version
        )
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = _Pending(address, community, future)
        try:
            for _ in range(retries + 1):
                try:
                    transport.sendto(message, address)
                except OSError as exc:
                    raise SnmpConfigError(f"cannot send to {address[0]}:{address[1]}: {exc}") from None
                self.stats.sent += 1
                try:
                    response = await asyncio.wait_for(asyncio.shield(future), timeout)
                except TimeoutError:
                    continue
                if response.error_status:
                    raise SnmpProtocolError(
                        f"agent returned error-status {response.error_status}"
                        f" at index {response.error_index}",
                        status=response.error_status,
                    )
                return response
            raise SnmpTimeout(
                f"no response from {address[0]}:{address[1]} after {retries + 1} tries of {timeout:g}s"
            )
        finally:
            self._pending.pop(request_id, None)
            if not future.done():
                future.cancel()


def parse_address(host: str, port: int) -> tuple[str, int]:
    """Normalise an IP literal (SNMP targets are addressed by IP; names are resolved earlier)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise SnmpConfigError(f"not an IP address: {host!r}") from None
    if not 0 < port < 65536:
        raise SnmpConfigError(f"port out of range: {port}")
    return str(ip), port
