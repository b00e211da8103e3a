"""`netops exporter`: snmp_exporter-style multi-target HTTP endpoint around `collect()`.

    /snmp?target=<device|host:port>&module=<profile,...>[&auth=<name>]   one device's metrics
    /metrics     the exporter's own health (scrape durations, errors, timeouts, in flight)
    /-/healthy   liveness;   /-/reload (POST)   re-read profiles, inventory and config

The HTTP layer (aiohttp, with TLS and basic auth from `--web.config.file`) is a thin
shell: it parses the query, asks the target map and the profile set, calls `collect`, and
renders text. A scrape is bounded by its deadline (the scrape timeout, or Prometheus's
header), by the per-scrape budget, and by a concurrency limit. A reload loads in a child
process, off the event loop, and swaps the new state in with one assignment.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from netops.errors import NetopsError
from netops.snmp.collector import collect
from netops.snmp.families import render_text
from netops.snmp.discovery import AUTO, Memory
from netops.snmp.exporter_names import MetricNames, with_names
from netops.snmp.profile import Profile, ProfileError, load_profiles
from netops.snmp.session import SnmpClient
from netops.snmp.targets import TargetError, TargetMap
from netops.stop_signal import stop_on_signals

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
        self.packets = Counter("netops_exporter_snmp_packets", "SNMP datagrams on the shared socket",
                               ["direction"], registry=r)
        self.bad_packets = Counter("netops_exporter_snmp_dropped_packets",
                                   "Received datagrams dropped: malformed or matching no request", ["reason"], registry=r)
        self.refused = Counter("netops_exporter_snmp_refused_messages",
                               "Datagrams refused by a security rule (RFC 3414 time window, unauthenticated "
                               "report after the engine id was pinned, engine id or security level mismatch)",
                               ["reason"], registry=r)
        self.reload_seconds = Gauge("netops_exporter_config_last_reload_duration_seconds",
                                    "How long the last reload took (loaded off the event loop)", registry=r)
        ProcessCollector(registry=r)


class Exporter:
    def __init__(
        self,
        load_state: Callable[[], ExporterState],
        *,
        concurrency: int = 64,
        scrape_timeout: float = 10.0,
        extra_collectors: Sequence[Collector] = (),
        web_config: Path | None = None,
    ) -> None:
        from netops.web.server import WebServer, application

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
        self._refused_seen: dict[str, int] = {}
        self._reloading: asyncio.Lock | None = None
        app = application()
        app.router.add_get("/snmp", self.scrape)
        app.router.add_get("/metrics", self.own_metrics)
        app.router.add_get("/-/healthy", self.healthy)
        app.router.add_route("*", "/-/reload", self.reload_endpoint)
        app.router.add_get("/", self.index)
        self._server = WebServer(app, web_config)

    @property
    def scheme(self) -> str:
        return self._server.scheme

    async def start(self, host: str = "127.0.0.1", port: int = 9089) -> tuple[str, int]:
        return await self._server.start(host, port)

    async def close(self) -> None:
        await self._server.close()
        self.client.close()

    async def reload(self) -> str | None:
        """Load profiles and targets off the event loop, then swap them in; on error keep the old.

        A `StateSource` loads in a child process, so parsing a large inventory neither holds
        the GIL against scrapes nor leaves its garbage in this process's heap.
        """
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            started = time.perf_counter()
            try:
                if isinstance(self._load_state, StateSource):
                    state = await _in_child_process(self._load_state)
                else:
                    state = await asyncio.to_thread(self._load_state)
            except (NetopsError, ProfileError, OSError) as exc:
                self.metrics.reload_ok.set(0)
                log.error("reload failed, keeping the previous configuration: %s", exc)
                return str(exc)
            self.state = state  # the one atomic swap: a scrape holds the old state or the new one
            self.memory = Memory()  # what was learnt of targets may not hold for the new config
            self.metrics.reload_ok.set(1)
            self.metrics.reload_time.set(time.time())
            self.metrics.reload_seconds.set(time.perf_counter() - started)
            log.info("reloaded: %d profiles, %d named targets", len(state.profiles), len(state.targets.names()))
            return None

    async def healthy(self, request: web.Request) -> web.Response:
        return web.Response(text="Healthy\n")

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=_INDEX, content_type="text/html", charset="utf-8")

    async def own_metrics(self, request: web.Request) -> web.Response:
        self._sync_transport_counters()
        return web.Response(body=generate_latest(self.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def reload_endpoint(self, request: web.Request) -> web.Response:
        if request.method not in ("POST", "PUT"):
            return web.Response(status=405, text="use POST\n")
        error = await self.reload()
        return web.Response(status=500, text=f"reload failed: {error}\n") if error else web.Response(text="reloaded\n")

    def _reject(self, reason: str, message: str) -> web.Response:
        self.metrics.errors.labels(reason).inc()
        return web.Response(status=400, text=message + "\n")

    def _profiles(self, state: ExporterState, names: list[str]) -> list[Profile] | str:
        unknown = [n for n in names if n not in state.profiles and n != AUTO]
        if unknown:
            return f"unknown module(s) {', '.join(unknown)}; known: {', '.join(sorted(state.profiles))}"
        return [state.profiles[n] for n in names if n != AUTO]

    def _deadline(self, request: web.Request) -> float:
        header = request.headers.get("X-Prometheus-Scrape-Timeout-Seconds")
        try:
            given = float(header) - TIMEOUT_OFFSET if header else self._scrape_timeout
        except ValueError:
            given = self._scrape_timeout
        return max(0.1, min(given, self._scrape_timeout))

    async def scrape(self, request: web.Request) -> web.Response:
        query = request.query
        name = query.get("target")
        if not name:
            return self._reject("target", "'target' parameter is missing")
        state = self.state
        try:
            target = state.targets.resolve(name, query.getall("auth", [None])[-1])
        except (TargetError, NetopsError) as exc:
            return self._reject("target", str(exc))
        modules = [m for value in query.getall("module", []) for m in value.split(",") if m]
        names = modules or list(target.profiles)
        if not names:
            return self._reject("module", f"no module given for {name!r} and it has no default profiles")
        profiles = self._profiles(state, names)
        if isinstance(profiles, str):
            return self._reject("module", profiles)
        if query.get("labels") in ("0", "false", "no"):
            target = target.model_copy(update={"labels": {}})
        deadline = self._deadline(request)
        started = time.perf_counter()
        self.metrics.waiting.inc()
        try:
            await asyncio.wait_for(self._slots.acquire(), deadline)
        except TimeoutError:
            self.metrics.scrapes.labels("busy").inc()
            return web.Response(status=503, text="exporter busy: no scrape slot within the scrape timeout\n")
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
        return web.Response(body=render_text(result.families).encode(), headers={"Content-Type": CONTENT_TYPE_LATEST})

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
        for reason, count in list(stats.refused.items()):
            before = self._refused_seen.get(reason, 0)
            if count > before:
                self.metrics.refused.labels(reason).inc(count - before)
                self._refused_seen[reason] = count


@dataclass(frozen=True)
class StateSource:
    """Where the exporter's state comes from; picklable, so a reload can run in a child process."""

    profile_dir: Path
    inventory_dir: Path | None
    config_path: Path | None
    lab: bool = False
    allow_any_target: bool = False
    metric_names: MetricNames = "netops"

    def __call__(self) -> ExporterState:
        from netops.snmp.targets import load_exporter_config

        profiles = with_names(load_profiles(self.profile_dir), self.metric_names)
        inventory = None
        if self.inventory_dir is not None:
            from netops.inventory import load_inventory

            inventory = load_inventory(self.inventory_dir)
        config = load_exporter_config(self.config_path)
        return ExporterState(profiles, TargetMap(inventory, config, lab=self.lab,
                                                 allow_any_target=self.allow_any_target))


