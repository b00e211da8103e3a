"""SNMP traps to Alertmanager alerts. Pure: bytes in, a Trap out; a Trap in, alerts out.

Decoding uses netops' own BER and USM code (netops.snmp.ber / usm), the same that polls the
devices: one SNMP codec in the codebase. v2c traps must carry a community the zone's
devices use; v3 traps must authenticate as one of the zone's SNMPv3 users (with privacy
when the user has it) and must not be older than the last one seen from that engine.
Anything else is dropped and counted, never turned into an alert.

Mapped: RFC 1628 upsTraps (on battery; alarm added/removed for the well-known alarms),
vendor power-fail traps (APC PowerNet), IF-MIB linkDown/linkUp, and environment probes
(AKCP sensorProbe). The alert carries the sending device's inventory labels, so the trap
and the poll of the same condition route, group and inhibit alike.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from netops.snmp import ber, usm

SNMP_TRAP_OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
SNMP_TRAP_ADDRESS = (1, 3, 6, 1, 6, 3, 18, 1, 3, 0)
TRAP_V2 = 0xA7
IF_INDEX = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1)
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
UPS_ALARM_DESCR = (1, 3, 6, 1, 2, 1, 33, 1, 6, 2, 1, 2)
UPS_WELL_KNOWN = (1, 3, 6, 1, 2, 1, 33, 1, 6, 3)
UPS_TRAPS = (1, 3, 6, 1, 2, 1, 33, 2, 0)
LINK_DOWN = (1, 3, 6, 1, 6, 3, 1, 1, 5, 3)
LINK_UP = (1, 3, 6, 1, 6, 3, 1, 1, 5, 4)
APC_TRAPS = (1, 3, 6, 1, 4, 1, 318, 0)
AKCP = (1, 3, 6, 1, 4, 1, 3854)
TIME_WINDOW = 150  # seconds, RFC 3414's window

# RFC 1628 well-known alarm -> (alertname, severity)
UPS_ALARMS = {
    2: ("UpsOnBattery", "critical"),
    3: ("UpsBatteryLow", "critical"),
    4: ("UpsBatteryLow", "critical"),
    6: ("UpsInputBad", "critical"),
    14: ("UpsOutputOff", "critical"),
    1: ("UpsBatteryNeedsReplacing", "warning"),
    5: ("UpsTemperatureBad", "warning"),
    8: ("UpsOutputOverload", "warning"),
}
# how long a trap's alert stays firing without a clearing trap (a poll then takes over)
TTL = timedelta(minutes=30)


class TrapError(ValueError):
    """A datagram that is not an acceptable trap (malformed, wrong community, failed USM)."""


@dataclass(frozen=True)
class Trap:
    source: str
    version: str  # "2c" or "3"
    trap_oid: ber.Oid
    varbinds: list[ber.Varbind]

    def value(self, prefix: ber.Oid) -> tuple[ber.Oid, object] | None:
        for oid, _tag, value in self.varbinds:
            if oid[: len(prefix)] == prefix:
                return oid, value
        return None


@dataclass
class V3Users:
    """The zone's SNMPv3 users, and the newest (boots, time) seen per sending engine."""

    users: list[usm.UsmUser] = field(default_factory=list)
    seen: dict[bytes, tuple[int, int]] = field(default_factory=dict)

    def check_time(self, engine_id: bytes, boots: int, engine_time: int) -> None:
        last = self.seen.get(engine_id)
        if last is not None:
            last_boots, last_time = last
            if boots < last_boots or (boots == last_boots and engine_time < last_time - TIME_WINDOW):
                raise TrapError("SNMPv3 trap outside the time window (replayed?)")
        if last is None or (boots, engine_time) > last:
            self.seen[engine_id] = (boots, engine_time)


def _v3_user_name(data: bytes) -> tuple[bytes, bytes]:
    """(engine id, user name) from the USM security parameters, before any key is known."""
    _, pos, end = ber.header(data, 0, len(data))
    _, pos = ber.integer(data, pos, end)
    _, _, pos = ber.header(data, pos, end)  # msgGlobalData
    tag, start, _ = ber.header(data, pos, end)
    if tag != ber.OCTET_STRING:
        raise ber.BerError("expected USM parameters")
    _, spos, send = ber.header(data, start, end)
    tag, estart, eend = ber.header(data, spos, send)
    _, spos = ber.integer(data, eend, send)
    _, spos = ber.integer(data, spos, send)
    tag, ustart, uend = ber.header(data, spos, send)
    return data[estart:eend], data[ustart:uend]


