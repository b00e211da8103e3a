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
from netops.snmp.budget import ScrapeBudget
from netops.snmp.errors import SnmpAuthError, SnmpConfigError, SnmpProtocolError
from netops.snmp.target import SnmpTarget
from netops.snmp.transport import Refused, UdpClient, parse_address


class Session(Protocol):
    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]: ...

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]: ...


class V2cSession:
    def __init__(self, client: UdpClient, target: SnmpTarget, address: tuple[str, int],
                 budget: ScrapeBudget | None = None) -> None:
        self._client = client
        self._address = address
        self._community = target.auth.community.get_secret_value().encode()  # type: ignore[union-attr]
        self._timeout = target.timeout
        self._retries = target.retries
        self._budget = budget

    async def _request(self, pdu_type: int, oids: list[ber.Oid], max_repetitions: int = 0) -> list[ber.Varbind]:
        response = await self._client.request(
            self._address, self._community, pdu_type, oids, max_repetitions=max_repetitions,
            timeout=self._timeout, retries=self._retries, budget=self._budget,
        )
        return _charged(self._budget, response.varbinds)

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        return await self._request(ber.GET_REQUEST, oids)

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        return await self._request(ber.GET_BULK_REQUEST, oids, max_repetitions)


def _charged(budget: ScrapeBudget | None, varbinds: list[ber.Varbind]) -> list[ber.Varbind]:
    if budget is not None:
        if budget.max_oid_length < ber.MAX_OID_LENGTH:
            budget.check_varbinds(varbinds)
        else:
            budget.charge_varbinds(len(varbinds))
    return varbinds


class V3Agent:
    """What we know about one agent for one user: its engine (after discovery) and keys.

    The engine id is pinned by the first authenticated message from the agent; after that
    no unauthenticated message can change it, its clock or abort a request.
    """

    def __init__(self, user: usm.UsmUser) -> None:
        self.user = user
        self.engine: usm.Engine | None = None
        self.keys = usm.LocalKeys()
        self.lock = asyncio.Lock()

    @property
    def pinned(self) -> bool:
        return self.engine is not None and self.engine.trusted


