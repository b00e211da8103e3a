"""`netops exporter`: snmp_exporter-style multi-target HTTP endpoint around `collect()`.

    /snmp?target=<device|host:port>&module=<profile,...>[&auth=<name>]   one device's metrics
    /metrics     the exporter's own health (scrape durations, errors, timeouts, in flight)
    /-/healthy   liveness;   /-/reload (POST)   re-read profiles, inventory and config

The HTTP layer is a thin shell: it parses the query, asks the target map and the profile
set, calls `collect`, and renders text. A scrape is bounded by the per-target timeout
and retries, by Prometheus's scrape timeout header, and by a concurrency limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from netops.errors import NetopsError
from netops.snmp.collector import collect
from netops.snmp.families import render_text
from netops.snmp.http import HttpServer, Request, Response
from netops.snmp.discovery import AUTO, Memory
from netops.snmp.profile import Profile, ProfileError, load_profiles
from netops.snmp.session import SnmpClient
from netops.snmp.targets import TargetError, TargetMap

log = logging.getLogger("netops.exporter")

TIMEOUT_OFFSET = 0.25  # leave Prometheus time to receive the answer before its own deadline


@dataclass
class ExporterState:
    """What a reload replaces atomically: profiles and the target map."""

    profiles: dict[str, Profile]
    targets: TargetMap


class ExporterMetrics:
    """The exporter's own health, in its own registry (no global state)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.duration = Histogram(
            "netops_exporter_scrape_duration_seconds", "Duration of /snmp scrapes", registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.scrapes = Counter("netops_exporter_scrapes", "SNMP scrapes by result", ["result"], registry=r)
        self.timeouts = Counter("netops_exporter_scrape_timeouts", "Scrapes that ended in an SNMP timeout", registry=r)
        self.errors = Counter("netops_exporter_request_errors", "Requests rejected before any SNMP (bad target or module)",
                              ["reason"], registry=r)
        self.in_flight = Gauge("netops_exporter_scrapes_in_flight", "Scrapes running now", registry=r)
        self.waiting = Gauge("netops_exporter_scrapes_waiting", "Scrapes waiting for a concurrency slot", registry=r)
        self.reload_ok = Gauge("netops_exporter_config_last_reload_successful", "1 if the last reload worked", registry=r)
        self.reload_time = Gauge("netops_exporter_config_last_reload_success_timestamp_seconds",
                                 "When the configuration was last loaded", registry=r)
        self.packets = Counter("netops_exporter_snmp_packets", "SNMP v2c datagrams", ["direction"], registry=r)
        self.bad_packets = Counter("netops_exporter_snmp_dropped_packets",
                                   "Received datagrams dropped: malformed or matching no request", ["reason"], registry=r)
        ProcessCollector(registry=r)


