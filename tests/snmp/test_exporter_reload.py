"""A reload of a 10k-device inventory neither stalls scrapes nor leaves memory behind.

The inventory is generated (`netops inventory generate`, 40 towns, 9,900 villages); a
polite test agent on loopback is the scraped target. Latency is measured with and without
reloads running, and RSS before and after three reloads.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from netops.snmp.exporter import state_loader
from tests.snmp.agents import loopback_address
from tests.snmp.conftest import PROFILES, ExporterThread, parse_metrics
from tests.snmp.hostile_agents import POLITE, HostileAgent

NETOPS = Path(sys.executable).parent / "netops"


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.fixture(scope="module")
def big_inventory(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("inv10k") / "inventory"
    subprocess.run([str(NETOPS), "inventory", "generate", "-o", str(out), "--towns", "40", "--villages", "9900"],
                   check=True, capture_output=True, timeout=300)
    return out


def test_reload_runs_off_the_event_loop_and_gives_memory_back(big_inventory, tmp_path, monkeypatch):
    monkeypatch.setenv("NETOPS_RELOAD_TEST_COMMUNITY", "public")
    agent = HostileAgent(POLITE, loopback_address())
    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"v2": {"version": "2c", "community": {"env": "NETOPS_RELOAD_TEST_COMMUNITY"}}},
        "targets": {"fast": {"address": f"{agent.host}:{agent.port}", "auth": "v2"}},
    }))
    server = ExporterThread(state_loader(PROFILES, big_inventory, config, lab=False))
    try:
        assert len(server.exporter.state.targets.names()) > 10_000

        def scrape() -> float:
            time.sleep(0.01)  # a steady stream of scrapes, not a busy loop starving everything else
            started = time.perf_counter()
            status, body = server.get("/snmp?target=fast&module=system")
            assert status == 200 and parse_metrics(body)["snmp_up"][0][1] == 1
            return time.perf_counter() - started

        for _ in range(20):
            scrape()
        # one reload first: the allocator's pools for the new state are then in place
        started = time.perf_counter()
        assert server.get("/-/reload", method="POST", timeout=120)[0] == 200
        reload_seconds = time.perf_counter() - started
        quiet: list[float] = []
        while time.perf_counter() - started < 2 * reload_seconds:  # as long as one reload, quietly
            quiet.append(scrape())
        gc.collect()
        before = _rss_kib()
        during: list[float] = []
        for _ in range(3):
            outcome: list[int] = []
            thread = threading.Thread(target=lambda: outcome.append(
                server.get("/-/reload", method="POST", timeout=120)[0]))
            thread.start()
            while thread.is_alive():
                during.append(scrape())
            thread.join()
            assert outcome == [200]
        gc.collect()
        after = _rss_kib()
    finally:
        server.stop()
        agent.stop()

    q50, d50 = statistics.median(quiet), statistics.median(during)
    q99, d99 = _p99(quiet), _p99(during)
    report = (f"reload {reload_seconds:.1f} s; quiet: median {q50 * 1000:.1f} ms p99 {q99 * 1000:.1f} ms max "
              f"{max(quiet) * 1000:.0f} ms ({len(quiet)} scrapes); during reloads: median {d50 * 1000:.1f} ms p99 "
              f"{d99 * 1000:.1f} ms max {max(during) * 1000:.0f} ms ({len(during)}); "
              f"RSS {before // 1024} -> {after // 1024} MiB")
    print(report)
    assert len(during) >= 10, report  # scrapes kept being answered while each reload ran
    assert d50 <= 1.5 * q50 + 0.005, report  # before: every scrape waited 2.0-2.3 s per reload
    assert d99 <= 2 * q99 + 0.020, report
    assert after - before < 20 * 1024, report


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
