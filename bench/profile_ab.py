#!/usr/bin/env python3
"""What a profile change costs one agent: the profile at a git revision (A) against the
working tree's (B), scraping the same real recording served by snmpsim, in one run.

Rounds alternate A/B (the order swaps every round); each scrape starts cold (no target
memory), as a first scrape does. Reported: median and p90 latency, requests and varbinds
per scrape (the collector's own counts) and the samples exported.

    .venv/bin/python bench/profile_ab.py --recording apc_galaxy_vs --profile apc_powernet_ups \\
        [--base c92eabf] [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netops.snmp.collector import collect  # noqa: E402
from netops.snmp.profile import Profile, load_profile, parse_profile  # noqa: E402
from netops.snmp.session import SnmpClient  # noqa: E402
from netops.snmp.target import SnmpAuth, SnmpTarget  # noqa: E402
from tests.snmp.agents import Snmpsim  # noqa: E402

RECORDINGS = ROOT / "tests" / "data" / "snmp-recordings"


def profile_at(rev: str, name: str) -> Profile:
    path = f"monitors/profiles/{name}.yaml"
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return parse_profile(text, path)


async def rounds(target: SnmpTarget, versions: dict[str, Profile], count: int) -> dict[str, dict]:
    out = {name: {"seconds": [], "requests": 0, "varbinds": 0, "samples": 0} for name in versions}
    client = SnmpClient()
    try:
        for i in range(count):
            order = list(versions) if i % 2 == 0 else list(reversed(versions))
            for name in order:
                started = time.perf_counter()
                result = await collect(client, target, [versions[name]], deadline=30)
                elapsed = time.perf_counter() - started
                if not result.up:
                    raise SystemExit(f"{name}: scrape failed: {result.error}")
                row = out[name]
                row["seconds"].append(elapsed)
                row["requests"], row["varbinds"] = result.requests, result.varbinds
                row["samples"] = sum(len(f.samples) for f in result.families)
    finally:
        client.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recording", required=True, help="stem of a file in tests/data/snmp-recordings")
    parser.add_argument("--profile", required=True, help="profile name (monitors/profiles/NAME.yaml)")
    parser.add_argument("--base", default="HEAD", help="git revision of version A (default HEAD)")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    recording = RECORDINGS / f"{args.recording}.snmprec"
    if not recording.exists():
        print(f"no recording {recording}", file=sys.stderr)
        return 2
    versions = {f"A {args.base}": profile_at(args.base, args.profile),
                "B working tree": load_profile(ROOT / "monitors" / "profiles" / f"{args.profile}.yaml")}
    sim = Snmpsim.serving([recording], Path(tempfile.mkdtemp(prefix="profile-ab-")), ready_community=args.recording)
    try:
        target = SnmpTarget(name=args.recording, host=sim.host, port=sim.port,
                            auth=SnmpAuth(community=args.recording), timeout=5, retries=1)
        out = asyncio.run(rounds(target, versions, args.rounds))
    finally:
        sim.stop()
    print(f"| version | median ms | p90 ms | requests | varbinds | samples |  ({args.recording}, {args.profile}, "
          f"{args.rounds} alternating rounds)")
    print("|---|---|---|---|---|---|")
    for name, row in out.items():
        seconds = sorted(row["seconds"])
        p90 = seconds[int(0.9 * (len(seconds) - 1))]
        print(f"| {name} | {statistics.median(seconds) * 1000:.2f} | {p90 * 1000:.2f} | {row['requests']} "
              f"| {row['varbinds']} | {row['samples']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
