"""The exporter cannot be turned against itself: hostile test agents vs the per-scrape bounds.

Every hostile test agent (tests/snmp/hostile_agents.py, real UDP agents in their own
processes) gets scraped with a deadline shorter than the per-request timeouts, so only the
deadline and the budget can end the scrape. Each scrape must return within deadline + 0.2 s
and the exporter's RSS (sampled during the scrapes) may grow by less than 50 MB.
"""

from __future__ import annotations

import asyncio
import gc
import time

import pytest
import yaml

from netops.snmp import ber
from netops.snmp.collector import collect
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.agents import loopback_address
from tests.snmp.conftest import PROFILES, ExporterThread, parse_metrics, run
from tests.snmp.hostile_agents import KINDS, HostileAgent

DEADLINE = 2.0
SLACK = 0.2
RSS_LIMIT_KIB = 50 * 1024


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.fixture
def hostile():
    started: list[HostileAgent] = []

    def start(kind: str) -> HostileAgent:
        agent = HostileAgent(kind, loopback_address())
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.stop()


def _target(agent: HostileAgent) -> SnmpTarget:
    # per-request timeouts far beyond the deadline: only the deadline may end a silent scrape
    return SnmpTarget(name=agent.kind, host=agent.host, port=agent.port, auth=SnmpAuth(community="public"),
                      timeout=5, retries=3)


@pytest.mark.parametrize("kind", KINDS)
def test_each_hostile_agent_costs_at_most_the_deadline_and_bounded_memory(hostile, profiles, kind):
    agent = hostile(kind)
    modules = [profiles["system"], profiles["if_mib"]]

    async def go():
        client = SnmpClient()
        peak = _rss_kib()
        stop = asyncio.Event()

        async def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _rss_kib())
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        durations, results = [], []
        try:
            for _ in range(3):
                started = time.perf_counter()
                result = await collect(client, _target(agent), modules, deadline=DEADLINE)
                durations.append(time.perf_counter() - started)
                results.append(result)
        finally:
            stop.set()
            await sampler
            client.close()
        return durations, results, peak

    gc.collect()
    before = _rss_kib()
    durations, results, peak = run(go())
    assert max(durations) <= DEADLINE + SLACK, f"{kind}: scrapes took {durations}"
    assert peak - before < RSS_LIMIT_KIB, f"{kind}: RSS grew by {(peak - before) // 1024} MiB"
    for result in results:
        assert not result.up, f"{kind}: a hostile agent's scrape must not count as up"
        assert result.reason in ("timeout", "budget", "protocol"), (kind, result.reason, result.error)


def test_growing_oids_end_at_128_sub_identifiers_with_a_reason(hostile, profiles):
    agent = hostile("growing-oid")

    async def go():
        client = SnmpClient()
        try:
            target = _target(agent).model_copy(update={"timeout": 0.5, "retries": 0})
            return await collect(client, target, [profiles["if_mib"]], deadline=DEADLINE)
        finally:
            client.close()

    result = run(go())
    assert not result.up
    # a budget breach after the one request's timeout (0.5 s, the over-long answer is dropped
    # so that a forger cannot end a scrape early), never retried in smaller pieces
    assert result.reason == "budget" and "128 sub-identifiers" in (result.error or ""), result.error
    assert result.duration < 0.5 + 0.4, result.duration


def test_endless_rows_hit_the_varbind_budget(hostile, profiles):
    agent = hostile("endless-rows")

    async def go():
        client = SnmpClient()
        try:
            target = _target(agent).model_copy(update={"budget": {"max_varbinds": 5000}})
            target = SnmpTarget.model_validate(target.model_dump() | {"auth": target.auth})
            return await collect(client, target, [profiles["if_mib"]], deadline=10)
        finally:
            client.close()

    result = run(go())
    assert result.reason == "budget" and "5000 varbinds" in (result.error or "")
    assert result.duration < 5


def test_the_decoder_refuses_what_the_rfcs_forbid():
    long_oid = (1, 3) + (1,) * 127  # 129 sub-identifiers
    message = ber.encode_response(b"public", 7, [(long_oid, ber.INTEGER, 1)])
    with pytest.raises(ber.BerError, match="128 sub-identifiers"):
        ber.decode_message(message)
    ok = ber.encode_response(b"public", 7, [((1, 3) + (1,) * 126, ber.COUNTER64, 2**64 - 1)])
    assert ber.decode_message(ok).varbinds[0][2] == 2**64 - 1
    huge = ber.encode_response(b"public", 7, [((1, 3, 6), ber.COUNTER64, 2**200)])
    with pytest.raises(ber.BerError, match="64 bits"):
        ber.decode_message(huge)
    sub = ber.encode_response(b"public", 7, [((1, 3, 2**40), ber.INTEGER, 1)])
    with pytest.raises(ber.BerError, match="2\\^32-1"):
        ber.decode_message(sub)


def test_exporter_answers_within_the_prometheus_deadline_under_hostile_agents(hostile, tmp_path, monkeypatch):
    """Through HTTP: the growing-OID and flood agents as static targets of the config."""
    monkeypatch.setenv("NETOPS_HOSTILE_COMMUNITY", "public")
    agents = {kind: hostile(kind) for kind in ("growing-oid", "flood", "endless-rows")}
    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"v2": {"version": "2c", "community": {"env": "NETOPS_HOSTILE_COMMUNITY"}}},
        "defaults": {"timeout": 5, "retries": 3},
        "targets": {kind: {"address": f"{a.host}:{a.port}", "auth": "v2"} for kind, a in agents.items()},
    }))
    from netops.snmp.exporter import state_loader

    server = ExporterThread(state_loader(PROFILES, None, config, lab=False))
    try:
        for kind in agents:
            started = time.perf_counter()
            status, body = server.get(f"/snmp?target={kind}&module=system,if_mib",
                                      headers={"X-Prometheus-Scrape-Timeout-Seconds": "2"})
            elapsed = time.perf_counter() - started
            assert status == 200 and parse_metrics(body)["snmp_up"][0][1] == 0
            assert elapsed <= 2 - 0.25 + SLACK + 0.1, f"{kind}: {elapsed:.2f}s"  # + HTTP round trip
    finally:
        server.stop()
