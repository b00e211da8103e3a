"""collect(target, profiles) -> metric families: the one function the exporter, the lab
checks and the live audit share. It never raises for a device problem: a dead, slow or
garbage-speaking agent yields `up = False`, a reason, and `snmp_up 0`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field

from netops.snmp import metrics
from netops.snmp.budget import ScrapeBudget
from netops.snmp.errors import SnmpError, SnmpTimeout
from netops.snmp.families import LabelSet, MetricFamily, Sample
from netops.snmp.profile import Profile
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpTarget
from netops.snmp.walk import Fetched, fetch


@dataclass
class ScrapeResult:
    target: str
    up: bool
    duration: float
    families: list[MetricFamily] = field(default_factory=list)
    reason: str | None = None  # timeout | auth | protocol | config | error
    error: str | None = None
    requests: int = 0
    varbinds: int = 0
    warnings: list[str] = field(default_factory=list)
    data: Fetched | None = None

    def family(self, name: str) -> MetricFamily | None:
        return next((f for f in self.families if f.name == name), None)


def _meta(result: ScrapeResult, base: LabelSet) -> list[MetricFamily]:
    return [
        MetricFamily("snmp_up", "gauge", "1 if the agent answered every request of this scrape, else 0",
                     [Sample(base, 1 if result.up else 0)]),
        MetricFamily("snmp_scrape_duration_seconds", "gauge", "Time this SNMP scrape took",
                     [Sample(base, round(result.duration, 6))]),
        MetricFamily("snmp_scrape_pdus", "gauge", "SNMP requests answered in this scrape",
                     [Sample(base, result.requests)]),
        MetricFamily("snmp_scrape_varbinds", "gauge", "Varbinds returned in this scrape",
                     [Sample(base, result.varbinds)]),
    ]


async def collect(
    client: SnmpClient,
    target: SnmpTarget,
    profiles: Sequence[Profile],
    *,
    deadline: float | None = None,
    keep_data: bool = False,
) -> ScrapeResult:
    """Read the profiles' OIDs from the target and map them to families, within `deadline` s.

    The deadline cancels whatever is in flight; the target's budget bounds what the agent
    can make the scrape hold (OID length, bytes, varbinds), so mapping stays cheap too.
    """
    labels = dict(target.labels)
    started = time.perf_counter()
    result = ScrapeResult(target.name, up=False, duration=0.0)
    budget = ScrapeBudget(target.budget, deadline_at=time.monotonic() + deadline if deadline is not None else None)
    try:
        async with asyncio.timeout(deadline):
            session = await client.session(target, budget)
            fetched = await fetch(
                session,
                metrics.plan(profiles),
                max_repetitions=target.max_repetitions,
                max_oids_per_request=target.max_oids_per_request,
                max_varbinds=target.budget.max_varbinds,
            )
        families = metrics.families(profiles, fetched.data, labels)
        result.up = True
        result.requests, result.varbinds, result.warnings = fetched.requests, fetched.varbinds, fetched.warnings
        result.families = families
        if keep_data:
            result.data = fetched.data
    except TimeoutError:
        result.reason, result.error = SnmpTimeout.reason, f"scrape deadline of {deadline:g}s exceeded"
    except SnmpError as exc:
        result.reason, result.error = exc.reason, str(exc)
    result.duration = time.perf_counter() - started
    result.families[:0] = _meta(result, LabelSet(labels))
    return result


async def collect_many(
    client: SnmpClient,
    jobs: Iterable[tuple[SnmpTarget, Sequence[Profile]]],
    *,
    concurrency: int = 100,
    deadline: float | None = None,
) -> AsyncIterator[ScrapeResult]:
    """Scrape many targets with at most `concurrency` in flight; yield results as they finish."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(target: SnmpTarget, profiles: Sequence[Profile]) -> ScrapeResult:
        async with semaphore:
            return await collect(client, target, profiles, deadline=deadline)

    tasks = [asyncio.ensure_future(one(t, p)) for t, p in jobs]
    try:
        for done in asyncio.as_completed(tasks):
            yield await done
    finally:
        for task in tasks:
            task.cancel()

