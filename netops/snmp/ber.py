"""BER encoding and decoding of SNMPv1/v2c messages, written for speed.

Profiling pysnmp showed that nearly all of a table walk's time goes to pyasn1 building one
Python object per BER element and to MIB resolution. An SNMP v2c message is a small fixed
structure, so this module reads and writes it directly over bytes: varbinds come out as
plain `(oid_tuple, tag, value)` triples. SNMPv3's USM layer is in `usm.py`.

Everything here is pure; malformed input raises `BerError`, never anything else. Sizes are
bounded as the RFCs bound them (128 sub-identifiers, 32-bit sub-identifiers, 64-bit
numbers), so a hostile agent cannot make one datagram cost more than its own length.
"""

from __future__ import annotations

from dataclasses import dataclass

# Universal and SNMP application tags (RFC 2578, RFC 3416).
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
OPAQUE = 0x44
COUNTER64 = 0x46
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82

GET_REQUEST = 0xA0
GET_NEXT_REQUEST = 0xA1
RESPONSE = 0xA2
GET_BULK_REQUEST = 0xA5
REPORT = 0xA8

EXCEPTIONS = frozenset((NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW))
UNSIGNED = frozenset((COUNTER32, GAUGE32, TIMETICKS, COUNTER64))

VERSION_1 = 0
VERSION_2C = 1

Oid = tuple[int, ...]
Varbind = tuple[Oid, int, object]

MAX_OID_LENGTH = 128  # sub-identifiers (RFC 2578 3.5); longer OIDs are refused as malformed
MAX_SUB_ID = 0xFFFFFFFF
MAX_NUMBER_OCTETS = 9  # INTEGER / Counter64 / Gauge... content: 64 bits and a sign octet


class BerError(ValueError):
    """The bytes are not a well-formed SNMP message."""


class OidTooLong(BerError):
    """An OID past the RFC bound: from the agent a request was sent to, that is a budget breach."""


@dataclass(frozen=True, slots=True)
class Response:
    version: int
    community: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[Varbind]


# --- encoding --------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def encode_integer(value: int) -> bytes:
    return _tlv(INTEGER, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def encode_oid(oid: Oid) -> bytes:
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40):
        raise BerError(f"cannot encode OID {'.'.join(map(str, oid))}")
    out = bytearray()
    for sub in (oid[0] * 40 + oid[1], *oid[2:]):
        if sub < 0x80:
            out.append(sub)
            continue
        chunk = []
        while sub:
            chunk.append((sub & 0x7F) | 0x80)
            sub >>= 7
        chunk[0] &= 0x7F
        out.extend(reversed(chunk))
    return _tlv(OBJECT_IDENTIFIER, bytes(out))


def encode_pdu(
    pdu_type: int, request_id: int, oids: list[Oid], non_repeaters: int = 0, max_repetitions: int = 0
) -> bytes:
    """A request PDU with NULL values; for GETBULK the two error fields carry the counts."""
    null = b"\x05\x00"
    varbinds = b"".join(_tlv(SEQUENCE, encode_oid(oid) + null) for oid in oids)
    body = (
        encode_integer(request_id)
        + encode_integer(non_repeaters)
        + encode_integer(max_repetitions)
        + _tlv(SEQUENCE, varbinds)
    )
    return _tlv(pdu_type, body)


def encode_request(
    pdu_type: int,
    community: bytes,
    request_id: int,
    oids: list[Oid],
    non_repeaters: int = 0,
    max_repetitions: int = 0,
    version: int = VERSION_2C,
) -> bytes:
    """A v1/v2c GET/GETNEXT/GETBULK message."""
    pdu = encode_pdu(pdu_type, request_id, oids, non_repeaters, max_repetitions)
    return _tlv(SEQUENCE, encode_integer(version) + _tlv(OCTET_STRING, community) + pdu)


def encode_octets(value: bytes) -> bytes:
    return _tlv(OCTET_STRING, value)


