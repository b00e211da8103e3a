"""SNMPv3 per RFC 3414, against a hostile test agent on loopback that forges what it may.

The agent (a UDP responder in a thread, written for these tests) holds the real keys for
its genuine answers and sends, beside them, what an attacker on the path could send:
unauthenticated Reports (wrongDigest, unknownEngineID, notInTimeWindow) and replayed,
authenticated answers from before the agent's clock. The client must take the genuine
answer, refuse the rest with a log line and a counted reason, and keep its pinned engine.
"""

from __future__ import annotations

import logging

import pytest

from netops.snmp import ber, usm
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.agents import UdpResponder
from tests.snmp.conftest import run

ENGINE_ID = bytes.fromhex("80001f8880aabbccddeeff0011")
EVIL_ENGINE_ID = bytes.fromhex("80001f888001020304")
USER = usm.UsmUser(b"netops", "SHA", b"auth-secret-1", "AES", b"priv-secret-1")
SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)
WRONG_DIGEST = usm._USM_STATS + (5, 0)  # noqa: SLF001


def _scoped(engine_id: bytes, pdu: bytes) -> bytes:
    return ber.encode_sequence(ber.encode_octets(engine_id), ber.encode_octets(b""), pdu)


def _pdu(pdu_type: int, request_id: int, varbinds: list[ber.Varbind]) -> bytes:
    body = b"".join(ber.encode_sequence(ber.encode_oid(oid), ber.encode_value(tag, value)) for oid, tag, value in varbinds)
    return ber._tlv(pdu_type, ber.encode_integer(request_id) + ber.encode_integer(0) + ber.encode_integer(0)  # noqa: SLF001
                    + ber.encode_sequence(body))


def unauthenticated_report(msg_id: int, engine_id: bytes, boots: int, engine_time: int, oid: ber.Oid) -> bytes:
    """What anyone on the path can send: a Report with no digest."""
    security = ber.encode_sequence(ber.encode_octets(engine_id), ber.encode_integer(boots),
                                   ber.encode_integer(engine_time), ber.encode_octets(b""),
                                   ber.encode_octets(b""), ber.encode_octets(b""))
    header = ber.encode_sequence(ber.encode_integer(msg_id), ber.encode_integer(65507), ber.encode_octets(b"\x00"),
                                 ber.encode_integer(3))
    pdu = _pdu(ber.REPORT, msg_id, [(oid, ber.COUNTER32, 1)])
    return ber.encode_sequence(ber.encode_integer(3), header, ber.encode_octets(security), _scoped(engine_id, pdu))


def authenticated(msg_id: int, request_id: int, boots: int, engine_time: int, pdu_type: int = ber.RESPONSE,
                  varbinds: list[ber.Varbind] | None = None) -> bytes:
    """An answer only the key holder can make, with the boots/time given."""
    keys = usm.local_keys(USER, ENGINE_ID)
    engine = usm.Engine(ENGINE_ID, boots, engine_time)
    varbinds = varbinds if varbinds is not None else [(SYS_NAME, ber.OCTET_STRING, b"genuine")]
    pdu = _pdu(pdu_type, request_id, varbinds)
    return usm.encode_request(msg_id, engine, USER, keys, pdu, b"", salt=99)


class V3HostileAgent:
    """A hostile test agent speaking USM. `script(request, n)` returns (delay, bytes) pairs."""

    def __init__(self, script) -> None:  # noqa: ANN001
        self.requests = 0
        self.keys = usm.local_keys(USER, ENGINE_ID)

        def reply(data: bytes):  # noqa: ANN202
            try:
                message = usm.decode(data, USER, self.keys)
            except ber.BerError:
                return None
            self.requests += 1
            if not message.flags & usm.FLAG_AUTH:  # discovery: the genuine agent's answer
                return unauthenticated_report(message.msg_id, ENGINE_ID, 5, 1000, usm.UNKNOWN_ENGINE_ID)
            return script(message, self.requests)

        self.responder = UdpResponder(reply)
        self.host, self.port = self.responder.host, self.responder.port

    def stop(self) -> None:
        self.responder.stop()


@pytest.fixture
def agent_factory():
    agents = []

    def start(script):  # noqa: ANN001, ANN202
        agent = V3HostileAgent(script)
        agents.append(agent)
        return agent

    yield start
    for agent in agents:
        agent.stop()


def _target(agent: V3HostileAgent, timeout: float = 0.6) -> SnmpTarget:
    return SnmpTarget(name="v3", host=agent.host, port=agent.port, timeout=timeout, retries=0,
                      auth=SnmpAuth(version="3", username="netops", auth_protocol="SHA", auth_key="auth-secret-1",
                                    priv_protocol="AES", priv_key="priv-secret-1"))


def _gets(agent: V3HostileAgent, count: int, timeout: float = 0.6):  # noqa: ANN202
    """`count` GETs of sysName.0 in one client: results (varbinds or the exception), stats, agent."""

    async def go():
        client = SnmpClient()
        out = []
        try:
            for _ in range(count):
                session = await client.session(_target(agent, timeout))
                try:
                    out.append(await session.get([SYS_NAME]))
                except Exception as exc:  # noqa: BLE001 - the test inspects it
                    out.append(exc)
            v3 = next(iter(client._v3_agents.values()))  # noqa: SLF001
            return out, client.udp.stats, v3
        finally:
            client.close()

    return run(go())


