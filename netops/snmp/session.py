"""A session is the two SNMP reads the collector uses, GET and GETBULK, for one target.

v2c goes through netops' own BER codec on a shared socket (fast path); v3 goes through
pysnmp's USM (see `v3.py`). Both return plain `(oid, tag, value)` varbinds, so the walk
and the metric mapping never know which version they are reading.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from netops.snmp import ber
from netops.snmp.errors import SnmpConfigError
from netops.snmp.target import SnmpTarget
from netops.snmp.transport import UdpClient, parse_address


class Session(Protocol):
    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]: ...

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]: ...


class V2cSession:
    def __init__(self, client: UdpClient, target: SnmpTarget, address: tuple[str, int]) -> None:
        self._client = client
        self._address = address
        self._community = target.auth.community.get_secret_value().encode()  # type: ignore[union-attr]
        self._timeout = target.timeout
        self._retries = target.retries

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        response = await self._client.request(
            self._address, self._community, ber.GET_REQUEST, oids,
            timeout=self._timeout, retries=self._retries,
        )
        return response.varbinds

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        response = await self._client.request(
            self._address, self._community, ber.GET_BULK_REQUEST, oids,
            max_repetitions=max_repetitions, timeout=self._timeout, retries=self._retries,
        )
        return response.varbinds


class SnmpClient:
    """Owns the shared transports; hands out a session per target. One per process/loop."""

    def __init__(self) -> None:
        self.udp = UdpClient()
        self._v3 = None

    async def session(self, target: SnmpTarget) -> Session:
        address = await resolve(target.host, target.port)
        if target.auth.version == "2c":
            return V2cSession(self.udp, target, address)
        if self._v3 is None:
            from netops.snmp.v3 import V3Engine  # pysnmp is imported only when v3 is used

            self._v3 = V3Engine()
        return await self._v3.session(target, address)

    def close(self) -> None:
        self.udp.close()
        if self._v3 is not None:
            self._v3.close()
            self._v3 = None


async def resolve(host: str, port: int) -> tuple[str, int]:
    """An IP literal as is; a name through the resolver (first address)."""
    try:
        return parse_address(host, port)
    except SnmpConfigError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=2)  # SOCK_DGRAM
    except OSError as exc:
        raise SnmpConfigError(f"cannot resolve {host!r}: {exc}") from None
    family_addr = infos[0][4]
    return str(family_addr[0]), int(family_addr[1])
