"""Benchmark: render every device of the generated 10,000-device network (goal: >= 5,000 configs/s).

Usage: .venv/bin/python bench/render.py [--towns 120] [--villages 10000] [--runs 3] [--inventory DIR]
Side by side in one run: netops' Renderer (compiled once, shared zone/credential contexts, the
line-safety finalize) and, as the anchor, the same templates and contexts in a stock Jinja2
Environment without the safety check or the dict fast path. Writing the files is timed apart.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import jinja2

from netops.inventory import load_inventory
from netops.inventory.generate import write
from netops.render import Renderer
from netops.render.context import build_context
from netops.render.environment import refuse, vlan_ranges, word
from netops.render.files import write_configs

GOAL = 5000


def stock_environment(directory: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(directory)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(vlan_ranges=vlan_ranges, word=word)
    env.globals["refuse"] = refuse
    return env


def time_netops(inventory, runs: int) -> tuple[list[float], int, list]:
    times, results = [], []
    for _ in range(runs):
        start = time.perf_counter()
        renderer = Renderer(inventory)  # includes building the shared caches; templates compile once
        results = renderer.render_many()
        times.append(time.perf_counter() - start)
    rendered = sum(r.status == "rendered" for r in results)
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed[:3]
    return times, rendered, results


def time_stock(inventory, runs: int) -> list[float]:
    renderer = Renderer(inventory)
    env = stock_environment(renderer.templates_dir)
    jobs = []
    for device in inventory.devices.values():
        try:
            jobs.append((device, renderer.template_for(device)))
        except Exception:
            continue
    times = []
    for _ in range(runs):
        cache = type(renderer._cache)(inventory, renderer._cache.secrets)
        start = time.perf_counter()
        for device, template in jobs:
            env.get_template(template).render(c=build_context(inventory, device, cache))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=120)
    parser.add_argument("--villages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inventory", type=Path, help="an existing inventory instead of generating one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.inventory
        if root is None:
            root = Path(tmp) / "inventory"
            write(root, towns=args.towns, villages=args.villages)
        inventory = load_inventory(root)
        times, rendered, results = time_netops(inventory, args.runs)
        stock = time_stock(inventory, args.runs)
        out = Path(tmp) / "configs"
        start = time.perf_counter()
        write_configs(results, out, with_secrets=False)
        write_time = time.perf_counter() - start

    best, median = min(times), statistics.median(times)
    print(f"render: {len(inventory.devices)} devices, {rendered} rendered "
          f"({len(inventory.devices) - rendered} skipped: Linux hosts and appliances)")
    print(f"  netops Renderer     median {median:.3f} s  best {best:.3f} s  -> {rendered / median:,.0f} configs/s "
          f"(best {rendered / best:,.0f}; goal >= {GOAL:,})")
    s_median = statistics.median(stock)
    print(f"  anchor: stock Jinja2 median {s_median:.3f} s -> {rendered / s_median:,.0f} configs/s "
          f"(same templates and contexts, no line-safety finalize, no dict fast path)")
    print(f"  writing {rendered} files: {write_time:.3f} s -> {rendered / write_time:,.0f} files/s")
    print("  " + ("meets" if rendered / median >= GOAL else "MISSES") + " the goal")


if __name__ == "__main__":
    main()
