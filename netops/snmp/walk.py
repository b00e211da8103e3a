"""Read what a set of profiles needs from one agent: GETs for scalars, GETBULK for columns.

Efficiency (an agent's management CPU is the scarce resource, not ours):
- A table is read column by column side by side (several column OIDs per GETBULK), but
  never past its end: its first column is walked alone first (or, when the caller keeps
  `TableHints` from the previous scrape, concurrently with the others), and the other
  columns are then asked for exactly that many rows and stop at the first column's last
  index. A 2-row table of 20 columns costs about 42 varbinds, not 20 x max-repetitions.
  Tables of the same size share requests (a UPS's 1-line input, output and bypass tables
  go out in one GETBULK).
- Batches of columns and of scalars run concurrently.

Partial results (one object must not cost the whole device): a request that fails with an
error status, or times out while the agent answers other requests, is retried in halves
down to single objects (GET) or single columns with one repetition (GETBULK). What still
fails is recorded in `FetchResult.failed` and left out; everything else is kept. A column
whose OIDs stop increasing is left out the same way at once (never asked again).
Once a request has timed out while the agent answers others (an object it cannot encode,
snmpsim's `ifSpecific = 0`), the pieces are given `NARROW_FACTOR` x the slowest answer seen
so far (at least `NARROW_FLOOR` s), not the target's full timeout and retries each: the
agent has shown it answers, so halving down to the culprit fits a 10 s scrape instead of
costing one whole timeout per level.

Bounds are not partial: a budget breach (SnmpBudgetError: OID length, bytes, varbinds) or
the scrape's deadline ends the whole fetch and is never retried in pieces, which would
only multiply what the agent makes the scrape cost.

The result is keyed by column OID, then by row index, which is all the metric mapping needs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from netops.snmp import ber
from netops.snmp.errors import SnmpBudgetError, SnmpDeadlineError, SnmpError, SnmpProtocolError, SnmpTimeout
from netops.snmp.session import Session

TOO_BIG = 1
RECHECK_ABSENT = 10  # scrapes between two looks at a column the agent did not have
NARROW_FLOOR = 1.0  # seconds: the least a piece of a timed-out request is given
NARROW_FACTOR = 4.0  # times the slowest answer of this fetch

Cell = tuple[int, object]  # (BER tag, value)
Fetched = dict[ber.Oid, dict[ber.Oid, Cell]]
# Rows seen per table (keyed by the table's entry OID) and per column (column OID) in the
# last scrape of one target.
TableHints = dict[ber.Oid, int]


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
    failed: dict[ber.Oid, str] = field(default_factory=dict)  # object or column -> why
    narrowing: bool = False  # a request timed out while the agent answered others
    slowest: float = 0.0  # seconds, the slowest answer


class _Budget:
    def __init__(self, max_varbinds: int) -> None:
        self.left = self.limit = max_varbinds
        self.requests = 0
        self.varbinds = 0

    def spend(self, n: int) -> None:
        self.requests += 1
        self.varbinds += n
        self.left -= n
        if self.left < 0:
            raise SnmpBudgetError(f"agent returned more than {self.limit} varbinds in one scrape")


def _retryable(exc: SnmpError, answered: int) -> bool:
    """An error status, or a timeout from an agent that answers other requests: split.

    Never a budget breach or the scrape's deadline: those end the scrape."""
    if isinstance(exc, SnmpDeadlineError):
        return False
    if isinstance(exc, SnmpTimeout):
        return answered > 0
    return isinstance(exc, SnmpProtocolError) and exc.status not in (0, TOO_BIG)


