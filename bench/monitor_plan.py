"""Per-zone plan at province scale: each shard's exporter healthy fast and small.

Generates the largest network `netops inventory generate` writes (180 towns x 250 villages,
~45,500 devices; a 93,000-device province in 16 shards has the same shard size as this in 8),
splits its extranet
into shards by town (`monitoring.zones[].shards`), writes the plan (`netops monitor plan`),
then starts `netops exporter --config <largest shard>` and measures the time to /-/healthy
and its peak resident memory (VmHWM). The issue's goal: each shard under 2 s and 150 MiB
(one exporter holding the whole inventory took 16.6 s and 1.06-2.0 GiB).

    .venv/bin/python bench/monitor_plan.py --towns 180 --villages 45000 --shards 8
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

NETOPS = str(Path(sys.executable).with_name("netops"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=180)
    parser.add_argument("--villages", type=int, default=45000)
    parser.add_argument("--shards", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="netops-bench-plan-"))
    inventory = work / "inventory"
    subprocess.run([NETOPS, "inventory", "generate", "--out", str(inventory), "--towns", str(args.towns),
                    "--villages", str(args.villages)], check=True, capture_output=True)
    doc = {"monitoring": {"zones": [{"zone": z, "shard_by": "town", "shards": args.shards}
                                    for z in ("extranet",)]}}
    (inventory / "monitoring.yaml").write_text(yaml.safe_dump(doc))
    out = work / "plan"
    start = time.perf_counter()
    result = subprocess.run([NETOPS, "monitor", "plan", "-i", str(inventory), "--out", str(out), "--json"],
                            capture_output=True, text=True)
    plan_s = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        return 1
    plan = json.loads(result.stdout)
    total = sum(s["devices"] for z in plan["zones"] for s in z["shards"])
    shards = [(s["devices"], z["zone"], s["shard"]) for z in plan["zones"] for s in z["shards"]]
    devices, zone, shard = max(shards)
    config = out / zone / "exporter" / f"shard-{shard}.json"
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([NETOPS, "exporter", "--config", str(config), "--listen", f"127.0.0.1:{port}",
                             "--log-level", "warning"], cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/healthy", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    print(proc.stderr.read().decode())
                    return 1
                time.sleep(0.02)
        healthy_s = time.perf_counter() - started
        rss = peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    size = config.stat().st_size / 1024
    print(f"devices monitored: {total:,} in {len(shards)} shards over {len(plan['zones'])} zones")
    print(f"netops monitor plan: {plan_s:.1f} s (load + validate + write)")
    print(f"largest shard: {zone}/shard-{shard}, {devices:,} devices, exporter config {size:,.0f} KiB")
    print(f"exporter healthy after {healthy_s:.2f} s, peak RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
