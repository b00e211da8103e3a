"""A session is the two SNMP reads the collector uses, GET and GETBULK, for one target.

v2c and v3 (USM with MD5/SHA/SHA-2 and AES-128) go through netops' own codec on one
shared socket; v3 with DES or AES-192/256 goes through pysnmp (`pysnmp_v3.py`). All
return plain `(oid, tag, value)` varbinds, so the walk and the metric mapping never know
which version they are reading.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import random

from netops.snmp import ber, usm
from netops.snmp.errors import SnmpAuthError, SnmpConfigError, SnmpProtocolError
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


class V3Agent:
    """What we know about one agent for one user: its engine (after discovery) and keys."""

    def __init__(self, user: usm.UsmUser) -> None:
        self.user = user
        self.engine: usm.Engine | None = None
        self.keys = usm.LocalKeys()
        self.lock = asyncio.Lock()


class V3Session:
    """SNMPv3 USM over the shared socket: discovery, time sync, digests and AES in usm.py."""

    def __init__(self, client: UdpClient, target: SnmpTarget, address: tuple[str, int], agent: V3Agent,
                 salts: "random.Random") -> None:
        self._client = client
        self._address = address
        self._agent = agent
        self._context = target.auth.context.encode()
        self._timeout = target.timeout
        self._retries = target.retries
        self._salts = salts

    async def _discover(self) -> None:
        agent = self._agent
        async with agent.lock:
            if agent.engine is not None:
                return
            msg_id = self._client.new_id()
            message = usm.encode_discovery(msg_id, ber.encode_pdu(ber.GET_REQUEST, msg_id, []))

            def accept(data: bytes) -> usm.Message | None:
                reply = usm.decode(data, None, None)
                return reply if reply.msg_id == msg_id else None

            reply = await self._client.exchange(self._address, message, msg_id, accept,
                                                timeout=self._timeout, retries=self._retries)
            if not reply.engine_id:
                raise SnmpAuthError(f"agent {self._address[0]}:{self._address[1]} did not reveal its engine id")
            agent.keys = usm.local_keys(agent.user, reply.engine_id)
            agent.engine = usm.Engine(reply.engine_id, reply.boots, reply.time)

    async def _request(self, pdu_type: int, oids: list[ber.Oid], max_repetitions: int = 0) -> list[ber.Varbind]:
        for attempt in range(3):
            if self._agent.engine is None:
                await self._discover()
            agent = self._agent
            engine = agent.engine
            assert engine is not None
            msg_id = self._client.new_id()
            pdu = ber.encode_pdu(pdu_type, msg_id, oids, 0, max_repetitions)
            message = usm.encode_request(msg_id, engine, agent.user, agent.keys, pdu, self._context,
                                         self._salts.getrandbits(64))
            def accept(data: bytes, msg_id: int = msg_id, user: usm.UsmUser = agent.user,
                       keys: usm.LocalKeys = agent.keys) -> usm.Message | None:
                reply = usm.decode(data, user, keys)
                if reply.msg_id != msg_id:
                    return None
                if reply.pdu_type == ber.RESPONSE and (reply.flags & user.flags) != user.flags:
                    return None  # a response must come at our security level
                return reply

            reply = await self._client.exchange(self._address, message, msg_id, accept,
                                                timeout=self._timeout, retries=self._retries)
            if reply.pdu_type == ber.REPORT:
                oid = reply.varbinds[0][0] if reply.varbinds else ()
                if oid == usm.NOT_IN_TIME_WINDOW and reply.flags & usm.FLAG_AUTH:
                    engine.sync(reply.boots, reply.time)  # authenticated: the agent's clock
                    continue
                if oid == usm.UNKNOWN_ENGINE_ID and attempt == 0:
                    agent.engine = None  # the agent was replaced or re-keyed: discover again
                    continue
                raise SnmpAuthError(f"SNMPv3 {reply.report} from {self._address[0]}:{self._address[1]}")
            if reply.error_status:
                raise SnmpProtocolError(
                    f"agent returned error-status {reply.error_status} at index {reply.error_index}",
                    status=reply.error_status,
                )
            return reply.varbinds
        raise SnmpAuthError(f"SNMPv3 time synchronisation with {self._address[0]}:{self._address[1]} failed")

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        return await self._request(ber.GET_REQUEST, oids)

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        return await self._request(ber.GET_BULK_REQUEST, oids, max_repetitions)


def _usm_user(target: SnmpTarget) -> usm.UsmUser:
    auth = target.auth
    return usm.UsmUser(
        name=(auth.username or "").encode(),
        auth=auth.auth_protocol,
        auth_password=auth.auth_key.get_secret_value().encode() if auth.auth_key else b"",
        priv=auth.priv_protocol,
        priv_password=auth.priv_key.get_secret_value().encode() if auth.priv_key else b"",
    )


class SnmpClient:
    """Owns the shared transports; hands out a session per target. One per process/loop."""

    def __init__(self) -> None:
        self.udp = UdpClient()
        self._v3_agents: dict[tuple, V3Agent] = {}
        self._salts = random.Random()
        self._pysnmp = None

    async def session(self, target: SnmpTarget) -> Session:
        address = await resolve(target.host, target.port)
        auth = target.auth
        if auth.version == "2c":
            return V2cSession(self.udp, target, address)
        if auth.priv_protocol in usm.NATIVE_PRIV:
            user = _usm_user(target)
            key = (address, user)
            agent = self._v3_agents.get(key)
            if agent is None:
                agent = self._v3_agents[key] = V3Agent(user)
            return V3Session(self.udp, target, address, agent, self._salts)
        if self._pysnmp is None:
            from netops.snmp.pysnmp_v3 import V3Engine  # pysnmp is imported only when needed

            self._pysnmp = V3Engine()
        return await self._pysnmp.session(target, address)

    def close(self) -> None:
        self.udp.close()
        if self._pysnmp is not None:
            self._pysnmp.close()
            self._pysnmp = None


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
