"""Benchmark of the monitoring side: generating targets, configs and lab recordings for
networks of 112, ~1,100 and ~10,500 devices, starting the SNMP lab, and how fast a
`lab set` becomes visible. Run: .venv/bin/python bench/monitor_lab.py [--quick]

Results go to stdout as a table (copy them into bench/README.md). Agents are on loopback
only; every process started here is stopped by PID.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netops.inventory import load_inventory  # noqa: E402
from netops.inventory.generate import write as generate  # noqa: E402
from netops.lab import snmp as snmp_lab  # noqa: E402
from netops.lab.snmp_recordings import LabNetwork, device_recording, render_snmprec  # noqa: E402
from netops.monitoring import PrometheusOptions, file_sd, prometheus_config, render_file_sd, render_yaml  # noqa: E402

LAB_ENV = {
    "NETOPS_SNMP_IN_AUTH": "bench-intranet-auth", "NETOPS_SNMP_IN_PRIV": "bench-intranet-priv",
    "NETOPS_SNMP_COMMUNITY": "bench-appliance",
}


def timed(func, repeat: int = 3):
    runs = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def generation(inv, label: str, rows: list) -> None:
    seconds, groups = timed(lambda: render_file_sd(file_sd(inv)))
    rows.append((f"file_sd JSON, {label}", f"{seconds * 1000:.0f} ms", f"{len(inv.devices)} targets, {len(groups) // 1024} KiB"))
    options = PrometheusOptions(shards=8, exporters=[f"127.0.0.{k}:9089" for k in range(1, 9)])
    seconds, _ = timed(lambda: [render_yaml(prometheus_config(options, k)) for k in range(8)])
    rows.append((f"prometheus.yml x 8 shards, {label}", f"{seconds * 1000:.1f} ms", "independent of network size"))

    def recordings():
        net = LabNetwork(inv)
        return sum(len(render_snmprec(device_recording(d, net))) for d in inv.devices.values())

    seconds, size = timed(recordings, repeat=1)
    rows.append((f"lab recordings, {label}", f"{seconds:.2f} s", f"{size / 1e6:.1f} MB of snmprec"))


def snmpget(endpoint: str, community: str, oid: str) -> str:
    out = subprocess.run(["snmpget", "-v2c", "-c", community, "-Oqv", "-t", "1", "-r", "0", endpoint, oid],
                         capture_output=True, text=True, timeout=10)
    return out.stdout.strip()


def lab_runs(inventory: Path, rows: list, processes: int) -> None:
    inv = load_inventory(inventory)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lab"
        start = time.perf_counter()
        state = snmp_lab.up(inv, root, processes=processes, timeout=600)
        up_seconds = time.perf_counter() - start
        try:
            rows.append((f"lab up, {len(state.agents)} agents, {processes} snmpsim process(es)",
                         f"{up_seconds:.1f} s", "until every agent answers a GET"))
            if processes == 1 and "in-core-1" in state.agents and shutil.which("snmpbulkwalk"):
                endpoint = state.agents["in-core-1"].endpoint
                walks = []
                count = 0
                for _ in range(3):
                    t = time.perf_counter()
                    out = subprocess.run(["snmpbulkwalk", "-v2c", "-c", state.community, "-Cr25", "-On", endpoint,
                                          "1.3.6.1.2.1.31.1.1.1"], capture_output=True, text=True, timeout=120)
                    walks.append(time.perf_counter() - t)
                    count = len(out.stdout.splitlines())
                median = statistics.median(walks)
                rows.append(("snmpbulkwalk ifXTable of in-core-1 (254 ports)", f"{median * 1000:.0f} ms",
                             f"{count} varbinds, {count / median:.0f} varbinds/s from snmpsim"))
            if "ups-1" in state.agents and shutil.which("snmpget"):
                endpoint = state.agents["ups-1"].endpoint
                latencies = []
                for new in ("on_battery", "normal", "low_battery", "normal", "on_battery", "normal"):
                    expected = {"on_battery": "5", "low_battery": "5", "normal": "3"}[new]
                    t = time.perf_counter()
                    snmp_lab.set_state(inv, root, "ups-1", new)
                    while snmpget(endpoint, state.community, "1.3.6.1.2.1.33.1.4.1.0") != expected:
                        time.sleep(0.01)
                    latencies.append(time.perf_counter() - t)
                rows.append(("lab set ups-1 -> agent serves the new state", f"{statistics.median(latencies) * 1000:.0f} ms",
                             f"median of {len(latencies)}, max {max(latencies) * 1000:.0f} ms"))
        finally:
            snmp_lab.down(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 10,500-device network and the big lab")
    args = parser.parse_args()
    os.environ.update(LAB_ENV)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        secrets = Path(tmp) / "secrets.yaml"
        secrets.write_text("snmp-ex-auth: bench-extranet-auth\nsnmp-ex-priv: bench-extranet-priv\n")
        secrets.chmod(0o600)
        os.environ["NETOPS_SECRETS_FILE"] = str(secrets)
        sample = load_inventory(ROOT / "inventory")
        generation(sample, "sample (112 devices)", rows)
        generate(Path(tmp) / "county", 12, 1008)
        generation(load_inventory(Path(tmp) / "county"), "12 towns / 1,008 villages", rows)
        if not args.quick:
            generate(Path(tmp) / "province", 120, 10000)
            generation(load_inventory(Path(tmp) / "province"), "120 towns / 10,000 villages", rows)
        lab_runs(ROOT / "inventory", rows, processes=1)
        lab_runs(ROOT / "inventory", rows, processes=2)
        if not args.quick:
            lab_runs(Path(tmp) / "county", rows, processes=2)
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement'.ljust(width)}  {'time':>9}  notes")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>9}  {note}")


if __name__ == "__main__":
    main()
