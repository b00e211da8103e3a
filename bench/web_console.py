"""Page load of `netops web` on a generated 1,100-device county network (goal: under 1 s).

Starts the console in-process on loopback (no Prometheus: the status fetch is skipped, so this
measures rendering), logs in over HTTP, then times each page: the first topology load (Graphviz
layout, cached afterwards) and the median of warm loads.

    .venv/bin/python bench/web_console.py [--towns 12] [--villages 1036] [--runs 5]
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

import aiohttp
import bcrypt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netops.console.app import Console, build_app  # noqa: E402
from netops.console.users import User  # noqa: E402
from netops.inventory.load import load_inventory  # noqa: E402
from netops.web.server import WebServer  # noqa: E402

PAGES = ["/topology", "/villages", "/town/{town}", "/device/{device}", "/room", "/audit", "/history"]


async def bench(inv_dir: Path, runs: int) -> None:
    inv = load_inventory(inv_dir)
    town = next(s.name for s in inv.sites.values() if s.kind.value == "town")
    device = next(n for n, d in inv.devices.items() if d.role.value == "access_switch")
    user = User(name="eng", role="engineer", password=bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode())
    server = WebServer(build_app(Console(inventory=inv, users={"eng": user})))
    host, port = await server.start("127.0.0.1", 0)
    base = f"http://{host}:{port}"
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"{base}/login") as r:
                page = await r.text()
            token = page.split('name="csrf" value="')[1].split('"')[0]
            start = time.perf_counter()
            async with session.post(f"{base}/login", data={"csrf": token, "user": "eng", "password": "pw"}) as r:
                assert r.status == 200 and str(r.url).endswith("/topology"), r.status
            cold = time.perf_counter() - start
            print(f"network: {len(inv.devices)} devices, {len(inv.links)} cables")
            print(f"login + first topology (bcrypt + Graphviz layout, then cached): {cold * 1000:.0f} ms")
            print(f"{'page':<22} {'first':>9} {'median':>9} {'bytes':>9}")
            for path in PAGES:
                url = base + path.format(town=town, device=device)
                times = []
                for _ in range(runs + 1):
                    start = time.perf_counter()
                    async with session.get(url) as r:
                        body = await r.read()
                        assert r.status == 200, (url, r.status)
                    times.append(time.perf_counter() - start)
                print(f"{path:<22} {times[0] * 1000:>7.0f}ms {statistics.median(times[1:]) * 1000:>7.0f}ms {len(body):>9}")
    finally:
        await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--towns", type=int, default=12)
    parser.add_argument("--villages", type=int, default=1036)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(ROOT / ".venv" / "bin" / "netops"), "inventory", "generate", "-o", f"{tmp}/inv",
                        "--towns", str(args.towns), "--villages", str(args.villages)], check=True, stdout=subprocess.DEVNULL)
        asyncio.run(bench(Path(tmp) / "inv", args.runs))


if __name__ == "__main__":
    main()