class _Fetcher:
    def __init__(self, session: Session, budget: _Budget, max_repetitions: int, max_oids: int,
                 hints: TableHints | None, alive: bool = False) -> None:
        self.alive = alive  # the agent already answered (an earlier pass of this scrape)
        self.session = session
        self.budget = budget
        self.max_repetitions = max_repetitions
        self.max_oids = max_oids
        self.cap = max_repetitions * max_oids  # varbinds asked for in one response at most
        self.hints = hints
        self.data: Fetched = {}
        self._planned: dict[ber.Oid, list[ber.Oid]] = {}
        self.skipped: set[ber.Oid] = set()  # columns known to be absent, not asked this time
        self.warnings: list[str] = []
        self.failed: dict[ber.Oid, str] = {}
        self.narrowing = False  # a request timed out while the agent answers others
        self.slowest = 0.0  # seconds, the slowest answer of this fetch

    async def _ask(self, oids: list[ber.Oid], repetitions: int | None = None) -> list[ber.Varbind]:
        """GET (repetitions None) or GETBULK; pieces of a timed-out request get a short deadline."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        call = self.session.get(oids) if repetitions is None else self.session.bulk(oids, repetitions)
        try:
            if not self.narrowing:
                varbinds = await call
            else:
                limit = max(NARROW_FLOOR, NARROW_FACTOR * self.slowest)
                try:
                    async with asyncio.timeout(limit):
                        varbinds = await call
                except TimeoutError:
                    raise SnmpTimeout(f"no answer within {limit:.1f}s to a piece of a request the agent "
                                      f"did not answer") from None
        except SnmpTimeout:
            if self.answered > 0:
                self.narrowing = True
            raise
        self.slowest = max(self.slowest, loop.time() - started)
        return varbinds

    @property
    def answered(self) -> int:
        return self.budget.requests + (1 if self.alive else 0)

    # --- scalars -----------------------------------------------------------------------

    async def get(self, objects: list[ber.Oid]) -> None:
        try:
            varbinds = await self._ask([obj + (0,) for obj in objects])
        except SnmpError as exc:
            too_big = isinstance(exc, SnmpProtocolError) and exc.status == TOO_BIG
            if not (too_big or _retryable(exc, self.answered)):
                raise
            if len(objects) == 1:
                self.failed[objects[0]] = str(exc)
                return
            half = len(objects) // 2
            await asyncio.gather(self.get(objects[:half]), self.get(objects[half:]))
            return
        self.budget.spend(len(varbinds))
        for oid, tag, value in varbinds:
            if tag in ber.EXCEPTIONS or oid[-1:] != (0,):
                continue
            self.data.setdefault(oid[:-1], {})[(0,)] = (tag, value)

    # --- tables ------------------------------------------------------------------------

    async def tables(self, group: dict[ber.Oid, list[ber.Oid]], hint: int | None) -> None:
        """Walk tables' columns without reading past their ends.

        Size unknown (first scrape) or empty last time: the tables' entries are walked from
        their start, side by side, until the first column ends; that gives the row count and
        already holds the leading columns, and an empty table costs one varbind. With a hint
        from the last scrape, the first planned column (one row more than the hint, to see
        growth) and the other columns (exactly the hint) go out together. Tables of one size
        share requests.
        """
        if hint is None or hint == 0:
            await self._discover(group, 1 if hint == 0 else self.max_repetitions)
            return
        loop = asyncio.get_running_loop()
        ends: dict[ber.Oid, asyncio.Future] = {entry: loop.create_future() for entry in group}
        known = self.hints or {}
        # the probe is the first column that had rows last time (ifIndex may be missing)
        group = {entry: sorted(cols, key=lambda col: known.get(col, 1) <= 0) for entry, cols in group.items()}
        probes = [cols[0] for cols in group.values()]
        rest = [col for entry, cols in group.items() for col in cols[1:]]
        column_end = {col: ends[entry] for entry, cols in group.items() for col in cols[1:]}
        # columns the agent did not have: skipped, and asked again (one varbind each) every
        # RECHECK_ABSENT scrapes in case they appear
        absent = [col for col in rest if known.get(col, 1) <= 0]
        rest = [col for col in rest if col not in absent]
        self.skipped.update(col for col in absent if known[col] > -RECHECK_ABSENT)
        absent = [col for col in absent if col not in self.skipped]

        async def walk_probes() -> None:
            try:
                await self._batches(probes, hint + 1, None, expected=hint + 1)
            finally:
                for entry, cols in group.items():
                    rows = self.data.get(cols[0], {})
                    if not ends[entry].done():
                        ends[entry].set_result(max(rows) if rows else None)
                    if self.hints is not None and cols[0] not in self.failed:
                        self.hints[entry] = len(rows)

        await asyncio.gather(walk_probes(), self._batches(rest, hint, column_end),
                             self._batches(absent, 1, {col: column_end[col] for col in absent}, expected=0))

    async def _discover(self, group: dict[ber.Oid, list[ber.Oid]], repetitions: int) -> None:
        """Walk entries from their start until each one's first column has ended."""
        entries = list(group)
        for i in range(0, len(entries), self.max_oids):
            batch = entries[i:i + self.max_oids]
            try:
                state = await self._walk_entries(batch, repetitions)
            except SnmpError as exc:
                too_big = isinstance(exc, SnmpProtocolError) and exc.status == TOO_BIG
                if not (too_big or _retryable(exc, self.answered)):
                    raise
                await self._by_columns({e: group[e] for e in batch})  # narrower requests
                continue
            await self._finish(batch, group, state)

    async def _walk_entries(self, entries: list[ber.Oid], repetitions: int) -> dict:
        planned = {col for entry in entries for col in self._planned.get(entry, ())}
        state = {e: {"last": e, "first": None, "rows": 0, "end": None, "done": False} for e in entries}
        active = list(entries)
        while active:
            width = len(active)
            reps = max(1, min(repetitions, self.cap // width))
            varbinds = await self._ask([state[e]["last"] for e in active], reps)
            self.budget.spend(len(varbinds))
            if not varbinds:
                self.warnings.append("agent returned an empty GETBULK response; walk stopped")
                for e in active:
                    state[e]["done"] = True
                return state
            still = []
            for j, entry in enumerate(active):
                st, n = state[entry], len(entry)
                for oid, tag, value in varbinds[j::width]:
                    if tag == ber.END_OF_MIB_VIEW or oid[:n] != entry or len(oid) <= n + 1:
                        st["done"] = True
                        break
                    if oid <= st["last"]:
                        self._not_increasing(entry, [c for c in self._planned.get(entry, ())
                                                     if c >= st["last"][: n + 1]])
                        st["done"] = True
                        break
                    col = oid[: n + 1]
                    if st["first"] is None:
                        st["first"] = col
                    if col == st["first"]:
                        st["rows"] += 1
                        st["end"] = oid[n + 1:]
                    if col in planned and tag not in ber.EXCEPTIONS:
                        self.data.setdefault(col, {})[oid[n + 1:]] = (tag, value)
                    st["last"] = oid
                first_over = st["first"] is not None and st["last"][: n + 1] != st["first"]
                if not (st["done"] or first_over):
                    still.append(entry)
            active = still
            # a long first column: ask for more at a time (what lies beyond it in the entry is
            # the next columns, kept when planned), so a 254-port table takes a few round trips
            repetitions = min(self.cap, max(self.max_repetitions, reps * 2))
        return state

    async def _finish(self, entries: list[ber.Oid], group: dict[ber.Oid, list[ber.Oid]], state: dict) -> None:
        """Read what the entry walks left: the rest of the cut-off column and later columns."""
        loop = asyncio.get_running_loop()
        jobs = []
        for entry in entries:
            st = state[entry]
            if self.hints is not None:
                self.hints[entry] = st["rows"]
            if st["first"] is None:  # nothing in the table
                continue
            n = len(entry)
            reached = st["last"][: n + 1]
            end = loop.create_future()
            end.set_result(st["end"])
            todo, start = [], {}
            for col in group[entry]:
                if st["done"] or col < reached:
                    continue  # read whole by the entry walk (or absent)
                todo.append(col)
                if col == reached:
                    start[col] = st["last"]
            for col in todo:
                self.data.setdefault(col, {})
            if todo:
                jobs.append((todo, max(1, st["rows"]), {c: end for c in todo}, start))
        by_size: dict[int, tuple[list, dict, dict]] = {}
        for todo, size, ends, start in jobs:
            cols, all_ends, all_start = by_size.setdefault(size, ([], {}, {}))
            cols += todo
            all_ends.update(ends)
            all_start.update(start)
        await asyncio.gather(*(self._batches(cols, size, ends, start) for size, (cols, ends, start) in by_size.items()))

    async def _by_columns(self, group: dict[ber.Oid, list[ber.Oid]]) -> None:
        """Fallback when an entry walk is refused: each table's first column, then the rest."""
        for entry, cols in group.items():
            await self.columns([cols[0]], self.max_repetitions)
            rows = self.data.get(cols[0], {})
            if self.hints is not None and cols[0] not in self.failed:
                self.hints[entry] = len(rows)
            end = asyncio.get_running_loop().create_future()
            end.set_result(max(rows) if rows else None)
            await self._batches(cols[1:], max(1, len(rows)), {c: end for c in cols[1:]})

    async def _batches(self, columns: list[ber.Oid], repetitions: int,
                       ends: dict[ber.Oid, asyncio.Future] | None,
                       start: dict[ber.Oid, ber.Oid] | None = None, expected: int | None = -1) -> None:
        """Columns in requests of max_oids; with `ends`, each is expected to hold `repetitions` rows
        (or `expected`)."""
        # one-row tables (UPS cards, sensors): wider requests, as their answers stay small
        size = self.max_oids if repetitions > 1 else max(self.max_oids, min(len(columns), 3 * self.max_oids))
        if expected == -1:
            expected = repetitions if ends is not None else None
        await asyncio.gather(*(self.columns(columns[i:i + size], repetitions, ends,
                                            {c: start[c] for c in columns[i:i + size] if c in start} if start else None,
                                            expected)
                               for i in range(0, len(columns), size)))

    async def columns(self, columns: list[ber.Oid], repetitions: int,
                      ends: dict[ber.Oid, asyncio.Future] | None = None,
                      start: dict[ber.Oid, ber.Oid] | None = None, expected: int | None = None) -> None:
        """Walk columns side by side; stop each at its subtree's end or at its table's end.

        `expected`: rows each column should hold; later requests ask only for what is left
        (an agent that answers fewer varbinds than asked does not make us read past the end).
        """
        last = {col: (start or {}).get(col, col) for col in columns}
        active = list(columns)
        degraded = 0
        while active:
            width = len(active)
            reps = max(1, min(repetitions, self.cap // width))
            try:
                varbinds = await self._ask([last[col] for col in active], reps)
            except SnmpError as exc:
                too_big = isinstance(exc, SnmpProtocolError) and exc.status == TOO_BIG
                if too_big and reps > 1:
                    repetitions = max(1, reps // 2)
                    continue
                if not (too_big or _retryable(exc, self.answered)):
                    raise
                if width > 1:  # split the columns, each half from where it stands
                    half = width // 2
                    await asyncio.gather(
                        self.columns(active[:half], repetitions, ends, {c: last[c] for c in active[:half]}),
                        self.columns(active[half:], repetitions, ends, {c: last[c] for c in active[half:]}))
                    return
                if reps > 1:  # and stay at 1: what follows in the column may be refused again
                    repetitions = degraded = 1
                    continue
                self.failed[active[0]] = str(exc)
                self.data.pop(active[0], None)  # a column read in part is left out whole
                return
            self.budget.spend(len(varbinds))
            if not varbinds:
                self.warnings.append("agent returned an empty GETBULK response; walk stopped")
                return
            still = self._absorb(active, varbinds, last)
            if len(varbinds) < width * reps and len(still) == width and len(varbinds) >= width:
                self.cap = min(self.cap, len(varbinds))  # the agent answers at most this many
            if ends is not None and still:
                kept = []
                for col in still:
                    stop = await ends[col]
                    if stop is None or last[col][len(col):] < stop:
                        kept.append(col)
                still = kept
            active = still
            repetitions = degraded or self.max_repetitions
            if expected is not None and active and not degraded:
                lefts = [expected - len(self.data.get(col, {})) for col in active]
                if all(left > 0 for left in lefts):  # else a column holds more than expected
                    # the least any column still lacks: none reads past its end (columns an
                    # agent's short answer left a row apart need one more small request)
                    repetitions = min(repetitions, min(lefts))

    def _not_increasing(self, where: ber.Oid, columns: list[ber.Oid]) -> None:
        """A walk led backwards: stop it, and leave out (as failed) every column it had not read."""
        why = f"agent returned OIDs out of order (not increasing) in {ber.format_oid(where)}"
        self.warnings.append(f"{why}; walk stopped, left out")
        for col in columns:
            self.failed[col] = why
            self.data.pop(col, None)

    def _absorb(self, active: list[ber.Oid], varbinds: list, last: dict[ber.Oid, ber.Oid]) -> list[ber.Oid]:
        width = len(active)
        still: list[ber.Oid] = []
        for j, col in enumerate(active):
            cells = self.data.setdefault(col, {})
            n = len(col)
            prev = last[col]
            done = False
            for oid, tag, value in varbinds[j::width]:
                if tag == ber.END_OF_MIB_VIEW or oid[:n] != col:
                    done = True
                    break
                if oid <= prev:
                    self._not_increasing(col, [col])
                    done = True
                    break
                if tag not in ber.EXCEPTIONS:
                    cells[oid[n:]] = (tag, value)
                prev = oid
            last[col] = prev
            if not done:
                still.append(col)
        return still


async def fetch(
    session: Session,
    plan: FetchPlan,
    *,
    max_repetitions: int = 25,
    max_oids_per_request: int = 10,
    max_varbinds: int = 500_000,
    hints: TableHints | None = None,
    after: FetchResult | None = None,
) -> FetchResult:
    """Run the plan. An agent that answers nothing raises; single failing objects do not.

    `after`: an earlier pass of this scrape. If the agent answered it, a timeout is one
    request's problem (split and retried), not a dead agent; if a request of it timed out,
    requests of this one get the short deadline at once.
    """
    alive = after is not None and after.requests > 0
    fetcher = _Fetcher(session, _Budget(max_varbinds), max_repetitions, max_oids_per_request, hints, alive)
    if after is not None:
        fetcher.narrowing, fetcher.slowest = after.narrowing, after.slowest
    scalars = list(dict.fromkeys(plan.scalars))
    try:
        async with asyncio.TaskGroup() as group:
            for i in range(0, len(scalars), max_oids_per_request):
                group.create_task(fetcher.get(scalars[i : i + max_oids_per_request]))
            by_hint: dict[int | None, dict[ber.Oid, list[ber.Oid]]] = {}
            fetcher._planned = tables(plan.columns)
            for entry, columns in fetcher._planned.items():
                by_hint.setdefault(hints.get(entry) if hints is not None else None, {})[entry] = columns
            for hint, group_of_tables in by_hint.items():
                group.create_task(fetcher.tables(group_of_tables, hint))
    except* SnmpError as errors:
        raise errors.exceptions[0] from None
    if hints is not None:  # which columns hold nothing: next time they cost one varbind
        for columns in fetcher._planned.values():
            for col in columns:
                if col in fetcher.skipped:
                    hints[col] -= 1
                elif col not in fetcher.failed:
                    hints[col] = len(fetcher.data.get(col, ()))
    return FetchResult(fetcher.data, fetcher.budget.requests, fetcher.budget.varbinds,
                       fetcher.warnings, fetcher.failed, fetcher.narrowing, fetcher.slowest)


def tables(columns: tuple[ber.Oid, ...]) -> dict[ber.Oid, list[ber.Oid]]:
    """Columns grouped by table entry (the column OID without its last arc), in OID order.

    Duplicates and columns inside another walked subtree are dropped (walked once, from the top).
    """
    out: list[ber.Oid] = []
    for oid in sorted(set(columns)):
        if out and oid[: len(out[-1])] == out[-1]:
            continue
        out.append(oid)
    grouped: dict[ber.Oid, list[ber.Oid]] = {}
    for oid in out:
        grouped.setdefault(oid[:-1], []).append(oid)
    return grouped
