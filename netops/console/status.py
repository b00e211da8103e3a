"""Live state from each zone's Prometheus over its HTTP API: which devices are up, which
alerts fire, and a few room/UPS gauges. A Prometheus that does not answer is reported as such
and its devices stay "unknown": the console never paints green what it could not see."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

QUERIES = {
    "snmp_up": "snmp_up",
    "up": 'up{job!~"prometheus|netops.*"}',
    "alerts": 'ALERTS{alertstate="firing"}',
}
ROOM_QUERIES = {
    "ups_output_source": "ups_output_source == 1",
    "ups_battery_runtime_seconds": "ups_battery_runtime_seconds",
    "ups_battery_charge_ratio": "ups_battery_charge_ratio",
    "ups_output_load_ratio": "ups_output_load_ratio",
    "room_temperature_celsius": "room_temperature_celsius",
    "room_humidity_ratio": "room_humidity_ratio",
    "room_contact_alarm": "room_contact_alarm",
}


@dataclass
class LiveStatus:
    state: dict[str, str] = field(default_factory=dict)  # device -> up | down
    alerts: list[dict[str, str]] = field(default_factory=list)  # label sets of firing alerts
    series: dict[str, list[dict]] = field(default_factory=dict)  # room/UPS query -> results
    errors: dict[str, str] = field(default_factory=dict)  # Prometheus URL -> why it did not answer

    def of(self, device: str) -> str:
        return self.state.get(device, "unknown")

    def alerts_for(self, device: str) -> list[dict[str, str]]:
        return [a for a in self.alerts if a.get("device") == device or a.get("instance") == device]


async def _query(session: aiohttp.ClientSession, base: str, expr: str) -> list[dict]:
    async with session.get(f"{base.rstrip('/')}/api/v1/query", params={"query": expr}) as response:
        body = await response.json(content_type=None)
    if response.status != 200 or body.get("status") != "success":
        raise RuntimeError(body.get("error") or f"HTTP {response.status}")
    return body["data"]["result"]


def _device(metric: dict[str, str]) -> str | None:
    return metric.get("device") or metric.get("instance")


async def fetch_status(urls: list[str], *, room: bool = False, timeout: float = 3.0) -> LiveStatus:
    """Ask every Prometheus at once; a device is down when any source says so."""
    status = LiveStatus()
    queries = {**QUERIES, **(ROOM_QUERIES if room else {})}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async def one(url: str) -> None:
            try:
                results = await asyncio.gather(*(_query(session, url, q) for q in queries.values()))
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as exc:
                status.errors[url] = str(exc) or type(exc).__name__
                return
            by_name = dict(zip(queries, results))
            for name in ("up", "snmp_up"):
                for r in by_name[name]:
                    device = _device(r["metric"])
                    if device is None:
                        continue
                    value = "up" if r["value"][1] == "1" else "down"
                    if status.state.get(device) != "down":
                        status.state[device] = value
            status.alerts.extend(r["metric"] for r in by_name["alerts"])
            for name in ROOM_QUERIES if room else ():
                status.series.setdefault(name, []).extend(by_name[name])

        await asyncio.gather(*(one(u) for u in urls))
    return status


def plan_prometheus_urls(plan_dir: Path) -> dict[str, list[str]]:
    """Each zone's Prometheus servers (one per shard) from `netops monitor plan --out DIR`:
    DIR/<zone>/plan.json. Raises ValueError naming the file when one cannot be read."""
    urls: dict[str, list[str]] = {}
    files = sorted(plan_dir.glob("*/plan.json"))
    if not files:
        raise ValueError(f"{plan_dir}: no <zone>/plan.json (write one with `netops monitor plan --out {plan_dir}`)")
    for path in files:
        try:
            plan = json.loads(path.read_text(encoding="utf-8"))
            zone = str(plan["zone"])
            urls[zone] = [f"http://{shard['prometheus']}" for shard in plan["shards"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a zone plan ({exc})") from None
    return urls