class Exporter:
    def __init__(
        self,
        load_state: Callable[[], ExporterState],
        *,
        concurrency: int = 64,
        scrape_timeout: float = 10.0,
        extra_collectors: Sequence[Collector] = (),
    ) -> None:
        self._load_state = load_state
        self.state = load_state()
        self.client = SnmpClient()
        self.memory = Memory()  # per target: profiles matched by sysObjectID, table sizes
        self.metrics = ExporterMetrics()
        # e.g. the last isolation audit's results, reread at every /metrics scrape
        for extra in extra_collectors:
            self.metrics.registry.register(extra)
        self.metrics.reload_ok.set(1)
        self.metrics.reload_time.set(time.time())
        self._slots = asyncio.Semaphore(concurrency)
        self._scrape_timeout = scrape_timeout
        self._seen = (0, 0, 0, 0)
        self._server = HttpServer(self.handle)

    async def start(self, host: str = "127.0.0.1", port: int = 9117) -> tuple[str, int]:
        return await self._server.start(host, port)

    async def close(self) -> None:
        await self._server.close()
        self.client.close()

    def reload(self) -> str | None:
        """Swap in freshly loaded profiles and targets; on error keep the old ones."""
        try:
            state = self._load_state()
        except (NetopsError, ProfileError, OSError) as exc:
            self.metrics.reload_ok.set(0)
            return str(exc)
        self.state = state
        self.memory = Memory()
        self.metrics.reload_ok.set(1)
        self.metrics.reload_time.set(time.time())
        return None

    async def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/snmp":
            if request.method not in ("GET", "HEAD"):
                return Response(405, b"use GET\n")
            return await self.scrape(request)
        if path == "/metrics":
            self._sync_transport_counters()
            return Response(200, generate_latest(self.metrics.registry), CONTENT_TYPE_LATEST)
        if path == "/-/healthy":
            return Response(200, b"Healthy\n")
        if path == "/-/reload":
            if request.method not in ("POST", "PUT"):
                return Response(405, b"use POST\n")
            error = self.reload()
            return Response(500, f"reload failed: {error}\n".encode()) if error else Response(200, b"reloaded\n")
        if path == "/":
            return Response(200, _INDEX, "text/html; charset=utf-8")
        return Response(404, b"not found\n")

    def _reject(self, reason: str, message: str) -> Response:
        self.metrics.errors.labels(reason).inc()
        return Response(400, (message + "\n").encode())

    def _profiles(self, names: list[str]) -> list[Profile] | str:
        unknown = [n for n in names if n not in self.state.profiles and n != AUTO]
        if unknown:
            return f"unknown module(s) {', '.join(unknown)}; known: {', '.join(sorted(self.state.profiles))}"
        return [self.state.profiles[n] for n in names if n != AUTO]

    def _deadline(self, request: Request) -> float:
        header = request.headers.get("x-prometheus-scrape-timeout-seconds")
        try:
            given = float(header) - TIMEOUT_OFFSET if header else self._scrape_timeout
        except ValueError:
            given = self._scrape_timeout
        return max(0.1, min(given, self._scrape_timeout))

    async def scrape(self, request: Request) -> Response:
        name = request.param("target")
        if not name:
            return self._reject("target", "'target' parameter is missing")
        state = self.state
        try:
            target = state.targets.resolve(name, request.param("auth"))
        except (TargetError, NetopsError) as exc:
            return self._reject("target", str(exc))
        modules = [m for value in request.query.get("module", []) for m in value.split(",") if m]
        names = modules or list(target.profiles)
        if not names:
            return self._reject("module", f"no module given for {name!r} and it has no default profiles")
        profiles = self._profiles(names)
        if isinstance(profiles, str):
            return self._reject("module", profiles)
        if request.param("labels") in ("0", "false", "no"):
            target = target.model_copy(update={"labels": {}})
        deadline = self._deadline(request)
        started = time.perf_counter()
        self.metrics.waiting.inc()
        try:
            await asyncio.wait_for(self._slots.acquire(), deadline)
        except TimeoutError:
            self.metrics.scrapes.labels("busy").inc()
            return Response(503, b"exporter busy: no scrape slot within the scrape timeout\n")
        finally:
            self.metrics.waiting.dec()
        self.metrics.in_flight.inc()
        try:
            left = deadline - (time.perf_counter() - started)
            result = await collect(self.client, target, profiles, deadline=left,
                                   catalog=state.profiles if AUTO in names else None,
                                   memory=self.memory.target(target.name))
        finally:
            self.metrics.in_flight.dec()
            self._slots.release()
        self.metrics.duration.observe(time.perf_counter() - started)
        self.metrics.scrapes.labels(result.reason or "ok").inc()
        if result.reason == "timeout":
            self.metrics.timeouts.inc()
        if not result.up:
            log.info("scrape of %s failed: %s", name, result.error)
        return Response(200, render_text(result.families).encode(), CONTENT_TYPE_LATEST)

    def _sync_transport_counters(self) -> None:
        stats = self.client.udp.stats
        now = (stats.sent, stats.received, stats.malformed, stats.unmatched)
        for (before, after), counter in zip(
            zip(self._seen, now),
            (self.metrics.packets.labels("sent"), self.metrics.packets.labels("received"),
             self.metrics.bad_packets.labels("malformed"), self.metrics.bad_packets.labels("unmatched")),
        ):
            if after > before:
                counter.inc(after - before)
        self._seen = now


def state_loader(profile_dir, inventory_dir, config_path, *, lab: bool) -> Callable[[], ExporterState]:  # noqa: ANN001
    """A function that (re)loads profiles, the inventory (optional) and the exporter config."""
    from netops.snmp.targets import load_exporter_config

    def load() -> ExporterState:
        profiles = load_profiles(profile_dir)
        inventory = None
        if inventory_dir is not None:
            from netops.inventory import load_inventory

            inventory = load_inventory(inventory_dir)
        config = load_exporter_config(config_path)
        return ExporterState(profiles, TargetMap(inventory, config, lab=lab))

    return load


async def serve(exporter: Exporter, host: str, port: int, ready: Callable[[str, int], None] | None = None) -> None:
    """Run until cancelled (Ctrl-C / SIGTERM), reloading on SIGHUP."""
    import signal

    bound = await exporter.start(host, port)
    if ready:
        ready(*bound)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        loop.add_signal_handler(signal.SIGHUP, lambda: exporter.reload())
    except (NotImplementedError, RuntimeError, AttributeError):
        pass
    try:
        await stop.wait()
    finally:
        await exporter.close()


_INDEX = b"""<html><head><title>netops exporter</title></head><body>
<h1>netops SNMP exporter</h1>
<form action="/snmp"><label>Target <input name="target"></label>
<label>Modules <input name="module" placeholder="system,if_mib"></label>
<input type="submit" value="Scrape"></form>
<p><a href="/metrics">exporter metrics</a> &middot; <a href="/-/healthy">health</a></p>
</body></html>
"""
