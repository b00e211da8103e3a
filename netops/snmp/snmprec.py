"""Write snmpsim `.snmprec` recordings from varbinds: for benchmarks and the lab. Pure.

A recording is one `OID|TAG|VALUE` line per object, sorted by OID, TAG being the BER tag
number (suffix `x` for hex-encoded values). Builders for the standard system group and
IF-MIB tables let a simulated device be described by its ports, not by OIDs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from netops.snmp import ber

Row = tuple[ber.Oid, int, object]

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)


def _value(tag: int, value: object) -> tuple[str, str]:
    if isinstance(value, (bytes, str)):
        raw = value.encode() if isinstance(value, str) else value
        text = raw.decode("utf-8", errors="strict") if raw.isascii() else None
        if text is not None and text.isprintable() and "|" not in text:
            return str(tag), text
        return f"{tag}x", raw.hex()
    if isinstance(value, tuple):
        return str(tag), ber.format_oid(value)
    return str(tag), str(value)


def render_snmprec(rows: Iterable[Row]) -> str:
    """The recording text, sorted by OID as snmpsim requires."""
    lines = []
    for oid, tag, value in sorted(rows, key=lambda row: row[0]):
        tag_text, value_text = _value(tag, value)
        lines.append(f"{ber.format_oid(oid)}|{tag_text}|{value_text}")
    return "\n".join(lines) + "\n"


def system_rows(descr: str, object_id: ber.Oid, uptime_ticks: int, name: str, location: str = "") -> list[Row]:
    return [
        (SYSTEM + (1, 0), ber.OCTET_STRING, descr),
        (SYSTEM + (2, 0), ber.OBJECT_IDENTIFIER, object_id),
        (SYSTEM + (3, 0), ber.TIMETICKS, uptime_ticks),
        (SYSTEM + (4, 0), ber.OCTET_STRING, ""),
        (SYSTEM + (5, 0), ber.OCTET_STRING, name),
        (SYSTEM + (6, 0), ber.OCTET_STRING, location),
    ]


@dataclass(frozen=True)
class Port:
    index: int
    name: str
    alias: str = ""
    speed_mbps: int = 1000
    admin_up: bool = True
    oper_up: bool = True
    if_type: int = 6  # ethernetCsmacd
    in_octets: int = 0
    out_octets: int = 0
    in_packets: int = 0
    out_packets: int = 0
    in_errors: int = 0
    out_errors: int = 0
    mac: bytes = b""


def interface_rows(ports: Iterable[Port], uptime_ticks: int = 0) -> list[Row]:
    """ifNumber, every ifTable column and every ifXTable column for the ports."""
    ports = list(ports)
    rows: list[Row] = [((1, 3, 6, 1, 2, 1, 2, 1, 0), ber.INTEGER, len(ports))]
    c32 = ber.COUNTER32
    for p in ports:
        i = (p.index,)
        status = lambda up: 1 if up else 2  # noqa: E731
        rows += [
            (IF_ENTRY + (1,) + i, ber.INTEGER, p.index),
            (IF_ENTRY + (2,) + i, ber.OCTET_STRING, p.name),
            (IF_ENTRY + (3,) + i, ber.INTEGER, p.if_type),
            (IF_ENTRY + (4,) + i, ber.INTEGER, 1500),
            (IF_ENTRY + (5,) + i, ber.GAUGE32, min(p.speed_mbps * 1_000_000, 4294967295)),
            (IF_ENTRY + (6,) + i, ber.OCTET_STRING, p.mac or bytes((0, 0x1E, 0x10, 0, 0, p.index % 256))),
            (IF_ENTRY + (7,) + i, ber.INTEGER, status(p.admin_up)),
            (IF_ENTRY + (8,) + i, ber.INTEGER, status(p.oper_up)),
            (IF_ENTRY + (9,) + i, ber.TIMETICKS, uptime_ticks // 2),
            (IF_ENTRY + (10,) + i, c32, p.in_octets % 2**32),
            (IF_ENTRY + (11,) + i, c32, p.in_packets % 2**32),
            (IF_ENTRY + (12,) + i, c32, 0),
            (IF_ENTRY + (13,) + i, c32, 0),
            (IF_ENTRY + (14,) + i, c32, p.in_errors),
            (IF_ENTRY + (15,) + i, c32, 0),
            (IF_ENTRY + (16,) + i, c32, p.out_octets % 2**32),
            (IF_ENTRY + (17,) + i, c32, p.out_packets % 2**32),
            (IF_ENTRY + (18,) + i, c32, 0),
            (IF_ENTRY + (19,) + i, c32, 0),
            (IF_ENTRY + (20,) + i, c32, p.out_errors),
            (IF_ENTRY + (21,) + i, ber.GAUGE32, 0),
            (IF_ENTRY + (22,) + i, ber.OBJECT_IDENTIFIER, (0, 0)),
            (IFX_ENTRY + (1,) + i, ber.OCTET_STRING, p.name),
            (IFX_ENTRY + (2,) + i, c32, 0),
            (IFX_ENTRY + (3,) + i, c32, 0),
            (IFX_ENTRY + (4,) + i, c32, 0),
            (IFX_ENTRY + (5,) + i, c32, 0),
            (IFX_ENTRY + (6,) + i, ber.COUNTER64, p.in_octets),
            (IFX_ENTRY + (7,) + i, ber.COUNTER64, p.in_packets),
            (IFX_ENTRY + (8,) + i, ber.COUNTER64, 0),
            (IFX_ENTRY + (9,) + i, ber.COUNTER64, 0),
            (IFX_ENTRY + (10,) + i, ber.COUNTER64, p.out_octets),
            (IFX_ENTRY + (11,) + i, ber.COUNTER64, p.out_packets),
            (IFX_ENTRY + (12,) + i, ber.COUNTER64, 0),
            (IFX_ENTRY + (13,) + i, ber.COUNTER64, 0),
            (IFX_ENTRY + (14,) + i, ber.INTEGER, 1),
            (IFX_ENTRY + (15,) + i, ber.GAUGE32, p.speed_mbps),
            (IFX_ENTRY + (16,) + i, ber.INTEGER, 2),
            (IFX_ENTRY + (17,) + i, ber.INTEGER, 1),
            (IFX_ENTRY + (18,) + i, ber.OCTET_STRING, p.alias),
            (IFX_ENTRY + (19,) + i, ber.TIMETICKS, 0),
        ]
    return rows