class V3Session:
    """SNMPv3 USM over the shared socket: discovery, time sync, digests and AES in usm.py.

    RFC 3414 rules applied to every message received (refusals are counted and logged by
    the transport, and the request keeps waiting for a genuine answer):
    - an authenticated message must come from the discovered engine id and fall inside the
      time window (3.2 step 7); the first one pins the engine;
    - an unauthenticated Report is taken only during discovery, before the pin (an
      attacker could otherwise abort scrapes or make us re-key to an engine id of their
      choosing, and so gain digests to attack the password offline).
    """

    def __init__(self, client: UdpClient, target: SnmpTarget, address: tuple[str, int], agent: V3Agent,
                 salts: "random.Random", budget: ScrapeBudget | None = None) -> None:
        self._client = client
        self._address = address
        self._agent = agent
        self._context = target.auth.context.encode()
        self._timeout = target.timeout
        self._retries = target.retries
        self._salts = salts
        self._budget = budget

    def _where(self) -> str:
        return f"{self._address[0]}:{self._address[1]}"

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

            reply = await self._client.exchange(self._address, message, msg_id, accept, timeout=self._timeout,
                                                retries=self._retries, budget=self._budget)
            if not reply.engine_id:
                raise SnmpAuthError(f"agent {self._where()} did not reveal its engine id")
            agent.keys = usm.local_keys(agent.user, reply.engine_id)
            agent.engine = usm.Engine(reply.engine_id, reply.boots, reply.time)

    def _accept(self, data: bytes, msg_id: int, engine: usm.Engine) -> usm.Message | None:
        agent = self._agent
        user = agent.user
        reply = usm.decode(data, user, agent.keys)
        if reply.msg_id != msg_id:
            return None
        authenticated = bool(reply.flags & usm.FLAG_AUTH)
        if not authenticated and user.auth:
            if reply.pdu_type != ber.REPORT:
                raise Refused("v3_security_level", "a response below the user's security level")
            if agent.pinned:
                raise Refused("v3_unauthenticated_report", f"unauthenticated report ({reply.report}) "
                              "after the engine id was pinned")
            return reply
        if reply.pdu_type == ber.RESPONSE and (reply.flags & user.flags) != user.flags:
            raise Refused("v3_security_level", "a response below the user's security level")
        if authenticated:
            if reply.engine_id != engine.engine_id:
                raise Refused("v3_engine_id", f"authenticated message from engine id {reply.engine_id.hex()} "
                              f"instead of {engine.engine_id.hex()}")
            problem = engine.time_window_error(reply.boots, reply.time)
            if problem:
                raise Refused("v3_not_in_time_window", problem)
        return reply

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

            def accept(data: bytes, msg_id: int = msg_id, engine: usm.Engine = engine) -> usm.Message | None:
                return self._accept(data, msg_id, engine)

            reply = await self._client.exchange(self._address, message, msg_id, accept, timeout=self._timeout,
                                                retries=self._retries, budget=self._budget)
            if reply.pdu_type == ber.REPORT:
                oid = reply.varbinds[0][0] if reply.varbinds else ()
                if oid == usm.NOT_IN_TIME_WINDOW and reply.flags & usm.FLAG_AUTH:
                    continue  # authenticated: accept() has synced our notion of the agent's clock
                if oid == usm.UNKNOWN_ENGINE_ID and attempt == 0 and not agent.pinned:
                    agent.engine = None  # not yet confirmed by an authenticated message: discover again
                    continue
                raise SnmpAuthError(f"SNMPv3 {reply.report} from {self._where()}")
            if reply.error_status:
                raise SnmpProtocolError(
                    f"agent returned error-status {reply.error_status} at index {reply.error_index}",
                    status=reply.error_status,
                )
            return _charged(self._budget, reply.varbinds)
        raise SnmpAuthError(f"SNMPv3 time synchronisation with {self._where()} failed")

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        return await self._request(ber.GET_REQUEST, oids)

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        return await self._request(ber.GET_BULK_REQUEST, oids, max_repetitions)


class _BudgetedSession:
    """A session decoded elsewhere (pysnmp), held to the same OID-length and varbind limits."""

    def __init__(self, inner: Session, budget: ScrapeBudget) -> None:
        self._inner = inner
        self._budget = budget

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        varbinds = await self._inner.get(oids)
        self._budget.check_varbinds(varbinds)
        return varbinds

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        varbinds = await self._inner.bulk(oids, max_repetitions)
        self._budget.check_varbinds(varbinds)
        return varbinds


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
    """Owns the shared transports; hands out a session per target. One per process/loop.

    `socket_factory` makes the sockets, e.g. inside a network namespace (see netns.py).
    """

    def __init__(self, socket_factory=None) -> None:  # noqa: ANN001
        self.udp = UdpClient(socket_factory=socket_factory)
        self._netns = socket_factory is not None
        self._v3_agents: dict[tuple, V3Agent] = {}
        self._salts = random.Random()
        self._pysnmp = None

    async def session(self, target: SnmpTarget, budget: ScrapeBudget | None = None) -> Session:
        """A session for one scrape; every response it accepts is charged to `budget`."""
        address = await resolve(target.host, target.port)
        auth = target.auth
        if auth.version == "2c":
            return V2cSession(self.udp, target, address, budget)
        if auth.priv_protocol in usm.NATIVE_PRIV:
            user = _usm_user(target)
            key = (address, user)
            agent = self._v3_agents.get(key)
            if agent is None:
                agent = self._v3_agents[key] = V3Agent(user)
            return V3Session(self.udp, target, address, agent, self._salts, budget)
        if self._netns:
            raise SnmpConfigError(f"SNMPv3 privacy {auth.priv_protocol} is not available inside a network "
                                  "namespace (netops speaks AES-128 itself; DES and AES-192/256 need pysnmp)")
        if self._pysnmp is None:
            from netops.snmp.pysnmp_v3 import V3Engine  # pysnmp is imported only when needed

            self._pysnmp = V3Engine()
        session = await self._pysnmp.session(target, address)
        return _BudgetedSession(session, budget) if budget is not None else session

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
