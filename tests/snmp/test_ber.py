"""The v2c BER codec: round trips, real-world encodings, and garbage never escaping as a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netops.snmp import ber

oids = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20).map(lambda rest: (1, 3, *rest))
values = st.one_of(
    st.tuples(st.just(ber.INTEGER), st.integers(-(2**31), 2**31 - 1)),
    st.tuples(st.just(ber.OCTET_STRING), st.binary(max_size=300)),
    st.tuples(st.just(ber.COUNTER32), st.integers(0, 2**32 - 1)),
    st.tuples(st.just(ber.GAUGE32), st.integers(0, 2**32 - 1)),
    st.tuples(st.just(ber.TIMETICKS), st.integers(0, 2**32 - 1)),
    st.tuples(st.just(ber.COUNTER64), st.integers(0, 2**64 - 1)),
    st.tuples(st.just(ber.IP_ADDRESS), st.binary(min_size=4, max_size=4)),
    st.tuples(st.just(ber.OBJECT_IDENTIFIER), oids),
    st.tuples(st.sampled_from([ber.NULL, ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW]), st.none()),
)


@given(st.lists(st.tuples(oids, values), max_size=30), st.integers(0, 2**31 - 1), st.binary(max_size=40))
@settings(max_examples=200, deadline=None)
def test_response_round_trip(varbinds, request_id, community):
    flat = [(oid, tag, value) for oid, (tag, value) in varbinds]
    decoded = ber.decode_message(ber.encode_response(community, request_id, flat))
    assert decoded.pdu_type == ber.RESPONSE
    assert decoded.request_id == request_id and decoded.community == community
    assert decoded.varbinds == flat


@given(st.binary(max_size=200))
@settings(max_examples=500, deadline=None)
def test_garbage_raises_only_ber_error(data):
    try:
        ber.decode_message(data)
    except ber.BerError:
        pass


@given(st.lists(st.tuples(oids, values), min_size=1, max_size=5), st.data())
@settings(max_examples=200, deadline=None)
def test_truncated_or_flipped_messages_raise_only_ber_error(varbinds, data):
    message = bytearray(ber.encode_response(b"public", 7, [(o, t, v) for o, (t, v) in varbinds]))
    cut = data.draw(st.integers(0, len(message) - 1))
    for candidate in (bytes(message[:cut]), _flip(message, data.draw(st.integers(0, len(message) - 1)))):
        try:
            ber.decode_message(candidate)
        except ber.BerError:
            pass


def _flip(message: bytearray, at: int) -> bytes:
    out = bytearray(message)
    out[at] ^= 0xFF
    return bytes(out)


def test_request_matches_net_snmp_encoding():
    # snmpget -v2c -c public HOST 1.3.6.1.2.1.1.3.0 with request-id 1 (captured bytes)
    expected = bytes.fromhex("302602010104067075626c6963a019020101020100020100300e300c06082b060102010103000500")
    assert ber.encode_request(ber.GET_REQUEST, b"public", 1, [(1, 3, 6, 1, 2, 1, 1, 3, 0)]) == expected


def test_getbulk_carries_counts_in_error_fields():
    message = ber.encode_request(ber.GET_BULK_REQUEST, b"x", 5, [(1, 3, 6, 1)], non_repeaters=1, max_repetitions=25)
    decoded = ber.decode_message(message)
    assert decoded.pdu_type == ber.GET_BULK_REQUEST
    assert (decoded.error_status, decoded.error_index) == (1, 25)


@pytest.mark.parametrize("oid", [(1, 3, 6, 1, 4, 1, 2011, 5, 25, 31, 1, 1, 1, 1, 5, 67108873), (2, 999, 3), (0, 39)])
def test_multi_byte_subidentifiers(oid):
    body = ber.encode_oid(oid)[2:]
    assert ber.decode_oid(body) == oid


def test_unsigned_values_with_high_bit_decode_unsigned():
    # Some agents encode Gauge32 4294967295 in 4 bytes, without the leading zero octet.
    value = bytes((ber.GAUGE32, 4, 0xFF, 0xFF, 0xFF, 0xFF))
    oid = ber.encode_oid((1, 3, 6))
    varbind = bytes((0x30, len(oid) + len(value))) + oid + value
    varbinds = bytes((0x30, len(varbind))) + varbind
    pdu_body = ber.encode_integer(1) + ber.encode_integer(0) + ber.encode_integer(0) + varbinds
    pdu = bytes((ber.RESPONSE, len(pdu_body))) + pdu_body
    body = ber.encode_integer(1) + bytes((ber.OCTET_STRING, 1)) + b"p" + pdu
    message = bytes((0x30, len(body))) + body
    assert ber.decode_message(message).varbinds[0][2] == 4294967295


def test_parse_oid_accepts_leading_dot_and_rejects_names():
    assert ber.parse_oid(".1.3.6.1.4.1.28557.1.126") == (1, 3, 6, 1, 4, 1, 28557, 1, 126)
    with pytest.raises(ValueError, match="ifDescr"):
        ber.parse_oid("ifDescr")