class ReloadError(NetopsError):
    """Loading the new state failed; the message names the file and field."""


def _load_or_message(source: StateSource) -> ExporterState | str:
    """In the child: the state, or the error's message (exceptions need not be picklable)."""
    try:
        return source()
    except (NetopsError, ProfileError, OSError) as exc:
        return str(exc)


async def _in_child_process(source: StateSource) -> ExporterState:
    """Run `source()` in a fresh interpreter (spawned, not forked: this process has threads)."""
    # at low priority: the loader is background work, scrapes keep the CPU they had
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=os.nice, initargs=(10,))
    try:
        result = await asyncio.get_running_loop().run_in_executor(pool, _load_or_message, source)
    except BrokenProcessPool as exc:
        raise ReloadError(f"the loader process died: {exc}") from None
    finally:
        # joining the child (which frees a whole parsed inventory) must not hold the event loop
        await asyncio.to_thread(pool.shutdown, True)
    if isinstance(result, str):
        raise ReloadError(result)
    return result


def state_loader(profile_dir, inventory_dir, config_path, *, lab: bool,  # noqa: ANN001
                 allow_any_target: bool = False, metric_names: MetricNames = "netops") -> StateSource:
    """A function that (re)loads profiles (under netops' or snmp_exporter's metric names), the
    inventory (optional) and the exporter config."""
    return StateSource(Path(profile_dir), Path(inventory_dir) if inventory_dir is not None else None,
                       Path(config_path) if config_path is not None else None, lab, allow_any_target,
                       metric_names)


async def serve(exporter: Exporter, host: str, port: int, ready: Callable[[str, int], None] | None = None) -> None:
    """Run until cancelled (Ctrl-C / SIGTERM), reloading on SIGHUP."""
    import signal

    bound = await exporter.start(host, port)
    if ready:
        ready(*bound)
    loop = asyncio.get_running_loop()
    stop = stop_on_signals()
    reloads: set[asyncio.Task] = set()

    def on_hangup() -> None:
        task = asyncio.ensure_future(exporter.reload())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hangup)
    except (NotImplementedError, RuntimeError, AttributeError):
        pass
    try:
        await stop.wait()
    finally:
        for task in reloads:
            task.cancel()
        await exporter.close()


_INDEX = b"""<html><head><title>netops exporter</title></head><body>
<h1>netops SNMP exporter</h1>
<form action="/snmp"><label>Target <input name="target"></label>
<label>Modules <input name="module" placeholder="system,if_mib"></label>
<input type="submit" value="Scrape"></form>
<p><a href="/metrics">exporter metrics</a> &middot; <a href="/-/healthy">health</a></p>
</body></html>
"""
