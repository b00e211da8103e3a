"""Read what a set of profiles needs from one agent: one GET for scalars, GETBULK for columns.

Columns are walked side by side (several column OIDs in one GETBULK, as `snmptable`
does), so a table of 48 rows and 20 columns costs a few round trips instead of one walk
per column. Batches of columns run concurrently. The result is keyed by column OID, then
by row index, which is all the metric mapping needs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from netops.snmp import ber
from netops.snmp.errors import SnmpError, SnmpProtocolError
from netops.snmp.session import Session

TOO_BIG = 1

Cell = tuple[int, object]  # (BER tag, value)
Fetched = dict[ber.Oid, dict[ber.Oid, Cell]]


@dataclass(frozen=True)
class FetchPlan:
    """Scalars are object OIDs read as `<object>.0`; columns are walked to their end."""

    scalars: tuple[ber.Oid, ...] = ()
    columns: tuple[ber.Oid, ...] = ()


@dataclass
class FetchResult:
    data: Fetched
    requests: int = 0
    varbinds: int = 0
    warnings: list[str] = field(default_factory=list)


class _Budget:
    def __init__(self, max_varbinds: int) -> None:
        self.left = max_varbinds
        self.requests = 0
        self.varbinds = 0

    def spend(self, n: int) -> None:
        self.requests += 1
        self.varbinds += n
        self.left -= n
        if self.left < 0:
            raise SnmpProtocolError("agent returned more varbinds than the scrape limit allows")


async def fetch(
    session: Session,
    plan: FetchPlan,
    *,
    max_repetitions: int = 25,
    max_oids_per_request: int = 10,
    max_varbinds: int = 500_000,
) -> FetchResult:
    """Run the plan; any SNMP error (timeout, error status) fails the whole fetch."""
    data: Fetched = {}
    warnings: list[str] = []
    budget = _Budget(max_varbinds)
    columns = _independent(plan.columns)
    batches = [columns[i : i + max_oids_per_request] for i in range(0, len(columns), max_oids_per_request)]
    scalars = list(dict.fromkeys(plan.scalars))
    try:
        async with asyncio.TaskGroup() as group:
            for i in range(0, len(scalars), max_oids_per_request):
                group.create_task(_get(session, scalars[i : i + max_oids_per_request], data, budget))
            for batch in batches:
                group.create_task(_walk(session, batch, max_repetitions, data, budget, warnings))
    except* SnmpError as errors:
        raise errors.exceptions[0] from None
    return FetchResult(data, budget.requests, budget.varbinds, warnings)


def _independent(columns: tuple[ber.Oid, ...]) -> list[ber.Oid]:
    """Drop duplicates and columns inside another walked subtree (walked once, from the top)."""
    out: list[ber.Oid] = []
    for oid in sorted(set(columns)):
        if out and oid[: len(out[-1])] == out[-1]:
            continue
        out.append(oid)
    return out


async def _get(session: Session, objects: list[ber.Oid], data: Fetched, budget: _Budget) -> None:
    try:
        varbinds = await session.get([obj + (0,) for obj in objects])
    except SnmpProtocolError as exc:
        if exc.status != TOO_BIG or len(objects) == 1:
            raise
        half = len(objects) // 2
        await _get(session, objects[:half], data, budget)
        await _get(session, objects[half:], data, budget)
        return
    budget.spend(len(varbinds))
    for oid, tag, value in varbinds:
        if tag in ber.EXCEPTIONS or oid[-1:] != (0,):
            continue
        data.setdefault(oid[:-1], {})[(0,)] = (tag, value)


async def _walk(
    session: Session,
    columns: list[ber.Oid],
    max_repetitions: int,
    data: Fetched,
    budget: _Budget,
    warnings: list[str],
) -> None:
    last = {col: col for col in columns}
    active = list(columns)
    repetitions = max_repetitions
    while active:
        try:
            varbinds = await session.bulk([last[col] for col in active], repetitions)
        except SnmpProtocolError as exc:
            if exc.status == TOO_BIG and repetitions > 1:
                repetitions = max(1, repetitions // 2)
                continue
            raise
        budget.spend(len(varbinds))
        if not varbinds:
            warnings.append("agent returned an empty GETBULK response; walk stopped")
            return
        width = len(active)
        still: list[ber.Oid] = []
        for j, col in enumerate(active):
            cells = data.setdefault(col, {})
            n = len(col)
            prev = last[col]
            done = False
            for oid, tag, value in varbinds[j::width]:
                if tag == ber.END_OF_MIB_VIEW or oid[:n] != col:
                    done = True
                    break
                if oid <= prev:
                    warnings.append(f"agent returned OIDs out of order in {ber.format_oid(col)}; column cut short")
                    done = True
                    break
                if tag not in ber.EXCEPTIONS:
                    cells[oid[n:]] = (tag, value)
                prev = oid
            last[col] = prev
            if not done:
                still.append(col)
        active = still
