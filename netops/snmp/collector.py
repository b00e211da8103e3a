"""collect(target, profiles) -> metric families: the one function the exporter, the lab
checks and the live audit share. It never raises for a device problem: a dead, slow or
garbage-speaking agent yields `up = False`, a reason, and `snmp_up 0`.

A scrape is partial rather than all-or-nothing: an object the agent refuses leaves out
only what depends on it, and `snmp_scrape_module_up{module}` says which profile is
incomplete. With a catalog (module `auto`) the device's sysObjectID and probe OIDs add the
profiles that fit it; a device whose role expects power or environment data that no
profile decodes gets `snmp_profile_matched 0` and a warning, never a silent `up`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from netops.snmp import ber, metrics
from netops.snmp.budget import ScrapeBudget
from netops.snmp.defaults import expected_domains
from netops.snmp.discovery import TargetMemory, identify, matching, probes
from netops.snmp.errors import SnmpError, SnmpTimeout
from netops.snmp.families import LabelSet, MetricFamily, Sample
from netops.snmp.profile import Profile
from netops.snmp.session import Session, SnmpClient
from netops.snmp.target import SnmpTarget
from netops.snmp.walk import Fetched, FetchResult, fetch


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
    modules: dict[str, list[str]] = field(default_factory=dict)  # profile -> failed objects
    matched: list[str] = field(default_factory=list)  # profiles added by sysObjectID/probe
    sys_object_id: str | None = None
    profile_matched: bool | None = None  # None: the role expects nothing in particular

    def family(self, name: str) -> MetricFamily | None:
        return next((f for f in self.families if f.name == name), None)


def _meta(result: ScrapeResult, base: LabelSet) -> list[MetricFamily]:
    families = [
        MetricFamily("snmp_up", "gauge",
                     "1 if the agent answered this scrape, else 0 (snmp_scrape_module_up: which parts)",
                     [Sample(base, 1 if result.up else 0)]),
        MetricFamily("snmp_scrape_duration_seconds", "gauge", "Time this SNMP scrape took",
                     [Sample(base, round(result.duration, 6))]),
        MetricFamily("snmp_scrape_pdus", "gauge", "SNMP requests answered in this scrape",
                     [Sample(base, result.requests)]),
        MetricFamily("snmp_scrape_varbinds", "gauge", "Varbinds returned in this scrape",
                     [Sample(base, result.varbinds)]),
    ]
    if result.up:
        families.append(MetricFamily(
            "snmp_scrape_module_up", "gauge",
            "1 if every object of the module (profile) was answered, 0 if some were refused and left out",
            [Sample(base, 0 if failed else 1, (("module", name),)) for name, failed in result.modules.items()]))
        families.append(MetricFamily(
            "snmp_scrape_module_failed_objects", "gauge",
            "Objects or columns of the module the agent refused or did not answer in this scrape",
            [Sample(base, len(failed), (("module", name),)) for name, failed in result.modules.items()]))
    if result.profile_matched is not None:
        families.append(MetricFamily(
            "snmp_profile_matched", "gauge",
            "1 if a profile decoded the data this device's role expects (power, environment), else 0",
            [Sample(base, 1 if result.profile_matched else 0)]))
    return families


def resolve_modules(names: Sequence[str], catalog: Mapping[str, Profile]) -> tuple[list[Profile], bool]:
    """Profiles named (in order) and whether `auto` (match by sysObjectID/probe) was asked for."""
    from netops.snmp.discovery import AUTO

    return [catalog[n] for n in names if n != AUTO], AUTO in names


async def _matched(session: Session, catalog: Mapping[str, Profile], memory: TargetMemory | None,
                   result: ScrapeResult) -> list[str]:
    if memory is None:
        identity = await identify(session, probes(catalog))
        names, oid = matching(catalog, identity), identity.sys_object_id
    else:
        async with memory.lock:
            if not memory.fresh():
                identity = await identify(session, probes(catalog))
                memory.matched, memory.sys_object_id = tuple(matching(catalog, identity)), identity.sys_object_id
                memory.matched_at = time.monotonic()
        names, oid = list(memory.matched or ()), memory.sys_object_id
    result.sys_object_id = ber.format_oid(oid) if oid else None
    return names


def _merge(first: FetchResult, second: FetchResult) -> FetchResult:
    for oid, cells in second.data.items():
        first.data.setdefault(oid, {}).update(cells)
    first.requests += second.requests
    first.varbinds += second.varbinds
    first.warnings += second.warnings
    first.failed.update(second.failed)
    return first


def _module_health(profiles: Sequence[Profile], failed: Mapping[ber.Oid, str], data: Fetched) -> dict[str, list[str]]:
    """Objects each profile lost: refused, and not made good by a fallback the agent answered."""
    out: dict[str, list[str]] = {}
    for profile in profiles:
        oids = metrics.profile_oids(profile) - metrics.served_by_fallback(profile, data)
        out[profile.name] = sorted(ber.format_oid(o) for o in failed if o in oids)
    return out


def _check_expected(result: ScrapeResult, profiles: Sequence[Profile], role: str | None) -> None:
    expected = expected_domains(role)
    if not expected:
        return
    produced = {f.name for f in result.families if f.samples}
    decoded = any(
        set(profile.provides) & expected
        and any(m.name in produced for t in profile.tables for m in t.metrics if m.type != "info")
        for profile in profiles)
    result.profile_matched = decoded
    if not decoded:
        result.warnings.append(
            f"no profile decodes {' or '.join(sorted(expected))} data for this {role} "
            f"(sysObjectID {result.sys_object_id or 'unknown'}); add a profile that matches it "
            f"or name one in the inventory's profiles")


async def collect(
    client: SnmpClient,
    target: SnmpTarget,
    profiles: Sequence[Profile],
    *,
    deadline: float | None = None,
    keep_data: bool = False,
    catalog: Mapping[str, Profile] | None = None,
    memory: TargetMemory | None = None,
) -> ScrapeResult:
    """Read the profiles' OIDs from the target and map them to families, within `deadline` s.

    The deadline cancels whatever is in flight; the target's budget bounds what the agent
    can make the scrape hold (OID length, bytes, varbinds), so mapping stays cheap too.

    `catalog`: also use every profile of it whose `match` fits the device (module `auto`).
    `memory`: what an exporter remembers of this target (match, table sizes) between scrapes.
    """
    labels = dict(target.labels)
    started = time.perf_counter()
    result = ScrapeResult(target.name, up=False, duration=0.0)
    profiles = list(profiles)
    budget = ScrapeBudget(target.budget, deadline_at=time.monotonic() + deadline if deadline is not None else None)
    try:
        async with asyncio.timeout(deadline):
            session = await client.session(target, budget)
            if catalog is not None:
                result.matched = [n for n in await _matched(session, catalog, memory, result)
                                  if catalog[n] not in profiles]
                profiles += [catalog[n] for n in result.matched]
            limits = {"max_repetitions": target.max_repetitions,
                      "max_oids_per_request": target.max_oids_per_request,
                      "max_varbinds": target.budget.max_varbinds,
                      "hints": memory.hints if memory is not None else None}
            fetched = await fetch(session, metrics.plan(profiles), **limits)
            second = metrics.fallback_plan(profiles, fetched.data)
            if second.scalars or second.columns:
                fetched = _merge(fetched, await fetch(session, second, after=fetched, **limits))
        result.up = True
        result.requests, result.varbinds, result.warnings = fetched.requests, fetched.varbinds, fetched.warnings
        result.families = metrics.families(profiles, fetched.data, labels)
        repeated = metrics.drop_repeated_series(result.families)
        if repeated:
            result.warnings.append(f"{len(repeated)} series given twice by the decoded rows, first kept: "
                                   + ", ".join(repeated[:3]) + (" ..." if len(repeated) > 3 else ""))
        result.modules = _module_health(profiles, fetched.failed, fetched.data)
        for name, failed in result.modules.items():
            if failed:
                result.warnings.append(f"module {name}: agent refused {', '.join(failed)}; left out")
        _check_expected(result, profiles, labels.get("role"))
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

