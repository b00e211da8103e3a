"""SNMPv3 USM pieces against the RFCs' own test vectors, and forged messages being refused."""

from __future__ import annotations

import pytest

from netops.snmp import ber, usm

ENGINE = bytes.fromhex("000000000000000000000002")


@pytest.mark.parametrize("proto, expected", [
    ("md5", "526f5eed9fcce26f8964c2930787d82b"),            # RFC 3414 A.3.1
    ("sha1", "6695febc9288e36282235fc7151f128497b38f3f"),    # RFC 3414 A.3.2
])
def test_key_localisation_matches_rfc_3414(proto, expected):
    assert usm.localize(b"maplesyrup", proto, ENGINE).hex() == expected


def _pair():
    user = usm.UsmUser(b"netops", "SHA", b"auth-secret-1", "AES", b"priv-secret-1")
    keys = usm.local_keys(user, ENGINE)
    engine = usm.Engine(ENGINE, boots=3, time=1000)
    return user, keys, engine


def test_request_round_trips_through_decode():
    user, keys, engine = _pair()
    pdu = ber.encode_pdu(ber.GET_REQUEST, 42, [(1, 3, 6, 1, 2, 1, 1, 5, 0)])
    message = usm.encode_request(42, engine, user, keys, pdu, b"", salt=7)
    decoded = usm.decode(message, user, keys)
    assert decoded.msg_id == 42 and decoded.request_id == 42
    assert decoded.flags & (usm.FLAG_AUTH | usm.FLAG_PRIV) == usm.FLAG_AUTH | usm.FLAG_PRIV
    assert decoded.varbinds == [((1, 3, 6, 1, 2, 1, 1, 5, 0), ber.NULL, None)]
    assert decoded.boots == 3 and decoded.engine_id == ENGINE


def test_tampered_or_wrongly_keyed_messages_are_refused():
    user, keys, engine = _pair()
    message = bytearray(usm.encode_request(1, engine, user, keys, ber.encode_pdu(ber.GET_REQUEST, 1, []), b"", 1))
    message[-1] ^= 1
    with pytest.raises(ber.BerError, match="wrong digest"):
        usm.decode(bytes(message), user, keys)
    other = usm.local_keys(usm.UsmUser(b"netops", "SHA", b"another-secret", "AES", b"priv-secret-1"), ENGINE)
    good = usm.encode_request(1, engine, user, keys, ber.encode_pdu(ber.GET_REQUEST, 1, []), b"", 1)
    with pytest.raises(ber.BerError):
        usm.decode(good, user, other)
    with pytest.raises(ber.BerError):
        usm.decode(good, None, None)  # authenticated message, nobody to check it with


def test_discovery_message_is_unauthenticated_and_reportable():
    message = usm.encode_discovery(9, ber.encode_pdu(ber.GET_REQUEST, 9, []))
    decoded = usm.decode(message, None, None)
    assert decoded.flags == usm.FLAG_REPORTABLE and decoded.engine_id == b""
    assert ber.peek_message_id(message) == 9