def decode_trap(data: bytes, source: str, communities: list[bytes], v3: V3Users) -> Trap:
    """Decode and authenticate one datagram; TrapError when it must be dropped."""
    try:
        _, pos, end = ber.header(data, 0, len(data))
        version, _ = ber.integer(data, pos, end)
        if version == ber.VERSION_2C:
            message = ber.decode_message(data)
            if not any(hmac.compare_digest(message.community, c) for c in communities):
                raise TrapError("v2c trap with an unknown community")
            pdu_type, varbinds, label = message.pdu_type, message.varbinds, "2c"
        elif version == 3:
            engine_id, name = _v3_user_name(data)
            user = next((u for u in v3.users if u.name == name), None)
            if user is None:
                raise TrapError("SNMPv3 trap from an unknown user")
            decoded = usm.decode(data, user, usm.local_keys(user, engine_id))
            if (decoded.flags & user.flags) != user.flags:
                raise TrapError("SNMPv3 trap below the user's security level")
            v3.check_time(engine_id, decoded.boots, decoded.time)
            pdu_type, varbinds, label = decoded.pdu_type, decoded.varbinds, "3"
        else:
            raise TrapError(f"SNMP version {version} traps are not accepted (v2c and v3 only)")
    except ber.BerError as exc:
        raise TrapError(f"malformed: {exc}") from None
    if pdu_type != TRAP_V2:
        raise TrapError(f"not an SNMPv2-Trap PDU (0x{pdu_type:02x})")
    trap_oid = next((v for oid, _t, v in varbinds if oid == SNMP_TRAP_OID and isinstance(v, tuple)), None)
    if trap_oid is None:
        raise TrapError("trap without snmpTrapOID.0")
    return Trap(source, label, trap_oid, varbinds)


@dataclass(frozen=True)
class Mapped:
    alertname: str
    severity: str
    firing: bool
    extra: dict[str, str] = field(default_factory=dict)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def map_trap(trap: Trap) -> Mapped | None:
    """What the trap means, or None for traps netops does not alert on."""
    oid = trap.trap_oid
    if oid[: len(UPS_TRAPS)] == UPS_TRAPS and len(oid) == len(UPS_TRAPS) + 1:
        kind = oid[-1]
        if kind == 1:  # upsTrapOnBattery
            return Mapped("UpsOnBattery", "critical", True)
        if kind in (3, 4):  # upsTrapAlarmEntryAdded / Removed
            found = trap.value(UPS_ALARM_DESCR)
            alarm = found[1] if found else None
            if isinstance(alarm, tuple) and alarm[: len(UPS_WELL_KNOWN)] == UPS_WELL_KNOWN and len(alarm) == 11:
                name, severity = UPS_ALARMS.get(alarm[-1], ("UpsAlarm", "warning"))
                return Mapped(name, severity, kind == 3, {"alarm": str(alarm[-1])})
        return None
    if oid[: len(APC_TRAPS)] == APC_TRAPS and len(oid) == len(APC_TRAPS) + 1:
        return {5: Mapped("UpsOnBattery", "critical", True), 9: Mapped("UpsOnBattery", "critical", False),
                7: Mapped("UpsBatteryLow", "critical", True)}.get(oid[-1])
    if oid in (LINK_DOWN, LINK_UP):
        extra = {}
        found = trap.value(IF_INDEX)
        if found:
            extra["if_index"] = str(found[1])
        name = trap.value(IF_NAME) or trap.value(IF_DESCR)
        if name:
            extra["if_name"] = _text(name[1])
        return Mapped("LinkDown", "warning", oid == LINK_DOWN, extra)
    if oid[: len(AKCP)] == AKCP:
        return Mapped("EnvironmentAlarm", "critical", True, {"trap": ber.format_oid(oid)})
    return None


def to_alert(mapped: Mapped, labels: dict[str, str], now: datetime | None = None,
             summary: str | None = None) -> dict:
    """An Alertmanager API v2 alert: firing for TTL, or ended now (a clearing trap)."""
    now = now or datetime.now(timezone.utc)
    all_labels = {**labels, **mapped.extra, "alertname": mapped.alertname, "severity": mapped.severity,
                  "source": "trap"}
    ends = now + TTL if mapped.firing else now
    alert = {"labels": all_labels,
             "annotations": {"summary": summary or f"{labels.get('device', '?')}: {mapped.alertname} (SNMP trap)"},
             "endsAt": ends.isoformat().replace("+00:00", "Z")}
    if mapped.firing:
        alert["startsAt"] = now.isoformat().replace("+00:00", "Z")
    return alert