def test_replayed_answers_from_before_the_agents_clock_are_refused(agent_factory, caplog):
    """RFC 3414 3.2 step 7: authenticated, right digest, but boots or time in the past."""

    def script(message, n):  # noqa: ANN001, ANN202
        if n == 2:  # first authenticated request: genuine, pins the engine at boots 5, time 1000
            return authenticated(message.msg_id, message.request_id, 5, 1000)
        if n == 3:  # a replay from an earlier boot
            return authenticated(message.msg_id, message.request_id, 4, 5000)
        return authenticated(message.msg_id, message.request_id, 5, 10)  # 990 s before the agent's time

    agent = agent_factory(script)
    with caplog.at_level(logging.WARNING, logger="netops.snmp"):
        results, stats, v3 = _gets(agent, 3)
    assert results[0] == [(SYS_NAME, ber.OCTET_STRING, b"genuine")]
    assert all(isinstance(r, Exception) and "refused response" in str(r) for r in results[1:]), results
    assert stats.refused == {"v3_not_in_time_window": 2}
    assert "not_in_time_window" in caplog.text and "engine boots 4 is before the agent's 5" in caplog.text
    assert v3.engine.boots == 5 and v3.pinned


def test_later_boots_and_time_are_taken_as_rfc_3414_says(agent_factory):
    """Step 7b: an authentic message with a later boots/time updates our notion of the clock."""

    def script(message, n):  # noqa: ANN001, ANN202
        boots = 5 if n == 2 else 6  # the agent rebooted between the two requests
        return authenticated(message.msg_id, message.request_id, boots, 1000 if n == 2 else 3)

    results, stats, v3 = _gets(agent_factory(script), 2)
    assert all(isinstance(r, list) for r in results), results
    assert (v3.engine.boots, v3.engine.time) == (6, 3) and not stats.refused


def test_unauthenticated_reports_after_the_pin_are_ignored(agent_factory, caplog):
    """wrongDigest / unknownEngineID / notInTimeWindow with no digest: dropped, the genuine answer wins."""
    forged = [WRONG_DIGEST, usm.UNKNOWN_ENGINE_ID, usm.NOT_IN_TIME_WINDOW]

    def script(message, n):  # noqa: ANN001, ANN202
        genuine = authenticated(message.msg_id, message.request_id, 5, 1000 + n)
        if n == 2:
            return genuine
        oid = forged[(n - 3) % len(forged)]
        evil = unauthenticated_report(message.msg_id, EVIL_ENGINE_ID, 9, 99999, oid)
        return [(0.0, evil), (0.15, genuine)]  # the forgery arrives first

    agent = agent_factory(script)
    with caplog.at_level(logging.WARNING, logger="netops.snmp"):
        results, stats, v3 = _gets(agent, 4)
    assert all(isinstance(r, list) and r[0][2] == b"genuine" for r in results), results
    assert stats.refused == {"v3_unauthenticated_report": 3}
    assert v3.engine.engine_id == ENGINE_ID  # never re-keyed to the attacker's engine id
    assert agent.requests == 5  # one discovery, four requests: no re-discovery
    assert "unauthenticated report" in caplog.text


def test_before_the_pin_a_report_still_explains_a_wrong_key(agent_factory):
    """During discovery (nothing authenticated yet) the agent's wrongDigest report is the diagnosis."""

    def script(message, n):  # noqa: ANN001, ANN202
        return unauthenticated_report(message.msg_id, ENGINE_ID, 5, 1000, WRONG_DIGEST)

    results, stats, v3 = _gets(agent_factory(script), 1)
    assert "wrong digest" in str(results[0]) and not v3.pinned


def test_a_forged_discovery_cannot_lock_out_the_real_agent(agent_factory):
    """Discovery's boots/time are unauthenticated: the first authenticated answer sets the clock."""

    def script(message, n):  # noqa: ANN001, ANN202
        return authenticated(message.msg_id, message.request_id, 2, 50)  # far before discovery's 5/1000

    results, stats, v3 = _gets(agent_factory(script), 2)
    assert all(isinstance(r, list) for r in results), results
    assert (v3.engine.boots, v3.pinned) == (2, True) and not stats.refused


def test_refusals_are_exported_as_a_metric():
    from netops.snmp.exporter import ExporterMetrics

    metrics = ExporterMetrics()
    metrics.refused.labels("v3_not_in_time_window").inc()
    from prometheus_client import generate_latest

    assert b'netops_exporter_snmp_refused_messages_total{reason="v3_not_in_time_window"} 1.0' in \
        generate_latest(metrics.registry)


def test_engine_time_window_rules_directly():
    engine = usm.Engine(ENGINE_ID, 0, 0)
    assert engine.time_window_error(7, 500) is None and engine.trusted  # first authenticated: sets the clock
    assert engine.time_window_error(7, 400) is None  # within 150 s
    assert "before" in engine.time_window_error(7, 300)
    assert "boots 6" in engine.time_window_error(6, 10_000)
    assert engine.time_window_error(usm.MAX_BOOTS, 1) is not None  # latched: refuse everything
