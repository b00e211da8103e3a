"""Benchmark: load + validate a generated 10,000-device inventory (goal: under 2 s on 2 cores).

Usage: .venv/bin/python bench/inventory.py [--towns 120] [--villages 10000] [--runs 5]
Prints the median and best wall time of `check_inventory` (read YAML and CSV, resolve groups
and device types, schema and semantic validation).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ["NETOPS_CACHE"] = "off"  # this measures parsing; bench/startup.py measures the cache

from netops.inventory import check_inventory  # noqa: E402
from netops.inventory.generate import write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=120)
    parser.add_argument("--villages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "inventory"
        write(root, towns=args.towns, villages=args.villages)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            inventory, problems = check_inventory(root)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        assert inventory is not None and not problems, problems[:5]
        print(f"inventory load+validate: {len(inventory.devices)} devices, {len(inventory.links)} cables, "
              f"{sum(len(d.interfaces) for d in inventory.devices.values())} interfaces")
        print(f"  median {statistics.median(times):.3f} s, best {min(times):.3f} s over {args.runs} runs "
              f"(goal < 2 s)")
        # CPU time of this process: what the figure would be on an idle machine (others share the cores)
        print(f"  CPU median {statistics.median(cpu):.3f} s, best {min(cpu):.3f} s")


if __name__ == "__main__":
    main()
