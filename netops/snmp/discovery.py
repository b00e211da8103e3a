"""Which profiles fit a device, from what it says it is: sysObjectID and probe OIDs.

As LibreNMS's discovery: a profile's `match` lists sysObjectID prefixes and/or probe OIDs
(subtrees of which something must exist). One GET (sysObjectID.0) plus one GETBULK with one
repetition per probe answers every profile at once; the answer is remembered per target
(`TargetMemory`) so later scrapes do not ask again until it is stale.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from netops.snmp import ber
from netops.snmp.errors import SnmpError
from netops.snmp.profile import Profile
from netops.snmp.session import Session
from netops.snmp.walk import TableHints

SYS_OBJECT_ID: ber.Oid = (1, 3, 6, 1, 2, 1, 1, 2, 0)
AUTO = "auto"  # the module name that asks for matching
REMEMBER_SECONDS = 3600.0


@dataclass
class Identity:
    """What the agent said about itself: its sysObjectID and which probe subtrees exist."""

    sys_object_id: ber.Oid | None
    present: frozenset[ber.Oid]


@dataclass
class TargetMemory:
    """What a long-running exporter keeps about one target between scrapes."""

    matched: tuple[str, ...] | None = None
    sys_object_id: ber.Oid | None = None
    matched_at: float = 0.0
    hints: TableHints = field(default_factory=dict)
    # one discovery at a time per target: concurrent first scrapes wait for it
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    def fresh(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self.matched is not None and now - self.matched_at < REMEMBER_SECONDS


class Memory:
    """TargetMemory by target name, owned by one exporter (no module-level state)."""

    def __init__(self) -> None:
        self._targets: dict[str, TargetMemory] = {}

    def target(self, name: str) -> TargetMemory:
        return self._targets.setdefault(name, TargetMemory())


def probes(catalog: Mapping[str, Profile]) -> list[ber.Oid]:
    out: dict[ber.Oid, None] = {}
    for profile in catalog.values():
        if profile.match is not None:
            out.update(dict.fromkeys(profile.match.probe))
    return sorted(out)


def matches(profile: Profile, identity: Identity) -> bool:
    spec = profile.match
    if spec is None:
        return False
    if spec.sys_object_id:
        oid = identity.sys_object_id
        if oid is None or not any(oid[: len(p)] == p for p in spec.sys_object_id):
            return False
    if spec.probe and not any(p in identity.present for p in spec.probe):
        return False
    return True


def matching(catalog: Mapping[str, Profile], identity: Identity) -> list[str]:
    """Names of every profile of the catalog whose `match` holds for the device, sorted,
    less those a matching profile `replaces`."""
    found = [name for name, profile in catalog.items() if matches(profile, identity)]
    replaced = {r for name in found for r in catalog[name].match.replaces}  # type: ignore[union-attr]
    return sorted(name for name in found if name not in replaced)


async def identify(session: Session, probe_oids: Sequence[ber.Oid]) -> Identity:
    """Ask the agent for its sysObjectID and which probe subtrees hold anything."""
    varbinds = await session.get([SYS_OBJECT_ID])
    sys_oid = next((v for o, t, v in varbinds if o == SYS_OBJECT_ID and t == ber.OBJECT_IDENTIFIER), None)
    present: set[ber.Oid] = set()
    if probe_oids:
        present = await _present(session, list(probe_oids))
    return Identity(sys_oid, frozenset(present))


async def _present(session: Session, oids: list[ber.Oid]) -> set[ber.Oid]:
    """Probe subtrees that hold something. The agent answered the GET before this, so an
    error or a timeout is about one probe's neighbourhood: split, and a single probe that
    still fails counts as absent."""
    try:
        varbinds = await session.bulk(oids, 1)
    except SnmpError:
        if len(oids) == 1:
            return set()
        half = len(oids) // 2
        return await _present(session, oids[:half]) | await _present(session, oids[half:])
    found: set[ber.Oid] = set()
    for probe, (oid, tag, _value) in zip(oids, varbinds):
        if tag not in ber.EXCEPTIONS and oid[: len(probe)] == probe:
            found.add(probe)
    return found
