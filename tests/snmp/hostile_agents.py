"""Hostile test agents: real UDP SNMP agents on loopback that attack the client, for tests only.

Each runs in its own process (so its CPU and memory are not the exporter's), binds a
127.x address on a free port, prints the port, and answers every request the hostile way
its kind says. None of them imitates a device; they exist to prove the exporter's bounds.

    python -m tests.snmp.hostile_agents KIND HOST

Kinds:
  growing-oid   valid, increasing OIDs, each one sub-identifier longer than the last
  huge-counter  increasing rows whose Counter64 values are kilobytes long
  endless-rows  valid, increasing rows of every column, forever
  big-answers   endless rows of ~60 KB answers (kilobyte strings)
  flood         thousands of junk datagrams (and right-id garbage) per request, no answer
  garbage       random bytes, truncated answers, answers with the right id and a broken body
  polite        not hostile: a quick, correct baseline (scalars answered, tables empty)
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from netops.snmp import ber  # noqa: E402

KINDS = ("growing-oid", "huge-counter", "endless-rows", "big-answers", "flood", "garbage")
POLITE = "polite"
SCALAR = (ber.TIMETICKS, 12345)


def _deeper(oid: tuple[int, ...]) -> tuple[int, ...]:
    """The next OID one sub-identifier longer; from a table entry (IF-MIB: 9-10 long), straight
    into its first column's rows, so a walk that starts at the entry sees valid rows too."""
    return oid + ((1, 1) if len(oid) < 11 else (1,))


def _row_after(oid: tuple[int, ...]) -> tuple[int, ...]:
    """Columns of the IF-MIB tables are 10-11 sub-identifiers long; rows count up forever."""
    return _deeper(oid) if len(oid) < 12 else oid[:-1] + (oid[-1] + 1,)


def _encode_raw_response(community: bytes, request_id: int, raw_varbinds: bytes) -> bytes:
    tlv = ber._tlv  # noqa: SLF001 - a test agent writing deliberately malformed values
    pdu = ber.encode_integer(request_id) + ber.encode_integer(0) + ber.encode_integer(0) + tlv(ber.SEQUENCE, raw_varbinds)
    return tlv(ber.SEQUENCE, ber.encode_integer(1) + tlv(ber.OCTET_STRING, community) + tlv(ber.RESPONSE, pdu))


def answer(kind: str, request: ber.Response, rng: random.Random) -> list[bytes]:
    community, rid = request.community, request.request_id
    oids = [oid for oid, _, _ in request.varbinds]
    reps = max(1, request.error_index) if request.pdu_type == ber.GET_BULK_REQUEST else 1
    if request.pdu_type == ber.GET_REQUEST and kind not in ("flood", "garbage"):
        return [ber.encode_response(community, rid, [(oid, *SCALAR) for oid in oids])]
    if kind == POLITE:
        return [ber.encode_response(community, rid, [(oid, ber.END_OF_MIB_VIEW, None) for oid in oids])]
    if kind == "growing-oid":
        out, last = [], list(oids)
        for _ in range(reps):
            for i, oid in enumerate(last):
                last[i] = _deeper(oid)
                out.append((last[i], ber.INTEGER, 1))
        return [ber.encode_response(community, rid, out)]
    if kind in ("endless-rows", "big-answers"):
        out, last = [], list(oids)
        value = (ber.OCTET_STRING, b"x" * 1000) if kind == "big-answers" else (ber.COUNTER64, 2**64 - 1)
        for _ in range(reps if kind == "endless-rows" else min(reps, max(1, 60 // max(1, len(oids))))):
            for i, oid in enumerate(last):
                last[i] = _row_after(oid)
                out.append((last[i], *value))
        return [ber.encode_response(community, rid, out)]
    if kind == "huge-counter":
        raw = b""
        for oid in oids:
            raw += ber._tlv(ber.SEQUENCE, ber.encode_oid(_row_after(oid)) + ber._tlv(ber.COUNTER64, b"\xff" * 4000))  # noqa: SLF001
        return [_encode_raw_response(community, rid, raw)]
    if kind == "flood":
        junk = [os.urandom(rng.randint(1, 1400)) for _ in range(3000)]
        broken = _encode_raw_response(community, rid, b"\x30\x03\x06\x01")  # right id, broken varbind
        return junk + [broken] * 200
    # garbage
    good = ber.encode_response(community, rid, [(oid, ber.INTEGER, 1) for oid in oids])
    return [os.urandom(rng.randint(1, 600)), good[: rng.randint(1, len(good) - 1)],
            _encode_raw_response(community, rid, os.urandom(rng.randint(1, 300))),
            good[:-3] + os.urandom(3)]


def serve(kind: str, host: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    print(sock.getsockname()[1], flush=True)
    rng = random.Random(1)
    while True:
        data, addr = sock.recvfrom(65535)
        try:
            request = ber.decode_message(data)
        except ber.BerError:
            continue
        for payload in answer(kind, request, rng):
            try:
                sock.sendto(payload, addr)
            except OSError:
                pass


class HostileAgent:
    """One hostile test agent process; stopped by its PID."""

    def __init__(self, kind: str, host: str) -> None:
        assert kind in KINDS or kind == POLITE, kind
        self.kind, self.host = kind, host
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.snmp.hostile_agents", kind, host], cwd=ROOT,
                                     stdout=subprocess.PIPE, start_new_session=True)
        line = self.proc.stdout.readline() if self.proc.stdout else b""
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"hostile test agent {kind} did not start")
        self.port = int(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