def encode_sequence(*parts: bytes) -> bytes:
    return _tlv(SEQUENCE, b"".join(parts))


def encode_response(
    community: bytes,
    request_id: int,
    varbinds: list[Varbind],
    error_status: int = 0,
    error_index: int = 0,
    version: int = VERSION_2C,
) -> bytes:
    """A Response PDU: used by tests' tiny agents, and to round-trip the decoder."""
    body = b"".join(_tlv(SEQUENCE, encode_oid(oid) + encode_value(tag, value)) for oid, tag, value in varbinds)
    pdu = (
        encode_integer(request_id)
        + encode_integer(error_status)
        + encode_integer(error_index)
        + _tlv(SEQUENCE, body)
    )
    return _tlv(SEQUENCE, encode_integer(version) + _tlv(OCTET_STRING, community) + _tlv(RESPONSE, pdu))


def encode_value(tag: int, value: object) -> bytes:
    if tag == INTEGER:
        return encode_integer(int(value))  # type: ignore[arg-type]
    if tag in UNSIGNED:
        n = int(value)  # type: ignore[arg-type]
        return _tlv(tag, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big"))
    if tag == OBJECT_IDENTIFIER:
        return encode_oid(value)  # type: ignore[arg-type]
    if tag in (OCTET_STRING, IP_ADDRESS, OPAQUE):
        return _tlv(tag, bytes(value))  # type: ignore[arg-type]
    if tag == NULL or tag in EXCEPTIONS:
        return bytes((tag, 0))
    raise BerError(f"cannot encode tag 0x{tag:02x}")


# --- decoding --------------------------------------------------------------------------


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """Return (tag, content start, content end) of the TLV at pos."""
    if pos + 2 > end:
        raise BerError("truncated element")
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        count = n & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise BerError("bad length")
        n = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + n > end:
        raise BerError("element longer than its container")
    return tag, pos, pos + n


def _decode_oid(body: bytes) -> Oid:
    if not body:
        raise BerError("empty OID")
    if len(body) > 5 * MAX_OID_LENGTH:
        raise OidTooLong(f"OID longer than {MAX_OID_LENGTH} sub-identifiers")
    if max(body) < 0x80:  # every sub-identifier fits in one byte: the common case
        if len(body) >= MAX_OID_LENGTH:
            raise OidTooLong(f"OID longer than {MAX_OID_LENGTH} sub-identifiers")
        first = body[0]
        head = (first // 40, first % 40) if first < 80 else (2, first - 80)
        return head + tuple(body[1:])
    subs: list[int] = []
    sub = 0
    for b in body:
        sub = (sub << 7) | (b & 0x7F)
        if sub > MAX_SUB_ID:
            raise BerError("OID sub-identifier larger than 2^32-1")
        if not b & 0x80:
            subs.append(sub)
            sub = 0
    if body[-1] & 0x80:
        raise BerError("OID ends inside a sub-identifier")
    if len(subs) >= MAX_OID_LENGTH:
        raise OidTooLong(f"OID longer than {MAX_OID_LENGTH} sub-identifiers")
    first = subs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return head + tuple(subs[1:])


def decode_oid(body: bytes) -> Oid:
    return _decode_oid(body)


def _integer(data: bytes, pos: int, end: int) -> tuple[int, int]:
    tag, start, stop = _header(data, pos, end)
    if tag != INTEGER or stop == start or stop - start > MAX_NUMBER_OCTETS:
        raise BerError("expected INTEGER of at most 64 bits")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_message(data: bytes) -> Response:
    """Decode a v1/v2c message (any PDU type); raises BerError on anything malformed."""
    try:
        return _decode_message(data)
    except BerError:
        raise
    except (IndexError, ValueError, TypeError) as exc:  # defensive: never leak other errors
        raise BerError(str(exc)) from None


def _decode_message(data: bytes) -> Response:
    end = len(data)
    tag, pos, end = _header(data, 0, end)
    if tag != SEQUENCE:
        raise BerError("message is not a SEQUENCE")
    version, pos = _integer(data, pos, end)
    tag, start, pos = _header(data, pos, end)
    if tag != OCTET_STRING:
        raise BerError("expected community OCTET STRING")
    community = data[start:pos]
    pdu_type, request_id, error_status, error_index, varbinds = decode_pdu(data, pos, end)
    return Response(version, community, pdu_type, request_id, error_status, error_index, varbinds)


def decode_pdu(data: bytes, pos: int, end: int) -> tuple[int, int, int, int, list[Varbind]]:
    """(pdu_type, request_id, error_status, error_index, varbinds) of the PDU at pos."""
    pdu_type, pos, pdu_end = _header(data, pos, end)
    request_id, pos = _integer(data, pos, pdu_end)
    error_status, pos = _integer(data, pos, pdu_end)
    error_index, pos = _integer(data, pos, pdu_end)
    tag, pos, list_end = _header(data, pos, pdu_end)
    if tag != SEQUENCE:
        raise BerError("expected varbind list")
    varbinds: list[Varbind] = []
    append = varbinds.append
    from_bytes = int.from_bytes
    while pos < list_end:
        tag, pos, vb_end = _header(data, pos, list_end)
        if tag != SEQUENCE:
            raise BerError("expected varbind SEQUENCE")
        tag, start, pos = _header(data, pos, vb_end)
        if tag != OBJECT_IDENTIFIER:
            raise BerError("expected varbind OID")
        oid = _decode_oid(data[start:pos])
        tag, start, stop = _header(data, pos, vb_end)
        if tag == INTEGER:
            if stop == start or stop - start > MAX_NUMBER_OCTETS:
                raise BerError("INTEGER empty or longer than 64 bits")
            value: object = from_bytes(data[start:stop], "big", signed=True)
        elif tag in UNSIGNED:
            if stop == start or stop - start > MAX_NUMBER_OCTETS:
                raise BerError("unsigned value empty or longer than 64 bits")
            value = from_bytes(data[start:stop], "big")
        elif tag == OCTET_STRING or tag == IP_ADDRESS or tag == OPAQUE:
            value = data[start:stop]
        elif tag == OBJECT_IDENTIFIER:
            value = _decode_oid(data[start:stop])
        elif tag == NULL or tag in EXCEPTIONS:
            value = None
        else:
            raise BerError(f"unknown value tag 0x{tag:02x}")
        append((oid, tag, value))
        pos = vb_end
    return pdu_type, request_id, error_status, error_index, varbinds


def header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the element at pos; BerError when malformed."""
    return _header(data, pos, end)


def integer(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """(value, next position) of the INTEGER at pos."""
    return _integer(data, pos, end)


def peek_message_id(data: bytes) -> int | None:
    """The id a response is matched by, without decoding the rest (None if malformed).

    v1/v2c: the PDU's request-id. v3: msgID from the message header.
    """
    try:
        end = len(data)
        _, pos, end = _header(data, 0, end)
        version, pos = _integer(data, pos, end)
        if version == 3:
            tag, pos, hdr_end = _header(data, pos, end)
            if tag != SEQUENCE:
                return None
            msg_id, _ = _integer(data, pos, hdr_end)
            return msg_id
        _, _, pos = _header(data, pos, end)
        _, pos, pdu_end = _header(data, pos, end)
        request_id, _ = _integer(data, pos, pdu_end)
        return request_id
    except (BerError, IndexError, ValueError):
        return None


def parse_oid(text: str) -> Oid:
    """'1.3.6.1.2.1' or '.1.3.6...' to a tuple; raises ValueError with the text on failure."""
    parts = text.strip().lstrip(".").split(".")
    try:
        oid = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"not a numeric OID: {text!r}") from None
    if len(oid) < 2 or any(p < 0 for p in oid) or oid[0] > 2:
        raise ValueError(f"not a valid OID: {text!r}")
    return oid


def format_oid(oid: Oid) -> str:
    return ".".join(map(str, oid))
