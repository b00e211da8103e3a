"""One asyncio UDP socket per address family, shared by every v2c request in a process.

Sharing one socket keeps a 1,100-device poll to a handful of file descriptors. Responses
are matched to requests by request-id, source address and community; anything else
(strays, late duplicates, garbage) is counted and dropped, so a garbage-speaking agent
costs its caller one timeout and nothing more.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from netops.snmp import ber
from netops.snmp.budget import ScrapeBudget
from netops.snmp.errors import SnmpBudgetError, SnmpConfigError, SnmpError, SnmpProtocolError, SnmpTimeout

log = logging.getLogger("netops.snmp")

REFUSAL_LOG_INTERVAL = 60.0  # seconds between log lines for the same agent and reason


class Refused(Exception):
    """A datagram that matched a request but must not be trusted (`reason` names the rule).

    Raised by an `accept` function: the datagram is dropped, counted under `reason`, logged,
    and the request keeps waiting for a genuine answer."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass
class TransportStats:
    sent: int = 0
    received: int = 0
    malformed: int = 0
    unmatched: int = 0
    refused: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Pending:
    address: tuple[str, int]
    accept: Callable[[bytes], object]
    future: asyncio.Future
    budget: ScrapeBudget | None = None
    dropped: str | None = None  # why the last matching datagram was not taken
    too_long: bool = False  # a matching datagram decoded up to an OID over the RFC bound


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

    def __init__(self, receive_buffer: int = 4 << 20,
                 socket_factory: "Callable[[int], Awaitable[socket.socket]] | None" = None) -> None:
        """`socket_factory(family)` makes the (bound) socket, e.g. inside a network namespace."""
        self._transports: dict[int, asyncio.DatagramTransport] = {}
        self._pending: dict[int, _Pending] = {}
        self._next_id = random.randrange(1, 1 << 30)
        self._receive_buffer = receive_buffer
        self._socket_factory = socket_factory
        self.stats = TransportStats()
        self._logged: dict[tuple[str, str], float] = {}
        self._opening: asyncio.Lock | None = None

    def refused(self, address: tuple[str, int], reason: str, detail: str) -> None:
        """Count a refused datagram and log it (once a minute per agent and reason)."""
        self.stats.refused[reason] = self.stats.refused.get(reason, 0) + 1
        key = (address[0], reason)
        now = time.monotonic()
        if now - self._logged.get(key, -REFUSAL_LOG_INTERVAL) >= REFUSAL_LOG_INTERVAL:
            self._logged[key] = now
            if len(self._logged) > 10_000:
                self._logged.clear()
            log.warning("refused SNMP message from %s:%s (%s): %s", address[0], address[1], reason, detail)

    async def _transport(self, family: int) -> asyncio.DatagramTransport:
        transport = self._transports.get(family)
        if transport is not None and not transport.is_closing():
            return transport
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:  # one socket per family, even when many requests start at once
            return await self._open(family)

    async def _open(self, family: int) -> asyncio.DatagramTransport:
        transport = self._transports.get(family)
        if transport is None or transport.is_closing():
            if self._socket_factory is not None:
                sock = await self._socket_factory(family)
            else:
                sock = socket.socket(family, socket.SOCK_DGRAM)
                sock.bind(("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0))
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self._receive_buffer)
            except OSError:
                pass
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
            if pending.budget is not None:
                pending.budget.charge_bytes(len(data))
            result = pending.accept(data)
        except ber.BerError as exc:
            self.stats.malformed += 1
            pending.dropped = f"malformed response: {exc}"
            # dropped like any malformed datagram (a forger must not end a scrape early), but
            # if nothing better comes the request ends as a budget breach, not a timeout
            pending.too_long = pending.too_long or isinstance(exc, ber.OidTooLong)
            return
        except Refused as exc:
            pending.dropped = f"refused response: {exc}"
            self.refused(pending.address, exc.reason, str(exc))
            return
        except SnmpError as exc:  # over budget: the scrape ends now
            pending.future.set_exception(exc)
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
        budget: ScrapeBudget | None = None,
    ):  # noqa: ANN201
        """Send, resend on timeout up to `retries` times, return what `accept` made of the answer.

        A retry resends the same message, so a late answer to an earlier try is still taken.
        Every matching datagram is charged to `budget` before it is decoded.
        """
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        transport = await self._transport(family)
        future = asyncio.get_running_loop().create_future()
        pending = self._pending[message_id] = _Pending(address, accept, future, budget)
        loop = asyncio.get_running_loop()
        resends: list[asyncio.TimerHandle] = []

        def send() -> None:
            if future.done():
                return
            try:
                transport.sendto(message, address)
            except OSError as exc:
                future.set_exception(SnmpConfigError(f"cannot send to {address[0]}:{address[1]}: {exc}"))
                return
            self.stats.sent += 1

        try:
            send()
            resends.extend(loop.call_later(timeout * n, send) for n in range(1, retries + 1))
            try:
                # one timeout for all tries (not wait_for, which on 3.11 can swallow a cancellation
                # arriving with the answer, so a fast agent could outlive the scrape's deadline)
                async with asyncio.timeout(timeout * (retries + 1)):
                    return await future
            except TimeoutError:
                if pending.too_long:  # growing OIDs: end the scrape, do not retry in pieces
                    raise SnmpBudgetError(f"agent {address[0]}:{address[1]} returned an OID longer than "
                                          f"{ber.MAX_OID_LENGTH} sub-identifiers") from None
                dropped = f"; {pending.dropped}" if pending.dropped else ""
                raise SnmpTimeout(f"no response from {address[0]}:{address[1]} after {retries + 1} tries of "
                                  f"{timeout:g}s{dropped}") from None
        finally:
            for handle in resends:
                handle.cancel()
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
        budget: ScrapeBudget | None = None,
    ) -> ber.Response:
        """One v1/v2c request; an error-status in the response raises SnmpProtocolError."""
        request_id = self.new_id()
        message = ber.encode_request(pdu_type, community, request_id, oids, non_repeaters, max_repetitions, version)

        def accept(data: bytes) -> ber.Response | None:
            response = ber.decode_message(data)
            if response.pdu_type != ber.RESPONSE or response.community != community:
                return None
            return response

        response = await self.exchange(address, message, request_id, accept, timeout=timeout, retries=retries,
                                       budget=budget)
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
