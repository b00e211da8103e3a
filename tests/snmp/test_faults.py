"""Dead, slow, lying and garbage-speaking agents cost one bounded timeout, never a hang."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from netops.snmp import ber
from netops.snmp.collector import collect
from netops.snmp.errors import SnmpBudgetError
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from netops.snmp.walk import FetchPlan, fetch
from tests.snmp.agents import MiniAgent, UdpResponder
from tests.snmp.conftest import run

SYS = (1, 3, 6, 1, 2, 1, 1)
TABLE = {
    SYS + (3, 0): (ber.TIMETICKS, 12345),
    SYS + (5, 0): (ber.OCTET_STRING, b"mini"),
    **{(1, 3, 6, 1, 2, 1, 2, 2, 1, 8, i): (ber.INTEGER, 1) for i in range(1, 6)},
}


@pytest.fixture
def responder():
    started = []

    def start(reply):
        agent = UdpResponder(reply)
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.stop()


def target(agent, timeout=0.3, retries=1, community="public") -> SnmpTarget:
    return SnmpTarget(name="t", host=agent.host, port=agent.port, auth=SnmpAuth(community=community),
                      timeout=timeout, retries=retries)


def scrape(agent, profiles, names=("system",), **kw):
    async def go():
        client = SnmpClient()
        try:
            result = await collect(client, target(agent, **kw), [profiles[n] for n in names], deadline=10)
            return result, client.udp.stats, len(client.udp._pending)
        finally:
            client.close()

    return run(go())


def test_silent_agent_costs_one_bounded_timeout(responder, profiles):
    agent = responder(lambda data: None)
    result, _, pending = scrape(agent, profiles, timeout=0.2, retries=1)
    assert not result.up and result.reason == "timeout"
    assert 0.35 < result.duration < 0.9
    assert agent.requests >= 2  # the retry was sent
    assert pending == 0


def test_slow_agent_within_timeout_is_fine_beyond_it_times_out(responder, profiles):
    mini = MiniAgent(TABLE)
    slow = responder(lambda data: [(0.1, mini.answer(data))])
    result, _, _ = scrape(slow, profiles, timeout=0.5, retries=0)
    assert result.up, result.error
    too_slow = responder(lambda data: [(0.6, mini.answer(data))])
    result, _, _ = scrape(too_slow, profiles, timeout=0.2, retries=0)
    assert not result.up and result.reason == "timeout"


def test_late_answer_to_first_try_is_taken_by_the_retry(responder, profiles):
    mini = MiniAgent(TABLE)
    first = {"seen": False}

    def reply(data):
        if not first["seen"]:
            first["seen"] = True
            return [(0.3, mini.answer(data))]  # arrives during the second try
        return None

    result, _, _ = scrape(responder(reply), profiles, timeout=0.2, retries=1)
    assert result.up, result.error


@pytest.mark.parametrize("garbage", [
    lambda data: os.urandom(64),
    lambda data: b"\x30\x82\xff\xff" + data[4:],                    # length past the end
    lambda data: data[:-3],                                           # truncated echo
    lambda data: ber.encode_response(b"public", 1, []),               # valid, wrong request-id
    lambda data: ber.encode_response(b"other", ber.peek_message_id(data) or 0, []),  # wrong community
    lambda data: data,                                                # the request echoed back
])
def test_garbage_speaking_agent_is_a_timeout_not_a_crash(responder, profiles, garbage):
    agent = responder(garbage)
    result, stats, pending = scrape(agent, profiles, timeout=0.2, retries=0)
    assert not result.up and result.reason == "timeout"
    assert stats.malformed + stats.unmatched >= 1
    assert pending == 0


def test_malformed_then_valid_answer_is_accepted(responder, profiles):
    mini = MiniAgent(TABLE)
    agent = responder(lambda data: [(0, data[:-5]), (0.02, mini.answer(data))])
    result, stats, _ = scrape(agent, profiles, timeout=0.5, retries=0)
    assert result.up and stats.malformed + stats.unmatched >= 1


def test_agent_walking_backwards_ends_the_column_and_marks_its_module(responder, profiles):
    column = (1, 3, 6, 1, 2, 1, 2, 2, 1, 8)

    def reply(data):
        request = ber.decode_message(data)
        if request.pdu_type == ber.GET_REQUEST:
            return ber.encode_response(b"public", request.request_id,
                                       [(oid, ber.NO_SUCH_OBJECT, None) for oid, _, _ in request.varbinds])
        # always answers the same two rows, whatever was asked: a loop
        return ber.encode_response(b"public", request.request_id,
                                   [(column + (1,), ber.INTEGER, 1), (column + (2,), ber.INTEGER, 1)])

    result, _, _ = scrape(responder(reply), profiles, names=("if_mib",), timeout=0.5, retries=0)
    assert result.up
    assert any("out of order" in w for w in result.warnings)
    # not silently healthy: the looped column is left out and its module says so
    assert result.modules["if_mib"], result.modules
    module_up = result.family("snmp_scrape_module_up")
    assert [s.value for s in module_up.samples if dict(s.extra).get("module") == "if_mib"] == [0]


def test_endless_table_is_cut_by_the_varbind_budget(responder):
    column = (1, 3, 6, 1, 4, 1, 99, 1)
    counter = {"n": 0}

    def reply(data):
        request = ber.decode_message(data)
        rows = []
        for _ in range(request.error_index):
            counter["n"] += 1
            rows.append((column + (counter["n"],), ber.INTEGER, 7))
        return ber.encode_response(b"public", request.request_id, rows)

    agent = responder(reply)

    async def go():
        client = SnmpClient()
        try:
            session = await client.session(target(agent, timeout=1))
            await fetch(session, FetchPlan(columns=(column,)), max_varbinds=2000)
        finally:
            client.close()

    with pytest.raises(SnmpBudgetError, match="more than 2000 varbinds"):
        run(go())


def test_too_big_get_is_split(responder, profiles):
    mini = MiniAgent(TABLE)

    def reply(data):
        request = ber.decode_message(data)
        if request.pdu_type == ber.GET_REQUEST and len(request.varbinds) > 1:
            return ber.encode_response(b"public", request.request_id, [], error_status=1)  # tooBig
        return mini.answer(data)

    result, _, _ = scrape(responder(reply), profiles, timeout=0.5, retries=0)
    assert result.up, result.error
    assert result.family("sys_uptime_seconds").values()[0][1] == 123.45


def test_many_concurrent_scrapes_of_dead_and_live_agents(responder, profiles):
    mini = MiniAgent(TABLE)
    live = responder(mini.answer)
    dead = responder(lambda data: None)

    async def go():
        client = SnmpClient()
        try:
            # the live responder is a Python thread sharing this process's GIL: give it time
            jobs = [collect(client, target(live, timeout=3, retries=2) if i % 2 else target(dead, timeout=0.3, retries=0),
                            [profiles["system"], profiles["if_mib"]], deadline=20) for i in range(300)]
            started = time.perf_counter()
            results = await asyncio.gather(*jobs)
            return results, time.perf_counter() - started, len(client.udp._pending)
        finally:
            client.close()

    results, elapsed, pending = run(go())
    assert sum(r.up for r in results) == 150
    assert all(r.reason == "timeout" for r in results if not r.up)
    dead_durations = [r.duration for r in results if not r.up]
    assert max(dead_durations) < 10  # together (one after another: 150 x 0.3 s = 45 s), on a loaded machine
    assert elapsed < 20
    assert pending == 0


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_memory_stays_bounded_over_many_scrapes(responder, profiles):
    mini = MiniAgent(TABLE)
    live = responder(mini.answer)
    dead = responder(lambda data: os.urandom(40))

    async def rounds(client, n):
        for _ in range(n):
            await asyncio.gather(*[
                collect(client, target(live if i % 4 else dead, timeout=0.05, retries=0),
                        [profiles["system"], profiles["if_mib"]], deadline=2) for i in range(40)])

    async def go():
        client = SnmpClient()
        try:
            await rounds(client, 10)  # warm up allocator and caches
            before = _rss_kib()
            await rounds(client, 40)
            return before, _rss_kib(), len(client.udp._pending)
        finally:
            client.close()

    before, after, pending = run(go())
    assert pending == 0
    assert after - before < 8 * 1024, f"RSS grew by {after - before} KiB over 1,600 scrapes"


def test_bounds_are_never_retried_in_smaller_pieces():
    """Splitting a request that breached the budget or the deadline would multiply its cost."""
    from netops.snmp.errors import SnmpDeadlineError, SnmpProtocolError, SnmpTimeout
    from netops.snmp.walk import _retryable

    assert not _retryable(SnmpBudgetError("agent returned more than 5 varbinds in one scrape"), answered=3)
    assert not _retryable(SnmpDeadlineError("scrape deadline exceeded"), answered=3)
    assert _retryable(SnmpTimeout("no response"), answered=3)  # one request lost: split and retry
    assert _retryable(SnmpProtocolError("noSuchName", status=2), answered=0)
